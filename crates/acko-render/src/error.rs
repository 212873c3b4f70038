//! Errors of rendering. Rendering expects a defaulted, validated cluster, so these only happen
//! when a caller skipped validation; each names the field and how to fix it.

/// Why a cluster could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// The effective aerospike.conf of a rack could not be built.
    #[error("rack {rack_id}: {source} (check spec.aerospikeConfig and the rack's aerospikeConfig)")]
    Config {
        /// The rack whose configuration failed.
        rack_id: i32,
        /// What aerospike-conf reported.
        source: aerospike_conf::ConfError,
    },
    /// A required or malformed field.
    #[error("{path}: {message}; {hint}")]
    Field {
        /// JSON path of the field, e.g. `spec.image`.
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
}

impl RenderError {
    /// Builds a [`RenderError::Field`].
    pub fn field(path: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        RenderError::Field {
            path: path.to_owned(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

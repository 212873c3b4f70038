//! Error types. Every error names where the problem is and how to fix it.

/// A problem building or editing the model, located by a path such as
/// `aerospikeConfig.namespaces[1].storage-engine`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{path}: {message}")]
pub struct ConfError {
    /// Where the problem is (a JSON path for [`crate::AerospikeConf::from_spec`], a
    /// config path such as `network.service.port` for the editing helpers).
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ConfError {
    /// Builds an error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> ConfError {
        ConfError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A syntax error in aerospike.conf text, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) of the offending token.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

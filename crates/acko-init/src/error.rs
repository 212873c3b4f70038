//! The one error type of acko-init. Every variant renders as a single line that says what
//! was wrong, what was expected and what was found, so the pod's termination message and
//! `kubectl logs` explain a failure without a stack trace.

use std::path::PathBuf;

/// Everything that can stop `prepare` or a warm restart.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// An input (env var, flag, file, annotation, Kubernetes object field) is missing or wrong.
    #[error("{field}: expected {expected}, found {found}")]
    Input {
        /// Which input, e.g. `POD_IP` or `node worker-1 status.addresses`.
        field: String,
        /// What a valid value looks like.
        expected: String,
        /// What was actually there.
        found: String,
    },
    /// The Kubernetes API refused a read (RBAC).
    #[error(
        "forbidden to get {object}: the pod's service account needs {rule} (the operator renders it; check the Role/ClusterRole and its binding): {message}"
    )]
    Forbidden {
        /// `Service aerospike/demo-0-0-pod`.
        object: String,
        /// The RBAC rule that grants the read.
        rule: String,
        /// The API server's message.
        message: String,
    },
    /// The object does not exist.
    #[error("{object} not found: {hint}")]
    NotFound {
        /// `Node worker-1`.
        object: String,
        /// What usually causes it.
        hint: String,
    },
    /// Any other API failure (connection, 5xx, bad reply).
    #[error("reading {object} from the Kubernetes API failed: {message}")]
    Api {
        /// The object being read.
        object: String,
        /// The underlying error.
        message: String,
    },
    /// A per-pod LoadBalancer/NodePort never got an address in time.
    #[error("{object} has no {what} after {seconds} s; {hint} (the pod restarts and tries again)")]
    ExternalTimeout {
        /// The Service.
        object: String,
        /// `LoadBalancer ingress IP or hostname` / `nodePort`.
        what: String,
        /// The timeout.
        seconds: u64,
        /// What was last seen and what to check.
        hint: String,
    },
    /// A file operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, e.g. `writing`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A volume cannot be initialised or wiped as asked.
    #[error("volume {volume} ({path}): {message}")]
    Volume {
        /// The volume name.
        volume: String,
        /// Its path.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The aerospike.conf template cannot be parsed or edited.
    #[error("aerospike.conf template: {0}")]
    Conf(String),
}

impl InitError {
    /// Shorthand for [`InitError::Input`].
    pub fn input(
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> InitError {
        InitError::Input {
            field: field.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Shorthand for [`InitError::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> InitError {
        InitError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

//! Logging sinks and what each means inside a container.
//!
//! Facts (CE 8.1):
//! * asd logs only to the sinks of its `logging` stanza. With no `logging` stanza it logs
//!   nothing at all, so `kubectl logs` is empty and a startup failure (a missing directory, a
//!   bad key) is invisible. The real CE 8.1 config in the fixtures
//!   (`fixtures/aerospike-ce-8.1/configs/aerospike.conf`) has both a `file` and a `console`
//!   sink.
//! * `console` writes to stderr: the container runtime keeps it and `kubectl logs` shows it.
//!   This is the sink to use in Kubernetes.
//! * `syslog` sends to the local syslog socket (`/dev/log` by default); an Aerospike image runs
//!   no syslog daemon, so the messages are lost unless a sidecar or the node provides one.
//! * `file <path>` writes to a file: unless `<path>` is on a mounted volume, it lives in the
//!   container's writable layer, grows without rotation and disappears with the container.

/// The kind of a logging sink, from its name in the spec (`console`, `stderr`, `syslog`, or a
/// file path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkKind {
    /// `console` (alias `stderr`): what `kubectl logs` shows.
    Console,
    /// `syslog`.
    Syslog,
    /// A file path.
    File,
}

/// Classifies a sink name as [`crate::from_spec`] renders it.
pub fn sink_kind(name: &str) -> SinkKind {
    match name {
        "console" | "stderr" => SinkKind::Console,
        "syslog" => SinkKind::Syslog,
        _ => SinkKind::File,
    }
}

/// The default logging of a container: everything at `info` to the console (stderr), i.e.
/// `logging { console { context any info } }`, as spec JSON.
pub fn default_container_logging() -> serde_json::Value {
    serde_json::json!([{"name": "console", "any": "info"}])
}

/// Why a sink is a poor fit for a container, or `None` when it is fine. `on_volume` tells
/// whether a file sink's path is on a mounted (filesystem) volume.
pub fn container_advice(name: &str, on_volume: bool) -> Option<&'static str> {
    match sink_kind(name) {
        SinkKind::Console => None,
        SinkKind::Syslog => Some(
            "the Aerospike image runs no syslog daemon, so these messages are lost unless the node or a sidecar provides /dev/log; use `console` (kubectl logs)",
        ),
        SinkKind::File if !on_volume => Some(
            "the file is not on a volume: it lives in the container's writable layer, is never rotated, is lost with the container and kubectl logs does not show it; use `console`, or put the file on a volume",
        ),
        SinkKind::File => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_are_classified() {
        assert_eq!(sink_kind("stderr"), SinkKind::Console);
        assert_eq!(sink_kind("syslog"), SinkKind::Syslog);
        assert_eq!(sink_kind("/var/log/aerospike.log"), SinkKind::File);
        assert!(container_advice("console", false).is_none());
        assert!(container_advice("/var/log/a.log", true).is_none());
        assert!(container_advice("/var/log/a.log", false).is_some());
        assert!(container_advice("syslog", true).is_some());
    }

    #[test]
    fn the_default_renders_a_console_sink() {
        let spec = serde_json::json!({"logging": default_container_logging()});
        let text = crate::AerospikeConf::from_spec(&spec).unwrap().render();
        assert!(
            text.contains("logging {\n    console {\n        context any info\n    }\n}"),
            "{text}"
        );
    }
}

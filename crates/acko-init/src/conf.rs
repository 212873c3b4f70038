//! Assembling the final aerospike.conf: the ConfigMap template plus the resolved per-pod
//! addresses, written atomically.
//!
//! acko-init owns these keys and replaces whatever the template has for them (a
//! cluster-wide value cannot be right for every pod); a replaced template value is
//! reported so it can be logged:
//! - `network.service.access-address`
//! - `network.service.alternate-access-address`
//! - `network.service.alternate-access-port` (removed unless a NodePort/LB pod Service sets it)
//! - `network.fabric.address`

use std::io::Write;
use std::path::Path;

use aerospike_conf::AerospikeConf;

use crate::error::InitError;
use crate::resolve::Resolved;

/// The final configuration text and what changed in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalConf {
    /// The rendered aerospike.conf.
    pub text: String,
    /// One note per template value that was replaced (`path: old → new`).
    pub replaced: Vec<String>,
}

/// Applies `resolved` to the template text.
pub fn apply(template: &str, resolved: &Resolved) -> Result<FinalConf, InitError> {
    let mut conf = AerospikeConf::parse(template).map_err(|e| InitError::Conf(e.to_string()))?;
    let port = resolved.alternate_access_port.map(|p| p.to_string());
    let edits: [(&str, Vec<String>); 4] = [
        (
            "network.service.access-address",
            resolved.access_address.clone(),
        ),
        (
            "network.service.alternate-access-address",
            resolved.alternate_access_address.clone(),
        ),
        (
            "network.service.alternate-access-port",
            port.into_iter().collect(),
        ),
        ("network.fabric.address", resolved.fabric_address.clone()),
    ];
    if conf.get_stanza("network.service").is_none() {
        return Err(InitError::Conf(
            "no `network { service { ... } }` stanza; the operator always renders one, so the ConfigMap key aerospike.conf is not what acko-render wrote".to_string(),
        ));
    }
    let mut replaced = Vec::new();
    for (path, values) in edits {
        let old: Vec<String> = conf.get_all(path).iter().map(|l| l.value_text()).collect();
        if !old.is_empty() && old != values {
            replaced.push(format!("{path}: {old:?} → {values:?}"));
        }
        conf.set_all(path, &values)
            .map_err(|e| InitError::Conf(e.to_string()))?;
    }
    Ok(FinalConf {
        text: conf.render(),
        replaced,
    })
}

/// SHA-256 hex of a text (used to log which exact file was applied).
pub fn sha256_hex(text: &str) -> String {
    acko_api::contract::sha256_hex(text.as_bytes())
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, fsync,
/// then rename over the target, so a reader (asd) never sees a half-written file.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), InitError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| InitError::io("creating directory", dir, e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(InitError::io("writing", path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "service {\n    proto-fd-max 15000\n}\nnetwork {\n    service {\n        port 3000\n        access-address 1.1.1.1\n        alternate-access-port 4000\n    }\n    heartbeat {\n        mode mesh\n        port 3002\n    }\n    fabric {\n        port 3001\n    }\n}\n";

    fn resolved(port: Option<u16>) -> Resolved {
        Resolved {
            access_address: vec!["10.244.1.5".into()],
            alternate_access_address: vec!["203.0.113.10".into(), "lb.example.com".into()],
            alternate_access_port: port,
            fabric_address: vec!["192.168.10.7".into()],
        }
    }

    #[test]
    fn addresses_are_set_and_replacements_reported() {
        let out = apply(TEMPLATE, &resolved(Some(3000))).unwrap();
        let conf = AerospikeConf::parse(&out.text).unwrap();
        let values =
            |p: &str| -> Vec<String> { conf.get_all(p).iter().map(|l| l.value_text()).collect() };
        assert_eq!(values("network.service.access-address"), ["10.244.1.5"]);
        assert_eq!(
            values("network.service.alternate-access-address"),
            ["203.0.113.10", "lb.example.com"]
        );
        assert_eq!(values("network.service.alternate-access-port"), ["3000"]);
        assert_eq!(values("network.fabric.address"), ["192.168.10.7"]);
        assert_eq!(values("network.fabric.port"), ["3001"]);
        assert_eq!(values("service.proto-fd-max"), ["15000"]);
        assert_eq!(out.replaced.len(), 2, "{:?}", out.replaced);
        assert!(out.replaced[0].contains("1.1.1.1"));
    }

    #[test]
    fn stale_alternate_port_is_removed_without_external_service() {
        let out = apply(TEMPLATE, &resolved(None)).unwrap();
        assert!(!out.text.contains("alternate-access-port"), "{}", out.text);
    }

    #[test]
    fn template_without_network_is_rejected() {
        let err = apply("service {\n}\n", &resolved(None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("network { service"), "{err}");
        let err = apply("network {\n", &resolved(None))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("aerospike.conf template:"), "{err}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/aerospike.conf");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}

//! `acko-init.json`: the per-rack settings the operator renders into the ConfigMap.
//!
//! The types are defined once, in [`acko_api::contract`] (shared with `acko-render`, which
//! writes them); this module re-exports them under acko-init's historical names and adds the
//! file reading. Reading is lenient: unknown fields are ignored (a newer operator may add
//! some), optional fields get the contract's defaults, and a missing required field
//! (`configHash`, `network`) gives an error naming the field and the file.

use std::path::Path;

pub use acko_api::contract::{
    DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS, InitSettings, NetworkSettings, PodServiceSettings,
    VolumeMethod, VolumeSettings, WipeRequest, WipeVolume,
};

use crate::error::InitError;

/// How an address is chosen for one purpose (access, alternate access, fabric).
pub type AccessType = acko_api::NetworkAccessType;
/// The type of the per-pod `<pod>-pod` Service.
pub type ServiceType = acko_api::PodServiceType;

/// Parses `acko-init.json` text; `source` names the file in errors.
pub fn from_json(text: &str, source: &str) -> Result<InitSettings, InitError> {
    InitSettings::from_json(text).map_err(|e| InitError::Input {
        field: format!("{source} (acko-init.json)"),
        expected: "the InitSettings JSON rendered by the operator (see docs/pod-contract.md)"
            .to_string(),
        found: e.to_string(),
    })
}

/// Reads and parses `acko-init.json` from a file.
pub fn load(path: &Path) -> Result<InitSettings, InitError> {
    let text = std::fs::read_to_string(path).map_err(|e| InitError::Input {
        field: path.display().to_string(),
        expected: "a readable acko-init.json (ConfigMap key `acko-init.json`)".to_string(),
        found: e.to_string(),
    })?;
    from_json(&text, &path.display().to_string())
}

/// Reads this pod's wipe request (`wipe-<pod>.json` in the ConfigMap directory), if any.
/// Only the pod's own key is read: a request for another pod is never even looked at.
pub fn load_wipe_request(config_dir: &Path, pod: &str) -> Result<Option<WipeRequest>, InitError> {
    let path = config_dir.join(acko_api::contract::wipe_request_key(pod));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(InitError::io("reading", &path, e)),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| InitError::Input {
        field: path.display().to_string(),
        expected: "a WipeRequest JSON {pod, requestId, volumes: [{name, claim}]} (docs/pod-contract.md)"
            .to_string(),
        found: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_required_field_is_named_with_the_file() {
        let err = from_json(r#"{"network":{}}"#, "/etc/acko/config/acko-init.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("configHash"), "{err}");
        assert!(err.contains("/etc/acko/config/acko-init.json"), "{err}");
    }

    #[test]
    fn bad_access_type_is_named() {
        let err = from_json(
            r#"{"configHash":"h","network":{"accessType":"public"}}"#,
            "f",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("public") && err.contains("configuredIP"),
            "{err}"
        );
    }

    #[test]
    fn only_the_own_wipe_request_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let r = WipeRequest::new("a-1-0", "r1", &["data"]);
        std::fs::write(
            dir.path().join("wipe-a-1-0.json"),
            serde_json::to_string(&r).unwrap(),
        )
        .unwrap();
        assert_eq!(load_wipe_request(dir.path(), "a-1-0").unwrap(), Some(r));
        assert_eq!(load_wipe_request(dir.path(), "a-1-1").unwrap(), None);
        std::fs::write(dir.path().join("wipe-a-1-1.json"), "{").unwrap();
        assert!(load_wipe_request(dir.path(), "a-1-1").is_err());
    }
}

//! The rule behind [`super::ValidatedCluster`]'s promise that rendering works: every rack's
//! effective `aerospikeConfig` must turn into an `aerospike.conf`.
//!
//! Rendering (`acko_render`'s per-rack ConfigMap) takes the defaulted cluster config,
//! deep-merges the rack's override over it with [`aerospike_conf::deep_merge`], builds the
//! model with [`aerospike_conf::AerospikeConf::from_spec`] and sets the mesh seeds. This module
//! does the same on the spec as written (plus the same defaults) and turns a failure into a
//! problem at the path the user typed. The other config rules run first; a failure at a path
//! they already reported (or inside or around it) is not repeated.

use aerospike_conf::{AerospikeConf, ConfError, deep_merge, from_spec::SPEC_ROOT};
use serde_json::Value;

use crate::cluster::AerospikeClusterSpec;
use crate::defaults::{default_aerospike_config, default_namespace};
use crate::problem::Problems;

/// A placeholder mesh seed: rendering sets the real ones, which are DNS names of the pods.
const PROBE_SEED: (&str, u16) = ("seed.acko.invalid", 3002);

/// Hint for failures whose message carries no fix of its own.
const GENERIC_HINT: &str = "change the value so acko can write it to aerospike.conf: values are words or numbers without `{`, `}`, `#` or newlines, and list entries are maps with a `name`";

/// Reports every rack config (and the cluster config) that rendering could not turn into
/// aerospike.conf. `base` is the path of the spec (normally `spec`).
pub(crate) fn validate_renderable(spec: &AerospikeClusterSpec, base: &str, p: &mut Problems) {
    let mut cluster = spec.aerospike_config.clone().unwrap_or_default();
    // The resource name only feeds `cluster-name`, and a DNS label is always a valid word.
    default_aerospike_config(&mut cluster, None);
    default_namespace(&mut cluster, spec.size.unwrap_or(1));
    let cluster = Value::Object(cluster);
    let cluster_error = build(&cluster).err();
    if let Some(e) = &cluster_error {
        let path = spec_path(&format!("{base}.aerospikeConfig"), &e.path);
        report(p, path, e);
    }
    let racks = spec.rack_config.iter().flat_map(|rc| rc.racks.iter());
    for (i, rack) in racks.enumerate() {
        let Some(overlay) = &rack.aerospike_config else {
            continue;
        };
        let overlay = Value::Object(overlay.clone());
        let merged = deep_merge(&cluster, &overlay);
        let Err(e) = build(&merged) else { continue };
        if cluster_error.as_ref() == Some(&e) {
            continue;
        }
        let rack_base = format!("{base}.rackConfig.racks[{i}].aerospikeConfig");
        match rest_of(&e.path).and_then(|rest| locate(&merged, &overlay, rest)) {
            Some(rack_rest) => report(p, format!("{rack_base}{rack_rest}"), &e),
            None => {
                let merged_path = spec_path(&format!("{base}.aerospikeConfig"), &e.path);
                let mut merged_error = e.clone();
                merged_error.message = format!(
                    "the rack's merged config fails at {merged_path}: {}",
                    e.message
                );
                report(p, rack_base, &merged_error);
            }
        }
    }
}

/// Reports a config fragment (part of a template) that cannot be written to aerospike.conf;
/// `spec_base` is the spec path of `config`'s root.
pub(crate) fn validate_fragment_renderable(config: &Value, spec_base: &str, p: &mut Problems) {
    if let Err(e) = AerospikeConf::from_spec(config) {
        report(p, spec_path(spec_base, &e.path), &e);
    }
}

/// What rendering does with one rack's merged config.
fn build(config: &Value) -> Result<AerospikeConf, ConfError> {
    let mut conf = AerospikeConf::from_spec(config)?;
    conf.set_mesh_seeds(&[(PROBE_SEED.0.to_string(), PROBE_SEED.1)])
        .map_err(|e| ConfError::new(format!("{SPEC_ROOT}.network.heartbeat"), e.message))?;
    Ok(conf)
}

/// `aerospikeConfig.namespaces[0].x` → `.namespaces[0].x` (`None` for other paths).
fn rest_of(conf_path: &str) -> Option<&str> {
    conf_path
        .strip_prefix(SPEC_ROOT)
        .filter(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
}

/// The spec path of a `from_spec` error path under `spec_base`.
fn spec_path(spec_base: &str, conf_path: &str) -> String {
    match rest_of(conf_path) {
        Some(rest) => format!("{spec_base}{rest}"),
        None => spec_base.to_string(),
    }
}

/// One step of a JSON path.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `.namespaces[1].storage-engine` → `[Key(namespaces), Index(1), Key(storage-engine)]`.
fn steps(rest: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in rest.split('.').skip(1) {
        let (key, mut indexes) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        out.push(Step::Key(key));
        while let Some(open) = indexes.strip_prefix('[') {
            let (n, tail) = open.split_once(']')?;
            out.push(Step::Index(n.parse().ok()?));
            indexes = tail;
        }
    }
    Some(out)
}

/// The path (relative, starting with `.`) in the rack `overlay` of the value at `rest` in the
/// `merged` config, when the rack override wrote that value. Named list entries (namespaces,
/// logging sinks) are matched by `name`, as the merge does.
fn locate(merged: &Value, overlay: &Value, rest: &str) -> Option<String> {
    let (mut m, mut o) = (merged, overlay);
    let mut out = String::new();
    for step in steps(rest)? {
        match step {
            Step::Key(k) => {
                m = m.get(k)?;
                o = o.get(k)?;
                out.push('.');
                out.push_str(k);
            }
            Step::Index(n) => {
                let entry = m.get(n)?;
                let list = o.as_array()?;
                let j = match entry.get("name") {
                    Some(name) if !name.is_null() => {
                        list.iter().position(|e| e.get("name") == Some(name))?
                    }
                    _ => n,
                };
                m = entry;
                o = list.get(j)?;
                out.push_str(&format!("[{j}]"));
            }
        }
    }
    Some(out)
}

/// Adds the problem unless an error at `path`, inside it or around it is already reported.
fn report(p: &mut Problems, path: String, e: &ConfError) {
    let related = |other: &str| nested(other, &path) || nested(&path, other);
    if p.errors().any(|x| related(&x.path)) {
        return;
    }
    let (message, hint) = match e.message.split_once("; ") {
        Some((m, h)) => (m.to_string(), h.to_string()),
        None => (e.message.clone(), GENERIC_HINT.to_string()),
    };
    p.error(
        path,
        format!("cannot be written to aerospike.conf: {message}"),
        hint,
    );
}

/// `inner` equals `outer` or lies inside it (`a.b` in `a`, `a[0]` in `a`, not `ab` in `a`).
fn nested(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_split_into_steps() {
        assert_eq!(
            steps(".namespaces[1].storage-engine.devices[0]"),
            Some(vec![
                Step::Key("namespaces"),
                Step::Index(1),
                Step::Key("storage-engine"),
                Step::Key("devices"),
                Step::Index(0),
            ])
        );
        assert_eq!(steps(""), Some(vec![]));
        assert_eq!(steps(".a[x]"), None);
    }

    #[test]
    fn merged_paths_map_back_to_the_rack_override_by_name() {
        let merged = json!({"namespaces": [{"name": "a"}, {"name": "b", "k": "v"}]});
        let overlay = json!({"namespaces": [{"name": "b", "k": "v"}]});
        assert_eq!(
            locate(&merged, &overlay, ".namespaces[1].k").as_deref(),
            Some(".namespaces[0].k")
        );
        // Written by the cluster config, not by the rack.
        assert_eq!(locate(&merged, &overlay, ".namespaces[0].name"), None);
        assert_eq!(locate(&merged, &overlay, ".service"), None);
    }

    #[test]
    fn nesting_respects_segment_boundaries() {
        assert!(nested("a.b", "a"));
        assert!(nested("a[0]", "a"));
        assert!(nested("a", "a"));
        assert!(!nested("ab", "a"));
        assert!(!nested("a", "a.b"));
    }

    #[test]
    fn paths_outside_the_config_root_fall_back_to_the_base() {
        assert_eq!(
            spec_path("spec.aerospikeConfig", "aerospikeConfig"),
            "spec.aerospikeConfig"
        );
        assert_eq!(
            spec_path("spec.aerospikeConfig", "aerospikeConfig.service.x"),
            "spec.aerospikeConfig.service.x"
        );
        assert_eq!(
            spec_path("spec.aerospikeConfig", "network.heartbeat"),
            "spec.aerospikeConfig"
        );
    }
}

//! Record expiry needs the namespace supervisor: a namespace with a non-zero `default-ttl` must
//! run nsup (`nsup-period` > 0) or explicitly allow TTLs without it
//! (`allow-ttl-without-nsup: true`). Otherwise Aerospike CE 8 refuses to start (the CE 8.1.2
//! `get-config` fixture shows the defaults `nsup-period=0`, `allow-ttl-without-nsup=false`).
//!
//! Checked on complete configs (`spec.aerospikeConfig`) and on each rack's effective config
//! (the cluster config deep-merged with the rack override, as rendering does).

use aerospike_conf::deep_merge;
use serde_json::{Map, Value};

use crate::problem::Problems;

/// Seconds of an Aerospike duration: an integer or a string of digits with an optional unit
/// `s`, `m`, `h` or `d` (either case). `None` when it is neither.
pub(crate) fn duration_seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            let (digits, unit) = match s.char_indices().last() {
                Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c.to_ascii_lowercase()),
                _ => (s, 's'),
            };
            let n: u64 = digits.parse().ok()?;
            let factor = match unit {
                's' => 1,
                'm' => 60,
                'h' => 3_600,
                'd' => 86_400,
                _ => return None,
            };
            n.checked_mul(factor)
        }
        _ => None,
    }
}

fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The message when `ns` sets a non-zero `default-ttl` without nsup; `None` when fine or when a
/// value cannot be read (other rules report malformed values).
fn ttl_problem(ns: &Map<String, Value>) -> Option<String> {
    let ttl = duration_seconds(ns.get("default-ttl")?)?;
    if ttl == 0 || is_true(ns.get("allow-ttl-without-nsup")) {
        return None;
    }
    let nsup = match ns.get("nsup-period") {
        None => 0,
        Some(v) => duration_seconds(v)?,
    };
    (nsup == 0).then(|| {
        format!(
            "default-ttl {ttl}s makes records expire, but nsup-period is 0 (the default), so nothing \
             would remove them: Aerospike CE refuses to start with this namespace"
        )
    })
}

const HINT: &str = "set nsup-period (e.g. 120) so expired records are deleted, or set default-ttl: 0 \
                    (records never expire), or set allow-ttl-without-nsup: true";

/// Checks one namespace of a complete config; `ns_path` is its path (`...namespaces[0]`).
pub(crate) fn validate_ttl(ns: &Map<String, Value>, ns_path: &str, p: &mut Problems) {
    if let Some(message) = ttl_problem(ns) {
        p.error(format!("{ns_path}.default-ttl"), message, HINT);
    }
}

fn namespace<'a>(config: &'a Value, name: &str) -> Option<&'a Map<String, Value>> {
    config
        .get("namespaces")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|ns| ns.get("name").and_then(Value::as_str) == Some(name))
}

/// Checks a rack override (`rack`, at `rack_base`) against the effective config it produces.
///
/// Reported only where the override itself breaks the rule (the cluster-level namespace is
/// fine, or absent), at the override's `default-ttl`, else its `nsup-period` or
/// `allow-ttl-without-nsup`.
pub(crate) fn validate_rack_ttl(
    cluster: Option<&Map<String, Value>>,
    rack: &Map<String, Value>,
    rack_base: &str,
    p: &mut Problems,
) {
    let Some(entries) = rack.get("namespaces").and_then(Value::as_array) else {
        return;
    };
    let cluster = cluster.map_or(Value::Null, |c| Value::Object(c.clone()));
    let merged = match &cluster {
        Value::Null => Value::Object(rack.clone()),
        c => deep_merge(c, &Value::Object(rack.clone())),
    };
    for (i, entry) in entries.iter().enumerate() {
        let Some(name) = entry.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some(message) = namespace(&merged, name).and_then(ttl_problem) else {
            continue;
        };
        if namespace(&cluster, name).is_some_and(|ns| ttl_problem(ns).is_some()) {
            continue; // reported on spec.aerospikeConfig
        }
        let ns_path = format!("{rack_base}.namespaces[{i}]");
        let key = ["default-ttl", "nsup-period", "allow-ttl-without-nsup"]
            .into_iter()
            .find(|k| entry.get(*k).is_some());
        let path = key.map_or(ns_path.clone(), |k| format!("{ns_path}.{k}"));
        p.error(path, format!("in this rack, {message}"), HINT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn durations() {
        assert_eq!(duration_seconds(&json!(30)), Some(30));
        assert_eq!(duration_seconds(&json!("30")), Some(30));
        assert_eq!(duration_seconds(&json!("30d")), Some(30 * 86_400));
        assert_eq!(duration_seconds(&json!("2H")), Some(7_200));
        assert_eq!(duration_seconds(&json!("5m")), Some(300));
        assert_eq!(duration_seconds(&json!("0")), Some(0));
        assert_eq!(duration_seconds(&json!("")), None);
        assert_eq!(duration_seconds(&json!("d")), None);
        assert_eq!(duration_seconds(&json!("10x")), None);
        assert_eq!(duration_seconds(&json!(-1)), None);
        assert_eq!(duration_seconds(&json!("99999999999999999999d")), None);
        assert_eq!(duration_seconds(&json!(true)), None);
    }

    #[test]
    fn ttl_needs_nsup_or_the_explicit_opt_out() {
        let bad = [
            json!({"default-ttl": 3600}),
            json!({"default-ttl": "30d", "nsup-period": 0}),
            json!({"default-ttl": 1, "nsup-period": "0", "allow-ttl-without-nsup": false}),
        ];
        for ns in bad {
            assert!(ttl_problem(&obj(ns.clone())).is_some(), "{ns}");
        }
        let good = [
            json!({}),
            json!({"default-ttl": 0}),
            json!({"default-ttl": "0"}),
            json!({"default-ttl": 3600, "nsup-period": 120}),
            json!({"default-ttl": "30d", "nsup-period": "2m"}),
            json!({"default-ttl": 3600, "allow-ttl-without-nsup": true}),
            json!({"default-ttl": 3600, "allow-ttl-without-nsup": "true"}),
            // Unreadable values are left to other rules (and to the server).
            json!({"default-ttl": "soon"}),
            json!({"default-ttl": 3600, "nsup-period": "often"}),
        ];
        for ns in good {
            assert!(ttl_problem(&obj(ns.clone())).is_none(), "{ns}");
        }
    }

    #[test]
    fn rack_overrides_are_checked_on_the_merged_config() {
        let cluster = obj(json!({"namespaces": [{"name": "test", "nsup-period": 120}]}));
        let check = |rack: Value| {
            let mut p = Problems::new();
            validate_rack_ttl(Some(&cluster), &obj(rack), "r", &mut p);
            p
        };
        // Cluster nsup applies to the rack's TTL.
        assert!(check(json!({"namespaces": [{"name": "test", "default-ttl": 60}]})).is_empty());
        // The rack turns nsup off under a TTL it sets.
        let p =
            check(json!({"namespaces": [{"name": "test", "default-ttl": 60, "nsup-period": 0}]}));
        assert!(p.has_path("r.namespaces[0].default-ttl"), "{p}");
        let ttl_cluster =
            obj(json!({"namespaces": [{"name": "test", "default-ttl": 60, "nsup-period": 120}]}));
        let mut p = Problems::new();
        validate_rack_ttl(
            Some(&ttl_cluster),
            &obj(json!({"namespaces": [{"name": "test", "nsup-period": 0}]})),
            "r",
            &mut p,
        );
        assert!(p.has_path("r.namespaces[0].nsup-period"), "{p}");
        assert_eq!(p.len(), 1);
        // Already wrong at cluster level: reported there, not once more per rack.
        let broken = obj(json!({"namespaces": [{"name": "test", "default-ttl": 60}]}));
        let mut p = Problems::new();
        validate_rack_ttl(
            Some(&broken),
            &obj(json!({"namespaces": [{"name": "test", "replication-factor": 1}]})),
            "r",
            &mut p,
        );
        assert!(p.is_empty(), "{p}");
    }
}

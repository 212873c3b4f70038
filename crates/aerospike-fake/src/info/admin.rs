//! Management commands: secondary indexes, UDF modules, configuration, truncation.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::{error, map_join, param, split_command};
use crate::scenario::SetConfigCall;
use crate::sindex::{Collection, IndexType, SIndex};
use crate::state::{ClusterState, UdfModule};
use crate::store::{CITRUSLEAF_EPOCH, now_cl_millis};

/// Default `service` context configuration.
pub fn default_service_config(cluster_name: &str) -> BTreeMap<String, String> {
    [
        ("batch-index-threads", "2"),
        ("batch-max-requests", "0"),
        ("cluster-name", cluster_name),
        ("disable-udf-execution", "false"),
        ("enable-health-check", "false"),
        ("info-threads", "16"),
        ("migrate-max-num-incoming", "4"),
        ("migrate-threads", "1"),
        ("min-cluster-size", "1"),
        ("proto-fd-idle-ms", "0"),
        ("proto-fd-max", "15000"),
        ("query-max-done", "100"),
        ("query-threads-limit", "128"),
        ("service-threads", "2"),
        ("sindex-builder-threads", "4"),
        ("ticker-interval", "10"),
        ("transaction-max-ms", "1000"),
        ("transaction-retry-ms", "1002"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn b64(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn sindex_line(i: &SIndex, state: &str) -> String {
    format!(
        "ns={}:indexname={}:set={}:bin={}:type={}:indextype={}:context={}:exp={}:state={state}",
        i.ns,
        i.name,
        i.set.as_deref().unwrap_or("null"),
        if i.bin.is_empty() { "null" } else { &i.bin },
        i.itype.as_str(),
        i.collection.as_str(),
        i.context.as_deref().unwrap_or("null"),
        i.exp.as_deref().unwrap_or("null"),
    )
}

fn sindex_stats(st: &ClusterState, ns: &str, name: &str) -> String {
    let Some(idx) = st.sindexes.get(&(ns.to_string(), name.to_string())) else {
        return error(201, "no index");
    };
    let (mut entries, mut recs) = (0u64, 0u64);
    if let Some(n) = st.store.namespaces.get(ns) {
        for part in &n.partitions {
            for r in part.values() {
                let c = idx.values_for(r).len() as u64;
                entries += c;
                recs += u64::from(c > 0);
            }
        }
    }
    format!(
        "entries={entries};used_bytes={};entries_per_bval=1;entries_per_rec={};load_pct={};load_time=0;stat_gc_recs=0",
        entries * 32,
        entries.checked_div(recs).unwrap_or(0),
        st.sindex_load_pct(ns, name),
    )
}

fn sindex_create(st: &mut ClusterState, params: &[(String, String)]) -> String {
    let Some(ns) = param(params, &["namespace", "ns"]) else {
        return error(4, "missing 'namespace'");
    };
    if !st.store.namespaces.contains_key(ns) {
        return error(20, "namespace not found");
    }
    let Some(name) = param(params, &["indexname"]) else {
        return error(4, "missing 'indexname'");
    };
    if param(params, &["indextype"]) == Some("set") {
        return error(16, "set indexes are not supported by aerospike-fake");
    }
    // Legacy form: indexdata=<bin>,<type>.
    let (bin, itype) = match param(params, &["indexdata"]) {
        Some(d) => match d.split_once(',') {
            Some((b, t)) => (Some(b.to_string()), Some(t.to_string())),
            None => return error(4, "bad 'indexdata'"),
        },
        None => (
            param(params, &["bin"]).map(str::to_string),
            param(params, &["type"]).map(str::to_string),
        ),
    };
    let Some(itype) = itype else {
        return error(4, "missing 'type'");
    };
    let Some(itype) = IndexType::parse(&itype) else {
        return error(4, "bad 'type'");
    };
    let Some(collection) = Collection::parse(param(params, &["indextype"]).unwrap_or("default"))
    else {
        return error(4, "bad 'indextype'");
    };
    let exp = param(params, &["exp"]).map(str::to_string);
    if bin.is_none() && exp.is_none() {
        return error(4, "missing 'bin'");
    }
    let context = param(params, &["context"]).map(str::to_string);
    if let Some(c) = &context {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(c)
            .map_err(|e| format!("context is not base64: {e}"))
            .and_then(|b| crate::sindex::decode_context(&b));
        if let Err(e) = decoded {
            return error(4, &format!("bad 'context': {e}"));
        }
    }
    if let Some(x) = &exp {
        let parsed = base64::engine::general_purpose::STANDARD
            .decode(x)
            .ok()
            .map(|b| crate::expr::parse(&b));
        match parsed {
            None => return error(4, "bad 'exp': not base64"),
            Some(Err(e)) => {
                return error(
                    4,
                    &format!("bad 'exp': aerospike-fake cannot evaluate it ({})", e.0),
                );
            }
            Some(Ok(_)) => {}
        }
    }
    let key = (ns.to_string(), name.to_string());
    if st.sindexes.contains_key(&key) {
        return "ok".to_string();
    }
    st.sindexes.insert(
        key,
        SIndex {
            ns: ns.to_string(),
            name: name.to_string(),
            set: param(params, &["set"]).map(str::to_string),
            bin: bin.unwrap_or_default(),
            itype,
            collection,
            context,
            exp,
        },
    );
    if st.scenario.sindex_build_step.is_some() {
        st.sindex_builds
            .insert((ns.to_string(), name.to_string()), 0);
    }
    "ok".to_string()
}

fn content_hash(content: &[u8]) -> String {
    use ripemd::{Digest, Ripemd160};
    let d: [u8; 20] = Ripemd160::digest(content).into();
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn udf_put(st: &mut ClusterState, params: &[(String, String)]) -> String {
    let Some(filename) = param(params, &["filename"]).filter(|f| !f.is_empty()) else {
        return "error=invalid_filename".to_string();
    };
    let Some(content) = param(params, &["content"]) else {
        return "error=invalid_content".to_string();
    };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(content) else {
        return "error=invalid_content".to_string();
    };
    // A module that does not compile is refused as the server does (fixture
    // udf-put_filename_broken.lua.txt): `;`-separated, the message in base64.
    if let Err(e) = crate::lua_check::check(&String::from_utf8_lossy(&bytes)) {
        return format!(
            "error=compile_error;file={filename};line={};message={}",
            e.line,
            base64::engine::general_purpose::STANDARD.encode(e.message)
        );
    }
    st.udfs.insert(
        filename.to_string(),
        UdfModule {
            filename: filename.to_string(),
            hash: content_hash(&bytes),
            content: bytes,
        },
    );
    "ok".to_string()
}

fn get_config(st: &ClusterState, node: usize, params: &[(String, String)]) -> String {
    match param(params, &["context"]) {
        None | Some("service") => {
            let mut cfg = st.service_config.clone();
            cfg.insert("cluster-name".into(), st.cluster_name.clone());
            cfg.insert("node-id".into(), st.nodes[node].name());
            map_join(&cfg)
        }
        Some("namespace") => {
            let Some(ns) = param(params, &["id", "namespace"]) else {
                return error(4, "missing 'id'");
            };
            match st.store.namespaces.get(ns) {
                Some(n) => map_join(&n.config),
                None => error(20, "namespace not found on node"),
            }
        }
        Some("network") => {
            let port = st.nodes[node].addr.port();
            format!(
                "service.port={port};service.address=127.0.0.1;service.access-port=0;service.access-address=127.0.0.1;admin.port=0;heartbeat.mode=mesh;heartbeat.port=0;heartbeat.interval=150;heartbeat.timeout=10;fabric.port=0"
            )
        }
        Some("security") | Some("xdr") => String::new(),
        Some(_) => error(4, "invalid context"),
    }
}

fn valid_value(key: &str, old: &str, value: &str) -> bool {
    if old == "true" || old == "false" {
        return value == "true" || value == "false";
    }
    if old.parse::<u64>().is_ok() {
        let Ok(v) = value.parse::<u64>() else {
            return false;
        };
        return match key {
            "proto-fd-max" => (4..=200_000).contains(&v),
            "default-ttl" => v <= 10 * 365 * 24 * 3600,
            _ => true,
        };
    }
    !value.is_empty()
}

fn set_config(
    st: &mut ClusterState,
    node: usize,
    cmd: &str,
    params: &[(String, String)],
) -> String {
    let reply = set_config_inner(st, params);
    let name = st.nodes[node].name();
    st.scenario.set_config_log.push(SetConfigCall {
        node: name,
        command: cmd.to_string(),
        reply: reply.clone(),
    });
    reply
}

fn set_config_inner(st: &mut ClusterState, params: &[(String, String)]) -> String {
    let settings: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "context" | "id" | "namespace"))
        .collect();
    let Some((key, value)) = settings.first().map(|(k, v)| (k.as_str(), v.as_str())) else {
        return error(4, "missing parameter");
    };
    let target = match param(params, &["context"]) {
        Some("service") => &mut st.service_config,
        Some("namespace") => {
            let Some(ns) = param(params, &["id", "namespace"]) else {
                return error(4, "missing 'id'");
            };
            match st.store.namespaces.get_mut(ns) {
                Some(n) => &mut n.config,
                None => return error(20, "namespace not found on node"),
            }
        }
        Some("network") | Some("logging") => return error(4, "invalid set-config parameter"),
        _ => return error(4, "invalid context"),
    };
    let Some(old) = target.get(key) else {
        return error(4, "invalid set-config parameter");
    };
    if !valid_value(key, old, value) {
        return error(4, "invalid set-config parameter");
    }
    target.insert(key.to_string(), value.to_string());
    "ok".to_string()
}

fn truncate(st: &mut ClusterState, params: &[(String, String)], with_set: bool) -> String {
    let Some(ns) = param(params, &["namespace", "ns"]) else {
        return error(4, "missing 'namespace'");
    };
    let set = if with_set {
        param(params, &["set"])
    } else {
        None
    };
    if with_set && set.is_none() {
        return error(4, "missing 'set'");
    }
    let before = match param(params, &["lut"]) {
        Some(l) => match l.parse::<u64>() {
            Ok(nanos) => (nanos / 1_000_000).saturating_sub(CITRUSLEAF_EPOCH * 1000),
            Err(_) => return error(4, "bad 'lut'"),
        },
        None => now_cl_millis(),
    };
    if let Some(n) = st.store.namespaces.get_mut(ns) {
        n.truncate(set, before);
    }
    "ok".to_string()
}

/// Answers management commands; `None` when `cmd` is not one of them.
pub fn answer(st: &mut ClusterState, node: usize, _peer: &str, cmd: &str) -> Option<String> {
    let (verb, params) = split_command(cmd);
    let path: Vec<&str> = cmd.split('/').collect();
    let v = match (verb, path.as_slice()) {
        ("sindex-list", _) | ("sindex", [_]) => {
            let ns = param(&params, &["namespace", "ns"]);
            let line = |i: &SIndex| {
                let state = if st.sindex_load_pct(&i.ns, &i.name) < 100 {
                    "WO"
                } else {
                    "RW"
                };
                sindex_line(i, state)
            };
            let reply = st
                .sindexes
                .values()
                .filter(|i| ns.is_none_or(|n| n == i.ns))
                .map(|i| {
                    if param(&params, &["b64"]) == Some("true") {
                        // Context and expression are stored as the base64 the client sent.
                        line(i)
                    } else {
                        let mut c = i.clone();
                        c.context = i
                            .context_bytes()
                            .and_then(|b| crate::sindex::render_context(&b))
                            .or(c.context);
                        line(&c)
                    }
                })
                .collect::<Vec<_>>()
                .join(";");
            st.poll_sindex_builds();
            reply
        }
        (_, ["sindex", ns]) => {
            if !st.store.namespaces.contains_key(*ns) {
                return Some("ns_type=unknown".to_string());
            }
            let reply = st
                .sindexes
                .values()
                .filter(|i| i.ns == *ns)
                .map(|i| {
                    let building = st.sindex_load_pct(&i.ns, &i.name) < 100;
                    let mut c = i.clone();
                    c.context = i
                        .context_bytes()
                        .and_then(|b| crate::sindex::render_context(&b))
                        .or(c.context);
                    sindex_line(&c, if building { "WO" } else { "RW" })
                })
                .collect::<Vec<_>>()
                .join(";");
            st.poll_sindex_builds();
            reply
        }
        (_, ["sindex", ns, name]) => {
            let reply = sindex_stats(st, ns, name);
            st.poll_sindex_builds();
            reply
        }
        ("sindex-stat", _) => {
            let reply = sindex_stats(
                st,
                param(&params, &["namespace", "ns"]).unwrap_or(""),
                param(&params, &["indexname"]).unwrap_or(""),
            );
            st.poll_sindex_builds();
            reply
        }
        ("sindex-exists", _) => {
            let key = (
                param(&params, &["namespace", "ns"])
                    .unwrap_or("")
                    .to_string(),
                param(&params, &["indexname"]).unwrap_or("").to_string(),
            );
            st.sindexes.contains_key(&key).to_string()
        }
        ("sindex-create", _) => sindex_create(st, &params),
        ("sindex-delete", _) => {
            let key = (
                param(&params, &["namespace", "ns"])
                    .unwrap_or("")
                    .to_string(),
                param(&params, &["indexname"]).unwrap_or("").to_string(),
            );
            st.sindexes.remove(&key);
            st.sindex_builds.remove(&key);
            "ok".to_string()
        }
        ("udf-list", _) => st
            .udfs
            .values()
            .map(|u| format!("filename={},hash={},type=LUA;", u.filename, u.hash))
            .collect(),
        ("udf-get", _) => match param(&params, &["filename"]).and_then(|f| st.udfs.get(f)) {
            Some(u) => format!("type=LUA;content={}", b64(&u.content)),
            None => "error=not_found".to_string(),
        },
        ("udf-put", _) => udf_put(st, &params),
        ("udf-remove", _) => match param(&params, &["filename"]) {
            Some(f) if st.udfs.remove(f).is_some() => "ok".to_string(),
            _ => "error=not_found".to_string(),
        },
        ("get-config", _) => get_config(st, node, &params),
        ("set-config", _) => set_config(st, node, cmd, &params),
        ("truncate", _) => truncate(st, &params, true),
        ("truncate-namespace", _) => truncate(st, &params, false),
        ("truncate-undo" | "truncate-namespace-undo", _) => "ok".to_string(),
        (
            "quiesce" | "quiesce-undo" | "racks" | "rack-ids" | "roster" | "roster-set"
            | "feature-key" | "xdr-dc-state" | "peers-tls-std" | "peers-tls-alt",
            _,
        ) => error(25, "enterprise only"),
        ("health-stats" | "health-outliers", _) => String::new(),
        ("index-pressure", _) => st
            .store
            .order
            .iter()
            .map(|ns| format!("{ns}:0:0"))
            .collect::<Vec<_>>()
            .join(";"),
        _ => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_config_validation() {
        assert!(valid_value("proto-fd-max", "15000", "1024"));
        assert!(!valid_value("proto-fd-max", "15000", "99999999"));
        assert!(!valid_value("x", "true", "maybe"));
        assert!(valid_value("default-ttl", "0", "100"));
    }
}

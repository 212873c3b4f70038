//! The Multus `k8s.v1.cni.cncf.io/network-status` pod annotation, used by `configuredIP`.
//!
//! The annotation is a JSON list with one entry per attached network:
//! `[{"name": "kindnet", "interface": "eth0", "ips": ["10.244.1.5"], "default": true},
//!   {"name": "aerospike/sriov-net", "interface": "net1", "ips": ["192.168.10.7"]}]`.
//! Multus names secondary networks `<namespace>/<NetworkAttachmentDefinition>`; the cluster
//! network usually has a bare name.
//!
//! ## Name matching
//! A configured network name matches entries as follows:
//! - `ns/name` matches only the entry named exactly `ns/name`;
//! - a bare `name` matches the entry named exactly `name`, else `<pod namespace>/name`
//!   (where a NetworkAttachmentDefinition referenced without a namespace lives), else the
//!   single entry `<any namespace>/name`; two such entries in different namespaces are
//!   ambiguous and an error (write `ns/name`).
//!
//! Every listed name must match, and `configuredIP` publishes all IPs of the matched
//! networks, in the order of the names and then of the annotation (duplicates dropped).

use std::net::IpAddr;

use serde::Deserialize;

use crate::error::InitError;

/// The annotation key written by Multus.
pub const NETWORK_STATUS_ANNOTATION: &str = "k8s.v1.cni.cncf.io/network-status";

/// One entry of the annotation (unknown fields ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NetworkStatus {
    /// `ns/name` for attachments, a bare name for the cluster network.
    pub name: String,
    /// The interface inside the pod (`net1`), when reported.
    #[serde(default)]
    pub interface: Option<String>,
    /// IP addresses on that interface (plain, or with a `/prefix` that is ignored).
    #[serde(default)]
    pub ips: Vec<String>,
    /// True for the pod's default network.
    #[serde(default)]
    pub default: bool,
}

/// Parses the annotation value.
pub fn parse(annotation: &str) -> Result<Vec<NetworkStatus>, InitError> {
    serde_json::from_str(annotation).map_err(|e| {
        InitError::input(
            format!("pod annotation {NETWORK_STATUS_ANNOTATION}"),
            "a JSON list of {name, interface, ips} objects written by Multus",
            format!("unparsable JSON ({e})"),
        )
    })
}

/// Finds the entry for one configured network name (see the module docs for the rules).
pub fn find<'a>(
    statuses: &'a [NetworkStatus],
    wanted: &str,
    pod_namespace: &str,
) -> Result<&'a NetworkStatus, InitError> {
    let wanted = wanted.trim();
    let by_name = |n: &str| statuses.iter().find(|s| s.name == n);
    let found = if wanted.contains('/') {
        by_name(wanted)
    } else if let Some(s) = by_name(wanted) {
        Some(s)
    } else if let Some(s) = by_name(&format!("{pod_namespace}/{wanted}")) {
        Some(s)
    } else {
        let suffix = format!("/{wanted}");
        let mut any_ns = statuses.iter().filter(|s| s.name.ends_with(&suffix));
        match (any_ns.next(), any_ns.next()) {
            (Some(one), None) => Some(one),
            (Some(a), Some(b)) => {
                return Err(InitError::input(
                    format!("network name {wanted:?}"),
                    "exactly one matching network in the pod's network-status annotation (write `namespace/name` to choose)",
                    format!("several: {:?} and {:?}", a.name, b.name),
                ));
            }
            _ => None,
        }
    };
    found.ok_or_else(|| {
        let names: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
        InitError::input(
            format!("network name {wanted:?}"),
            format!(
                "a network of that name in the pod annotation {NETWORK_STATUS_ANNOTATION} (is the Multus NetworkAttachmentDefinition attached to the pod via k8s.v1.cni.cncf.io/networks?)"
            ),
            format!("networks {names:?}"),
        )
    })
}

/// All IPs of the networks named in `names`, in order, without duplicates.
///
/// `purpose` names the policy field in errors (e.g. `customAccessNetworkNames`).
pub fn ips_for(
    statuses: &[NetworkStatus],
    names: &[String],
    pod_namespace: &str,
    purpose: &str,
) -> Result<Vec<IpAddr>, InitError> {
    if names.is_empty() {
        return Err(InitError::input(
            purpose,
            "at least one network name for configuredIP",
            "an empty list",
        ));
    }
    let mut out: Vec<IpAddr> = Vec::new();
    for name in names {
        let status = find(statuses, name, pod_namespace)?;
        if status.ips.is_empty() {
            return Err(InitError::input(
                format!("network {:?} in {NETWORK_STATUS_ANNOTATION}", status.name),
                "at least one IP address",
                "no ips (has the CNI plugin assigned an address?)",
            ));
        }
        for text in &status.ips {
            let bare = text.split('/').next().unwrap_or(text).trim();
            let ip: IpAddr = bare.parse().map_err(|_| {
                InitError::input(
                    format!("network {:?} in {NETWORK_STATUS_ANNOTATION}", status.name),
                    "IP addresses in `ips`",
                    format!("{text:?}"),
                )
            })?;
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = r#"[
      {"name": "kindnet", "interface": "eth0", "ips": ["10.244.1.5", "fd00::5"], "mac": "aa", "default": true, "dns": {}},
      {"name": "aerospike/aerospike-sriov-network", "interface": "net1", "ips": ["192.168.10.7/24"], "mac": "bb"},
      {"name": "aerospike/aerospike-macvlan-network", "interface": "net2", "ips": ["172.16.0.9", "172.16.0.10"]},
      {"name": "other/shared", "interface": "net3", "ips": ["10.9.0.1"]},
      {"name": "team-a/dup", "ips": ["10.8.0.1"]},
      {"name": "team-b/dup", "ips": ["10.8.0.2"]},
      {"name": "aerospike/empty", "ips": []}
    ]"#;

    fn ips(names: &[&str]) -> Result<Vec<String>, String> {
        let statuses = parse(MULTI).unwrap();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        ips_for(&statuses, &names, "aerospike", "customAccessNetworkNames")
            .map(|v| v.iter().map(|i| i.to_string()).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn matching_table() {
        type Case<'a> = (&'a [&'a str], Result<&'a [&'a str], &'a str>);
        let cases: &[Case] = &[
            (&["kindnet"], Ok(&["10.244.1.5", "fd00::5"])),
            // bare name → pod namespace
            (&["aerospike-sriov-network"], Ok(&["192.168.10.7"])),
            // explicit namespace
            (
                &["aerospike/aerospike-sriov-network"],
                Ok(&["192.168.10.7"]),
            ),
            // several IPs on one network, all published
            (
                &["aerospike-macvlan-network"],
                Ok(&["172.16.0.9", "172.16.0.10"]),
            ),
            // several networks, in the order given, duplicates dropped
            (
                &[
                    "aerospike-macvlan-network",
                    "aerospike-sriov-network",
                    "aerospike-sriov-network",
                ],
                Ok(&["172.16.0.9", "172.16.0.10", "192.168.10.7"]),
            ),
            // bare name in another namespace: unique → found
            (&["shared"], Ok(&["10.9.0.1"])),
            // bare name in two other namespaces → ambiguous
            (&["dup"], Err("several")),
            (&["team-b/dup"], Ok(&["10.8.0.2"])),
            // explicit namespace never falls back
            (&["other/aerospike-sriov-network"], Err("not-found")),
            (&["missing-net"], Err("not-found")),
            (&["empty"], Err("no ips")),
            (&[], Err("empty list")),
        ];
        for (names, want) in cases {
            let got = ips(names);
            match (want, &got) {
                (Ok(w), Ok(g)) => assert_eq!(g, w, "names {names:?}"),
                (Err("not-found"), Err(e)) => {
                    assert!(e.contains("kindnet") && e.contains("network-status"), "{e}")
                }
                (Err(w), Err(e)) => assert!(e.contains(w), "names {names:?}: {e}"),
                _ => panic!("names {names:?}: want {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn missing_network_error_names_the_network_and_what_exists() {
        let err = ips(&["aerospike-sriov-netw0rk"]).unwrap_err();
        assert!(
            err.starts_with("network name \"aerospike-sriov-netw0rk\""),
            "{err}"
        );
        assert!(err.contains("aerospike/aerospike-sriov-network"), "{err}");
    }

    #[test]
    fn garbage_annotation_is_a_clear_error() {
        let err = parse("{not json").unwrap_err().to_string();
        assert!(err.contains(NETWORK_STATUS_ANNOTATION), "{err}");
        let bad_ip = parse(r#"[{"name":"n","ips":["nope"]}]"#).unwrap();
        let err = ips_for(&bad_ip, &["n".into()], "ns", "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"nope\""), "{err}");
    }
}

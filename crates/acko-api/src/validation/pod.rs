//! Pod spec rules: container names, DNS policy, host networking, metadata.

use crate::pod_spec::{AerospikePodSpec, RESERVED_CONTAINER_NAMES};
use crate::problem::Problems;
use crate::validation::fields;

const DNS_POLICIES: &[&str] = &["ClusterFirst", "ClusterFirstWithHostNet", "Default"];

/// `(sidecar names, init container names)` of a pod spec.
pub(crate) fn container_names(pod: Option<&AerospikePodSpec>) -> (Vec<String>, Vec<String>) {
    let names = |list: Option<&Vec<k8s_openapi::api::core::v1::Container>>| {
        list.into_iter()
            .flatten()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    (
        names(pod.and_then(|p| p.sidecars.as_ref())),
        names(pod.and_then(|p| p.init_containers.as_ref())),
    )
}

/// Validates `podSpec` at `base`.
pub(crate) fn validate_pod_spec(pod: &AerospikePodSpec, base: &str, p: &mut Problems) {
    let mut all_names = Vec::new();
    for (field, list) in [
        ("sidecars", &pod.sidecars),
        ("initContainers", &pod.init_containers),
    ] {
        for (i, c) in list.iter().flatten().enumerate() {
            let cp = format!("{base}.{field}[{i}]");
            fields::dns_label(&c.name, &format!("{cp}.name"), p);
            if RESERVED_CONTAINER_NAMES.contains(&c.name.as_str()) {
                p.error(
                    format!("{cp}.name"),
                    format!("container name {:?} is used by the operator", c.name),
                    format!(
                        "choose a name other than {}",
                        RESERVED_CONTAINER_NAMES.join(", ")
                    ),
                );
            }
            if c.image.as_deref().is_none_or(|s| s.trim().is_empty()) {
                p.error(
                    format!("{cp}.image"),
                    "the container has no image",
                    "set image",
                );
            }
            all_names.push(c.name.as_str());
        }
    }
    fields::unique(all_names.into_iter(), base, "container name", p);
    let host_network = pod.host_network == Some(true);
    if let Some(policy) = &pod.dns_policy {
        if policy == "None" {
            p.error(
                format!("{base}.dnsPolicy"),
                "dnsPolicy None needs a dnsConfig, which acko does not manage",
                "use ClusterFirst or ClusterFirstWithHostNet",
            );
        } else if !DNS_POLICIES.contains(&policy.as_str()) {
            p.error(
                format!("{base}.dnsPolicy"),
                format!("unknown dnsPolicy {policy:?}"),
                format!("use one of {}", DNS_POLICIES.join(", ")),
            );
        } else if host_network && policy != "ClusterFirstWithHostNet" {
            p.warning(
                format!("{base}.dnsPolicy"),
                format!("with hostNetwork, dnsPolicy {policy} cannot resolve cluster DNS names (mesh seeds)"),
                "use ClusterFirstWithHostNet or remove dnsPolicy",
            );
        }
    }
    if host_network && pod.multi_pod_per_host == Some(true) {
        p.warning(
            format!("{base}.multiPodPerHost"),
            "with hostNetwork two Aerospike pods on one node both bind ports 3000-3002 and the second fails",
            "set multiPodPerHost: false (the default with hostNetwork)",
        );
    }
    if let Some(sa) = &pod.service_account_name {
        fields::dns_subdomain(sa, &format!("{base}.serviceAccountName"), p);
    }
    for (i, s) in pod.image_pull_secrets.iter().flatten().enumerate() {
        if s.name.is_empty() {
            p.error(
                format!("{base}.imagePullSecrets[{i}].name"),
                "empty secret name",
                "name a Secret of type kubernetes.io/dockerconfigjson",
            );
        }
    }
    if let Some(g) = pod.termination_grace_period_seconds
        && g < 0
    {
        p.error(
            format!("{base}.terminationGracePeriodSeconds"),
            "must not be negative",
            "remove it to use 60",
        );
    }
    if let Some(meta) = &pod.metadata {
        fields::labels(meta.labels.as_ref(), &format!("{base}.metadata.labels"), p);
        fields::annotations(
            meta.annotations.as_ref(),
            &format!("{base}.metadata.annotations"),
            p,
        );
    }
}

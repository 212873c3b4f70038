//! Scheduling: the rack placement, `k8sNodeBlockList` and `multiPodPerHost` are MERGED into the
//! user's affinity; nothing the user wrote is dropped.
//!
//! Required node affinity is a list of alternative terms (OR) whose expressions are ANDed. To
//! add the operator's constraints (rack zone/region/node/label, block list) to every
//! alternative, they are appended to EACH user term; when the user has none, a single term with
//! only the operator's expressions is created. Preferred node affinity, pod affinity and the
//! user's pod anti-affinity are kept as they are.

use acko_api::Rack;
use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PodAffinityTerm, PodAntiAffinity,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::labels;

/// Node label of the zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// Node label of the region.
pub const REGION_LABEL: &str = "topology.kubernetes.io/region";
/// Node label of the node name.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
/// Node label matched by `rackLabel`.
pub const RACK_NODE_LABEL: &str = "acko.io/rack";

fn requirement(key: &str, operator: &str, values: Vec<String>) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: key.to_owned(),
        operator: operator.to_owned(),
        values: Some(values),
    }
}

/// The operator's node requirements for a rack: its placement plus the block list (sorted and
/// deduplicated, so reordering the list does not change the pod template).
pub fn node_requirements(
    rack: Option<&Rack>,
    block_list: &[String],
) -> Vec<NodeSelectorRequirement> {
    let mut reqs = Vec::new();
    if let Some(rack) = rack {
        for (key, value) in [
            (ZONE_LABEL, &rack.zone),
            (REGION_LABEL, &rack.region),
            (HOSTNAME_LABEL, &rack.node_name),
            (RACK_NODE_LABEL, &rack.rack_label),
        ] {
            if let Some(v) = value {
                reqs.push(requirement(key, "In", vec![v.clone()]));
            }
        }
    }
    let mut blocked: Vec<String> = block_list
        .iter()
        .filter(|n| !n.is_empty())
        .cloned()
        .collect();
    blocked.sort();
    blocked.dedup();
    if !blocked.is_empty() {
        reqs.push(requirement(HOSTNAME_LABEL, "NotIn", blocked));
    }
    reqs
}

/// Merges the operator's constraints into `user` (see the module docs).
/// `one_pod_per_host` adds a required pod anti-affinity on the hostname against this cluster's
/// pods (`multiPodPerHost: false`).
pub fn merge(
    user: Option<&Affinity>,
    requirements: Vec<NodeSelectorRequirement>,
    cluster: &str,
    one_pod_per_host: bool,
) -> Option<Affinity> {
    let mut affinity = user.cloned().unwrap_or_default();
    if !requirements.is_empty() {
        let node = affinity
            .node_affinity
            .get_or_insert_with(NodeAffinity::default);
        let required = node
            .required_during_scheduling_ignored_during_execution
            .get_or_insert_with(NodeSelector::default);
        if required.node_selector_terms.is_empty() {
            required
                .node_selector_terms
                .push(NodeSelectorTerm::default());
        }
        for term in &mut required.node_selector_terms {
            term.match_expressions
                .get_or_insert_with(Vec::new)
                .extend(requirements.iter().cloned());
        }
    }
    if one_pod_per_host {
        let anti = affinity
            .pod_anti_affinity
            .get_or_insert_with(PodAntiAffinity::default);
        let term = PodAffinityTerm {
            label_selector: Some(LabelSelector {
                match_labels: Some(labels::cluster_selector(cluster)),
                match_expressions: None,
            }),
            topology_key: HOSTNAME_LABEL.to_owned(),
            ..PodAffinityTerm::default()
        };
        let required = anti
            .required_during_scheduling_ignored_during_execution
            .get_or_insert_with(Vec::new);
        if !required.contains(&term) {
            required.push(term);
        }
    }
    (affinity != Affinity::default()).then_some(affinity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PreferredSchedulingTerm;

    fn rack() -> Rack {
        Rack {
            id: 1,
            zone: Some("us-east-1a".to_owned()),
            ..Rack::default()
        }
    }

    #[test]
    fn rack_zone_is_added_to_every_user_term_and_preferences_are_kept() {
        let user = Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![
                        NodeSelectorTerm {
                            match_expressions: Some(vec![requirement(
                                "disk",
                                "In",
                                vec!["ssd".into()],
                            )]),
                            ..NodeSelectorTerm::default()
                        },
                        NodeSelectorTerm {
                            match_expressions: Some(vec![requirement(
                                "disk",
                                "In",
                                vec!["nvme".into()],
                            )]),
                            ..NodeSelectorTerm::default()
                        },
                    ],
                }),
                preferred_during_scheduling_ignored_during_execution: Some(vec![
                    PreferredSchedulingTerm {
                        weight: 10,
                        preference: NodeSelectorTerm::default(),
                    },
                ]),
            }),
            ..Affinity::default()
        };
        let reqs = node_requirements(Some(&rack()), &["n2".into(), "n1".into(), "n2".into()]);
        let merged = merge(Some(&user), reqs, "c", false).unwrap();
        let node = merged.node_affinity.unwrap();
        let terms = node
            .required_during_scheduling_ignored_during_execution
            .unwrap()
            .node_selector_terms;
        assert_eq!(terms.len(), 2);
        for term in &terms {
            let exprs = term.match_expressions.as_ref().unwrap();
            assert_eq!(exprs.len(), 3);
            assert_eq!(exprs[0].key, "disk");
            assert_eq!(exprs[1].key, ZONE_LABEL);
            assert_eq!(exprs[2].operator, "NotIn");
            assert_eq!(
                exprs[2].values.as_deref(),
                Some(&["n1".to_owned(), "n2".to_owned()][..])
            );
        }
        assert_eq!(
            node.preferred_during_scheduling_ignored_during_execution
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn one_pod_per_host_adds_required_anti_affinity_on_hostname() {
        let merged = merge(None, Vec::new(), "c", true).unwrap();
        let anti = merged.pod_anti_affinity.unwrap();
        let term = &anti
            .required_during_scheduling_ignored_during_execution
            .unwrap()[0];
        assert_eq!(term.topology_key, HOSTNAME_LABEL);
        assert!(merged.node_affinity.is_none());
        assert!(merge(None, Vec::new(), "c", false).is_none());
    }
}

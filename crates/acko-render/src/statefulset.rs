//! The StatefulSet of a rack: `<cluster>-<rackId>`, `OnDelete` updates (the operator restarts
//! pods itself, in safe batches), the headless Service as `serviceName`, persistent volumes as
//! claim templates, and both hashes as annotations (on the StatefulSet and its pod template).

use std::collections::BTreeMap;

use acko_api::PodManagementPolicy;
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::labels;
use crate::names;

/// Inputs of [`build`].
#[derive(Debug, Clone)]
pub struct StatefulSetInputs<'a> {
    /// Cluster name.
    pub cluster: &'a str,
    /// Namespace.
    pub namespace: &'a str,
    /// Rack id.
    pub rack_id: i32,
    /// Pods of the rack.
    pub replicas: u32,
    /// Pod management policy (default `Parallel`).
    pub pod_management_policy: Option<PodManagementPolicy>,
    /// The rack's pod template.
    pub template: PodTemplateSpec,
    /// The rack's claim templates.
    pub claim_templates: Vec<PersistentVolumeClaim>,
    /// The rack's config hash.
    pub config_hash: &'a str,
    /// The rack's pod-spec hash.
    pub pod_spec_hash: &'a str,
}

/// Builds the StatefulSet of a rack.
pub fn build(inputs: StatefulSetInputs<'_>) -> StatefulSet {
    let annotations = BTreeMap::from([
        (
            labels::ANNOTATION_CONFIG_HASH.to_owned(),
            inputs.config_hash.to_owned(),
        ),
        (
            labels::ANNOTATION_POD_SPEC_HASH.to_owned(),
            inputs.pod_spec_hash.to_owned(),
        ),
    ]);
    let policy = match inputs.pod_management_policy.unwrap_or_default() {
        PodManagementPolicy::OrderedReady => "OrderedReady",
        PodManagementPolicy::Parallel => "Parallel",
    };
    StatefulSet {
        metadata: labels::object_meta(
            names::stateful_set(inputs.cluster, inputs.rack_id),
            inputs.namespace,
            inputs.cluster,
            labels::rack_labels(inputs.cluster, inputs.rack_id),
            annotations,
        ),
        spec: Some(StatefulSetSpec {
            replicas: Some(i32::try_from(inputs.replicas).unwrap_or(i32::MAX)),
            selector: LabelSelector {
                match_labels: Some(labels::rack_selector(inputs.cluster, inputs.rack_id)),
                match_expressions: None,
            },
            service_name: Some(names::headless_service(inputs.cluster)),
            pod_management_policy: Some(policy.to_owned()),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("OnDelete".to_owned()),
                rolling_update: None,
            }),
            template: inputs.template,
            volume_claim_templates: (!inputs.claim_templates.is_empty())
                .then_some(inputs.claim_templates),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }
}

//! The top-level pure function: a defaulted, validated cluster → [`DesiredObjects`].

use acko_api::{AerospikeCluster, AerospikeClusterSpec, NetworkPolicyType, PodServiceType, Rack};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use crate::configmap::{self, InitSettings, PodServiceSettings};
use crate::error::RenderError;
use crate::objects::{DesiredObjects, RackSummary};
use crate::pod_template::{self, PodInputs};
use crate::services::{self, SeedsLoadBalancer, UserMeta};
use crate::{monitoring, names, network_policy, pdb, racks, rbac, seeds, statefulset, storage};

/// Settings that do not come from the cluster resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Kubernetes cluster DNS domain used in mesh seed names. Default `cluster.local`.
    pub cluster_domain: String,
    /// Image of the `acko-init` init container. Default
    /// `ghcr.io/acko/acko-init:<this crate's version>`.
    pub init_image: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            cluster_domain: "cluster.local".to_owned(),
            init_image: format!("ghcr.io/acko/acko-init:{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Namespace used when the resource has none (as kubectl does).
pub const DEFAULT_NAMESPACE: &str = "default";

/// The racks of a spec in order, with their ids (`None`/0 for the implicit rack).
pub fn rack_list(spec: &AerospikeClusterSpec) -> Vec<(Option<&Rack>, i32)> {
    match spec.rack_config.as_ref().map(|rc| rc.racks.as_slice()) {
        Some(racks) if !racks.is_empty() => racks.iter().map(|r| (Some(r), r.id)).collect(),
        _ => vec![(None, 0)],
    }
}

fn heartbeat_port(spec: &AerospikeClusterSpec) -> u16 {
    spec.aerospike_config
        .as_ref()
        .and_then(|c| c.get("network"))
        .and_then(|n| n.get("heartbeat"))
        .and_then(|h| h.get("port"))
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(3002)
}

/// Renders a validated cluster (the operator's and `acko render`'s entry point).
pub fn render_validated(
    cluster: &acko_api::validation::ValidatedCluster,
    options: &RenderOptions,
) -> Result<DesiredObjects, RenderError> {
    render(cluster.cluster(), options)
}

/// Renders every object of `cluster`, which must be defaulted and validated (and have its
/// template merged). Pure and deterministic: the same input always gives the same output.
pub fn render(
    cluster: &AerospikeCluster,
    options: &RenderOptions,
) -> Result<DesiredObjects, RenderError> {
    let name = cluster
        .metadata
        .name
        .as_deref()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            RenderError::field(
                "metadata.name",
                "is missing",
                "give the AerospikeCluster a name",
            )
        })?;
    let namespace = cluster
        .metadata
        .namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE);
    let spec = &cluster.spec;
    let image = spec.image.as_deref().filter(|i| !i.is_empty()).ok_or_else(|| {
        RenderError::field("spec.image", "is missing", "set spec.image (for example aerospike:ce-8.1.1.1) or a templateRef that provides it")
    })?;
    let size = spec
        .size
        .and_then(|s| u32::try_from(s).ok())
        .ok_or_else(|| {
            RenderError::field(
                "spec.size",
                "is missing or negative",
                "set spec.size between 1 and 8",
            )
        })?;

    let rack_list = rack_list(spec);
    let rack_ids: Vec<i32> = rack_list.iter().map(|(_, id)| *id).collect();
    let sizes = racks::rack_sizes(size, rack_list.len());
    let mesh_seeds = seeds::mesh_seeds(
        name,
        namespace,
        &options.cluster_domain,
        &rack_ids,
        heartbeat_port(spec),
    );
    let pod_service_type = spec
        .pod_service
        .as_ref()
        .map(|p| p.service_type.unwrap_or_default());

    let mut out = DesiredObjects::default();
    let mut cluster_ports = None;
    for ((rack, rack_id), rack_size) in rack_list.iter().copied().zip(sizes) {
        let conf = configmap::rack_conf(
            rack_id,
            spec.aerospike_config.as_ref(),
            rack.and_then(|r| r.aerospike_config.as_ref()),
            &mesh_seeds,
        )?;
        let ports = configmap::ports_of(&conf);
        cluster_ports.get_or_insert(ports);
        let rack_storage = rack
            .and_then(|r| r.storage.as_ref())
            .or(spec.storage.as_ref());
        let rendered_storage = storage::render(name, rack_id, rack_storage);
        let settings = InitSettings {
            config_hash: String::new(),
            network: configmap::network_settings(spec.aerospike_network_policy.as_ref(), ports),
            pod_service: pod_service_type.map(|service_type| PodServiceSettings { service_type }),
            external_address_timeout_seconds: configmap::EXTERNAL_ADDRESS_TIMEOUT_SECONDS,
            volumes: rendered_storage.init_settings.clone(),
        };
        let rack_cm = configmap::build(name, namespace, rack_id, conf.render(), settings);
        let pod = pod_template::build(
            &PodInputs {
                cluster: name,
                spec,
                rack,
                rack_id,
                image,
                init_image: &options.init_image,
                ports,
                storage: &rendered_storage,
                config_hash: &rack_cm.config_hash,
            },
            &rendered_storage.claim_templates,
        )?;
        out.stateful_sets
            .push(statefulset::build(statefulset::StatefulSetInputs {
                cluster: name,
                namespace,
                rack_id,
                replicas: rack_size,
                pod_management_policy: spec.pod_spec.as_ref().and_then(|p| p.pod_management_policy),
                template: pod.template,
                claim_templates: rendered_storage.claim_templates.clone(),
                config_hash: &rack_cm.config_hash,
                pod_spec_hash: &pod.pod_spec_hash,
            }));
        out.config_maps.push(rack_cm.config_map);
        out.racks.push(RackSummary {
            id: rack_id,
            size: rack_size,
            config_hash: rack_cm.config_hash,
            pod_spec_hash: pod.pod_spec_hash,
            pods: (0..rack_size)
                .map(|o| names::pod(name, rack_id, i32::try_from(o).unwrap_or(i32::MAX)))
                .collect(),
        });
    }
    let ports = cluster_ports.unwrap_or_default();
    let all_pods: Vec<String> = out
        .racks
        .iter()
        .flat_map(|r| r.pods.iter().cloned())
        .collect();

    render_services(
        &mut out,
        name,
        namespace,
        spec,
        ports,
        pod_service_type,
        &all_pods,
    );
    render_rbac(&mut out, name, namespace, spec, pod_service_type, &all_pods);
    render_policies(&mut out, name, namespace, spec, ports, size);
    Ok(out)
}

fn user_meta(meta: Option<&acko_api::AerospikeObjectMeta>) -> UserMeta<'_> {
    UserMeta {
        labels: meta.and_then(|m| m.labels.as_ref()),
        annotations: meta.and_then(|m| m.annotations.as_ref()),
    }
}

fn port_u16(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok())
}

fn render_services(
    out: &mut DesiredObjects,
    name: &str,
    namespace: &str,
    spec: &AerospikeClusterSpec,
    ports: services::AerospikePorts,
    pod_service_type: Option<PodServiceType>,
    all_pods: &[String],
) {
    let headless_meta = spec
        .headless_service
        .as_ref()
        .and_then(|h| h.metadata.as_ref());
    out.services.push(services::headless(
        name,
        namespace,
        ports,
        user_meta(headless_meta),
    ));
    if let Some(ty) = pod_service_type {
        let meta = spec.pod_service.as_ref().and_then(|p| p.metadata.as_ref());
        let ty = ty.as_str();
        for pod in all_pods {
            out.services.push(services::pod_service(
                name,
                namespace,
                pod,
                ty,
                ports,
                user_meta(meta),
            ));
        }
    }
    if let Some(lb) = spec
        .seeds_finder_services
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
    {
        out.services.push(services::seeds_lb(
            name,
            namespace,
            &SeedsLoadBalancer {
                port: port_u16(lb.port),
                target_port: port_u16(lb.target_port),
                external_traffic_policy: lb.external_traffic_policy.as_deref(),
                load_balancer_source_ranges: lb.load_balancer_source_ranges.as_deref(),
                user: UserMeta {
                    labels: lb.labels.as_ref(),
                    annotations: lb.annotations.as_ref(),
                },
            },
        ));
    }
    if let Some(m) = spec.monitoring.as_ref().filter(|m| m.is_enabled()) {
        out.services.push(services::metrics(
            name,
            namespace,
            pod_template::metrics_port(m.port),
        ));
    }
}

fn render_rbac(
    out: &mut DesiredObjects,
    name: &str,
    namespace: &str,
    spec: &AerospikeClusterSpec,
    pod_service_type: Option<PodServiceType>,
    all_pods: &[String],
) {
    let Some(sa) = pod_template::pod_service_account(spec, name) else {
        return;
    };
    let user_given = spec
        .pod_spec
        .as_ref()
        .and_then(|p| p.service_account_name.as_deref())
        .is_some_and(|s| !s.is_empty());
    if !user_given && pod_template::needs_api(spec) {
        out.service_accounts
            .push(rbac::service_account(name, namespace));
    }
    let sa = sa.as_str();
    if pod_service_type.is_some_and(PodServiceType::is_external) {
        out.roles
            .push(rbac::pod_service_reader_role(name, namespace, all_pods));
        out.role_bindings
            .push(rbac::pod_service_reader_binding(name, namespace, sa));
    }
    if pod_template::needs_node_access(spec) {
        out.cluster_roles
            .push(rbac::node_reader_cluster_role(name, namespace));
        out.cluster_role_bindings
            .push(rbac::node_reader_binding(name, namespace, sa));
    }
}

fn render_policies(
    out: &mut DesiredObjects,
    name: &str,
    namespace: &str,
    spec: &AerospikeClusterSpec,
    ports: services::AerospikePorts,
    size: u32,
) {
    let monitoring = spec.monitoring.as_ref().filter(|m| m.is_enabled());
    let metrics_port = monitoring.map(|m| pod_template::metrics_port(m.port));
    if let Some(np) = spec
        .network_policy_config
        .as_ref()
        .filter(|n| n.enabled == Some(true))
    {
        match np.policy_type.unwrap_or_default() {
            NetworkPolicyType::Kubernetes => out.network_policies.push(network_policy::kubernetes(
                name,
                namespace,
                ports,
                metrics_port,
            )),
            NetworkPolicyType::Cilium => {
                out.untyped
                    .push(network_policy::cilium(name, namespace, ports, metrics_port))
            }
        }
    }
    if spec.disable_pdb != Some(true) {
        let cluster_max = spec.max_unavailable.clone().unwrap_or(IntOrString::Int(1));
        let racks = rack_list(spec);
        let per_rack = racks
            .iter()
            .any(|(r, _)| r.is_some_and(|r| r.max_unavailable.is_some()));
        if per_rack {
            for (rack, id) in racks {
                let max = rack
                    .and_then(|r| r.max_unavailable.clone())
                    .unwrap_or_else(|| cluster_max.clone());
                out.pod_disruption_budgets
                    .push(pdb::rack_pdb(name, namespace, id, max));
            }
        } else {
            out.pod_disruption_budgets
                .push(pdb::cluster_pdb(name, namespace, cluster_max));
        }
    }
    if let Some(m) = monitoring {
        if let Some(sm) = m
            .service_monitor
            .as_ref()
            .filter(|s| s.enabled == Some(true))
        {
            let interval = sm
                .interval
                .as_deref()
                .unwrap_or(acko_api::DEFAULT_SCRAPE_INTERVAL);
            out.untyped.push(monitoring::service_monitor(
                name,
                namespace,
                interval,
                sm.labels.as_ref(),
            ));
        }
        if let Some(pr) = m
            .prometheus_rule
            .as_ref()
            .filter(|p| p.enabled == Some(true))
        {
            let groups = match pr.custom_rules.as_ref().filter(|r| !r.is_empty()) {
                Some(custom) => custom.iter().cloned().map(Value::Object).collect(),
                None => monitoring::default_rule_groups(name, namespace, size),
            };
            out.untyped.push(monitoring::prometheus_rule(
                name,
                namespace,
                groups,
                pr.labels.as_ref(),
            ));
        }
    }
}

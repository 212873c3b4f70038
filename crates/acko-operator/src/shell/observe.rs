//! Gathers an [`Observed`]: the cluster's objects (by label), pods, PVCs and per-pod
//! Aerospike facts. Reads only.

use std::collections::BTreeMap;

use acko_api::AerospikeCluster;
use futures::future::join_all;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, DynamicObject, ListParams};
use kube::{Resource, ResourceExt};

use super::agent::info_addr;
use super::kinds::{self, Kind};
use super::{Context, Error};
use crate::desired::ANNOTATION_DESIRED_HASH;
use crate::observed::{
    ClaimFacts, ExistingObject, ObjectKey, Observed, PodFacts, RackSet, WarmRestart,
};

/// Pod annotation: the config hash a warm restart was requested for.
pub const ANNOTATION_WARM_HASH: &str = "acko.io/warm-restart-hash";
/// Pod annotation: when the warm restart was requested (unix seconds).
pub const ANNOTATION_WARM_TIME: &str = "acko.io/warm-restart-time";
/// The readiness gate / pod condition type.
pub const READINESS_GATE: &str = acko_render::pod_template::READINESS_GATE;

fn rack_of(labels: &BTreeMap<String, String>) -> Option<i32> {
    labels
        .get(acko_render::labels::LABEL_RACK)
        .and_then(|r| r.parse().ok())
}

fn owned_by(obj: &DynamicObject, uid: &str, namespace: &str) -> bool {
    if obj.metadata.namespace.is_none() {
        return obj.labels().get("acko.io/namespace").map(String::as_str) == Some(namespace);
    }
    obj.owner_references().iter().any(|r| r.uid == uid)
}

async fn list_kind(
    ctx: &Context,
    kind: &Kind,
    namespace: &str,
    selector: &str,
) -> Result<Vec<DynamicObject>, Error> {
    let api: Api<DynamicObject> = if kind.namespaced {
        Api::namespaced_with(ctx.client.clone(), namespace, &kind.resource)
    } else {
        Api::all_with(ctx.client.clone(), &kind.resource)
    };
    let list = api
        .list(&ListParams::default().labels(selector))
        .await
        .map_err(|e| Error::kube(format!("listing {}", kind.resource.plural), e))?;
    Ok(list.items)
}

fn pod_facts(pod: &Pod) -> Option<PodFacts> {
    let name = pod.metadata.name.clone()?;
    let labels = pod.labels();
    let rack = rack_of(labels).unwrap_or(0);
    let ordinal = name.rsplit('-').next()?.parse().ok()?;
    let annotations = pod.annotations();
    let status = pod.status.as_ref();
    let cond = |t: &str| {
        status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == t))
            .map(|c| c.status == "True")
    };
    let has_gate = pod
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_ref())
        .is_some_and(|g| g.iter().any(|g| g.condition_type == READINESS_GATE));
    Some(PodFacts {
        name,
        rack,
        ordinal,
        config_hash: annotations
            .get(acko_render::labels::ANNOTATION_CONFIG_HASH)
            .cloned(),
        pod_spec_hash: annotations
            .get(acko_render::labels::ANNOTATION_POD_SPEC_HASH)
            .cloned(),
        running: status.and_then(|s| s.phase.as_deref()) == Some("Running"),
        ready: cond("Ready") == Some(true),
        containers_ready: cond("ContainersReady") == Some(true),
        terminating: pod.metadata.deletion_timestamp.is_some(),
        has_readiness_gate: has_gate,
        gate_condition: cond(READINESS_GATE),
        pod_ip: status.and_then(|s| s.pod_ip.clone()),
        host_ip: status.and_then(|s| s.host_ip.clone()),
        node: None,
        warm: WarmRestart {
            requested_hash: annotations.get(ANNOTATION_WARM_HASH).cloned(),
            requested_at: annotations
                .get(ANNOTATION_WARM_TIME)
                .and_then(|t| t.parse().ok()),
            applied_hash: None,
            last_error: None,
        },
        created_at: pod
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.as_second()),
        node_name: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
    })
}

/// Observes one cluster. `now` is unix seconds.
pub async fn observe(
    ctx: &Context,
    cluster: &AerospikeCluster,
    now: i64,
) -> Result<(Observed, BTreeMap<String, Pod>), Error> {
    let name = cluster.name_any();
    let namespace = cluster.namespace().unwrap_or_else(|| "default".to_owned());
    let uid = cluster.uid().unwrap_or_default();
    let selector = format!("{}={name}", acko_render::labels::LABEL_CLUSTER);
    // Pods and PVCs carry (at least) the StatefulSet selector labels.
    let member_selector = acko_render::labels::cluster_selector(&name)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut observed = Observed {
        name: name.clone(),
        namespace: namespace.clone(),
        now,
        generation: cluster.meta().generation,
        deleting: cluster.meta().deletion_timestamp.is_some(),
        has_finalizer: cluster.finalizers().iter().any(|f| f == super::FINALIZER),
        available_kinds: ctx.available_kinds.clone(),
        status: cluster.status.clone(),
        ..Observed::default()
    };

    let mut all_kinds = kinds::core_kinds();
    all_kinds.extend(ctx.available_kinds.iter().map(|k| kinds::optional_kind(*k)));
    for kind in &all_kinds {
        let cluster_selector = if kind.namespaced {
            selector.clone()
        } else {
            format!("{selector},acko.io/namespace={namespace}")
        };
        for obj in list_kind(ctx, kind, &namespace, &cluster_selector).await? {
            let key = ObjectKey {
                api_version: kind.resource.api_version.clone(),
                kind: kind.resource.kind.clone(),
                name: obj.name_any(),
                namespace: obj.metadata.namespace.clone(),
            };
            if kind.resource.kind == "StatefulSet"
                && let Some(rack) = rack_of(obj.labels())
            {
                let replicas = obj
                    .data
                    .pointer("/spec/replicas")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                observed.racks.insert(
                    rack,
                    RackSet {
                        replicas: u32::try_from(replicas).unwrap_or(u32::MAX),
                    },
                );
            }
            observed.objects.insert(
                key.clone(),
                ExistingObject {
                    key,
                    desired_hash: obj.annotations().get(ANNOTATION_DESIRED_HASH).cloned(),
                    rack: rack_of(obj.labels()),
                    owned: owned_by(&obj, &uid, &namespace),
                },
            );
        }
    }

    let pods_api: Api<Pod> = Api::namespaced(ctx.client.clone(), &namespace);
    let pods = pods_api
        .list(&ListParams::default().labels(&member_selector))
        .await
        .map_err(|e| Error::kube("listing pods", e))?;
    let mut raw_pods = BTreeMap::new();
    for pod in pods.items {
        if let Some(facts) = pod_facts(&pod) {
            raw_pods.insert(facts.name.clone(), pod);
            observed.pods.insert(facts.name.clone(), facts);
        }
    }
    let expected = observed.total_replicas() as usize;
    let probes = observed.pods.values().map(|p| {
        let pod = &raw_pods[&p.name];
        let addr = p.running.then(|| info_addr(pod)).flatten();
        let warm = p.warm.requested_hash.is_some();
        async move {
            let facts = match addr {
                Some(addr) => Some(ctx.agent.probe(addr, expected).await),
                None => None,
            };
            let files = if warm {
                Some(ctx.agent.read_warm_files(pod).await)
            } else {
                None
            };
            (p.name.clone(), facts, files)
        }
    });
    for (name, facts, files) in join_all(probes).await {
        let Some(p) = observed.pods.get_mut(&name) else {
            continue;
        };
        p.node = facts;
        match files {
            Some(Ok(f)) => {
                p.warm.applied_hash = f.applied_hash;
                p.warm.last_error = f.last_error;
            }
            Some(Err(e)) => p.warm.last_error = Some(format!("cannot read supervisor files: {e}")),
            None => {}
        }
    }

    // The StatefulSet controller labels a claim with its template's labels (which carry
    // `acko.io/cluster`) plus the StatefulSet selector; claims are found by either (some
    // controllers, kube-sim among them, copy only the selector), then matched by name
    // (`<volume>-<cluster>-<rack>-<ordinal>`) in the planner.
    let claims_api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), &namespace);
    let mut claims = BTreeMap::new();
    for labels in [&selector, &member_selector] {
        let list = claims_api
            .list(&ListParams::default().labels(labels))
            .await
            .map_err(|e| Error::kube("listing persistentvolumeclaims", e))?;
        for c in list.items {
            claims.insert(c.name_any(), rack_of(c.labels()));
        }
    }
    observed.claims = claims
        .into_iter()
        .map(|(name, rack)| ClaimFacts {
            name,
            rack,
            pod: None,
        })
        .collect();

    observed.seeds_endpoint = seeds_endpoint(ctx, cluster, &namespace).await;
    Ok((observed, raw_pods))
}

async fn seeds_endpoint(ctx: &Context, cluster: &AerospikeCluster, ns: &str) -> Option<String> {
    let name = cluster.name_any();
    let wants_lb = cluster
        .spec
        .seeds_finder_services
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref());
    if let Some(lb) = wants_lb {
        let api: Api<Service> = Api::namespaced(ctx.client.clone(), ns);
        let svc = api
            .get_opt(&acko_render::names::seeds_lb_service(&name))
            .await
            .ok()
            .flatten()?;
        let ingress = svc
            .status
            .and_then(|s| s.load_balancer)
            .and_then(|l| l.ingress)
            .and_then(|i| i.into_iter().next())?;
        let host = ingress.ip.or(ingress.hostname)?;
        return Some(format!("{host}:{}", lb.port.unwrap_or(3000)));
    }
    let port = cluster
        .spec
        .aerospike_config
        .as_ref()
        .and_then(|c| c.get("network"))
        .and_then(|n| n.pointer("/service/port"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(3000);
    Some(format!(
        "{}.{ns}.svc.{}:{port}",
        acko_render::names::headless_service(&name),
        ctx.render_options.cluster_domain
    ))
}

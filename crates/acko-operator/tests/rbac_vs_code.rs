//! The RBAC table (`acko_operator::rbac`) against the code:
//! * every request the real controller and leader election make on kube-sim — create and a
//!   delete with cascade — is granted by the ClusterRole or the leader-election Role;
//! * every grant is seen in use, or is listed in `NOT_REACHED` with the reason;
//! * every managed kind (`shell::kinds`) can be applied and pruned;
//! * every rule acko-render gives a cluster's pods is held by the operator (no escalation).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acko_api::AerospikeCluster;
use acko_operator::rbac::{self, CLUSTER, LEADER_ELECTION};
use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::{Context, controller, kinds, leader};
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(90);
const LEASE_NS: &str = "acko-system";

/// Grants the scenario cannot reach, with the reason. Keep short: each entry is a verb the
/// test cannot prove is still needed.
const NOT_REACHED: &[(&str, &str, &str)] = &[
    (
        "validatingwebhookconfigurations",
        "get",
        "webhook certificates: exercised by tests/webhook_https.rs, not by this controller scenario",
    ),
    (
        "validatingwebhookconfigurations",
        "update",
        "webhook certificates: exercised by tests/webhook_https.rs",
    ),
    (
        "secrets",
        "get",
        "webhook certificates: tests/webhook_https.rs",
    ),
    (
        "secrets",
        "create",
        "webhook certificates: tests/webhook_https.rs",
    ),
    (
        "secrets",
        "update",
        "webhook certificates: tests/webhook_https.rs",
    ),
    (
        "pods/exec",
        "create",
        "warm restart (exec) needs a config change of a running pod",
    ),
    (
        "pods/exec",
        "get",
        "websocket exec, authorised as get before Kubernetes 1.31",
    ),
    ("pods", "patch", "warm-restart annotations"),
    (
        "aerospikeclustertemplates",
        "get",
        "cluster without templateRef",
    ),
    (
        "aerospikeclustertemplates",
        "patch",
        "template-in-use finalizer: no cluster references a template here (scenario \
         day2::template_changed_then_resynced covers it)",
    ),
    (
        "aerospikeclustertemplates/status",
        "patch",
        "usedBy: no template here (scenario day2::template_changed_then_resynced covers it)",
    ),
    (
        "services",
        "get",
        "seeds LoadBalancer address (no seedsFinderServices)",
    ),
    (
        "configmaps",
        "delete",
        "pruning (sim_objects::objects_no_longer_desired_are_pruned)",
    ),
    (
        "serviceaccounts",
        "patch",
        "pods that read the API (external access) only",
    ),
    (
        "roles",
        "patch",
        "pods that read the API (external access) only",
    ),
    (
        "rolebindings",
        "patch",
        "pods that read the API (external access) only",
    ),
    (
        "clusterroles",
        "patch",
        "pods that read Nodes (host networking access) only",
    ),
    (
        "clusterrolebindings",
        "patch",
        "pods that read Nodes (host networking access) only",
    ),
    ("pods", "delete", "cold restart"),
    (
        "nodes",
        "get",
        "held only so the rendered ClusterRole may grant it",
    ),
    ("networkpolicies", "patch", "cluster without networkPolicy"),
    (
        "ciliumnetworkpolicies",
        "list",
        "Cilium CRD absent in the simulator",
    ),
    (
        "ciliumnetworkpolicies",
        "patch",
        "Cilium CRD absent in the simulator",
    ),
    (
        "ciliumnetworkpolicies",
        "delete",
        "Cilium CRD absent in the simulator",
    ),
    (
        "servicemonitors",
        "list",
        "prometheus-operator CRDs absent in the simulator",
    ),
    (
        "servicemonitors",
        "patch",
        "prometheus-operator CRDs absent in the simulator",
    ),
    (
        "servicemonitors",
        "delete",
        "prometheus-operator CRDs absent in the simulator",
    ),
    (
        "prometheusrules",
        "list",
        "prometheus-operator CRDs absent in the simulator",
    ),
    (
        "prometheusrules",
        "patch",
        "prometheus-operator CRDs absent in the simulator",
    ),
    (
        "prometheusrules",
        "delete",
        "prometheus-operator CRDs absent in the simulator",
    ),
];

/// Grants whose use depends on timing in this scenario (neither required nor forbidden).
/// (lease renewal; readiness gate once a pod is Ready; an event repeated).
const MAYBE_REACHED: &[(&str, &str)] = &[
    ("leases", "patch"),
    ("pods", "get"),
    ("pods/status", "update"),
    ("events", "patch"),
    // pruning: whether the controller deletes within this scenario depends on its version
    ("services", "delete"),
    ("serviceaccounts", "delete"),
    ("statefulsets", "delete"),
    ("poddisruptionbudgets", "delete"),
    ("roles", "delete"),
    ("rolebindings", "delete"),
    ("clusterroles", "delete"),
    ("clusterrolebindings", "delete"),
    ("networkpolicies", "delete"),
];

/// One API request as the RBAC authorizer sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Request {
    verb: String,
    group: String,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

/// Maps an HTTP request to RBAC attributes; `None` for discovery (non-resource) URLs.
fn attributes(method: &http::Method, path: &str, query: &str) -> Option<Request> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, rest) = match parts.as_slice() {
        ["api", _v, rest @ ..] => ("", rest),
        ["apis", g, _v, rest @ ..] => (*g, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some((*ns).to_owned()), rest),
        _ => (None, rest),
    };
    let (resource, name, sub) = match rest {
        [] => return None,
        [r] => ((*r).to_owned(), None, None),
        [r, n] => ((*r).to_owned(), Some((*n).to_owned()), None),
        [r, n, s, ..] => ((*r).to_owned(), Some((*n).to_owned()), Some(*s)),
    };
    let watch = query
        .split('&')
        .any(|kv| kv == "watch=true" || kv == "watch=1");
    let verb = match *method {
        http::Method::GET if watch => "watch",
        http::Method::GET if name.is_none() => "list",
        http::Method::GET => "get",
        http::Method::POST => "create",
        http::Method::PUT => "update",
        http::Method::PATCH => "patch",
        http::Method::DELETE if name.is_none() => "deletecollection",
        http::Method::DELETE => "delete",
        _ => "unknown",
    };
    Some(Request {
        verb: verb.to_owned(),
        group: group.to_owned(),
        resource: match sub {
            Some(s) => format!("{resource}/{s}"),
            None => resource,
        },
        namespace,
        name,
    })
}

type Recorded = Arc<Mutex<Vec<Request>>>;

async fn recording_client(yaml: &str, seen: Recorded) -> kube::Client {
    let kc = Kubeconfig::from_yaml(yaml).expect("sim kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    let layer = tower::util::MapRequestLayer::new(move |req: http::Request<kube::client::Body>| {
        if let Some(r) = attributes(
            req.method(),
            req.uri().path(),
            req.uri().query().unwrap_or(""),
        ) && let Ok(mut s) = seen.lock()
        {
            s.push(r);
        }
        req
    });
    kube::client::ClientBuilder::try_from(config)
        .expect("builder")
        .with_layer(&layer)
        .build()
}

fn cluster() -> AerospikeCluster {
    serde_saphyr::from_str(
        "apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata: {name: demo, namespace: default}
spec:
  size: 3
  image: aerospike:ce-8.1.1.1
  storage:
    volumes:
      - name: data
        source: {persistentVolume: {size: 1Gi}}
        aerospike: {path: /opt/aerospike/data}
        cascadeDelete: true
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 2
        storage-engine: {type: memory, data-size: 1073741824}
",
    )
    .expect("test YAML")
}

/// Runs leader election + the controller through a recording client over a create and a cascade
/// delete; returns every request they made.
async fn scenario() -> Vec<Request> {
    acko_operator::install_crypto_provider();
    let (admin, sim) = kube_sim::Sim::start().await.expect("simulator starts");
    let ns: k8s_openapi::api::core::v1::Namespace =
        serde_json::from_value(json!({"metadata": {"name": LEASE_NS}})).unwrap();
    Api::all(admin.clone())
        .create(&PostParams::default(), &ns)
        .await
        .expect("namespace");
    let seen: Recorded = Arc::default();
    let client = recording_client(&sim.kubeconfig_yaml(), seen.clone()).await;

    // Leadership itself is not awaited: kube-sim rejects kube-lease-manager's apply patch (it
    // omits metadata.name), so only the lease manager's requests are recorded here.
    let leading = leader::elect(client.clone(), LEASE_NS, "test-0".to_owned())
        .await
        .expect("lease manager");

    let agent = Arc::new(KubeAgent::new(client.clone(), Duration::from_millis(500)));
    let available = kinds::discover_optional(&client).await;
    let mut ctx = Context::new(client.clone(), agent, available, Default::default());
    ctx.wait_interval = Duration::from_millis(200);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(controller::run(Arc::new(ctx), None, async move {
        let _ = stop_rx.await;
    }));

    let clusters: Api<AerospikeCluster> = Api::namespaced(admin.clone(), "default");
    clusters
        .create(&PostParams::default(), &cluster())
        .await
        .expect("cluster created");
    // Pods observed in the status: the controller has applied, watched and probed.
    sim.wait_for::<AerospikeCluster>("default", "demo", WAIT, |c| {
        c.and_then(|c| c.status.as_ref())
            .and_then(|s| s.pods.as_ref())
            .is_some_and(|p| p.len() == 3)
    })
    .await
    .expect("status lists the 3 pods");
    // A claim of the cluster's (the simulated StatefulSet controller may not make them).
    let claims: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
        Api::namespaced(admin.clone(), "default");
    let pvc = serde_json::from_value(json!({
        "metadata": {"name": "data-demo-0-9", "labels": {"acko.io/cluster": "demo", "acko.io/rack": "0"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }))
    .unwrap();
    claims
        .create(&PostParams::default(), &pvc)
        .await
        .expect("claim");
    clusters
        .delete("demo", &DeleteParams::default())
        .await
        .expect("delete");
    sim.wait_for::<AerospikeCluster>("default", "demo", WAIT, |c| c.is_none())
        .await
        .expect("cluster deleted");

    let _ = stop_tx.send(());
    tokio::time::timeout(WAIT, run)
        .await
        .expect("controller stops")
        .expect("controller task");
    drop(leading);
    seen.lock().expect("lock").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_is_granted_and_every_grant_is_used() {
    let requests = scenario().await;
    let cluster_rules = rbac::rules(CLUSTER);
    let lease_rules = rbac::rules(LEADER_ELECTION);
    let mut denied = BTreeSet::new();
    let mut used = BTreeSet::new();
    for r in &requests {
        let by_cluster = rbac::allows(
            &cluster_rules,
            &r.verb,
            &r.group,
            &r.resource,
            r.name.as_deref(),
        );
        let by_lease = r.namespace.as_deref() == Some(LEASE_NS)
            && rbac::allows(
                &lease_rules,
                &r.verb,
                &r.group,
                &r.resource,
                r.name.as_deref(),
            );
        if by_cluster || by_lease {
            used.insert((r.resource.clone(), r.verb.clone()));
        } else {
            denied.insert(format!(
                "{} {}/{} (namespace {:?})",
                r.verb, r.group, r.resource, r.namespace
            ));
        }
    }
    assert!(
        denied.is_empty(),
        "the operator made calls its role does not grant; add them to acko_operator::rbac: {denied:#?}"
    );
    // The scenario went through the interesting paths.
    for expected in [
        ("aerospikeclusters/status", "patch"),
        ("statefulsets", "patch"),
        ("persistentvolumeclaims", "delete"),
        ("leases", "get"),
        ("leases", "create"),
    ] {
        assert!(
            used.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "scenario did not reach {expected:?}; used: {used:?}"
        );
    }
    let mut unused = Vec::new();
    for g in CLUSTER.iter().chain(LEADER_ELECTION) {
        for v in g.verbs {
            let reached = used.contains(&(g.resource.to_owned(), (*v).to_owned()));
            let excused = NOT_REACHED
                .iter()
                .any(|(r, verb, _)| *r == g.resource && verb == v);
            if MAYBE_REACHED.contains(&(g.resource, *v)) {
                continue;
            }
            assert!(
                !(reached && excused),
                "{} {v} is now used: remove it from NOT_REACHED",
                g.resource
            );
            if !reached && !excused {
                unused.push(format!("{} {v}", g.resource));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "the role grants verbs no code path used: {unused:?}"
    );
}

#[test]
fn every_managed_kind_can_be_listed_applied_and_pruned() {
    let rules = rbac::rules(CLUSTER);
    let all = kinds::core_kinds().into_iter().chain(
        acko_operator::observed::OptionalKind::ALL
            .into_iter()
            .map(kinds::optional_kind),
    );
    for k in all {
        for verb in ["list", "patch", "delete"] {
            assert!(
                rbac::allows(&rules, verb, &k.resource.group, &k.resource.plural, None),
                "{verb} {}/{} missing from acko_operator::rbac::CLUSTER",
                k.resource.group,
                k.resource.plural
            );
        }
    }
}

#[test]
fn the_operator_holds_every_rule_it_grants_to_cluster_pods() {
    let rules = rbac::rules(CLUSTER);
    let pods = vec!["demo-0-0".to_owned()];
    let role = acko_render::rbac::pod_service_reader_role("demo", "default", &pods);
    let cluster_role = acko_render::rbac::node_reader_cluster_role("demo", "default");
    let granted: Vec<_> = role
        .rules
        .into_iter()
        .flatten()
        .chain(cluster_role.rules.into_iter().flatten())
        .collect();
    let mut checked = 0;
    for rule in granted {
        let names = rule.resource_names.clone().unwrap_or_default();
        for group in rule.api_groups.iter().flatten() {
            for res in rule.resources.iter().flatten() {
                for verb in &rule.verbs {
                    assert!(
                        rbac::allows(&rules, verb, group, res, names.first().map(String::as_str)),
                        "acko-render grants {verb} {group}/{res}, which the operator lacks"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(
        checked, 2,
        "the service reader and node reader rules were checked"
    );
}

#[test]
fn attributes_follow_the_authorizer() {
    let a = |m: http::Method, p: &str, q: &str| attributes(&m, p, q).map(|r| (r.verb, r.resource));
    assert_eq!(
        a(http::Method::GET, "/api/v1/namespaces/x/pods", "watch=true"),
        Some(("watch".into(), "pods".into()))
    );
    assert_eq!(
        a(http::Method::PUT, "/api/v1/namespaces/x/pods/p/status", ""),
        Some(("update".into(), "pods/status".into()))
    );
    assert_eq!(
        a(
            http::Method::GET,
            "/apis/acko.io/v1alpha1/aerospikeclustertemplates",
            ""
        ),
        Some(("list".into(), "aerospikeclustertemplates".into()))
    );
    assert_eq!(
        a(http::Method::GET, "/api/v1/namespaces", ""),
        Some(("list".into(), "namespaces".into()))
    );
    assert_eq!(
        a(http::Method::GET, "/apis/monitoring.coreos.com/v1", ""),
        None
    );
}

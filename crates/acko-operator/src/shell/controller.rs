//! The kube-runtime controller: watches AerospikeClusters; owns StatefulSets, Services,
//! ConfigMaps, PDBs; maps Pods (readiness) and Templates (to the clusters that reference them).

use std::sync::Arc;

use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::ResourceExt;
use kube::api::Api;
use kube::runtime::controller::Controller;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;

use super::{Context, error_policy, reconcile};

/// Label selecting the objects acko manages.
pub const MANAGED_SELECTOR: &str = "app.kubernetes.io/managed-by=acko";

fn api<K>(ctx: &Context, namespace: Option<&str>) -> Api<K>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    }
}

/// Clusters reconciled at the same time.
pub const RECONCILE_CONCURRENCY: u16 = 8;

/// Runs the controller until `shutdown` resolves (graceful: reconciles in flight finish).
pub async fn run(
    ctx: Arc<Context>,
    namespace: Option<String>,
    shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) {
    let templates_task = tokio::spawn(super::template_controller::run(ctx.clone()));
    let ns = namespace.as_deref();
    let managed = watcher::Config::default().labels(MANAGED_SELECTOR);
    let clusters: Api<AerospikeCluster> = api(&ctx, ns);
    // Bounded parallelism and a short debounce: a rollout's burst of pod events becomes one
    // reconcile, and 100 clusters do not hit the API server with 100 reconciles at once.
    let controller = Controller::new(clusters, watcher::Config::default()).with_config(
        kube::runtime::controller::Config::default()
            .concurrency(RECONCILE_CONCURRENCY)
            .debounce(std::time::Duration::from_millis(500)),
    );
    let store = controller.store();
    let templates: Api<AerospikeClusterTemplate> = Api::all(ctx.client.clone());
    controller
        .owns(api::<StatefulSet>(&ctx, ns), managed.clone())
        .owns(api::<Service>(&ctx, ns), managed.clone())
        .owns(api::<ConfigMap>(&ctx, ns), managed.clone())
        .owns(api::<PodDisruptionBudget>(&ctx, ns), managed.clone())
        .watches(api::<Pod>(&ctx, ns), managed, |pod: Pod| {
            let cluster = pod
                .labels()
                .get(acko_render::labels::LABEL_CLUSTER)
                .cloned();
            let ns = pod.namespace();
            cluster.map(|c| {
                let r = ObjectRef::<AerospikeCluster>::new(&c);
                match ns {
                    Some(ns) => r.within(&ns),
                    None => r,
                }
            })
        })
        .watches(
            templates,
            watcher::Config::default(),
            move |t: AerospikeClusterTemplate| {
                let name = t.name_any();
                store
                    .state()
                    .into_iter()
                    .filter(|c| c.spec.template_ref.as_ref().is_some_and(|r| r.name == name))
                    .map(|c| ObjectRef::from_obj(&*c))
                    .collect::<Vec<_>>()
            },
        )
        .graceful_shutdown_on(shutdown)
        .run(reconcile, error_policy, ctx)
        .for_each(|result| async move {
            if let Err(e) = result {
                tracing::debug!(error = %e, "controller event");
            }
        })
        .await;
    templates_task.abort();
}

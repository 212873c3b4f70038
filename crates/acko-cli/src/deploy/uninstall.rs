//! `acko uninstall`: removes what `acko install` applied, honest about custom resources.
//!
//! Deleting the CRDs deletes every `AerospikeCluster` and `AerospikeClusterTemplate` with them
//! (and the clusters' pods). So when any exist, nothing is deleted unless the user chooses:
//! `--delete-clusters` deletes them first, while the operator still runs to remove its
//! finalizer, and waits until they are gone; `--keep-crds` removes only the operator (the
//! clusters keep running, unmanaged). PersistentVolumeClaims of Aerospike pods survive unless a
//! volume has `cascadeDelete: true`; the ones left are listed at the end.

use std::time::Duration;

use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Client, ResourceExt};
use serde_json::Value;

use super::apply::Resolver;
use super::manifests::{is_crd, label};
use crate::kube_access::{cluster_resource, describe, status_code};

/// Knobs of an uninstall.
#[derive(Debug, Clone)]
pub struct UninstallOptions {
    /// Remove the operator but keep the CRDs and every custom resource.
    pub keep_crds: bool,
    /// Delete every AerospikeCluster and AerospikeClusterTemplate first.
    pub delete_clusters: bool,
    /// Bound of the wait for deleted custom resources to disappear.
    pub timeout: Duration,
}

/// A custom resource found on the cluster.
#[derive(Debug, Clone)]
struct Found {
    kind: &'static str,
    namespace: Option<String>,
    name: String,
    uid: String,
    finalizers: Vec<String>,
}

impl Found {
    fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

fn template_resource() -> ApiResource {
    ApiResource::erase::<acko_api::AerospikeClusterTemplate>(&())
}

async fn list_all(
    client: &Client,
    ar: &ApiResource,
    kind: &'static str,
) -> Result<Vec<Found>, String> {
    let api: Api<DynamicObject> = Api::all_with(client.clone(), ar);
    match api.list(&ListParams::default()).await {
        Ok(list) => Ok(list
            .items
            .into_iter()
            .map(|o| Found {
                kind,
                namespace: o.namespace(),
                name: o.name_any(),
                uid: o.uid().unwrap_or_default(),
                finalizers: o.finalizers().to_vec(),
            })
            .collect()),
        // The CRD is not installed: nothing of this kind can exist.
        Err(e) if status_code(&e) == Some(404) => Ok(Vec::new()),
        Err(e) => Err(describe(&format!("{kind}s"), &e)),
    }
}

fn api_of(client: &Client, f: &Found) -> Api<DynamicObject> {
    let ar = if f.kind == "AerospikeCluster" {
        cluster_resource()
    } else {
        template_resource()
    };
    match &f.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    }
}

/// Deletes the custom resources and waits until each is gone.
async fn delete_resources(
    client: &Client,
    found: &[Found],
    timeout: Duration,
) -> Result<(), String> {
    for f in found {
        match api_of(client, f)
            .delete(&f.name, &DeleteParams::background())
            .await
        {
            Ok(_) => say!("{} deletion requested", f.label()),
            Err(e) if status_code(&e) == Some(404) => {}
            Err(e) => return Err(describe(&f.label(), &e)),
        }
    }
    let waits = found.iter().map(|f| {
        let api = api_of(client, f);
        async move {
            let gone = tokio::time::timeout(
                timeout,
                await_condition(api, &f.name, conditions::is_deleted(&f.uid)),
            )
            .await;
            (f, matches!(gone, Ok(Ok(_))))
        }
    });
    let results = futures::future::join_all(waits).await;
    let stuck: Vec<String> = results
        .into_iter()
        .filter(|(_, gone)| !gone)
        .map(|(f, _)| {
            if f.finalizers.is_empty() {
                f.label()
            } else {
                format!("{} (finalizers: {})", f.label(), f.finalizers.join(", "))
            }
        })
        .collect();
    if stuck.is_empty() {
        return Ok(());
    }
    Err(format!(
        "still present after {}s: {}.\n  The operator removes its finalizer acko.io/finalizer once a cluster's objects are cleaned up, \
         so it must be running (kubectl -n acko-system get pods -l app.kubernetes.io/name=acko-operator) \
         and the cluster must not be paused. Nothing else was uninstalled; run the command again when they are gone.",
        timeout.as_secs(),
        stuck.join(", ")
    ))
}

/// Refuses to uninstall from a namespace the operator is not installed in: the cluster-scoped
/// objects (ClusterRoles, CRDs) are shared, so a wrong `--namespace` would break the real
/// installation while finding nothing of its own.
async fn check_namespace(client: &Client, docs: &[Value]) -> Result<(), String> {
    let Some(binding) = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRoleBinding" && d["metadata"]["name"] == "acko-operator")
    else {
        return Ok(());
    };
    let wanted = binding["subjects"][0]["namespace"]
        .as_str()
        .unwrap_or_default();
    let api: Api<k8s_openapi::api::rbac::v1::ClusterRoleBinding> = Api::all(client.clone());
    let live = match api.get_opt("acko-operator").await {
        Ok(b) => b,
        Err(e) => return Err(describe("clusterrolebinding/acko-operator", &e)),
    };
    let installed: Vec<String> = live
        .and_then(|b| b.subjects)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.kind == "ServiceAccount")
        .filter_map(|s| s.namespace)
        .collect();
    if !installed.is_empty() && !installed.iter().any(|n| n == wanted) {
        return Err(format!(
            "the operator is installed in namespace {} (clusterrolebinding/acko-operator), not {wanted}; \
             run `acko uninstall --namespace {}`. Nothing was deleted.",
            installed.join(", "),
            installed[0]
        ));
    }
    Ok(())
}

/// Removes the installation. `docs` are the manifests of a `--with-manager` install in the
/// operator's namespace (objects never installed are reported `not found`).
pub async fn uninstall(
    client: &Client,
    docs: &[Value],
    options: &UninstallOptions,
) -> Result<(), String> {
    check_namespace(client, docs).await?;
    let mut found = list_all(client, &cluster_resource(), "AerospikeCluster").await?;
    found.extend(list_all(client, &template_resource(), "AerospikeClusterTemplate").await?);
    if !found.is_empty() && !options.keep_crds && !options.delete_clusters {
        let names: Vec<String> = found.iter().map(Found::label).collect();
        return Err(format!(
            "{} custom resource(s) exist: {}.\n  Deleting the CRDs would delete them, and each AerospikeCluster's pods with it \
             (PersistentVolumeClaims stay unless a volume has cascadeDelete: true). Nothing was deleted. Choose:\n  \
             --delete-clusters  delete them first (the operator must be running to finish), then uninstall\n  \
             --keep-crds        remove only the operator; the clusters keep running without management",
            found.len(),
            names.join(", ")
        ));
    }
    if options.delete_clusters && !found.is_empty() {
        // Clusters before templates: a referenced template may be held by a finalizer.
        let (clusters, templates): (Vec<Found>, Vec<Found>) = found
            .iter()
            .cloned()
            .partition(|f| f.kind == "AerospikeCluster");
        delete_resources(client, &clusters, options.timeout).await?;
        delete_resources(client, &templates, options.timeout).await?;
    }
    let kept_namespaces: Vec<String> = if options.keep_crds {
        found
            .iter()
            .filter(|f| f.kind == "AerospikeCluster")
            .filter_map(|f| f.namespace.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mut resolver = Resolver::default();
    // Reverse install order: the Deployment goes before its RBAC, CRDs go last.
    let (crds, rest): (Vec<&Value>, Vec<&Value>) = docs.iter().partition(|d| is_crd(d));
    let mut order: Vec<&Value> = rest.into_iter().rev().collect();
    if !options.keep_crds {
        order.extend(crds);
    }
    for d in order {
        let what = label(d);
        let name = d["metadata"]["name"].as_str().unwrap_or_default();
        if d["kind"] == "Namespace" && kept_namespaces.iter().any(|n| n == name) {
            say!("{what} kept: AerospikeClusters run in it");
            continue;
        }
        let api = resolver.api(client, d).await?;
        match api.delete(name, &DeleteParams::background()).await {
            Ok(_) => say!("{what} deleted"),
            Err(e) if status_code(&e) == Some(404) => say!("{what} not found"),
            Err(e) => return Err(describe(&what, &e)),
        }
    }
    if options.keep_crds && !found.is_empty() {
        say!(
            "kept: the CRDs and {} custom resource(s); their Aerospike pods keep running but nothing manages them until an operator is installed again",
            found.len()
        );
    }
    report_claims(client).await;
    Ok(())
}

/// Lists the PersistentVolumeClaims of Aerospike pods that remain (their data is kept).
async fn report_claims(client: &Client) {
    let api: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> = Api::all(client.clone());
    let lp = ListParams::default().labels(acko_render::labels::LABEL_CLUSTER);
    match api.list(&lp).await {
        Ok(list) if list.items.is_empty() => {}
        Ok(list) => {
            say!(
                "{} PersistentVolumeClaim(s) of Aerospike pods remain (their data is kept; delete them when no longer needed):",
                list.items.len()
            );
            for c in list.items {
                say!(
                    "  kubectl -n {} delete pvc {}",
                    c.namespace().unwrap_or_default(),
                    c.name_any()
                );
            }
        }
        Err(e) => eprintln!(
            "acko uninstall: could not list PersistentVolumeClaims: {}",
            describe("PersistentVolumeClaims", &e)
        ),
    }
}

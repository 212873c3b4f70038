//! Read-only lists for the creation wizard: namespaces, storage classes, secrets (names and
//! keys only, never values) and nodes with their zone and region.

use axum::Json;
use k8s_openapi::api::core::v1::{Namespace, Node, Secret};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::Api;
use kube::api::ListParams;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conn::Kube;
use super::names;
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(k8s_namespaces))
        .routes(routes!(k8s_storage_classes))
        .routes(routes!(k8s_secrets))
        .routes(routes!(k8s_nodes))
}

/// A namespace.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamespaceItem {
    /// Name.
    pub name: String,
    /// `Active` or `Terminating`.
    pub phase: Option<String>,
}

/// Namespaces.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamespaceList {
    /// Sorted by name.
    pub items: Vec<NamespaceItem>,
}

/// Kubernetes namespaces.
#[utoipa::path(get, path = "/k8s/namespaces", tag = "k8s",
    responses((status = 200, body = NamespaceList), (status = 404, description = "Kubernetes management is off")))]
async fn k8s_namespaces(kube: Kube) -> ApiResult<Json<NamespaceList>> {
    let api: Api<Namespace> = Api::all(kube.client.clone());
    let list = kube
        .call("namespaces", api.list(&ListParams::default()))
        .await?;
    let mut items: Vec<NamespaceItem> = list
        .items
        .into_iter()
        .map(|n| NamespaceItem {
            name: n.metadata.name.unwrap_or_default(),
            phase: n.status.and_then(|s| s.phase),
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(NamespaceList { items }))
}

/// A storage class.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageClassItem {
    /// Name.
    pub name: String,
    /// Provisioner.
    pub provisioner: String,
    /// Marked as the default class.
    pub is_default: bool,
    /// `Delete` or `Retain`.
    pub reclaim_policy: Option<String>,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub volume_binding_mode: Option<String>,
    /// Volumes can grow.
    pub allow_volume_expansion: bool,
}

/// Storage classes.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageClassList {
    /// Sorted by name.
    pub items: Vec<StorageClassItem>,
}

/// Kubernetes storage classes.
#[utoipa::path(get, path = "/k8s/storageclasses", tag = "k8s",
    responses((status = 200, body = StorageClassList), (status = 404, description = "Kubernetes management is off")))]
async fn k8s_storage_classes(kube: Kube) -> ApiResult<Json<StorageClassList>> {
    let api: Api<StorageClass> = Api::all(kube.client.clone());
    let list = kube
        .call("storage classes", api.list(&ListParams::default()))
        .await?;
    let mut items: Vec<StorageClassItem> = list
        .items
        .into_iter()
        .map(|s| {
            let ann = s.metadata.annotations.unwrap_or_default();
            StorageClassItem {
                is_default: [
                    "storageclass.kubernetes.io/is-default-class",
                    "storageclass.beta.kubernetes.io/is-default-class",
                ]
                .iter()
                .any(|k| ann.get(*k).is_some_and(|v| v == "true")),
                name: s.metadata.name.unwrap_or_default(),
                provisioner: s.provisioner,
                reclaim_policy: s.reclaim_policy,
                volume_binding_mode: s.volume_binding_mode,
                allow_volume_expansion: s.allow_volume_expansion.unwrap_or(false),
            }
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(StorageClassList { items }))
}

/// A secret: its name and the names of its keys. Never its values.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretItem {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Secret type, e.g. `Opaque`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Key names (values are never returned).
    pub keys: Vec<String>,
}

/// Secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretList {
    /// Sorted by namespace, then name.
    pub items: Vec<SecretItem>,
}

/// Which secrets.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SecretsQuery {
    /// Namespace (default `default`; the ACL picker asks for the cluster's namespace).
    pub namespace: Option<String>,
}

/// Names and keys of a secret (pure; drops every value).
pub fn secret_item(s: Secret) -> SecretItem {
    let mut keys: Vec<String> = s.data.map(|d| d.into_keys().collect()).unwrap_or_default();
    keys.extend(
        s.string_data
            .map(|d| d.into_keys().collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    keys.sort();
    keys.dedup();
    SecretItem {
        name: s.metadata.name.unwrap_or_default(),
        namespace: s.metadata.namespace.unwrap_or_default(),
        type_: s.type_,
        keys,
    }
}

/// Secrets of a namespace for the ACL picker: names, types and key names, never values.
#[utoipa::path(get, path = "/k8s/secrets", tag = "k8s", params(SecretsQuery),
    responses((status = 200, body = SecretList), (status = 404, description = "Kubernetes management is off")))]
async fn k8s_secrets(
    kube: Kube,
    ApiQuery(q): ApiQuery<SecretsQuery>,
) -> ApiResult<Json<SecretList>> {
    let ns = q.namespace.unwrap_or_else(|| "default".into());
    names::label("namespace", "namespace", &ns)?;
    let api: Api<Secret> = Api::namespaced(kube.client.clone(), &ns);
    let list = kube
        .call(
            &format!("secrets of namespace {ns}"),
            api.list(&ListParams::default()),
        )
        .await?;
    let mut items: Vec<SecretItem> = list.items.into_iter().map(secret_item).collect();
    items.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(Json(SecretList { items }))
}

/// A node.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeItem {
    /// Name.
    pub name: String,
    /// `topology.kubernetes.io/zone` (or the legacy `failure-domain.beta.kubernetes.io/zone`).
    pub zone: Option<String>,
    /// `topology.kubernetes.io/region` (or the legacy label).
    pub region: Option<String>,
    /// Condition `Ready` is true.
    pub ready: bool,
    /// Cordoned.
    pub unschedulable: bool,
    /// `InternalIP` address.
    pub internal_ip: Option<String>,
    /// Taints as `key=value:effect`.
    pub taints: Vec<String>,
}

/// Nodes.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeList {
    /// Sorted by name.
    pub items: Vec<NodeItem>,
    /// Distinct zones, sorted.
    pub zones: Vec<String>,
}

/// A node's picker entry (pure).
pub fn node_item(n: Node) -> NodeItem {
    let labels = n.metadata.labels.unwrap_or_default();
    let label = |a: &str, b: &str| labels.get(a).or_else(|| labels.get(b)).cloned();
    let status = n.status.unwrap_or_default();
    let spec = n.spec.unwrap_or_default();
    NodeItem {
        name: n.metadata.name.unwrap_or_default(),
        zone: label(
            "topology.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/zone",
        ),
        region: label(
            "topology.kubernetes.io/region",
            "failure-domain.beta.kubernetes.io/region",
        ),
        ready: status
            .conditions
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True"),
        unschedulable: spec.unschedulable.unwrap_or(false),
        internal_ip: status
            .addresses
            .unwrap_or_default()
            .into_iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address),
        taints: spec
            .taints
            .unwrap_or_default()
            .into_iter()
            .map(|t| match t.value {
                Some(v) => format!("{}={v}:{}", t.key, t.effect),
                None => format!("{}:{}", t.key, t.effect),
            })
            .collect(),
    }
}

/// Kubernetes nodes with zone and region (for rack placement and the node block list).
#[utoipa::path(get, path = "/k8s/nodes", tag = "k8s",
    responses((status = 200, body = NodeList), (status = 404, description = "Kubernetes management is off")))]
async fn k8s_nodes(kube: Kube) -> ApiResult<Json<NodeList>> {
    let api: Api<Node> = Api::all(kube.client.clone());
    let list = kube.call("nodes", api.list(&ListParams::default())).await?;
    let mut items: Vec<NodeItem> = list.items.into_iter().map(node_item).collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    let mut zones: Vec<String> = items.iter().filter_map(|n| n.zone.clone()).collect();
    zones.sort();
    zones.dedup();
    Ok(Json(NodeList { items, zones }))
}

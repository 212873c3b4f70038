//! The resource registry: which kinds the simulator serves, under which group/version/plural,
//! whether they are namespaced and which subresources they have. Built-in kinds are listed
//! here; custom resources are added when a `CustomResourceDefinition` is stored.

use serde_json::Value;

/// Where `/scale` reads and writes replicas of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePaths {
    /// e.g. `.spec.replicas`
    pub spec_replicas: String,
    /// e.g. `.status.replicas`
    pub status_replicas: String,
    /// e.g. `.status.selector` (optional)
    pub label_selector: Option<String>,
}

/// One served resource (one group/version/plural).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// API group ("" for core).
    pub group: String,
    /// Version, e.g. "v1".
    pub version: String,
    /// Kind, e.g. "Pod".
    pub kind: String,
    /// Plural resource name, e.g. "pods".
    pub plural: String,
    /// Singular name, e.g. "pod".
    pub singular: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Has a `/status` subresource (then status is ignored on the main resource).
    pub status: bool,
    /// Has a `/scale` subresource.
    pub scale: Option<ScalePaths>,
    /// Short names for kubectl.
    pub short_names: Vec<String>,
    /// Served from a CRD (custom resource).
    pub custom: bool,
}

impl ResourceType {
    /// `apiVersion` string, e.g. "apps/v1" or "v1".
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group` or `plural` for core (the name used in error messages).
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether a strategic merge patch is accepted (built-in kinds only, like the real server).
    pub fn strategic_merge(&self) -> bool {
        !self.custom
    }
}

#[allow(clippy::too_many_arguments)]
fn rt(
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
    namespaced: bool,
    status: bool,
    scale: bool,
    short: &[&str],
) -> ResourceType {
    ResourceType {
        group: group.into(),
        version: version.into(),
        kind: kind.into(),
        plural: plural.into(),
        singular: kind.to_ascii_lowercase(),
        namespaced,
        status,
        scale: scale.then(|| ScalePaths {
            spec_replicas: ".spec.replicas".into(),
            status_replicas: ".status.replicas".into(),
            label_selector: None,
        }),
        short_names: short.iter().map(|s| s.to_string()).collect(),
        custom: false,
    }
}

/// The built-in kinds (every kind the operator and manager use).
pub fn builtin() -> Vec<ResourceType> {
    vec![
        rt(
            "",
            "v1",
            "Namespace",
            "namespaces",
            false,
            true,
            false,
            &["ns"],
        ),
        rt("", "v1", "Node", "nodes", false, true, false, &["no"]),
        rt("", "v1", "Pod", "pods", true, true, false, &["po"]),
        rt("", "v1", "Service", "services", true, true, false, &["svc"]),
        rt(
            "",
            "v1",
            "Endpoints",
            "endpoints",
            true,
            false,
            false,
            &["ep"],
        ),
        rt(
            "",
            "v1",
            "ConfigMap",
            "configmaps",
            true,
            false,
            false,
            &["cm"],
        ),
        rt("", "v1", "Secret", "secrets", true, false, false, &[]),
        rt(
            "",
            "v1",
            "ServiceAccount",
            "serviceaccounts",
            true,
            false,
            false,
            &["sa"],
        ),
        rt(
            "",
            "v1",
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            true,
            true,
            false,
            &["pvc"],
        ),
        rt(
            "",
            "v1",
            "PersistentVolume",
            "persistentvolumes",
            false,
            true,
            false,
            &["pv"],
        ),
        rt("", "v1", "Event", "events", true, false, false, &["ev"]),
        rt(
            "events.k8s.io",
            "v1",
            "Event",
            "events",
            true,
            false,
            false,
            &["ev"],
        ),
        rt(
            "storage.k8s.io",
            "v1",
            "StorageClass",
            "storageclasses",
            false,
            false,
            false,
            &["sc"],
        ),
        rt(
            "apps",
            "v1",
            "StatefulSet",
            "statefulsets",
            true,
            true,
            true,
            &["sts"],
        ),
        rt(
            "apps",
            "v1",
            "Deployment",
            "deployments",
            true,
            true,
            true,
            &["deploy"],
        ),
        rt(
            "apps",
            "v1",
            "ControllerRevision",
            "controllerrevisions",
            true,
            false,
            false,
            &[],
        ),
        rt(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
            true,
            false,
            &["pdb"],
        ),
        rt(
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
            "networkpolicies",
            true,
            false,
            false,
            &["netpol"],
        ),
        rt(
            "rbac.authorization.k8s.io",
            "v1",
            "Role",
            "roles",
            true,
            false,
            false,
            &[],
        ),
        rt(
            "rbac.authorization.k8s.io",
            "v1",
            "RoleBinding",
            "rolebindings",
            true,
            false,
            false,
            &[],
        ),
        rt(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole",
            "clusterroles",
            false,
            false,
            false,
            &[],
        ),
        rt(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRoleBinding",
            "clusterrolebindings",
            false,
            false,
            false,
            &[],
        ),
        rt(
            "admissionregistration.k8s.io",
            "v1",
            "ValidatingWebhookConfiguration",
            "validatingwebhookconfigurations",
            false,
            false,
            false,
            &[],
        ),
        rt(
            "coordination.k8s.io",
            "v1",
            "Lease",
            "leases",
            true,
            false,
            false,
            &[],
        ),
        rt(
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            true,
            true,
            false,
            &["hpa"],
        ),
        rt(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            false,
            true,
            false,
            &["crd", "crds"],
        ),
    ]
}

/// The served resources of one CRD (one per served version).
pub fn from_crd(crd: &Value) -> Vec<ResourceType> {
    let spec = &crd["spec"];
    let group = spec["group"].as_str().unwrap_or_default();
    let names = &spec["names"];
    let kind = names["kind"].as_str().unwrap_or_default();
    let plural = names["plural"].as_str().unwrap_or_default();
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return Vec::new();
    }
    let singular = names["singular"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let short_names = names["shortNames"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let namespaced = spec["scope"].as_str() != Some("Cluster");
    let mut out = Vec::new();
    for v in spec["versions"].as_array().into_iter().flatten() {
        if v["served"].as_bool() == Some(false) {
            continue;
        }
        let Some(version) = v["name"].as_str() else {
            continue;
        };
        let sub = &v["subresources"];
        let scale = sub
            .get("scale")
            .filter(|s| s.is_object())
            .map(|s| ScalePaths {
                spec_replicas: s["specReplicasPath"]
                    .as_str()
                    .unwrap_or(".spec.replicas")
                    .into(),
                status_replicas: s["statusReplicasPath"]
                    .as_str()
                    .unwrap_or(".status.replicas")
                    .into(),
                label_selector: s["labelSelectorPath"].as_str().map(String::from),
            });
        out.push(ResourceType {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: singular.clone(),
            namespaced,
            status: sub.get("status").is_some_and(|s| s.is_object()),
            scale,
            short_names: Vec::clone(&short_names),
            custom: true,
        });
    }
    out
}

/// The `openAPIV3Schema` of one version of a CRD, if any.
pub fn crd_schema<'a>(crd: &'a Value, version: &str) -> Option<&'a Value> {
    crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["name"].as_str() == Some(version))?
        .get("schema")?
        .get("openAPIV3Schema")
}

/// Read a dotted JSON path like `.spec.replicas`.
pub fn get_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = obj;
    for part in path
        .trim_start_matches('.')
        .split('.')
        .filter(|p| !p.is_empty())
    {
        cur = cur.get(part)?;
    }
    Some(cur)
}

/// Write a dotted JSON path like `.spec.replicas`, creating maps on the way.
pub fn set_path(obj: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path
        .trim_start_matches('.')
        .split('.')
        .filter(|p| !p.is_empty())
        .collect();
    let mut cur = obj;
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let map = cur.as_object_mut().expect("made an object above");
        if i + 1 == parts.len() {
            map.insert(part.to_string(), value);
            return;
        }
        cur = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

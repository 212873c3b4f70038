//! `acko install`: server-side apply of the manifests with the field manager `acko-install`.
//! CRDs go first and must become `Established` before anything else is applied; the rest
//! follows in manifest order (the Namespace before the objects in it). Every object is reported
//! as `created`, `configured` or `unchanged` (the resourceVersion did not move), so a second
//! run on an unchanged installation prints `unchanged` everywhere and writes nothing.

use std::collections::HashMap;
use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{Scope, pinned_kind};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Client, ResourceExt};
use serde_json::Value;

use super::manifests::{is_crd, label};
use crate::kube_access::describe;

/// Field manager of every apply made by `acko install`.
pub const FIELD_MANAGER: &str = "acko-install";

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did not exist.
    Created,
    /// It existed and changed.
    Configured,
    /// It existed and the apply changed nothing.
    Unchanged,
}

impl Outcome {
    /// The word printed after the object.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Configured => "configured",
            Outcome::Unchanged => "unchanged",
        }
    }
}

/// Knobs of an install.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Take over fields another field manager owns with a different value.
    pub force_conflicts: bool,
    /// Bound of the wait for the CRDs to be Established.
    pub timeout: Duration,
}

/// Resolves the API of manifests through discovery (cached per apiVersion/kind).
#[derive(Default)]
pub struct Resolver {
    cache: HashMap<(String, String), (ApiResource, bool)>,
}

impl Resolver {
    /// The API of `d` (namespaced in its `metadata.namespace` when the kind is namespaced).
    pub async fn api(&mut self, client: &Client, d: &Value) -> Result<Api<DynamicObject>, String> {
        let api_version = d["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = d["kind"].as_str().unwrap_or_default().to_owned();
        let key = (api_version.clone(), kind.clone());
        if !self.cache.contains_key(&key) {
            let (group, version) = match api_version.split_once('/') {
                Some((g, v)) => (g, v),
                None => ("", api_version.as_str()),
            };
            let gvk = GroupVersionKind::gvk(group, version, &kind);
            let (ar, caps) = pinned_kind(client, &gvk).await.map_err(|e| {
                format!(
                    "the API server does not serve {kind} ({api_version}): {e}; is this a Kubernetes 1.25+ cluster?"
                )
            })?;
            self.cache
                .insert(key.clone(), (ar, matches!(caps.scope, Scope::Namespaced)));
        }
        let (ar, namespaced) = &self.cache[&key];
        Ok(match (namespaced, d["metadata"]["namespace"].as_str()) {
            (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, ar),
            (true, None) => Api::default_namespaced_with(client.clone(), ar),
            (false, _) => Api::all_with(client.clone(), ar),
        })
    }
}

/// Applies one manifest and says what changed.
pub async fn apply_one(
    client: &Client,
    resolver: &mut Resolver,
    d: &Value,
    force: bool,
) -> Result<Outcome, String> {
    let what = label(d);
    let name = d["metadata"]["name"]
        .as_str()
        .ok_or_else(|| format!("{what}: manifest without metadata.name"))?;
    let api = resolver.api(client, d).await?;
    let before = api
        .get_opt(name)
        .await
        .map_err(|e| describe(&what, &e))?
        .and_then(|o| o.resource_version());
    let mut params = PatchParams::apply(FIELD_MANAGER);
    if force {
        params = params.force();
    }
    let after = api
        .patch(name, &params, &Patch::Apply(d))
        .await
        .map_err(|e| match &e {
            kube::Error::Api(s) if s.code == 409 => format!(
                "{what}: {}\n  another field manager (kubectl, Helm, a controller) set these fields to other values; \
                 re-run with --force-conflicts to take them over",
                s.message
            ),
            _ => describe(&what, &e),
        })?;
    Ok(match before {
        None => Outcome::Created,
        Some(rv) if Some(&rv) == after.resource_version().as_ref() => Outcome::Unchanged,
        Some(_) => Outcome::Configured,
    })
}

/// Waits until the CRD `name` is `Established`.
pub async fn wait_established(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> Result<(), String> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    match tokio::time::timeout(
        timeout,
        await_condition(api.clone(), name, conditions::is_crd_established()),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!(
            "customresourcedefinition/{name}: waiting for Established failed: {e}"
        )),
        Err(_) => {
            let conds = api
                .get_opt(name)
                .await
                .ok()
                .flatten()
                .and_then(|c| c.status)
                .and_then(|s| s.conditions)
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    format!(
                        "{}={} ({})",
                        c.type_,
                        c.status,
                        c.message.unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>();
            Err(format!(
                "customresourcedefinition/{name} is not Established after {}s (conditions: {}); \
                 check the API server's logs, or raise --timeout",
                timeout.as_secs(),
                if conds.is_empty() {
                    "none".into()
                } else {
                    conds.join(", ")
                }
            ))
        }
    }
}

/// Applies every manifest: CRDs, wait for Established, then the rest. Prints one line per
/// object (`kind/name outcome`) and returns the outcomes in order.
pub async fn install(
    client: &Client,
    docs: &[Value],
    options: &ApplyOptions,
) -> Result<Vec<(String, Outcome)>, String> {
    let mut resolver = Resolver::default();
    let mut done = Vec::new();
    let (crds, rest): (Vec<&Value>, Vec<&Value>) = docs.iter().partition(|d| is_crd(d));
    for d in &crds {
        let outcome = apply_one(client, &mut resolver, d, options.force_conflicts).await?;
        say!("{} {}", label(d), outcome.word());
        done.push((label(d), outcome));
    }
    for d in &crds {
        let name = d["metadata"]["name"].as_str().unwrap_or_default();
        wait_established(client, name, options.timeout).await?;
        say!("customresourcedefinition/{name} established");
    }
    for d in rest {
        let outcome = apply_one(client, &mut resolver, d, options.force_conflicts).await?;
        say!("{} {}", label(d), outcome.word());
        done.push((label(d), outcome));
    }
    Ok(done)
}

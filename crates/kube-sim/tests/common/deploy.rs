//! Deploy an AerospikeCluster as the operator would: create the resource, render its objects
//! with acko-render and server-side apply them (through discovery).

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::discovery::Discovery;
use serde_json::{Value, json};

/// Server-side apply one object (any kind known to discovery).
pub async fn apply(client: &kube::Client, discovery: &Discovery, obj: Value) -> DynamicObject {
    let gvk = kube::core::GroupVersionKind::try_from(
        &serde_json::from_value::<kube::core::TypeMeta>(obj.clone()).unwrap(),
    )
    .unwrap();
    let (ar, caps) = discovery
        .resolve_gvk(&gvk)
        .unwrap_or_else(|| panic!("{gvk:?} discovered"));
    let name = obj["metadata"]["name"].as_str().unwrap().to_string();
    let api: Api<DynamicObject> = if caps.scope == kube::discovery::Scope::Namespaced {
        let ns = obj["metadata"]["namespace"].as_str().expect("namespaced");
        Api::namespaced_with(client.clone(), ns, &ar)
    } else {
        Api::all_with(client.clone(), &ar)
    };
    api.patch(
        &name,
        &PatchParams::apply("acko-test").force(),
        &Patch::Apply(&obj),
    )
    .await
    .unwrap_or_else(|e| panic!("apply {name}: {e}"))
}

/// Create the namespace and the cluster of `yaml`, render its objects and apply them.
pub async fn deploy(client: &kube::Client, yaml: &str) {
    let raw: Value = serde_saphyr::from_str(yaml).unwrap();
    let ns = raw["metadata"]["namespace"].as_str().unwrap().to_string();
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let _ = nss
        .create(
            &Default::default(),
            &serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap(),
        )
        .await;
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    let created = apply(client, &discovery, raw).await;
    let cluster: acko_api::AerospikeCluster =
        serde_json::from_value(serde_json::to_value(&created).unwrap()).unwrap();
    let validated =
        acko_api::validation::ValidatedCluster::new(&cluster).expect("the cluster validates");
    let objects = acko_render::render_validated(&validated, &Default::default()).unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    for mut o in objects.to_list() {
        // the operator fills the owner uid (acko-render leaves it empty by design)
        for r in o["metadata"]["ownerReferences"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            r["uid"] = json!(uid);
        }
        apply(client, &discovery, o).await;
    }
}

//! OpenAPI v3 documents, as much as kubectl needs: `/openapi/v3` lists every served
//! group-version, `/openapi/v3/<api/v1 | apis/g/v>` describes each resource's paths with the
//! `x-kubernetes-group-version-kind` of its operations and their query parameters. kubectl reads
//! them to learn that the server validates fields itself (`fieldValidation`), so `kubectl apply`
//! works with validation on. Schemas of the kinds are not included (`kubectl explain` has none).

use serde_json::{Map, Value, json};

use crate::kinds::ResourceType;

fn gv_key(t: &ResourceType) -> String {
    if t.group.is_empty() {
        format!("api/{}", t.version)
    } else {
        format!("apis/{}/{}", t.group, t.version)
    }
}

fn hash(s: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(s.as_bytes());
    d.iter().take(16).map(|b| format!("{b:02X}")).collect()
}

/// `/openapi/v3`: the group-versions and where their documents are.
pub fn index(types: &[ResourceType]) -> Value {
    let mut paths = Map::new();
    for t in types {
        let key = gv_key(t);
        if !paths.contains_key(&key) {
            let doc = document(types, &key)
                .map(|d| d.to_string())
                .unwrap_or_default();
            paths.insert(
                key.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={}", hash(&doc))}),
            );
        }
    }
    json!({"paths": paths})
}

fn params(names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": true}}))
            .collect(),
    )
}

/// The document of one group-version (`api/v1`, `apis/apps/v1`), None when not served.
pub fn document(types: &[ResourceType], key: &str) -> Option<Value> {
    let mut paths = Map::new();
    let write = ["dryRun", "fieldManager", "fieldValidation", "pretty"];
    let patch = [
        "dryRun",
        "fieldManager",
        "fieldValidation",
        "force",
        "pretty",
    ];
    for t in types.iter().filter(|t| gv_key(t) == key) {
        let gvk = json!({"group": t.group, "version": t.version, "kind": t.kind});
        let base = format!("/{key}");
        let collection = if t.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}", t.plural)
        } else {
            format!("{base}/{}", t.plural)
        };
        let op = |action: &str, p: &[&str]| {
            json!({"x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk,
                "parameters": params(p), "responses": {"200": {"description": "OK"}}})
        };
        paths.insert(
            collection.clone(),
            json!({"get": op("list", &["limit", "continue", "labelSelector", "fieldSelector", "resourceVersion", "watch"]),
                "post": op("post", &write)}),
        );
        let mut item = json!({"get": op("get", &["pretty"]), "put": op("put", &write),
            "patch": op("patch", &patch), "delete": op("delete", &["dryRun", "gracePeriodSeconds", "propagationPolicy"])});
        item["parameters"] =
            json!([{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}]);
        paths.insert(format!("{collection}/{{name}}"), item);
        if t.status {
            paths.insert(
                format!("{collection}/{{name}}/status"),
                json!({"get": op("get", &["pretty"]), "put": op("put", &write), "patch": op("patch", &patch)}),
            );
        }
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (kube-sim)", "version": "v1.33.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_version_has_a_document_with_patch_field_validation() {
        let types = crate::kinds::builtin();
        let idx = index(&types);
        let url = idx["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        assert!(url.starts_with("/openapi/v3/apis/apps/v1?hash="), "{url}");
        let doc = document(&types, "apis/apps/v1").unwrap();
        let p = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert_eq!(p["x-kubernetes-group-version-kind"]["kind"], "StatefulSet");
        assert!(
            p["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "fieldValidation")
        );
        assert!(document(&types, "apis/nope/v1").is_none());
    }
}

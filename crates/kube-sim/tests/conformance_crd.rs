//! Custom-resource conformance: CEL rules (`x-kubernetes-validations`) and list paging, with
//! the exact error bodies a real apiserver returns. Runs on the simulator, or on a real cluster
//! (or the CRD-only apiserver of ../shared/tools/crd-apiserver) when KUBECONFIG is set;
//! `scripts/sim-conformance.sh` runs it on both.

mod common;

use common::{namespace_for_crs as namespace, target, wait};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

const CRD: &str = "gadgets.conformance.kube-sim.dev";

fn gadget_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": CRD},
        "spec": {
            "group": "conformance.kube-sim.dev", "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "required": ["mode"],
                        "x-kubernetes-validations": [
                            {"rule": "self.size <= 8", "message": "size must be at most 8", "fieldPath": ".size"},
                            {"rule": "self.mode == oldSelf.mode", "message": "mode is immutable"},
                            {"rule": "!has(self.tags) || size(self.tags) <= 2",
                             "messageExpression": "'at most 2 tags in mode ' + self.mode"},
                            {"rule": "self.size != 5", "message": "5 is reserved", "reason": "FieldValueForbidden"},
                        ],
                        "properties": {
                            "size": {"type": "integer"},
                            "level": {"type": "integer", "minimum": 1, "maximum": 5},
                            "flavor": {"type": "string", "enum": ["sweet", "sour"]},
                            "code": {"type": "string", "minLength": 2, "maxLength": 4},
                            "parts": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "maxLength": 5}},
                            "mode": {"type": "string", "maxLength": 20},
                            "tags": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 20}},
                            "name": {"type": "string", "maxLength": 20, "x-kubernetes-validations": [
                                {"rule": "self.startsWith('g-')", "message": "must start with g-"}]},
                        }},
                    "status": {"type": "object", "properties": {"phase": {"type": "string"}}},
                }}},
            }],
        },
    })
}

async fn gadgets(client: &kube::Client, ns: &str) -> Api<DynamicObject> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(gadget_crd()).unwrap();
    crds.patch(
        CRD,
        &PatchParams::apply("conformance").force(),
        &Patch::Apply(&crd),
    )
    .await
    .unwrap();
    wait(&crds, CRD, |c| {
        c.and_then(|c| c.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
            })
    })
    .await;
    let ar = ApiResource {
        group: "conformance.kube-sim.dev".into(),
        version: "v1".into(),
        api_version: "conformance.kube-sim.dev/v1".into(),
        kind: "Gadget".into(),
        plural: "gadgets".into(),
    };
    Api::namespaced_with(client.clone(), ns, &ar)
}

fn gadget(name: &str, spec: Value) -> DynamicObject {
    serde_json::from_value(
        json!({"apiVersion": "conformance.kube-sim.dev/v1", "kind": "Gadget",
        "metadata": {"name": name}, "spec": spec}),
    )
    .unwrap()
}

/// (message, [(reason, field, message)]) of a 422.
fn invalid(err: kube::Error) -> (String, Vec<(String, String, String)>) {
    let kube::Error::Api(s) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"), "{s:?}");
    let details = s.details.clone().expect("details");
    assert_eq!(details.kind, "Gadget");
    let mut causes: Vec<(String, String, String)> = details
        .causes
        .iter()
        .map(|c| (c.reason.clone(), c.field.clone(), c.message.clone()))
        .collect();
    causes.sort();
    (s.message, causes)
}

fn cause(reason: &str, field: &str, message: &str) -> (String, String, String) {
    (reason.into(), field.into(), message.into())
}

#[tokio::test]
async fn cel_rules_reject_with_the_rule_message_and_field_path() {
    let t = target().await;
    let ns = namespace(&t.client, "cel").await;
    let api = gadgets(&t.client, &ns).await;

    let err = api
        .create(
            &PostParams::default(),
            &gadget(
                "g",
                json!({"size": 9, "mode": "a", "tags": ["x", "y", "z"], "name": "h"}),
            ),
        )
        .await
        .unwrap_err();
    let (message, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![
            cause(
                "FieldValueInvalid",
                "spec",
                "Invalid value: at most 2 tags in mode a"
            ),
            cause(
                "FieldValueInvalid",
                "spec.name",
                "Invalid value: \"h\": must start with g-"
            ),
            cause(
                "FieldValueInvalid",
                "spec.size",
                "Invalid value: size must be at most 8"
            ),
        ]
    );
    assert!(
        message.starts_with("Gadget.conformance.kube-sim.dev \"g\" is invalid: ["),
        "{message}"
    );

    let err = api
        .create(
            &PostParams::default(),
            &gadget("g", json!({"size": 5, "mode": "a"})),
        )
        .await
        .unwrap_err();
    let (message, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![cause(
            "FieldValueForbidden",
            "spec",
            "Forbidden: 5 is reserved"
        )]
    );
    assert_eq!(
        message,
        "Gadget.conformance.kube-sim.dev \"g\" is invalid: spec: Forbidden: 5 is reserved"
    );

    // transition rules run on updates only: creating with any mode is fine
    api.create(
        &PostParams::default(),
        &gadget("g", json!({"size": 1, "mode": "a", "name": "g-1"})),
    )
    .await
    .unwrap();
    let err = api
        .patch(
            "g",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"mode": "b"}})),
        )
        .await
        .unwrap_err();
    let (_, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![cause(
            "FieldValueInvalid",
            "spec",
            "Invalid value: mode is immutable"
        )]
    );
    // a valid update passes every rule
    let g = api
        .patch(
            "g",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"size": 2}})),
        )
        .await
        .unwrap();
    assert_eq!(g.data["spec"]["size"], 2);

    // a type error stops the rules from running, like the apiserver
    let err = api
        .create(
            &PostParams::default(),
            &gadget("t", json!({"size": "big", "mode": "a"})),
        )
        .await
        .unwrap_err();
    let (message, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![
            cause(
                "FieldValueInvalid",
                "<nil>",
                "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"
            ),
            cause(
                "FieldValueTypeInvalid",
                "spec.size",
                "Invalid value: \"string\": spec.size in body must be of type integer: \"string\""
            ),
        ],
        "{message}"
    );

    // every schema check at once (no type error: the rules run too)
    let err = api
        .create(
            &PostParams::default(),
            &gadget("s", json!({"size": 9, "level": 7, "flavor": "bitter", "code": "toolong", "parts": ["a", "b", "c"]})),
        )
        .await
        .unwrap_err();
    let (message, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![
            cause(
                "FieldValueInvalid",
                "<nil>",
                "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"
            ),
            cause(
                "FieldValueInvalid",
                "spec.level",
                "Invalid value: 7: spec.level in body should be less than or equal to 5"
            ),
            cause(
                "FieldValueNotSupported",
                "spec.flavor",
                "Unsupported value: \"bitter\": supported values: \"sweet\", \"sour\""
            ),
            cause("FieldValueRequired", "spec.mode", "Required value"),
            cause(
                "FieldValueTooLong",
                "spec.code",
                "Too long: may not be more than 4 bytes"
            ),
            cause(
                "FieldValueTooMany",
                "spec.parts",
                "Too many: 3: must have at most 2 items"
            ),
        ],
        "{message}"
    );
    let err = api
        .create(
            &PostParams::default(),
            &gadget(
                "s",
                json!({"mode": "a", "size": 9, "level": 0, "code": "x", "parts": []}),
            ),
        )
        .await
        .unwrap_err();
    let (message, causes) = invalid(err);
    assert_eq!(
        causes,
        vec![
            cause(
                "FieldValueInvalid",
                "spec.code",
                "Invalid value: \"x\": spec.code in body should be at least 2 chars long"
            ),
            cause(
                "FieldValueInvalid",
                "spec.level",
                "Invalid value: 0: spec.level in body should be greater than or equal to 1"
            ),
            cause(
                "FieldValueInvalid",
                "spec.parts",
                "Invalid value: 0: spec.parts in body should have at least 1 items"
            ),
            cause(
                "FieldValueInvalid",
                "spec.size",
                "Invalid value: size must be at most 8"
            ),
        ],
        "{message}"
    );
}

#[tokio::test]
async fn lists_page_with_limit_and_continue() {
    let t = target().await;
    let ns = namespace(&t.client, "page").await;
    let api = gadgets(&t.client, &ns).await;
    for i in 0..5 {
        api.create(
            &PostParams::default(),
            &gadget(&format!("p{i}"), json!({"size": 1, "mode": "a"})),
        )
        .await
        .unwrap();
    }
    let first = api.list(&ListParams::default().limit(2)).await.unwrap();
    let names = |l: &kube::core::ObjectList<DynamicObject>| -> Vec<String> {
        l.items
            .iter()
            .filter_map(|o| o.metadata.name.clone())
            .collect()
    };
    assert_eq!(names(&first), ["p0", "p1"]);
    let token = first.metadata.continue_.clone().expect("a continue token");
    assert_eq!(first.metadata.remaining_item_count, Some(3));
    // changes after the first page do not show in later pages (a consistent snapshot)
    api.create(
        &PostParams::default(),
        &gadget("p2a", json!({"size": 1, "mode": "a"})),
    )
    .await
    .unwrap();
    let second = api
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(names(&second), ["p2", "p3"]);
    assert_eq!(
        second.metadata.resource_version, first.metadata.resource_version,
        "every page is served at the first page's resourceVersion"
    );
    let third = api
        .list(
            &ListParams::default()
                .limit(2)
                .continue_token(second.metadata.continue_.as_deref().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(names(&third), ["p4"]);
    assert!(third.metadata.continue_.as_deref().unwrap_or("").is_empty());
    assert_eq!(third.metadata.remaining_item_count, None);
    // a whole list sees the new object
    let all = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 6);
    assert!(all.metadata.continue_.as_deref().unwrap_or("").is_empty());

    // a garbage token is a 400
    let err = api
        .list(&ListParams::default().limit(2).continue_token("garbage"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 400),
        "{err:?}"
    );
}

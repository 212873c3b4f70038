//! The generated CRDs: names, scope, subresources, printer columns, CEL rules (run client-side
//! with kube's `cel` feature), and a snapshot of the full YAML.

use std::sync::LazyLock;

use acko_api::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use acko_api::{AerospikeCluster, crd_files, crds, crds_yaml};
use kube::core::cel::{CompiledSchema, ValidationErrors, Validator, compile_schema};
use serde_json::json;

/// The CRDs as shipped (`crds()`), generated once per test binary: generating them from the
/// types takes about half a second in a debug build.
static CRDS: LazyLock<Vec<CustomResourceDefinition>> = LazyLock::new(crds);

fn crd(kind: &str) -> &'static CustomResourceDefinition {
    CRDS.iter()
        .find(|c| c.spec.names.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} CRD"))
}

/// The CEL rules of the shipped `AerospikeCluster` CRD, compiled once per test binary (kube's
/// `validate_cel` regenerates the CRD and recompiles every rule on each call).
struct Cel {
    validator: Validator,
    cluster: CompiledSchema,
}

static CEL: LazyLock<Cel> = LazyLock::new(|| {
    let crd = crd("AerospikeCluster");
    let schema = crd.spec.versions[0]
        .schema
        .as_ref()
        .and_then(|s| s.open_api_v3_schema.as_ref())
        .expect("an openAPIV3Schema");
    let schema = serde_json::to_value(schema).expect("schema serializes");
    Cel {
        validator: Validator::new(),
        cluster: compile_schema(&schema),
    }
});

/// Creation rules, like an apiserver admitting `c`.
fn validate_cel(c: &AerospikeCluster) -> Result<(), ValidationErrors> {
    let object = serde_json::to_value(c).expect("cluster serializes");
    CEL.validator.validate_compiled(&CEL.cluster, &object, None)
}

/// Creation and transition rules, like an apiserver admitting an update from `old` to `new`.
fn validate_cel_update(
    new: &AerospikeCluster,
    old: &AerospikeCluster,
) -> Result<(), ValidationErrors> {
    let object = serde_json::to_value(new).expect("cluster serializes");
    let old = serde_json::to_value(old).expect("cluster serializes");
    CEL.validator
        .validate_compiled(&CEL.cluster, &object, Some(&old))
}

/// Every rule that failed to compile, anywhere in the schema tree.
fn compilation_errors(s: &CompiledSchema, path: &str, out: &mut Vec<String>) {
    for e in s.compilation_errors() {
        out.push(format!("{path}: {e}"));
    }
    for (name, child) in &s.properties {
        compilation_errors(child, &format!("{path}.{name}"), out);
    }
    let nested = s
        .items
        .iter()
        .chain(&s.additional_properties)
        .map(|b| &**b)
        .chain(&s.all_of)
        .chain(&s.one_of)
        .chain(&s.any_of);
    for child in nested {
        compilation_errors(child, &format!("{path}[]"), out);
    }
}

#[test]
fn cel_rules_compile() {
    let mut errors = Vec::new();
    compilation_errors(&CEL.cluster, "", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    let spec_rules = CEL
        .cluster
        .properties
        .get("spec")
        .map(|s| s.validations.len());
    assert!(
        spec_rules.is_some_and(|n| n >= 7),
        "spec-level rules missing: {spec_rules:?}"
    );
}

#[test]
fn names_scope_and_short_names() {
    let c = crd("AerospikeCluster");
    assert_eq!(
        c.metadata.name.as_deref(),
        Some("aerospikeclusters.acko.io")
    );
    assert_eq!(c.spec.scope, "Namespaced");
    assert_eq!(c.spec.names.short_names, Some(vec!["asc".to_string()]));
    let t = crd("AerospikeClusterTemplate");
    assert_eq!(
        t.metadata.name.as_deref(),
        Some("aerospikeclustertemplates.acko.io")
    );
    assert_eq!(t.spec.scope, "Cluster");
    assert_eq!(t.spec.names.short_names, Some(vec!["asct".to_string()]));
    assert_eq!(CRDS.len(), 2);
    for crd in CRDS.iter() {
        assert_eq!(crd.spec.group, "acko.io");
        assert_eq!(crd.spec.versions[0].name, "v1alpha1");
    }
}

#[test]
fn crds_fit_client_side_apply() {
    for crd in CRDS.iter() {
        let json = serde_json::to_string(crd).unwrap();
        assert!(
            json.len() < 200_000,
            "{:?} is {} bytes of JSON",
            crd.metadata.name,
            json.len()
        );
    }
    // Our own field docs stay.
    let yaml = crds_yaml().unwrap();
    assert!(yaml.contains("Number of Aerospike nodes, 1-8"));
    assert!(yaml.contains("Extra containers running beside Aerospike."));
}

#[test]
fn scale_subresource_and_printer_columns() {
    let c = crd("AerospikeCluster");
    let v = &c.spec.versions[0];
    let sub = v.subresources.as_ref().unwrap();
    assert!(sub.status.is_some());
    let scale = sub.scale.as_ref().unwrap();
    assert_eq!(scale.spec_replicas_path, ".spec.size");
    assert_eq!(scale.status_replicas_path, ".status.size");
    assert_eq!(
        scale.label_selector_path.as_deref(),
        Some(".status.selector")
    );
    let cols: Vec<(String, String, i32)> = v
        .additional_printer_columns
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), c.json_path.clone(), c.priority.unwrap_or(0)))
        .collect();
    let expect = [
        ("Size", ".spec.size", 0),
        ("Ready", ".status.health", 0),
        ("Phase", ".status.phase", 0),
        ("Seed", ".status.seedsEndpoint", 0),
        ("Age", ".metadata.creationTimestamp", 0),
        ("Image", ".spec.image", 1),
        ("Endpoints", ".status.endpoints", 1),
        ("ObservedGen", ".status.observedGeneration", 1),
        ("Reason", ".status.phaseReason", 1),
    ];
    let expect: Vec<(String, String, i32)> = expect
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(cols, expect);
}

#[test]
fn free_form_fields_preserve_unknown_fields() {
    let schema = serde_json::to_value(crd("AerospikeCluster")).unwrap();
    let spec = &schema["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    assert_eq!(
        spec["aerospikeConfig"]["x-kubernetes-preserve-unknown-fields"],
        true
    );
    assert_eq!(spec["aerospikeConfig"]["type"], "object");
    assert_eq!(
        spec["rackConfig"]["properties"]["racks"]["items"]["properties"]["aerospikeConfig"]["x-kubernetes-preserve-unknown-fields"],
        true
    );
    assert_eq!(spec["size"]["maximum"], 8.0);
    assert_eq!(spec["maxUnavailable"]["x-kubernetes-int-or-string"], true);
    // Embedded Kubernetes types carry the real schema.
    assert!(spec["podSpec"]["properties"]["affinity"]["properties"]["nodeAffinity"].is_object());
    assert!(spec["podSpec"]["properties"]["sidecars"]["items"]["properties"]["image"].is_object());
    let status = &schema["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"]
        ["properties"];
    assert_eq!(
        status["appliedSpec"]["x-kubernetes-preserve-unknown-fields"],
        true
    );
    let phases = status["phase"]["enum"].as_array().unwrap();
    for phase in [
        "InProgress",
        "Completed",
        "Error",
        "ScalingUp",
        "ScalingDown",
        "WaitingForMigration",
        "RollingRestart",
        "ACLSync",
        "Paused",
        "Deleting",
        "ConfigDegraded",
        "BackoffActive",
    ] {
        assert!(phases.contains(&json!(phase)), "{phase}");
    }
}

fn cluster(spec: serde_json::Value) -> AerospikeCluster {
    serde_json::from_value(json!({
        "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
        "metadata": {"name": "demo", "namespace": "db"}, "spec": spec
    }))
    .unwrap()
}

fn cel_messages(c: &AerospikeCluster) -> String {
    match validate_cel(c) {
        Ok(()) => String::new(),
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn cel_size_at_most_8_cannot_be_bypassed() {
    let ok = cluster(json!({"size": 8, "image": "aerospike:ce-8.1.1.1"}));
    assert!(validate_cel(&ok).is_ok(), "{}", cel_messages(&ok));
    // What `kubectl scale --replicas=9` would write through the scale subresource.
    let scaled = cluster(json!({"size": 9, "image": "aerospike:ce-8.1.1.1"}));
    assert!(
        cel_messages(&scaled).contains("at most 8"),
        "{}",
        cel_messages(&scaled)
    );
    let zero = cluster(json!({"size": 0, "image": "aerospike:ce-8.1.1.1"}));
    assert!(
        cel_messages(&zero).contains("at least 1"),
        "{}",
        cel_messages(&zero)
    );
}

#[test]
fn cel_size_and_image_required_without_template() {
    let missing = cluster(json!({}));
    let m = cel_messages(&missing);
    assert!(
        m.contains("size is required") && m.contains("image is required"),
        "{m}"
    );
    let from_template = cluster(json!({"templateRef": {"name": "t"}}));
    assert!(
        validate_cel(&from_template).is_ok(),
        "{}",
        cel_messages(&from_template)
    );
}

#[test]
fn cel_overrides_require_template() {
    let bad =
        cluster(json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "overrides": {"size": 4}}));
    assert!(cel_messages(&bad).contains("overrides requires templateRef"));
    let ok = cluster(json!({"templateRef": {"name": "t"}, "overrides": {"size": 4}}));
    assert!(validate_cel(&ok).is_ok(), "{}", cel_messages(&ok));
}

#[test]
fn cel_configured_ip_requires_names() {
    let bad = cluster(
        json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": "configuredIP"}}),
    );
    assert!(
        cel_messages(&bad).contains("customFabricNetworkNames"),
        "{}",
        cel_messages(&bad)
    );
    let ok = cluster(
        json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": "configuredIP", "customFabricNetworkNames": ["n"]}}),
    );
    assert!(validate_cel(&ok).is_ok(), "{}", cel_messages(&ok));
}

#[test]
fn cel_host_fabric_requires_host_network() {
    for ty in ["hostInternal", "hostExternal"] {
        let bad = cluster(
            json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": ty}}),
        );
        assert!(
            cel_messages(&bad).contains("requires podSpec.hostNetwork"),
            "{ty}: {}",
            cel_messages(&bad)
        );
        let off = cluster(
            json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": ty}, "podSpec": {"hostNetwork": false}}),
        );
        assert!(validate_cel(&off).is_err(), "{ty}");
        let ok = cluster(
            json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": ty}, "podSpec": {"hostNetwork": true}}),
        );
        assert!(validate_cel(&ok).is_ok(), "{ty}: {}", cel_messages(&ok));
    }
    for ty in ["pod", "configuredIP"] {
        let ok = cluster(
            json!({"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeNetworkPolicy": {"fabricType": ty, "customFabricNetworkNames": ["n"]}}),
        );
        assert!(validate_cel(&ok).is_ok(), "{ty}: {}", cel_messages(&ok));
    }
}

#[test]
fn cel_template_ref_is_immutable() {
    let a = cluster(json!({"templateRef": {"name": "a"}}));
    let b = cluster(json!({"templateRef": {"name": "b"}}));
    let none = cluster(json!({"size": 3, "image": "aerospike:ce-8.1.1.1"}));
    assert!(validate_cel_update(&a, &a).is_ok());
    assert!(validate_cel_update(&b, &a).is_err());
    assert!(validate_cel_update(&none, &a).is_err());
    assert!(validate_cel_update(&a, &none).is_err());
    let mut resized = none.clone();
    resized.spec.size = Some(4);
    assert!(validate_cel_update(&resized, &none).is_ok());
}

/// `deploy/crds/` must match the types. `ACKO_UPDATE_CRDS=1 cargo test -p acko-api --test crd`
/// (or `acko crd --output-dir deploy/crds`) rewrites the files.
#[test]
fn committed_crds_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/crds");
    let update = std::env::var_os("ACKO_UPDATE_CRDS").is_some();
    for (name, yaml) in crd_files().unwrap() {
        let path = dir.join(&name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &yaml).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == yaml,
            "{} is out of date: run `acko crd --output-dir deploy/crds` (or ACKO_UPDATE_CRDS=1 cargo test -p acko-api --test crd)",
            path.display()
        );
    }
    let all = crds_yaml().unwrap();
    assert!(all.starts_with("---\n") && all.matches("\n---\n").count() == 1);
}

#[test]
fn cel_rejects_enterprise_images() {
    for image in [
        "aerospike:ee-8.1.1.1",
        "aerospike/aerospike-server-enterprise:8.1.0.0",
        "reg:5000/aerospike:EE-8.1.1.1",
        "aerospike:ent-8.1.1.1@sha256:abcd",
    ] {
        let bad = cluster(json!({"size": 1, "image": image}));
        assert!(
            cel_messages(&bad).contains("Enterprise Edition"),
            "{image}: {}",
            cel_messages(&bad)
        );
    }
    for image in [
        "aerospike:ce-8.1.1.1",
        "reg:5000/team-ee/aerospike:ce-8.1.1.1",
    ] {
        let ok = cluster(json!({"size": 1, "image": image}));
        assert!(validate_cel(&ok).is_ok(), "{image}: {}", cel_messages(&ok));
    }
}

#[test]
fn cel_checks_load_balancer_source_ranges_and_the_schema_lists_traffic_policies() {
    let lb = |ranges: serde_json::Value| {
        cluster(json!({"size": 1, "image": "aerospike:ce-8.1.1.1",
            "seedsFinderServices": {"loadBalancer": {"loadBalancerSourceRanges": ranges}}}))
    };
    let ok = lb(json!(["10.0.0.0/8", "2001:db8::/32"]));
    assert!(validate_cel(&ok).is_ok(), "{}", cel_messages(&ok));
    for bad in ["192.168.1.10", "not-a-cidr"] {
        let c = lb(json!(["10.0.0.0/8", bad]));
        assert!(
            cel_messages(&c).contains("CIDR"),
            "{bad}: {}",
            cel_messages(&c)
        );
    }
    let yaml = serde_saphyr::to_string(crd("AerospikeCluster")).unwrap();
    let at = yaml.find("externalTrafficPolicy:").unwrap();
    let field = &yaml[at..at + 400];
    assert!(
        field.contains("enum:") && field.contains("- Cluster") && field.contains("- Local"),
        "{field}"
    );
}

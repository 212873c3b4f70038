//! Template merge precedence: cluster fields > overrides > template > defaults.

mod common;

use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use acko_render::template_merge::{TEMPLATE_VOLUME_NAME, TemplateError, merge_template};

const TEMPLATE: &str = r#"
apiVersion: acko.io/v1alpha1
kind: AerospikeClusterTemplate
metadata:
  name: prod
spec:
  image: aerospike:ce-8.1.0.0
  size: 3
  aerospikeConfig:
    service:
      proto-fd-max: 20000
      feature-key-file: /etc/aerospike/features.conf
    namespaceDefaults:
      replication-factor: 2
      default-ttl: 0
    network:
      heartbeat:
        mode: mesh
        interval: 150
        timeout: 10
  scheduling:
    podAntiAffinityLevel: required
    tolerations:
      - key: dedicated
        operator: Exists
  storage:
    storageClassName: fast
    resources:
      requests:
        storage: 50Gi
  resources:
    requests:
      memory: 4Gi
  monitoring:
    enabled: true
"#;

fn template() -> AerospikeClusterTemplate {
    serde_saphyr::from_str(TEMPLATE).expect("valid template")
}

fn cluster(extra: &str) -> AerospikeCluster {
    let yaml = format!(
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: c\n  namespace: db\nspec:\n  templateRef:\n    name: prod\n{extra}"
    );
    serde_saphyr::from_str(&yaml).expect("valid cluster")
}

#[test]
fn template_fills_unset_fields() {
    let merged = merge_template(
        &cluster(
            "  aerospikeConfig:\n    namespaces:\n      - name: test\n        default-ttl: 3600\n",
        ),
        &[template()],
    )
    .unwrap();
    let spec = &merged.spec;
    assert_eq!(spec.image.as_deref(), Some("aerospike:ce-8.1.0.0"));
    assert_eq!(spec.size, Some(3));
    let config = spec.aerospike_config.as_ref().unwrap();
    assert_eq!(config["service"]["proto-fd-max"], 20000);
    assert_eq!(config["network"]["heartbeat"]["interval"], 150);
    let ns = &config["namespaces"][0];
    assert_eq!(
        ns["replication-factor"], 2,
        "namespaceDefaults fill the namespace"
    );
    assert_eq!(ns["default-ttl"], 3600, "the cluster's namespace keys win");
    let pod = spec.pod_spec.as_ref().unwrap();
    let anti = pod
        .affinity
        .as_ref()
        .unwrap()
        .pod_anti_affinity
        .as_ref()
        .unwrap();
    assert_eq!(
        anti.required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        pod.tolerations.as_ref().unwrap()[0].key.as_deref(),
        Some("dedicated")
    );
    let volumes = spec.storage.as_ref().unwrap().volumes.as_ref().unwrap();
    assert_eq!(volumes[0].name, TEMPLATE_VOLUME_NAME);
    assert_eq!(
        volumes[0].aerospike.as_ref().unwrap().path,
        "/opt/aerospike/data"
    );
    let resources = pod
        .aerospike_container
        .as_ref()
        .unwrap()
        .resources
        .as_ref()
        .unwrap();
    assert!(resources.requests.as_ref().unwrap().contains_key("memory"));
    assert_eq!(spec.monitoring.as_ref().unwrap().enabled, Some(true));
}

#[test]
fn overrides_beat_the_template_and_cluster_fields_beat_overrides() {
    let c = cluster(
        "  image: aerospike:ce-8.1.1.1\n  overrides:\n    image: aerospike:ce-8.1.0.1\n    size: 5\n    aerospikeConfig:\n      service:\n        proto-fd-max: 30000\n    scheduling:\n      podAntiAffinityLevel: none\n",
    );
    let merged = merge_template(&c, &[template()]).unwrap();
    let spec = &merged.spec;
    assert_eq!(
        spec.image.as_deref(),
        Some("aerospike:ce-8.1.1.1"),
        "cluster field wins"
    );
    assert_eq!(spec.size, Some(5), "override wins over template");
    let config = spec.aerospike_config.as_ref().unwrap();
    assert_eq!(
        config["service"]["proto-fd-max"], 30000,
        "override map value wins"
    );
    assert_eq!(
        config["service"]["feature-key-file"], "/etc/aerospike/features.conf",
        "maps are deep-merged"
    );
    let pod = spec.pod_spec.as_ref().unwrap();
    assert!(
        pod.affinity.is_none(),
        "override level none removes the template's anti-affinity"
    );
    assert_eq!(
        pod.tolerations.as_ref().unwrap().len(),
        1,
        "untouched template lists stay"
    );
}

#[test]
fn cluster_config_wins_over_template_config() {
    let c = cluster("  aerospikeConfig:\n    service:\n      proto-fd-max: 1000\n");
    let merged = merge_template(&c, &[template()]).unwrap();
    assert_eq!(
        merged.spec.aerospike_config.unwrap()["service"]["proto-fd-max"],
        1000
    );
}

#[test]
fn cluster_volumes_are_not_replaced_by_the_template() {
    let c = cluster(
        "  storage:\n    volumes:\n      - name: mine\n        source:\n          emptyDir: {}\n        aerospike:\n          path: /mine\n",
    );
    let merged = merge_template(&c, &[template()]).unwrap();
    let volumes = merged.spec.storage.unwrap().volumes.unwrap();
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0].name, "mine");
}

#[test]
fn missing_template_is_a_clear_error_and_no_ref_is_identity() {
    let err = merge_template(&cluster(""), &[]).unwrap_err();
    assert!(matches!(err, TemplateError::NotFound { .. }));
    assert!(err.to_string().contains("--template"), "{err}");
    let mut plain = cluster("  size: 2\n");
    plain.spec.template_ref = None;
    assert_eq!(merge_template(&plain, &[template()]).unwrap(), plain);
}

#[test]
fn a_merged_template_cluster_renders() {
    let mut merged = merge_template(
        &cluster("  aerospikeConfig:\n    namespaces:\n      - name: test\n        storage-engine:\n          type: memory\n          data-size: 1073741824\n"),
        &[template()],
    )
    .unwrap();
    acko_api::defaults::apply_defaults(&mut merged);
    let objects = common::render_default(&merged);
    assert_eq!(
        objects.stateful_sets[0]
            .spec
            .as_ref()
            .unwrap()
            .volume_claim_templates
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    let conf = &objects.config_maps[0].data.as_ref().unwrap()["aerospike.conf"];
    assert!(conf.contains("replication-factor 2"), "{conf}");
}

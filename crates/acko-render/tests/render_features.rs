//! Feature assertions on rendered clusters: names, ports, selectors, peers, source ranges,
//! annotations, label precedence, RBAC subjects, Block volumes, scaling and hashes.

mod common;

use common::{find, load, render_default};
use serde_json::Value;

fn list(name: &str) -> Vec<Value> {
    render_default(&load(name)).to_list()
}

fn sts_pod_annotation(sts: &Value, key: &str) -> String {
    sts["spec"]["template"]["metadata"]["annotations"][key]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn default_cluster_has_one_rack_with_stable_names() {
    let objects = list("seed_01_in_cluster_default.yaml");
    let names = common::names(&objects);
    assert_eq!(
        names,
        [
            "ConfigMap/my-cluster-0-config",
            "Service/my-cluster-headless",
            "PodDisruptionBudget/my-cluster-pdb",
            "StatefulSet/my-cluster-0",
        ]
    );
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(sts["spec"]["updateStrategy"]["type"], "OnDelete");
    assert_eq!(sts["spec"]["serviceName"], "my-cluster-headless");
    assert_eq!(sts["spec"]["selector"]["matchLabels"]["acko.io/rack"], "0");
    let owner = &sts["metadata"]["ownerReferences"][0];
    assert_eq!(owner["kind"], "AerospikeCluster");
    assert_eq!(owner["controller"], true);
    assert_eq!(owner["uid"], "");
}

#[test]
fn pods_are_spread_over_racks_first_racks_first() {
    let objects = render_default(&load("large.yaml"));
    let sizes: Vec<(i32, u32)> = objects.racks.iter().map(|r| (r.id, r.size)).collect();
    assert_eq!(sizes, [(1, 3), (2, 3), (3, 2)]);
    assert_eq!(objects.racks[2].pods, ["big-3-0", "big-3-1"]);
}

#[test]
fn headless_service_publishes_not_ready_pods_and_user_metadata() {
    let objects = list("seed_11_headless_service.yaml");
    let svc = find(&objects, "Service", "my-cluster-headless");
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(svc["spec"]["publishNotReadyAddresses"], true);
    assert_eq!(svc["metadata"]["labels"]["team"], "platform");
    assert_eq!(
        svc["metadata"]["annotations"]["external-dns.alpha.kubernetes.io/hostname"],
        "aerospike.example.com"
    );
    assert_eq!(
        svc["metadata"]["annotations"]["prometheus.io/scrape"],
        "true"
    );
}

#[test]
fn operator_labels_win_over_user_labels_on_pods() {
    let objects = list("large.yaml");
    let sts = find(&objects, "StatefulSet", "big-1");
    let labels = &sts["spec"]["template"]["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/name"], "aerospike-cluster");
    assert_eq!(labels["team"], "data");
    assert_eq!(
        sts["spec"]["template"]["metadata"]["annotations"]["example.com/owner"],
        "data-team"
    );
}

#[test]
fn pod_services_select_their_pod_and_expose_the_ports_the_guide_lists() {
    for (input, ty) in [
        ("seed_12_pod_service_cluster_ip.yaml", "ClusterIP"),
        ("seed_13_pod_service_load_balancer.yaml", "LoadBalancer"),
        ("seed_14_pod_service_node_port.yaml", "NodePort"),
    ] {
        let objects = list(input);
        for ordinal in 0..3 {
            let pod = format!("my-cluster-0-{ordinal}");
            let svc = find(&objects, "Service", &format!("{pod}-pod"));
            assert_eq!(svc["spec"]["type"], ty);
            assert_eq!(
                svc["spec"]["selector"]["statefulset.kubernetes.io/pod-name"],
                pod.as_str()
            );
            let ports: Vec<i64> = svc["spec"]["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["port"].as_i64().unwrap())
                .collect();
            // ClusterIP: the service port only; NodePort/LoadBalancer: all Aerospike ports.
            let expected = if ty == "ClusterIP" {
                vec![3000]
            } else {
                vec![3000, 3001, 3002]
            };
            assert_eq!(ports, expected, "{input}");
        }
    }
    let lb = list("seed_13_pod_service_load_balancer.yaml");
    let svc = find(&lb, "Service", "my-cluster-0-0-pod");
    assert_eq!(
        svc["metadata"]["annotations"]["service.beta.kubernetes.io/aws-load-balancer-type"],
        "nlb"
    );
    let cip = list("seed_12_pod_service_cluster_ip.yaml");
    assert_eq!(
        find(&cip, "Service", "my-cluster-0-0-pod")["metadata"]["labels"]["visibility"],
        "internal"
    );
}

#[test]
fn external_pod_services_get_least_privilege_rbac_for_the_pods_service_account() {
    let objects = list("large.yaml");
    let role = find(&objects, "Role", "big-pod-service-reader");
    let rule = &role["rules"][0];
    assert_eq!(rule["verbs"], serde_json::json!(["get"]));
    assert_eq!(rule["resources"], serde_json::json!(["services"]));
    assert_eq!(rule["resourceNames"].as_array().unwrap().len(), 8);
    let binding = find(&objects, "RoleBinding", "big-pod-service-reader");
    assert_eq!(binding["subjects"][0]["name"], "aerospike");
    assert_eq!(binding["subjects"][0]["namespace"], "db");
    let sts = find(&objects, "StatefulSet", "big-1");
    let pod = &sts["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], true);
    assert_eq!(pod["serviceAccountName"], "aerospike");
    let env = pod["initContainers"][0]["env"].as_array().unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "EXTERNAL_SERVICE_TYPE" && e["value"] == "LoadBalancer")
    );
    assert!(env.iter().any(|e| e["name"] == "POD_NAMESPACE"));

    // ClusterIP needs no API access.
    let cip = list("seed_12_pod_service_cluster_ip.yaml");
    assert!(
        !cip.iter()
            .any(|o| o["kind"] == "Role" || o["kind"] == "RoleBinding")
    );
    let pod = &find(&cip, "StatefulSet", "my-cluster-0")["spec"]["template"]["spec"];
    assert!(pod.get("automountServiceAccountToken").is_none());
    assert!(pod.get("serviceAccountName").is_none());
    assert!(!cip.iter().any(|o| o["kind"] == "ServiceAccount"));
    // The user's service account receives the grants: no ServiceAccount is rendered.
    assert!(!objects.iter().any(|o| o["kind"] == "ServiceAccount"));
    // NodePort does; without a user service account the cluster gets its own, never the
    // namespace's `default` that every other pod shares.
    let np = list("seed_14_pod_service_node_port.yaml");
    let sa = find(&np, "ServiceAccount", "my-cluster-aerospike");
    assert_eq!(sa["metadata"]["namespace"], "aerospike");
    assert_eq!(
        find(&np, "RoleBinding", "my-cluster-pod-service-reader")["subjects"][0]["name"],
        "my-cluster-aerospike"
    );
    let pod = &find(&np, "StatefulSet", "my-cluster-0")["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "my-cluster-aerospike");
    assert!(!np.iter().any(|o| o["subjects"][0]["name"] == "default"));
}

#[test]
fn host_access_types_get_node_reader_and_host_ports() {
    let objects = list("seed_02_external_host_network.yaml");
    let crb = find(
        &objects,
        "ClusterRoleBinding",
        "acko-aerospike-my-cluster-node-reader",
    );
    assert_eq!(crb["subjects"][0]["name"], "my-cluster-aerospike");
    assert!(crb["metadata"].get("ownerReferences").is_none());
    let cr = find(
        &objects,
        "ClusterRole",
        "acko-aerospike-my-cluster-node-reader",
    );
    assert_eq!(cr["rules"][0]["resources"], serde_json::json!(["nodes"]));
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    let ports = sts["spec"]["template"]["spec"]["containers"][0]["ports"]
        .as_array()
        .unwrap();
    assert_eq!(ports[0]["hostPort"], 3000);
    assert!(
        ports[1].get("hostPort").is_none(),
        "fabricType pod: fabric stays off the host"
    );
}

#[test]
fn seeds_load_balancer_carries_every_field_of_the_table() {
    let objects = list("seed_10_seeds_lb_production.yaml");
    let svc = find(&objects, "Service", "my-cluster-seeds-lb");
    let spec = &svc["spec"];
    assert_eq!(spec["type"], "LoadBalancer");
    assert_eq!(spec["externalTrafficPolicy"], "Local");
    assert_eq!(
        spec["loadBalancerSourceRanges"],
        serde_json::json!(["10.0.0.0/8", "172.16.0.0/12"])
    );
    assert_eq!(spec["ports"][0]["port"], 3000);
    assert_eq!(spec["ports"][0]["targetPort"], 3000);
    assert_eq!(spec["selector"]["app.kubernetes.io/instance"], "my-cluster");
    assert_eq!(
        svc["metadata"]["annotations"]["service.beta.kubernetes.io/aws-load-balancer-scheme"],
        "internal"
    );
    assert_eq!(svc["metadata"]["labels"]["environment"], "production");
    assert_eq!(
        svc["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "acko"
    );
}

#[test]
fn kubernetes_network_policy_limits_fabric_and_heartbeat_to_cluster_pods() {
    let objects = list("seed_04_network_policy_kubernetes.yaml");
    let np = find(&objects, "NetworkPolicy", "my-cluster-netpol");
    let ingress = np["spec"]["ingress"].as_array().unwrap();
    let peer = &ingress[0]["from"][0]["podSelector"]["matchLabels"];
    assert_eq!(peer["app.kubernetes.io/instance"], "my-cluster");
    let intra: Vec<&Value> = ingress[0]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["port"])
        .collect();
    assert_eq!(intra, [&Value::from(3001), &Value::from(3002)]);
    assert!(ingress[1].get("from").is_none());
    assert_eq!(
        ingress[1]["ports"].as_array().unwrap().len(),
        1,
        "no metrics port without monitoring"
    );
    assert_eq!(np["spec"]["policyTypes"], serde_json::json!(["Ingress"]));
}

#[test]
fn cilium_policy_is_untyped_and_opens_metrics_with_monitoring() {
    let objects = list("large.yaml");
    let cnp = find(&objects, "CiliumNetworkPolicy", "big-netpol");
    assert_eq!(cnp["apiVersion"], "cilium.io/v2");
    let open = cnp["spec"]["ingress"][1]["toPorts"][0]["ports"]
        .as_array()
        .unwrap();
    let ports: Vec<&str> = open.iter().map(|p| p["port"].as_str().unwrap()).collect();
    assert_eq!(ports, ["3000", "9145"]);
    assert!(!objects.iter().any(|o| o["kind"] == "NetworkPolicy"));
}

#[test]
fn disabled_network_policy_renders_nothing() {
    let objects = list("seed_06_network_policy_disabled.yaml");
    assert!(
        !objects
            .iter()
            .any(|o| o["kind"] == "NetworkPolicy" || o["kind"] == "CiliumNetworkPolicy")
    );
}

#[test]
fn bandwidth_annotations_are_quantities_the_plugin_accepts() {
    let objects = list("seed_07_bandwidth.yaml");
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    assert_eq!(
        sts_pod_annotation(sts, "kubernetes.io/ingress-bandwidth"),
        "1G"
    );
    assert_eq!(
        sts_pod_annotation(sts, "kubernetes.io/egress-bandwidth"),
        "500M"
    );
    let egress_only = list("seed_08_bandwidth_egress_only.yaml");
    let sts = find(&egress_only, "StatefulSet", "my-cluster-0");
    assert_eq!(
        sts_pod_annotation(sts, "kubernetes.io/egress-bandwidth"),
        "200M"
    );
    assert_eq!(
        sts_pod_annotation(sts, "kubernetes.io/ingress-bandwidth"),
        ""
    );
}

#[test]
fn block_volumes_are_devices_everywhere_and_claims_are_templates() {
    let objects = list("large.yaml");
    let sts = find(&objects, "StatefulSet", "big-2");
    let pod = &sts["spec"]["template"]["spec"];
    for container in [&pod["containers"][0], &pod["initContainers"][0]] {
        assert_eq!(container["volumeDevices"][0]["name"], "ssd");
        assert_eq!(container["volumeDevices"][0]["devicePath"], "/dev/xvdb");
        let mounts = container["volumeMounts"].as_array().unwrap();
        assert!(!mounts.iter().any(|m| m["name"] == "ssd"));
    }
    let vcts = sts["spec"]["volumeClaimTemplates"].as_array().unwrap();
    assert_eq!(vcts[0]["spec"]["volumeMode"], "Block");
    assert_eq!(vcts[1]["metadata"]["labels"]["backup"], "true");
    assert_eq!(vcts[1]["metadata"]["labels"]["acko.io/rack"], "2");
}

#[test]
fn rack_affinity_is_merged_with_user_affinity_and_block_list() {
    let objects = list("large.yaml");
    let sts = find(&objects, "StatefulSet", "big-3");
    let pod = &sts["spec"]["template"]["spec"];
    let exprs = &pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"][0]["matchExpressions"];
    assert_eq!(exprs[0]["key"], "node.kubernetes.io/instance-type");
    assert_eq!(exprs[1]["values"], serde_json::json!(["us-east-1c"]));
    assert_eq!(exprs[2]["operator"], "NotIn");
    assert_eq!(
        exprs[2]["values"],
        serde_json::json!(["node-bad-1", "node-bad-2"])
    );
    assert_eq!(
        pod["tolerations"][0]["key"], "dedicated",
        "rack 3 overrides tolerations"
    );
    assert!(
        find(&objects, "StatefulSet", "big-1")["spec"]["template"]["spec"]
            .get("tolerations")
            .is_none()
    );
}

#[test]
fn monitoring_adds_exporter_metrics_service_monitor_and_rules() {
    let objects = list("large.yaml");
    let svc = find(&objects, "Service", "big-metrics");
    assert_eq!(svc["spec"]["ports"][0]["port"], 9145);
    let sm = find(&objects, "ServiceMonitor", "big-monitor");
    assert_eq!(sm["metadata"]["labels"]["release"], "prometheus");
    let pr = find(&objects, "PrometheusRule", "big-alerts");
    let rules = pr["spec"]["groups"][0]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["expr"].as_str().unwrap().contains("!= 8"))
    );
    let sts = find(&objects, "StatefulSet", "big-1");
    let exporter = &sts["spec"]["template"]["spec"]["containers"][1];
    assert_eq!(exporter["name"], "aerospike-prometheus-exporter");
    let env = exporter["env"].as_array().unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "METRIC_LABELS" && e["value"] == r#"env="prod",zone="multi""#)
    );
    // The exporter listens where the probe, the container port and the Service look.
    assert!(
        env.iter()
            .any(|e| e["name"] == "AGENT_BIND_PORT" && e["value"] == "9145")
    );
    assert_eq!(exporter["ports"][0]["containerPort"], 9145);
}

#[test]
fn custom_rules_replace_the_built_in_alerts() {
    let mut cluster = load("large.yaml");
    let rule = serde_json::json!({"name": "mine", "rules": [{"alert": "X", "expr": "vector(1)"}]});
    let pr = cluster
        .spec
        .monitoring
        .as_mut()
        .unwrap()
        .prometheus_rule
        .as_mut()
        .unwrap();
    pr.custom_rules = Some(vec![rule.as_object().unwrap().clone()]);
    let objects = render_default(&cluster).to_list();
    let pr = find(&objects, "PrometheusRule", "big-alerts");
    assert_eq!(pr["spec"]["groups"], serde_json::json!([rule]));
}

#[test]
fn scale_up_keeps_the_config_hash_of_existing_pods() {
    let three = load("seed_01_in_cluster_default.yaml");
    let mut four = three.clone();
    four.spec.size = Some(4);
    let a = render_default(&three);
    let b = render_default(&four);
    assert_eq!(a.racks[0].size, 3);
    assert_eq!(b.racks[0].size, 4);
    assert_eq!(a.racks[0].config_hash, b.racks[0].config_hash);
    assert_eq!(a.racks[0].pod_spec_hash, b.racks[0].pod_spec_hash);
    assert_eq!(
        a.config_maps, b.config_maps,
        "the ConfigMap does not depend on size"
    );
    let (sa, sb) = (&a.stateful_sets[0], &b.stateful_sets[0]);
    assert_eq!(
        sa.spec.as_ref().unwrap().template,
        sb.spec.as_ref().unwrap().template,
        "pods 0-2 are not restarted"
    );

    // The same holds with several racks (8 → 7 → 8 nodes).
    let big = load("large.yaml");
    let mut smaller = big.clone();
    smaller.spec.size = Some(5);
    let (x, y) = (render_default(&big), render_default(&smaller));
    for (rx, ry) in x.racks.iter().zip(&y.racks) {
        assert_eq!(rx.config_hash, ry.config_hash);
    }
}

#[test]
fn config_only_change_changes_only_the_config_hash() {
    let base = load("large.yaml");
    let mut changed = base.clone();
    changed
        .spec
        .aerospike_config
        .as_mut()
        .unwrap()
        .get_mut("service")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("proto-fd-max".into(), 30000.into());
    let (a, b) = (render_default(&base), render_default(&changed));
    assert_ne!(a.racks[0].config_hash, b.racks[0].config_hash);
    assert_eq!(a.racks[0].pod_spec_hash, b.racks[0].pod_spec_hash);
    // Rack 2 overrides proto-fd-max, so its effective config is unchanged.
    assert_eq!(a.racks[1].config_hash, b.racks[1].config_hash);

    let mut image = base.clone();
    image.spec.image = Some("aerospike:ce-8.1.2.0".into());
    let c = render_default(&image);
    assert_eq!(a.racks[0].config_hash, c.racks[0].config_hash);
    assert_ne!(a.racks[0].pod_spec_hash, c.racks[0].pod_spec_hash);
}

#[test]
fn init_container_wiring_follows_the_pod_contract() {
    let objects = list("seed_01_in_cluster_default.yaml");
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    let pod = &sts["spec"]["template"]["spec"];
    let init = &pod["initContainers"][0];
    assert_eq!(init["name"], "acko-init");
    assert_eq!(init["command"], serde_json::json!(["acko-init", "prepare"]));
    let main = &pod["containers"][0];
    assert_eq!(main["name"], "aerospike-server");
    assert_eq!(main["command"][0], "/acko/bin/acko-init");
    let env: Vec<&str> = main["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        env,
        [
            "POD_NAME",
            "POD_NAMESPACE",
            "POD_IP",
            "NODE_NAME",
            "HOST_IP",
            "ACKO_CONFIG_DIR"
        ]
    );
    let cm_volume = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "acko-config")
        .unwrap();
    assert_eq!(cm_volume["configMap"]["name"], "my-cluster-0-config");
    let cm = find(&objects, "ConfigMap", "my-cluster-0-config");
    let settings: Value =
        serde_json::from_str(cm["data"]["acko-init.json"].as_str().unwrap()).unwrap();
    assert_eq!(
        settings["configHash"],
        cm["metadata"]["annotations"]["acko.io/config-hash"]
    );
    assert_eq!(
        settings["configHash"].as_str().unwrap(),
        sts_pod_annotation(sts, "acko.io/config-hash")
    );
    assert_eq!(settings["network"]["servicePort"], 3000);
    assert!(settings.get("podService").is_none());
    let conf = cm["data"]["aerospike.conf"].as_str().unwrap();
    assert!(conf.contains(
        "mesh-seed-address-port my-cluster-0-0.my-cluster-headless.aerospike.svc.cluster.local 3002"
    ));
    assert!(conf.contains("cluster-name my-cluster"));
}

#[test]
fn disable_pdb_and_per_rack_pdbs() {
    let mut cluster = load("large.yaml");
    cluster.spec.disable_pdb = Some(true);
    assert!(render_default(&cluster).pod_disruption_budgets.is_empty());
    let mut cluster = load("large.yaml");
    cluster.spec.rack_config.as_mut().unwrap().racks[0].max_unavailable =
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(2));
    let pdbs = render_default(&cluster).pod_disruption_budgets;
    let names: Vec<_> = pdbs
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["big-1-pdb", "big-2-pdb", "big-3-pdb"]);
}

#[test]
fn rack_storage_replaces_cluster_storage() {
    let mut cluster = load("large.yaml");
    let rack_storage: acko_api::AerospikeStorageSpec = serde_json::from_value(serde_json::json!({
        "volumes": [{
            "name": "rack-data",
            "source": {"persistentVolume": {"size": "5Gi", "storageClass": "zonal"}},
            "aerospike": {"path": "/data"}
        }]
    }))
    .unwrap();
    cluster.spec.rack_config.as_mut().unwrap().racks[1].storage = Some(rack_storage);
    let objects = render_default(&cluster).to_list();
    let vct_names = |sts: &Value| -> Vec<String> {
        sts["spec"]["volumeClaimTemplates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        vct_names(find(&objects, "StatefulSet", "big-2")),
        ["rack-data"]
    );
    assert_eq!(
        vct_names(find(&objects, "StatefulSet", "big-1")),
        ["ssd", "workdir"]
    );
    let cm = find(&objects, "ConfigMap", "big-2-config");
    let settings: Value =
        serde_json::from_str(cm["data"]["acko-init.json"].as_str().unwrap()).unwrap();
    assert_eq!(settings["volumes"][0]["name"], "rack-data");
}

#[test]
fn a_new_init_image_does_not_change_the_pod_spec_hash() {
    let cluster = load("large.yaml");
    let old = acko_render::render(&cluster, &acko_render::RenderOptions::default()).unwrap();
    let options = acko_render::RenderOptions {
        init_image: "ghcr.io/acko/acko-init:9.9.9".to_owned(),
        ..acko_render::RenderOptions::default()
    };
    let new = acko_render::render(&cluster, &options).unwrap();
    assert_eq!(old.racks, new.racks);
    let list = new.to_list();
    let sts = find(&list, "StatefulSet", "big-1");
    assert_eq!(
        sts["spec"]["template"]["spec"]["initContainers"][0]["image"],
        "ghcr.io/acko/acko-init:9.9.9"
    );
}

#[test]
fn pods_carry_the_readiness_gate_by_default() {
    let objects = list("seed_01_in_cluster_default.yaml");
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    assert_eq!(
        sts["spec"]["template"]["spec"]["readinessGates"][0]["conditionType"],
        acko_api::contract::READINESS_GATE_CONDITION
    );
    let mut cluster = load("seed_01_in_cluster_default.yaml");
    cluster
        .spec
        .pod_spec
        .get_or_insert_with(Default::default)
        .readiness_gate_enabled = Some(false);
    let objects = common::render_default(&cluster).to_list();
    let sts = find(&objects, "StatefulSet", "my-cluster-0");
    assert!(sts["spec"]["template"]["spec"]["readinessGates"].is_null());
}

//! Template rules (also applied to a cluster's `spec.overrides`).

use serde_json::Value;

use crate::problem::Problems;
use crate::template::{AerospikeClusterTemplate, AerospikeClusterTemplateSpec};
use crate::validation::{config, fields, image, monitoring, network, renderable};

/// Every problem of a template.
pub fn validate_template(template: &AerospikeClusterTemplate) -> Problems {
    let mut p = Problems::new();
    match template.metadata.name.as_deref() {
        None | Some("") => p.error(
            "metadata.name",
            "the template has no name",
            "set metadata.name",
        ),
        Some(name) => fields::dns_subdomain(name, "metadata.name", &mut p),
    }
    if template.metadata.namespace.is_some() {
        p.warning(
            "metadata.namespace",
            "AerospikeClusterTemplate is cluster-scoped; the namespace is ignored",
            "remove metadata.namespace",
        );
    }
    validate_template_spec(&template.spec, "spec", &mut p);
    p
}

/// Validates a template spec (or `overrides`) at `base`.
pub(crate) fn validate_template_spec(
    spec: &AerospikeClusterTemplateSpec,
    base: &str,
    p: &mut Problems,
) {
    if let Some(d) = &spec.description
        && d.chars().count() > 500
    {
        p.error(
            format!("{base}.description"),
            "description is longer than 500 characters",
            "shorten it",
        );
    }
    if let Some(img) = &spec.image {
        image::validate_server_image(img, &format!("{base}.image"), p);
    }
    if let Some(size) = spec.size
        && !(1..=super::MAX_CLUSTER_SIZE).contains(&size)
    {
        p.error(
            format!("{base}.size"),
            format!("size {size} is out of range: Aerospike CE clusters have 1 to 8 nodes"),
            "use 1 to 8",
        );
    }
    if let Some(conf) = &spec.aerospike_config {
        let cp = format!("{base}.aerospikeConfig");
        if let Some(nd) = &conf.namespace_defaults {
            // Check the defaults as if they were one namespace.
            let mut ns = nd.clone();
            ns.insert("name".into(), Value::from("namespaceDefaults"));
            let mut tmp = Problems::new();
            let wrapped = serde_json::json!({ "namespaces": [Value::Object(ns)] });
            if let Some(obj) = wrapped.as_object() {
                config::validate_config(obj, spec.size, &[], &cp, true, &mut tmp);
            }
            renderable::validate_fragment_renderable(&wrapped, &cp, &mut tmp);
            for mut problem in tmp {
                problem.path = problem.path.replace(
                    &format!("{cp}.namespaces[0]"),
                    &format!("{cp}.namespaceDefaults"),
                );
                // Device/file placement depends on the cluster's volumes: checked on the cluster.
                if !problem.path.contains("storage-engine.device")
                    && !problem.path.contains("storage-engine.file")
                {
                    p.push(problem);
                }
            }
        }
        if let Some(service) = &conf.service {
            let wrapped = serde_json::json!({ "service": Value::Object(service.clone()) });
            if let Some(obj) = wrapped.as_object() {
                config::validate_config(obj, None, &[], &cp, true, p);
            }
            renderable::validate_fragment_renderable(&wrapped, &cp, p);
        }
        if let Some(hb) = conf.network.as_ref().and_then(|n| n.heartbeat.as_ref()) {
            let hp = format!("{cp}.network.heartbeat");
            if let Some(mode) = &hb.mode
                && mode != "mesh"
            {
                p.error(
                    format!("{hp}.mode"),
                    format!("heartbeat mode {mode:?} does not work on Kubernetes"),
                    "use mesh",
                );
            }
            if let Some(port) = hb.port
                && port != 3002
            {
                p.error(
                    format!("{hp}.port"),
                    format!("heartbeat port {port} is not supported; the operator uses 3002"),
                    "remove it or set 3002",
                );
            }
            for (field, v) in [("interval", hb.interval), ("timeout", hb.timeout)] {
                if let Some(v) = v
                    && v < 1
                {
                    p.error(
                        format!("{hp}.{field}"),
                        format!("{field} must be positive"),
                        "remove it to use the server default",
                    );
                }
            }
        }
    }
    if let Some(st) = &spec.storage {
        let sp = format!("{base}.storage");
        if st.local_pv_required == Some(true) && st.storage_class_name.is_none() {
            p.warning(format!("{sp}.localPVRequired"), "localPVRequired without storageClassName uses the default StorageClass, which may not be local", "set storageClassName to a node-local class");
        }
        if let Some(q) = st
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
        {
            fields::positive_quantity(q, &format!("{sp}.resources.requests.storage"), p);
        }
        if st.delete_local_storage_on_restart == Some(true)
            && st.local_storage_classes.as_ref().is_none_or(Vec::is_empty)
        {
            p.error(
                format!("{sp}.deleteLocalStorageOnRestart"),
                "deleteLocalStorageOnRestart needs localStorageClasses",
                "list the node-local StorageClasses",
            );
        }
    }
    if let Some(res) = &spec.resources
        && let (Some(req), Some(lim)) = (&res.requests, &res.limits)
        && req != lim
    {
        p.warning(
            format!("{base}.resources"),
            "requests differ from limits: pods are not in the Guaranteed QoS class and may be evicted first",
            "set requests equal to limits for database pods",
        );
    }
    if let Some(rc) = &spec.rack_config
        && rc.max_racks_per_node.is_some_and(|n| n < 0)
    {
        p.error(
            format!("{base}.rackConfig.maxRacksPerNode"),
            "must not be negative",
            "use 0 for no limit",
        );
    }
    if let Some(m) = &spec.monitoring {
        monitoring::validate_monitoring(m, &format!("{base}.monitoring"), p);
    }
    if let Some(np) = &spec.aerospike_network_policy {
        network::validate_access_policy(np, &format!("{base}.aerospikeNetworkPolicy"), p);
    }
}

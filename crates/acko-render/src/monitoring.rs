//! Monitoring objects: ServiceMonitor and PrometheusRule (untyped, `monitoring.coreos.com/v1`).
//! The metrics Service is in `services`.
//!
//! The built-in alerts use only metric names the Aerospike Prometheus exporter produces for
//! CE 8 (`aerospike_node_up`, `aerospike_node_stats_*`, `aerospike_namespace_*` with the unified
//! `data_*` storage metrics of server 7+); no removed `memory_used`-style names and nothing that
//! needs an operator metric that might not exist. `customRules` replace them entirely.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::labels;
use crate::names;
use crate::services::LABEL_SERVICE_ROLE;

fn meta(
    name: String,
    namespace: &str,
    cluster: &str,
    user_labels: Option<&BTreeMap<String, String>>,
) -> Value {
    let meta = labels::object_meta(
        name,
        namespace,
        cluster,
        labels::merge_user_labels(labels::cluster_labels(cluster), user_labels),
        BTreeMap::new(),
    );
    serde_json::to_value(meta).unwrap_or(Value::Null)
}

/// The ServiceMonitor `<cluster>-monitor` scraping the metrics Service every `interval`.
pub fn service_monitor(
    cluster: &str,
    namespace: &str,
    interval: &str,
    user_labels: Option<&BTreeMap<String, String>>,
) -> Value {
    let mut selector = labels::cluster_selector(cluster);
    selector.insert(LABEL_SERVICE_ROLE.to_owned(), "metrics".to_owned());
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta(names::service_monitor(cluster), namespace, cluster, user_labels),
        "spec": {
            "selector": { "matchLabels": selector },
            "namespaceSelector": { "matchNames": [namespace] },
            "endpoints": [{ "port": "metrics", "path": "/metrics", "interval": interval }],
        },
    })
}

fn rule(
    alert: &str,
    expr: String,
    for_: &str,
    severity: &str,
    summary: impl Into<String>,
) -> Value {
    let summary: String = summary.into();
    json!({
        "alert": alert,
        "expr": expr,
        "for": for_,
        "labels": { "severity": severity },
        "annotations": { "summary": summary },
    })
}

/// The built-in alert group for `cluster` of `size` nodes.
pub fn default_rule_groups(cluster: &str, namespace: &str, size: u32) -> Vec<Value> {
    let sel = format!(
        "job=\"{}\",namespace=\"{namespace}\"",
        names::metrics_service(cluster)
    );
    let rules = vec![
        rule(
            "AerospikeExporterDown",
            format!("up{{{sel}}} == 0"),
            "2m",
            "warning",
            "The Aerospike exporter of {{ $labels.pod }} cannot be scraped.",
        ),
        rule(
            "AerospikeNodeDown",
            format!("aerospike_node_up{{{sel}}} == 0"),
            "1m",
            "critical",
            "Aerospike on {{ $labels.pod }} does not answer its exporter.",
        ),
        rule(
            "AerospikeClusterSizeMismatch",
            format!("aerospike_node_stats_cluster_size{{{sel}}} != {size}"),
            "5m",
            "warning",
            format!(
                "{{{{ $labels.pod }}}} sees a cluster of {{{{ $value }}}} nodes instead of {size}."
            ),
        ),
        rule(
            "AerospikeStopWrites",
            format!("aerospike_namespace_stop_writes{{{sel}}} == 1"),
            "1m",
            "critical",
            "Namespace {{ $labels.ns }} on {{ $labels.pod }} stopped accepting writes.",
        ),
        rule(
            "AerospikeClockSkewStopWrites",
            format!("aerospike_namespace_clock_skew_stop_writes{{{sel}}} == 1"),
            "1m",
            "critical",
            "Clock skew stopped writes in namespace {{ $labels.ns }}.",
        ),
        rule(
            "AerospikeHwmBreached",
            format!("aerospike_namespace_hwm_breached{{{sel}}} == 1"),
            "5m",
            "warning",
            "Namespace {{ $labels.ns }} on {{ $labels.pod }} breached its eviction high-water mark.",
        ),
        rule(
            "AerospikeLowDataAvailable",
            format!("aerospike_namespace_data_avail_pct{{{sel}}} < 20"),
            "5m",
            "warning",
            "Namespace {{ $labels.ns }} on {{ $labels.pod }} has less than 20% of its storage available.",
        ),
        rule(
            "AerospikeHighDiskUsage",
            format!("aerospike_namespace_data_used_pct{{{sel}}} > 80"),
            "10m",
            "warning",
            "Namespace {{ $labels.ns }} on {{ $labels.pod }} uses more than 80% of its storage.",
        ),
        rule(
            "AerospikeHighMemoryUsage",
            format!("aerospike_node_stats_system_free_mem_pct{{{sel}}} < 10"),
            "10m",
            "warning",
            "Less than 10% of the system memory is free on {{ $labels.pod }}.",
        ),
        rule(
            "AerospikeDeadPartitions",
            format!("aerospike_namespace_dead_partitions{{{sel}}} > 0"),
            "1m",
            "critical",
            "Namespace {{ $labels.ns }} has dead partitions (data loss possible).",
        ),
        rule(
            "AerospikeUnavailablePartitions",
            format!("aerospike_namespace_unavailable_partitions{{{sel}}} > 0"),
            "1m",
            "critical",
            "Namespace {{ $labels.ns }} has unavailable partitions.",
        ),
    ];
    vec![json!({ "name": format!("{cluster}.rules"), "rules": rules })]
}

/// The PrometheusRule `<cluster>-alerts` with `groups` (the built-in ones or the user's
/// `customRules`).
pub fn prometheus_rule(
    cluster: &str,
    namespace: &str,
    groups: Vec<Value>,
    user_labels: Option<&BTreeMap<String, String>>,
) -> Value {
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": meta(names::prometheus_rule(cluster), namespace, cluster, user_labels),
        "spec": { "groups": groups },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_alerts_use_ce8_exporter_metrics_only() {
        let groups = default_rule_groups("c", "db", 3);
        let text = serde_json::to_string(&groups).unwrap();
        assert!(!text.contains("memory_used"));
        assert!(!text.contains("acko_"));
        for rule in groups[0]["rules"].as_array().unwrap() {
            let expr = rule["expr"].as_str().unwrap();
            assert!(expr.contains("job=\"c-metrics\""), "{expr}");
            assert!(
                expr.starts_with("up{") || expr.starts_with("aerospike_"),
                "{expr}"
            );
        }
    }

    #[test]
    fn service_monitor_selects_the_metrics_service() {
        let sm = service_monitor("c", "db", "30s", None);
        assert_eq!(
            sm["spec"]["selector"]["matchLabels"][LABEL_SERVICE_ROLE],
            "metrics"
        );
        assert_eq!(sm["spec"]["endpoints"][0]["port"], "metrics");
        assert_eq!(sm["spec"]["endpoints"][0]["interval"], "30s");
    }
}

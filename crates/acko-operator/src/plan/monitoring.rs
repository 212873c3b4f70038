//! Monitoring knowledge (pure): the metric names the Aerospike Prometheus exporter emits for a
//! CE 8 server, and the check that every alert the operator applies uses only those (an alert
//! on a name the exporter does not emit never fires, silently).
//!
//! Source of [`EXPORTER_METRICS`]: the exporter's default-configuration output recorded against
//! a server 8.0 node (`aerospike/aerospike-prometheus-exporter@5aa01888`,
//! `internal/pkg/executors/tests/tests_data/default_prom_mock_results.txt`, 629 names),
//! summarised in `../shared/reference/anchors-ako-peers.md` §5.2. Only the names the built-in
//! alerts and the manager use are listed; `up` is Prometheus' own scrape metric. Removed
//! pre-7.0 names (`memory_used_bytes`, `device_free_pct`, ...) are deliberately absent.

use serde_json::Value;

/// Exporter metric names (CE 8) the operator's alerts may use.
pub const EXPORTER_METRICS: &[&str] = &[
    "up",
    "aerospike_node_up",
    "aerospike_node_stats_cluster_size",
    "aerospike_node_stats_cluster_integrity",
    "aerospike_node_stats_uptime",
    "aerospike_node_stats_client_connections",
    "aerospike_node_stats_migrate_partitions_remaining",
    "aerospike_node_stats_migrate_allowed",
    "aerospike_node_stats_system_free_mem_pct",
    "aerospike_node_stats_heap_efficiency_pct",
    "aerospike_namespace_stop_writes",
    "aerospike_namespace_hwm_breached",
    "aerospike_namespace_clock_skew_stop_writes",
    "aerospike_namespace_dead_partitions",
    "aerospike_namespace_unavailable_partitions",
    "aerospike_namespace_data_used_bytes",
    "aerospike_namespace_data_used_pct",
    "aerospike_namespace_data_avail_pct",
    "aerospike_namespace_index_used_bytes",
    "aerospike_namespace_master_objects",
    "aerospike_namespace_objects",
];

/// The built-in alerts the seed names (each must be present unless `customRules` replace them).
pub const REQUIRED_ALERTS: &[&str] = &[
    "AerospikeNodeDown",
    "AerospikeStopWrites",
    "AerospikeHighDiskUsage",
    "AerospikeHighMemoryUsage",
];

/// Metric names referenced by a PromQL expression: identifiers outside label matchers
/// (`{...}`), ranges (`[...]`) and strings that are not functions, aggregations, keywords or
/// the label lists of `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`.
pub fn metric_names(expr: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &["and", "or", "unless", "bool", "offset"];
    const AGGREGATIONS: &[&str] = &[
        "sum",
        "min",
        "max",
        "avg",
        "count",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "group",
    ];
    const LABEL_LISTS: &[&str] = &[
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut skip_label_list = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while i < chars.len() && chars[i] != close {
                    i += 1;
                }
            }
            '(' if skip_label_list => {
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                skip_label_list = false;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let after_digit = start > 0 && chars[start - 1].is_ascii_digit();
                let next = chars[i..].iter().find(|c| !c.is_whitespace());
                if LABEL_LISTS.contains(&word.as_str()) {
                    skip_label_list = true;
                } else if !after_digit
                    && next != Some(&'(')
                    && !KEYWORDS.contains(&word.as_str())
                    && !AGGREGATIONS.contains(&word.as_str())
                {
                    out.push(word);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Problems of the rule groups of a PrometheusRule: metric names the exporter does not emit.
pub fn unknown_metrics(groups: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for rule in groups
        .iter()
        .filter_map(|g| g.get("rules").and_then(Value::as_array))
        .flatten()
    {
        let name = rule
            .get("alert")
            .or_else(|| rule.get("record"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        let expr = rule.get("expr").and_then(Value::as_str).unwrap_or_default();
        for m in metric_names(expr) {
            if !EXPORTER_METRICS.contains(&m.as_str()) {
                out.push(format!("{name}: {m}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::want;

    fn rule_groups(extra: &str) -> Vec<Value> {
        let d = want(extra);
        let rule = d
            .objects
            .iter()
            .find(|o| o.key.kind == "PrometheusRule")
            .expect("a PrometheusRule is desired");
        rule.value["spec"]["groups"].as_array().unwrap().clone()
    }

    const MONITORING: &str =
        "  monitoring:\n    enabled: true\n    prometheusRule: {enabled: true}\n";

    #[test]
    fn metric_names_are_extracted_from_promql() {
        assert_eq!(
            metric_names("aerospike_node_up{job=\"a\",namespace=\"b\"} == 0"),
            ["aerospike_node_up"]
        );
        assert_eq!(
            metric_names("sum by (ns) (rate(aerospike_namespace_objects[5m])) > 1e3 and up == 1"),
            ["aerospike_namespace_objects", "up"]
        );
        assert_eq!(metric_names("5m"), Vec::<String>::new());
    }

    #[test]
    fn built_in_alerts_use_only_metrics_the_ce8_exporter_emits() {
        let groups = rule_groups(MONITORING);
        assert_eq!(unknown_metrics(&groups), Vec::<String>::new());
        let alerts: Vec<&str> = groups[0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["alert"].as_str())
            .collect();
        for required in REQUIRED_ALERTS {
            assert!(
                alerts.contains(required),
                "{required} missing from {alerts:?}"
            );
        }
        // The check is not vacuous: an old name is reported.
        let old: Vec<Value> = vec![serde_json::json!({"rules": [
            {"alert": "Old", "expr": "aerospike_namespace_memory_used_bytes > 0"}]})];
        assert_eq!(
            unknown_metrics(&old),
            ["Old: aerospike_namespace_memory_used_bytes"]
        );
    }

    #[test]
    fn custom_rules_replace_the_built_in_alerts_entirely() {
        let groups = rule_groups(
            "  monitoring:\n    enabled: true\n    prometheusRule:\n      enabled: true\n      customRules:\n        - name: mine\n          rules:\n            - alert: MyAlert\n              expr: aerospike_node_up == 0\n",
        );
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0]["name"], "mine");
        let text = serde_json::to_string(&groups).unwrap();
        assert!(!text.contains("AerospikeNodeDown"), "{text}");
    }
}

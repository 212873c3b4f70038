//! Monitoring rules: exporter port and image, metric labels, ServiceMonitor and PrometheusRule.

use serde_json::Value;

use crate::monitoring::AerospikeMonitoringSpec;
use crate::problem::Problems;
use crate::validation::fields;

/// Validates `monitoring` at `base`.
pub(crate) fn validate_monitoring(m: &AerospikeMonitoringSpec, base: &str, p: &mut Problems) {
    if let Some(port) = m.port {
        if !(1..=65535).contains(&port) {
            p.error(
                format!("{base}.port"),
                format!("port {port} is out of range"),
                "use 1-65535 (default 9145)",
            );
        } else if (3000..=3003).contains(&port) {
            p.error(
                format!("{base}.port"),
                format!("port {port} is an Aerospike port"),
                "use another port such as 9145",
            );
        }
    }
    if let Some(image) = &m.exporter_image {
        if image.trim().is_empty() || image.chars().any(char::is_whitespace) {
            p.error(
                format!("{base}.exporterImage"),
                "exporterImage is not an image reference",
                "remove it to use the default exporter image",
            );
        } else if fields::is_unpinned_image(image) {
            p.warning(
                format!("{base}.exporterImage"),
                format!("{image:?} has no fixed version"),
                "pin a tag such as aerospike/aerospike-prometheus-exporter:1.16.1",
            );
        }
    }
    for (k, v) in m.metric_labels.iter().flatten() {
        let path = format!("{base}.metricLabels.{k}");
        let key_ok = !k.is_empty()
            && !k.starts_with("__")
            && k.bytes().enumerate().all(|(i, b)| {
                b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit())
            });
        if !key_ok {
            p.error(
                path.clone(),
                format!("{k:?} is not a Prometheus label name"),
                "use letters, digits and '_', not starting with a digit or '__'",
            );
        }
        if v.chars()
            .any(|c| c.is_control() || c == ',' || c == '=' || c == '"')
        {
            p.error(
                path,
                format!("label value {v:?} contains a control character, ',', '=' or '\"'"),
                "use a plain value",
            );
        }
    }
    if let Some(sm) = &m.service_monitor {
        if let Some(interval) = &sm.interval
            && !is_prometheus_duration(interval)
        {
            p.error(
                format!("{base}.serviceMonitor.interval"),
                format!("{interval:?} is not a Prometheus duration"),
                "use e.g. 30s, 1m or 1m30s",
            );
        }
        fields::labels(
            sm.labels.as_ref(),
            &format!("{base}.serviceMonitor.labels"),
            p,
        );
        if sm.enabled == Some(true) && !m.is_enabled() {
            p.warning(
                format!("{base}.serviceMonitor.enabled"),
                "the ServiceMonitor is not created while monitoring is disabled",
                "set monitoring.enabled: true",
            );
        }
    }
    if let Some(pr) = &m.prometheus_rule {
        fields::labels(
            pr.labels.as_ref(),
            &format!("{base}.prometheusRule.labels"),
            p,
        );
        if pr.enabled == Some(true) && !m.is_enabled() {
            p.warning(
                format!("{base}.prometheusRule.enabled"),
                "the PrometheusRule is not created while monitoring is disabled",
                "set monitoring.enabled: true",
            );
        }
        for (i, group) in pr.custom_rules.iter().flatten().enumerate() {
            let gp = format!("{base}.prometheusRule.customRules[{i}]");
            if group
                .get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                p.error(
                    format!("{gp}.name"),
                    "a rule group needs a name",
                    "add `name: <group>`",
                );
            }
            match group.get("rules").and_then(Value::as_array) {
                Some(rules) if !rules.is_empty() => {
                    for (j, rule) in rules.iter().enumerate() {
                        let rp = format!("{gp}.rules[{j}]");
                        let named = rule
                            .get("alert")
                            .or_else(|| rule.get("record"))
                            .and_then(Value::as_str)
                            .is_some_and(|s| !s.is_empty());
                        if !named {
                            p.error(
                                rp.clone(),
                                "a rule needs `alert` or `record`",
                                "add `alert: <Name>`",
                            );
                        }
                        if rule
                            .get("expr")
                            .is_none_or(|e| e.is_null() || e.as_str() == Some(""))
                        {
                            p.error(
                                format!("{rp}.expr"),
                                "a rule needs an expr",
                                "add `expr: <PromQL>`",
                            );
                        }
                    }
                }
                _ => p.error(
                    format!("{gp}.rules"),
                    "a rule group needs a non-empty rules list",
                    "add at least one alert or recording rule",
                ),
            }
        }
    }
}

/// True for Prometheus durations such as `30s`, `1m30s`, `500ms`, `1h`.
pub(crate) fn is_prometheus_duration(s: &str) -> bool {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = s;
    let mut last_unit: Option<usize> = None;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else {
            &rest[..rest.chars().next().map_or(0, char::len_utf8)]
        };
        let Some(idx) = UNITS.iter().position(|u| *u == unit) else {
            return false;
        };
        if last_unit.is_some_and(|l| idx <= l) {
            return false;
        }
        last_unit = Some(idx);
        rest = &rest[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["30s", "1m", "1m30s", "500ms", "1h", "2d3h"] {
            assert!(is_prometheus_duration(ok), "{ok}");
        }
        for bad in ["", "30", "s", "1x", "30s1m", "1.5m", "-1s", "1mm"] {
            assert!(!is_prometheus_duration(bad), "{bad}");
        }
    }
}

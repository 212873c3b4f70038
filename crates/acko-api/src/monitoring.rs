//! `spec.monitoring`: the Prometheus exporter sidecar, ServiceMonitor and PrometheusRule.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, ResourceRequirements};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Default exporter image (Aerospike's official Prometheus exporter).
pub const DEFAULT_EXPORTER_IMAGE: &str = "aerospike/aerospike-prometheus-exporter:1.16.1";
/// Default exporter metrics port.
pub const DEFAULT_EXPORTER_PORT: i32 = 9145;
/// Default ServiceMonitor scrape interval.
pub const DEFAULT_SCRAPE_INTERVAL: &str = "30s";

/// Monitoring of the cluster.
///
/// Defaults when `enabled`: `exporterImage` [`DEFAULT_EXPORTER_IMAGE`], `port` 9145,
/// `serviceMonitor.interval` `30s`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeMonitoringSpec {
    /// Add the exporter sidecar and a `<cluster>-metrics` Service. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Exporter image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter_image: Option<String>,
    /// Exporter metrics port; must not be one of Aerospike's ports 3000-3003.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// Resources of the exporter container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Extra environment variables of the exporter (appended last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    /// Labels added to every exported metric (`METRIC_LABELS`, sorted `k=v`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_labels: Option<BTreeMap<String, String>>,
    /// A prometheus-operator ServiceMonitor `<cluster>-monitor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_monitor: Option<ServiceMonitorSpec>,
    /// A prometheus-operator PrometheusRule `<cluster>-alerts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus_rule: Option<PrometheusRuleSpec>,
}

impl AerospikeMonitoringSpec {
    /// True when the exporter is enabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

/// ServiceMonitor settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Create the ServiceMonitor. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Scrape interval, a Prometheus duration such as `30s`. Default: `30s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Labels of the ServiceMonitor (to match a Prometheus `serviceMonitorSelector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

/// PrometheusRule settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRuleSpec {
    /// Create the PrometheusRule. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Labels of the PrometheusRule (to match a Prometheus `ruleSelector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Complete rule groups (`{name, rules: [...]}`) that replace the built-in alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object_list")]
    pub custom_rules: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
}

//! The manager's own HTTP metrics and the Prometheus text rendering of cluster samples.

use std::fmt::Write as _;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::sampler::Sample;
use crate::state::AppState;

/// Labels of HTTP metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// HTTP method.
    pub method: String,
    /// Route template (e.g. `/api/v1/profiles/{id}`), never the raw path.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of HTTP latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// HTTP method.
    pub method: String,
    /// Route template.
    pub route: String,
}

/// HTTP request counters and latency histograms.
pub struct HttpMetrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    duration: Family<RouteLabels, Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("acm");
        let requests = Family::<HttpLabels, Counter>::default();
        let duration = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency until the response head",
            duration.clone(),
        );
        Self {
            registry,
            requests,
            duration,
        }
    }
}

impl HttpMetrics {
    /// Record one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        self.requests
            .get_or_create(&HttpLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(secs);
    }

    /// OpenMetrics text of the HTTP metrics (ends with `# EOF`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Middleware recording every request.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    state.http_metrics.observe(
        &method,
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Render cluster samples as OpenMetrics gauges (without the final `# EOF`).
pub fn render_samples(samples: &[(i64, String, std::sync::Arc<Sample>)]) -> String {
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, rows: &mut dyn Iterator<Item = (String, f64)>| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, v) in rows {
            let _ = writeln!(out, "{name}{{{labels}}} {v}");
        }
    };
    let cl = |id: &i64, name: &str| format!("profile_id=\"{id}\",cluster=\"{}\"", esc(name));
    let ns_rows = |f: fn(&crate::sampler::NamespaceRates) -> f64| {
        samples
            .iter()
            .flat_map(move |(id, name, s)| {
                s.namespaces.iter().map(move |n| {
                    (
                        format!("{},namespace=\"{}\"", cl(id, name), esc(&n.namespace)),
                        f(n),
                    )
                })
            })
            .collect::<Vec<_>>()
    };
    gauge(
        "aerospike_namespace_read_tps",
        "Reads per second over the last sampling interval (from client_read_* deltas)",
        &mut ns_rows(|n| n.read_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_write_tps",
        "Writes per second over the last sampling interval (from client_write_* deltas)",
        &mut ns_rows(|n| n.write_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_batch_tps",
        "Batch sub-transactions per second over the last interval (batch_sub_* deltas)",
        &mut ns_rows(|n| n.batch_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_delete_tps",
        "Deletes per second over the last interval (client_delete_* deltas)",
        &mut ns_rows(|n| n.delete_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_udf_tps",
        "UDF calls per second over the last interval (client_udf_* deltas)",
        &mut ns_rows(|n| n.udf_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_query_tps",
        "Queries and scans finished per second over the last interval (pi_query_*/si_query_* deltas)",
        &mut ns_rows(|n| n.query_tps).into_iter(),
    );
    gauge(
        "aerospike_namespace_read_success_ratio",
        "Successful reads / all reads over the last interval",
        &mut ns_rows(|n| n.read_success_rate).into_iter(),
    );
    gauge(
        "aerospike_namespace_write_success_ratio",
        "Successful writes / all writes over the last interval",
        &mut ns_rows(|n| n.write_success_rate).into_iter(),
    );
    gauge(
        "aerospike_namespace_master_objects",
        "Master objects in the namespace (cluster total)",
        &mut ns_rows(|n| n.objects as f64).into_iter(),
    );
    gauge(
        "aerospike_namespace_data_used_bytes",
        "Data bytes used (cluster total)",
        &mut ns_rows(|n| n.data_used_bytes as f64).into_iter(),
    );
    let node_rows = |f: fn(&crate::sampler::NodeGauges) -> f64| {
        samples
            .iter()
            .flat_map(move |(id, name, s)| {
                s.nodes
                    .iter()
                    .map(move |n| (format!("{},node=\"{}\"", cl(id, name), esc(&n.node)), f(n)))
            })
            .collect::<Vec<_>>()
    };
    gauge(
        "aerospike_node_client_connections",
        "Open client connections on the node",
        &mut node_rows(|n| n.client_connections as f64).into_iter(),
    );
    gauge(
        "aerospike_node_uptime_seconds",
        "Node uptime",
        &mut node_rows(|n| n.uptime as f64).into_iter(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_metrics_encode() {
        let m = HttpMetrics::default();
        m.observe("GET", "/api/health", 200, 0.001);
        let text = m.encode();
        assert!(
            text.contains(
                "acm_http_requests_total{method=\"GET\",route=\"/api/health\",status=\"200\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("acm_http_request_duration_seconds_bucket"));
    }

    #[test]
    fn samples_render_with_labels() {
        let s = Sample {
            namespaces: vec![crate::sampler::NamespaceRates {
                namespace: "test".into(),
                read_tps: 12.5,
                ..Default::default()
            }],
            nodes: vec![crate::sampler::NodeGauges {
                node: "BB9".into(),
                client_connections: 4,
                ..Default::default()
            }],
            ..Default::default()
        };
        let text = render_samples(&[(1, "prod \"eu\"".into(), std::sync::Arc::new(s))]);
        assert!(text.contains(
            "aerospike_namespace_read_tps{profile_id=\"1\",cluster=\"prod \\\"eu\\\"\",namespace=\"test\"} 12.5"
        ), "{text}");
        assert!(text.contains("aerospike_node_client_connections{profile_id=\"1\",cluster=\"prod \\\"eu\\\"\",node=\"BB9\"} 4"));
    }
}

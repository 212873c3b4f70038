//! Prometheus metrics (prometheus-client): reconciles, errors, durations, phase per cluster,
//! pods restarted, API writes.

use std::sync::Arc;

use acko_api::ClusterPhase;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabels {
    namespace: String,
    name: String,
    phase: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerbLabels {
    verb: String,
}

/// The operator's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    reconciles: Family<ResultLabels, Counter>,
    duration: Histogram,
    phases: Family<PhaseLabels, Gauge>,
    restarts: Family<KindLabels, Counter>,
    writes: Family<VerbLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("acko");
        let reconciles = Family::<ResultLabels, Counter>::default();
        let duration = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        let phases = Family::<PhaseLabels, Gauge>::default();
        let restarts = Family::<KindLabels, Counter>::default();
        let writes = Family::<VerbLabels, Counter>::default();
        registry.register(
            "reconciles",
            "Reconciles by result (ok, error)",
            reconciles.clone(),
        );
        registry.register(
            "reconcile_duration_seconds",
            "Duration of one reconcile",
            duration.clone(),
        );
        registry.register(
            "cluster_phase",
            "1 for the current phase of each cluster",
            phases.clone(),
        );
        registry.register(
            "pods_restarted",
            "Pods restarted by kind (warm, cold)",
            restarts.clone(),
        );
        registry.register(
            "api_writes",
            "Write calls to the Kubernetes API by verb",
            writes.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            reconciles,
            duration,
            phases,
            restarts,
            writes,
        }
    }

    /// Records one reconcile.
    pub fn reconciled(&self, ok: bool, seconds: f64) {
        let result = if ok { "ok" } else { "error" };
        self.reconciles
            .get_or_create(&ResultLabels {
                result: result.to_owned(),
            })
            .inc();
        self.duration.observe(seconds);
    }

    /// Sets the phase gauge of a cluster (1 for `phase`, 0 for the others).
    pub fn phase(&self, namespace: &str, name: &str, phase: Option<ClusterPhase>) {
        for p in ALL_PHASES {
            let labels = PhaseLabels {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                phase: crate::status::phase_name(p).to_owned(),
            };
            if Some(p) == phase {
                self.phases.get_or_create(&labels).set(1);
            } else {
                self.phases.remove(&labels);
            }
        }
    }

    /// Counts a restarted pod.
    pub fn pod_restarted(&self, kind: &str) {
        self.restarts
            .get_or_create(&KindLabels {
                kind: kind.to_owned(),
            })
            .inc();
    }

    /// Counts a write call.
    pub fn write(&self, verb: &str) {
        self.writes
            .get_or_create(&VerbLabels {
                verb: verb.to_owned(),
            })
            .inc();
    }

    /// Total write calls so far.
    pub fn writes_total(&self) -> u64 {
        ["apply", "patch", "delete", "update-status", "patch-status"]
            .iter()
            .map(|v| {
                self.writes
                    .get_or_create(&VerbLabels {
                        verb: (*v).to_owned(),
                    })
                    .get()
            })
            .sum()
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

const ALL_PHASES: [ClusterPhase; 12] = [
    ClusterPhase::InProgress,
    ClusterPhase::Completed,
    ClusterPhase::Error,
    ClusterPhase::ScalingUp,
    ClusterPhase::ScalingDown,
    ClusterPhase::WaitingForMigration,
    ClusterPhase::RollingRestart,
    ClusterPhase::AclSync,
    ClusterPhase::Paused,
    ClusterPhase::Deleting,
    ClusterPhase::ConfigDegraded,
    ClusterPhase::BackoffActive,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_every_family_and_the_current_phase_only() {
        let m = Metrics::new();
        m.reconciled(true, 0.01);
        m.phase("db", "demo", Some(ClusterPhase::RollingRestart));
        m.phase("db", "demo", Some(ClusterPhase::Completed));
        m.pod_restarted("warm");
        m.write("apply");
        let text = m.encode();
        for needle in [
            "acko_reconciles_total{result=\"ok\"} 1",
            "acko_reconcile_duration_seconds_count 1",
            "acko_cluster_phase{namespace=\"db\",name=\"demo\",phase=\"Completed\"} 1",
            "acko_pods_restarted_total{kind=\"warm\"} 1",
            "acko_api_writes_total{verb=\"apply\"} 1",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        assert!(!text.contains("phase=\"RollingRestart\""), "{text}");
        assert_eq!(m.writes_total(), 1);
    }
}

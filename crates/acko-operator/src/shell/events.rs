//! Kubernetes events with categorised reasons: every reason belongs to one category
//! (Lifecycle, Scaling, RollingRestart, Configuration, Rack, Network, Monitoring, Template,
//! CircuitBreaker), so the manager can group them by [`Reason::category`].

use kube::runtime::events::{Event, EventType, Recorder};

/// An event reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Lifecycle: the finalizer was added.
    FinalizerAdded,
    /// Lifecycle: cleanup done, finalizer removed.
    ClusterDeleted,
    /// Lifecycle: the desired state was reached.
    ClusterCompleted,
    /// Lifecycle: the spec is invalid (Warning).
    InvalidSpec,
    /// Lifecycle: a reconcile failed (Warning).
    ReconcileFailed,
    /// Lifecycle: the readiness gate of pods changed.
    ReadinessGateUpdated,
    /// Configuration: objects were created or updated.
    ObjectsApplied,
    /// Configuration: objects no longer desired were deleted.
    ObjectsPruned,
    /// Scaling: a rack grew.
    ScaledUp,
    /// Scaling: a rack shrank.
    ScaledDown,
    /// Scaling: PVCs of removed pods were deleted (cascadeDelete).
    ClaimsDeleted,
    /// RollingRestart: a pod was deleted to restart it.
    PodRestarted,
    /// RollingRestart: a warm restart was requested.
    WarmRestartRequested,
    /// RollingRestart: a warm restart was confirmed.
    WarmRestartConfirmed,
    /// RollingRestart: a warm restart could not be requested (Warning).
    WarmRestartFailed,
    /// Monitoring: a requested optional CRD is missing (Warning).
    OptionalCrdMissing,
    /// Template: the referenced template is missing or invalid (Warning).
    TemplateUnavailable,
}

impl Reason {
    /// The reason as written in the event.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::FinalizerAdded => "FinalizerAdded",
            Reason::ClusterDeleted => "ClusterDeleted",
            Reason::ClusterCompleted => "ClusterCompleted",
            Reason::InvalidSpec => "InvalidSpec",
            Reason::ReconcileFailed => "ReconcileFailed",
            Reason::ReadinessGateUpdated => "ReadinessGateUpdated",
            Reason::ObjectsApplied => "ObjectsApplied",
            Reason::ObjectsPruned => "ObjectsPruned",
            Reason::ScaledUp => "ScaledUp",
            Reason::ScaledDown => "ScaledDown",
            Reason::ClaimsDeleted => "ClaimsDeleted",
            Reason::PodRestarted => "PodRestarted",
            Reason::WarmRestartRequested => "WarmRestartRequested",
            Reason::WarmRestartConfirmed => "WarmRestartConfirmed",
            Reason::WarmRestartFailed => "WarmRestartFailed",
            Reason::OptionalCrdMissing => "OptionalCrdMissing",
            Reason::TemplateUnavailable => "TemplateUnavailable",
        }
    }

    /// The category the manager groups the reason under.
    pub fn category(self) -> &'static str {
        match self {
            Reason::FinalizerAdded
            | Reason::ClusterDeleted
            | Reason::ClusterCompleted
            | Reason::InvalidSpec
            | Reason::ReconcileFailed
            | Reason::ReadinessGateUpdated => "Lifecycle",
            Reason::ObjectsApplied | Reason::ObjectsPruned => "Configuration",
            Reason::ScaledUp | Reason::ScaledDown | Reason::ClaimsDeleted => "Scaling",
            Reason::PodRestarted
            | Reason::WarmRestartRequested
            | Reason::WarmRestartConfirmed
            | Reason::WarmRestartFailed => "RollingRestart",
            Reason::OptionalCrdMissing => "Monitoring",
            Reason::TemplateUnavailable => "Template",
        }
    }

    /// The action written in the event.
    pub fn action(self) -> &'static str {
        self.category()
    }
}

/// Publishes one event; failures are logged, never fatal.
pub async fn publish(
    recorder: &Recorder,
    reference: &k8s_openapi::api::core::v1::ObjectReference,
    reason: Reason,
    note: &str,
    warning: bool,
) {
    let note: String = note.chars().take(1000).collect();
    let event = Event {
        type_: if warning {
            EventType::Warning
        } else {
            EventType::Normal
        },
        reason: reason.as_str().to_owned(),
        note: Some(note),
        action: reason.action().to_owned(),
        secondary: None,
    };
    if let Err(e) = recorder.publish(&event, reference).await {
        tracing::debug!(error = %e, reason = reason.as_str(), "event not published");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_known_category() {
        let known = [
            "Lifecycle",
            "Scaling",
            "RollingRestart",
            "Configuration",
            "Rack",
            "Network",
            "Monitoring",
            "Template",
            "CircuitBreaker",
        ];
        for r in [
            Reason::FinalizerAdded,
            Reason::ScaledDown,
            Reason::WarmRestartFailed,
            Reason::OptionalCrdMissing,
            Reason::TemplateUnavailable,
            Reason::ObjectsPruned,
        ] {
            assert!(known.contains(&r.category()), "{r:?}");
            assert!(r.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }
}

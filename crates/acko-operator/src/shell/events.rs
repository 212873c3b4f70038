//! Kubernetes events with categorised reasons: every reason belongs to one category of the
//! shared table `acko_api::contract::operator::EVENT_REASONS` (the manager groups events by the
//! same table), see [`Reason::category`].

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
    /// Template: the template changed after the cluster's snapshot.
    TemplateDrifted,
    /// Template: the cluster took the template's current version.
    TemplateResynced,
    /// Template: a referenced template cannot be deleted (Warning).
    TemplateInUse,
    /// CircuitBreaker: too many consecutive failures, reconciles back off (Warning).
    CircuitBreakerOpen,
    /// CircuitBreaker: reset by the annotation.
    CircuitBreakerReset,
    /// RollingRestart: an on-demand operation started.
    OperationStarted,
    /// RollingRestart: an on-demand operation completed.
    OperationCompleted,
    /// RollingRestart: an on-demand operation failed (Warning).
    OperationFailed,
    /// Configuration: a dynamic configuration change was applied to a pod.
    DynamicConfigApplied,
    /// Configuration: a node refused a dynamic change (Warning).
    DynamicConfigFailed,
    /// Configuration: a dynamic change was rolled back on the pods already changed.
    DynamicConfigRolledBack,
    /// ACLSecurity: access control was requested; CE has none (Warning).
    AclUnsupported,
    /// RackManagement: pods on blocked nodes are moved.
    PodOnBlockedNode,
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
            Reason::TemplateDrifted => "TemplateDrifted",
            Reason::TemplateResynced => "TemplateResynced",
            Reason::TemplateInUse => "TemplateInUse",
            Reason::CircuitBreakerOpen => "CircuitBreakerOpen",
            Reason::CircuitBreakerReset => "CircuitBreakerReset",
            Reason::OperationStarted => "OperationStarted",
            Reason::OperationCompleted => "OperationCompleted",
            Reason::OperationFailed => "OperationFailed",
            Reason::DynamicConfigApplied => "DynamicConfigApplied",
            Reason::DynamicConfigFailed => "DynamicConfigFailed",
            Reason::DynamicConfigRolledBack => "DynamicConfigRolledBack",
            Reason::AclUnsupported => "ACLUnsupported",
            Reason::PodOnBlockedNode => "PodOnBlockedNode",
        }
    }

    /// Every reason.
    pub const ALL: [Reason; 30] = [
        Reason::FinalizerAdded,
        Reason::ClusterDeleted,
        Reason::ClusterCompleted,
        Reason::InvalidSpec,
        Reason::ReconcileFailed,
        Reason::ReadinessGateUpdated,
        Reason::ObjectsApplied,
        Reason::ObjectsPruned,
        Reason::ScaledUp,
        Reason::ScaledDown,
        Reason::ClaimsDeleted,
        Reason::PodRestarted,
        Reason::WarmRestartRequested,
        Reason::WarmRestartConfirmed,
        Reason::WarmRestartFailed,
        Reason::OptionalCrdMissing,
        Reason::TemplateUnavailable,
        Reason::TemplateDrifted,
        Reason::TemplateResynced,
        Reason::TemplateInUse,
        Reason::CircuitBreakerOpen,
        Reason::CircuitBreakerReset,
        Reason::OperationStarted,
        Reason::OperationCompleted,
        Reason::OperationFailed,
        Reason::DynamicConfigApplied,
        Reason::DynamicConfigFailed,
        Reason::DynamicConfigRolledBack,
        Reason::AclUnsupported,
        Reason::PodOnBlockedNode,
    ];

    /// The category the manager groups the reason under (the shared table).
    pub fn category(self) -> &'static str {
        acko_api::contract::operator::category_of(self.as_str()).id()
    }

    /// The action written in the event.
    pub fn action(self) -> &'static str {
        self.category()
    }
}

/// The API server refuses an Event whose note exceeds 1024 bytes (not characters): the
/// longest prefix within that limit that ends on a character boundary.
pub fn fit_note(note: &str) -> &str {
    const NOTE_MAX_BYTES: usize = 1024;
    if note.len() <= NOTE_MAX_BYTES {
        return note;
    }
    let mut end = NOTE_MAX_BYTES;
    while !note.is_char_boundary(end) {
        end -= 1;
    }
    &note[..end]
}

/// Publishes one event; failures are logged, never fatal.
pub async fn publish(
    recorder: &Recorder,
    reference: &k8s_openapi::api::core::v1::ObjectReference,
    reason: Reason,
    note: &str,
    warning: bool,
) {
    let note = fit_note(note).to_owned();
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
    fn every_reason_is_in_the_shared_table() {
        for r in Reason::ALL {
            assert_ne!(r.category(), "Other", "{r:?} is missing from EVENT_REASONS");
            assert!(r.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
        }
        assert_eq!(Reason::PodOnBlockedNode.category(), "RackManagement");
        assert_eq!(Reason::CircuitBreakerOpen.category(), "CircuitBreaker");
    }

    #[test]
    fn notes_fit_the_apiservers_1024_byte_limit_on_a_char_boundary() {
        assert_eq!(fit_note("short"), "short");
        let wide = "é".repeat(600); // 1200 bytes in 600 characters
        let fit = fit_note(&wide);
        assert_eq!(fit.len(), 1024);
        assert_eq!(fit.chars().count(), 512);
        let odd = format!("x{}", "é".repeat(600)); // boundary falls inside a character
        let fit = fit_note(&odd);
        assert_eq!(fit.len(), 1023);
        assert!(odd.starts_with(fit));
        assert_eq!(fit_note(&"a".repeat(1024)).len(), 1024);
    }
}

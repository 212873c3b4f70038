//! The operator ↔ manager contract, defined once: the annotations the manager sets and the
//! operator handles, the circuit-breaker policy (threshold and backoff) both sides compute, and
//! the event reasons the operator emits with the category the manager groups them under.

use std::time::Duration;

/// Annotation asking the operator to close the circuit breaker and reconcile at once (any
/// value; the operator removes it once handled).
pub const ANNOTATION_RESET_CIRCUIT_BREAKER: &str = "acko.io/reset-circuit-breaker";
/// Annotation asking the operator to take the referenced template's current version (any
/// value; the operator removes it once handled).
pub const ANNOTATION_RESYNC_TEMPLATE: &str = "acko.io/resync-template";
/// Finalizer the operator puts on a template while clusters reference it.
pub const TEMPLATE_FINALIZER: &str = "acko.io/template-in-use";

/// Consecutive failed reconciles that open the circuit breaker (the operator's
/// `--breaker-threshold` default).
pub const BREAKER_THRESHOLD: i32 = 10;
/// First backoff once the breaker is open.
pub const BREAKER_BASE_BACKOFF: Duration = Duration::from_secs(30);
/// Longest backoff.
pub const BREAKER_MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Backoff after `failures` consecutive failed reconciles with the breaker opening at
/// `threshold`: zero below it, then [`BREAKER_BASE_BACKOFF`] doubling per further failure,
/// capped at [`BREAKER_MAX_BACKOFF`].
pub fn breaker_backoff(failures: i32, threshold: i32) -> Duration {
    if failures < threshold.max(1) {
        return Duration::ZERO;
    }
    let exp = u32::try_from(failures - threshold.max(1))
        .unwrap_or(0)
        .min(10);
    BREAKER_BASE_BACKOFF
        .saturating_mul(1 << exp)
        .min(BREAKER_MAX_BACKOFF)
}

/// Category of an event reason (the manager's 11 filter chips).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventCategory {
    /// Creation, deletion, pause/resume, reconcile outcomes.
    Lifecycle,
    /// Rolling, warm and cold restarts, on-demand operations.
    RollingRestart,
    /// Configuration rendering and dynamic config updates.
    Configuration,
    /// Access control (Enterprise-only on the server).
    AclSecurity,
    /// Scale up/down, migrations gating scale-down.
    Scaling,
    /// Racks added/removed, rack placement, node block list.
    RackManagement,
    /// Services, load balancers, network policies, addresses.
    Network,
    /// Exporter, ServiceMonitor, PrometheusRule.
    Monitoring,
    /// Template resolution and resync.
    Template,
    /// Reconcile backoff (the circuit breaker).
    CircuitBreaker,
    /// Everything else (including Kubernetes' own pod events).
    Other,
}

impl EventCategory {
    /// All categories in display order.
    pub const ALL: [EventCategory; 11] = [
        Self::Lifecycle,
        Self::RollingRestart,
        Self::Configuration,
        Self::AclSecurity,
        Self::Scaling,
        Self::RackManagement,
        Self::Network,
        Self::Monitoring,
        Self::Template,
        Self::CircuitBreaker,
        Self::Other,
    ];

    /// The identifier on the wire, in `?category=` and in the event's `action`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Lifecycle => "Lifecycle",
            Self::RollingRestart => "RollingRestart",
            Self::Configuration => "Configuration",
            Self::AclSecurity => "ACLSecurity",
            Self::Scaling => "Scaling",
            Self::RackManagement => "RackManagement",
            Self::Network => "Network",
            Self::Monitoring => "Monitoring",
            Self::Template => "Template",
            Self::CircuitBreaker => "CircuitBreaker",
            Self::Other => "Other",
        }
    }

    /// Label for humans (the seed's wording).
    pub fn label(self) -> &'static str {
        match self {
            Self::Lifecycle => "Lifecycle",
            Self::RollingRestart => "Rolling Restart",
            Self::Configuration => "Configuration",
            Self::AclSecurity => "ACL Security",
            Self::Scaling => "Scaling",
            Self::RackManagement => "Rack Management",
            Self::Network => "Network",
            Self::Monitoring => "Monitoring",
            Self::Template => "Template",
            Self::CircuitBreaker => "Circuit Breaker",
            Self::Other => "Other",
        }
    }

    /// Parse a category as users type it: the id or the label, any case, spaces/`-`/`_`
    /// ignored (`RollingRestart`, `rolling-restart`, `Rolling Restart`; `ACL` for ACL Security,
    /// `Rack` for Rack Management).
    pub fn parse(s: &str) -> Option<Self> {
        let norm = |x: &str| {
            x.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let want = norm(s);
        match want.as_str() {
            "acl" => return Some(Self::AclSecurity),
            "rack" => return Some(Self::RackManagement),
            _ => {}
        }
        Self::ALL
            .into_iter()
            .find(|c| norm(c.id()) == want || norm(c.label()) == want)
    }
}

use EventCategory as C;

/// Event reasons and their categories: every reason the acko operator emits, the original Go
/// operator's vocabulary, and Kubernetes' own reasons for the objects of a cluster. Unknown
/// reasons are [`EventCategory::Other`].
pub const EVENT_REASONS: &[(&str, EventCategory)] = &[
    // Lifecycle
    ("Created", C::Lifecycle),
    ("ClusterCreated", C::Lifecycle),
    ("Deleted", C::Lifecycle),
    ("ClusterDeleted", C::Lifecycle),
    ("Deleting", C::Lifecycle),
    ("FinalizerAdded", C::Lifecycle),
    ("FinalizerRemoved", C::Lifecycle),
    ("Paused", C::Lifecycle),
    ("Resumed", C::Lifecycle),
    ("ReconcilePaused", C::Lifecycle),
    ("ReconcileResumed", C::Lifecycle),
    ("Reconciled", C::Lifecycle),
    ("ReconcileSucceeded", C::Lifecycle),
    ("ReconcileError", C::Lifecycle),
    ("ReconcileFailed", C::Lifecycle),
    ("ClusterReady", C::Lifecycle),
    ("ClusterCompleted", C::Lifecycle),
    ("InvalidSpec", C::Lifecycle),
    ("ReadinessGateUpdated", C::Lifecycle),
    ("ValidationFailed", C::Lifecycle),
    ("StatefulSetCreated", C::Lifecycle),
    ("StatefulSetUpdated", C::Lifecycle),
    ("PVCDeleted", C::Lifecycle),
    // Rolling restart and operations
    ("RollingRestartStarted", C::RollingRestart),
    ("RollingRestartCompleted", C::RollingRestart),
    ("RollingRestartBlocked", C::RollingRestart),
    ("PodRestarted", C::RollingRestart),
    ("PodWarmRestarted", C::RollingRestart),
    ("PodColdRestarted", C::RollingRestart),
    ("WarmRestart", C::RollingRestart),
    ("WarmRestartFailed", C::RollingRestart),
    ("PodRestart", C::RollingRestart),
    ("RestartFailed", C::RollingRestart),
    ("OperationStarted", C::RollingRestart),
    ("OperationCompleted", C::RollingRestart),
    ("OperationFailed", C::RollingRestart),
    ("UnstablePodSkipped", C::RollingRestart),
    ("NodeQuiesceFailed", C::RollingRestart),
    ("WarmRestartRequested", C::RollingRestart),
    ("WarmRestartConfirmed", C::RollingRestart),
    // Configuration
    ("ConfigChanged", C::Configuration),
    ("ConfigMapCreated", C::Configuration),
    ("ConfigMapUpdated", C::Configuration),
    ("DynamicConfigApplied", C::Configuration),
    ("DynamicConfigFailed", C::Configuration),
    ("DynamicConfigRolledBack", C::Configuration),
    ("ConfigDegraded", C::Configuration),
    ("InvalidConfig", C::Configuration),
    ("ObjectsApplied", C::Configuration),
    ("ObjectsPruned", C::Configuration),
    // ACL / security
    ("ACLSyncStarted", C::AclSecurity),
    ("ACLSynced", C::AclSecurity),
    ("ACLSyncError", C::AclSecurity),
    ("ACLNotSupported", C::AclSecurity),
    ("ACLUnsupported", C::AclSecurity),
    ("SecretNotFound", C::AclSecurity),
    // Scaling
    ("ScaledUp", C::Scaling),
    ("ScaledDown", C::Scaling),
    ("ScalingUp", C::Scaling),
    ("ScalingDown", C::Scaling),
    ("ScaleDownDeferred", C::Scaling),
    ("ScaleDownBlocked", C::Scaling),
    ("WaitingForMigration", C::Scaling),
    ("MigrationComplete", C::Scaling),
    ("SuccessfulRescale", C::Scaling),
    ("ClaimsDeleted", C::Scaling),
    ("FailedGetScale", C::Scaling),
    ("FailedComputeMetricsReplicas", C::Scaling),
    // Racks
    ("RackAdded", C::RackManagement),
    ("RackRemoved", C::RackManagement),
    ("RackScaled", C::RackManagement),
    ("RackStatefulSetCreated", C::RackManagement),
    ("RackStatefulSetDeleted", C::RackManagement),
    ("PodOnBlockedNode", C::RackManagement),
    // Network
    ("ServiceCreated", C::Network),
    ("ServiceUpdated", C::Network),
    ("ServiceDeleted", C::Network),
    ("PodServiceCreated", C::Network),
    ("LoadBalancerPending", C::Network),
    ("EnsuringLoadBalancer", C::Network),
    ("EnsuredLoadBalancer", C::Network),
    ("NetworkPolicyCreated", C::Network),
    ("NetworkPolicyUpdated", C::Network),
    ("NetworkPolicySkipped", C::Network),
    ("AddressResolutionFailed", C::Network),
    // Monitoring
    ("MonitoringConfigured", C::Monitoring),
    ("ServiceMonitorCreated", C::Monitoring),
    ("ServiceMonitorSkipped", C::Monitoring),
    ("PrometheusRuleCreated", C::Monitoring),
    ("PrometheusRuleSkipped", C::Monitoring),
    ("MetricsServiceCreated", C::Monitoring),
    ("OptionalCrdMissing", C::Monitoring),
    // Template
    ("TemplateResolved", C::Template),
    ("TemplateNotFound", C::Template),
    ("TemplateUnavailable", C::Template),
    ("TemplateDrifted", C::Template),
    ("TemplateResynced", C::Template),
    ("TemplateResyncRequested", C::Template),
    ("TemplateInUse", C::Template),
    // Circuit breaker
    ("CircuitBreakerActive", C::CircuitBreaker),
    ("CircuitBreakerOpen", C::CircuitBreaker),
    ("CircuitBreakerReset", C::CircuitBreaker),
    ("BackoffActive", C::CircuitBreaker),
];

/// Category of an event reason ([`EventCategory::Other`] when unknown).
pub fn category_of(reason: &str) -> EventCategory {
    EVENT_REASONS
        .iter()
        .find(|(r, _)| *r == reason)
        .map_or(EventCategory::Other, |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_from_ids_labels_and_shorthands() {
        for c in EventCategory::ALL {
            assert_eq!(EventCategory::parse(c.id()), Some(c));
            assert_eq!(EventCategory::parse(c.label()), Some(c));
        }
        assert_eq!(
            EventCategory::parse("rolling-restart"),
            Some(EventCategory::RollingRestart)
        );
        assert_eq!(
            EventCategory::parse("ACL"),
            Some(EventCategory::AclSecurity)
        );
        assert_eq!(EventCategory::parse("nope"), None);
    }

    #[test]
    fn backoff_is_zero_below_the_threshold_then_doubles_to_the_cap() {
        assert_eq!(breaker_backoff(0, 10), Duration::ZERO);
        assert_eq!(breaker_backoff(9, 10), Duration::ZERO);
        assert_eq!(breaker_backoff(10, 10), Duration::from_secs(30));
        assert_eq!(breaker_backoff(11, 10), Duration::from_secs(60));
        assert_eq!(breaker_backoff(14, 10), Duration::from_secs(480));
        assert_eq!(breaker_backoff(15, 10), Duration::from_secs(600));
        assert_eq!(breaker_backoff(i32::MAX, 10), Duration::from_secs(600));
        assert_eq!(breaker_backoff(3, 3), Duration::from_secs(30));
        // A threshold of 0 behaves as 1 (the breaker never opens without a failure).
        assert_eq!(breaker_backoff(0, 0), Duration::ZERO);
    }

    #[test]
    fn reasons_are_unique_camel_case_and_every_category_but_other_has_some() {
        let mut seen = std::collections::BTreeSet::new();
        for (r, _) in EVENT_REASONS {
            assert!(seen.insert(*r), "duplicate reason {r}");
            assert!(r.chars().all(|c| c.is_ascii_alphanumeric()), "{r}");
        }
        for c in EventCategory::ALL {
            let n = EVENT_REASONS.iter().filter(|(_, rc)| *rc == c).count();
            assert_eq!(n == 0, c == EventCategory::Other, "{c:?}");
        }
        assert_eq!(category_of("Scheduled"), EventCategory::Other);
        assert_eq!(
            category_of("PodOnBlockedNode"),
            EventCategory::RackManagement
        );
    }
}

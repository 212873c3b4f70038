//! The circuit breaker (pure): consecutive failed reconciles are counted in status
//! (`failedReconcileCount`, `lastReconcileError`, `lastFailureTime`); at the threshold the
//! operator stops reconciling until `backoffUntil` (phase `BackoffActive`), the backoff doubling
//! per further failure up to a cap (the policy of `acko_api::contract::operator`, which the
//! manager's reconciliation-health card computes too). The `acko.io/reset-circuit-breaker`
//! annotation clears it and forces a fresh reconcile; any success resets the count.

use acko_api::contract::operator::breaker_backoff;
use acko_api::{AerospikeClusterStatus, ClusterPhase};

use crate::status::time;

/// Whether to reconcile now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Reconcile. `reset`: the reset annotation was seen; the shell removes it, reports
    /// `CircuitBreakerReset` and forgets the previous failures.
    Proceed {
        /// A reset was requested.
        reset: bool,
    },
    /// The breaker is open: do nothing until `until` (unix seconds).
    Open {
        /// End of the backoff.
        until: i64,
    },
}

/// Decides whether to reconcile: open while `backoffUntil` is in the future and the count is at
/// the threshold, unless a reset is requested.
pub fn gate(
    status: Option<&AerospikeClusterStatus>,
    reset_requested: bool,
    now: i64,
    threshold: i32,
) -> Gate {
    if reset_requested {
        return Gate::Proceed { reset: true };
    }
    let Some(s) = status else {
        return Gate::Proceed { reset: false };
    };
    let count = s.failed_reconcile_count.unwrap_or(0);
    match s.backoff_until.as_ref().map(|t| t.0.as_second()) {
        Some(until) if count >= threshold.max(1) && until > now => Gate::Open { until },
        _ => Gate::Proceed { reset: false },
    }
}

/// The breaker fields after a reconcile: `failed` is the error of this reconcile, if any.
/// `status` already carries `failedReconcileCount` and `lastReconcileError` (see
/// [`crate::status::compute`]); this adds `lastFailureTime`, `backoffUntil` and, once the
/// threshold is reached, phase `BackoffActive` with a reason saying when the next attempt is and
/// how to reset.
pub fn record(
    status: &mut AerospikeClusterStatus,
    previous: Option<&AerospikeClusterStatus>,
    failed: bool,
    now: i64,
    threshold: i32,
) {
    if !failed {
        status.failed_reconcile_count = None;
        status.backoff_until = None;
        status.circuit_breaker_threshold = None;
        status.last_failure_time = previous.and_then(|p| p.last_failure_time.clone());
        return;
    }
    status.last_failure_time = Some(time(now));
    // Readers (the manager's reconciliation card, `acko status`) learn the threshold here
    // instead of assuming the default.
    status.circuit_breaker_threshold = Some(threshold);
    let count = status.failed_reconcile_count.unwrap_or(1);
    let wait = breaker_backoff(count, threshold);
    if wait.is_zero() {
        status.backoff_until = None;
        return;
    }
    let until = now.saturating_add(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX));
    status.backoff_until = Some(time(until));
    status.phase = Some(ClusterPhase::BackoffActive);
    status.phase_reason = Some(format!(
        "circuit breaker open after {count} consecutive failed reconciles (threshold {threshold}); \
         next attempt in {} s; set the annotation acko.io/reset-circuit-breaker to retry now. \
         Last error: {}",
        wait.as_secs(),
        status.last_reconcile_error.as_deref().unwrap_or("unknown"),
    ));
}

/// The status of a failure that happened before a plan existed (reading the cluster's objects
/// failed): the previous status with the breaker fields advanced.
pub fn failure_only(
    previous: Option<&AerospikeClusterStatus>,
    message: &str,
    now: i64,
    threshold: i32,
) -> AerospikeClusterStatus {
    let mut status = previous.cloned().unwrap_or_default();
    status.failed_reconcile_count = Some(
        previous
            .and_then(|s| s.failed_reconcile_count)
            .unwrap_or(0)
            .saturating_add(1),
    );
    status.last_reconcile_error = Some(crate::status::truncate(message, 256));
    record(&mut status, previous, true, now, threshold);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(count: Option<i32>, until: Option<i64>) -> AerospikeClusterStatus {
        AerospikeClusterStatus {
            failed_reconcile_count: count,
            backoff_until: until.map(time),
            ..Default::default()
        }
    }

    #[test]
    fn gate_table() {
        let now = 1_000;
        let cases: &[(&str, Option<AerospikeClusterStatus>, bool, Gate)] = &[
            ("no status", None, false, Gate::Proceed { reset: false }),
            (
                "healthy",
                Some(st(None, None)),
                false,
                Gate::Proceed { reset: false },
            ),
            (
                "below threshold",
                Some(st(Some(2), None)),
                false,
                Gate::Proceed { reset: false },
            ),
            (
                "open",
                Some(st(Some(3), Some(1_030))),
                false,
                Gate::Open { until: 1_030 },
            ),
            (
                "backoff elapsed",
                Some(st(Some(3), Some(1_000))),
                false,
                Gate::Proceed { reset: false },
            ),
            (
                "reset while open",
                Some(st(Some(5), Some(9_999))),
                true,
                Gate::Proceed { reset: true },
            ),
            // A stale backoffUntil with a count below the threshold does not block.
            (
                "stale until",
                Some(st(Some(1), Some(9_999))),
                false,
                Gate::Proceed { reset: false },
            ),
        ];
        for (name, status, reset, want) in cases {
            assert_eq!(&gate(status.as_ref(), *reset, now, 3), want, "{name}");
        }
    }

    #[test]
    fn failures_open_the_breaker_at_the_threshold_and_success_closes_it() {
        let now = 5_000;
        let mut s = st(Some(2), None);
        record(&mut s, None, true, now, 3);
        assert_eq!(s.backoff_until, None, "below the threshold: no backoff");
        assert_eq!(s.last_failure_time, Some(time(now)));
        assert_eq!(
            s.circuit_breaker_threshold,
            Some(3),
            "readers learn the threshold"
        );
        assert_ne!(s.phase, Some(ClusterPhase::BackoffActive));

        let mut s = st(Some(3), None);
        s.last_reconcile_error = Some("patch statefulsets: 500".into());
        record(&mut s, None, true, now, 3);
        assert_eq!(s.backoff_until, Some(time(now + 30)));
        assert_eq!(s.phase, Some(ClusterPhase::BackoffActive));
        let reason = s.phase_reason.clone().unwrap();
        assert!(reason.contains("acko.io/reset-circuit-breaker"), "{reason}");
        assert!(reason.contains("patch statefulsets: 500"), "{reason}");

        let mut s4 = st(Some(4), None);
        record(&mut s4, None, true, now, 3);
        assert_eq!(s4.backoff_until, Some(time(now + 60)), "doubles");

        let prev = s.clone();
        let mut ok = st(None, None);
        record(&mut ok, Some(&prev), false, now + 100, 3);
        assert_eq!(
            (
                ok.failed_reconcile_count,
                ok.backoff_until,
                ok.circuit_breaker_threshold
            ),
            (None, None, None)
        );
        assert_eq!(ok.last_failure_time, Some(time(now)), "history kept");
    }

    #[test]
    fn failure_before_planning_advances_the_count_and_keeps_the_rest() {
        let prev = AerospikeClusterStatus {
            failed_reconcile_count: Some(2),
            health: Some("3/3".into()),
            ..Default::default()
        };
        let s = failure_only(Some(&prev), "listing pods: 500", 100, 3);
        assert_eq!(s.failed_reconcile_count, Some(3));
        assert_eq!(s.health.as_deref(), Some("3/3"));
        assert_eq!(s.phase, Some(ClusterPhase::BackoffActive));
        assert_eq!(s.last_reconcile_error.as_deref(), Some("listing pods: 500"));
    }
}

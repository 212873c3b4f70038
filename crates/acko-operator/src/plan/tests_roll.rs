//! Table tests of the rolling restart and warm restart follow-up.

use acko_api::{ClusterPhase, RestartReason};

use super::fixtures::*;
use super::{PodRestart, RestartKind, Step, WARM_RESTART_TIMEOUT_SECS, plan};
use crate::desired::Desired;
use crate::observed::Observed;

fn restarted(o: &Observed, d: &Desired) -> Vec<PodRestart> {
    match plan(o, Ok(d)).step {
        Step::Restart { pods } => pods,
        other => panic!("expected Restart, got {other:?}"),
    }
}

#[test]
fn config_only_change_warm_restarts_one_pod_highest_ordinal_first() {
    let d = want("");
    let mut o = converged(&d);
    stale_config(&mut o);
    let p = plan(&o, Ok(&d));
    assert_eq!(p.phase, ClusterPhase::RollingRestart);
    assert_eq!(
        restarted(&o, &d),
        vec![PodRestart {
            pod: "demo-0-2".into(),
            kind: RestartKind::Warm {
                hash: d.racks[0].config_hash.clone()
            },
            reason: RestartReason::ConfigChanged,
        }]
    );
}

#[test]
fn pod_spec_change_deletes_the_pod() {
    let d = want("");
    let mut o = converged(&d);
    stale_spec(&mut o);
    let pods = restarted(&o, &d);
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].kind, RestartKind::Cold);
    assert_eq!(pods[0].reason, RestartReason::PodSpecChanged);
}

#[test]
fn batch_is_the_smallest_of_batch_size_max_unavailable_and_rf_minus_one() {
    let cases = [
        // (extra spec, replication factor, expected batch)
        ("  rollingUpdateBatchSize: 3\n  maxUnavailable: 2\n", 2, 1),
        ("  rollingUpdateBatchSize: 3\n  maxUnavailable: 2\n", 3, 2),
        ("  rollingUpdateBatchSize: 1\n  maxUnavailable: 3\n", 3, 1),
        (
            "  rackConfig: {rollingUpdateBatchSize: 2}\n  maxUnavailable: 3\n",
            3,
            2,
        ),
    ];
    for (extra, rf, expect) in cases {
        let mut c = cluster(extra);
        c.spec.aerospike_config.as_mut().unwrap()["namespaces"][0]["replication-factor"] =
            rf.into();
        let d = crate::desired::desired(&c, &[], &Default::default()).unwrap();
        let mut o = converged(&d);
        stale_spec(&mut o);
        assert_eq!(restarted(&o, &d).len(), expect, "{extra} rf={rf}");
    }
}

#[test]
fn next_batch_waits_until_the_previous_one_is_ready() {
    let d = want("");
    let mut o = converged(&d);
    stale_spec(&mut o);
    // demo-0-2 was restarted (new hashes) and is not Ready yet.
    let pod = pod_mut(&mut o, "demo-0-2");
    pod.pod_spec_hash = Some(d.racks[0].pod_spec_hash.clone());
    down(&mut o, "demo-0-2");
    let p = plan(&o, Ok(&d));
    assert_eq!(
        (p.step.clone(), p.phase),
        (Step::Wait, ClusterPhase::RollingRestart)
    );
    assert!(
        p.reason.contains("demo-0-2") && p.reason.contains("not Ready"),
        "{}",
        p.reason
    );
}

#[test]
fn next_batch_waits_for_migrations() {
    let d = want("");
    let mut o = converged(&d);
    stale_spec(&mut o);
    set_nodes(&mut o, 3, 42);
    let p = plan(&o, Ok(&d));
    assert_eq!(
        (p.step, p.phase),
        (Step::Wait, ClusterPhase::WaitingForMigration)
    );
}

#[test]
fn not_ready_outdated_pods_go_first_within_max_ignorable() {
    let d = want("  rackConfig: {maxIgnorablePods: 1}\n");
    let mut o = converged(&d);
    stale_spec(&mut o);
    down(&mut o, "demo-0-0");
    // The others see a cluster of 2: not settled, yet the not-ready pod may go.
    for n in ["demo-0-1", "demo-0-2"] {
        pod_mut(&mut o, n).node = Some(node(n, 2, KEY, 0));
    }
    let pods = restarted(&o, &d);
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].pod, "demo-0-0");
    assert_eq!(pods[0].kind, RestartKind::Cold);

    // Without maxIgnorablePods the roll stops and says why.
    let d0 = want("");
    let mut o0 = o.clone();
    for p in o0.pods.values_mut() {
        p.pod_spec_hash = Some("old".into());
    }
    let p = plan(&o0, Ok(&d0));
    assert_eq!(p.step, Step::Wait);
    assert!(p.reason.contains("maxIgnorablePods=0"), "{}", p.reason);
}

#[test]
fn not_ready_pods_are_not_restarted_while_partitions_migrate() {
    let d = want("  rackConfig: {maxIgnorablePods: 1}\n");
    let mut o = converged(&d);
    stale_spec(&mut o);
    down(&mut o, "demo-0-0");
    for n in ["demo-0-1", "demo-0-2"] {
        pod_mut(&mut o, n).node = Some(node(n, 2, KEY, 5));
    }
    let p = plan(&o, Ok(&d));
    assert_eq!(
        (p.step, p.phase),
        (Step::Wait, ClusterPhase::WaitingForMigration)
    );
}

const RACKS: &str = "  size: 4\n  rackConfig:\n    racks: [{id: 1}, {id: 2}]\n";

#[test]
fn one_rack_at_a_time() {
    let d = want(RACKS);
    let mut o = converged(&d);
    stale_spec(&mut o);
    let first = restarted(&o, &d);
    assert_eq!(first[0].pod, "demo-1-1");
    // Rack 1 done; rack 2 next.
    for n in ["demo-1-0", "demo-1-1"] {
        pod_mut(&mut o, n).pod_spec_hash = Some(d.rack(1).unwrap().pod_spec_hash.clone());
    }
    assert_eq!(restarted(&o, &d)[0].pod, "demo-2-1");
}

#[test]
fn two_disrupted_racks_stop_the_roll() {
    let d =
        want("  size: 4\n  rackConfig:\n    maxIgnorablePods: 2\n    racks: [{id: 1}, {id: 2}]\n");
    let mut o = converged(&d);
    stale_spec(&mut o);
    down(&mut o, "demo-1-0");
    down(&mut o, "demo-2-0");
    let p = plan(&o, Ok(&d));
    assert_eq!(p.step, Step::Wait);
    assert!(p.reason.contains("one rack"), "{}", p.reason);
}

#[test]
fn a_disrupted_rack_is_finished_before_another_starts() {
    let d = want(RACKS);
    let mut o = converged(&d);
    stale_spec(&mut o);
    // Rack 2's pod is not Ready and up to date: rack 1 must wait.
    pod_mut(&mut o, "demo-2-0").pod_spec_hash = Some(d.rack(2).unwrap().pod_spec_hash.clone());
    down(&mut o, "demo-2-0");
    let p = plan(&o, Ok(&d));
    assert_eq!(p.step, Step::Wait);
    assert!(p.reason.contains("demo-2-0"), "{}", p.reason);
}

fn warm_requested(d: &Desired) -> Observed {
    let mut o = converged(d);
    stale_config(&mut o);
    let now = o.now;
    let pod = pod_mut(&mut o, "demo-0-2");
    pod.warm.requested_hash = Some(d.racks[0].config_hash.clone());
    pod.warm.requested_at = Some(now - 10);
    pod.warm.applied_hash = Some("old-config".into());
    o
}

#[test]
fn warm_restart_in_progress_waits() {
    let d = want("");
    let o = warm_requested(&d);
    let p = plan(&o, Ok(&d));
    assert_eq!(
        (p.step, p.phase),
        (Step::Wait, ClusterPhase::RollingRestart)
    );
}

#[test]
fn warm_restart_is_confirmed_by_applied_config_hash() {
    let d = want("");
    let mut o = warm_requested(&d);
    pod_mut(&mut o, "demo-0-2").warm.applied_hash = Some(d.racks[0].config_hash.clone());
    assert_eq!(
        plan(&o, Ok(&d)).step,
        Step::ConfirmWarmRestart {
            pod: "demo-0-2".into(),
            hash: d.racks[0].config_hash.clone()
        }
    );
}

#[test]
fn warm_restart_falls_back_to_delete_on_error_or_timeout() {
    let d = want("");
    let mut errored = warm_requested(&d);
    pod_mut(&mut errored, "demo-0-2").warm.last_error = Some("hash never arrived".into());
    let mut late = warm_requested(&d);
    let now = late.now;
    pod_mut(&mut late, "demo-0-2").warm.requested_at = Some(now - WARM_RESTART_TIMEOUT_SECS - 1);
    for o in [errored, late] {
        let pods = restarted(&o, &d);
        assert_eq!(pods.len(), 1);
        assert_eq!(
            (pods[0].pod.as_str(), &pods[0].kind),
            ("demo-0-2", &RestartKind::Cold)
        );
    }
}

#[test]
fn warm_restart_fallback_waits_for_migrations() {
    let d = want("");
    let mut o = warm_requested(&d);
    pod_mut(&mut o, "demo-0-2").warm.last_error = Some("boom".into());
    set_nodes(&mut o, 3, 9);
    assert_eq!(plan(&o, Ok(&d)).phase, ClusterPhase::WaitingForMigration);
}

#[test]
fn config_change_of_a_not_ready_pod_is_a_cold_restart() {
    let d = want("  rackConfig: {maxIgnorablePods: 1}\n");
    let mut o = converged(&d);
    stale_config(&mut o);
    down(&mut o, "demo-0-1");
    let pods = restarted(&o, &d);
    assert_eq!(pods[0].pod, "demo-0-1");
    assert_eq!(pods[0].kind, RestartKind::Cold);
}

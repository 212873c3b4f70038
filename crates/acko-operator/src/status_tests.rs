//! Status computation tests.

use acko_api::ClusterPhase;

use super::{ReconcileError, compute, conditions};
use crate::desired::desired;
use crate::plan::fixtures::*;
use crate::plan::plan;

fn cond<'a>(
    s: &'a acko_api::AerospikeClusterStatus,
    t: &str,
) -> &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition {
    s.conditions
        .as_ref()
        .and_then(|c| c.iter().find(|c| c.type_ == t))
        .unwrap_or_else(|| panic!("condition {t} missing: {:?}", s.conditions))
}

#[test]
fn converged_cluster_is_ready_with_applied_spec_and_pod_details() {
    let d = want("");
    let o = converged(&d);
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    assert_eq!(s.phase, Some(ClusterPhase::Completed));
    assert_eq!(s.health.as_deref(), Some("3/3"));
    assert_eq!(s.size, Some(3));
    assert_eq!(s.observed_generation, Some(1));
    assert_eq!(s.aerospike_cluster_size, Some(3));
    assert!(
        s.selector
            .as_deref()
            .unwrap()
            .contains("app.kubernetes.io/instance=demo")
    );
    assert_eq!(s.applied_spec.as_ref(), Some(&d.spec_json));
    for t in [
        conditions::READY,
        conditions::AVAILABLE,
        conditions::CONFIG_APPLIED,
        conditions::MIGRATIONS_COMPLETE,
        conditions::RECONCILE_SUCCESS,
    ] {
        assert_eq!(cond(&s, t).status, "True", "{t}");
    }
    let pod = &s.pods.as_ref().unwrap()["demo-0-1"];
    assert_eq!(pod.rack, Some(0));
    assert_eq!(pod.aerospike_cluster_size, Some(3));
    assert_eq!(pod.is_running_and_ready, Some(true));
    assert!(pod.node_id.is_some() && pod.config_hash.is_some());
}

#[test]
fn a_second_identical_reconcile_computes_the_identical_status() {
    let d = want("");
    let mut o = converged(&d);
    let p = plan(&o, Ok(&d));
    let first = compute(&o, Ok(&d), &p, None);
    o.status = Some(first.clone());
    o.now += 600;
    let second = compute(&o, Ok(&d), &p, None);
    assert_eq!(first, second);
}

#[test]
fn stalled_roll_says_why_in_phase_and_ready_condition() {
    let d = want("");
    let mut o = converged(&d);
    stale_spec(&mut o);
    pod_mut(&mut o, "demo-0-2").pod_spec_hash = Some(d.racks[0].pod_spec_hash.clone());
    down(&mut o, "demo-0-2");
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    assert_eq!(s.phase, Some(ClusterPhase::RollingRestart));
    let ready = cond(&s, conditions::READY);
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "RollingRestart")
    );
    assert!(ready.message.contains("demo-0-2"), "{}", ready.message);
    assert_eq!(cond(&s, conditions::CONFIG_APPLIED).status, "False");
    assert_eq!(cond(&s, conditions::AVAILABLE).status, "True");
    let pod = &s.pods.as_ref().unwrap()["demo-0-2"];
    assert_eq!(pod.unstable_since, Some(super::time(o.now)));
    assert_eq!(s.pending_restart_pods.as_ref().unwrap().len(), 2);
}

#[test]
fn unstable_since_is_kept_across_reconciles() {
    let d = want("");
    let mut o = converged(&d);
    down(&mut o, "demo-0-0");
    let p = plan(&o, Ok(&d));
    o.status = Some(compute(&o, Ok(&d), &p, None));
    let first = o.now;
    o.now += 30;
    let s = compute(&o, Ok(&d), &p, None);
    assert_eq!(
        s.pods.unwrap()["demo-0-0"].unstable_since,
        Some(super::time(first))
    );
}

#[test]
fn restarted_pods_record_reason_and_time() {
    let d = want("");
    let mut o = converged(&d);
    stale_spec(&mut o);
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    let pod = &s.pods.unwrap()["demo-0-2"];
    assert_eq!(
        pod.last_restart_reason,
        Some(acko_api::RestartReason::PodSpecChanged)
    );
    assert_eq!(pod.last_restart_time, Some(super::time(o.now)));
}

#[test]
fn invalid_spec_reports_error_and_reconcile_failure() {
    let mut c = cluster("");
    c.spec.size = Some(0);
    let err = desired(&c, &[], &Default::default()).unwrap_err();
    let o = converged(&want(""));
    let p = plan(&o, Err(&err));
    let s = compute(&o, Err(&err), &p, None);
    assert_eq!(s.phase, Some(ClusterPhase::Error));
    let rs = cond(&s, conditions::RECONCILE_SUCCESS);
    assert_eq!(
        (rs.status.as_str(), rs.reason.as_str()),
        ("False", "InvalidSpec")
    );
    assert!(rs.message.contains("spec.size"), "{}", rs.message);
}

#[test]
fn execution_errors_count_up_and_are_truncated() {
    let d = want("");
    let mut o = converged(&d);
    let p = plan(&o, Ok(&d));
    let e = ReconcileError {
        message: "x".repeat(1000),
    };
    o.status = Some(compute(&o, Ok(&d), &p, Some(&e)));
    let s = compute(&o, Ok(&d), &p, Some(&e));
    assert_eq!(s.failed_reconcile_count, Some(2));
    assert!(s.last_reconcile_error.unwrap().len() <= 260);
    assert_eq!(
        cond(&o.status.unwrap(), conditions::RECONCILE_SUCCESS).status,
        "False"
    );
}

#[test]
fn missing_optional_crd_is_a_condition() {
    let d = want("  monitoring:\n    enabled: true\n    serviceMonitor: {enabled: true}\n");
    let o = converged(&d);
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    let c = cond(&s, conditions::OPTIONAL_RESOURCES);
    assert_eq!(c.status, "False");
    assert!(c.message.contains("ServiceMonitor"), "{}", c.message);
}

#[test]
fn enterprise_node_is_reported_not_crashed_on() {
    let d = want("");
    let mut o = converged(&d);
    pod_mut(&mut o, "demo-0-0").node.as_mut().unwrap().edition =
        Some("Aerospike Enterprise Edition".into());
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    assert_eq!(cond(&s, conditions::EDITION_SUPPORTED).status, "False");
}

#[test]
fn migrations_are_summed_and_reported() {
    let d = want("");
    let mut o = converged(&d);
    set_nodes(&mut o, 3, 5);
    let p = plan(&o, Ok(&d));
    let s = compute(&o, Ok(&d), &p, None);
    assert_eq!(
        s.migration_status.as_ref().unwrap().remaining_partitions,
        Some(15)
    );
    assert_eq!(cond(&s, conditions::MIGRATIONS_COMPLETE).status, "False");
}

//! `--demo-traffic`: a steady, synthetic client workload against the `--demo` node so the
//! dashboard's throughput and success-rate charts show something. It goes through the
//! official `aerospike` client, so the fake node's real `client_*` counters move exactly as
//! they would for an application.
//!
//! The workload is a fixed, repeating schedule of [`CYCLE`] operations ([`op_for`]): reads
//! of existing demo records (`users` set), a couple of reads of a key that never exists
//! (answered not found), upserts confined to the dedicated [`TRAFFIC_SET`] with a bounded key
//! space of [`KEY_SPACE`] records (memory stays flat), and one create-only insert of a key
//! that exists (answered `KEY_EXISTS`, counted as a write error) so the write success rate is
//! not trivially 100 %. Pacing: a tokio interval of [`TICK`], spreading the rate evenly over
//! the ticks of each second ([`ops_in_tick`]).

use std::time::Duration;

use aerospike::{
    Bin, Bins, Client, Key, ReadPolicy, RecordExistsAction, ResultCode, Value, WritePolicy,
};
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::clients::{ConnectSpec, connect};

/// The set the workload writes to; nothing else in the demo uses it.
pub const TRAFFIC_SET: &str = "demo_traffic";
/// Number of distinct keys written in [`TRAFFIC_SET`] (records `t00`..`t63`).
pub const KEY_SPACE: u64 = 64;
/// Length of the repeating operation schedule.
pub const CYCLE: u64 = 50;
/// Pacing interval.
pub const TICK: Duration = Duration::from_millis(100);
/// Ticks per second (`1 s / TICK`).
const TICKS_PER_SEC: u64 = 10;
/// Highest accepted `--demo-traffic` rate.
pub const MAX_OPS_PER_SEC: u32 = 5_000;
/// Set of the existing demo records that are read.
const USERS_SET: &str = "users";
/// Per-operation timeout (ms).
const OP_TIMEOUT_MS: u32 = 2_000;

/// One operation of the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Read demo record `users/user{NNNN}` (exists).
    ReadUser(u64),
    /// Read `demo_traffic/missing-{N}`, which is never written: answered not found.
    ReadMissing(u64),
    /// Upsert `demo_traffic/t{NN}`.
    Upsert(u64),
    /// Create-only insert of `demo_traffic/t{NN}`, which exists: answered `KEY_EXISTS`.
    InsertExisting(u64),
}

impl Op {
    /// True when `answer` is what this operation is designed to get (not a fault).
    /// `Err(Some(rc))` is a server result code, `Err(None)` a client-side failure.
    pub fn expects(self, answer: &Result<(), Option<ResultCode>>) -> bool {
        matches!(
            (self, answer),
            (Op::ReadUser(_) | Op::Upsert(_), Ok(()))
                | (Op::ReadMissing(_), Err(Some(ResultCode::KeyNotFoundError)))
                | (Op::InsertExisting(_), Err(Some(ResultCode::KeyExistsError)))
        )
    }
}

/// The `n`-th operation of the workload, for a dataset of `users` demo records.
/// Per cycle of [`CYCLE`]: 35 reads of existing records, 2 not-found reads, 12 upserts,
/// 1 failing create-only insert (of the key upserted first in the same cycle).
pub fn op_for(n: u64, users: u64) -> Op {
    let cycle = n / CYCLE;
    let pos = n % CYCLE;
    let first_write = (cycle * 12) % KEY_SPACE;
    match pos {
        0..=34 => Op::ReadUser((n * 37) % users.max(1)),
        35..=36 => Op::ReadMissing(n % KEY_SPACE),
        37..=48 => Op::Upsert((first_write + pos - 37) % KEY_SPACE),
        _ => Op::InsertExisting(first_write),
    }
}

/// How many operations tick `k` (0-based, one every [`TICK`]) runs so that each second
/// runs exactly `ops_per_sec`, spread as evenly as possible.
pub fn ops_in_tick(ops_per_sec: u32, k: u64) -> u64 {
    let rate = u64::from(ops_per_sec);
    let t = k % TICKS_PER_SEC;
    rate * (t + 1) / TICKS_PER_SEC - rate * t / TICKS_PER_SEC
}

/// Where the workload goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// Seed hosts, `host:port,...`.
    pub hosts: String,
    /// Cluster name the node reports.
    pub cluster_name: String,
    /// Namespace holding the `users` demo set (the traffic set is written there too).
    pub namespace: String,
    /// Number of `users` records (keys `user0000`..).
    pub users: u64,
}

/// Drive `ops_per_sec` operations per second at `target` until `stop` turns true (or its
/// sender is dropped). Returns how many operations ran. Connection failures are logged and
/// end the workload; they never affect the manager.
pub async fn run(target: Target, ops_per_sec: u32, mut stop: watch::Receiver<bool>) -> u64 {
    if ops_per_sec == 0 {
        return 0;
    }
    let spec = ConnectSpec {
        hosts: target.hosts.clone(),
        cluster_name: Some(target.cluster_name.clone()),
        user: None,
        password: None,
        use_services_alternate: false,
        connect_timeout_ms: 5_000,
    };
    let client = tokio::select! {
        c = connect(&spec) => match c {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "demo traffic disabled: cannot connect to the demo node");
                return 0;
            }
        },
        _ = stop.wait_for(|s| *s) => return 0,
    };
    tracing::info!(
        ops_per_sec,
        namespace = %target.namespace,
        set = TRAFFIC_SET,
        "demo traffic: synthetic client load against the fake demo node \
         (reads of demo records, writes to its own set); --demo-traffic 0 turns it off"
    );
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut k = 0u64;
    let mut n = 0u64;
    let mut failing = false;
    'outer: loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        for _ in 0..ops_in_tick(ops_per_sec, k) {
            if *stop.borrow() {
                break 'outer;
            }
            let op = op_for(n, target.users);
            let rc = execute(&client, &target.namespace, op).await;
            match (op.expects(&rc), failing) {
                (false, false) => {
                    failing = true;
                    tracing::warn!(?op, result = ?rc, "demo traffic: unexpected answer from the demo node");
                }
                (true, true) => {
                    failing = false;
                    tracing::info!("demo traffic: the demo node answers as expected again");
                }
                _ => {}
            }
            n += 1;
        }
        k += 1;
    }
    let _ = client.close().await;
    tracing::debug!(operations = n, "demo traffic stopped");
    n
}

/// Run one operation; `Err(Some(rc))` is a server answer, `Err(None)` any other failure.
async fn execute(client: &Client, ns: &str, op: Op) -> Result<(), Option<ResultCode>> {
    let mut read = ReadPolicy::default();
    read.base_policy.total_timeout = OP_TIMEOUT_MS;
    let mut write = WritePolicy::default();
    write.base_policy.total_timeout = OP_TIMEOUT_MS;
    let key = |set: &str, k: String| Key::new(ns, set, Value::from(k)).map_err(|_| None);
    let res = match op {
        Op::ReadUser(i) => {
            let k = key(USERS_SET, format!("user{i:04}"))?;
            client.get(&read, &k, Bins::All).await.map(drop)
        }
        Op::ReadMissing(i) => {
            let k = key(TRAFFIC_SET, format!("missing-{i}"))?;
            client.get(&read, &k, Bins::All).await.map(drop)
        }
        Op::Upsert(i) | Op::InsertExisting(i) => {
            if matches!(op, Op::InsertExisting(_)) {
                write.record_exists_action = RecordExistsAction::CreateOnly;
            }
            let k = key(TRAFFIC_SET, format!("t{i:02}"))?;
            let now = jiff::Timestamp::now().as_millisecond();
            let bins = [
                Bin::new("slot", Value::from(i as i64)),
                Bin::new("updated_ms", Value::from(now)),
                Bin::new("source", Value::from("acm --demo-traffic")),
            ];
            client.put(&write, &k, &bins).await
        }
    };
    res.map_err(|e| e.server_result_code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn schedule_mix_per_cycle() {
        let ops: Vec<Op> = (0..CYCLE).map(|n| op_for(n, 200)).collect();
        let count = |f: fn(&Op) -> bool| ops.iter().filter(|o| f(o)).count();
        assert_eq!(count(|o| matches!(o, Op::ReadUser(_))), 35);
        assert_eq!(count(|o| matches!(o, Op::ReadMissing(_))), 2);
        assert_eq!(count(|o| matches!(o, Op::Upsert(_))), 12);
        assert_eq!(count(|o| matches!(o, Op::InsertExisting(_))), 1);
    }

    #[test]
    fn expected_answers() {
        assert!(Op::ReadUser(1).expects(&Ok(())));
        assert!(!Op::ReadUser(1).expects(&Err(Some(ResultCode::KeyNotFoundError))));
        assert!(Op::ReadMissing(1).expects(&Err(Some(ResultCode::KeyNotFoundError))));
        assert!(!Op::ReadMissing(1).expects(&Ok(())));
        assert!(!Op::ReadMissing(1).expects(&Err(None)));
        assert!(Op::InsertExisting(1).expects(&Err(Some(ResultCode::KeyExistsError))));
        assert!(!Op::InsertExisting(1).expects(&Ok(())));
        assert!(!Op::Upsert(1).expects(&Err(Some(ResultCode::Timeout))));
    }

    #[test]
    fn whole_second_runs_the_rate() {
        for rate in [0, 1, 7, 10, 50, 333, MAX_OPS_PER_SEC] {
            let total: u64 = (0..TICKS_PER_SEC).map(|k| ops_in_tick(rate, k)).sum();
            assert_eq!(total, u64::from(rate), "rate {rate}");
        }
        assert_eq!(ops_in_tick(50, 3), 5);
    }

    proptest! {
        #[test]
        fn keys_stay_bounded_and_inserts_hit_written_keys(start in 0u64..1_000_000, users in 1u64..500) {
            let cycle_start = start - start % CYCLE;
            let ops: Vec<Op> = (cycle_start..cycle_start + CYCLE).map(|n| op_for(n, users)).collect();
            let mut written = std::collections::HashSet::new();
            for op in ops {
                match op {
                    Op::ReadUser(i) => prop_assert!(i < users),
                    Op::ReadMissing(i) => prop_assert!(i < KEY_SPACE),
                    Op::Upsert(i) => { prop_assert!(i < KEY_SPACE); written.insert(i); }
                    Op::InsertExisting(i) => prop_assert!(written.contains(&i), "insert of unwritten t{i}"),
                }
            }
        }

        #[test]
        fn ticks_never_exceed_rate_share(rate in 0u32..=MAX_OPS_PER_SEC, k in 0u64..10_000) {
            let per_tick = u64::from(rate).div_ceil(TICKS_PER_SEC);
            prop_assert!(ops_in_tick(rate, k) <= per_tick);
        }
    }
}

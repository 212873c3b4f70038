//! Exactly-once delivery on top of the aerospike client's at-least-once record streams.
//!
//! When a node fails mid-query the client re-runs that node's partitions from the last record
//! the consumer took, but records of the failed attempt still in its queue reach the consumer
//! too (their cursor commits are dropped as stale). So a record can come twice, and the
//! client's resume cursor can lag behind records already received. Paged reads trim each round
//! to the committed cursor ([`keep_committed`]); single-stream reads (exports, AQL `SELECT`)
//! drop copies within a bounded window ([`RecentDigests`]).

use aerospike::Record;

use crate::cursor::{CursorState, PartState};
use crate::scan::partition_of;

/// Make the records of one round (`records[before..]`) agree with the resume cursor the
/// client committed for it (pure); returns how many records were dropped.
///
/// When a node fails mid-round the client runs the failed partitions again from their last
/// committed digest, but records of the failed attempt that were still buffered reach the
/// caller too, without moving the cursor. So a record can arrive twice, and the last records
/// of a partition can lie beyond its committed position (the next round would read them
/// again). Keeping, per partition, the first copy of each record up to the committed record
/// makes every page exactly-once: what is dropped here is read again from the cursor.
pub fn keep_committed(records: &mut Vec<Record>, before: usize, committed: &CursorState) -> usize {
    use std::collections::HashMap;
    let round = &records[before..];
    let digest_of = |r: &Record| r.key.as_ref().map(aerospike::Key::digest);
    // Per partition: how many of its (first-copy) records to keep, in arrival order.
    let mut limit: HashMap<usize, usize> = HashMap::new();
    let mut seen = DigestSet::with_capacity_and_hasher(round.len(), Default::default());
    let mut first_copy = Vec::with_capacity(round.len());
    let mut count: HashMap<usize, usize> = HashMap::new();
    for r in round {
        let fresh = digest_of(r).is_none_or(|d| seen.insert(d));
        first_copy.push(fresh);
        let (Some(p), Some(d), true) = (partition_of(r), digest_of(r), fresh) else {
            continue;
        };
        let n = count.entry(p).or_default();
        *n += 1;
        let at_cursor = p
            .checked_sub(committed.begin)
            .and_then(|i| committed.parts.get(i))
            .is_some_and(|st| matches!(st, PartState::Resume { digest: Some(c), .. } if *c == d));
        if at_cursor {
            limit.entry(p).or_insert(*n);
        }
    }
    let mut kept_of: HashMap<usize, usize> = HashMap::new();
    let mut i = 0;
    let len_before = records.len();
    records.retain(|r| {
        let idx = i;
        i += 1;
        if idx < before {
            return true;
        }
        if !first_copy[idx - before] {
            return false;
        }
        let Some(p) = partition_of(r) else {
            return true;
        };
        let k = kept_of.entry(p).or_default();
        *k += 1;
        *k <= limit.get(&p).copied().unwrap_or(0)
    });
    len_before - records.len()
}

/// Hashes a record digest by its first 8 bytes: digests are RIPEMD-160 outputs, already
/// uniform, so hashing them again (SipHash) would only cost time on every record.
#[derive(Default, Clone, Copy)]
pub struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut head = [0u8; 8];
        let n = bytes.len().min(8);
        head[..n].copy_from_slice(&bytes[..n]);
        self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(head);
    }
    // The slice length prefix of `[u8; 20]` carries nothing.
    fn write_usize(&mut self, _: usize) {}
}

/// A set of record digests.
pub type DigestSet =
    std::collections::HashSet<[u8; 20], std::hash::BuildHasherDefault<DigestHasher>>;

/// The digests of the last [`RecentDigests::CAPACITY`] records (a bounded set), for the
/// record streams that are not paged (exports, AQL SELECT).
///
/// When a node fails mid-scan the client re-reads its partitions from the last record
/// the consumer took, and records that were still buffered reach the consumer a second
/// time. Those copies are at most one client queue (1,024 records by default, plus one
/// batch of 64) behind their first delivery, so a window of 8,192 digests drops every
/// one of them while memory stays flat (about 0.5 MB) whatever the size of the export.
#[derive(Default)]
pub struct RecentDigests {
    set: DigestSet,
    order: std::collections::VecDeque<[u8; 20]>,
}

impl RecentDigests {
    /// Records remembered.
    pub const CAPACITY: usize = 8192;

    /// Remember `digest`; false when it is already among the recent ones.
    pub fn insert(&mut self, digest: [u8; 20]) -> bool {
        if !self.set.insert(digest) {
            return false;
        }
        self.order.push_back(digest);
        if self.order.len() > Self::CAPACITY
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(user_key: i64) -> Record {
        let key = aerospike::Key::new("test", "s", aerospike::Value::Int(user_key)).unwrap();
        Record::new(Some(key), aerospike::IndexMap::new(), None, 1, 0)
    }

    fn digest(r: &Record) -> [u8; 20] {
        r.key.as_ref().unwrap().digest()
    }

    fn user_keys(rs: &[Record]) -> Vec<String> {
        rs.iter()
            .map(|r| r.key.as_ref().unwrap().user_key().unwrap().to_string())
            .collect()
    }

    /// A cursor over every partition with `at` committed for the partitions of those records.
    fn committed_at(at: &[&Record]) -> CursorState {
        let mut c = CursorState::all();
        for r in at {
            c.parts[partition_of(r).unwrap()] = PartState::Resume {
                digest: Some(digest(r)),
                bval: None,
            };
        }
        c
    }

    /// Two records of one partition, in digest order.
    fn same_partition_pair() -> (Record, Record) {
        let first = rec(0);
        let p = partition_of(&first).unwrap();
        let other = (1..100_000)
            .map(rec)
            .find(|r| partition_of(r) == Some(p))
            .expect("two keys in one partition");
        if digest(&first) < digest(&other) {
            (first, other)
        } else {
            (other, first)
        }
    }

    #[test]
    fn a_round_the_client_ran_cleanly_is_kept_whole() {
        let (a, b) = same_partition_pair();
        let c = rec(7);
        let mut rs = vec![rec(99), a.clone(), b.clone(), c.clone()];
        let cursor = committed_at(&[&b, &c]);
        assert_eq!(keep_committed(&mut rs, 1, &cursor), 0);
        assert_eq!(user_keys(&rs), user_keys(&[rec(99), a, b, c]));
    }

    #[test]
    fn a_record_delivered_twice_in_a_round_is_kept_once() {
        // The client re-ran the partition after a node failure: `b` came again.
        let (a, b) = same_partition_pair();
        let mut rs = vec![a.clone(), b.clone(), b.clone()];
        let cursor = committed_at(&[&b]);
        assert_eq!(keep_committed(&mut rs, 0, &cursor), 1);
        assert_eq!(user_keys(&rs), user_keys(&[a, b]));
    }

    #[test]
    fn records_beyond_the_committed_position_are_left_for_the_next_round() {
        // Buffered records of the failed attempt (`b`) reached the caller but the client's
        // cursor stayed at `a`: `b` must not be returned now (the next round reads it).
        let (a, b) = same_partition_pair();
        let c = rec(7);
        let mut rs = vec![a.clone(), b, c.clone()];
        let cursor = committed_at(&[&a, &c]);
        assert_eq!(keep_committed(&mut rs, 0, &cursor), 1);
        assert_eq!(user_keys(&rs), user_keys(&[a, c]));
    }

    #[test]
    fn a_partition_without_a_committed_record_keeps_nothing_of_this_round() {
        let (a, b) = same_partition_pair();
        let mut rs = vec![rec(99), a, b];
        // Nothing committed this round: the cursor still says Fresh for that partition.
        let cursor = CursorState::all();
        assert_eq!(keep_committed(&mut rs, 1, &cursor), 2);
        assert_eq!(user_keys(&rs), user_keys(&[rec(99)]));
    }

    /// Twelve records of one partition, in digest order.
    fn one_partition() -> &'static [Record] {
        static RECS: std::sync::OnceLock<Vec<Record>> = std::sync::OnceLock::new();
        RECS.get_or_init(|| {
            let p = partition_of(&rec(0)).unwrap();
            let mut v: Vec<Record> = (0..1_000_000)
                .map(rec)
                .filter(|r| partition_of(r) == Some(p))
                .take(12)
                .collect();
            v.sort_by_key(digest);
            v
        })
    }

    proptest::proptest! {
        /// A round in which the client re-ran a partition: the first attempt delivered
        /// `first` records (the cursor committed `early` of them before the re-run), the
        /// re-run delivered `rerun` more from there. What is kept is exactly the records up
        /// to the final committed one, each once, in order.
        #[test]
        fn a_rerun_partition_comes_back_exactly_once(
            first in 0usize..12, early in 0usize..12, rerun in 0usize..12,
        ) {
            let all = one_partition();
            let early = early.min(first);
            let end = (early + rerun).min(all.len());
            let mut rs: Vec<Record> = all[..first].to_vec();
            rs.extend_from_slice(&all[early..end]);
            let last = if end > early { end } else { early };
            let cursor = if last == 0 {
                CursorState::all()
            } else {
                committed_at(&[&all[last - 1]])
            };
            keep_committed(&mut rs, 0, &cursor);
            proptest::prop_assert_eq!(user_keys(&rs), user_keys(&all[..last]));
        }
    }

    fn d(i: u32) -> [u8; 20] {
        let mut d = [0u8; 20];
        d[..4].copy_from_slice(&i.to_be_bytes());
        d
    }

    #[test]
    fn a_record_sent_again_within_the_window_is_dropped_and_memory_stays_bounded() {
        let mut recent = RecentDigests::default();
        let cap = RecentDigests::CAPACITY as u32;
        for i in 0..cap {
            assert!(recent.insert(d(i)));
        }
        // A retry re-sends the last client queue's worth of records: all dropped.
        for i in cap - 1100..cap {
            assert!(!recent.insert(d(i)), "copy of record {i} kept");
        }
        // New records push the oldest out; the set never grows past the window.
        for i in cap..3 * cap {
            assert!(recent.insert(d(i)));
        }
        assert_eq!(recent.set.len(), RecentDigests::CAPACITY);
        assert_eq!(recent.order.len(), RecentDigests::CAPACITY);
        assert!(recent.insert(d(0)), "a digest long gone is new again");
    }
}

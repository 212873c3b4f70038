//! The in-memory record store: namespaces, 4096 partitions each, records ordered by digest.
//!
//! All fake nodes of one cluster share one `Store`; ownership only decides which node answers.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::particle::Particle;

/// Number of partitions per namespace.
pub const PARTITIONS: usize = 4096;
/// Seconds between the Unix epoch and the Aerospike ("citrusleaf") epoch, 2010-01-01 UTC.
pub const CITRUSLEAF_EPOCH: u64 = 1_262_304_000;
/// Bin names longer than this are refused (result code 21).
pub const MAX_BIN_NAME: usize = 15;

/// Seconds since the Aerospike epoch.
pub fn now_cl_secs() -> u32 {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(CITRUSLEAF_EPOCH);
    unix.saturating_sub(CITRUSLEAF_EPOCH) as u32
}

/// Milliseconds since the Aerospike epoch.
pub fn now_cl_millis() -> u64 {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(CITRUSLEAF_EPOCH * 1000);
    unix.saturating_sub(CITRUSLEAF_EPOCH * 1000)
}

/// One record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Set name ("" when none).
    pub set: String,
    /// Stored user key (particle type, bytes) when the client sent it.
    pub key: Option<(u8, Vec<u8>)>,
    /// Bins in insertion order.
    pub bins: Vec<(String, Particle)>,
    /// Generation (1 after the first write).
    pub generation: u32,
    /// Expiry, seconds since the Aerospike epoch; 0 = never.
    pub void_time: u32,
    /// Last update, ms since the Aerospike epoch.
    pub last_update_ms: u64,
}

impl Record {
    /// A fresh record with no bins.
    pub fn new(set: &str) -> Self {
        Self {
            set: set.to_string(),
            key: None,
            bins: Vec::new(),
            generation: 0,
            void_time: 0,
            last_update_ms: 0,
        }
    }
    /// Looks up a bin.
    pub fn bin(&self, name: &str) -> Option<&Particle> {
        self.bins.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }
    /// Sets a bin; a NULL particle removes it.
    pub fn set_bin(&mut self, name: &str, p: Particle) {
        if p.ptype == crate::wire::particle::NULL {
            self.bins.retain(|(n, _)| n != name);
            return;
        }
        match self.bins.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = p,
            None => self.bins.push((name.to_string(), p)),
        }
    }
    /// Approximate stored size in bytes (used for `data_used_bytes`).
    pub fn size_bytes(&self) -> u64 {
        let bins: usize = self
            .bins
            .iter()
            .map(|(n, p)| n.len() + p.data.len() + 4)
            .sum();
        (bins + self.set.len() + self.key.as_ref().map_or(0, |k| k.1.len() + 1) + 40) as u64
    }
    /// Whether the record has expired at `now` (Aerospike-epoch seconds).
    pub fn expired(&self, now: u32) -> bool {
        self.void_time != 0 && self.void_time <= now
    }
}

/// Per-set bookkeeping that survives the records (truncation time).
#[derive(Debug, Clone, Default)]
pub struct SetMeta {
    /// Last truncate time, ms since the Aerospike epoch (0 = never).
    pub truncate_lut: u64,
}

/// One namespace.
#[derive(Debug, Clone)]
pub struct Namespace {
    /// Name.
    pub name: String,
    /// Records per partition, ordered by digest.
    pub partitions: Vec<BTreeMap<[u8; 20], Record>>,
    /// Sets ever seen (kept after truncation, like the server).
    pub sets: BTreeMap<String, SetMeta>,
    /// Namespace-wide truncate time (ms since the Aerospike epoch).
    pub truncate_lut: u64,
    /// Namespace configuration (`get-config:context=namespace`).
    pub config: BTreeMap<String, String>,
    /// Per partition: (objects, bytes) per set, kept current by `put`, `remove`, `get` (expiry)
    /// and `truncate`, so `set_usage` does not walk every record (the manager asks `sets` on
    /// every first page and every metrics sample).
    usage: Vec<HashMap<String, (u64, u64)>>,
    /// Per partition: the earliest void time ever stored there (0 = none). Once it has passed,
    /// the partition may hold expired records and `set_usage` counts it record by record.
    earliest_void: Vec<u32>,
}

impl Namespace {
    /// An empty namespace with CE-like default configuration.
    pub fn new(name: &str, replication_factor: usize) -> Self {
        let mut config = BTreeMap::new();
        for (k, v) in [
            ("allow-ttl-without-nsup", "false"),
            ("default-read-touch-ttl-pct", "0"),
            ("default-ttl", "0"),
            ("disable-write-dup-res", "false"),
            ("evict-tenths-pct", "5"),
            ("index-type", "shmem"),
            ("nsup-hist-period", "3600"),
            ("nsup-period", "0"),
            ("stop-writes-sys-memory-pct", "90"),
            ("storage-engine", "memory"),
            ("strong-consistency", "false"),
        ] {
            config.insert(k.to_string(), v.to_string());
        }
        config.insert(
            "replication-factor".to_string(),
            replication_factor.to_string(),
        );
        Self {
            name: name.to_string(),
            partitions: vec![BTreeMap::new(); PARTITIONS],
            sets: BTreeMap::new(),
            truncate_lut: 0,
            config,
            usage: vec![HashMap::new(); PARTITIONS],
            earliest_void: vec![0; PARTITIONS],
        }
    }

    /// `default-ttl` in seconds.
    pub fn default_ttl(&self) -> u32 {
        self.config
            .get("default-ttl")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Looks up a live record, dropping it if it has expired.
    pub fn get(&mut self, digest: &[u8; 20]) -> Option<&Record> {
        let pid = crate::particle::partition_of(digest) as usize;
        let now = now_cl_secs();
        if self.partitions[pid]
            .get(digest)
            .is_some_and(|r| r.expired(now))
            && let Some(old) = self.partitions[pid].remove(digest)
        {
            self.forget(pid, &old);
        }
        self.partitions[pid].get(digest)
    }

    fn count(&mut self, pid: usize, rec: &Record) {
        let e = self.usage[pid].entry(rec.set.clone()).or_default();
        e.0 += 1;
        e.1 += rec.size_bytes();
        let v = &mut self.earliest_void[pid];
        if rec.void_time != 0 && (*v == 0 || rec.void_time < *v) {
            *v = rec.void_time;
        }
    }

    fn forget(&mut self, pid: usize, rec: &Record) {
        if let Some(e) = self.usage[pid].get_mut(&rec.set) {
            e.0 = e.0.saturating_sub(1);
            e.1 = e.1.saturating_sub(rec.size_bytes());
            if e.0 == 0 {
                self.usage[pid].remove(&rec.set);
            }
        }
    }

    fn recount(&mut self, pid: usize) {
        let mut usage: HashMap<String, (u64, u64)> = HashMap::new();
        let mut void = 0;
        for r in self.partitions[pid].values() {
            let e = usage.entry(r.set.clone()).or_default();
            e.0 += 1;
            e.1 += r.size_bytes();
            if r.void_time != 0 && (void == 0 || r.void_time < void) {
                void = r.void_time;
            }
        }
        self.usage[pid] = usage;
        self.earliest_void[pid] = void;
    }

    /// Inserts or replaces a record.
    pub fn put(&mut self, digest: [u8; 20], rec: Record) {
        if !rec.set.is_empty() {
            self.sets.entry(rec.set.clone()).or_default();
        }
        let pid = crate::particle::partition_of(&digest) as usize;
        self.count(pid, &rec);
        if let Some(old) = self.partitions[pid].insert(digest, rec) {
            self.forget(pid, &old);
        }
    }

    /// Removes a record; returns whether it existed (and was live).
    pub fn remove(&mut self, digest: &[u8; 20]) -> bool {
        let pid = crate::particle::partition_of(digest) as usize;
        let now = now_cl_secs();
        let old = self.partitions[pid].remove(digest);
        if let Some(old) = &old {
            self.forget(pid, old);
        }
        old.is_some_and(|r| !r.expired(now))
    }

    /// Removes every record of `set` (all sets when `None`) last updated before `before_ms`.
    pub fn truncate(&mut self, set: Option<&str>, before_ms: u64) -> usize {
        let mut removed = 0;
        for pid in 0..self.partitions.len() {
            let part = &mut self.partitions[pid];
            let before = part.len();
            part.retain(|_, r| {
                let in_scope = set.is_none_or(|s| r.set == s);
                !(in_scope && r.last_update_ms <= before_ms)
            });
            let gone = before - part.len();
            if gone > 0 {
                self.recount(pid);
            }
            removed += gone;
        }
        match set {
            Some(s) => self.sets.entry(s.to_string()).or_default().truncate_lut = before_ms,
            None => self.truncate_lut = before_ms,
        }
        removed
    }

    /// Live record count and bytes per set, for partitions selected by `owned`.
    pub fn set_usage(&self, owned: &dyn Fn(usize) -> bool) -> HashMap<String, (u64, u64)> {
        let now = now_cl_secs();
        let mut out: HashMap<String, (u64, u64)> = HashMap::new();
        for (pid, part) in self.partitions.iter().enumerate() {
            if !owned(pid) {
                continue;
            }
            let void = self.earliest_void[pid];
            if void != 0 && void <= now {
                // Something here may have expired: count the live records one by one.
                for r in part.values().filter(|r| !r.expired(now)) {
                    let e = out.entry(r.set.clone()).or_default();
                    e.0 += 1;
                    e.1 += r.size_bytes();
                }
                continue;
            }
            for (set, (objects, bytes)) in &self.usage[pid] {
                let e = out.entry(set.clone()).or_default();
                e.0 += objects;
                e.1 += bytes;
            }
        }
        out
    }
}

/// All namespaces.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// Namespaces by name.
    pub namespaces: BTreeMap<String, Namespace>,
    /// Namespace names in configuration order (as `namespaces` lists them).
    pub order: Vec<String>,
}

impl Store {
    /// A store with the given namespaces.
    pub fn new(names: &[String], replication_factor: usize) -> Self {
        Self {
            namespaces: names
                .iter()
                .map(|n| (n.clone(), Namespace::new(n, replication_factor)))
                .collect(),
            order: names.to_vec(),
        }
    }
}

/// Computes a record's new void time from a request TTL.
///
/// `0` = namespace default, `u32::MAX` (-1) = never expire, `u32::MAX - 1` (-2) = keep the
/// current expiry, anything else = now + ttl seconds.
pub fn void_time_for(ttl: u32, default_ttl: u32, current: Option<u32>) -> u32 {
    let now = now_cl_secs();
    match ttl {
        u32::MAX => 0,
        0xFFFF_FFFE => current.unwrap_or(if default_ttl == 0 {
            0
        } else {
            now.saturating_add(default_ttl)
        }),
        0 if default_ttl == 0 => 0,
        0 => now.saturating_add(default_ttl),
        t => now.saturating_add(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::particle::{Value, digest};

    #[test]
    fn ttl_rules() {
        assert_eq!(void_time_for(u32::MAX, 100, None), 0);
        assert_eq!(void_time_for(0, 0, None), 0);
        assert_eq!(void_time_for(0xFFFF_FFFE, 0, Some(77)), 77);
        assert!(void_time_for(10, 0, None) >= now_cl_secs() + 9);
    }

    #[test]
    fn truncate_keeps_set_listed() {
        let mut ns = Namespace::new("test", 1);
        let d = digest("s", 3, b"k");
        let mut r = Record::new("s");
        r.set_bin("a", Particle::from_value(&Value::Int(1)));
        ns.put(d, r);
        assert!(ns.get(&d).is_some());
        assert_eq!(ns.truncate(Some("s"), now_cl_millis() + 1), 1);
        assert!(ns.get(&d).is_none());
        assert!(ns.sets["s"].truncate_lut > 0);
    }

    /// What `set_usage` must equal: every live record counted one by one.
    fn walked(ns: &Namespace, owned: &dyn Fn(usize) -> bool) -> HashMap<String, (u64, u64)> {
        let now = now_cl_secs();
        let mut out: HashMap<String, (u64, u64)> = HashMap::new();
        for (pid, part) in ns.partitions.iter().enumerate() {
            if owned(pid) {
                for r in part.values().filter(|r| !r.expired(now)) {
                    let e = out.entry(r.set.clone()).or_default();
                    e.0 += 1;
                    e.1 += r.size_bytes();
                }
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The kept per-partition counts equal a full walk after any sequence of writes
        /// (replacing records of other sizes and sets), deletes, truncates and expired records.
        #[test]
        fn set_usage_equals_a_full_walk(
            ops in proptest::collection::vec((0u8..4, 0u8..40, 0u8..3, 0usize..6), 1..200)
        ) {
            let mut ns = Namespace::new("test", 1);
            let sets = ["a", "b", ""];
            for (op, key, set, bins) in ops {
                let d = digest("k", 3, &[key]);
                match op {
                    0 | 1 => {
                        let mut r = Record::new(sets[set as usize]);
                        for i in 0..bins {
                            r.set_bin(&format!("b{i}"), Particle::from_value(&Value::Int(i as i64)));
                        }
                        // op 1: already expired (void time in the past).
                        r.void_time = if op == 1 { 1 } else { 0 };
                        ns.put(d, r);
                    }
                    2 => {
                        ns.remove(&d);
                    }
                    _ => {
                        ns.truncate(Some(sets[set as usize]), now_cl_millis() + 1);
                    }
                }
                let even = |p: usize| p.is_multiple_of(2);
                proptest::prop_assert_eq!(ns.set_usage(&|_| true), walked(&ns, &|_| true));
                proptest::prop_assert_eq!(ns.set_usage(&even), walked(&ns, &even));
            }
        }
    }

    #[test]
    fn nil_bin_write_removes_the_bin() {
        let mut r = Record::new("");
        r.set_bin("a", Particle::from_value(&Value::Int(1)));
        r.set_bin("a", Particle::from_value(&Value::Nil));
        assert!(r.bins.is_empty());
    }
}

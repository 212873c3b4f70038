//! Opaque page cursors: the resume state of an Aerospike partition scan, packed into a
//! compact base64url token.
//!
//! A token holds, for the partition range of the scan, which partitions are finished,
//! and for each partially read partition the digest (and `bval`) of the last record
//! returned. Partitions neither finished nor partially read start from the beginning.
//! A fingerprint of the query (namespace, set, predicate, filter) is included so a
//! cursor cannot be replayed against another query.
//!
//! Layout (version 1): `ver u8 | fingerprint u64 | seen u64 | begin u16 | count u16 |
//! done-bitmap ⌈count/8⌉ bytes | n u16 | n × (id u16, flags u8, [digest 20], [bval u64])`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use aerospike::PartitionFilter;
use aerospike::query::PartitionStatus;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

const VERSION: u8 = 1;
const PARTITIONS: usize = 4096;

/// Resume state of one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartState {
    /// Fully read.
    Done,
    /// Not read yet.
    Fresh,
    /// Partially read: resume after `digest`.
    Resume {
        /// Digest of the last record returned.
        digest: Option<[u8; 20]>,
        /// Secondary-index query position.
        bval: Option<u64>,
    },
}

/// Decoded cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorState {
    /// First partition of the range.
    pub begin: usize,
    /// States of partitions `begin..begin+len`.
    pub parts: Vec<PartState>,
    /// Records already returned by earlier pages (for `maxRecords`).
    pub seen: u64,
}

impl CursorState {
    /// A fresh scan of all partitions.
    pub fn all() -> Self {
        Self {
            begin: 0,
            parts: vec![PartState::Fresh; PARTITIONS],
            seen: 0,
        }
    }

    /// A fresh window of `len` partitions starting at `begin` (`len` 0 = finished).
    pub fn window(begin: usize, len: usize) -> Self {
        Self {
            begin,
            parts: vec![PartState::Fresh; len],
            seen: 0,
        }
    }

    /// The first window of a scan.
    pub fn start() -> Self {
        Self::window(0, crate::scan::FIRST_WINDOW)
    }

    /// True when nothing remains: past the last partition, or every partition finished.
    pub fn is_complete(&self) -> bool {
        self.begin >= PARTITIONS || self.parts.iter().all(|p| *p == PartState::Done)
    }

    /// Read the resume state out of a filter returned by a finished query.
    pub fn from_filter(filter: &PartitionFilter) -> Self {
        let parts = match &filter.partitions {
            None => vec![PartState::Fresh; filter.count],
            Some(parts) => parts
                .iter()
                .map(|p| {
                    let p = p.lock();
                    if !p.retry {
                        PartState::Done
                    } else if p.digest.is_none() && p.bval.is_none() {
                        PartState::Fresh
                    } else {
                        PartState::Resume {
                            digest: p.digest,
                            bval: p.bval,
                        }
                    }
                })
                .collect(),
        };
        Self {
            begin: filter.begin,
            parts,
            seen: 0,
        }
    }

    /// Build the filter that resumes the scan. Finished partitions are not queried.
    pub fn to_filter(&self) -> PartitionFilter {
        let mut filter = PartitionFilter::by_range(self.begin, self.parts.len().max(1));
        let statuses = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let mut ps = PartitionStatus::new(self.begin + i);
                match st {
                    PartState::Done => ps.retry = false,
                    PartState::Fresh => ps.retry = true,
                    PartState::Resume { digest, bval } => {
                        ps.retry = true;
                        ps.digest = *digest;
                        ps.bval = *bval;
                    }
                }
                parking_lot::Mutex::new(ps)
            })
            .collect();
        filter.partitions = Some(Arc::new(statuses));
        filter
    }

    /// Encode with the query fingerprint.
    pub fn encode(&self, fingerprint: u64) -> String {
        let count = self.parts.len();
        let mut out = Vec::with_capacity(16 + count / 8);
        out.push(VERSION);
        out.extend_from_slice(&fingerprint.to_be_bytes());
        out.extend_from_slice(&self.seen.to_be_bytes());
        out.extend_from_slice(&(self.begin as u16).to_be_bytes());
        out.extend_from_slice(&(count as u16).to_be_bytes());
        let mut bitmap = vec![0u8; count.div_ceil(8)];
        let mut resume = Vec::new();
        for (i, p) in self.parts.iter().enumerate() {
            match p {
                PartState::Done => bitmap[i / 8] |= 1 << (i % 8),
                PartState::Fresh => {}
                PartState::Resume { digest, bval } => resume.push((i, digest, bval)),
            }
        }
        out.extend_from_slice(&bitmap);
        out.extend_from_slice(&(resume.len() as u16).to_be_bytes());
        for (i, digest, bval) in resume {
            out.extend_from_slice(&((self.begin + i) as u16).to_be_bytes());
            let flags = u8::from(digest.is_some()) | (u8::from(bval.is_some()) << 1);
            out.push(flags);
            if let Some(d) = digest {
                out.extend_from_slice(d);
            }
            if let Some(b) = bval {
                out.extend_from_slice(&b.to_be_bytes());
            }
        }
        B64.encode(out)
    }

    /// Decode a token, checking it belongs to the query with `fingerprint`.
    pub fn decode(token: &str, fingerprint: u64) -> Result<Self, ApiError> {
        let bad = |why: &str| {
            ApiError::field(
                "cursor",
                format!("invalid cursor: {why}; start again without a cursor"),
            )
            .with_code("bad_cursor")
        };
        let bytes = B64.decode(token.trim()).map_err(|_| bad("not base64url"))?;
        let mut r = Reader(&bytes);
        if r.u8().ok_or_else(|| bad("empty"))? != VERSION {
            return Err(bad("unknown version"));
        }
        let fp = r.u64().ok_or_else(|| bad("truncated"))?;
        if fp != fingerprint {
            return Err(bad("it was issued for a different query"));
        }
        let seen = r.u64().ok_or_else(|| bad("truncated"))?;
        let begin = usize::from(r.u16().ok_or_else(|| bad("truncated"))?);
        let count = usize::from(r.u16().ok_or_else(|| bad("truncated"))?);
        if count == 0 || begin + count > PARTITIONS {
            return Err(bad("partition range out of bounds"));
        }
        let bitmap = r.take(count.div_ceil(8)).ok_or_else(|| bad("truncated"))?;
        let mut parts: Vec<PartState> = (0..count)
            .map(|i| {
                if bitmap[i / 8] & (1 << (i % 8)) != 0 {
                    PartState::Done
                } else {
                    PartState::Fresh
                }
            })
            .collect();
        let n = r.u16().ok_or_else(|| bad("truncated"))?;
        for _ in 0..n {
            let id = usize::from(r.u16().ok_or_else(|| bad("truncated"))?);
            let flags = r.u8().ok_or_else(|| bad("truncated"))?;
            let digest = if flags & 1 != 0 {
                let d: [u8; 20] = r
                    .take(20)
                    .and_then(|s| s.try_into().ok())
                    .ok_or_else(|| bad("truncated"))?;
                Some(d)
            } else {
                None
            };
            let bval = if flags & 2 != 0 {
                Some(r.u64().ok_or_else(|| bad("truncated"))?)
            } else {
                None
            };
            let slot = id
                .checked_sub(begin)
                .and_then(|i| parts.get_mut(i))
                .ok_or_else(|| bad("partition outside range"))?;
            if *slot == PartState::Done {
                return Err(bad("partition both finished and partial"));
            }
            *slot = PartState::Resume { digest, bval };
        }
        if !r.0.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(Self { begin, parts, seen })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_be_bytes([s[0], s[1]]))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_be_bytes)
    }
}

/// Longest token carried inline; larger states are kept server-side.
pub const MAX_INLINE: usize = 2048;
const STORE_CAPACITY: usize = 128;

/// Stored states by id, and ids oldest first.
type StoreInner = (HashMap<String, Vec<u8>>, VecDeque<String>);

/// Issues and resolves page tokens. Small cursor states travel inside the token; a
/// state too large for a URL (a deep scan touches up to 4096 partitions, each with a
/// 20-byte resume digest) is kept in a bounded in-memory store and the token refers to
/// it (`~<id>`). Referenced states expire when the store evicts them (it keeps the most
/// recent 128) or when the manager restarts.
#[derive(Default)]
pub struct CursorStore {
    inner: parking_lot::Mutex<StoreInner>,
}

impl std::fmt::Debug for CursorStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorStore")
    }
}

impl CursorStore {
    /// A token for `state`.
    pub fn issue(&self, state: &CursorState, fingerprint: u64) -> String {
        let inline = state.encode(fingerprint);
        if inline.len() <= MAX_INLINE {
            return inline;
        }
        let mut id = [0u8; 16];
        if getrandom::fill(&mut id).is_err() {
            return inline;
        }
        let id = B64.encode(id);
        let bytes = B64.decode(&inline).unwrap_or_default();
        let mut g = self.inner.lock();
        g.0.insert(id.clone(), bytes);
        g.1.push_back(id.clone());
        while g.1.len() > STORE_CAPACITY {
            if let Some(old) = g.1.pop_front() {
                g.0.remove(&old);
            }
        }
        format!("~{id}")
    }

    /// Resolve a token issued by [`issue`](Self::issue).
    pub fn resolve(&self, token: &str, fingerprint: u64) -> Result<CursorState, ApiError> {
        match token.strip_prefix('~') {
            Some(id) => {
                let bytes = self.inner.lock().0.get(id).cloned().ok_or_else(|| {
                    ApiError::field(
                        "cursor",
                        "this cursor expired (the manager keeps the 128 most recent large \
                         cursors, and none across restarts); start again without a cursor",
                    )
                    .with_code("bad_cursor")
                })?;
                CursorState::decode(&B64.encode(bytes), fingerprint)
            }
            None => CursorState::decode(token, fingerprint),
        }
    }
}

/// Fingerprint of a query description (any stable string).
pub fn fingerprint(parts: &[&str]) -> u64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    u64::from_be_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fresh_state_is_small_and_round_trips() {
        let s = CursorState::all();
        let t = s.encode(7);
        assert!(t.len() < 800, "token is {} chars", t.len());
        assert_eq!(CursorState::decode(&t, 7).unwrap(), s);
        let e = CursorState::decode(&t, 8).unwrap_err();
        assert_eq!(e.code, "bad_cursor");
        assert!(e.detail.contains("different query"));
        assert_eq!(CursorState::decode("!!", 7).unwrap_err().code, "bad_cursor");
        assert_eq!(CursorState::decode("", 7).unwrap_err().code, "bad_cursor");
    }

    #[test]
    fn store_evicts_oldest_large_cursors() {
        let store = CursorStore::default();
        let mut s = CursorState::all();
        for p in &mut s.parts {
            *p = PartState::Resume {
                digest: Some([1; 20]),
                bval: None,
            };
        }
        let first = store.issue(&s, 1);
        for _ in 0..STORE_CAPACITY {
            store.issue(&s, 1);
        }
        let e = store.resolve(&first, 1).unwrap_err();
        assert_eq!(e.code, "bad_cursor");
        assert!(e.detail.contains("expired"));
        assert!(store.resolve("~nope", 1).is_err());
    }

    #[test]
    fn filter_round_trip_keeps_resume_points() {
        let mut s = CursorState::all();
        s.parts[0] = PartState::Done;
        s.seen = 0;
        s.parts[5] = PartState::Resume {
            digest: Some([9; 20]),
            bval: Some(3),
        };
        let f = s.to_filter();
        assert_eq!(CursorState::from_filter(&f), s);
        assert!(!f.done());
    }

    fn arb_part() -> impl Strategy<Value = PartState> {
        prop_oneof![
            Just(PartState::Done),
            Just(PartState::Fresh),
            (
                proptest::option::of(any::<[u8; 20]>()),
                proptest::option::of(any::<u64>())
            )
                .prop_map(|(digest, bval)| PartState::Resume { digest, bval }),
        ]
    }

    proptest! {
        #[test]
        fn store_round_trip_never_panics_for_big_states(n in 0usize..4096) {
        let store = CursorStore::default();
        let mut s = CursorState::all();
        for p in s.parts.iter_mut().take(n) {
            *p = PartState::Resume { digest: Some([7; 20]), bval: None };
        }
        let t = store.issue(&s, 9);
        prop_assert_eq!(t.starts_with('~'), s.encode(9).len() > MAX_INLINE);
        prop_assert_eq!(store.resolve(&t, 9).unwrap(), s.clone());
        prop_assert!(store.resolve(&t, 8).is_err());
    }

    #[test]
    fn encode_decode_round_trip(begin in 0usize..4000, parts in proptest::collection::vec(arb_part(), 1..96), fp in any::<u64>(), seen in any::<u64>()) {
            let s = CursorState { begin, parts, seen };
            let t = s.encode(fp);
            prop_assert_eq!(CursorState::decode(&t, fp).unwrap(), s);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = CursorState::decode(&B64.encode(bytes), 1);
        }
    }
}

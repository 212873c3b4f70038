//! Scriptable behaviour for test scenarios: injected failures, injected latency, migrations
//! that count down, and a log of `set-config` calls.

use std::time::Duration;

/// Kinds of data requests that can be made to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgKind {
    /// Single-record reads (get, exists, read-only operate).
    Read,
    /// Single-record writes (put, delete, touch, add, append, writing operate).
    Write,
    /// Batch requests.
    Batch,
    /// Scans and queries.
    Query,
}

/// An info command made to fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoFailure {
    /// Applies to commands whose verb (text before `:`/`/`) equals this.
    pub verb: String,
    /// Reply value sent instead (e.g. `ERROR:1:injected failure`).
    pub reply: String,
    /// How many more times to fail (None = forever).
    pub remaining: Option<u32>,
    /// Only on this node index (None = every node).
    pub node: Option<usize>,
}

/// A data request kind made to fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgFailure {
    /// Which requests.
    pub kind: MsgKind,
    /// Result code to answer.
    pub result_code: u8,
    /// How many more times to fail (None = forever).
    pub remaining: Option<u32>,
}

/// One recorded `set-config` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetConfigCall {
    /// Node id (hex) that received it.
    pub node: String,
    /// Full command text.
    pub command: String,
    /// Reply value sent.
    pub reply: String,
}

/// One info command as a node received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedInfo {
    /// Node index (0-based).
    pub node: usize,
    /// The command, one line of the request body.
    pub command: String,
}

/// Migration progress reported by the nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Migrations {
    /// Partitions still to migrate (cluster-wide).
    pub remaining: u64,
    /// Partitions completed at each status poll (`statistics`, `namespace/<ns>`,
    /// `cluster-stable`).
    pub step: u64,
}

/// All scripted behaviour.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Failing info commands.
    pub info_failures: Vec<InfoFailure>,
    /// Failing data requests.
    pub msg_failures: Vec<MsgFailure>,
    /// Latency added before replying to an info verb (`"*"` = every info command,
    /// `"msg"` = every data request).
    pub latency: Vec<(String, Duration)>,
    /// Migrations.
    pub migrations: Migrations,
    /// Every `set-config` call, in order.
    pub set_config_log: Vec<SetConfigCall>,
    /// `load_pct` gained per index status poll by indexes created while set; `None` builds
    /// indexes instantly (state `RW` at once).
    pub sindex_build_step: Option<u32>,
    /// Every info command received, when logging is on (`Some`).
    pub info_log: Option<Vec<ReceivedInfo>>,
}

impl Scenario {
    /// Takes an injected info failure for `verb` on `node`, if one applies.
    pub fn take_info_failure(&mut self, verb: &str, node: usize) -> Option<String> {
        let idx = self.info_failures.iter().position(|f| {
            f.verb == verb && f.node.is_none_or(|n| n == node) && f.remaining != Some(0)
        })?;
        let f = &mut self.info_failures[idx];
        if let Some(r) = f.remaining.as_mut() {
            *r -= 1;
        }
        Some(f.reply.clone())
    }

    /// Takes an injected data failure for `kind`, if one applies.
    pub fn take_msg_failure(&mut self, kind: MsgKind) -> Option<u8> {
        let f = self
            .msg_failures
            .iter_mut()
            .find(|f| f.kind == kind && f.remaining != Some(0))?;
        if let Some(r) = f.remaining.as_mut() {
            *r -= 1;
        }
        Some(f.result_code)
    }

    /// Latency to add for an info verb or `"msg"`.
    pub fn latency_for(&self, key: &str) -> Option<Duration> {
        self.latency
            .iter()
            .find(|(k, _)| k == key || (k == "*" && key != "msg"))
            .map(|(_, d)| *d)
    }

    /// Reports the current remaining count, then advances one step.
    pub fn poll_migrations(&mut self) -> u64 {
        let now = self.migrations.remaining;
        self.migrations.remaining = now.saturating_sub(self.migrations.step);
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_consumed() {
        let mut s = Scenario::default();
        s.info_failures.push(InfoFailure {
            verb: "statistics".into(),
            reply: "ERROR:1:x".into(),
            remaining: Some(1),
            node: None,
        });
        assert_eq!(
            s.take_info_failure("statistics", 0).as_deref(),
            Some("ERROR:1:x")
        );
        assert_eq!(s.take_info_failure("statistics", 0), None);
    }

    #[test]
    fn migrations_count_down_to_zero() {
        let mut s = Scenario {
            migrations: Migrations {
                remaining: 5,
                step: 2,
            },
            ..Scenario::default()
        };
        let seen: Vec<u64> = (0..5).map(|_| s.poll_migrations()).collect();
        assert_eq!(seen, vec![5, 3, 1, 0, 0]);
    }

    #[test]
    fn msg_failures_match_kind() {
        let mut s = Scenario::default();
        s.msg_failures.push(MsgFailure {
            kind: MsgKind::Write,
            result_code: 8,
            remaining: None,
        });
        assert_eq!(s.take_msg_failure(MsgKind::Read), None);
        assert_eq!(s.take_msg_failure(MsgKind::Write), Some(8));
        assert_eq!(s.take_msg_failure(MsgKind::Write), Some(8));
    }
}

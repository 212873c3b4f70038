//! Service-time histograms for `latencies:`, measured by the fake itself.
//!
//! Each data request is timed from the moment its message is parsed until its reply is built,
//! injected latency ([`crate::FakeCluster::set_latency`]) included. A node keeps the samples
//! of the last [`WINDOW`] per histogram and reports, like CE 8.1, the throughput and the
//! percentage of operations slower than 1, 2, 4, ... 65 536 ms (17 columns):
//! `{test}-read:msec,12.3,0.50,0.00,...`. A histogram without samples in the window is
//! printed as its bare name (`{test}-udf:`), as the server does for idle histograms.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// How far back a `latencies` reply looks (the server's default ticker interval).
pub const WINDOW: Duration = Duration::from_secs(10);

/// Number of threshold columns: >1ms, >2ms, ... >65536ms.
pub const BUCKETS: u32 = 17;

/// Samples kept per histogram at most (the oldest are dropped first).
const MAX_SAMPLES: usize = 100_000;

/// Per-node histograms: name (e.g. `{test}-read`, `batch-index`) → (time, service time).
#[derive(Debug, Clone, Default)]
pub struct NodeLatency {
    hists: BTreeMap<String, VecDeque<(Instant, Duration)>>,
}

impl NodeLatency {
    /// Records one operation of histogram `name` finished at `at` after `took`.
    pub fn record(&mut self, name: &str, at: Instant, took: Duration) {
        let h = self.hists.entry(name.to_string()).or_default();
        h.push_back((at, took));
        while h.len() > MAX_SAMPLES {
            h.pop_front();
        }
        prune(h, at);
    }

    /// Service times of histogram `name` within the window ending at `now`.
    pub fn recent(&self, name: &str, now: Instant) -> Vec<Duration> {
        self.hists.get(name).map_or_else(Vec::new, |h| {
            h.iter()
                .filter(|(t, _)| now.saturating_duration_since(*t) <= WINDOW)
                .map(|(_, d)| *d)
                .collect()
        })
    }
}

fn prune(h: &mut VecDeque<(Instant, Duration)>, now: Instant) {
    while h
        .front()
        .is_some_and(|(t, _)| now.saturating_duration_since(*t) > WINDOW)
    {
        h.pop_front();
    }
}

/// Percentage of `samples` strictly slower than each threshold 2^i ms, i in 0..17.
pub fn over_thresholds(samples: &[Duration]) -> Vec<f64> {
    (0..BUCKETS)
        .map(|i| {
            if samples.is_empty() {
                return 0.0;
            }
            let limit = Duration::from_millis(1u64 << i);
            let over = samples.iter().filter(|d| **d > limit).count();
            over as f64 * 100.0 / samples.len() as f64
        })
        .collect()
}

/// Formats one histogram as CE 8.1 does; `period` is the length of time the samples cover.
pub fn format_line(name: &str, samples: &[Duration], period: Duration) -> String {
    if samples.is_empty() {
        return format!("{name}:");
    }
    let secs = period.as_secs_f64().max(1.0);
    let rate = samples.len() as f64 / secs;
    let cols: Vec<String> = over_thresholds(samples)
        .iter()
        .map(|p| format!("{p:.2}"))
        .collect();
    format!("{name}:msec,{rate:.1},{}", cols.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn idle_histogram_is_just_the_name() {
        assert_eq!(format_line("{test}-read", &[], WINDOW), "{test}-read:");
    }

    #[test]
    fn thresholds_count_strictly_slower_operations() {
        let ms = Duration::from_millis;
        let samples = [ms(0), ms(1), ms(3), ms(9), ms(70)];
        let p = over_thresholds(&samples);
        assert_eq!(p.len(), 17);
        assert_eq!(p[0], 60.0, ">1ms: 3, 9, 70");
        assert_eq!(p[1], 60.0, ">2ms");
        assert_eq!(p[2], 40.0, ">4ms: 9, 70");
        assert_eq!(p[3], 40.0, ">8ms");
        assert_eq!(p[6], 20.0, ">64ms: 70");
        assert_eq!(p[7], 0.0);
        let line = format_line("{test}-write", &samples, Duration::from_secs(10));
        assert_eq!(
            line,
            "{test}-write:msec,0.5,60.00,60.00,40.00,40.00,20.00,20.00,20.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00"
        );
    }

    #[test]
    fn window_drops_old_samples() {
        let mut n = NodeLatency::default();
        let t0 = Instant::now();
        n.record("batch-index", t0, Duration::from_millis(5));
        let later = t0 + WINDOW + Duration::from_secs(1);
        n.record("batch-index", later, Duration::from_millis(1));
        assert_eq!(
            n.recent("batch-index", later),
            vec![Duration::from_millis(1)]
        );
        assert!(n.recent("nosuch", later).is_empty());
    }

    proptest! {
        #[test]
        fn percentages_are_bounded_and_non_increasing(
            us in proptest::collection::vec(0u64..200_000_000, 1..200)
        ) {
            let samples: Vec<Duration> = us.into_iter().map(Duration::from_micros).collect();
            let p = over_thresholds(&samples);
            for w in p.windows(2) {
                prop_assert!(w[0] >= w[1]);
            }
            prop_assert!(p.iter().all(|x| (0.0..=100.0).contains(x)));
        }
    }
}

//! Bandwidth values of `spec.bandwidthConfig`.
//!
//! Units are **bits per second**, as the CNI bandwidth plugin and Cilium read the
//! `kubernetes.io/{ingress,egress}-bandwidth` annotations: a Kubernetes quantity where `1M` is
//! 1 000 000 bit/s. Accepted input forms:
//!
//! * the networking guide's form: a number, a decimal SI prefix and `bps` — `1Gbps`, `500Mbps`,
//!   `100Kbps`/`100kbps`, `2.5Gbps`, `1000bps`;
//! * plain quantities: `100M`, `1G`, `10Mi`, `500k`, `1000000`.
//!
//! The canonical value (what rendering writes into the annotation) is the quantity form:
//! `1Gbps` → `1G`, `500Mbps` → `500M`, `100Kbps` → `100k`. The kubelet accepts 1 kbit/s to
//! 1 Pbit/s; values outside that range are rejected. Bytes (`MB/s`, `MBps`) are rejected with a
//! hint, because confusing bits and bytes is off by a factor of eight.

use std::fmt;

/// Smallest value the kubelet accepts (1 kbit/s).
pub const MIN_BITS_PER_SECOND: f64 = 1e3;
/// Largest value the kubelet accepts (1 Pbit/s).
pub const MAX_BITS_PER_SECOND: f64 = 1e15;

/// A parsed bandwidth.
#[derive(Clone, Debug, PartialEq)]
pub struct Bandwidth {
    /// The value as given, trimmed.
    pub input: String,
    /// Canonical Kubernetes quantity for the annotation (for example `1G`).
    pub canonical: String,
    /// The value in bits per second.
    pub bits_per_second: f64,
}

/// Why a bandwidth value was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BandwidthError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl fmt::Display for BandwidthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

impl std::error::Error for BandwidthError {}

const HINT: &str = "use a number with an optional unit in bits per second, e.g. \"1Gbps\", \"500Mbps\" or \"100M\"";

fn err(message: String) -> BandwidthError {
    BandwidthError {
        message,
        hint: HINT.to_string(),
    }
}

/// Parses a bandwidth value; see the module docs for the accepted forms.
pub fn parse_bandwidth(input: &str) -> Result<Bandwidth, BandwidthError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err("bandwidth is empty".to_string()));
    }
    let number_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(number_end);
    if number.is_empty()
        || number.starts_with('.')
        || number.ends_with('.')
        || number.matches('.').count() > 1
    {
        return Err(err(format!("{trimmed:?} does not start with a number")));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| err(format!("{trimmed:?} does not start with a number")))?;
    let unit = unit.trim();
    if unit.ends_with("Bps") || unit.ends_with("B/s") || unit.ends_with('B') {
        return Err(BandwidthError {
            message: format!("{trimmed:?} is in bytes per second"),
            hint: "bandwidth is in bits per second: multiply by 8 and write e.g. \"800Mbps\" for 100 MB/s".to_string(),
        });
    }
    let prefix = unit
        .strip_suffix("bps")
        .or_else(|| unit.strip_suffix("bit/s"))
        .unwrap_or(unit);
    let (multiplier, canonical_suffix) = match prefix {
        "" => (1.0, ""),
        "k" | "K" => (1e3, "k"),
        "M" => (1e6, "M"),
        "G" => (1e9, "G"),
        "T" => (1e12, "T"),
        "P" => (1e15, "P"),
        "Ki" => (1024.0, "Ki"),
        "Mi" => (1024.0 * 1024.0, "Mi"),
        "Gi" => (1024.0 * 1024.0 * 1024.0, "Gi"),
        "Ti" => (1024.0_f64.powi(4), "Ti"),
        other => return Err(err(format!("unknown unit {other:?} in {trimmed:?}"))),
    };
    let bits_per_second = value * multiplier;
    if !(MIN_BITS_PER_SECOND..=MAX_BITS_PER_SECOND).contains(&bits_per_second) {
        return Err(BandwidthError {
            message: format!(
                "{trimmed:?} is outside the range the kubelet accepts (1kbps to 1Pbps)"
            ),
            hint: "choose a value between \"1kbps\" and \"1Pbps\"".to_string(),
        });
    }
    Ok(Bandwidth {
        input: trimmed.to_string(),
        canonical: format!("{number}{canonical_suffix}"),
        bits_per_second,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_forms_become_quantities() {
        assert_eq!(parse_bandwidth("1Gbps").unwrap().canonical, "1G");
        assert_eq!(parse_bandwidth("500Mbps").unwrap().canonical, "500M");
        assert_eq!(parse_bandwidth("2Gbps").unwrap().canonical, "2G");
        assert_eq!(parse_bandwidth("200Mbps").unwrap().canonical, "200M");
        assert_eq!(parse_bandwidth("100kbps").unwrap().canonical, "100k");
        assert_eq!(parse_bandwidth("2.5Gbps").unwrap().bits_per_second, 2.5e9);
    }

    #[test]
    fn plain_quantities_are_kept() {
        assert_eq!(parse_bandwidth("100M").unwrap().canonical, "100M");
        assert_eq!(parse_bandwidth("10Mi").unwrap().canonical, "10Mi");
        assert_eq!(parse_bandwidth("1000000").unwrap().canonical, "1000000");
        assert_eq!(parse_bandwidth(" 1G ").unwrap().bits_per_second, 1e9);
    }

    #[test]
    fn rejects_garbage_bytes_and_out_of_range() {
        for bad in ["", "fast", "Gbps", "1.2.3G", "1Xbps", "-1G", "1.G"] {
            assert!(parse_bandwidth(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(
            parse_bandwidth("100MBps")
                .unwrap_err()
                .message
                .contains("bytes")
        );
        assert!(
            parse_bandwidth("100MB")
                .unwrap_err()
                .message
                .contains("bytes")
        );
        assert!(
            parse_bandwidth("10bps")
                .unwrap_err()
                .message
                .contains("range")
        );
        assert!(
            parse_bandwidth("2Pbps")
                .unwrap_err()
                .message
                .contains("range")
        );
    }
}

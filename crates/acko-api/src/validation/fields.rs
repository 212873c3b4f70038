//! Field-level checks shared by the rules: names, labels, int-or-percent values, quantities,
//! CIDRs and paths.

use std::collections::{BTreeMap, HashSet};

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::problem::Problems;

/// Checks a DNS-1123 label (lowercase alphanumerics and `-`, at most 63 characters).
pub(crate) fn dns_label(value: &str, path: &str, p: &mut Problems) {
    if !is_dns_label(value) {
        p.error(
            path,
            format!("{value:?} is not a valid DNS-1123 label"),
            "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        );
    }
}

fn is_dns_label(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// Checks a DNS-1123 subdomain (dot-separated labels, at most 253 characters).
pub(crate) fn dns_subdomain(value: &str, path: &str, p: &mut Problems) {
    if value.is_empty() || value.len() > 253 || !value.split('.').all(is_dns_label) {
        p.error(
            path,
            format!("{value:?} is not a valid Kubernetes object name"),
            "use lowercase letters, digits, '-' and '.', at most 253 characters",
        );
    }
}

/// Reports values that appear more than once (`what` names the kind of value).
pub(crate) fn unique<'a>(
    values: impl Iterator<Item = &'a str>,
    path: &str,
    what: &str,
    p: &mut Problems,
) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for v in values {
        if !seen.insert(v) && reported.insert(v) {
            p.error(
                path,
                format!("duplicate {what} {v:?}"),
                format!("each {what} must be unique"),
            );
        }
    }
}

fn is_qualified_name(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric();
    let prefix_ok =
        prefix.is_none_or(|p| !p.is_empty() && p.len() <= 253 && p.split('.').all(is_dns_label));
    name_ok && prefix_ok
}

/// Checks a label value (empty, or at most 63 alphanumerics, `-`, `_`, `.`, alphanumeric ends).
pub(crate) fn is_label_value(value: &str) -> bool {
    value.is_empty()
        || (value.len() <= 63
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && value.as_bytes()[0].is_ascii_alphanumeric()
            && value.as_bytes()[value.len() - 1].is_ascii_alphanumeric())
}

/// Checks label keys and values of a map at `path`.
pub(crate) fn labels(map: Option<&BTreeMap<String, String>>, path: &str, p: &mut Problems) {
    for (k, v) in map.into_iter().flatten() {
        if !is_qualified_name(k) {
            p.error(
                format!("{path}.{k}"),
                format!("{k:?} is not a valid label key"),
                "use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
            );
        }
        if !is_label_value(v) {
            p.error(
                format!("{path}.{k}"),
                format!("{v:?} is not a valid label value"),
                "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
            );
        }
    }
}

/// Checks annotation keys of a map at `path`.
pub(crate) fn annotations(map: Option<&BTreeMap<String, String>>, path: &str, p: &mut Problems) {
    for k in map.into_iter().flatten().map(|(k, _)| k) {
        if !is_qualified_name(k) {
            p.error(
                format!("{path}.{k}"),
                format!("{k:?} is not a valid annotation key"),
                "use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
            );
        }
    }
}

/// Checks an int-or-percent value: an integer `>= min_int`, or `"N%"` with `min_int <= N <= 100`
/// (`"0%"` allowed when `min_int` is 0). Returns true when valid.
pub fn validate_int_or_percent(
    value: &IntOrString,
    min_int: i32,
    path: &str,
    p: &mut Problems,
) -> bool {
    match value {
        IntOrString::Int(n) if *n >= min_int => true,
        IntOrString::Int(n) => {
            p.error(
                path,
                format!("{n} is below the minimum {min_int}"),
                format!("use an integer >= {min_int} or a percentage such as \"25%\""),
            );
            false
        }
        IntOrString::String(s) => match parse_percent(s) {
            Some(n) if (min_int..=100).contains(&n) => true,
            Some(_) => {
                p.error(
                    path,
                    format!("{s:?} is out of range"),
                    format!("use a percentage between {min_int}% and 100%"),
                );
                false
            }
            None => {
                let hint = if s.trim().parse::<i64>().is_ok() {
                    format!(
                        "write the number without quotes ({}) or as a percentage (\"{}%\")",
                        s.trim(),
                        s.trim()
                    )
                } else {
                    "use an integer or a percentage such as \"25%\"".to_string()
                };
                p.error(
                    path,
                    format!("{s:?} is neither an integer nor a percentage"),
                    hint,
                );
                false
            }
        },
    }
}

fn parse_percent(s: &str) -> Option<i32> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 4 {
        return None;
    }
    digits.parse().ok()
}

/// Resolves an int-or-percent against `total` (percentages round up, as Kubernetes does for
/// `maxUnavailable`). `None` when the value is invalid.
pub(crate) fn resolve_int_or_percent(value: &IntOrString, total: i32) -> Option<i32> {
    match value {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(s) => {
            parse_percent(s).map(|pct| ((i64::from(pct) * i64::from(total) + 99) / 100) as i32)
        }
    }
}

/// Parses a Kubernetes quantity into a number of base units (bytes for sizes). `None` when the
/// text is not a quantity.
pub fn parse_quantity(q: &Quantity) -> Option<f64> {
    let s = q.0.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    if number.is_empty() || number == "+" || number == "-" {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0_f64.powi(2),
        "Gi" => 1024.0_f64.powi(3),
        "Ti" => 1024.0_f64.powi(4),
        "Pi" => 1024.0_f64.powi(5),
        "Ei" => 1024.0_f64.powi(6),
        exp if exp.starts_with(['e', 'E']) => 10f64.powi(exp[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    Some(value * multiplier)
}

/// Checks that a quantity parses and is > 0.
pub(crate) fn positive_quantity(q: &Quantity, path: &str, p: &mut Problems) {
    match parse_quantity(q) {
        Some(v) if v > 0.0 => {}
        Some(_) => p.error(
            path,
            format!("{:?} must be greater than zero", q.0),
            "use a positive size such as \"10Gi\"",
        ),
        None => p.error(
            path,
            format!("{:?} is not a Kubernetes quantity", q.0),
            "use a size such as \"10Gi\" or \"500M\"",
        ),
    }
}

/// Checks an absolute, normalised path.
pub(crate) fn absolute_path(value: &str, path: &str, p: &mut Problems) {
    if !value.starts_with('/') {
        p.error(
            path,
            format!("{value:?} is not an absolute path"),
            "start the path with '/'",
        );
    } else if value.split('/').any(|seg| seg == "..") {
        p.error(
            path,
            format!("{value:?} contains '..'"),
            "use a normalised absolute path",
        );
    }
}

/// Checks a CIDR such as `10.0.0.0/8` or `2001:db8::/32`.
pub(crate) fn cidr(value: &str, path: &str, p: &mut Problems) {
    if value.parse::<ipnet::IpNet>().is_err() {
        let hint = if value.parse::<std::net::IpAddr>().is_ok() {
            format!("add a prefix length, e.g. \"{value}/32\" for a single address")
        } else {
            "use CIDR notation such as \"10.0.0.0/8\"".to_string()
        };
        p.error(path, format!("{value:?} is not a CIDR"), hint);
    }
}

/// True when an image reference has no tag or the `latest` tag (no digest).
pub(crate) fn is_unpinned_image(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(
            parse_quantity(&Quantity("1Gi".into())),
            Some(1024.0 * 1024.0 * 1024.0)
        );
        assert_eq!(parse_quantity(&Quantity("500M".into())), Some(5e8));
        assert_eq!(parse_quantity(&Quantity("1e3".into())), Some(1e3));
        assert_eq!(parse_quantity(&Quantity("abc".into())), None);
        assert_eq!(parse_quantity(&Quantity("10Xi".into())), None);
    }

    #[test]
    fn int_or_percent() {
        let mut p = Problems::new();
        assert!(validate_int_or_percent(
            &IntOrString::Int(1),
            1,
            "x",
            &mut p
        ));
        assert!(validate_int_or_percent(
            &IntOrString::String("50%".into()),
            1,
            "x",
            &mut p
        ));
        assert!(p.is_empty());
        assert!(!validate_int_or_percent(
            &IntOrString::Int(0),
            1,
            "a",
            &mut p
        ));
        assert!(!validate_int_or_percent(
            &IntOrString::String("0%".into()),
            1,
            "b",
            &mut p
        ));
        assert!(!validate_int_or_percent(
            &IntOrString::String("150%".into()),
            0,
            "c",
            &mut p
        ));
        assert!(!validate_int_or_percent(
            &IntOrString::String("2".into()),
            1,
            "d",
            &mut p
        ));
        assert!(!validate_int_or_percent(
            &IntOrString::String("x%".into()),
            1,
            "e",
            &mut p
        ));
        assert_eq!(p.len(), 5);
        assert!(p.0[3].hint.contains("without quotes"));
        assert_eq!(
            resolve_int_or_percent(&IntOrString::String("50%".into()), 3),
            Some(2)
        );
    }

    #[test]
    fn names_and_labels() {
        assert!(is_qualified_name("app.kubernetes.io/name"));
        assert!(is_qualified_name("team"));
        assert!(!is_qualified_name("bad key"));
        assert!(!is_qualified_name("/x"));
        assert!(is_label_value("true"));
        assert!(!is_label_value("-x"));
        assert!(is_unpinned_image("aerospike"));
        assert!(is_unpinned_image("reg:5000/aerospike:latest"));
        assert!(is_unpinned_image("reg:5000/aerospike"));
        assert!(!is_unpinned_image("reg:5000/aerospike:ce-8.1.1.1"));
        assert!(!is_unpinned_image("aerospike@sha256:abcd"));
    }
}

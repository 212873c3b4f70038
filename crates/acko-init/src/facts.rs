//! The pod's own facts: downward-API environment (or flags) and the downward-API
//! `annotations` file.
//!
//! The annotations file has one `key="value"` line per annotation, the value quoted the
//! way Go's `%q` does (`\"`, `\\`, `\n`, `\t`, `\xNN`, `\uNNNN`, ...).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::error::InitError;
use crate::settings::ServiceType;

/// The raw values as they come from env vars or flags (empty strings count as unset).
#[derive(Debug, Clone, Default)]
pub struct RawFacts {
    /// `POD_NAME`.
    pub pod_name: Option<String>,
    /// `POD_NAMESPACE`.
    pub pod_namespace: Option<String>,
    /// `POD_IP`.
    pub pod_ip: Option<String>,
    /// `NODE_NAME`.
    pub node_name: Option<String>,
    /// `HOST_IP`.
    pub host_ip: Option<String>,
    /// `EXTERNAL_SERVICE_TYPE`.
    pub external_service_type: Option<String>,
    /// Content of the downward-API annotations file, when present.
    pub annotations_file: Option<String>,
}

/// Validated facts about this pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFacts {
    /// `metadata.name`.
    pub pod_name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `status.podIP`, when known.
    pub pod_ip: Option<IpAddr>,
    /// `spec.nodeName`, when known.
    pub node_name: Option<String>,
    /// `status.hostIP`, when known.
    pub host_ip: Option<IpAddr>,
    /// `EXTERNAL_SERVICE_TYPE` (NodePort / LoadBalancer), when set.
    pub external_service_type: Option<ServiceType>,
    /// The pod's annotations.
    pub annotations: BTreeMap<String, String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_ip(name: &str, v: &Option<String>) -> Result<Option<IpAddr>, InitError> {
    match non_empty(v) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            InitError::input(name, "an IP address (downward API)", format!("{text:?}"))
        }),
    }
}

impl PodFacts {
    /// Validates raw facts. The pod name and namespace are required; the rest is checked
    /// when the policy needs it.
    pub fn from_raw(raw: &RawFacts) -> Result<PodFacts, InitError> {
        let pod_name = non_empty(&raw.pod_name)
            .ok_or_else(|| {
                InitError::input(
                    "POD_NAME (--pod-name)",
                    "the pod name from the downward API (metadata.name)",
                    "nothing",
                )
            })?
            .to_string();
        let namespace = non_empty(&raw.pod_namespace)
            .ok_or_else(|| {
                InitError::input(
                    "POD_NAMESPACE (--pod-namespace)",
                    "the pod namespace from the downward API (metadata.namespace)",
                    "nothing",
                )
            })?
            .to_string();
        let external_service_type = match non_empty(&raw.external_service_type) {
            None => None,
            Some(text) => Some(ServiceType::parse(text).ok_or_else(|| {
                InitError::input(
                    "EXTERNAL_SERVICE_TYPE",
                    "NodePort, LoadBalancer or ClusterIP",
                    format!("{text:?}"),
                )
            })?),
        };
        let annotations = match &raw.annotations_file {
            Some(text) => parse_annotations(text)?,
            None => BTreeMap::new(),
        };
        Ok(PodFacts {
            pod_name,
            namespace,
            pod_ip: parse_ip("POD_IP", &raw.pod_ip)?,
            node_name: non_empty(&raw.node_name).map(str::to_string),
            host_ip: parse_ip("HOST_IP", &raw.host_ip)?,
            external_service_type,
            annotations,
        })
    }

    /// The name of this pod's own per-pod Service.
    pub fn pod_service_name(&self) -> String {
        format!("{}-pod", self.pod_name)
    }
}

/// Parses the downward-API annotations (or labels) file.
pub fn parse_annotations(text: &str) -> Result<BTreeMap<String, String>, InitError> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| {
            InitError::input(
                format!("downward-API annotations file line {}", n + 1),
                "key=\"quoted value\"",
                format!("{why}: {:?}", truncate(line)),
            )
        };
        let (key, quoted) = line.split_once('=').ok_or_else(|| bad("no '='"))?;
        let value = unquote(quoted.trim()).ok_or_else(|| bad("bad quoting"))?;
        out.insert(key.trim().to_string(), value);
    }
    Ok(out)
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Undoes Go's `%q` quoting. `None` when the text is not a valid quoted string.
pub fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut bytes: Vec<u8> = Vec::new(); // pending \x / octal bytes (may form UTF-8)
    let mut chars = inner.chars();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            if c == '"' {
                return None;
            }
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let esc = chars.next()?;
        let simple = match esc {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '\\' => Some('\\'),
            '"' => Some('"'),
            '\'' => Some('\''),
            _ => None,
        };
        if let Some(s) = simple {
            flush(&mut bytes, &mut out);
            out.push(s);
            continue;
        }
        match esc {
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                bytes.push(
                    u8::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 2)?,
                );
            }
            'u' | 'U' => {
                let n = if esc == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(n).collect();
                if hex.len() != n {
                    return None;
                }
                let code = u32::from_str_radix(&hex, 16).ok()?;
                flush(&mut bytes, &mut out);
                out.push(char::from_u32(code)?);
            }
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let oct = format!("{esc}{rest}");
                if oct.len() != 3 {
                    return None;
                }
                bytes.push(u8::from_str_radix(&oct, 8).ok()?);
            }
            _ => return None,
        }
    }
    flush(&mut bytes, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawFacts {
        RawFacts {
            pod_name: Some("demo-1-0".into()),
            pod_namespace: Some("aerospike".into()),
            pod_ip: Some("10.244.1.5".into()),
            node_name: Some("worker-1".into()),
            host_ip: Some("172.18.0.3".into()),
            external_service_type: None,
            annotations_file: None,
        }
    }

    #[test]
    fn go_quoting_is_undone() {
        assert_eq!(unquote(r#""plain""#).as_deref(), Some("plain"));
        assert_eq!(
            unquote(r#""[{\"name\": \"a\",\n \"ips\": [\"1.2.3.4\"]}]""#).as_deref(),
            Some("[{\"name\": \"a\",\n \"ips\": [\"1.2.3.4\"]}]")
        );
        assert_eq!(unquote(r#""tab\there\\""#).as_deref(), Some("tab\there\\"));
        assert_eq!(
            unquote(r#""\u00e9\xc3\xa9\303\251""#).as_deref(),
            Some("ééé")
        );
        assert_eq!(unquote(r#""unterminated"#), None);
        assert_eq!(unquote(r#""bad \q escape""#), None);
        assert_eq!(unquote(r#""inner " quote""#), None);
    }

    #[test]
    fn annotations_file_is_parsed() {
        let text = "kubernetes.io/psp=\"restricted\"\nk8s.v1.cni.cncf.io/network-status=\"[{\\\"name\\\": \\\"kindnet\\\"}]\"\n\n";
        let map = parse_annotations(text).unwrap();
        assert_eq!(map["kubernetes.io/psp"], "restricted");
        assert_eq!(
            map["k8s.v1.cni.cncf.io/network-status"],
            "[{\"name\": \"kindnet\"}]"
        );
        let err = parse_annotations("ok=\"1\"\nbroken line\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn facts_validate() {
        let f = PodFacts::from_raw(&raw()).unwrap();
        assert_eq!(f.pod_ip, Some("10.244.1.5".parse().unwrap()));
        assert_eq!(f.pod_service_name(), "demo-1-0-pod");

        let mut r = raw();
        r.pod_name = Some(" ".into());
        let err = PodFacts::from_raw(&r).unwrap_err().to_string();
        assert!(err.starts_with("POD_NAME (--pod-name): expected"), "{err}");
        assert!(err.ends_with("found nothing"), "{err}");

        let mut r = raw();
        r.pod_ip = Some("10.244.1".into());
        let err = PodFacts::from_raw(&r).unwrap_err().to_string();
        assert_eq!(
            err,
            "POD_IP: expected an IP address (downward API), found \"10.244.1\""
        );

        let mut r = raw();
        r.external_service_type = Some("Ingress".into());
        assert!(
            PodFacts::from_raw(&r)
                .unwrap_err()
                .to_string()
                .contains("\"Ingress\"")
        );
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// Quotes like Go's `%q` (the subset Kubernetes produces for annotations).
    fn go_quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    proptest! {
        #[test]
        fn unquote_inverts_go_quoting(s in "\\PC*|[\"\\\\\n\t\r\u{1}-\u{1f}a-z{}:]*") {
            prop_assert_eq!(unquote(&go_quote(&s)), Some(s));
        }

        #[test]
        fn annotations_round_trip(values in proptest::collection::btree_map("[a-z0-9./-]{1,20}", "\\PC*", 0..5)) {
            let text: String = values.iter().map(|(k, v)| format!("{k}={}\n", go_quote(v))).collect();
            prop_assert_eq!(parse_annotations(&text).unwrap(), values);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC*") {
            let _ = unquote(&s);
            let _ = parse_annotations(&s);
            let _ = crate::network_status::parse(&s);
        }
    }
}

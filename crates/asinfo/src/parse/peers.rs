//! `peers-clear-std`, `peers-clear-alt`, `alumni-clear-std`:
//! `<generation>,<default port>,[[<node id>,<tls name>,[<ip:port>,...]],...]`.
//! An address on the default port is written without `:port`.

use serde::Serialize;

use crate::reply::{ReplyError, require};

/// A parsed peers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Peers {
    /// Peers generation (changes whenever the list changes).
    pub generation: u64,
    /// Port implied for addresses written without one.
    pub default_port: u16,
    /// The peers.
    pub peers: Vec<Peer>,
}

/// One peer node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Peer {
    /// Node id (hex).
    pub node_id: String,
    /// TLS name (empty on CE).
    pub tls_name: Option<String>,
    /// Addresses, always with an explicit port.
    pub endpoints: Vec<String>,
}

const WHAT: &str = "peers";

fn bad(detail: impl Into<String>) -> ReplyError {
    ReplyError::malformed(WHAT, detail)
}

/// Parses a peers reply.
pub fn parse_peers(raw: &str) -> Result<Peers, ReplyError> {
    let v = require(raw)?;
    let mut head = v.splitn(3, ',');
    let generation = head
        .next()
        .and_then(|g| g.trim().parse().ok())
        .ok_or_else(|| bad("missing generation"))?;
    let default_port: u16 = head
        .next()
        .and_then(|p| p.trim().parse().ok())
        .ok_or_else(|| bad("missing default port"))?;
    let list = head.next().ok_or_else(|| bad("missing peer list"))?.trim();
    let inner = list
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or_else(|| bad(format!("peer list {list:?} is not bracketed")))?;
    let mut peers = Vec::new();
    for item in split_top_level(inner)? {
        peers.push(parse_peer(item, default_port)?);
    }
    Ok(Peers {
        generation,
        default_port,
        peers,
    })
}

fn parse_peer(item: &str, default_port: u16) -> Result<Peer, ReplyError> {
    let body = item
        .strip_prefix('[')
        .and_then(|i| i.strip_suffix(']'))
        .ok_or_else(|| bad(format!("peer {item:?} is not bracketed")))?;
    let mut parts = body.splitn(3, ',');
    let node_id = parts.next().unwrap_or("").trim();
    if node_id.is_empty() || !node_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(format!("peer {item:?} has no valid node id")));
    }
    let tls = parts
        .next()
        .ok_or_else(|| bad(format!("peer {item:?} has no TLS name field")))?;
    let addrs = parts
        .next()
        .ok_or_else(|| bad(format!("peer {item:?} has no address list")))?;
    let addrs = addrs
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .ok_or_else(|| bad(format!("peer {item:?} address list is not bracketed")))?;
    let endpoints = addrs
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| with_port(a.trim(), default_port))
        .collect();
    Ok(Peer {
        node_id: node_id.to_ascii_uppercase(),
        tls_name: Some(tls.trim().to_owned()).filter(|t| !t.is_empty()),
        endpoints,
    })
}

/// Adds `:default_port` to an address written without a port (`[v6]` or IPv4/host).
fn with_port(addr: &str, default_port: u16) -> String {
    let has_port = if addr.starts_with('[') {
        addr.contains("]:")
    } else {
        addr.matches(':').count() == 1
    };
    if has_port {
        addr.to_owned()
    } else {
        format!("{addr}:{default_port}")
    }
}

/// Splits `[..],[..]` at commas that are not nested in brackets.
fn split_top_level(s: &str) -> Result<Vec<&str>, ReplyError> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.checked_sub(1).ok_or_else(|| bad("unbalanced ']'"))?,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(bad("unbalanced '['"));
    }
    let last = &s[start..];
    if !last.is_empty() {
        out.push(last);
    }
    Ok(out
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_port_is_added_and_ipv6_kept() {
        let p = parse_peers("7,3000,[[A1,,[10.0.0.1,10.0.0.2:3100,[::1]]],[B2,tls1,[[::1]:4000]]]")
            .unwrap();
        assert_eq!(p.generation, 7);
        assert_eq!(
            p.peers[0].endpoints,
            vec!["10.0.0.1:3000", "10.0.0.2:3100", "[::1]:3000"]
        );
        assert_eq!(p.peers[1].tls_name.as_deref(), Some("tls1"));
        assert_eq!(p.peers[1].endpoints, vec!["[::1]:4000"]);
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "x",
            "1,3000",
            "1,3000,[[",
            "1,3000,[[,,[]]]",
            "1,3000,[]]]",
            "1,70000,[]",
        ] {
            assert!(parse_peers(bad).is_err(), "{bad}");
        }
    }
}

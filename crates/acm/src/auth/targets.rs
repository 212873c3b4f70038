//! Which addresses the manager may connect to (`--allowed-targets`, CIDR list): seeds of
//! connection tests and profiles are resolved and every address must fall in the list.
//! Empty list: any address. This keeps a manager on a shared network from being used to
//! probe hosts it should not reach. (Peers the cluster itself announces are not checked.)

use axum::http::StatusCode;
use ipnet::IpNet;

use crate::error::{ApiError, ApiResult};

/// A CIDR allow-list of connection targets.
#[derive(Debug, Clone, Default)]
pub struct TargetAllowList {
    nets: Vec<IpNet>,
}

impl TargetAllowList {
    /// Parse `10.0.0.0/8`, `192.168.1.7` (a single address) or `fd00::/8` entries.
    pub fn parse(list: &[String]) -> anyhow::Result<Self> {
        let mut nets = Vec::new();
        for e in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let net = e
                .parse::<IpNet>()
                .or_else(|_| e.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "--allowed-targets: `{e}` is not a CIDR block like 10.0.0.0/8 or an IP address"
                    )
                })?;
            nets.push(net);
        }
        Ok(Self { nets })
    }

    /// True when every address is allowed.
    pub fn is_open(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether one address is allowed.
    pub fn allows(&self, ip: std::net::IpAddr) -> bool {
        self.is_open() || self.nets.iter().any(|n| n.contains(&ip))
    }

    /// Resolve every `host:port` of a comma-separated seed list and check each address.
    pub async fn check(&self, hosts: &str) -> ApiResult<()> {
        if self.is_open() {
            return Ok(());
        }
        for seed in hosts.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let addrs = tokio::net::lookup_host(seed).await.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "cluster_unreachable",
                    format!("cannot resolve `{seed}`: {e}"),
                )
            })?;
            for a in addrs {
                if !self.allows(a.ip()) {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "target_not_allowed",
                        format!(
                            "`{seed}` resolves to {}, which is outside the manager's allowed \
                             targets; an administrator can extend --allowed-targets",
                            a.ip()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cidr_allow_list() {
        let l = TargetAllowList::parse(&["10.0.0.0/8".into(), " 127.0.0.1 ".into(), "".into()])
            .unwrap();
        assert!(l.allows("10.1.2.3".parse().unwrap()));
        assert!(!l.allows("11.0.0.1".parse().unwrap()));
        l.check("127.0.0.1:3000,10.0.0.1:3000").await.unwrap();
        let e = l.check("127.0.0.2:3000").await.unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (403, "target_not_allowed"));
        assert!(TargetAllowList::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TargetAllowList::parse(&["example.com".into()]).is_err());
        TargetAllowList::default()
            .check("192.0.2.1:1")
            .await
            .unwrap();
    }
}

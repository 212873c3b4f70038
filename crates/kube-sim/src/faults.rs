//! Scriptable faults: API errors and latency per verb/resource, plus flags read by the
//! simulated controllers (pods that never become Ready, LoadBalancers without an address).

use std::collections::HashSet;
use std::time::Duration;

use parking_lot::Mutex;

use crate::error::{ApiError, ApiResult};
use crate::kinds::ResourceType;

/// One API fault rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFault {
    /// Verb to match (get, list, watch, create, update, patch, delete, deletecollection); None = any.
    pub verb: Option<String>,
    /// Plural resource to match (e.g. "statefulsets"); None = any.
    pub resource: Option<String>,
    /// HTTP code to answer (409, 429, 500, 503...); None = only delay.
    pub code: Option<u16>,
    /// Delay before answering.
    pub latency: Option<Duration>,
    /// How many requests it hits (None = until cleared).
    pub times: Option<u32>,
}

impl ApiFault {
    /// An error for matching requests.
    pub fn error(verb: Option<&str>, resource: Option<&str>, code: u16) -> Self {
        ApiFault {
            verb: verb.map(String::from),
            resource: resource.map(String::from),
            code: Some(code),
            latency: None,
            times: None,
        }
    }
    /// A delay for matching requests.
    pub fn latency(verb: Option<&str>, resource: Option<&str>, delay: Duration) -> Self {
        ApiFault {
            verb: verb.map(String::from),
            resource: resource.map(String::from),
            code: None,
            latency: Some(delay),
            times: None,
        }
    }
    /// Limit to `n` hits.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// Every active fault.
#[derive(Debug, Default)]
pub struct Faults {
    api: Mutex<Vec<ApiFault>>,
    /// Pods (namespace, name) that never turn Ready.
    pub never_ready: Mutex<HashSet<(String, String)>>,
    /// Services (namespace, name) whose LoadBalancer never gets an address; ("*","*") = all.
    pub lb_never: Mutex<HashSet<(String, String)>>,
}

fn reason(code: u16) -> &'static str {
    match code {
        409 => "Conflict",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        404 => "NotFound",
        403 => "Forbidden",
        _ => "Unknown",
    }
}

impl Faults {
    /// Add an API fault rule.
    pub fn add(&self, f: ApiFault) {
        self.api.lock().push(f);
    }

    /// Remove every API fault rule.
    pub fn clear(&self) {
        self.api.lock().clear();
    }

    /// Apply the first matching rule to a request (delay, then maybe an error).
    pub async fn before(&self, verb: &str, rt: &ResourceType) -> ApiResult<()> {
        let hit = {
            let mut rules = self.api.lock();
            let pos = rules.iter().position(|f| {
                f.verb.as_deref().is_none_or(|v| v == verb)
                    && f.resource.as_deref().is_none_or(|r| r == rt.plural)
            });
            pos.map(|p| {
                let f = rules[p].clone();
                if let Some(t) = rules[p].times.as_mut() {
                    *t = t.saturating_sub(1);
                    if *t == 0 {
                        rules.remove(p);
                    }
                }
                f
            })
        };
        let Some(f) = hit else { return Ok(()) };
        if let Some(d) = f.latency {
            tokio::time::sleep(d).await;
        }
        match f.code {
            Some(code) => {
                let mut e = ApiError::new(
                    code,
                    reason(code),
                    format!(
                        "kube-sim injected fault: {verb} {} answered {code}",
                        rt.qualified()
                    ),
                );
                if code == 429 {
                    e = e.with_details(serde_json::json!({"retryAfterSeconds": 1}));
                }
                Err(e)
            }
            None => Ok(()),
        }
    }
}

//! Scriptable faults: API errors and latency per verb/resource/namespace/name, plus flags read
//! by the simulated controllers (pods that never become Ready, LoadBalancers without an address).
//!
//! Tests in the same process use [`crate::SimHandle::fault`]; anything else (an end-to-end test
//! driving a `--demo` manager, a shell script) uses the simulator's own, non-Kubernetes routes:
//! `GET`/`POST`/`DELETE /sim/v1/faults` (see [`crate::http`]). Test and demo infrastructure only.

use std::collections::HashSet;
use std::time::Duration;

use parking_lot::Mutex;

use crate::error::{ApiError, ApiResult};
use crate::kinds::ResourceType;

/// One API fault rule. Its JSON form (the `/sim/v1/faults` routes) is camelCase with the
/// latency in milliseconds: `{"verb":"patch","resource":"statefulsets","namespace":"db",
/// "code":500,"times":3}`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiFault {
    /// Verb to match (get, list, watch, create, update, patch, delete, deletecollection); None = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verb: Option<String>,
    /// Plural resource to match (e.g. "statefulsets"); None = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Namespace to match (the namespace in the request path); None = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Object name to match (requests naming one object); None = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTP code to answer (409, 429, 500, 503...); None = only delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// Delay before answering.
    #[serde(
        default,
        rename = "latencyMs",
        with = "millis",
        skip_serializing_if = "Option::is_none"
    )]
    pub latency: Option<Duration>,
    /// How many requests it hits (None = until cleared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

/// What a request is, for matching fault rules.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Verb (get, list, watch, create, update, patch, delete, deletecollection).
    pub verb: &'a str,
    /// Resource type.
    pub rt: &'a ResourceType,
    /// Namespace of the request path ("" when cluster-scoped or across namespaces).
    pub namespace: &'a str,
    /// Object name, when the request names one.
    pub name: Option<&'a str>,
}

impl ApiFault {
    fn matches(&self, t: &Target<'_>) -> bool {
        self.verb.as_deref().is_none_or(|v| v == t.verb)
            && self.resource.as_deref().is_none_or(|r| r == t.rt.plural)
            && self.namespace.as_deref().is_none_or(|n| n == t.namespace)
            && self.name.as_deref().is_none_or(|n| Some(n) == t.name)
    }

    /// Why this rule cannot be used as given (the `/sim/v1/faults` route answers 422 with it).
    pub fn problem(&self) -> Option<String> {
        if self.code.is_none() && self.latency.is_none() {
            return Some("a fault needs `code` (an HTTP status) and/or `latencyMs`".into());
        }
        if let Some(c) = self.code
            && !(400..=599).contains(&c)
        {
            return Some(format!(
                "`code` must be an HTTP error status (400-599), not {c}"
            ));
        }
        if self.times == Some(0) {
            return Some("`times` must be at least 1 (leave it out for until cleared)".into());
        }
        if self.latency.is_some_and(|d| d > Duration::from_secs(60)) {
            return Some("`latencyMs` must be at most 60000".into());
        }
        None
    }
}

impl ApiFault {
    /// An error for matching requests.
    pub fn error(verb: Option<&str>, resource: Option<&str>, code: u16) -> Self {
        ApiFault {
            verb: verb.map(String::from),
            resource: resource.map(String::from),
            code: Some(code),
            ..Default::default()
        }
    }
    /// A delay for matching requests.
    pub fn latency(verb: Option<&str>, resource: Option<&str>, delay: Duration) -> Self {
        ApiFault {
            verb: verb.map(String::from),
            resource: resource.map(String::from),
            latency: Some(delay),
            ..Default::default()
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

    /// The active API fault rules, in matching order.
    pub fn list(&self) -> Vec<ApiFault> {
        self.api.lock().clone()
    }

    /// Apply the first matching rule to a request (delay, then maybe an error).
    pub async fn before(&self, target: Target<'_>) -> ApiResult<()> {
        let (verb, rt) = (target.verb, target.rt);
        let hit = {
            let mut rules = self.api.lock();
            let pos = rules.iter().position(|f| f.matches(&target));
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

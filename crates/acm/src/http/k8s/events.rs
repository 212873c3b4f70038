//! Kubernetes events of a cluster (the resource and the objects named after it), newest
//! first, each with one of 11 categories; `?category=` filters. The mapping from event reasons
//! to categories is the table [`REASONS`] (data, tested); unknown reasons are `Other`.

use acko_api::AerospikeCluster;
use axum::Json;
use k8s_openapi::api::core::v1::Event;
use kube::Api;
use kube::api::ListParams;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, fetch, what};
use super::conn::Kube;
use crate::error::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cluster_events))
}

/// Category of an event (the 11 filter chips of the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventCategory {
    /// Creation, deletion, pause/resume, reconcile outcomes.
    Lifecycle,
    /// Rolling, warm and cold restarts, on-demand operations.
    RollingRestart,
    /// Configuration rendering and dynamic config updates.
    Configuration,
    /// Access control (Enterprise-only on the server; reported for completeness).
    #[serde(rename = "ACLSecurity")]
    AclSecurity,
    /// Scale up/down, migrations gating scale-down.
    Scaling,
    /// Racks added/removed, rack placement.
    RackManagement,
    /// Services, load balancers, network policies, addresses.
    Network,
    /// Exporter, ServiceMonitor, PrometheusRule.
    Monitoring,
    /// Template resolution and resync.
    Template,
    /// Reconcile backoff (the circuit breaker).
    CircuitBreaker,
    /// Everything else (including Kubernetes' own pod events).
    Other,
}

/// The wire enum mirrors the contract's (`acko_api::contract::operator::EventCategory`, which
/// carries no OpenAPI schema); ids, labels and parsing are the contract's.
impl EventCategory {
    /// All categories in display order.
    pub const ALL: [EventCategory; 11] = [
        Self::Lifecycle,
        Self::RollingRestart,
        Self::Configuration,
        Self::AclSecurity,
        Self::Scaling,
        Self::RackManagement,
        Self::Network,
        Self::Monitoring,
        Self::Template,
        Self::CircuitBreaker,
        Self::Other,
    ];

    fn contract(self) -> Contract {
        Contract::ALL
            .into_iter()
            .find(|c| Self::from(*c) == self)
            .unwrap_or(Contract::Other)
    }

    /// The identifier used on the wire and in `?category=`.
    pub fn id(self) -> &'static str {
        self.contract().id()
    }

    /// Label for humans (the seed's wording).
    pub fn label(self) -> &'static str {
        self.contract().label()
    }

    /// Parse `?category=` (see [`Contract::parse`]).
    pub fn parse(s: &str) -> Option<Self> {
        Contract::parse(s).map(Self::from)
    }
}

use acko_api::contract::operator::EventCategory as Contract;

/// The event-reason → category table, defined once in `acko_api::contract::operator` (the
/// operator emits these reasons; the manager groups them).
pub use acko_api::contract::operator::EVENT_REASONS as REASONS;

impl From<acko_api::contract::operator::EventCategory> for EventCategory {
    fn from(c: acko_api::contract::operator::EventCategory) -> Self {
        use acko_api::contract::operator::EventCategory as A;
        match c {
            A::Lifecycle => Self::Lifecycle,
            A::RollingRestart => Self::RollingRestart,
            A::Configuration => Self::Configuration,
            A::AclSecurity => Self::AclSecurity,
            A::Scaling => Self::Scaling,
            A::RackManagement => Self::RackManagement,
            A::Network => Self::Network,
            A::Monitoring => Self::Monitoring,
            A::Template => Self::Template,
            A::CircuitBreaker => Self::CircuitBreaker,
            A::Other => Self::Other,
        }
    }
}

/// Category of an event reason (`Other` when unknown).
pub fn category_of(reason: &str) -> EventCategory {
    acko_api::contract::operator::category_of(reason).into()
}

/// One event.
#[derive(Debug, Serialize, ToSchema, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEvent {
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Machine-readable reason, e.g. `RollingRestartStarted`.
    pub reason: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// Category (see `?category=`).
    pub category: EventCategory,
    /// Occurrences.
    pub count: i32,
    /// First seen (RFC 3339).
    pub first_timestamp: Option<String>,
    /// Last seen (RFC 3339).
    pub last_timestamp: Option<String>,
    /// Kind of the object the event is about.
    pub object_kind: Option<String>,
    /// Name of the object the event is about.
    pub object_name: Option<String>,
    /// Component that reported it.
    pub source: Option<String>,
}

impl ClusterEvent {
    /// An event as the API returns it. A repeated event written through events.k8s.io/v1
    /// (the operator's recorder) counts its repeats in `series`, not in `count`.
    pub fn of(e: &Event) -> Self {
        let series = e.series.as_ref();
        let last = series
            .and_then(|s| s.last_observed_time.as_ref())
            .map(|t| t.0.to_string())
            .or_else(|| e.last_timestamp.as_ref().map(|t| t.0.to_string()))
            .or_else(|| e.event_time.as_ref().map(|t| t.0.to_string()))
            .or_else(|| {
                e.metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string())
            });
        Self {
            type_: e.type_.clone(),
            category: category_of(e.reason.as_deref().unwrap_or_default()),
            reason: e.reason.clone(),
            message: e.message.clone(),
            count: series
                .and_then(|s| s.count)
                .filter(|c| *c > 0)
                .or(e.count)
                .unwrap_or(1),
            first_timestamp: e
                .first_timestamp
                .as_ref()
                .map(|t| t.0.to_string())
                .or_else(|| e.event_time.as_ref().map(|t| t.0.to_string()))
                .or(last.clone()),
            last_timestamp: last,
            object_kind: e.involved_object.kind.clone(),
            object_name: e.involved_object.name.clone(),
            source: e
                .source
                .as_ref()
                .and_then(|s| s.component.clone())
                .or_else(|| e.reporting_component.clone()),
        }
    }
}

/// Whether an event is about the cluster or one of its objects (named `<cluster>-...`).
pub fn concerns(e: &Event, cluster: &str) -> bool {
    let name = e.involved_object.name.as_deref().unwrap_or_default();
    name == cluster
        || (name.starts_with(cluster) && name.as_bytes().get(cluster.len()) == Some(&b'-'))
}

/// Filter of the events.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// One of Lifecycle, RollingRestart, Configuration, ACLSecurity, Scaling,
    /// RackManagement, Network, Monitoring, Template, CircuitBreaker, Other (labels such as
    /// `Rolling Restart` are accepted too).
    pub category: Option<String>,
}

/// Events of a cluster.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// Newest first.
    pub items: Vec<ClusterEvent>,
    /// Count per category over all events (before the filter), for the chips.
    pub counts: Vec<CategoryCount>,
}

/// Events of one category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCount {
    /// Category.
    pub category: EventCategory,
    /// Label for humans.
    pub label: String,
    /// Events in it.
    pub count: usize,
}

/// Events of the cluster's objects in its namespace, newest first.
pub async fn list(kube: &Kube, namespace: &str, name: &str) -> ApiResult<Vec<ClusterEvent>> {
    let api: Api<Event> = Api::namespaced(kube.client.clone(), namespace);
    let list = kube
        .call(
            &format!("events of {}", what(namespace, name)),
            api.list(&ListParams::default()),
        )
        .await?;
    let mut items: Vec<ClusterEvent> = list
        .items
        .iter()
        .filter(|e| concerns(e, name))
        .map(ClusterEvent::of)
        .collect();
    items.sort_by(|a, b| b.last_timestamp.cmp(&a.last_timestamp));
    Ok(items)
}

/// Kubernetes events of a cluster and its objects, with categories (`?category=` filters).
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/events", tag = "k8s",
    params(ClusterPath, EventsQuery),
    responses((status = 200, body = EventList), (status = 400, description = "Unknown category"),
        (status = 404, description = "No such cluster")))]
async fn cluster_events(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<EventList>> {
    let filter = match q.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(EventCategory::parse(c).ok_or_else(|| {
            let mut e = ApiError::field(
                "category",
                format!(
                    "unknown category {c:?}; use one of {}",
                    EventCategory::ALL.map(EventCategory::id).join(", ")
                ),
            );
            e.code = "invalid_query";
            e
        })?),
    };
    let _: AerospikeCluster = fetch(&kube, &p.namespace, &p.name).await?;
    let all = list(&kube, &p.namespace, &p.name).await?;
    let counts = EventCategory::ALL
        .iter()
        .map(|c| CategoryCount {
            category: *c,
            label: c.label().to_string(),
            count: all.iter().filter(|e| e.category == *c).count(),
        })
        .collect();
    let items = all
        .into_iter()
        .filter(|e| filter.is_none_or(|f| e.category == f))
        .collect();
    Ok(Json(EventList { items, counts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_categories_each_with_reasons_except_other() {
        assert_eq!(EventCategory::ALL.len(), 11);
        for c in EventCategory::ALL {
            let n = REASONS
                .iter()
                .filter(|(_, rc)| EventCategory::from(*rc) == c)
                .count();
            if c == EventCategory::Other {
                assert_eq!(n, 0, "Other is the fallback, not a table entry");
            } else {
                assert!(n > 0, "{c:?} has no reason");
            }
            assert_eq!(EventCategory::parse(c.id()), Some(c));
            assert_eq!(EventCategory::parse(c.label()), Some(c));
            // The wire id is the serde name, and the same as the shared contract's.
            assert_eq!(serde_json::to_value(c).unwrap(), c.id());
            let shared = acko_api::contract::operator::EventCategory::ALL
                .into_iter()
                .find(|a| EventCategory::from(*a) == c)
                .unwrap();
            assert_eq!((shared.id(), shared.label()), (c.id(), c.label()));
        }
    }

    #[test]
    fn reasons_are_unique_and_map() {
        let mut seen = std::collections::BTreeSet::new();
        for (r, _) in REASONS {
            assert!(seen.insert(*r), "duplicate reason {r}");
        }
        assert_eq!(
            category_of("RollingRestartStarted"),
            EventCategory::RollingRestart
        );
        assert_eq!(
            category_of("PodWarmRestarted"),
            EventCategory::RollingRestart
        );
        assert_eq!(category_of("ACLSyncError"), EventCategory::AclSecurity);
        assert_eq!(category_of("ScaleDownDeferred"), EventCategory::Scaling);
        assert_eq!(category_of("TemplateDrifted"), EventCategory::Template);
        assert_eq!(
            category_of("CircuitBreakerActive"),
            EventCategory::CircuitBreaker
        );
        assert_eq!(category_of("Scheduled"), EventCategory::Other);
        assert_eq!(category_of(""), EventCategory::Other);
    }

    /// The reasons the acko operator emits (`acko-operator` `shell::events::Reason`) with the
    /// category it declares for each: the manager must agree.
    #[test]
    fn operator_reasons_have_the_operator_category() {
        let operator = [
            ("FinalizerAdded", "Lifecycle"),
            ("ClusterDeleted", "Lifecycle"),
            ("ClusterCompleted", "Lifecycle"),
            ("InvalidSpec", "Lifecycle"),
            ("ReconcileFailed", "Lifecycle"),
            ("ReadinessGateUpdated", "Lifecycle"),
            ("ObjectsApplied", "Configuration"),
            ("ObjectsPruned", "Configuration"),
            ("ScaledUp", "Scaling"),
            ("ScaledDown", "Scaling"),
            ("ClaimsDeleted", "Scaling"),
            ("PodRestarted", "RollingRestart"),
            ("WarmRestartRequested", "RollingRestart"),
            ("WarmRestartConfirmed", "RollingRestart"),
            ("WarmRestartFailed", "RollingRestart"),
            ("OptionalCrdMissing", "Monitoring"),
            ("TemplateUnavailable", "Template"),
        ];
        for (reason, cat) in operator {
            assert_eq!(category_of(reason).id(), cat, "{reason}");
        }
    }

    #[test]
    fn category_query_accepts_ids_and_labels() {
        assert_eq!(
            EventCategory::parse("rolling-restart"),
            Some(EventCategory::RollingRestart)
        );
        assert_eq!(
            EventCategory::parse("ACL"),
            Some(EventCategory::AclSecurity)
        );
        assert_eq!(
            EventCategory::parse("Rack"),
            Some(EventCategory::RackManagement)
        );
        assert_eq!(
            EventCategory::parse("circuit_breaker"),
            Some(EventCategory::CircuitBreaker)
        );
        assert_eq!(EventCategory::parse("nope"), None);
    }

    #[test]
    fn events_of_the_cluster_objects_only() {
        let ev = |n: &str| Event {
            involved_object: k8s_openapi::api::core::v1::ObjectReference {
                name: Some(n.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(concerns(&ev("demo"), "demo"));
        assert!(concerns(&ev("demo-0-1"), "demo"));
        assert!(!concerns(&ev("demo2-0-1"), "demo"));
        assert!(!concerns(&ev("other"), "demo"));
    }

    #[test]
    fn a_recorder_series_gives_the_count_and_the_last_time() {
        let e: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "demo.1", "namespace": "default"},
            "involvedObject": {"kind": "AerospikeCluster", "name": "demo"},
            "reason": "CircuitBreakerOpen", "type": "Warning",
            "eventTime": "2026-01-02T03:04:05.000000Z",
            "series": {"count": 4, "lastObservedTime": "2026-01-02T03:09:05.000000Z"},
        }))
        .unwrap();
        let c = ClusterEvent::of(&e);
        assert_eq!(c.count, 4);
        assert_eq!(c.first_timestamp.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(c.last_timestamp.as_deref(), Some("2026-01-02T03:09:05Z"));
        let legacy: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "demo.2"}, "involvedObject": {"name": "demo"}, "count": 3,
            "firstTimestamp": "2026-01-02T03:00:00Z", "lastTimestamp": "2026-01-02T03:01:00Z",
        }))
        .unwrap();
        let c = ClusterEvent::of(&legacy);
        assert_eq!(c.count, 3);
        assert_eq!(c.last_timestamp.as_deref(), Some("2026-01-02T03:01:00Z"));
    }
}

//! Object storage: JSON objects keyed by (group, plural, namespace, name), one global
//! resourceVersion counter, a bounded event history for watch resumption, and a broadcast of
//! every change. All writes go through [`Store::commit`] under one lock, so events are ordered.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::error::{ApiError, ApiResult};
use crate::events_view;
use crate::kinds::{self, ResourceType};
use crate::selectors::{FieldSelector, LabelSelector};

/// Watch event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Created.
    Added,
    /// Changed.
    Modified,
    /// Removed.
    Deleted,
}

impl EventType {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change (of a stored object: views such as `events.k8s.io` Events are reported as
/// changes of the core objects they show).
#[derive(Debug, Clone)]
pub struct Event {
    /// resourceVersion of the change.
    pub rv: u64,
    /// Group of the stored resource.
    pub group: String,
    /// Plural of the stored resource.
    pub plural: String,
    /// Namespace ("" for cluster-scoped).
    pub namespace: String,
    /// Type.
    pub etype: EventType,
    /// The object after the change (before, for deletions).
    pub object: Value,
}

/// Key of a resource type across versions.
pub type TypeKey = (String, String);

/// The mutable state.
#[derive(Debug, Default)]
pub struct Inner {
    /// Last resourceVersion handed out.
    pub rv: u64,
    /// Served resource types.
    pub types: Vec<ResourceType>,
    /// Objects by type, then (namespace, name).
    pub objects: BTreeMap<TypeKey, BTreeMap<(String, String), Value>>,
    /// Recent events (bounded).
    pub history: VecDeque<Arc<Event>>,
    /// Max events kept.
    pub history_limit: usize,
    /// rv of the newest event dropped from history (watches from older rvs get 410).
    pub compacted_rv: u64,
    uid_seed: u64,
    uid_n: u64,
}

/// The store shared by the HTTP server and the controllers.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
}

/// Current time as RFC 3339 (seconds), like Kubernetes timestamps.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl Store {
    /// A store with the built-in kinds and `history_limit` events of watch history.
    pub fn new(history_limit: usize) -> Arc<Self> {
        let mut seed = [0u8; 8];
        let _ = getrandom::fill(&mut seed);
        let (tx, _) = broadcast::channel(16384);
        let inner = Inner {
            types: kinds::builtin(),
            history_limit,
            uid_seed: u64::from_le_bytes(seed),
            ..Default::default()
        };
        Arc::new(Store {
            inner: Mutex::new(inner),
            tx,
        })
    }

    /// Run `f` with the state locked (read-only helpers and multi-object reads).
    pub fn with<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        f(&self.inner.lock())
    }

    /// Run `f` with the state locked for writing.
    pub fn with_mut<R>(
        &self,
        f: impl FnOnce(&mut Inner, &broadcast::Sender<Arc<Event>>) -> R,
    ) -> R {
        f(&mut self.inner.lock(), &self.tx)
    }

    /// Subscribe to every change.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.tx.subscribe()
    }

    /// Current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.inner.lock().rv
    }

    /// Change the number of events kept for watch resumption.
    pub fn set_history_limit(&self, n: usize) {
        let mut g = self.inner.lock();
        g.history_limit = n.max(1);
        g.trim_history();
    }

    /// Find a served resource by group/version/plural.
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<ResourceType> {
        self.inner.lock().resolve(group, version, plural)
    }

    /// Find a served resource by apiVersion and kind.
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<ResourceType> {
        self.inner.lock().find_kind(api_version, kind)
    }

    /// All served resource types.
    pub fn types(&self) -> Vec<ResourceType> {
        self.inner.lock().types.clone()
    }
}

fn split_api_version(av: &str) -> (&str, &str) {
    av.split_once('/').unwrap_or(("", av))
}

/// Name of an object.
pub fn name_of(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}

/// Namespace of an object ("" when cluster-scoped).
pub fn ns_of(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or_default()
}

/// Parse a resourceVersion string.
pub fn parse_rv(s: &str) -> ApiResult<u64> {
    s.parse::<u64>().map_err(|_| {
        ApiError::bad_request(format!(
            "invalid resourceVersion {s:?}: must be an unsigned integer"
        ))
    })
}

impl Inner {
    /// Find a served resource by group/version/plural.
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<ResourceType> {
        self.types
            .iter()
            .find(|t| t.group == group && t.version == version && t.plural == plural)
            .cloned()
    }

    /// Find a served resource by apiVersion and kind.
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<ResourceType> {
        let (g, v) = split_api_version(api_version);
        self.types
            .iter()
            .find(|t| t.group == g && t.version == v && t.kind == kind)
            .cloned()
    }

    /// A fresh uid.
    pub fn new_uid(&mut self) -> String {
        self.uid_n += 1;
        let n = self.uid_n;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (self.uid_seed >> 32) as u32,
            (self.uid_seed >> 16) as u16,
            (self.uid_seed & 0xfff) as u16,
            (n >> 48) as u16 & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }

    /// Objects of one type.
    pub fn bucket(&self, rt: &ResourceType) -> Option<&BTreeMap<(String, String), Value>> {
        self.objects.get(&events_view::storage_key(rt))
    }

    /// Get one object (served under `rt`'s version).
    pub fn get(&self, rt: &ResourceType, ns: &str, name: &str) -> ApiResult<Value> {
        self.bucket(rt)
            .and_then(|b| b.get(&(ns.to_string(), name.to_string())))
            .map(|o| served_as(o, rt))
            .ok_or_else(|| ApiError::not_found(&rt.qualified(), name))
    }

    /// Get one object if present.
    pub fn try_get(&self, rt: &ResourceType, ns: &str, name: &str) -> Option<Value> {
        self.get(rt, ns, name).ok()
    }

    /// List objects (namespace None = all), served under `rt`.
    pub fn list(
        &self,
        rt: &ResourceType,
        ns: Option<&str>,
        ls: &LabelSelector,
        fs: &FieldSelector,
    ) -> Vec<Value> {
        self.list_stored(rt, ns, ls, fs)
            .into_iter()
            .map(|o| served_as(o, rt))
            .collect()
    }

    /// The stored objects a list of `rt` selects (selectors apply to the stored form).
    pub fn list_stored(
        &self,
        rt: &ResourceType,
        ns: Option<&str>,
        ls: &LabelSelector,
        fs: &FieldSelector,
    ) -> Vec<&Value> {
        let Some(b) = self.bucket(rt) else {
            return Vec::new();
        };
        let keep = |o: &&Value| ls.matches(o) && fs.matches(o);
        match ns {
            // keys are (namespace, name): one namespace is one contiguous range
            Some(want) => b
                .range((want.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == want)
                .map(|(_, o)| o)
                .filter(keep)
                .collect(),
            None => b.values().filter(keep).collect(),
        }
    }

    /// Objects of one namespace whose names start with `prefix` (one range scan of the keys;
    /// e.g. the pods `<statefulset>-<ordinal>` of a StatefulSet).
    pub fn list_name_prefix(&self, rt: &ResourceType, ns: &str, prefix: &str) -> Vec<Value> {
        let Some(b) = self.bucket(rt) else {
            return Vec::new();
        };
        b.range((ns.to_string(), prefix.to_string())..)
            .take_while(|((n, name), _)| n == ns && name.starts_with(prefix))
            .map(|(_, o)| served_as(o, rt))
            .collect()
    }

    /// Every object of every type (for the garbage collector).
    pub fn all(&self) -> impl Iterator<Item = (&TypeKey, &Value)> {
        self.objects
            .iter()
            .flat_map(|(k, b)| b.values().map(move |o| (k, o)))
    }

    /// Find a type by its key (any version).
    pub fn type_of(&self, key: &TypeKey) -> Option<ResourceType> {
        self.types
            .iter()
            .find(|t| t.group == key.0 && t.plural == key.1)
            .cloned()
    }

    pub(crate) fn trim_history(&mut self) {
        while self.history.len() > self.history_limit {
            if let Some(e) = self.history.pop_front() {
                self.compacted_rv = e.rv;
            }
        }
    }

    /// Store `new` (or remove the object when `new` is None), assign the next resourceVersion,
    /// record and broadcast the event. Returns the stored object.
    pub fn commit(
        &mut self,
        tx: &broadcast::Sender<Arc<Event>>,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        new: Option<Value>,
    ) -> Value {
        self.rv += 1;
        let rv = self.rv;
        let key = events_view::storage_key(rt);
        let view = events_view::is_view(rt);
        let new = new.map(|o| if view { events_view::to_core(&o) } else { o });
        let okey = (ns.to_string(), name.to_string());
        let bucket = self.objects.entry(key).or_default();
        let (etype, object) = match new {
            Some(mut o) => {
                o["metadata"]["resourceVersion"] = json!(rv.to_string());
                let existed = bucket.insert(okey, o.clone()).is_some();
                (
                    if existed {
                        EventType::Modified
                    } else {
                        EventType::Added
                    },
                    o,
                )
            }
            None => {
                let mut o = bucket.remove(&okey).unwrap_or(Value::Null);
                if o.is_object() {
                    o["metadata"]["resourceVersion"] = json!(rv.to_string());
                }
                (EventType::Deleted, o)
            }
        };
        if rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions" {
            self.types
                .retain(|t| !(t.custom && format!("{}.{}", t.plural, t.group) == name));
            if etype != EventType::Deleted {
                self.types.extend(kinds::from_crd(&object));
            }
        }
        let (group, plural) = events_view::storage_key(rt);
        let ev = Arc::new(Event {
            rv,
            group,
            plural,
            namespace: ns.to_string(),
            etype,
            object: object.clone(),
        });
        self.history.push_back(ev.clone());
        self.trim_history();
        let _ = tx.send(ev);
        if view { served_as(&object, rt) } else { object }
    }
}

/// The object as served under `rt` (apiVersion/kind set).
pub fn served_as(o: &Value, rt: &ResourceType) -> Value {
    if events_view::is_view(rt) {
        return events_view::to_view(o);
    }
    let mut o = o.clone();
    o["apiVersion"] = json!(rt.api_version());
    o["kind"] = json!(rt.kind);
    o
}

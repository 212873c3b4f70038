//! The verbs: create, update (PUT), patch (merge / JSON / strategic / apply), delete, and the
//! `/status` and `/scale` subresources. Everything runs on the locked [`Inner`] state.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::apply::{self, Manager};
use crate::error::{ApiError, ApiResult};
use crate::kinds::{self, ResourceType};
use crate::patch;
use crate::store::{Event, Inner, name_of, now};
use crate::validate;

/// Patch content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// application/merge-patch+json
    Merge,
    /// application/json-patch+json
    Json,
    /// application/strategic-merge-patch+json
    Strategic,
    /// application/apply-patch+yaml
    Apply,
}

impl PatchType {
    /// From a Content-Type header.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let ct = ct.split(';').next().unwrap_or_default().trim();
        Some(match ct {
            "application/merge-patch+json" => PatchType::Merge,
            "application/json-patch+json" => PatchType::Json,
            "application/strategic-merge-patch+json" => PatchType::Strategic,
            "application/apply-patch+yaml" | "application/apply-patch+json" => PatchType::Apply,
            _ => return None,
        })
    }
}

/// Options of a write.
#[derive(Debug, Clone, Default)]
pub struct WriteOpts {
    /// fieldManager (defaulted from the user agent by the HTTP layer).
    pub manager: String,
    /// force (apply only).
    pub force: bool,
    /// dryRun=All: validate and return, do not store.
    pub dry_run: bool,
}

/// Deletion options.
#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    /// Background (default), Foreground or Orphan.
    pub propagation: Option<String>,
    /// Precondition on uid.
    pub uid: Option<String>,
    /// Precondition on resourceVersion.
    pub resource_version: Option<String>,
    /// dryRun=All.
    pub dry_run: bool,
}

type Tx = broadcast::Sender<Arc<Event>>;

fn strip_for_generation(o: &Value) -> Value {
    let mut o = o.clone();
    if let Some(m) = o.as_object_mut() {
        m.remove("metadata");
        m.remove("status");
        m.remove("apiVersion");
        m.remove("kind");
    }
    o
}

fn without_volatile(o: &Value) -> Value {
    let mut o = o.clone();
    if let Some(md) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
        md.remove("managedFields");
    }
    o
}

fn validate_name(rt: &ResourceType, name: &str) -> ApiResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !p.starts_with('-')
                && !p.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_in(
            &rt.group,
            &rt.kind,
            name,
            vec![(
                "metadata.name".into(),
                format!(
                    "Invalid value: {name:?}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                ),
            )],
        ))
    }
}

impl Inner {
    fn ns_exists(&self, ns: &str) -> bool {
        self.objects
            .get(&(String::new(), "namespaces".to_string()))
            .is_some_and(|b| b.contains_key(&(String::new(), ns.to_string())))
    }

    fn check_kind(rt: &ResourceType, obj: &mut Value) -> ApiResult<()> {
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the request body must be a JSON object",
            ));
        }
        let av = obj["apiVersion"].as_str().unwrap_or_default();
        let kind = obj["kind"].as_str().unwrap_or_default();
        if (!kind.is_empty() && kind != rt.kind) || (!av.is_empty() && av != rt.api_version()) {
            return Err(ApiError::bad_request(format!(
                "the body is a {av}/{kind} but the URL is for {} {}: send the object to its own resource path",
                rt.api_version(),
                rt.kind
            )));
        }
        obj["apiVersion"] = json!(rt.api_version());
        obj["kind"] = json!(rt.kind);
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        Ok(())
    }

    /// POST: create an object.
    pub fn create(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        mut obj: Value,
        opts: &WriteOpts,
        managers: Option<Vec<Manager>>,
    ) -> ApiResult<Value> {
        Self::check_kind(rt, &mut obj)?;
        let md_ns = obj["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if rt.namespaced {
            if !md_ns.is_empty() && md_ns != ns {
                return Err(ApiError::bad_request(format!(
                    "the namespace of the provided object ({md_ns}) does not match the namespace sent on the request ({ns})"
                )));
            }
            if !self.ns_exists(ns) {
                return Err(ApiError::not_found("namespaces", ns));
            }
            obj["metadata"]["namespace"] = json!(ns);
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        let mut name = name_of(&obj).to_string();
        if name.is_empty() {
            let Some(prefix) = obj["metadata"]["generateName"].as_str().map(String::from) else {
                return Err(ApiError::invalid_in(
                    &rt.group,
                    &rt.kind,
                    "",
                    vec![(
                        "metadata.name".into(),
                        "Required value: name or generateName is required".into(),
                    )],
                ));
            };
            name = format!("{prefix}{}", &self.new_uid()[24..29]);
            obj["metadata"]["name"] = json!(name);
        }
        validate_name(rt, &name)?;
        if self.try_get(rt, ns, &name).is_some() {
            return Err(ApiError::already_exists(&rt.qualified(), &name));
        }
        let uid = self.new_uid();
        let md = obj["metadata"]
            .as_object_mut()
            .expect("metadata is an object");
        md.insert("uid".into(), json!(uid));
        md.insert("creationTimestamp".into(), json!(now()));
        md.insert("generation".into(), json!(1));
        md.remove("deletionTimestamp");
        md.remove("deletionGracePeriodSeconds");
        md.remove("resourceVersion");
        md.remove("managedFields");
        if rt.status && rt.kind != "Node" && rt.kind != "PersistentVolume" {
            if let Some(m) = obj.as_object_mut() {
                m.remove("status");
            }
        }
        crate::defaults::on_create(self, rt, &mut obj);
        validate::object(self, rt, &mut obj)?;
        let mut ms = managers.unwrap_or_default();
        if ms.is_empty() {
            apply::record_update(None, &obj, &mut ms, &opts.manager, "", rt.status, &now());
        }
        apply::write_managers(&mut obj, &ms);
        if opts.dry_run {
            return Ok(obj);
        }
        Ok(self.commit(tx, rt, ns, &name, Some(obj)))
    }

    /// Shared tail of every write to an existing object.
    #[allow(clippy::too_many_arguments)]
    fn write_existing(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        old: &Value,
        mut new: Value,
        sub: &str,
        opts: &WriteOpts,
        managers: Option<Vec<Manager>>,
    ) -> ApiResult<Value> {
        Self::check_kind(rt, &mut new)?;
        let want_rv = new["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if !want_rv.is_empty()
            && want_rv
                != old["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
        {
            return Err(ApiError::conflict(&rt.qualified(), name));
        }
        if !name_of(&new).is_empty() && name_of(&new) != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                name_of(&new)
            )));
        }
        if sub == "status" {
            let mut merged = old.clone();
            match new.get("status") {
                Some(s) => merged["status"] = s.clone(),
                None => {
                    if let Some(m) = merged.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            new = merged;
        } else if rt.status {
            match old.get("status") {
                Some(s) => new["status"] = s.clone(),
                None => {
                    if let Some(m) = new.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
        }
        for k in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            match old["metadata"].get(k) {
                Some(v) => new["metadata"][k] = v.clone(),
                None => {
                    if let Some(m) = new["metadata"].as_object_mut() {
                        m.remove(k);
                    }
                }
            }
        }
        if old["metadata"].get("deletionTimestamp").is_some() {
            let before: Vec<&Value> = old["metadata"]["finalizers"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            if let Some(added) = new["metadata"]["finalizers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| !before.contains(f))
            {
                return Err(ApiError::invalid_in(
                    &rt.group,
                    &rt.kind,
                    name,
                    vec![(
                        "metadata.finalizers".into(),
                        format!(
                            "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [{added}]"
                        ),
                    )],
                ));
            }
        }
        if strip_for_generation(old) != strip_for_generation(&new) {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(1);
            new["metadata"]["generation"] = json!(g + 1);
        }
        crate::defaults::on_update(self, rt, old, &mut new);
        validate::object_update(self, rt, &mut new, Some(old))?;
        let ms = match managers {
            Some(ms) => ms,
            None => {
                let mut ms = apply::read_managers(old);
                apply::record_update(
                    Some(old),
                    &new,
                    &mut ms,
                    &opts.manager,
                    sub,
                    rt.status,
                    &now(),
                );
                ms
            }
        };
        apply::write_managers(&mut new, &ms);
        if without_volatile(&new) == without_volatile(old) {
            return Ok(old.clone());
        }
        if opts.dry_run {
            return Ok(new);
        }
        let finalizers_empty = new["metadata"]["finalizers"]
            .as_array()
            .is_none_or(|a| a.is_empty());
        if new["metadata"].get("deletionTimestamp").is_some() && finalizers_empty {
            return Ok(self.commit(tx, rt, ns, name, None));
        }
        Ok(self.commit(tx, rt, ns, name, Some(new)))
    }

    /// PUT on the object or its `/status`.
    pub fn update(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        obj: Value,
        sub: &str,
        opts: &WriteOpts,
    ) -> ApiResult<Value> {
        let old = self.get(rt, ns, name)?;
        self.write_existing(tx, rt, ns, name, &old, obj, sub, opts, None)
    }

    /// PATCH on the object or its `/status`.
    #[allow(clippy::too_many_arguments)]
    pub fn patch(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        ptype: PatchType,
        body: &Value,
        sub: &str,
        opts: &WriteOpts,
    ) -> ApiResult<Value> {
        let old = self.try_get(rt, ns, name);
        if ptype == PatchType::Apply {
            if opts.manager.is_empty() {
                return Err(ApiError::bad_request(
                    "PATCH with apply requires a fieldManager query parameter (e.g. ?fieldManager=my-controller)",
                ));
            }
            let mut applied = body.clone();
            Self::check_kind(rt, &mut applied)?;
            // An apply body may leave out `metadata.name` when the object exists: the
            // configuration is merged onto the live object, which carries the URL's name
            // (lease managers send such patches). A different name is always refused.
            if name_of(&applied).is_empty() && old.is_some() {
                applied["metadata"]["name"] = Value::String(name.to_string());
            }
            if name_of(&applied) != name {
                return Err(ApiError::bad_request(format!(
                    "the name in the applied configuration ({:?}) must match the name on the URL ({name})",
                    name_of(&applied)
                )));
            }
            let mut ms = old.as_ref().map(apply::read_managers).unwrap_or_default();
            let merged = apply::apply(
                old.as_ref(),
                &applied,
                &mut ms,
                &opts.manager,
                sub,
                opts.force,
                rt.status,
                &now(),
            )?;
            return match old {
                None if sub.is_empty() => self.create(tx, rt, ns, merged, opts, Some(ms)),
                None => Err(ApiError::not_found(&rt.qualified(), name)),
                Some(old) => {
                    self.write_existing(tx, rt, ns, name, &old, merged, sub, opts, Some(ms))
                }
            };
        }
        let old = old.ok_or_else(|| ApiError::not_found(&rt.qualified(), name))?;
        let mut new = old.clone();
        match ptype {
            PatchType::Merge => patch::merge_patch(&mut new, body),
            PatchType::Json => patch::json_patch(&mut new, body)?,
            PatchType::Strategic => {
                if !rt.strategic_merge() {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        format!(
                            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (strategic merge patch is not supported for custom resources like {})",
                            rt.qualified()
                        ),
                    ));
                }
                patch::strategic_merge(&mut new, body)
            }
            PatchType::Apply => unreachable!("handled above"),
        }
        self.write_existing(tx, rt, ns, name, &old, new, sub, opts, None)
    }

    /// GET `/scale`.
    pub fn get_scale(&self, rt: &ResourceType, ns: &str, name: &str) -> ApiResult<Value> {
        let paths = rt
            .scale
            .as_ref()
            .ok_or_else(|| ApiError::not_found(&format!("{}/scale", rt.qualified()), name))?;
        let o = self.get(rt, ns, name)?;
        let md = &o["metadata"];
        let mut scale = json!({
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {
                "name": md["name"], "namespace": md["namespace"], "uid": md["uid"],
                "resourceVersion": md["resourceVersion"], "creationTimestamp": md["creationTimestamp"],
            },
            "spec": {"replicas": kinds::get_path(&o, &paths.spec_replicas).cloned().unwrap_or(json!(0))},
            "status": {"replicas": kinds::get_path(&o, &paths.status_replicas).cloned().unwrap_or(json!(0))},
        });
        let selector = match &paths.label_selector {
            Some(p) => kinds::get_path(&o, p).cloned(),
            None => o["spec"]["selector"]["matchLabels"].as_object().map(|m| {
                json!(
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            }),
        };
        if let Some(s) = selector {
            scale["status"]["selector"] = s;
        }
        if !rt.namespaced {
            scale["metadata"]
                .as_object_mut()
                .expect("object")
                .remove("namespace");
        }
        Ok(scale)
    }

    /// PUT/PATCH `/scale`: `change` edits the Scale object; spec.replicas is written back.
    #[allow(clippy::too_many_arguments)]
    pub fn write_scale(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        change: impl FnOnce(&mut Value) -> ApiResult<()>,
        opts: &WriteOpts,
    ) -> ApiResult<Value> {
        let mut scale = self.get_scale(rt, ns, name)?;
        change(&mut scale)?;
        let replicas = scale["spec"]["replicas"].as_i64().ok_or_else(|| {
            ApiError::invalid(
                "Scale",
                name,
                vec![("spec.replicas".into(), "Required value: an integer".into())],
            )
        })?;
        if replicas < 0 {
            return Err(ApiError::invalid(
                "Scale",
                name,
                vec![(
                    "spec.replicas".into(),
                    format!("Invalid value: {replicas}: must be greater than or equal to 0"),
                )],
            ));
        }
        let old = self.get(rt, ns, name)?;
        let want_rv = scale["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if !want_rv.is_empty()
            && want_rv
                != old["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
        {
            return Err(ApiError::conflict(&rt.qualified(), name));
        }
        let mut new = old.clone();
        let path = rt
            .scale
            .as_ref()
            .map(|s| s.spec_replicas.clone())
            .unwrap_or_default();
        kinds::set_path(&mut new, &path, json!(replicas));
        let opts = WriteOpts {
            manager: opts.manager.clone(),
            ..opts.clone()
        };
        self.write_existing(tx, rt, ns, name, &old, new, "", &opts, None)?;
        self.get_scale(rt, ns, name)
    }

    /// DELETE one object: finalizers and propagation policy honoured.
    pub fn delete(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        opts: &DeleteOpts,
    ) -> ApiResult<Value> {
        let old = self.get(rt, ns, name)?;
        let md = &old["metadata"];
        if opts
            .uid
            .as_ref()
            .is_some_and(|u| Some(u.as_str()) != md["uid"].as_str())
            || opts
                .resource_version
                .as_ref()
                .is_some_and(|r| Some(r.as_str()) != md["resourceVersion"].as_str())
        {
            return Err(ApiError::new(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: the uid or resourceVersion in the precondition does not match the object",
                    rt.qualified()
                ),
            ));
        }
        let mut new = old.clone();
        let mut fins: Vec<Value> = md["finalizers"].as_array().cloned().unwrap_or_default();
        let policy = opts.propagation.as_deref().unwrap_or("Background");
        if rt.kind == "Namespace" && rt.group.is_empty() && !fins.contains(&json!("kubernetes")) {
            fins.push(json!("kubernetes"));
        }
        let extra = match policy {
            "Foreground" => Some("foregroundDeletion"),
            "Orphan" => Some("orphan"),
            "Background" => None,
            other => {
                return Err(ApiError::bad_request(format!(
                    "invalid propagationPolicy {other:?}: use Background, Foreground or Orphan"
                )));
            }
        };
        if let Some(f) = extra {
            if md.get("deletionTimestamp").is_none() && !fins.contains(&json!(f)) {
                fins.push(json!(f));
            }
        }
        if opts.dry_run {
            return Ok(old);
        }
        if fins.is_empty() {
            return Ok(self.commit(tx, rt, ns, name, None));
        }
        if md.get("deletionTimestamp").is_some() {
            return Ok(old);
        }
        new["metadata"]["finalizers"] = json!(fins);
        new["metadata"]["deletionTimestamp"] = json!(now());
        new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        let g = md["generation"].as_i64().unwrap_or(1);
        new["metadata"]["generation"] = json!(g + 1);
        if rt.kind == "Namespace" {
            new["status"]["phase"] = json!("Terminating");
        }
        Ok(self.commit(tx, rt, ns, name, Some(new)))
    }

    /// Write an object as a controller of the simulator would (no resourceVersion check;
    /// `change` edits the current object, `sub` is "" or "status").
    pub fn mutate(
        &mut self,
        tx: &Tx,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        sub: &str,
        manager: &str,
        change: impl FnOnce(&mut Value),
    ) -> ApiResult<Value> {
        let old = self.get(rt, ns, name)?;
        let mut new = old.clone();
        change(&mut new);
        if let Some(m) = new["metadata"].as_object_mut() {
            m.remove("resourceVersion");
        }
        let opts = WriteOpts {
            manager: manager.into(),
            ..Default::default()
        };
        self.write_existing(tx, rt, ns, name, &old, new, sub, &opts, None)
    }
}

//! Templates (pure): a cluster referencing an `AerospikeClusterTemplate` resolves it once into
//! `status.templateSnapshot` and keeps using the snapshot when the template changes (the status
//! says `synced: false`); the `acko.io/resync-template` annotation takes the template's current
//! version. A referenced template carries a finalizer so it cannot disappear under its clusters.

use acko_api::contract::operator::TEMPLATE_FINALIZER;
use acko_api::{AerospikeClusterTemplate, TemplateSnapshot};
use kube::ResourceExt;

use crate::status::time;

/// The template a cluster renders with, and its snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The template to merge (rebuilt from the snapshot, or the live one), `None` without a
    /// `templateRef`.
    pub template: Option<AerospikeClusterTemplate>,
    /// The snapshot to report.
    pub snapshot: Option<TemplateSnapshot>,
    /// The live template was taken now because of a resync request (not at first resolution).
    pub resynced: bool,
    /// The snapshot just went out of sync (it was in sync before).
    pub drifted: bool,
}

/// Resolves a cluster's template.
///
/// * no `templateRef`: nothing;
/// * a snapshot of the same template and no resync request: the snapshot's spec, `synced`
///   while the live template's `resourceVersion` is the snapshot's (a deleted template leaves the
///   cluster running on its snapshot);
/// * otherwise (first resolution, a different template, a resync request): the live template,
///   which must exist.
pub fn resolve(
    template_ref: Option<&str>,
    live: Option<&AerospikeClusterTemplate>,
    previous: Option<&TemplateSnapshot>,
    resync_requested: bool,
    now: i64,
) -> Result<Resolution, String> {
    let Some(name) = template_ref else {
        return Ok(Resolution {
            template: None,
            snapshot: None,
            resynced: false,
            drifted: false,
        });
    };
    let usable = previous.filter(|s| s.name == name && s.spec.is_some());
    if let (Some(snap), false) = (usable, resync_requested) {
        let synced = live.is_some_and(|l| l.resource_version() == snap.resource_version);
        let template = AerospikeClusterTemplate::new(name, snap.spec.clone().unwrap_or_default());
        return Ok(Resolution {
            template: Some(template),
            snapshot: Some(TemplateSnapshot {
                synced,
                ..snap.clone()
            }),
            resynced: false,
            drifted: snap.synced && !synced,
        });
    }
    let Some(live) = live else {
        return Err(format!(
            "AerospikeClusterTemplate {name:?} does not exist; create it or change spec.templateRef"
        ));
    };
    Ok(Resolution {
        template: Some(live.clone()),
        snapshot: Some(TemplateSnapshot {
            name: name.to_owned(),
            resource_version: live.resource_version(),
            snapshot_timestamp: Some(time(now)),
            last_sync_time: Some(time(now)),
            synced: true,
            spec: Some(live.spec.clone()),
        }),
        resynced: usable.is_some(),
        drifted: false,
    })
}

/// What to do with a template given the clusters (`namespace/name`) that reference it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protection {
    /// `status.usedBy`, sorted.
    pub used_by: Vec<String>,
    /// The finalizer list to write, when it must change.
    pub finalizers: Option<Vec<String>>,
    /// The template is being deleted while referenced: a Warning event naming the clusters.
    pub blocked_delete: Option<String>,
}

/// Keeps [`TEMPLATE_FINALIZER`] on a template exactly while clusters reference it.
pub fn protection(template: &AerospikeClusterTemplate, users: &[String]) -> Protection {
    let mut used_by = users.to_vec();
    used_by.sort();
    used_by.dedup();
    let has = template
        .finalizers()
        .iter()
        .any(|f| f == TEMPLATE_FINALIZER);
    let deleting = template.metadata.deletion_timestamp.is_some();
    let finalizers = match (used_by.is_empty(), has) {
        (false, false) if !deleting => {
            let mut f = template.finalizers().to_vec();
            f.push(TEMPLATE_FINALIZER.to_owned());
            Some(f)
        }
        (true, true) => Some(
            template
                .finalizers()
                .iter()
                .filter(|f| *f != TEMPLATE_FINALIZER)
                .cloned()
                .collect(),
        ),
        _ => None,
    };
    let blocked_delete = (deleting && !used_by.is_empty()).then(|| {
        format!(
            "template {} cannot be deleted while clusters reference it: {} (change or remove \
             their spec.templateRef first)",
            template.name_any(),
            used_by.join(", ")
        )
    });
    Protection {
        used_by,
        finalizers,
        blocked_delete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acko_api::AerospikeClusterTemplateSpec;

    fn tpl(rv: &str, size: i32) -> AerospikeClusterTemplate {
        let mut t = AerospikeClusterTemplate::new(
            "base",
            AerospikeClusterTemplateSpec {
                size: Some(size),
                ..Default::default()
            },
        );
        t.metadata.resource_version = Some(rv.into());
        t
    }

    #[test]
    fn resolution_table() {
        let first = resolve(Some("base"), Some(&tpl("1", 3)), None, false, 100).unwrap();
        let snap = first.snapshot.clone().unwrap();
        assert!(snap.synced && !first.resynced && !first.drifted);
        assert_eq!(snap.resource_version.as_deref(), Some("1"));
        assert_eq!(snap.last_sync_time, Some(time(100)));

        // The template changed: the cluster keeps the snapshot and reports OutOfSync once.
        let r = resolve(Some("base"), Some(&tpl("2", 5)), Some(&snap), false, 200).unwrap();
        assert_eq!(
            r.template.as_ref().unwrap().spec.size,
            Some(3),
            "snapshot kept"
        );
        let out = r.snapshot.clone().unwrap();
        assert!(!out.synced && r.drifted);
        assert_eq!(out.last_sync_time, Some(time(100)));
        let again = resolve(Some("base"), Some(&tpl("2", 5)), Some(&out), false, 300).unwrap();
        assert!(!again.drifted, "drift is reported once");

        // Resync takes the new version.
        let r = resolve(Some("base"), Some(&tpl("2", 5)), Some(&out), true, 400).unwrap();
        assert_eq!(r.template.as_ref().unwrap().spec.size, Some(5));
        let s = r.snapshot.unwrap();
        assert!(s.synced && r.resynced);
        assert_eq!(
            (s.resource_version.as_deref(), s.last_sync_time),
            (Some("2"), Some(time(400)))
        );

        // A deleted template: the snapshot keeps the cluster running, out of sync.
        let r = resolve(Some("base"), None, Some(&snap), false, 500).unwrap();
        assert_eq!(r.template.unwrap().spec.size, Some(3));
        assert!(!r.snapshot.unwrap().synced);

        // No snapshot and no template: a clear error.
        let e = resolve(Some("base"), None, None, false, 1).unwrap_err();
        assert!(e.contains("\"base\" does not exist"), "{e}");
        // A different template name ignores the old snapshot.
        let other = TemplateSnapshot {
            name: "old".into(),
            ..snap.clone()
        };
        let r = resolve(Some("base"), Some(&tpl("9", 1)), Some(&other), false, 1).unwrap();
        assert_eq!(r.snapshot.unwrap().resource_version.as_deref(), Some("9"));
        // No templateRef: nothing.
        assert_eq!(
            resolve(None, None, Some(&snap), true, 1).unwrap().snapshot,
            None
        );
    }

    #[test]
    fn protection_table() {
        let t = tpl("1", 3);
        let p = protection(&t, &["db/b".into(), "db/a".into()]);
        assert_eq!(p.used_by, ["db/a", "db/b"]);
        assert_eq!(p.finalizers, Some(vec![TEMPLATE_FINALIZER.to_owned()]));
        assert_eq!(p.blocked_delete, None);

        let mut held = t.clone();
        held.metadata.finalizers = Some(vec![TEMPLATE_FINALIZER.into()]);
        assert_eq!(
            protection(&held, &["db/a".into()]).finalizers,
            None,
            "no change"
        );
        assert_eq!(protection(&held, &[]).finalizers, Some(vec![]), "released");

        let mut deleting = held.clone();
        deleting.metadata.deletion_timestamp = Some(time(1));
        let p = protection(&deleting, &["db/a".into()]);
        assert_eq!(p.finalizers, None);
        let msg = p.blocked_delete.unwrap();
        assert!(
            msg.contains("db/a") && msg.contains("spec.templateRef"),
            "{msg}"
        );
        assert_eq!(protection(&deleting, &[]).finalizers, Some(vec![]));
        // Never add the finalizer to a template being deleted.
        let mut bare = t;
        bare.metadata.deletion_timestamp = Some(time(1));
        assert_eq!(protection(&bare, &["db/a".into()]).finalizers, None);
    }
}

//! `acko install --dry-run`: prints the manifests of `deploy/base` (and the manager overlay),
//! the same objects `kubectl kustomize` renders (a test compares them), for another namespace
//! with `--namespace`. Applying them (`acko install` without `--dry-run`) is not implemented
//! yet: use `kubectl apply --server-side -f -` on the output.

use serde_json::Value;

const BASE: &[&str] = &[
    include_str!("../../../../deploy/base/namespace.yaml"),
    include_str!("../../../../deploy/base/rbac.yaml"),
    include_str!("../../../../deploy/base/operator.yaml"),
];
const MANAGER: &str = include_str!("../../../../deploy/overlays/manager/manager.yaml");
const DEFAULT_NAMESPACE: &str = "acko-system";

/// Arguments of `acko install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Print the manifests instead of applying them (required for now).
    #[arg(long)]
    pub dry_run: bool,
    /// Also install aerospike-cluster-manager with Kubernetes management.
    #[arg(long)]
    pub with_manager: bool,
    /// Namespace of the operator (and manager).
    #[arg(long, short = 'n', default_value = DEFAULT_NAMESPACE)]
    pub namespace: String,
}

/// Every object, CRDs first, in the namespace `namespace`.
pub fn objects(with_manager: bool, namespace: &str) -> Result<Vec<Value>, String> {
    let mut docs: Vec<Value> =
        serde_saphyr::from_multiple(&acko_api::crds_yaml().map_err(|e| format!("CRDs: {e}"))?)
            .map_err(|e| format!("CRDs: {e}"))?;
    let mut texts: Vec<&str> = BASE.to_vec();
    if with_manager {
        texts.push(MANAGER);
    }
    for t in texts {
        let more: Vec<Value> =
            serde_saphyr::from_multiple(t).map_err(|e| format!("embedded manifest: {e}"))?;
        docs.extend(more.into_iter().filter(|d| !d.is_null()));
    }
    for d in &mut docs {
        if d["kind"] == "Namespace" {
            d["metadata"]["name"] = Value::from(namespace);
        } else if d["metadata"].get("namespace").is_some() {
            d["metadata"]["namespace"] = Value::from(namespace);
        }
        if let Some(subjects) = d.get_mut("subjects").and_then(Value::as_array_mut) {
            for s in subjects {
                s["namespace"] = Value::from(namespace);
            }
        }
        // The admission webhook's Service moves too (as kustomize's namespace does).
        if let Some(hooks) = d.get_mut("webhooks").and_then(Value::as_array_mut) {
            for h in hooks {
                if let Some(svc) = h.pointer_mut("/clientConfig/service") {
                    svc["namespace"] = Value::from(namespace);
                }
            }
        }
    }
    Ok(docs)
}

/// A Kubernetes namespace name (RFC 1123 label).
fn is_namespace_name(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&s.len())
        && s.chars().all(|c| ok(c) || c == '-')
        && s.starts_with(ok)
        && s.ends_with(ok)
}

/// Runs `acko install` and returns the exit code.
pub fn run(args: InstallArgs) -> i32 {
    if !args.dry_run {
        eprintln!(
            "acko install: applying is not implemented yet; run `acko install --dry-run | kubectl apply --server-side -f -`"
        );
        return 2;
    }
    if !is_namespace_name(&args.namespace) {
        eprintln!(
            "acko install: --namespace {:?} is not a valid namespace name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit",
            args.namespace
        );
        return 2;
    }
    match objects(args.with_manager, &args.namespace) {
        Ok(docs) => {
            for d in docs {
                match serde_saphyr::to_string(&d) {
                    Ok(y) => print!("---\n{y}"),
                    Err(e) => {
                        eprintln!("acko install: {e}");
                        return 2;
                    }
                }
            }
            0
        }
        Err(e) => {
            eprintln!("acko install: {e}");
            2
        }
    }
}

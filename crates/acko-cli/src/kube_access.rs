//! Connecting to Kubernetes: the `--kubeconfig` / `--context` flags every cluster-facing
//! subcommand shares, the async runtime, and plain-language descriptions of API errors.

use std::future::Future;
use std::path::PathBuf;

use acko_api::AerospikeCluster;
use kube::api::{Api, ApiResource, DynamicObject};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Where the Kubernetes API is (`kubectl`'s flags of the same names).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct KubeArgs {
    /// Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster
    /// service account).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

/// The cluster a subcommand acts on: `NAME [-n NAMESPACE]` plus the connection flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterTarget {
    /// Name of the AerospikeCluster.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Namespace of the cluster (default: the kubeconfig context's namespace).
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub kube: KubeArgs,
}

impl ClusterTarget {
    /// Validates the names, connects, and returns the client with the cluster's namespace.
    pub async fn connect(&self) -> Result<(Client, String), String> {
        if let Some(ns) = &self.namespace {
            check_names(&self.name, ns)?;
        }
        let kube = connect(&self.kube).await?;
        let ns = self
            .namespace
            .clone()
            .unwrap_or(kube.default_namespace.clone());
        check_names(&self.name, &ns)?;
        Ok((kube.client, ns))
    }

    /// `AerospikeCluster NS/NAME`, for messages.
    pub fn what(&self, namespace: &str) -> String {
        format!("AerospikeCluster {namespace}/{}", self.name)
    }
}

/// A connected client and the default namespace of the chosen context.
pub struct Kube {
    /// The client.
    pub client: Client,
    /// Namespace of the kubeconfig context (`default` when it names none).
    pub default_namespace: String,
}

/// Builds a client from the flags; the error says how to fix the configuration.
pub async fn connect(args: &KubeArgs) -> Result<Kube, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let options = KubeConfigOptions {
        context: args.context.clone(),
        ..KubeConfigOptions::default()
    };
    let config = match &args.kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path).map_err(|e| {
                format!(
                    "cannot read the kubeconfig {}: {e} (check --kubeconfig)",
                    path.display()
                )
            })?;
            Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| format!("kubeconfig {}: {e}", path.display()))?
        }
        None if args.context.is_some() => Config::from_kubeconfig(&options)
            .await
            .map_err(|e| format!("kubeconfig context {:?}: {e}", args.context))?,
        None => Config::infer().await.map_err(|e| {
            format!(
                "no Kubernetes configuration found ({e}); pass --kubeconfig FILE or set KUBECONFIG"
            )
        })?,
    };
    let default_namespace = config.default_namespace.clone();
    let client = Client::try_from(config).map_err(|e| format!("Kubernetes client: {e}"))?;
    Ok(Kube {
        client,
        default_namespace,
    })
}

/// Runs an async subcommand on a small runtime and returns its exit code.
pub fn block_on<F: Future<Output = i32>>(command: &str, f: F) -> i32 {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(f),
        Err(e) => {
            eprintln!("acko {command}: cannot start the async runtime: {e}");
            1
        }
    }
}

/// The HTTP status of an API error, if the server answered.
pub fn status_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// One line describing a failed call on `what` (for example `AerospikeCluster default/demo`).
pub fn describe(what: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 404 => format!("{what} not found"),
        kube::Error::Api(s) if s.code == 403 => format!(
            "not allowed to access {what}: {} (check your RBAC permissions)",
            s.message
        ),
        kube::Error::Api(s) if s.code == 409 => format!("{what}: conflict: {}", s.message),
        kube::Error::Api(s) => format!("{what}: the API server answered {}: {}", s.code, s.message),
        other => format!("{what}: cannot reach the Kubernetes API: {other}"),
    }
}

/// The `AerospikeCluster` resource, for dynamic access (status fields newer than this CLI are
/// kept).
pub fn cluster_resource() -> ApiResource {
    ApiResource::erase::<AerospikeCluster>(&())
}

/// `AerospikeCluster`s of one namespace, as JSON objects.
pub fn clusters(client: &Client, namespace: &str) -> Api<DynamicObject> {
    Api::namespaced_with(client.clone(), namespace, &cluster_resource())
}

/// A Kubernetes object name (RFC 1123 subdomain), checked before it reaches a URL.
pub fn is_object_name(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=253).contains(&s.len())
        && s.chars().all(|c| ok(c) || c == '-' || c == '.')
        && s.starts_with(ok)
        && s.ends_with(ok)
}

/// A namespace name (RFC 1123 label).
pub fn is_namespace_name(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&s.len())
        && s.chars().all(|c| ok(c) || c == '-')
        && s.starts_with(ok)
        && s.ends_with(ok)
}

/// Checks a cluster name and namespace given on the command line.
pub fn check_names(name: &str, namespace: &str) -> Result<(), String> {
    if !is_object_name(name) {
        return Err(format!(
            "{name:?} is not a valid AerospikeCluster name: use lowercase letters, digits, '-' or '.', starting and ending with a letter or digit"
        ));
    }
    if !is_namespace_name(namespace) {
        return Err(format!(
            "{namespace:?} is not a valid namespace name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rfc_1123() {
        assert!(is_object_name("demo"));
        assert!(is_object_name("a.b-1"));
        assert!(!is_object_name("Demo"));
        assert!(!is_object_name("-a"));
        assert!(!is_object_name("a/b"));
        assert!(!is_object_name(""));
        assert!(is_namespace_name("acko-system"));
        assert!(!is_namespace_name("a.b"));
        assert!(!is_namespace_name(&"a".repeat(64)));
        assert!(check_names("x", "Bad").unwrap_err().contains("namespace"));
    }
}

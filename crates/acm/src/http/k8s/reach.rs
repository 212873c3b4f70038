//! How the manager reaches the Aerospike service of a cluster it auto-connects to (pure).
//!
//! * `headless`: `<name>-headless.<namespace>.svc.cluster.local:<port>` — the manager runs in
//!   the cluster and uses its DNS.
//! * `external`: the manager runs outside the cluster. Seeds come from the seeds-finder
//!   LoadBalancer (`spec.seedsFinderServices.loadBalancer`) and the per-pod LoadBalancer or
//!   NodePort Services (`spec.podService.serviceType`); the client uses `services-alternate`
//!   so the nodes hand out their `alternate-access-address` (the external one) instead of pod
//!   IPs, as the operator networking guide describes.
//! * `pod-ip`: the pod IPs directly (a flat network where pods are routable from the manager,
//!   and the in-process kube-sim of `--demo`).
//!
//! `auto` (the default) picks `headless` when the manager runs in a pod (in-cluster service
//! account, no kubeconfig) and `external` otherwise.

use serde::Serialize;
use utoipa::ToSchema;

/// Address mode of auto-connect profiles (`--k8s-connect-via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectVia {
    /// `headless` inside the cluster, `external` outside it.
    Auto,
    /// The headless Service's DNS name (manager inside the cluster).
    Headless,
    /// Seeds LoadBalancer and per-pod LoadBalancer/NodePort Services, with services-alternate.
    External,
    /// Pod IPs (flat network, kube-sim).
    PodIp,
}

impl ConnectVia {
    /// The label value stored on the profile (`k8s.connect`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Headless => "headless",
            Self::External => "external",
            Self::PodIp => "pod-ip",
        }
    }

    /// Parse a stored label value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Auto, Self::Headless, Self::External, Self::PodIp]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// `auto` made concrete: `headless` in a pod, `external` elsewhere.
    #[must_use]
    pub fn concrete(self, in_cluster: bool) -> Self {
        match self {
            Self::Auto if in_cluster => Self::Headless,
            Self::Auto => Self::External,
            other => other,
        }
    }
}

/// Whether the manager runs inside a Kubernetes pod with its service account (and no
/// kubeconfig was given): the environment the in-cluster configuration uses.
pub fn in_cluster(kubeconfig_given: bool) -> bool {
    !kubeconfig_given
        && std::env::var_os("KUBECONFIG").is_none()
        && std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

/// What was observed of a cluster's addresses (plain data, read by `autoconnect`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// `host:port` of the seeds-finder LoadBalancer, once it has an ingress address.
    pub seeds_lb: Option<String>,
    /// Whether the cluster asks for a seeds-finder LoadBalancer.
    pub wants_seeds_lb: bool,
    /// External `host:port` of each per-pod Service (LoadBalancer ingress, or node address and
    /// NodePort), sorted.
    pub pod_services: Vec<String>,
    /// Per-pod Service type asked for (`ClusterIP`, `NodePort`, `LoadBalancer`), if any.
    pub pod_service_type: Option<String>,
    /// `podIP:port` of each running pod, sorted.
    pub pod_ips: Vec<String>,
}

/// The seeds a profile should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// Seed hosts (`host:port`).
    pub hosts: Vec<String>,
    /// Use `services-alternate` (external addresses advertised by the nodes).
    pub services_alternate: bool,
    /// Why the seeds are not (yet) the wanted ones; `None` when they are.
    pub note: Option<String>,
}

/// `<name>-headless.<namespace>.svc.cluster.local:<port>`.
pub fn headless_host(name: &str, namespace: &str, port: u16) -> String {
    format!(
        "{}.{namespace}.svc.cluster.local:{port}",
        acko_api::names::headless_service(name)
    )
}

/// The seeds for a mode (`via` must be concrete; `auto` is treated as `external`).
pub fn resolve(via: ConnectVia, name: &str, namespace: &str, port: u16, o: &Observed) -> Reach {
    let headless = || vec![headless_host(name, namespace, port)];
    match via {
        ConnectVia::Headless => Reach {
            hosts: headless(),
            services_alternate: false,
            note: None,
        },
        ConnectVia::PodIp if !o.pod_ips.is_empty() => Reach {
            hosts: o.pod_ips.clone(),
            services_alternate: false,
            note: None,
        },
        ConnectVia::PodIp => Reach {
            hosts: headless(),
            services_alternate: false,
            note: Some(
                "waiting for running pods: the profile gets their pod IPs as seeds once they \
                 have one"
                    .into(),
            ),
        },
        ConnectVia::External | ConnectVia::Auto => external(o, headless()),
    }
}

fn external(o: &Observed, headless: Vec<String>) -> Reach {
    let per_pod_external = matches!(
        o.pod_service_type.as_deref(),
        Some("LoadBalancer" | "NodePort")
    );
    let mut hosts: Vec<String> = o.seeds_lb.iter().cloned().collect();
    hosts.extend(o.pod_services.iter().cloned());
    if !hosts.is_empty() {
        let note = (!per_pod_external).then(|| {
            "the seeds LoadBalancer answers, but without podService serviceType LoadBalancer or \
             NodePort the nodes advertise no external address: data requests to the other \
             nodes may fail from outside the cluster"
                .to_string()
        });
        return Reach {
            hosts,
            services_alternate: per_pod_external,
            note,
        };
    }
    let note = if o.wants_seeds_lb || per_pod_external {
        "waiting for the LoadBalancer/NodePort addresses to be assigned; the profile is updated \
         when they are"
            .to_string()
    } else {
        "the manager runs outside the cluster but the cluster has no external access: add \
         spec.seedsFinderServices.loadBalancer and spec.podService.serviceType LoadBalancer \
         (or NodePort), or run the manager inside the cluster (--k8s-connect-via headless); \
         until then the profile points at the headless Service, which resolves only inside \
         the cluster"
            .to_string()
    };
    Reach {
        hosts: headless,
        services_alternate: false,
        note: Some(note),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(r: &Reach) -> Vec<&str> {
        r.hosts.iter().map(String::as_str).collect()
    }

    #[test]
    fn modes_round_trip_and_auto_follows_the_environment() {
        for v in [
            ConnectVia::Auto,
            ConnectVia::Headless,
            ConnectVia::External,
            ConnectVia::PodIp,
        ] {
            assert_eq!(ConnectVia::parse(v.as_str()), Some(v));
        }
        assert_eq!(ConnectVia::parse("dns"), None);
        assert_eq!(ConnectVia::Auto.concrete(true), ConnectVia::Headless);
        assert_eq!(ConnectVia::Auto.concrete(false), ConnectVia::External);
        assert_eq!(ConnectVia::PodIp.concrete(true), ConnectVia::PodIp);
    }

    #[test]
    fn headless_uses_the_rendered_service_name() {
        let r = resolve(
            ConnectVia::Headless,
            "demo",
            "prod",
            3000,
            &Observed::default(),
        );
        assert_eq!(hosts(&r), ["demo-headless.prod.svc.cluster.local:3000"]);
        assert!(!r.services_alternate);
        assert_eq!(r.note, None);
    }

    #[test]
    fn external_prefers_the_seeds_lb_then_pod_services_with_services_alternate() {
        let o = Observed {
            seeds_lb: Some("10.0.0.9:3000".into()),
            wants_seeds_lb: true,
            pod_services: vec!["10.0.0.1:3000".into(), "10.0.0.2:3000".into()],
            pod_service_type: Some("LoadBalancer".into()),
            pod_ips: vec!["192.168.0.1:3000".into()],
        };
        let r = resolve(ConnectVia::External, "a", "b", 3000, &o);
        assert_eq!(
            hosts(&r),
            ["10.0.0.9:3000", "10.0.0.1:3000", "10.0.0.2:3000"]
        );
        assert!(r.services_alternate);
        assert_eq!(r.note, None);

        // NodePort only (no seeds LB): node addresses, still services-alternate
        let o = Observed {
            pod_services: vec!["172.16.0.5:31000".into()],
            pod_service_type: Some("NodePort".into()),
            ..Default::default()
        };
        let r = resolve(ConnectVia::External, "a", "b", 3000, &o);
        assert_eq!(hosts(&r), ["172.16.0.5:31000"]);
        assert!(r.services_alternate);

        // seeds LB without per-pod external services: connect, but say what may fail
        let o = Observed {
            seeds_lb: Some("10.0.0.9:3000".into()),
            wants_seeds_lb: true,
            ..Default::default()
        };
        let r = resolve(ConnectVia::External, "a", "b", 3000, &o);
        assert_eq!(hosts(&r), ["10.0.0.9:3000"]);
        assert!(!r.services_alternate);
        assert!(r.note.unwrap().contains("podService"));
    }

    #[test]
    fn external_without_addresses_keeps_the_headless_name_and_says_why() {
        let pending = Observed {
            wants_seeds_lb: true,
            pod_service_type: Some("LoadBalancer".into()),
            ..Default::default()
        };
        let r = resolve(ConnectVia::External, "a", "b", 3000, &pending);
        assert_eq!(hosts(&r), ["a-headless.b.svc.cluster.local:3000"]);
        assert!(r.note.unwrap().contains("waiting"));
        let none = Observed {
            pod_ips: vec!["192.168.0.1:3000".into()],
            ..Default::default()
        };
        let r = resolve(ConnectVia::External, "a", "b", 3000, &none);
        assert_eq!(hosts(&r), ["a-headless.b.svc.cluster.local:3000"]);
        let note = r.note.unwrap();
        assert!(note.contains("seedsFinderServices"), "{note}");
        assert!(note.contains("--k8s-connect-via headless"), "{note}");
    }

    #[test]
    fn pod_ip_mode_uses_running_pods() {
        let o = Observed {
            pod_ips: vec!["127.10.0.1:3000".into(), "127.10.0.2:3000".into()],
            ..Default::default()
        };
        let r = resolve(ConnectVia::PodIp, "a", "b", 3000, &o);
        assert_eq!(hosts(&r), ["127.10.0.1:3000", "127.10.0.2:3000"]);
        assert_eq!(r.note, None);
        let r = resolve(ConnectVia::PodIp, "a", "b", 3000, &Observed::default());
        assert_eq!(hosts(&r), ["a-headless.b.svc.cluster.local:3000"]);
        assert!(r.note.is_some());
    }
}

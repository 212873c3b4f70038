//! The admission webhook over real HTTPS (rustls server, hyper + rustls client trusting a
//! generated CA), certificate rotation without a restart, and the self-managed certificates
//! (shared Secret, CA bundle patched into the ValidatingWebhookConfiguration) on kube-sim.

use std::sync::Arc;

use acko_operator::webhook::certs::{self, SelfManaged};
use acko_operator::webhook::server::{WebhookState, router, serve};
use acko_operator::webhook::tls::{self, ReloadingResolver};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, PostParams};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// Real time: TLS clients check validity against the clock.
fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

struct Server {
    addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.task.await.unwrap();
    }
}

async fn start(dir: &std::path::Path, state: WebhookState) -> Server {
    let resolver = Arc::new(ReloadingResolver::load(dir).expect("certificate loads"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, resolver, router(state), async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    Server {
        addr,
        stop: Some(tx),
        task,
    }
}

/// POSTs `body` to `https://<name>:port/path`, trusting only the CAs in `ca_pem`.
async fn post(
    addr: std::net::SocketAddr,
    name: &str,
    ca_pem: &str,
    path: &str,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let server_name = ServerName::try_from(name.to_owned()).unwrap();
    let tls = connector
        .connect(server_name, tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = http::Request::post(path)
        .header("host", name)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Ok((status, bytes.to_vec()))
}

fn review_of(object: Value, operation: &str) -> Vec<u8> {
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {"uid": "7a1", "operation": operation, "object": object,
            "kind": {"group": "acko.io", "version": "v1alpha1", "kind": "AerospikeCluster"}}
    })
    .to_string()
    .into_bytes()
}

fn cluster(image: &str) -> Value {
    json!({
        "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
        "metadata": {"name": "demo", "namespace": "default"},
        "spec": {"size": 3, "image": image,
            "rackConfig": {"racks": [{"id": 1}, {"id": 1}]},
            "aerospikeConfig": {"namespaces": [{"name": "test", "replication-factor": 2,
                "storage-engine": {"type": "memory", "data-size": 1073741824}}]}}
    })
}

const NAME: &str = "acko-webhook.acko-system.svc";

fn names() -> Vec<String> {
    tls::service_dns_names("acko-webhook", "acko-system", "cluster.local")
}

#[tokio::test]
async fn denies_over_https_with_every_problem_and_admits_valid_clusters() {
    acko_operator::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let g = tls::generate(&names(), now()).unwrap();
    tls::write_pair(dir.path(), &g.cert_pem, &g.key_pem).unwrap();
    let server = start(dir.path(), WebhookState::default()).await;

    let (code, body) = post(
        server.addr,
        NAME,
        &g.ca_pem,
        "/validate",
        review_of(
            cluster("aerospike/aerospike-server-enterprise:8.1.0.0"),
            "CREATE",
        ),
    )
    .await
    .unwrap();
    assert_eq!(code, 200);
    let out: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(out["kind"], "AdmissionReview");
    assert_eq!(out["response"]["uid"], "7a1");
    assert_eq!(out["response"]["allowed"], false);
    let msg = out["response"]["status"]["message"].as_str().unwrap();
    assert!(
        msg.contains("spec.image") && msg.contains("spec.rackConfig.racks"),
        "{msg}"
    );

    let mut good = cluster("aerospike:ce-8.1.1.1");
    good["spec"]["rackConfig"] = json!({"racks": [{"id": 1}, {"id": 2}]});
    let (_, body) = post(
        server.addr,
        NAME,
        &g.ca_pem,
        "/validate",
        review_of(good, "CREATE"),
    )
    .await
    .unwrap();
    let out: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(out["response"]["allowed"], true, "{out}");

    let (code, body) = post(server.addr, NAME, &g.ca_pem, "/validate", b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(code, 400);
    assert!(String::from_utf8_lossy(&body).contains("AdmissionReview"));

    // A client that does not trust the CA is refused at the handshake.
    let other = tls::generate(&names(), now()).unwrap();
    let e = post(
        server.addr,
        NAME,
        &other.ca_pem,
        "/validate",
        b"{}".to_vec(),
    )
    .await
    .unwrap_err();
    assert!(e.starts_with("TLS"), "{e}");
    // So is a name the certificate does not carry.
    let e = post(
        server.addr,
        "evil.example.com",
        &g.ca_pem,
        "/validate",
        b"{}".to_vec(),
    )
    .await
    .unwrap_err();
    assert!(e.starts_with("TLS"), "{e}");
    server.stop().await;
}

#[tokio::test]
async fn rotated_files_are_served_without_a_restart() {
    acko_operator::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let a = tls::generate(&names(), now()).unwrap();
    tls::write_pair(dir.path(), &a.cert_pem, &a.key_pem).unwrap();
    let server = start(dir.path(), WebhookState::default()).await;
    let ok = cluster("aerospike:ce-8.1.1.1");
    assert!(
        post(
            server.addr,
            NAME,
            &a.ca_pem,
            "/validate",
            review_of(ok.clone(), "DELETE")
        )
        .await
        .is_ok()
    );
    let b = tls::generate(&names(), now() + 1).unwrap();
    tls::write_pair(dir.path(), &b.cert_pem, &b.key_pem).unwrap();
    let (code, _) = post(
        server.addr,
        NAME,
        &b.ca_pem,
        "/validate",
        review_of(ok.clone(), "DELETE"),
    )
    .await
    .expect("the new certificate is served");
    assert_eq!(code, 200);
    let e = post(
        server.addr,
        NAME,
        &a.ca_pem,
        "/validate",
        review_of(ok, "DELETE"),
    )
    .await
    .unwrap_err();
    assert!(e.starts_with("TLS"), "old CA no longer matches: {e}");
    server.stop().await;
}

fn vwc() -> ValidatingWebhookConfiguration {
    serde_json::from_value(json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "acko-operator"},
        "webhooks": [{
            "name": "validate.acko.io",
            "admissionReviewVersions": ["v1"],
            "sideEffects": "None",
            "failurePolicy": "Fail",
            "timeoutSeconds": 5,
            "clientConfig": {"service": {"name": "acko-webhook", "namespace": "acko-system", "path": "/validate"}},
            "rules": [{"apiGroups": ["acko.io"], "apiVersions": ["v1alpha1"],
                "operations": ["CREATE", "UPDATE"],
                "resources": ["aerospikeclusters", "aerospikeclustertemplates"]}]
        }]
    }))
    .unwrap()
}

#[tokio::test]
async fn self_managed_certificates_are_shared_rotated_and_trusted_by_the_bundle() {
    acko_operator::install_crypto_provider();
    let (_, sim) = kube_sim::Sim::start_with(kube_sim::SimConfig {
        controllers: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let client = sim.client().unwrap();
    let ns: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let _ = ns
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "acko-system"}})).unwrap(),
        )
        .await;
    let vwcs: Api<ValidatingWebhookConfiguration> = Api::all(client.clone());
    vwcs.create(&PostParams::default(), &vwc()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = SelfManaged {
        namespace: "acko-system".into(),
        secret: "acko-webhook-cert".into(),
        service: "acko-webhook".into(),
        webhook_config: "acko-operator".into(),
        cluster_domain: "cluster.local".into(),
        dir: dir.path().to_path_buf(),
    };
    // First generated 340 days ago: 25 days of validity left, valid now.
    let then = now() - 340 * 24 * 3600;
    let first = certs::ensure(&client, &cfg, then).await.unwrap();
    let bundle = |v: &ValidatingWebhookConfiguration| {
        String::from_utf8(
            v.webhooks.as_ref().unwrap()[0]
                .client_config
                .ca_bundle
                .clone()
                .unwrap()
                .0,
        )
        .unwrap()
    };
    assert_eq!(
        bundle(&vwcs.get("acko-operator").await.unwrap()),
        first.ca_bundle
    );
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "acko-system");
    let s = secrets.get("acko-webhook-cert").await.unwrap();
    assert_eq!(s.type_.as_deref(), Some("kubernetes.io/tls"));

    // A second replica (or a restart) reuses the Secret: same pair, no rotation.
    let dir2 = tempfile::tempdir().unwrap();
    let again = certs::ensure(
        &client,
        &SelfManaged {
            dir: dir2.path().to_path_buf(),
            ..cfg.clone()
        },
        then + 60,
    )
    .await
    .unwrap();
    assert_eq!(again, first);
    assert_eq!(
        std::fs::read(dir2.path().join(tls::CERT_FILE)).unwrap(),
        first.cert_pem.as_bytes()
    );

    // The old pair is served by a replica that has not rotated yet.
    let server = start(dir2.path(), WebhookState::default()).await;
    // Now, 25 days before expiry: rotated; the bundle trusts both the new and the old pair.
    assert!(tls::rotation_due(first.not_after, now()));
    let rotated = certs::ensure(&client, &cfg, now()).await.unwrap();
    assert_ne!(rotated.cert_pem, first.cert_pem);
    let new_bundle = bundle(&vwcs.get("acko-operator").await.unwrap());
    assert_eq!(new_bundle, rotated.ca_bundle);
    let body = || review_of(cluster("aerospike:ce-8.1.1.1"), "DELETE");
    let (code, _) = post(server.addr, NAME, &new_bundle, "/validate", body())
        .await
        .expect("old pair still trusted by the new bundle");
    assert_eq!(code, 200);
    let new_server = start(dir.path(), WebhookState::default()).await;
    let (code, _) = post(new_server.addr, NAME, &new_bundle, "/validate", body())
        .await
        .expect("new pair trusted");
    assert_eq!(code, 200);
    server.stop().await;
    new_server.stop().await;
}

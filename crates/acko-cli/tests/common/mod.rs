//! Test harness of the cluster-facing commands: an in-process kube-sim, its kubeconfig in a
//! temporary directory, and the `acko` binary (also as the `kubectl-acko` plugin) run against it.
#![allow(dead_code)]

pub mod operator;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};
use tempfile::TempDir;

/// Bound of every wait on the simulator.
pub const WAIT: Duration = Duration::from_secs(90);

pub struct Env {
    pub sim: kube_sim::SimHandle,
    pub client: kube::Client,
    pub dir: TempDir,
    pub kubeconfig: PathBuf,
}

/// A simulator without the acko CRDs (the install must bring them).
pub async fn start(controllers: bool) -> Env {
    kube_sim::install_crypto();
    let config = kube_sim::SimConfig {
        controllers,
        acko_crds: false,
        ..Default::default()
    };
    let (client, sim) = kube_sim::Sim::start_with(config)
        .await
        .expect("kube-sim starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("sim.kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).expect("kubeconfig written");
    Env {
        sim,
        client,
        dir,
        kubeconfig,
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Env {
    /// Runs `acko ARGS` with KUBECONFIG pointing at the simulator.
    pub async fn acko(&self, args: &[&str]) -> Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_acko"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .current_dir(self.dir.path())
            .output()
            .await
            .expect("acko runs")
    }

    /// Runs `acko ARGS` and fails the test unless it exits 0; returns stdout.
    pub async fn acko_ok(&self, args: &[&str]) -> String {
        let out = self.acko(args).await;
        assert!(
            out.status.success(),
            "acko {args:?} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// A directory holding `kubectl-acko` (a symlink to the acko binary), for PATH.
    pub fn plugin_dir(&self) -> PathBuf {
        let bin = self.dir.path().join("bin");
        if !bin.exists() {
            std::fs::create_dir_all(&bin).expect("bin dir");
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_acko"), bin.join("kubectl-acko"))
                .expect("plugin symlink");
        }
        bin
    }

    /// Runs `kubectl ARGS` against the simulator with the plugin on PATH; None (after a
    /// printed notice) when kubectl is not installed, which fails under CI=true.
    pub async fn kubectl(&self, args: &[&str]) -> Option<Output> {
        let path = format!(
            "{}:{}",
            self.plugin_dir().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        match tokio::process::Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("PATH", path)
            .current_dir(self.dir.path())
            .output()
            .await
        {
            Ok(o) => Some(o),
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "kubectl is required under CI: {e}"
                );
                eprintln!("SKIPPED: kubectl not found ({e})");
                None
            }
        }
    }

    /// The simulator's current resourceVersion (a list's): unchanged means nothing was written.
    pub async fn resource_version(&self) -> String {
        let api: Api<Namespace> = Api::all(self.client.clone());
        api.list(&ListParams::default())
            .await
            .expect("list namespaces")
            .metadata
            .resource_version
            .expect("list resourceVersion")
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

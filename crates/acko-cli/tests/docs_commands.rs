//! The commands of docs/install.md and docs/operations.md run against kube-sim: every line of
//! every ```sh block, in order, through `sh -c`, must exit 0. ```console blocks are shown only.
//! The shell finds `acko` on PATH and, once the docs have installed it, `kubectl-acko` in
//! `~/.local/bin` (HOME is a temporary directory). kube-sim serves no OpenAPI documents, so
//! `kubectl apply` gets `--validate=false`.

mod common;

use std::path::Path;

use common::{Env, start, text};

/// Lines of the ```sh blocks of a Markdown file, without comments and blank lines.
fn sh_commands(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        let t = line.trim_end();
        if inside {
            if t.starts_with("```") {
                inside = false;
            } else if !t.trim().is_empty() && !t.trim_start().starts_with('#') {
                out.push(t.to_owned());
            }
        } else if t == "```sh" {
            inside = true;
        }
    }
    out
}

/// Runs the commands of `doc` and returns how many ran.
async fn run_doc(env: &Env, doc: &str) -> usize {
    let root = common::repo();
    let commands = sh_commands(&std::fs::read_to_string(root.join(doc)).unwrap());
    let dir = env.dir.path();
    let bin = dir.join("docbin");
    let home = dir.join("home");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    if !bin.join("acko").exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_acko"), bin.join("acko")).unwrap();
    }
    // The docs use paths relative to the repository.
    for d in ["deploy", "examples"] {
        if !dir.join(d).exists() {
            std::os::unix::fs::symlink(root.join(d), dir.join(d)).unwrap();
        }
    }
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        home.join(".local/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for c in &commands {
        let c = c.replace("kubectl apply ", "kubectl apply --validate=false ");
        let out = tokio::process::Command::new("sh")
            .args(["-c", &c])
            .env("KUBECONFIG", &env.kubeconfig)
            .env("HOME", &home)
            .env("PATH", &path)
            .current_dir(dir)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{doc}: `{c}` exited {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    commands.len()
}

fn kubectl_installed() -> bool {
    match std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
    {
        Ok(_) => true,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "kubectl is required under CI: {e}"
            );
            eprintln!("SKIPPED: kubectl not found ({e})");
            false
        }
    }
}

#[test]
fn the_sh_blocks_are_found() {
    let md = "text\n```sh\n# comment\nacko a\n\nacko b\n```\n```console\nacko c\n```\n";
    assert_eq!(sh_commands(md), vec!["acko a", "acko b"]);
    for doc in ["docs/install.md", "docs/operations.md"] {
        let text = std::fs::read_to_string(common::repo().join(doc)).unwrap();
        assert!(sh_commands(&text).len() >= 5, "{doc} has runnable commands");
        assert!(Path::new(&common::repo().join(doc)).exists());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn install_md_commands_run() {
    if !kubectl_installed() {
        return;
    }
    let env = start(false).await;
    let n = run_doc(&env, "docs/install.md").await;
    assert!(n >= 6, "{n} commands");
    // The last command uninstalled everything.
    assert!(
        env.sim
            .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operations_md_commands_run_on_the_example_cluster() {
    if !kubectl_installed() {
        return;
    }
    let env = start(true).await;
    let _operator = common::operator::demo_ready(&env).await;
    let n = run_doc(&env, "docs/operations.md").await;
    assert!(n >= 15, "{n} commands");
    let c = env
        .sim
        .get_json("acko.io/v1alpha1", "AerospikeCluster", "aerospike", "demo")
        .unwrap();
    assert_eq!(c["spec"]["size"], 4, "the scale command ran");
    assert!(env.dir.path().join("demo-info.tar.gz").exists());
}

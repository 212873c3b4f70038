use std::collections::VecDeque;
use std::io::Read;

use serde_json::json;

use super::*;
use crate::prepare::{CONF_KEY, FileApi, SETTINGS_KEY};

fn sh(script: &str) -> ChildSpec {
    ChildSpec {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
    }
}

fn options(run_dir: &Path) -> SupervisorOptions {
    SupervisorOptions {
        stop_timeout: Duration::from_secs(30),
        reap_all: false,
        run_dir: run_dir.to_path_buf(),
    }
}

/// A [`Reconfigure`] answering from a script of results.
struct Scripted {
    results: VecDeque<Result<String, InitError>>,
    calls: Vec<Option<String>>,
}

impl Reconfigure for Scripted {
    async fn reconfigure(&mut self, requested: Option<String>) -> Result<String, InitError> {
        self.calls.push(requested);
        self.results
            .pop_front()
            .unwrap_or_else(|| Err(InitError::Conf("script exhausted".into())))
    }
}

fn scripted(results: Vec<Result<String, InitError>>) -> Scripted {
    Scripted {
        results: results.into(),
        calls: Vec::new(),
    }
}

/// Blocks (off the runtime) until the child writes a line into the FIFO.
async fn read_fifo(path: PathBuf) -> String {
    tokio::task::spawn_blocking(move || {
        let mut s = String::new();
        std::fs::File::open(path)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    })
    .await
    .unwrap()
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    nix::unistd::mkfifo(&p, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    p
}

fn is_alive(pid: i32) -> bool {
    kill(Pid::from_raw(pid), None).is_ok()
}

#[tokio::test]
async fn sigterm_is_forwarded_and_child_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let ready = fifo(dir.path(), "ready");
    let script = format!(
        "trap 'exit 0' TERM; echo ready > '{}'; while :; do sleep 0.05; done",
        ready.display()
    );
    let (tx, mut rx) = mpsc::channel(4);
    let mut reconf = scripted(vec![]);
    let driver = async {
        assert_eq!(read_fifo(ready.clone()).await.trim(), "ready");
        tx.send(Control::Terminate(Signal::SIGTERM)).await.unwrap();
    };
    let spec = sh(&script);
    let opts = options(dir.path());
    let events = Events::default();
    let (outcome, ()) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    assert_eq!(outcome.unwrap(), Outcome::Stopped(ExitInfo::Code(0)));
}

#[tokio::test]
async fn child_killed_by_forwarded_signal_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::channel(4);
    let (etx, mut erx) = mpsc::unbounded_channel();
    let events = Events(Some(etx));
    let mut reconf = scripted(vec![]);
    let driver = async {
        let Some(Event::Started { pid }) = erx.recv().await else {
            panic!("no start")
        };
        tx.send(Control::Terminate(Signal::SIGTERM)).await.unwrap();
        pid
    };
    let spec = sh("exec sleep 1000");
    let opts = options(dir.path());
    let (outcome, pid) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    let outcome = outcome.unwrap();
    assert_eq!(outcome, Outcome::Stopped(ExitInfo::Signal(15)));
    assert_eq!(outcome.exit_code(), 143);
    assert!(
        !is_alive(pid),
        "child {pid} still exists (zombie or running)"
    );
}

#[tokio::test]
async fn crashes_are_reported_with_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("exit 3", ExitInfo::Code(3), "exit code 3"),
        ("kill -SEGV $$", ExitInfo::Signal(11), "signal 11 (SIGSEGV)"),
        ("exit 0", ExitInfo::Code(0), "exit code 0"),
    ];
    for (script, want, text) in cases {
        let (_tx, mut rx) = mpsc::channel(1);
        let mut reconf = scripted(vec![]);
        let outcome = supervise(
            &sh(script),
            &options(dir.path()),
            &mut rx,
            &mut reconf,
            &Events::default(),
        )
        .await
        .unwrap();
        assert_eq!(outcome, Outcome::ChildExited(want), "{script}");
        assert_eq!(want.to_string(), text);
    }
}

#[tokio::test]
async fn missing_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_tx, mut rx) = mpsc::channel(1);
    let spec = ChildSpec {
        program: "/nonexistent/asd".into(),
        args: vec![],
    };
    let err = supervise(
        &spec,
        &options(dir.path()),
        &mut rx,
        &mut scripted(vec![]),
        &Events::default(),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("supervised command: expected an executable file"),
        "{err}"
    );
}

fn write_config(dir: &Path, hash: &str, proto_fd_max: u32) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join(SETTINGS_KEY),
        json!({"configHash": hash, "network": {}}).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join(CONF_KEY),
        format!("service {{\n    proto-fd-max {proto_fd_max}\n}}\nnetwork {{\n    service {{\n        port 3000\n    }}\n    fabric {{\n        port 3001\n    }}\n}}\n"),
    )
    .unwrap();
}

fn conf_reconfigure(root: &Path) -> ConfReconfigure<FileApi> {
    let mut facts = crate::prepare::tests::facts();
    facts.pod_ip = Some("127.0.0.1".parse().unwrap());
    ConfReconfigure {
        paths: Paths {
            config_dir: root.join("config"),
            conf_out: root.join("etc/aerospike.conf"),
            run_dir: root.join("run"),
            bin_dir: None,
            annotations_file: None,
        },
        facts,
        api: FileApi::default(),
        options: prepare::Options::default(),
        wait_timeout: Duration::from_secs(5),
        wait_interval: Duration::from_millis(20),
    }
}

#[tokio::test]
async fn warm_restart_rerenders_from_the_current_configmap_and_restarts_the_child() {
    let root = tempfile::tempdir().unwrap();
    write_config(&root.path().join("config"), "h1", 15000);
    let mut reconf = conf_reconfigure(root.path());
    let conf_out = reconf.paths.conf_out.clone();
    let opts = options(&root.path().join("run"));
    let (tx, mut rx) = mpsc::channel(4);
    let (etx, mut erx) = mpsc::unbounded_channel();
    let events = Events(Some(etx));
    let driver = async {
        let Some(Event::Started { pid: first }) = erx.recv().await else {
            panic!("no start")
        };
        // The operator updates the ConfigMap (the kubelet refreshes the mount) …
        write_config(&root.path().join("config"), "h2", 20000);
        // … and asks for a warm restart to that hash.
        tx.send(Control::Restart {
            requested_hash: Some("h2".into()),
        })
        .await
        .unwrap();
        let Some(Event::Restarted {
            config_hash,
            pid: second,
        }) = erx.recv().await
        else {
            panic!("no restart")
        };
        assert_eq!(config_hash, "h2");
        assert_ne!(first, second);
        assert!(!is_alive(first), "old asd {first} still exists");
        assert!(is_alive(second));
        let conf = std::fs::read_to_string(&conf_out).unwrap();
        assert!(conf.contains("proto-fd-max 20000"), "{conf}");
        assert!(conf.contains("access-address 127.0.0.1"), "{conf}");
        assert_eq!(
            std::fs::read_to_string(root.path().join("run/applied-config-hash")).unwrap(),
            "h2\n"
        );
        tx.send(Control::Terminate(Signal::SIGTERM)).await.unwrap();
        second
    };
    let spec = sh("exec sleep 1000");
    let (outcome, second) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    assert_eq!(outcome.unwrap(), Outcome::Stopped(ExitInfo::Signal(15)));
    assert!(!is_alive(second));
}

#[tokio::test]
async fn failed_reconfiguration_keeps_the_running_child() {
    let root = tempfile::tempdir().unwrap();
    let opts = options(root.path());
    let (tx, mut rx) = mpsc::channel(4);
    let (etx, mut erx) = mpsc::unbounded_channel();
    let events = Events(Some(etx));
    let mut reconf = scripted(vec![Err(InitError::input("POD_IP", "an IP", "nothing"))]);
    let driver = async {
        let Some(Event::Started { pid }) = erx.recv().await else {
            panic!("no start")
        };
        tx.send(Control::Restart {
            requested_hash: None,
        })
        .await
        .unwrap();
        let Some(Event::RestartFailed { error }) = erx.recv().await else {
            panic!("no failure event")
        };
        assert_eq!(error, "POD_IP: expected an IP, found nothing");
        assert!(is_alive(pid));
        let saved = std::fs::read_to_string(root.path().join("last-restart-error")).unwrap();
        assert_eq!(saved.trim(), error);
        tx.send(Control::Terminate(Signal::SIGTERM)).await.unwrap();
    };
    let spec = sh("exec sleep 1000");
    let (outcome, ()) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    assert_eq!(outcome.unwrap(), Outcome::Stopped(ExitInfo::Signal(15)));
    assert_eq!(reconf.calls, vec![None]);
}

#[tokio::test]
async fn stop_timeout_escalates_to_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let ready = fifo(dir.path(), "ready");
    // Ignores SIGTERM, like a wedged asd.
    let script = format!(
        "trap '' TERM; echo ready > '{}'; while :; do sleep 0.05; done",
        ready.display()
    );
    let mut opts = options(dir.path());
    opts.stop_timeout = Duration::from_millis(200);
    let (tx, mut rx) = mpsc::channel(4);
    let (etx, mut erx) = mpsc::unbounded_channel();
    let events = Events(Some(etx));
    let mut reconf = scripted(vec![Ok("h2".into())]);
    let driver = async {
        let Some(Event::Started { pid: first }) = erx.recv().await else {
            panic!()
        };
        read_fifo(ready.clone()).await;
        tx.send(Control::Restart {
            requested_hash: None,
        })
        .await
        .unwrap();
        let Some(Event::Restarted { pid: second, .. }) = erx.recv().await else {
            panic!("no restart")
        };
        assert!(!is_alive(first));
        read_fifo(ready.clone()).await;
        send_signal(second, Signal::SIGKILL);
    };
    let spec = sh(&script);
    let (outcome, ()) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    assert_eq!(outcome.unwrap(), Outcome::ChildExited(ExitInfo::Signal(9)));
}

#[tokio::test(start_paused = true)]
async fn trigger_file_becomes_a_restart_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("restart-request");
    let (tx, mut rx) = mpsc::channel(4);
    let watcher = tokio::spawn(watch_trigger_file(path.clone(), Duration::from_secs(1), tx));
    std::fs::write(&path, "abc123\n").unwrap();
    assert_eq!(
        rx.recv().await,
        Some(Control::Restart {
            requested_hash: Some("abc123".into())
        })
    );
    assert!(!path.exists(), "request not consumed");
    // An empty file is taken only when still empty a tick later (a writer may be mid-write).
    std::fs::write(&path, "").unwrap();
    let start = tokio::time::Instant::now();
    assert_eq!(
        rx.recv().await,
        Some(Control::Restart {
            requested_hash: None
        })
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert!(!path.exists(), "request not consumed");
    drop(rx);
    std::fs::write(&path, "x").unwrap();
    watcher.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn waiting_for_the_requested_hash() {
    let root = tempfile::tempdir().unwrap();
    let config = root.path().join("config");
    write_config(&config, "h1", 1);

    // Never arrives: a clear error after the timeout.
    let start = tokio::time::Instant::now();
    let err = wait_for_config(
        &config,
        Some("h2"),
        Duration::from_secs(90),
        Duration::from_secs(2),
    )
    .await
    .unwrap_err()
    .to_string();
    assert_eq!(start.elapsed(), Duration::from_secs(90));
    assert!(
        err.contains("expected configHash \"h2\" within 90 s"),
        "{err}"
    );
    assert!(err.ends_with("found configHash \"h1\""), "{err}");

    // Arrives after 29 s (virtual): returned at the next poll, at 30 s.
    let config2 = config.clone();
    let updater = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(29)).await;
        write_config(&config2, "h2", 2);
    });
    let start = tokio::time::Instant::now();
    let source = wait_for_config(
        &config,
        Some("h2"),
        Duration::from_secs(90),
        Duration::from_secs(2),
    )
    .await
    .unwrap();
    updater.await.unwrap();
    assert_eq!(source.settings.config_hash, "h2");
    assert!(source.template.contains("proto-fd-max 2"));
    assert_eq!(start.elapsed(), Duration::from_secs(30));

    // No hash requested: whatever is there.
    let any = wait_for_config(&config, None, Duration::ZERO, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(any.settings.config_hash, "h2");
}

//! The supervisor reaps orphaned descendants (no zombies) when it reaps all children, as it
//! does as PID 1. This test makes its own process a child subreaper so orphans come to it,
//! and runs alone in this binary because reaping all children would steal other tests'.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use acko_init::InitError;
use acko_init::supervise::{
    ChildSpec, Control, Event, Events, ExitInfo, Outcome, Reconfigure, SupervisorOptions, supervise,
};
use nix::sys::signal::Signal;
use tokio::sync::mpsc;

struct NoReconfigure;

impl Reconfigure for NoReconfigure {
    async fn reconfigure(&mut self, _requested: Option<String>) -> Result<String, InitError> {
        Err(InitError::Conf("not used".into()))
    }
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    nix::unistd::mkfifo(&p, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    p
}

/// The process state letter from /proc/<pid>/stat, or None when the pid is gone.
fn proc_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.trim_start().chars().next()
}

#[tokio::test]
async fn orphaned_grandchildren_are_reaped() {
    nix::sys::prctl::set_child_subreaper(true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pid_fifo = fifo(dir.path(), "pid");
    let release = fifo(dir.path(), "release");
    // The subshell starts a grandchild and exits, orphaning it; then the child becomes
    // a long sleep (the stand-in asd).
    let script = format!(
        "( sh -c 'read l < \"{rel}\"' & echo $! > '{pid}' ); exec sleep 1000",
        rel = release.display(),
        pid = pid_fifo.display()
    );
    let spec = ChildSpec {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
    };
    let opts = SupervisorOptions {
        stop_timeout: Duration::from_secs(30),
        reap_all: true,
        run_dir: dir.path().to_path_buf(),
    };
    let (tx, mut rx) = mpsc::channel(4);
    let (etx, mut erx) = mpsc::unbounded_channel();
    let events = Events(Some(etx));
    let mut reconf = NoReconfigure;
    let driver = async {
        let grandchild: i32 = tokio::task::spawn_blocking(move || {
            let mut s = String::new();
            std::fs::File::open(pid_fifo)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s.trim().parse().unwrap()
        })
        .await
        .unwrap();
        // Let the grandchild finish; it must be reaped, not left as a zombie.
        tokio::task::spawn_blocking(move || {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(release)
                .unwrap();
            f.write_all(b"go\n").unwrap();
        })
        .await
        .unwrap();
        loop {
            match erx.recv().await.expect("events") {
                Event::Reaped { pid, status } if pid == grandchild => {
                    assert_eq!(status, ExitInfo::Code(0));
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(
            proc_state(grandchild),
            None,
            "grandchild {grandchild} left behind"
        );
        tx.send(Control::Terminate(Signal::SIGTERM)).await.unwrap();
    };
    let (outcome, ()) = tokio::join!(
        supervise(&spec, &opts, &mut rx, &mut reconf, &events),
        driver
    );
    assert_eq!(outcome.unwrap(), Outcome::Stopped(ExitInfo::Signal(15)));

    // No zombie children of this process remain.
    let me = std::process::id().to_string();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, after)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = after.split_whitespace().collect();
        if fields.get(1) == Some(&me.as_str()) {
            assert_ne!(fields[0], "Z", "zombie child {pid}");
        }
    }
}

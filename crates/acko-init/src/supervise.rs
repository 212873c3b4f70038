//! `acko-init supervise -- asd ...`: PID 1 of the aerospike container.
//!
//! - starts asd and waits for it; when asd exits on its own (crash or clean exit) the
//!   supervisor logs the status and exits with the same code (128 + signal for a signal),
//!   so the kubelet's restart policy and `kubectl describe` see what happened;
//! - SIGTERM / SIGINT are forwarded to asd, which then stops gracefully;
//! - as PID 1 (or a child subreaper) it reaps every orphaned descendant, so no zombies
//!   accumulate;
//! - a warm restart, requested by SIGHUP or by the trigger file `/acko/run/restart-request`
//!   (content: the desired config hash, or empty), waits until the mounted ConfigMap carries
//!   that hash, re-resolves the addresses and re-renders aerospike.conf from it, stops asd
//!   (SIGTERM, then SIGKILL after the stop timeout), starts it again and writes the applied
//!   hash to `/acko/run/applied-config-hash`. When the new config cannot be built, asd keeps
//!   running on the old one and the error is logged and written to
//!   `/acko/run/last-restart-error`.
//!
//! Child exits are collected by a dedicated thread blocked in `waitpid` (every child when
//! reaping all, else only asd), which sends them to the async loop over a channel; signals
//! and trigger-file requests arrive as [`Control`] messages, so tests drive the loop with
//! channels instead of real signals or sleeps.

use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;
use tokio::sync::mpsc;

use crate::conf;
use crate::error::InitError;
use crate::facts::PodFacts;
use crate::k8s::ClusterApi;
use crate::prepare::{self, ConfigSource, Paths};

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitInfo {
    /// Exited with this code.
    Code(i32),
    /// Killed by this signal number.
    Signal(i32),
}

impl ExitInfo {
    /// The conventional shell exit code: the code, or 128 + the signal.
    pub fn exit_code(self) -> i32 {
        match self {
            ExitInfo::Code(c) => c,
            ExitInfo::Signal(s) => 128 + s,
        }
    }
}

impl std::fmt::Display for ExitInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExitInfo::Code(c) => write!(f, "exit code {c}"),
            ExitInfo::Signal(s) => match Signal::try_from(*s) {
                Ok(sig) => write!(f, "signal {s} ({})", sig.as_str()),
                Err(_) => write!(f, "signal {s}"),
            },
        }
    }
}

/// A request to the supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Stop: forward this signal to asd and exit when it has stopped.
    Terminate(Signal),
    /// Warm restart; `requested_hash` is the config hash to wait for (None: use what is there).
    Restart {
        /// The desired `configHash`.
        requested_hash: Option<String>,
    },
}

/// What the supervisor did (for logs and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// asd was started.
    Started {
        /// Its pid.
        pid: i32,
    },
    /// A warm restart completed.
    Restarted {
        /// The applied config hash.
        config_hash: String,
        /// The new asd pid.
        pid: i32,
    },
    /// A warm restart could not build the new config; asd keeps running.
    RestartFailed {
        /// The error.
        error: String,
    },
    /// An orphaned descendant was reaped.
    Reaped {
        /// Its pid.
        pid: i32,
        /// How it ended.
        status: ExitInfo,
    },
}

/// How supervision ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stopped on request (SIGTERM/SIGINT); asd ended with this status.
    Stopped(ExitInfo),
    /// asd exited by itself.
    ChildExited(ExitInfo),
}

impl Outcome {
    /// The supervisor's own exit code.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Stopped(i) | Outcome::ChildExited(i) => i.exit_code(),
        }
    }
}

/// The supervised command.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// Program (a path, or a name looked up in `PATH`).
    pub program: OsString,
    /// Arguments.
    pub args: Vec<OsString>,
}

/// Supervisor settings.
#[derive(Debug, Clone)]
pub struct SupervisorOptions {
    /// How long a warm restart waits for asd to stop before SIGKILL.
    pub stop_timeout: Duration,
    /// Reap every child (PID 1 / subreaper); otherwise only asd is waited for.
    pub reap_all: bool,
    /// The run directory (`/acko/run`): `applied-config-hash`, `last-restart-error`.
    pub run_dir: PathBuf,
}

/// Builds the new configuration for a warm restart and returns its config hash.
pub trait Reconfigure {
    /// Waits for `requested_hash` (when given), re-renders aerospike.conf, returns the hash.
    fn reconfigure(
        &mut self,
        requested_hash: Option<String>,
    ) -> impl Future<Output = Result<String, InitError>>;
}

/// Optional event sink.
#[derive(Clone, Default)]
pub struct Events(pub Option<mpsc::UnboundedSender<Event>>);

impl Events {
    fn emit(&self, e: Event) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(e);
        }
    }
}

type ExitRx = mpsc::UnboundedReceiver<(i32, ExitInfo)>;

/// Collects child exits on background threads.
struct Reaper {
    tx: mpsc::UnboundedSender<(i32, ExitInfo)>,
    /// With `reap_all`: wakes the single `waitpid(-1)` thread after a spawn.
    wake: Option<std::sync::mpsc::Sender<()>>,
}

fn exit_info(status: WaitStatus) -> Option<(i32, ExitInfo)> {
    match status {
        WaitStatus::Exited(pid, code) => Some((pid.as_raw(), ExitInfo::Code(code))),
        WaitStatus::Signaled(pid, sig, _) => Some((pid.as_raw(), ExitInfo::Signal(sig as i32))),
        _ => None,
    }
}

impl Reaper {
    fn start(reap_all: bool) -> (Reaper, ExitRx) {
        let (tx, rx) = mpsc::unbounded_channel();
        let wake = reap_all.then(|| {
            let (wake_tx, wake_rx) = std::sync::mpsc::channel::<()>();
            let tx = tx.clone();
            std::thread::spawn(move || {
                loop {
                    match waitpid(None::<Pid>, None) {
                        Ok(status) => {
                            if let Some(exit) = exit_info(status)
                                && tx.send(exit).is_err()
                            {
                                return;
                            }
                        }
                        Err(Errno::EINTR) => {}
                        Err(Errno::ECHILD) => {
                            if wake_rx.recv().is_err() {
                                return;
                            }
                        }
                        Err(_) => return,
                    }
                }
            });
            wake_tx
        });
        (Reaper { tx, wake }, rx)
    }

    fn watch(&self, pid: i32) {
        match &self.wake {
            Some(wake) => {
                let _ = wake.send(());
            }
            None => {
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    loop {
                        match waitpid(Pid::from_raw(pid), None) {
                            Ok(status) => {
                                if let Some(exit) = exit_info(status) {
                                    let _ = tx.send(exit);
                                    return;
                                }
                            }
                            Err(Errno::EINTR) => {}
                            Err(_) => return,
                        }
                    }
                });
            }
        }
    }
}

/// Finds `program` (a path, or a name in `PATH`) before spawning, so a missing asd is a
/// clear error (and never a spawned child whose failure races the reaper).
fn locate(program: &OsString) -> Result<PathBuf, InitError> {
    use std::os::unix::fs::PermissionsExt;
    let is_exec = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    };
    let given = Path::new(program);
    let found = if given.components().count() > 1 || given.is_absolute() {
        is_exec(given).then(|| given.to_path_buf())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(given))
                .find(|p| is_exec(p))
        })
    };
    found.ok_or_else(|| {
        InitError::input(
            "supervised command",
            "an executable file (e.g. /usr/bin/asd in the Aerospike image)",
            format!("{:?}, which is not an executable file", given),
        )
    })
}

fn spawn(spec: &ChildSpec, reaper: &Reaper) -> Result<i32, InitError> {
    let program = locate(&spec.program)?;
    let child = std::process::Command::new(&program)
        .args(&spec.args)
        .spawn()
        .map_err(|e| InitError::io("starting", &program, e))?;
    let pid = i32::try_from(child.id()).unwrap_or(i32::MAX);
    // The handle is dropped on purpose: the reaper thread collects the exit status.
    drop(child);
    reaper.watch(pid);
    tracing::info!(pid, program = %program.display(), "started");
    Ok(pid)
}

fn send_signal(pid: i32, sig: Signal) {
    if let Err(e) = kill(Pid::from_raw(pid), sig) {
        tracing::warn!(pid, signal = sig.as_str(), error = %e, "could not signal");
    }
}

/// Waits for `pid` to exit, reporting other reaped processes as [`Event::Reaped`].
async fn wait_for(pid: i32, exits: &mut ExitRx, events: &Events) -> Result<ExitInfo, InitError> {
    loop {
        match exits.recv().await {
            Some((p, info)) if p == pid => return Ok(info),
            Some((p, info)) => events.emit(Event::Reaped {
                pid: p,
                status: info,
            }),
            None => {
                return Err(InitError::input(
                    "child reaper",
                    "an exit status for asd",
                    "the reaper stopped",
                ));
            }
        }
    }
}

/// Runs the supervision loop until asd exits or a Terminate request is served.
pub async fn supervise<R: Reconfigure>(
    spec: &ChildSpec,
    opts: &SupervisorOptions,
    controls: &mut mpsc::Receiver<Control>,
    reconf: &mut R,
    events: &Events,
) -> Result<Outcome, InitError> {
    let (reaper, mut exits) = Reaper::start(opts.reap_all);
    let mut child = spawn(spec, &reaper)?;
    events.emit(Event::Started { pid: child });
    let mut controls_open = true;
    let mut pending_restart: Option<Option<String>> = None;
    loop {
        let control = if let Some(requested_hash) = pending_restart.take() {
            Control::Restart { requested_hash }
        } else {
            tokio::select! {
                exit = exits.recv() => match exit {
                    Some((pid, info)) if pid == child => {
                        tracing::error!(pid, status = %info, "asd exited on its own");
                        return Ok(Outcome::ChildExited(info));
                    }
                    Some((pid, info)) => {
                        tracing::debug!(pid, status = %info, "reaped orphan");
                        events.emit(Event::Reaped { pid, status: info });
                        continue;
                    }
                    None => return Err(InitError::input("child reaper", "exit statuses", "the reaper stopped")),
                },
                control = controls.recv(), if controls_open => match control {
                    Some(c) => c,
                    None => { controls_open = false; continue; }
                },
            }
        };
        match control {
            Control::Terminate(sig) => {
                tracing::info!(signal = sig.as_str(), pid = child, "stopping asd");
                send_signal(child, sig);
                let info = wait_for(child, &mut exits, events).await?;
                tracing::info!(status = %info, "asd stopped");
                return Ok(Outcome::Stopped(info));
            }
            Control::Restart { requested_hash } => {
                tracing::info!(requested = ?requested_hash, "warm restart requested");
                // Build the new config while still watching asd and further requests.
                let mut terminate: Option<Signal> = None;
                let result = {
                    let fut = reconf.reconfigure(requested_hash);
                    tokio::pin!(fut);
                    loop {
                        tokio::select! {
                            r = &mut fut => break r,
                            exit = exits.recv() => match exit {
                                Some((pid, info)) if pid == child => {
                                    tracing::error!(pid, status = %info, "asd exited on its own during a warm restart");
                                    return Ok(Outcome::ChildExited(info));
                                }
                                Some((pid, info)) => events.emit(Event::Reaped { pid, status: info }),
                                None => return Err(InitError::input("child reaper", "exit statuses", "the reaper stopped")),
                            },
                            control = controls.recv(), if controls_open => match control {
                                Some(Control::Terminate(sig)) => { terminate = Some(sig); break Err(InitError::input("warm restart", "to finish", "a stop request")); }
                                Some(Control::Restart { requested_hash }) => pending_restart = Some(requested_hash),
                                None => controls_open = false,
                            },
                        }
                    }
                };
                if let Some(sig) = terminate {
                    send_signal(child, sig);
                    let info = wait_for(child, &mut exits, events).await?;
                    return Ok(Outcome::Stopped(info));
                }
                let error_file = opts.run_dir.join("last-restart-error");
                let config_hash = match result {
                    Ok(h) => h,
                    Err(e) => {
                        tracing::error!(error = %e, "warm restart failed; asd keeps running with the previous configuration");
                        let _ = conf::write_atomically(&error_file, format!("{e}\n").as_bytes());
                        events.emit(Event::RestartFailed {
                            error: e.to_string(),
                        });
                        continue;
                    }
                };
                send_signal(child, Signal::SIGTERM);
                let stopped =
                    tokio::time::timeout(opts.stop_timeout, wait_for(child, &mut exits, events))
                        .await;
                let info = match stopped {
                    Ok(r) => r?,
                    Err(_) => {
                        tracing::warn!(pid = child, timeout = ?opts.stop_timeout, "asd did not stop in time; killing it");
                        send_signal(child, Signal::SIGKILL);
                        wait_for(child, &mut exits, events).await?
                    }
                };
                tracing::info!(status = %info, "asd stopped for the warm restart");
                // A stop request that arrived while asd was stopping wins over the restart.
                while let Ok(c) = controls.try_recv() {
                    match c {
                        Control::Terminate(_) => return Ok(Outcome::Stopped(info)),
                        Control::Restart { requested_hash } => {
                            pending_restart = Some(requested_hash)
                        }
                    }
                }
                child = spawn(spec, &reaper)?;
                conf::write_atomically(
                    &opts.run_dir.join("applied-config-hash"),
                    format!("{config_hash}\n").as_bytes(),
                )?;
                let _ = std::fs::remove_file(&error_file);
                tracing::info!(config_hash = %config_hash, pid = child, "warm restart applied config hash");
                events.emit(Event::Restarted {
                    config_hash,
                    pid: child,
                });
            }
        }
    }
}

/// Polls the trigger file; each time it appears, consumes it and sends a restart request
/// with its trimmed content as the desired hash. An empty file is only taken (as "no hash")
/// when it is still empty one interval later, so a writer caught between creating and
/// writing the file is not misread. Ends when the receiver is gone.
pub async fn watch_trigger_file(path: PathBuf, interval: Duration, tx: mpsc::Sender<Control>) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut empty_seen = false;
    loop {
        tick.tick().await;
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() && !empty_seen => empty_seen = true,
            Ok(text) => {
                empty_seen = false;
                if let Err(e) = std::fs::remove_file(&path) {
                    tracing::warn!(path = %path.display(), error = %e, "cannot consume the restart request");
                }
                let hash = text.trim();
                let requested_hash = (!hash.is_empty()).then(|| hash.to_string());
                if tx.send(Control::Restart { requested_hash }).await.is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read the restart request")
            }
        }
    }
}

/// Turns SIGTERM/SIGINT into [`Control::Terminate`] and SIGHUP into a restart request.
pub fn forward_signals(tx: mpsc::Sender<Control>) -> Result<(), InitError> {
    use tokio::signal::unix::{SignalKind, signal};
    let install = |kind: SignalKind, name: &'static str| {
        signal(kind).map_err(|e| InitError::io("installing a handler for", name, e))
    };
    let mut term = install(SignalKind::terminate(), "SIGTERM")?;
    let mut int = install(SignalKind::interrupt(), "SIGINT")?;
    let mut hup = install(SignalKind::hangup(), "SIGHUP")?;
    tokio::spawn(async move {
        loop {
            let control = tokio::select! {
                _ = term.recv() => Control::Terminate(Signal::SIGTERM),
                _ = int.recv() => Control::Terminate(Signal::SIGINT),
                _ = hup.recv() => Control::Restart { requested_hash: None },
            };
            if tx.send(control).await.is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Waits until the ConfigMap directory carries `requested` (or any hash when `None`) and
/// returns its content, read consistently (the hash is re-read after the template).
pub async fn wait_for_config(
    config_dir: &Path,
    requested: Option<&str>,
    timeout: Duration,
    interval: Duration,
) -> Result<ConfigSource, InitError> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let seen = match ConfigSource::load(config_dir) {
            Ok(source) => {
                let again = crate::settings::load(&config_dir.join(prepare::SETTINGS_KEY))
                    .map(|s| s.config_hash)
                    .ok();
                let stable = again.as_deref() == Some(source.settings.config_hash.as_str());
                match requested {
                    _ if !stable => "a ConfigMap update in progress".to_string(),
                    Some(want) if want != source.settings.config_hash => {
                        format!("configHash {:?}", source.settings.config_hash)
                    }
                    _ => return Ok(source),
                }
            }
            Err(e) => e.to_string(),
        };
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(InitError::input(
                format!("{}/{}", config_dir.display(), prepare::SETTINGS_KEY),
                format!(
                    "configHash {:?} within {} s (the kubelet refreshes mounted ConfigMaps within its sync period; check that the operator updated the ConfigMap)",
                    requested.unwrap_or("(any)"),
                    timeout.as_secs()
                ),
                seen,
            ));
        }
        tokio::time::sleep(interval.min(deadline - now)).await;
    }
}

/// The production [`Reconfigure`]: re-reads the ConfigMap, resolves and writes the config.
pub struct ConfReconfigure<A> {
    /// Paths (config dir, conf output).
    pub paths: Paths,
    /// This pod's facts (fixed for the container's life).
    pub facts: PodFacts,
    /// Kubernetes reads.
    pub api: A,
    /// Resolution options (volumes are always skipped).
    pub options: prepare::Options,
    /// How long to wait for the requested hash to appear.
    pub wait_timeout: Duration,
    /// How often to re-read the ConfigMap meanwhile.
    pub wait_interval: Duration,
}

impl<A: ClusterApi> Reconfigure for ConfReconfigure<A> {
    async fn reconfigure(&mut self, requested_hash: Option<String>) -> Result<String, InitError> {
        let source = wait_for_config(
            &self.paths.config_dir,
            requested_hash.as_deref(),
            self.wait_timeout,
            self.wait_interval,
        )
        .await?;
        // The pod's annotations may have changed since the container started.
        if let Some(file) = &self.paths.annotations_file
            && let Ok(text) = std::fs::read_to_string(file)
        {
            self.facts.annotations = crate::facts::parse_annotations(&text)?;
        }
        let (_, resolved, conf) =
            prepare::build(&source, &self.facts, &self.api, &self.options).await?;
        prepare::check_fabric_bindable(&resolved)?;
        conf::write_atomically(&self.paths.conf_out, conf.text.as_bytes())?;
        tracing::info!(
            config_hash = %source.settings.config_hash,
            conf_sha256 = %conf::sha256_hex(&conf.text),
            "aerospike.conf re-rendered"
        );
        Ok(source.settings.config_hash)
    }
}

#[cfg(test)]
#[path = "supervise_tests.rs"]
mod tests;

//! `acko info`: runs info commands on one or several Aerospike nodes, like a small `asinfo`.
//!
//! Prints the raw reply (default) or the typed parse as JSON (`--json`), and can check
//! whether the nodes form a cluster that is safe to disturb (`--safe-to-proceed N`).
//!
//! Exit codes: 0 success; 1 a reply is an error (`ERROR:...`, `type=unknown`, ...) or the
//! cluster is not safe; 2 usage error; 3 a node could not be reached.

use std::time::Duration;

use asinfo::cluster::{NodeObservation, safe_to_proceed};
use asinfo::parse::parser_for;
use asinfo::reply::{Classified, ReplyError, classify};
use asinfo::{Client, ClientConfig};
use serde::Serialize;

/// Port used when a host is given without one.
const DEFAULT_PORT: u16 = 3000;

/// Arguments of `acko info`. `-h` is the host flag; help is `--help` only.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct InfoArgs {
    /// Node to query, `HOST[:PORT]` (port 3000 when omitted); repeat for several nodes.
    #[arg(
        short = 'h',
        long = "host",
        value_name = "HOST:PORT",
        default_value = "127.0.0.1:3000"
    )]
    pub hosts: Vec<String>,
    /// Print the typed parse of each reply as JSON instead of the raw value.
    #[arg(long)]
    pub json: bool,
    /// Timeout of each call, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub timeout: f64,
    /// Instead of running commands, check that the hosts form a stable cluster of SIZE nodes
    /// with no migrations (the operator's "safe to proceed" rule); prints the verdict.
    #[arg(long, value_name = "SIZE", conflicts_with = "commands")]
    pub safe_to_proceed: Option<usize>,
    /// Info commands, e.g. `statistics`, `namespace/test`, `cluster-stable:size=3`.
    #[arg(value_name = "COMMAND", required_unless_present = "safe_to_proceed")]
    pub commands: Vec<String>,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
}

/// Runs `acko info` and returns the exit code.
pub fn run(args: InfoArgs) -> i32 {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        eprintln!(
            "acko info: --timeout must be between 0 and 3600 seconds, got {}",
            args.timeout
        );
        return 2;
    }
    let hosts: Vec<String> = args.hosts.iter().map(|h| with_default_port(h)).collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("acko info: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let config = ClientConfig {
        timeout: Duration::from_secs_f64(args.timeout),
        ..ClientConfig::default()
    };
    if let Some(size) = args.safe_to_proceed {
        return runtime.block_on(check_safe(&hosts, size, config));
    }
    let results = runtime.block_on(query_all(&hosts, &args.commands, config));
    let (text, code) = if args.json {
        match serde_json::to_string_pretty(&json_report(&results)) {
            Ok(t) => (t + "\n", exit_code(&results)),
            Err(e) => (format!("cannot encode JSON: {e}\n"), 1),
        }
    } else {
        (raw_report(&results), exit_code(&results))
    };
    emit(&text);
    for r in &results {
        if let Err(e) = &r.values {
            eprintln!("acko info: {e}");
        }
    }
    code
}

/// Writes to stdout; a closed pipe (`acko info ... | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("acko info: cannot write to stdout: {e}");
    }
}

/// Adds `:3000` to a host without a port (IPv6 literals must be bracketed: `[::1]:3000`).
pub fn with_default_port(host: &str) -> String {
    let host = host.trim();
    let has_port = if host.starts_with('[') {
        host.contains("]:")
    } else {
        host.contains(':')
    };
    if has_port {
        host.to_owned()
    } else {
        format!("{host}:{DEFAULT_PORT}")
    }
}

/// The replies of one host.
#[derive(Debug)]
pub struct HostResult {
    /// `host:port`.
    pub host: String,
    /// `(command, raw value)` pairs, or the transport error text.
    pub values: Result<Vec<(String, String)>, String>,
}

async fn query_all(hosts: &[String], commands: &[String], config: ClientConfig) -> Vec<HostResult> {
    let tasks: Vec<_> = hosts
        .iter()
        .map(|host| {
            let host = host.clone();
            let commands = commands.to_vec();
            tokio::spawn(async move {
                let client = Client::with_config(host.clone(), config);
                let values = client
                    .info(&commands)
                    .await
                    .map(|v| commands.into_iter().zip(v).collect())
                    .map_err(|e| e.to_string());
                HostResult { host, values }
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for (task, host) in tasks.into_iter().zip(hosts) {
        let result = task.await.unwrap_or_else(|e| HostResult {
            host: host.clone(),
            values: Err(format!("internal error while querying {host}: {e}")),
        });
        out.push(result);
    }
    out
}

async fn check_safe(hosts: &[String], size: usize, config: ClientConfig) -> i32 {
    let mut observations: Vec<NodeObservation> = Vec::new();
    let tasks: Vec<_> = hosts
        .iter()
        .map(|h| {
            let client = Client::with_config(h.clone(), config);
            tokio::spawn(async move { asinfo::probe::observe(&client, size).await })
        })
        .collect();
    for (task, host) in tasks.into_iter().zip(hosts) {
        observations.push(task.await.unwrap_or_else(|e| NodeObservation {
            addr: host.clone(),
            state: Err(format!("internal error: {e}")),
        }));
    }
    let safety = safe_to_proceed(&observations, size);
    match serde_json::to_string_pretty(&serde_json::json!({
        "safe": safety.safe,
        "reasons": safety.reasons,
        "view": safety.view,
    })) {
        Ok(t) => emit(&(t + "\n")),
        Err(e) => eprintln!("acko info: cannot encode JSON: {e}"),
    }
    if safety.safe { 0 } else { 1 }
}

/// Exit code for a set of results (see the module docs).
pub fn exit_code(results: &[HostResult]) -> i32 {
    if results.iter().any(|r| r.values.is_err()) {
        return 3;
    }
    let any_error = results
        .iter()
        .filter_map(|r| r.values.as_ref().ok())
        .flatten()
        .any(|(_, v)| matches!(classify(v), Classified::Error(_)));
    if any_error { 1 } else { 0 }
}

/// Raw output. One host and one command: the value alone (like `asinfo -v`). Otherwise
/// `command<TAB>value` lines, under a `# host` heading when several hosts are queried.
pub fn raw_report(results: &[HostResult]) -> String {
    let mut out = String::new();
    let single = results.len() == 1;
    for r in results {
        if !single {
            out.push_str(&format!("# {}\n", r.host));
        }
        match &r.values {
            Ok(pairs) if single && pairs.len() == 1 => {
                out.push_str(&pairs[0].1);
                out.push('\n');
            }
            Ok(pairs) => {
                for (cmd, value) in pairs {
                    out.push_str(&format!("{cmd}\t{value}\n"));
                }
            }
            Err(e) => {
                if !single {
                    out.push_str(&format!("# error: {e}\n"));
                }
            }
        }
    }
    out
}

/// JSON form of one host.
#[derive(Debug, Serialize)]
pub struct JsonHost {
    /// `host:port`.
    pub host: String,
    /// Transport error, if the host could not be queried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// One entry per command.
    pub replies: Vec<JsonReply>,
}

/// JSON form of one reply.
#[derive(Debug, Serialize)]
pub struct JsonReply {
    /// The command.
    pub command: String,
    /// The raw value.
    pub raw: String,
    /// Typed parse (absent when the command has no typed parser or the reply is an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parsed: Option<serde_json::Value>,
    /// The classified error reply, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JsonError>,
}

/// An error reply: its classification and a readable message.
#[derive(Debug, Serialize)]
pub struct JsonError {
    /// Readable message.
    pub message: String,
    /// Structured form.
    pub detail: ReplyError,
}

/// Builds the `--json` document.
pub fn json_report(results: &[HostResult]) -> Vec<JsonHost> {
    results
        .iter()
        .map(|r| match &r.values {
            Err(e) => JsonHost {
                host: r.host.clone(),
                error: Some(e.clone()),
                replies: Vec::new(),
            },
            Ok(pairs) => JsonHost {
                host: r.host.clone(),
                error: None,
                replies: pairs.iter().map(|(c, v)| json_reply(c, v)).collect(),
            },
        })
        .collect()
}

fn json_reply(command: &str, raw: &str) -> JsonReply {
    let mut reply = JsonReply {
        command: command.to_owned(),
        raw: raw.to_owned(),
        parsed: None,
        error: None,
    };
    let outcome = match parser_for(command) {
        Some(kind) => kind.parse(raw).map(|p| serde_json::to_value(p).ok()),
        None => match classify(raw) {
            Classified::Error(e) => Err(e),
            _ => Ok(None),
        },
    };
    match outcome {
        Ok(parsed) => reply.parsed = parsed,
        Err(e) => {
            reply.error = Some(JsonError {
                message: e.to_string(),
                detail: e,
            })
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(host: &str, pairs: &[(&str, &str)]) -> HostResult {
        HostResult {
            host: host.to_owned(),
            values: Ok(pairs
                .iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect()),
        }
    }

    #[test]
    fn default_port() {
        assert_eq!(with_default_port("10.0.0.1"), "10.0.0.1:3000");
        assert_eq!(with_default_port("node-0.svc:3100"), "node-0.svc:3100");
        assert_eq!(with_default_port("[::1]"), "[::1]:3000");
        assert_eq!(with_default_port("[::1]:4000"), "[::1]:4000");
    }

    #[test]
    fn raw_single_and_multi() {
        assert_eq!(
            raw_report(&[ok("a:3000", &[("build", "8.1.2.0")])]),
            "8.1.2.0\n"
        );
        let two = [
            ok("a:3000", &[("build", "8.1.2.0"), ("node", "BB9")]),
            HostResult {
                host: "b:3000".into(),
                values: Err("refused".into()),
            },
        ];
        assert_eq!(
            raw_report(&two),
            "# a:3000\nbuild\t8.1.2.0\nnode\tBB9\n# b:3000\n# error: refused\n"
        );
        assert_eq!(exit_code(&two), 3);
        assert_eq!(
            exit_code(&[ok("a", &[("x", "ERROR:4:unrecognized command")])]),
            1
        );
        assert_eq!(exit_code(&[ok("a", &[("x", "ok")])]), 0);
    }

    #[test]
    fn json_parsed_and_errors() {
        let report = json_report(&[ok(
            "a:3000",
            &[
                (
                    "cluster-stable:size=3",
                    "ERROR:7:cluster not specified size",
                ),
                ("namespace/x", "type=unknown"),
                ("help", "free text"),
                ("build", "8.1.2.0"),
            ],
        )]);
        let v = serde_json::to_value(&report).unwrap();
        let r = &v[0]["replies"];
        assert_eq!(r[0]["parsed"]["state"], "wrong_size");
        assert_eq!(r[1]["error"]["detail"]["reply"], "unknown_type");
        assert!(r[2].get("parsed").is_none() && r[2].get("error").is_none());
        assert_eq!(r[3]["parsed"]["parts"], serde_json::json!([8, 1, 2, 0]));
    }
}

//! Against a real server, only when `AEROSPIKE_HOSTS=host:port[,..]` is set.

use asinfo::Client;
use asinfo::parse::parser_for;
use asinfo::reply::ReplyError;

fn hosts() -> Option<Vec<String>> {
    match std::env::var("AEROSPIKE_HOSTS") {
        Ok(v) if !v.trim().is_empty() => Some(v.split(',').map(|h| h.trim().to_owned()).collect()),
        _ => {
            eprintln!("skipping: set AEROSPIKE_HOSTS=host:port[,..] to run against a real server");
            None
        }
    }
}

#[tokio::test]
async fn typed_parsers_accept_live_replies() {
    let Some(hosts) = hosts() else { return };
    let commands = [
        "build",
        "edition",
        "release",
        "node",
        "cluster-name",
        "service-clear-std",
        "peers-clear-std",
        "peers-generation",
        "partition-generation",
        "cluster-stable",
        "statistics",
        "namespaces",
        "sets",
        "sindex-list",
        "udf-list",
        "get-config:context=service",
        "latencies:",
        "query-show",
    ];
    for host in hosts {
        let client = Client::new(host.clone());
        let values = client.info(&commands).await.expect("info call");
        for (cmd, value) in commands.iter().zip(&values) {
            let parsed = parser_for(cmd).expect("parser").parse(value);
            assert!(
                !matches!(parsed, Err(ReplyError::Malformed { .. })),
                "{host} {cmd}: {parsed:?}"
            );
        }
        let obs = asinfo::probe::observe(&client, 1).await;
        assert!(obs.state.is_ok(), "{host}: {:?}", obs.state);
    }
}

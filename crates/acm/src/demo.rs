//! `--demo`: an in-process `aerospike-fake` node with the demo dataset, and a profile
//! named `demo` for it (marked `demo: true`, clearly described as a fake node).

use aerospike_fake::{FakeCluster, FakeOptions};

use crate::demo_traffic;
use crate::profiles::ProfileInput;
use crate::state::AppState;

/// Name of the demo profile.
pub const PROFILE_NAME: &str = "demo";

/// Handle keeping the demo node alive; dropping it stops the node.
pub struct Demo {
    /// The fake cluster.
    pub cluster: FakeCluster,
    /// Profile id.
    pub profile_id: i64,
    /// Where `--demo-traffic` sends its synthetic load.
    pub traffic_target: demo_traffic::Target,
}

/// Start the demo node, load the dataset and create (or repoint) the demo profile.
pub async fn start(state: &AppState) -> anyhow::Result<Demo> {
    let opts = FakeOptions {
        cluster_name: "acm-demo".to_string(),
        ..FakeOptions::default()
    };
    let cluster = FakeCluster::start(1, opts).await?;
    let summary = cluster.load_demo();
    let input: ProfileInput = serde_json::from_value(serde_json::json!({
        "name": PROFILE_NAME,
        "hosts": [cluster.hosts()],
        "clusterName": "acm-demo",
        "color": "#F5A623",
        "description": "DEMO: an in-process fake Aerospike CE node (aerospike-fake) with sample \
                        data. Not a real server; data is lost when the manager stops.",
        "labels": {"env": "demo"},
    }))?;
    let profile = match state
        .store
        .find_by_name(PROFILE_NAME)
        .await
        .map_err(anyhow_err)?
    {
        Some(existing) => {
            let p = state
                .store
                .update(existing.id, &input)
                .await
                .map_err(anyhow_err)?;
            state.clients.invalidate(p.id);
            p
        }
        None => state.store.create(&input, true).await.map_err(anyhow_err)?,
    };
    tracing::info!(
        hosts = %cluster.hosts(),
        profile = profile.id,
        sets = ?summary.sets,
        "demo node started (fake Aerospike CE, in memory)"
    );
    let (namespace, users) = summary
        .sets
        .iter()
        .find(|(_, set, _)| set == "users")
        .map_or(("test".to_string(), 0), |(ns, _, n)| {
            (ns.clone(), *n as u64)
        });
    let traffic_target = demo_traffic::Target {
        hosts: cluster.hosts(),
        cluster_name: "acm-demo".to_string(),
        namespace,
        users,
    };
    Ok(Demo {
        cluster,
        profile_id: profile.id,
        traffic_target,
    })
}

fn anyhow_err(e: crate::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

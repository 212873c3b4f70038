//! Gathers one node's [`NodeObservation`] in a single info request.

use crate::client::Client;
use crate::cluster::{NodeObservation, NodeState};
use crate::parse::cluster_stable_command;

/// Asks `node`, `statistics` and `cluster-stable:size=N;ignore-migrations=false` in one
/// request. Transport or parse failures become the observation's error text.
pub async fn observe(client: &Client, expected_size: usize) -> NodeObservation {
    let stable = cluster_stable_command(Some(expected_size), false);
    let state = match client.info(&["node", "statistics", stable.as_str()]).await {
        Ok(values) => match values.as_slice() {
            [node, stats, stable] => {
                NodeState::from_replies(node, stats, stable).map_err(|e| e.to_string())
            }
            _ => Err("reply does not have 3 values".to_owned()),
        },
        Err(e) => Err(e.to_string()),
    };
    NodeObservation {
        addr: client.addr().to_owned(),
        state,
    }
}

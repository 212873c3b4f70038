//! Dynamic configuration (pure decisions). With `enableDynamicConfigUpdate`, a change of a
//! rack's aerospike.conf is classified with `aerospike-conf`'s diff and dynamic-key knowledge:
//! when every change is dynamic, expressible as `set-config` and verifiable with `get-config`,
//! and every node runs a server version the knowledge covers, the pods are updated in place
//! (node by node, each change read back; any refusal rolls the already-changed nodes back).
//! Anything else falls through to the rolling restart.

use acko_api::validation::ValidatedCluster;

use crate::desired::Day2;

/// Server versions the dynamic-key table describes (`aerospike_conf::knowledge::dynamic_keys`
/// is transcribed from the server 8.x configuration reference and proven on CE 8.1.2 replies).
/// A node running another major version gets the restart path.
pub const KNOWLEDGE_MAJOR_VERSIONS: &[u32] = &[8];

/// Day-2 inputs of a validated cluster.
pub fn day2_inputs(v: &ValidatedCluster) -> Day2 {
    let spec = v.spec();
    Day2 {
        operation: spec.operations.as_ref().and_then(|o| o.first().cloned()),
        dynamic_config: spec.enable_dynamic_config_update.unwrap_or(false),
        block_list: spec
            .k8s_node_block_list
            .iter()
            .flatten()
            .filter(|n| !n.is_empty())
            .cloned()
            .collect(),
    }
}

/// Whether the dynamic-key knowledge covers a node's `build` (e.g. `8.1.2.0`).
pub fn knowledge_covers(build: &str) -> bool {
    build
        .trim()
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| KNOWLEDGE_MAJOR_VERSIONS.contains(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knowledge_covers_server_8_only() {
        for (build, ok) in [
            ("8.1.2.0", true),
            ("8.0.0.8", true),
            (" 8.1.0.1\n", true),
            ("7.2.0.4", false),
            ("9.0.0.0", false),
            ("", false),
            ("garbage", false),
        ] {
            assert_eq!(knowledge_covers(build), ok, "{build:?}");
        }
    }
}

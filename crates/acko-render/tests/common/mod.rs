//! Shared helpers of the integration tests: load a cluster YAML, default it, render it.

#![allow(dead_code)]

use std::path::Path;

use acko_api::AerospikeCluster;
use acko_render::{DesiredObjects, RenderOptions, render};
use serde_json::Value;

/// Parses an AerospikeCluster from YAML, validates it (every test input must be a cluster a user
/// could apply) and returns it defaulted.
pub fn cluster_from_yaml(yaml: &str) -> AerospikeCluster {
    let cluster: AerospikeCluster =
        serde_saphyr::from_str(yaml).expect("test input is a valid AerospikeCluster");
    match acko_api::validation::ValidatedCluster::new(&cluster) {
        Ok(validated) => validated.into_cluster(),
        Err(problems) => panic!("test input does not validate: {problems:?}"),
    }
}

/// Loads `tests/inputs/<name>`.
pub fn load(name: &str) -> AerospikeCluster {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs")
        .join(name);
    let yaml = std::fs::read_to_string(&path).expect("test input exists");
    cluster_from_yaml(&yaml)
}

/// Renders with the default options.
pub fn render_default(cluster: &AerospikeCluster) -> DesiredObjects {
    render(cluster, &RenderOptions::default()).expect("test cluster renders")
}

/// Finds an object of the list by kind and name.
pub fn find<'a>(list: &'a [Value], kind: &str, name: &str) -> &'a Value {
    list.iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {:?}", names(list)))
}

/// `Kind/name` of every object.
pub fn names(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or("?"),
                o["metadata"]["name"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

//! Snapshots of every example of the networking guide (`tests/inputs/seed_*.yaml`) and of a
//! large cluster (`tests/inputs/large.yaml`): the full object list in apply order.

mod common;

#[test]
fn snapshots_of_every_input() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/inputs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 17,
        "expected every seed example and the large example"
    );
    for path in inputs {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name")
            .to_owned();
        let yaml = std::fs::read_to_string(&path).expect("readable input");
        let cluster = common::cluster_from_yaml(&yaml);
        let objects = common::render_default(&cluster);
        insta::assert_yaml_snapshot!(stem, objects.to_list());
    }
}

#[test]
fn configmap_text_of_the_large_example() {
    let objects = common::render_default(&common::load("large.yaml"));
    let mut text = String::new();
    for cm in &objects.config_maps {
        let data = cm.data.as_ref().expect("data");
        text.push_str(&format!(
            "### {}\n",
            cm.metadata.name.as_deref().unwrap_or("?")
        ));
        text.push_str(&data["aerospike.conf"]);
        text.push_str(&data["acko-init.json"]);
    }
    insta::assert_snapshot!(text);
}

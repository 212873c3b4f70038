//! `acko validate` on arbitrary YAML bytes: parsing, defaulting and validation never panic, and
//! a cluster that validates (ValidatedCluster) always renders (the rule ARCHITECTURE.md states).
#![no_main]

use acko_api::parse::{Resource, parse_documents};
use acko_api::validation::{ValidatedCluster, validate_cluster, validate_template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(docs) = parse_documents(text) else {
        return;
    };
    for doc in docs {
        match &doc.resource {
            Some(Resource::Cluster(cluster)) => {
                let _ = validate_cluster(cluster);
                if let Ok(valid) = ValidatedCluster::new(cluster) {
                    acko_render::render_validated(&valid, &acko_render::RenderOptions::default())
                        .unwrap_or_else(|e| panic!("a validated cluster does not render: {e}"));
                }
            }
            Some(Resource::Template(t)) => {
                let _ = validate_template(t);
            }
            None => {}
        }
    }
});

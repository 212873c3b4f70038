//! The ONE place where kube-sim calls acko-init: the final aerospike.conf of a pod, built
//! exactly as `acko-init prepare` builds it (settings + template from the rack ConfigMap, the
//! pod's downward-API facts, Node/Service reads through the simulator's API).
//! The `InitSettings` contract type is moving between crates; only this file names it.

use std::time::Duration;

use acko_init::facts::{PodFacts, RawFacts};
use acko_init::k8s::KubeApi;
use acko_init::prepare::{self, ConfigSource, Options};
use acko_init::settings::InitSettings;
use serde_json::Value;

/// The result of rendering a pod's config.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `configHash` of the settings used.
    pub config_hash: String,
    /// The final aerospike.conf text.
    pub conf: String,
}

fn downward_annotations(pod: &Value) -> String {
    pod["metadata"]["annotations"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            format!(
                "{k}={}\n",
                serde_json::to_string(v.as_str().unwrap_or_default()).unwrap_or_default()
            )
        })
        .collect()
}

fn env_literal(pod: &Value, name: &str) -> Option<String> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["env"].as_array().cloned().unwrap_or_default())
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str().map(String::from))
}

/// Render the final aerospike.conf of `pod` from its rack ConfigMap `data`.
pub async fn render(
    client: kube::Client,
    pod: &Value,
    cm_data: &Value,
) -> Result<Rendered, String> {
    let settings_text = cm_data["acko-init.json"]
        .as_str()
        .ok_or("the rack ConfigMap has no key acko-init.json")?;
    let template = cm_data["aerospike.conf"]
        .as_str()
        .ok_or("the rack ConfigMap has no key aerospike.conf")?
        .to_string();
    let settings = InitSettings::from_json(settings_text)
        .map_err(|e| format!("ConfigMap key acko-init.json: {e}"))?;
    let config_hash = settings.config_hash.clone();
    let raw = RawFacts {
        pod_name: pod["metadata"]["name"].as_str().map(String::from),
        pod_namespace: pod["metadata"]["namespace"].as_str().map(String::from),
        pod_ip: pod["status"]["podIP"].as_str().map(String::from),
        node_name: pod["spec"]["nodeName"].as_str().map(String::from),
        host_ip: pod["status"]["hostIP"].as_str().map(String::from),
        external_service_type: env_literal(pod, "EXTERNAL_SERVICE_TYPE"),
        annotations_file: Some(downward_annotations(pod)),
    };
    let facts = PodFacts::from_raw(&raw).map_err(|e| e.to_string())?;
    let source = ConfigSource { settings, template };
    let opts = Options {
        dry_run: true,
        skip_volumes: true,
        external_timeout: Some(Duration::from_secs(30)),
        poll_interval: Duration::from_millis(200),
    };
    let (_, _, conf) = prepare::build(&source, &facts, &KubeApi::new(client), &opts)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Rendered {
        config_hash,
        conf: conf.text,
    })
}

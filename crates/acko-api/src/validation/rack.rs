//! Rack rules: ids, labels, batch sizes and per-rack overrides.

use crate::cluster::AerospikeClusterSpec;
use crate::problem::Problems;
use crate::rack::RackConfig;
use crate::validation::{config, fields, storage, ttl};

/// Validates `rackConfig` at `base`.
pub(crate) fn validate_rack_config(
    rc: &RackConfig,
    spec: &AerospikeClusterSpec,
    containers: &(Vec<String>, Vec<String>),
    base: &str,
    p: &mut Problems,
) {
    let size = spec
        .size
        .filter(|s| (1..=super::MAX_CLUSTER_SIZE).contains(s));
    if let Some(size) = size
        && rc.racks.len() > size as usize
    {
        p.error(
            format!("{base}.racks"),
            format!(
                "{} racks for {size} node(s): some racks would be empty",
                rc.racks.len()
            ),
            "use at most as many racks as nodes, or raise spec.size",
        );
    }
    for (i, rack) in rc.racks.iter().enumerate() {
        let rp = format!("{base}.racks[{i}]");
        if rack.id < 1 {
            p.error(
                format!("{rp}.id"),
                format!(
                    "rack id {} is not allowed: ids start at 1 (0 is the implicit rack)",
                    rack.id
                ),
                "use a positive id",
            );
        }
        for (field, value) in [
            ("zone", &rack.zone),
            ("region", &rack.region),
            ("nodeName", &rack.node_name),
            ("rackLabel", &rack.rack_label),
        ] {
            if let Some(v) = value
                && (v.is_empty() || !fields::is_label_value(v))
            {
                p.error(
                    format!("{rp}.{field}"),
                    format!("{v:?} is not a valid label value"),
                    "use at most 63 letters, digits, '-', '_' or '.'",
                );
            }
        }
        if let Some(conf) = &rack.aerospike_config {
            config::validate_config(
                conf,
                size,
                &storage::all_volumes(spec),
                &format!("{rp}.aerospikeConfig"),
                true,
                p,
            );
            ttl::validate_rack_ttl(
                spec.aerospike_config.as_ref(),
                conf,
                &format!("{rp}.aerospikeConfig"),
                p,
            );
        }
        if let Some(s) = &rack.storage {
            storage::validate_storage(s, containers, &format!("{rp}.storage"), p);
        }
        if let Some(mu) = &rack.max_unavailable {
            let path = format!("{rp}.maxUnavailable");
            if fields::validate_int_or_percent(mu, 1, &path, p)
                && let Some(size) = size
            {
                let rack_size = rack_sizes(size, rc.racks.len())
                    .get(i)
                    .copied()
                    .unwrap_or(0);
                if rack_size > 0
                    && fields::resolve_int_or_percent(mu, rack_size).is_some_and(|v| v >= rack_size)
                {
                    p.warning(
                        path,
                        format!(
                            "maxUnavailable lets all {rack_size} pod(s) of the rack go down at once"
                        ),
                        "use a value below the rack size",
                    );
                }
            }
        }
    }
    let ids: Vec<String> = rc.racks.iter().map(|r| r.id.to_string()).collect();
    fields::unique(
        ids.iter().map(String::as_str),
        &format!("{base}.racks"),
        "rack id",
        p,
    );
    fields::unique(
        rc.racks.iter().filter_map(|r| r.rack_label.as_deref()),
        &format!("{base}.racks"),
        "rackLabel",
        p,
    );
    if let Some(v) = &rc.scale_down_batch_size {
        fields::validate_int_or_percent(v, 1, &format!("{base}.scaleDownBatchSize"), p);
    }
    if let Some(v) = &rc.rolling_update_batch_size {
        fields::validate_int_or_percent(v, 1, &format!("{base}.rollingUpdateBatchSize"), p);
    }
    if let Some(v) = &rc.max_ignorable_pods {
        fields::validate_int_or_percent(v, 0, &format!("{base}.maxIgnorablePods"), p);
    }
    if let Some(namespaces) = &rc.namespaces {
        if namespaces.len() > config::MAX_NAMESPACES {
            p.error(
                format!("{base}.namespaces"),
                "Aerospike CE has at most 2 namespaces",
                "list at most 2 namespaces",
            );
        }
        let configured: Vec<&str> = spec
            .aerospike_config
            .as_ref()
            .and_then(|c| c.get("namespaces"))
            .and_then(|n| n.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.get("name").and_then(|v| v.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        for (i, ns) in namespaces.iter().enumerate() {
            if spec.aerospike_config.is_some() && !configured.contains(&ns.as_str()) {
                p.error(
                    format!("{base}.namespaces[{i}]"),
                    format!("namespace {ns:?} is not configured in aerospikeConfig.namespaces"),
                    "name a configured namespace",
                );
            }
        }
    }
}

/// Pods per rack: `size / racks`, the first `size % racks` racks get one more.
pub fn rack_sizes(size: i32, racks: usize) -> Vec<i32> {
    if racks == 0 {
        return Vec::new();
    }
    let n = racks as i32;
    (0..n).map(|i| size / n + i32::from(i < size % n)).collect()
}

//! Typed read helpers over the model: ports, heartbeat seeds, namespaces.

use crate::model::{AerospikeConf, Item, Stanza};

/// The listener ports found in `network { ... }`. `None` when absent or not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Ports {
    /// `network.service.port` (clients; 3000 by default).
    pub service: Option<u16>,
    /// `network.fabric.port` (intra-cluster data; 3001 by default).
    pub fabric: Option<u16>,
    /// `network.heartbeat.port` (membership; 3002 by default).
    pub heartbeat: Option<u16>,
    /// `network.admin.port` (admin listener; 3003 in the 8.1 fixtures).
    pub admin: Option<u16>,
    /// `network.info.port` (legacy info listener), if configured.
    pub info: Option<u16>,
}

/// A namespace summary as the operator needs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NamespaceInfo {
    /// The namespace name (`namespace <name> {`).
    pub name: String,
    /// `replication-factor`, when set and numeric (the server default is 2).
    pub replication_factor: Option<u32>,
    /// The storage-engine type (`memory`, `device`, `pmem`), when set.
    pub storage_engine: Option<String>,
    /// Every `device` line of the storage engine, in order.
    pub devices: Vec<String>,
    /// Every `file` line of the storage engine, in order.
    pub files: Vec<String>,
}

impl AerospikeConf {
    /// The listener ports in `network`.
    pub fn ports(&self) -> Ports {
        let port = |path: &str| self.get_value(path).and_then(|v| v.parse::<u16>().ok());
        Ports {
            service: port("network.service.port"),
            fabric: port("network.fabric.port"),
            heartbeat: port("network.heartbeat.port"),
            admin: port("network.admin.port"),
            info: port("network.info.port"),
        }
    }

    /// The `mesh-seed-address-port` lines as `(host, port)`; lines that are not
    /// `host port` with a numeric port are skipped.
    pub fn mesh_seeds(&self) -> Vec<(String, u16)> {
        self.get_all("network.heartbeat.mesh-seed-address-port")
            .into_iter()
            .filter_map(|l| match l.values.as_slice() {
                [h, p] => p.parse().ok().map(|p| (h.clone(), p)),
                _ => None,
            })
            .collect()
    }

    /// Every `namespace` stanza, in order, with its replication factor and storage.
    pub fn namespaces(&self) -> Vec<NamespaceInfo> {
        self.stanzas("namespace")
            .filter_map(|ns| {
                let name = ns.args.first()?.clone();
                Some(namespace_info(name, ns))
            })
            .collect()
    }
}

fn namespace_info(name: String, ns: &Stanza) -> NamespaceInfo {
    let mut info = NamespaceInfo {
        name,
        replication_factor: ns.value("replication-factor").and_then(|v| v.parse().ok()),
        storage_engine: None,
        devices: Vec::new(),
        files: Vec::new(),
    };
    for item in &ns.items {
        match item {
            Item::Line(l) if l.key == "storage-engine" => {
                info.storage_engine = l.first_value().map(str::to_string);
            }
            Item::Stanza(s) if s.name == "storage-engine" => {
                info.storage_engine = s.args.first().cloned();
                info.devices = s.lines("device").map(|l| l.value_text()).collect();
                info.files = s.lines("file").map(|l| l.value_text()).collect();
            }
            _ => {}
        }
    }
    info
}

//! acko-init: the in-pod binary of the acko operator.
//!
//! - `prepare` (init container): resolves this pod's access / alternate-access / fabric
//!   addresses from the network policy and the pod's facts, writes the final
//!   aerospike.conf, initialises volumes once per PVC and wipes dirty ones.
//! - `supervise` (the aerospike container's PID 1): runs asd, forwards SIGTERM, reaps
//!   zombies, and performs warm restarts that re-render the config from the current
//!   ConfigMap.
//!
//! The contract with the rendered pod is docs/pod-contract.md.

pub mod conf;
pub mod error;
pub mod external;
pub mod facts;
pub mod k8s;
pub mod network_status;
pub mod prepare;
pub mod resolve;
pub mod settings;
pub mod supervise;
pub mod volumes;

pub use error::InitError;

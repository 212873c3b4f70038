//! Leader election on a `coordination.k8s.io` Lease with `kube-lease-manager`, so two replicas
//! can run: only the holder reconciles.

use kube::Client;
use kube_lease_manager::{LeaseManagerBuilder, LeaseParams};
use tokio::sync::watch;

/// Lease name.
pub const LEASE_NAME: &str = "acko-operator-leader";

/// Starts competing for the lease; the receiver turns `true` while this replica leads.
pub async fn elect(
    client: Client,
    namespace: &str,
    identity: String,
) -> Result<watch::Receiver<bool>, String> {
    let manager = LeaseManagerBuilder::new(client, LEASE_NAME)
        .with_namespace(namespace)
        .with_identity(identity)
        .with_parameters(LeaseParams::default())
        .with_field_manager("acko")
        .build()
        .await
        .map_err(|e| format!("lease {namespace}/{LEASE_NAME}: {e}"))?;
    let (rx, _handle) = manager.watch().await;
    Ok(rx)
}

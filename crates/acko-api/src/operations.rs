//! `spec.operations`: one-shot restarts requested by the user.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An on-demand operation. At most one may be listed; while it is in progress
/// (`status.operationStatus.phase == InProgress`) the list cannot change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationSpec {
    /// What to do.
    pub kind: OperationKind,
    /// A user-chosen id (1-20 characters); a new id starts a new run.
    #[schemars(length(min = 1, max = 20))]
    pub id: String,
    /// Pods to act on. Default: every pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_list: Option<Vec<String>>,
}

/// Kind of on-demand operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum OperationKind {
    /// Restart asd in place (the pod and its volumes stay).
    #[default]
    WarmRestart,
    /// Delete and recreate the pod.
    PodRestart,
}

//! `spec.aerospikeAccessControl`: users and roles.
//!
//! **Aerospike Community Edition has no security.** A CE 8 server refuses a `security {}`
//! stanza at startup and answers every user/role command with result code 51
//! (`SECURITY_NOT_SUPPORTED`). The section is kept in the schema so resources written for other
//! operators still parse, but validation reports it as an **error**: silently running a cluster
//! without the access control the user asked for would be worse than refusing it. Remove the
//! section and protect the cluster with `networkPolicyConfig` instead.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Users and roles (not supported by Aerospike CE; see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeAccessControlSpec {
    /// Roles to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<AerospikeRoleSpec>>,
    /// Users to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<AerospikeUserSpec>>,
    /// Admin client policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_policy: Option<AerospikeAdminPolicy>,
}

/// A role.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeRoleSpec {
    /// Role name.
    pub name: String,
    /// Privileges as `code[.namespace[.set]]`.
    #[serde(default)]
    pub privileges: Vec<String>,
    /// Client CIDRs allowed for this role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whitelist: Option<Vec<String>>,
}

/// A user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeUserSpec {
    /// User name.
    pub name: String,
    /// Secret holding the password under the key `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// Roles granted to the user.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Admin client policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeAdminPolicy {
    /// Timeout of admin calls in milliseconds (100-30000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100, max = 30000))]
    pub timeout: Option<i32>,
}

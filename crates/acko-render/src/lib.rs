//! acko-render: the desired Kubernetes objects of an Aerospike CE cluster, computed purely.
//!
//! [`render_validated`] (or [`render()`]) takes a defaulted, validated `AerospikeCluster` (template already merged with
//! [`template_merge::merge_template`]) and returns [`DesiredObjects`]: per rack a ConfigMap and a
//! StatefulSet, the headless Service, per-pod Services, the seeds LoadBalancer, RBAC for
//! `acko-init`, the network policy, PodDisruptionBudgets and the monitoring objects. No IO, no
//! clock, no randomness: the same cluster always renders to the same bytes, so `acko render`
//! shows exactly what the operator applies.
//!
//! Conventions (each module documents its part):
//! - names: [`names`]; labels, selectors, owner reference placeholder (empty `uid`): [`labels`];
//! - stable mesh seeds that do not depend on `size`: [`seeds`]; pod spread: [`racks`];
//! - config hash and `acko-init.json`: [`configmap`]; pod-spec hash: [`pod_template`];
//! - the pod contract with `acko-init` (containers, volumes, env): [`containers`] and
//!   docs/pod-contract.md.

pub mod affinity;
pub mod configmap;
pub mod containers;
pub mod error;
pub mod hash;
pub mod labels;
pub mod monitoring;
pub mod names;
pub mod network_policy;
pub mod objects;
pub mod pdb;
pub mod pod_template;
pub mod racks;
pub mod rbac;
pub mod render;
pub mod seeds;
pub mod services;
pub mod statefulset;
pub mod storage;
pub mod template_merge;

pub use error::RenderError;
pub use objects::{DesiredObjects, RackSummary};
pub use render::{RenderOptions, render, render_validated};
pub use template_merge::{TemplateError, merge_template};

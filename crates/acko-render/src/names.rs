//! Stable object names: re-exported from [`acko_api::names`], the one place where every
//! derived name and its Kubernetes limit is defined (validation checks the same builders).

pub use acko_api::names::*;

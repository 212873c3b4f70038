//! Installing the operator (and the manager): the compiled-in `deploy/` manifests, server-side
//! apply, and an uninstall that is honest about custom resources.

pub mod apply;
pub mod manifests;
pub mod uninstall;

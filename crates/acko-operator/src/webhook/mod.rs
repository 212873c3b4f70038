//! The validating admission webhook: the same `acko-api` validation and update rules as
//! `acko validate`, all problems with their paths in one denial.
//!
//! * [`review`]: the decision (pure).
//! * [`tls`]: serving certificates reloaded from files; CA + pair generation.
//! * [`certs`]: self-managed certificates (a shared Secret, rotation, the CA bundle patched
//!   into the ValidatingWebhookConfiguration).
//! * [`server`]: HTTPS with rustls.

pub mod certs;
pub mod review;
pub mod server;
pub mod tls;

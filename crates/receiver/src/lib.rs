//! The Flux webhook Receiver domain, with no I/O.
//!
//! Everything that must agree byte for byte with Flux lives here, once: the
//! `notification.toolkit.fluxcd.io/v1` API types, the provider catalog, the
//! webhook path derivation, input validation, payload signatures, token
//! generation and the manifests `flux create … --export` prints.
//!
//! The crate has no network code and no CLI code, in the spirit of kube-core:
//! the `flux-receiver` binary and the test emulator both build on it.

pub mod address;
pub mod answer;
pub mod api;
pub mod api_request;
pub mod comma_list;
pub mod delivery;
pub mod duration;
pub mod github;
pub mod gitlab;
pub mod hex;
pub mod manifest;
pub mod names;
pub mod path;
pub mod provider;
pub mod rbac;
pub mod resource_ref;
pub mod sample;
pub mod signature;
pub mod suggest;
pub mod token;
pub mod yaml;

pub use api::{Receiver, ReceiverSpec, ReceiverStatus};
pub use duration::GoDuration;
pub use path::{webhook_path, webhook_url};
pub use provider::ProviderType;
pub use resource_ref::{ResourceKind, ResourceRef};

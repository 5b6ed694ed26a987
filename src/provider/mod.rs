//! Clients of the providers' APIs, for registering a Receiver's webhook
//! with the provider itself. Built on [`crate::http`]; they know nothing of
//! the command line or the cluster.

pub mod github;
pub mod gitlab;

//! A kubeconfig pointing at the emulator.

use std::net::SocketAddr;

/// The context name written to kubeconfigs.
pub const CONTEXT: &str = "emulator";

/// A kubeconfig (YAML) for `addr`, plain HTTP, with a dummy bearer token.
pub fn kubeconfig(addr: SocketAddr) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {CONTEXT}
  cluster:
    server: http://{addr}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {CONTEXT}
current-context: {CONTEXT}
users:
- name: {CONTEXT}
  user:
    token: emulator-token
"
    )
}

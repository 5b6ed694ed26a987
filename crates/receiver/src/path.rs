//! The webhook path the notification-controller serves a Receiver on.
//!
//! Flux derives it as `/hook/` followed by the lowercase hex SHA-256 of the
//! plain concatenation `token + name + namespace`. Changing any of the three
//! moves the hook, which is why token rotation has to be handled with care.

use sha2::{Digest, Sha256};

/// The path prefix every Receiver hook lives under.
pub const HOOK_PREFIX: &str = "/hook/";

/// Computes the webhook path for a Receiver, exactly as the
/// notification-controller does: `/hook/<sha256(token + name + namespace)>`.
///
/// `generic-oidc` Receivers have no token: pass `""`.
pub fn webhook_path(token: &str, name: &str, namespace: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(name.as_bytes());
    hasher.update(namespace.as_bytes());
    let digest = hasher.finalize();
    format!("{HOOK_PREFIX}{}", crate::hex::encode(&digest))
}

/// The full URL for a webhook path served at `base`.
///
/// `base` may be a bare host (`flux.example.com`, which gets `https://` as
/// Flux's `--hostname` does), a `host:port`, or a URL with a scheme
/// (`http://203.0.113.7`). A trailing `/` on the base is ignored.
pub fn webhook_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.contains("://") {
        format!("{base}{path}")
    } else {
        format!("https://{base}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_flux_vector() {
        assert_eq!(
            webhook_path("test-token", "receiver-secret", "my-namespace"),
            "/hook/106120121d366c2f67e93200f6c1dbe938235eb588daa5e8c0516d3a77ac1dee"
        );
    }

    #[test]
    fn matches_the_flux_gcr_vector() {
        assert_eq!(
            webhook_path("test-token", "gcr-secret", "my-namespace"),
            "/hook/6d6c55e9affb9d1e0d101ce604ae4270880ec1ff24d1bd2d928fcd64243d21a4"
        );
    }

    #[test]
    fn matches_the_seed_guides_receiver() {
        // The seed guide shows the start of this hook for its github-receiver.
        let path = webhook_path("secret-token-dont-share", "github-receiver", "flux-system");
        assert!(
            path.starts_with("/hook/be1782fa344b4a24ea458be2dde11f9c289b91e"),
            "{path}"
        );
    }

    #[test]
    fn every_input_moves_the_path() {
        let base = webhook_path("t", "n", "ns");
        assert_ne!(base, webhook_path("u", "n", "ns"));
        assert_ne!(base, webhook_path("t", "m", "ns"));
        assert_ne!(base, webhook_path("t", "n", "nt"));
    }

    #[test]
    fn url_defaults_to_https_and_keeps_explicit_schemes() {
        assert_eq!(
            webhook_url("flux.example.com", "/hook/x"),
            "https://flux.example.com/hook/x"
        );
        assert_eq!(
            webhook_url("http://10.0.0.1:8080/", "/hook/x"),
            "http://10.0.0.1:8080/hook/x"
        );
    }
}

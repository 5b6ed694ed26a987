//! Sample webhook requests, signed exactly as each provider signs them.
//!
//! `trigger` sends these to a Receiver's hook to prove the chain end to end;
//! the test emulator's notification-controller checks them the way Flux
//! does. Payloads are small but realistic: each carries the fields the
//! controller decodes for its type.

use serde_json::{Value, json};
use thiserror::Error;

use crate::provider::ProviderType;
use crate::signature::{HmacAlgorithm, sign_hex, sign_prefixed};

/// An HTTP POST to a Receiver's hook, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    /// Headers, in the order the provider sends them.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl WebhookRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What to send.
#[derive(Debug, Clone, Default)]
pub struct SampleOptions {
    /// The Receiver's token (empty for generic-oidc).
    pub token: String,
    /// The event to announce; each provider has a default.
    pub event: Option<String>,
    /// A body to send instead of the sample (it is signed all the same).
    pub payload: Option<Vec<u8>>,
    /// A bearer token: the OIDC token for generic-oidc, the Google-signed
    /// token for gcr.
    pub bearer: Option<String>,
    /// A delivery id; random-looking ids make provider logs readable.
    pub delivery_id: String,
}

/// Why a sample cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SampleError {
    /// generic-oidc needs a token from an OIDC issuer.
    #[error(
        "generic-oidc Receivers authenticate with an OIDC token: pass --oidc-token or set FLUX_RECEIVER_OIDC_TOKEN"
    )]
    MissingOidcToken,
    /// gcr needs a token Google signed.
    #[error(
        "gcr Receivers only accept Pub/Sub pushes carrying a Google-signed OIDC token for the Secret's email and \
         audience; pass one with --bearer (e.g. `gcloud auth print-identity-token --audiences=<audience>`)"
    )]
    MissingGoogleToken,
}

/// Builds the request `provider` would send.
pub fn request(provider: ProviderType, options: &SampleOptions) -> Result<WebhookRequest, SampleError> {
    let token = options.token.as_bytes();
    let event = |default: &str| options.event.clone().unwrap_or_else(|| default.to_string());
    let body = |sample: Value| {
        options
            .payload
            .clone()
            .unwrap_or_else(|| sample.to_string().into_bytes())
    };
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    let mut add = |key: &str, value: String| headers.push((key.to_string(), value));
    let body = match provider {
        ProviderType::Generic => body(json!({"source": "flux-receiver", "message": "trigger"})),
        ProviderType::GenericHmac => {
            let body = body(json!({"source": "flux-receiver", "message": "trigger"}));
            add("X-Signature", sign_prefixed(HmacAlgorithm::Sha256, token, &body));
            body
        }
        ProviderType::GenericOidc => {
            let bearer = options.bearer.as_ref().ok_or(SampleError::MissingOidcToken)?;
            add("Authorization", format!("Bearer {bearer}"));
            body(json!({"source": "flux-receiver", "message": "trigger"}))
        }
        ProviderType::Github => {
            let event = event("ping");
            let sample = if event == "ping" { github_ping() } else { github_push() };
            let body = body(sample);
            add("User-Agent", "GitHub-Hookshot/flux-receiver".into());
            add("X-GitHub-Event", event);
            add("X-GitHub-Delivery", options.delivery_id.clone());
            add("X-Hub-Signature", sign_prefixed(HmacAlgorithm::Sha1, token, &body));
            add(
                "X-Hub-Signature-256",
                sign_prefixed(HmacAlgorithm::Sha256, token, &body),
            );
            body
        }
        ProviderType::Gitlab => {
            let event = event("Push Hook");
            let kind = if event == "Tag Push Hook" { "tag_push" } else { "push" };
            let body = body(json!({
                "object_kind": kind, "event_name": kind, "ref": "refs/heads/main",
                "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                "project": {"path_with_namespace": "example/app", "web_url": "https://gitlab.example.com/example/app"}
            }));
            add("X-Gitlab-Event", event);
            add("X-Gitlab-Token", options.token.clone());
            body
        }
        ProviderType::Bitbucket => {
            let event = event("repo:refs_changed");
            let body = body(json!({
                "eventKey": event, "date": "2026-01-01T00:00:00+0000",
                "repository": {"slug": "app", "project": {"key": "EX"}},
                "changes": [{"ref": {"id": "refs/heads/main", "type": "BRANCH"}, "type": "UPDATE",
                             "toHash": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}]
            }));
            add("X-Event-Key", event);
            add("X-Request-Id", options.delivery_id.clone());
            add("X-Hub-Signature", sign_prefixed(HmacAlgorithm::Sha256, token, &body));
            body
        }
        ProviderType::Harbor => {
            let body = body(json!({
                "type": event("PUSH_ARTIFACT"), "occur_at": 1767225600, "operator": "flux-receiver",
                "event_data": {
                    "resources": [{"tag": "latest", "resource_url": "harbor.example.com/library/app:latest"}],
                    "repository": {"name": "app", "namespace": "library", "repo_full_name": "library/app"}
                }
            }));
            add("Authorization", options.token.clone());
            body
        }
        ProviderType::Dockerhub => body(json!({
            "callback_url": "https://registry.hub.docker.com/u/example/app/hook/1/",
            "push_data": {"pushed_at": 1767225600, "pusher": "example", "tag": "latest"},
            "repository": {"name": "app", "namespace": "example", "repo_name": "example/app",
                           "repo_url": "https://hub.docker.com/r/example/app"}
        })),
        ProviderType::Quay => body(json!({
            "name": "app", "repository": "example/app", "namespace": "example",
            "docker_url": "quay.io/example/app", "homepage": "https://quay.io/repository/example/app",
            "updated_tags": ["latest"]
        })),
        ProviderType::Acr => body(json!({
            "id": options.delivery_id, "timestamp": "2026-01-01T00:00:00Z", "action": event("push"),
            "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "repository": "app", "tag": "latest",
                       "digest": "sha256:2b1b4ebd7b7b2f5e7f5c5b7a0c8f3c8e9d6a1b2c3d4e5f60718293a4b5c6d7e8"},
            "request": {"host": "example.azurecr.io", "method": "PUT"}
        })),
        ProviderType::Nexus => {
            let body = body(json!({
                "timestamp": "2026-01-01T00:00:00.000+0000", "nodeId": "nexus", "initiator": "flux-receiver",
                "repositoryName": "docker-hosted", "action": event("CREATED"),
                "component": {"format": "docker", "name": "app", "version": "latest"}
            }));
            add("X-Nexus-Webhook-Id", "rm:repository:component".into());
            add("X-Nexus-Webhook-Delivery", options.delivery_id.clone());
            add("X-Nexus-Webhook-Signature", sign_hex(HmacAlgorithm::Sha1, token, &body));
            body
        }
        ProviderType::Cdevents => {
            let event = event("dev.cdevents.change.merged.0.2.0");
            let subject_type = event.split('.').nth(2).unwrap_or("change").to_string();
            let body = body(json!({
                "context": {"version": "0.4.1", "id": options.delivery_id, "source": "flux-receiver",
                            "type": event, "timestamp": "2026-01-01T00:00:00Z"},
                "subject": {"id": "app/main", "source": "flux-receiver", "type": subject_type,
                            "content": {"repository": {"id": "example/app", "source": "https://git.example.com"}}}
            }));
            add("Ce-Id", options.delivery_id.clone());
            add("Ce-Specversion", "1.0".into());
            add("Ce-Source", "flux-receiver".into());
            add("Ce-Type", event);
            body
        }
        ProviderType::Gcr => {
            let bearer = options.bearer.as_ref().ok_or(SampleError::MissingGoogleToken)?;
            add("Authorization", format!("Bearer {bearer}"));
            let message = json!({"action": "INSERT", "digest": "us-docker.pkg.dev/example/app/app@sha256:2b1b", "tag": "us-docker.pkg.dev/example/app/app:latest"});
            body(json!({
                "message": {"data": base64(message.to_string().as_bytes()), "messageId": options.delivery_id,
                            "publishTime": "2026-01-01T00:00:00Z"},
                "subscription": "projects/example/subscriptions/flux"
            }))
        }
    };
    Ok(WebhookRequest { headers, body })
}

// GitHub's ping and push have the keys and types of GitHub's own examples
// (npm @octokit/webhooks-examples; tests/github_samples.rs checks them), so
// that a Receiver's CEL filter or anyone reading the controller's log sees
// what GitHub would send: a repository hook's ping, and a push of one commit
// to the default branch.

/// GitHub's user `example`, as `sender` and `owner` show it.
fn github_user() -> Value {
    json!({
        "login": "example", "id": 1, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false,
        "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4", "gravatar_id": "",
        "url": "https://api.github.com/users/example", "html_url": "https://github.com/example"
    })
}

/// The repository `example/app`, as hook payloads show it.
fn github_repository() -> Value {
    json!({
        "id": 1, "node_id": "MDEwOlJlcG9zaXRvcnkx", "name": "app", "full_name": "example/app",
        "private": false, "owner": github_user(), "html_url": "https://github.com/example/app",
        "url": "https://api.github.com/repos/example/app", "fork": false,
        "clone_url": "https://github.com/example/app.git", "ssh_url": "git@github.com:example/app.git",
        "default_branch": "main"
    })
}

fn github_ping() -> Value {
    json!({
        "zen": "Keep it logically awesome.",
        "hook_id": 1,
        "hook": {
            "type": "Repository", "id": 1, "name": "web", "active": true, "events": ["push"],
            "config": {"content_type": "json", "url": "https://flux.example.com/hook/", "insecure_ssl": "0"},
            "updated_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z",
            "url": "https://api.github.com/repos/example/app/hooks/1",
            "test_url": "https://api.github.com/repos/example/app/hooks/1/test",
            "ping_url": "https://api.github.com/repos/example/app/hooks/1/pings",
            "last_response": {"code": null, "status": "unused", "message": null}
        },
        "repository": github_repository(),
        "sender": github_user()
    })
}

fn github_push() -> Value {
    let after = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
    let person = json!({"name": "flux-receiver", "email": "flux-receiver@example.com", "username": "example"});
    let commit = json!({
        "id": after, "tree_id": "31b122c26a97cf9af023e9ddab94a82c6e77b0ea", "distinct": true,
        "message": "flux-receiver trigger", "timestamp": "2026-01-01T00:00:00Z",
        "url": format!("https://github.com/example/app/commit/{after}"),
        "author": person, "committer": person, "added": [], "removed": [], "modified": ["README.md"]
    });
    json!({
        "ref": "refs/heads/main",
        "before": "0000000000000000000000000000000000000000",
        "after": after,
        "created": false,
        "deleted": false,
        "forced": false,
        "base_ref": null,
        "compare": format!("https://github.com/example/app/compare/0000000000000000000000000000000000000000...{after}"),
        "commits": [commit],
        "head_commit": commit,
        "repository": github_repository(),
        "pusher": {"name": "flux-receiver", "email": "flux-receiver@example.com"},
        "sender": github_user()
    })
}

/// Standard base64 with padding (Pub/Sub message data).
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SampleOptions {
        SampleOptions {
            token: "It's a Secret to Everybody".into(),
            delivery_id: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn github_signs_the_exact_body_with_both_headers() {
        let mut opts = options();
        opts.payload = Some(b"Hello, World!".to_vec());
        opts.event = Some("push".into());
        let request = request(ProviderType::Github, &opts).unwrap();
        assert_eq!(
            request.header("x-hub-signature-256"),
            Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        );
        assert!(request.header("X-Hub-Signature").unwrap().starts_with("sha1="));
        assert_eq!(request.header("X-GitHub-Event"), Some("push"));
    }

    #[test]
    fn every_type_builds_or_explains() {
        for provider in ProviderType::ALL {
            let result = request(provider, &options());
            match provider {
                ProviderType::GenericOidc => assert_eq!(result, Err(SampleError::MissingOidcToken)),
                ProviderType::Gcr => assert_eq!(result, Err(SampleError::MissingGoogleToken)),
                _ => {
                    let request = result.unwrap();
                    serde_json::from_slice::<Value>(&request.body).expect("samples are JSON");
                }
            }
        }
    }

    #[test]
    fn token_headers_and_events() {
        let gitlab = request(ProviderType::Gitlab, &options()).unwrap();
        assert_eq!(gitlab.header("X-Gitlab-Token"), Some("It's a Secret to Everybody"));
        assert_eq!(gitlab.header("X-Gitlab-Event"), Some("Push Hook"));
        let harbor = request(ProviderType::Harbor, &options()).unwrap();
        assert_eq!(harbor.header("Authorization"), Some("It's a Secret to Everybody"));
        let cdevents = request(ProviderType::Cdevents, &options()).unwrap();
        assert_eq!(cdevents.header("Ce-Type"), Some("dev.cdevents.change.merged.0.2.0"));
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}

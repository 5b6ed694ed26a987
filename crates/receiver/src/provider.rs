//! The provider catalog: every Receiver type, how it authenticates a webhook,
//! the events it commonly sends and what its Secret must hold.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::signature::HmacAlgorithm;

/// A Receiver `spec.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderType {
    /// Any caller that knows the URL; the token only salts the path.
    Generic,
    /// Any caller that signs the body with HMAC (`X-Signature`).
    GenericHmac,
    /// Any caller presenting an OIDC token accepted by `spec.oidcProviders`.
    GenericOidc,
    /// GitHub webhooks.
    Github,
    /// GitLab webhooks.
    Gitlab,
    /// Bitbucket Server / Data Center webhooks.
    Bitbucket,
    /// Harbor registry webhooks.
    Harbor,
    /// Docker Hub webhooks.
    Dockerhub,
    /// Quay webhooks.
    Quay,
    /// Google Container Registry / Artifact Registry via Pub/Sub push.
    Gcr,
    /// Sonatype Nexus webhooks.
    Nexus,
    /// Azure Container Registry webhooks.
    Acr,
    /// CDEvents over CloudEvents HTTP.
    Cdevents,
}

/// How the notification-controller authenticates a request for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// No check: knowing the path is enough.
    None,
    /// A hex HMAC of the body in a header.
    Hmac {
        /// The header carrying the signature.
        header: &'static str,
        /// Accepted algorithms.
        algorithms: &'static [HmacAlgorithm],
        /// Whether the value is prefixed with `<alg>=` (GitHub style) or bare hex (Nexus).
        prefixed: bool,
    },
    /// A header whose value must equal the token.
    TokenHeader {
        /// The header carrying the token.
        header: &'static str,
    },
    /// No signature; the body must decode as the provider's payload.
    Payload,
    /// A CloudEvents `Ce-Type` header and a valid CDEvent body.
    CloudEvent,
    /// A Google-signed OIDC bearer token whose email and audience match the Secret.
    GoogleOidc,
    /// A bearer JWT verified against `spec.oidcProviders`.
    Oidc,
}

/// Everything the catalog knows about one provider type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The type.
    pub provider: ProviderType,
    /// One line for help texts and completion descriptions.
    pub description: &'static str,
    /// How requests are authenticated.
    pub authentication: Authentication,
    /// The header the event name is read from, if the type filters events.
    pub event_header: Option<&'static str>,
    /// Event names the provider commonly sends (for completion and hints).
    pub common_events: &'static [&'static str],
    /// Whether `spec.secretRef` is required (every type but generic-oidc).
    pub needs_secret: bool,
    /// Secret keys required besides `token`.
    pub extra_secret_keys: &'static [&'static str],
}

const HMAC_ANY: &[HmacAlgorithm] = &[HmacAlgorithm::Sha1, HmacAlgorithm::Sha256, HmacAlgorithm::Sha512];
const HMAC_GITHUB: &[HmacAlgorithm] = &[HmacAlgorithm::Sha256, HmacAlgorithm::Sha1];
const HMAC_SHA256: &[HmacAlgorithm] = &[HmacAlgorithm::Sha256];
const HMAC_SHA1: &[HmacAlgorithm] = &[HmacAlgorithm::Sha1];

const CATALOG: [ProviderInfo; 13] = [
    ProviderInfo {
        provider: ProviderType::Generic,
        description: "any caller that knows the URL (the token only salts the path)",
        authentication: Authentication::None,
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::GenericHmac,
        description: "any caller signing the body with HMAC in X-Signature",
        authentication: Authentication::Hmac {
            header: "X-Signature",
            algorithms: HMAC_ANY,
            prefixed: true,
        },
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::GenericOidc,
        description: "any caller with an OIDC token accepted by spec.oidcProviders",
        authentication: Authentication::Oidc,
        event_header: None,
        common_events: &[],
        needs_secret: false,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Github,
        description: "GitHub webhooks signed with X-Hub-Signature-256",
        authentication: Authentication::Hmac {
            header: "X-Hub-Signature-256",
            algorithms: HMAC_GITHUB,
            prefixed: true,
        },
        event_header: Some("X-GitHub-Event"),
        common_events: &["ping", "push", "release", "create", "delete", "workflow_run"],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Gitlab,
        description: "GitLab webhooks carrying the token in X-Gitlab-Token",
        authentication: Authentication::TokenHeader {
            header: "X-Gitlab-Token",
        },
        event_header: Some("X-Gitlab-Event"),
        common_events: &["Push Hook", "Tag Push Hook", "Release Hook", "Merge Request Hook"],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Bitbucket,
        description: "Bitbucket Server / Data Center webhooks signed with X-Hub-Signature",
        authentication: Authentication::Hmac {
            header: "X-Hub-Signature",
            algorithms: HMAC_SHA256,
            prefixed: true,
        },
        event_header: Some("X-Event-Key"),
        common_events: &["repo:refs_changed", "repo:modified", "pr:merged", "diagnostics:ping"],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Harbor,
        description: "Harbor registry webhooks carrying the token in Authorization",
        authentication: Authentication::TokenHeader {
            header: "Authorization",
        },
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Dockerhub,
        description: "Docker Hub push webhooks (no signature)",
        authentication: Authentication::Payload,
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Quay,
        description: "Quay repository push webhooks (no signature)",
        authentication: Authentication::Payload,
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Gcr,
        description: "Google Artifact Registry / GCR via Pub/Sub push with a Google OIDC token",
        authentication: Authentication::GoogleOidc,
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &["email", "audience"],
    },
    ProviderInfo {
        provider: ProviderType::Nexus,
        description: "Sonatype Nexus webhooks signed with X-Nexus-Webhook-Signature",
        authentication: Authentication::Hmac {
            header: "X-Nexus-Webhook-Signature",
            algorithms: HMAC_SHA1,
            prefixed: false,
        },
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Acr,
        description: "Azure Container Registry push webhooks (no signature)",
        authentication: Authentication::Payload,
        event_header: None,
        common_events: &[],
        needs_secret: true,
        extra_secret_keys: &[],
    },
    ProviderInfo {
        provider: ProviderType::Cdevents,
        description: "CDEvents delivered as CloudEvents (event from Ce-Type)",
        authentication: Authentication::CloudEvent,
        event_header: Some("Ce-Type"),
        common_events: &[
            "dev.cdevents.change.merged.0.2.0",
            "dev.cdevents.artifact.published.0.2.0",
            "dev.cdevents.artifact.packaged.0.2.0",
        ],
        needs_secret: true,
        extra_secret_keys: &[],
    },
];

impl ProviderType {
    /// Every type, in the order Flux documents them.
    pub const ALL: [ProviderType; 13] = [
        ProviderType::Generic,
        ProviderType::GenericHmac,
        ProviderType::GenericOidc,
        ProviderType::Github,
        ProviderType::Gitlab,
        ProviderType::Bitbucket,
        ProviderType::Harbor,
        ProviderType::Dockerhub,
        ProviderType::Quay,
        ProviderType::Gcr,
        ProviderType::Nexus,
        ProviderType::Acr,
        ProviderType::Cdevents,
    ];

    /// The `spec.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Generic => "generic",
            ProviderType::GenericHmac => "generic-hmac",
            ProviderType::GenericOidc => "generic-oidc",
            ProviderType::Github => "github",
            ProviderType::Gitlab => "gitlab",
            ProviderType::Bitbucket => "bitbucket",
            ProviderType::Harbor => "harbor",
            ProviderType::Dockerhub => "dockerhub",
            ProviderType::Quay => "quay",
            ProviderType::Gcr => "gcr",
            ProviderType::Nexus => "nexus",
            ProviderType::Acr => "acr",
            ProviderType::Cdevents => "cdevents",
        }
    }

    /// The catalog entry for this type.
    pub fn info(self) -> &'static ProviderInfo {
        CATALOG
            .iter()
            .find(|info| info.provider == self)
            .expect("every provider type has a catalog entry")
    }

    /// Whether the type needs a token Secret (`spec.secretRef`).
    pub fn needs_secret(self) -> bool {
        self.info().needs_secret
    }
}

impl fmt::Display for ProviderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown `--type`, with the closest valid one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown receiver type '{given}'{}, must be one of: {}",
    crate::suggest::did_you_mean(*.suggestion),
    crate::suggest::one_of(ProviderType::ALL.map(ProviderType::as_str)))]
pub struct UnknownProvider {
    /// What the user typed.
    pub given: String,
    /// The closest valid type, if any is close.
    pub suggestion: Option<ProviderType>,
}

impl FromStr for ProviderType {
    type Err = UnknownProvider;

    /// Exact, as the API server matches `spec.type` (an enum in the CRD).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ProviderType::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| {
                let suggestion = crate::suggest::closest(text, ProviderType::ALL.map(ProviderType::as_str))
                    .and_then(|name| name.parse().ok());
                UnknownProvider {
                    given: text.to_string(),
                    suggestion,
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_covers_every_type_once() {
        for provider in ProviderType::ALL {
            assert_eq!(provider.info().provider, provider);
            assert_eq!(provider.as_str().parse::<ProviderType>(), Ok(provider));
        }
        assert_eq!(CATALOG.len(), ProviderType::ALL.len());
    }

    #[test]
    fn only_generic_oidc_needs_no_secret() {
        let without: Vec<_> = ProviderType::ALL.into_iter().filter(|p| !p.needs_secret()).collect();
        assert_eq!(without, vec![ProviderType::GenericOidc]);
        assert_eq!(ProviderType::Gcr.info().extra_secret_keys, &["email", "audience"]);
    }

    #[test]
    fn unknown_types_get_a_suggestion_and_the_list() {
        let err = "githib".parse::<ProviderType>().unwrap_err();
        assert_eq!(err.suggestion, Some(ProviderType::Github));
        let text = err.to_string();
        assert!(text.starts_with("unknown receiver type 'githib' (did you mean 'github'?), must be one of: generic,"));
        assert!(text.ends_with("acr, cdevents"));
        assert_eq!("zzzzzzzzzz".parse::<ProviderType>().unwrap_err().suggestion, None);
    }
}

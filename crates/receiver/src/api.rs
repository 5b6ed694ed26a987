//! The `notification.toolkit.fluxcd.io/v1` Receiver API.
//!
//! Field for field the notification-controller's `ReceiverSpec` and
//! `ReceiverStatus`; optional fields are skipped when absent, as Go's
//! `omitempty` does, so a serialized Receiver is what Flux itself would write.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use serde::{Deserialize, Serialize};

use crate::provider::ProviderType;

/// API group of the Receiver kind.
pub const GROUP: &str = "notification.toolkit.fluxcd.io";
/// API version of the Receiver kind served by Flux 2.x.
pub const VERSION: &str = "v1";
/// The condition type the controller reports readiness with.
pub const READY_CONDITION: &str = "Ready";
/// The annotation that asks Flux controllers to reconcile now.
pub const RECONCILE_REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";
/// The label that makes Flux controllers watch a Secret: without it the
/// notification-controller sees a changed token only at the Receiver's next
/// interval or on a requested reconcile.
pub const WATCH_LABEL: (&str, &str) = ("reconcile.fluxcd.io/watch", "Enabled");
/// The annotation `flux create secret receiver` writes the hook URL to.
pub const WEBHOOK_ANNOTATION: &str = "notification.toolkit.fluxcd.io/webhook";

/// The desired state of a Receiver.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "notification.toolkit.fluxcd.io",
    version = "v1",
    kind = "Receiver",
    plural = "receivers",
    namespaced,
    status = "ReceiverStatus",
    schema = "disabled",
    derive = "PartialEq"
)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverSpec {
    /// The provider type (`github`, `gitlab`, …). Kept as text so Receivers of
    /// types newer than this tool still list; see [`ReceiverSpec::provider`].
    #[serde(rename = "type")]
    pub type_: String,
    /// How often the controller re-checks the Secret (Go duration, default 10m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Event names to accept (case-insensitive); empty accepts all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The objects to annotate for reconciliation when a webhook arrives.
    #[serde(default)]
    pub resources: Vec<CrossNamespaceObjectReference>,
    /// A CEL expression every resource must satisfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_filter: Option<String>,
    /// The Secret holding `token` (absent only for `generic-oidc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// OIDC issuers accepted by `generic-oidc` Receivers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oidc_providers: Vec<OidcProvider>,
    /// Stops the controller from handling webhooks for this Receiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

impl ReceiverSpec {
    /// The provider type, when it is one this tool knows.
    pub fn provider(&self) -> Option<ProviderType> {
        self.type_.parse().ok()
    }

    /// Whether the Receiver is suspended.
    pub fn is_suspended(&self) -> bool {
        self.suspend.unwrap_or(false)
    }
}

/// A reference to an object in this or another namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CrossNamespaceObjectReference {
    /// API version of the referent, when not the kind's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the referent.
    pub kind: String,
    /// Name of the referent, or `*` together with `matchLabels`.
    pub name: String,
    /// Namespace of the referent; the Receiver's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels selecting referents when `name` is `*`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    /// A CEL expression this referent must satisfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

/// `Kind/name` or `Kind/name.namespace`, as `--resource` takes it.
impl std::fmt::Display for CrossNamespaceObjectReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The `--resource` syntax: Kind/name, or Kind/namespace/name.
        write!(f, "{}/", self.kind)?;
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        }
        write!(f, "{}", self.name)
    }
}

/// A reference to an object in the same namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalObjectReference {
    /// Name of the referent.
    pub name: String,
}

/// An OIDC issuer accepted by a `generic-oidc` Receiver.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OidcProvider {
    /// The issuer URL (its discovery document is fetched by the controller).
    #[serde(rename = "issuerURL")]
    pub issuer_url: String,
    /// The expected `aud` claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// CEL variables derived from the claims.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<OidcVariable>,
    /// CEL checks a token must pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validations: Vec<OidcValidation>,
}

/// A named CEL expression over OIDC claims.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcVariable {
    /// Variable name.
    pub name: String,
    /// CEL expression.
    pub expression: String,
}

/// A CEL check over OIDC claims with the message shown when it fails.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcValidation {
    /// CEL expression that must be true.
    pub expression: String,
    /// Message when it is not.
    pub message: String,
}

/// The observed state of a Receiver, written by the notification-controller.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverStatus {
    /// Conditions, notably `Ready`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The path the controller serves this Receiver's webhook on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_path: Option<String>,
    /// The generation the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The last `reconcile.fluxcd.io/requestedAt` value handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_reconcile_at: Option<String>,
}

impl ReceiverStatus {
    /// The `Ready` condition, if the controller has reported one.
    pub fn ready_condition(&self) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.type_ == READY_CONDITION)
    }
}

/// What the controller says about a Receiver's current generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Ready=True: the hook is served at `webhook_path`.
    Ready {
        /// `status.webhookPath`.
        webhook_path: String,
    },
    /// Ready=False: the controller gave up on this generation.
    NotReady {
        /// The condition's reason, e.g. `TokenNotFound`.
        reason: String,
        /// The condition's message.
        message: String,
    },
    /// No verdict yet for the current generation.
    Pending,
}

impl Receiver {
    /// The Ready verdict for the current generation; a condition written for
    /// an older generation (before our last change) counts as pending.
    pub fn readiness(&self) -> Readiness {
        let Some(status) = &self.status else {
            return Readiness::Pending;
        };
        let Some(condition) = status.ready_condition() else {
            return Readiness::Pending;
        };
        let observed = condition.observed_generation.or(status.observed_generation);
        if let (Some(generation), Some(observed)) = (self.metadata.generation, observed)
            && observed < generation
        {
            return Readiness::Pending;
        }
        match condition.status.as_str() {
            // The real controller patches conditions and the rest of the
            // status in two requests, so a watcher can see Ready=True before
            // webhookPath: ready means both.
            "True" => match status.webhook_path.as_deref().filter(|path| !path.is_empty()) {
                Some(path) => Readiness::Ready {
                    webhook_path: path.to_string(),
                },
                None => Readiness::Pending,
            },
            "False" => Readiness::NotReady {
                reason: condition.reason.clone(),
                message: condition.message.clone(),
            },
            _ => Readiness::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver_with(status: serde_json::Value, generation: i64) -> Receiver {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
            "metadata": {"name": "r", "namespace": "ns", "generation": generation},
            "spec": {"type": "github", "resources": [{"kind": "GitRepository", "name": "a"}]},
            "status": status
        }))
        .unwrap()
    }

    fn condition(status: &str, reason: &str, observed: i64) -> serde_json::Value {
        serde_json::json!({"type": "Ready", "status": status, "reason": reason, "message": "m",
                           "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": observed})
    }

    #[test]
    fn readiness_follows_the_current_generation() {
        let ready = receiver_with(
            serde_json::json!({"conditions": [condition("True", "Succeeded", 2)], "webhookPath": "/hook/x"}),
            2,
        );
        assert_eq!(
            ready.readiness(),
            Readiness::Ready {
                webhook_path: "/hook/x".into()
            }
        );
        let pathless = receiver_with(
            serde_json::json!({"conditions": [condition("True", "Succeeded", 2)]}),
            2,
        );
        assert_eq!(
            pathless.readiness(),
            Readiness::Pending,
            "Ready without webhookPath is not ready yet"
        );
        let stale = receiver_with(
            serde_json::json!({"conditions": [condition("True", "Succeeded", 1)]}),
            2,
        );
        assert_eq!(stale.readiness(), Readiness::Pending);
        let failed = receiver_with(
            serde_json::json!({"conditions": [condition("False", "TokenNotFound", 2)]}),
            2,
        );
        assert_eq!(
            failed.readiness(),
            Readiness::NotReady {
                reason: "TokenNotFound".into(),
                message: "m".into()
            }
        );
        assert_eq!(receiver_with(serde_json::json!({}), 1).readiness(), Readiness::Pending);
    }
}

//! The manifests flux-receiver generates, and their Flux export format.
//!
//! Builders validate across fields (a `generic-oidc` Receiver has no Secret,
//! a gcr Secret needs an email) so that every caller, offline or against a
//! cluster, produces the same objects from the same input.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Secret, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::api::{CrossNamespaceObjectReference, LocalObjectReference, Receiver, ReceiverSpec, WEBHOOK_ANNOTATION};
use crate::duration::GoDuration;
use crate::path::{webhook_path, webhook_url};
use crate::provider::ProviderType;
use crate::resource_ref::ResourceRef;

/// Pod label of the notification-controller, which the webhook Service selects.
pub const CONTROLLER_SELECTOR: (&str, &str) = ("app", "notification-controller");
/// The controller's webhook container port.
pub const WEBHOOK_PORT: u16 = 9292;

/// An inconsistent combination of inputs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManifestError {
    /// A type that needs a token Secret was given none.
    #[error("--secret-ref is required for receiver type '{0}'")]
    MissingSecretRef(ProviderType),
    /// `generic-oidc` authenticates with OIDC and must not reference a Secret.
    #[error("--secret-ref '{0}' is not allowed for receiver type 'generic-oidc', which authenticates with OIDC tokens")]
    UnexpectedSecretRef(String),
    /// A Receiver must trigger at least one object.
    #[error("at least one --resource is required")]
    NoResources,
    /// gcr Secrets must name the Pub/Sub service account.
    #[error("--email-claim is required for receiver type 'gcr'")]
    MissingEmailClaim,
    /// gcr Secrets need an audience, which defaults to the URL.
    #[error(
        "--audience-claim or --hostname is required for receiver type 'gcr' (the audience defaults to the webhook URL)"
    )]
    MissingAudience,
    /// Claims only make sense for gcr.
    #[error("{0} is only used by receiver type 'gcr'")]
    ClaimWithoutGcr(&'static str),
    /// matchLabels without a resource named `*` to apply them to.
    #[error("--match-label is only used with a resource named '*' (e.g. --resource 'GitRepository/*')")]
    MatchLabelsWithoutWildcard,
    /// The interval cannot be written in the CRD's pattern.
    #[error("--interval '{0}' must be at least 1ms and use the units ms, s, m or h")]
    Interval(GoDuration),
}

/// Inputs for a Receiver.
#[derive(Debug, Clone, Default)]
pub struct ReceiverOptions {
    /// Receiver name.
    pub name: String,
    /// Receiver namespace.
    pub namespace: String,
    /// Labels on the Receiver.
    pub labels: BTreeMap<String, String>,
    /// Provider type.
    pub provider: Option<ProviderType>,
    /// Accepted events (empty: all).
    pub events: Vec<String>,
    /// Objects to trigger.
    pub resources: Vec<ResourceRef>,
    /// The token Secret.
    pub secret_ref: Option<String>,
    /// `spec.interval`.
    pub interval: Option<GoDuration>,
    /// `spec.resourceFilter`.
    pub resource_filter: Option<String>,
    /// `matchLabels` of every resource named `*`.
    pub match_labels: BTreeMap<String, String>,
    /// Write `apiVersion` for kinds the controller cannot default (see
    /// [`crate::ResourceKind::controller_default_api_version`]). Off for
    /// `--export`, whose output must be what flux prints.
    pub pin_api_versions: bool,
}

/// Builds a Receiver exactly as `flux create receiver` does, with the
/// optional fields flux-receiver adds (interval, resource filter).
pub fn receiver(options: &ReceiverOptions) -> Result<Receiver, ManifestError> {
    let provider = options.provider.unwrap_or(ProviderType::Generic);
    match (&options.secret_ref, provider.needs_secret()) {
        (None, true) => return Err(ManifestError::MissingSecretRef(provider)),
        (Some(secret), false) => return Err(ManifestError::UnexpectedSecretRef(secret.clone())),
        _ => {}
    }
    if options.resources.is_empty() {
        return Err(ManifestError::NoResources);
    }
    if !options.match_labels.is_empty() && !options.resources.iter().any(ResourceRef::is_wildcard) {
        return Err(ManifestError::MatchLabelsWithoutWildcard);
    }
    if let Some(interval) = options.interval
        && !interval.fits_interval_pattern()
    {
        return Err(ManifestError::Interval(interval));
    }
    let spec = ReceiverSpec {
        type_: provider.as_str().to_string(),
        interval: options.interval.map(|d| d.to_string()),
        events: options.events.clone(),
        resources: options
            .resources
            .iter()
            .map(|r| CrossNamespaceObjectReference {
                api_version: r.api_version_to_write(options.pin_api_versions),
                kind: r.kind.as_str().to_string(),
                name: r.name.clone(),
                namespace: r.namespace.clone(),
                match_labels: if r.is_wildcard() {
                    options.match_labels.clone()
                } else {
                    BTreeMap::new()
                },
                ..Default::default()
            })
            .collect(),
        resource_filter: options.resource_filter.clone(),
        secret_ref: options.secret_ref.clone().map(|name| LocalObjectReference { name }),
        ..Default::default()
    };
    let mut receiver = Receiver::new(&options.name, spec);
    receiver.metadata = metadata(&options.name, &options.namespace, &options.labels, BTreeMap::new());
    Ok(receiver)
}

/// What the notification-controller cannot resolve in `receiver`'s
/// resources, one sentence each: a kind without a default apiVersion given
/// none, and `*` without matchLabels. Either makes every webhook answer 500
/// although the Receiver is Ready.
pub fn unresolvable_resources(receiver: &Receiver) -> Vec<String> {
    let mut problems = Vec::new();
    for reference in &receiver.spec.resources {
        let kind = reference.kind.parse::<crate::ResourceKind>().ok();
        if reference.api_version.is_none()
            && let Some(kind) = kind.filter(|k| k.controller_default_api_version().is_none())
        {
            let with_version = ResourceRef {
                api_version: Some(kind.api_version().to_string()),
                kind,
                name: reference.name.clone(),
                namespace: reference.namespace.clone(),
            };
            problems.push(format!(
                "{reference} has no apiVersion, and the notification-controller cannot resolve {kind} without one: \
                 every webhook would answer 500; use --resource {with_version} (adds apiVersion: {})",
                kind.api_version()
            ));
        }
        if reference.name == crate::resource_ref::WILDCARD && reference.match_labels.is_empty() {
            problems.push(format!(
                "{reference} has no matchLabels, and the notification-controller resolves '*' only with them: \
                 every webhook would answer 500; add --match-label KEY=VALUE"
            ));
        }
    }
    problems
}

/// Inputs for a webhook token Secret.
#[derive(Debug, Clone, Default)]
pub struct SecretOptions {
    /// Secret name.
    pub name: String,
    /// Secret namespace.
    pub namespace: String,
    /// Labels on the Secret.
    pub labels: BTreeMap<String, String>,
    /// Provider type.
    pub provider: Option<ProviderType>,
    /// The token.
    pub token: String,
    /// Host (or base URL) the webhook is reachable at; adds the URL annotation.
    pub hostname: Option<String>,
    /// The Receiver the hook URL is computed for; Flux assumes the Secret's name.
    pub receiver_name: Option<String>,
    /// gcr: the Pub/Sub service account email.
    pub email_claim: Option<String>,
    /// gcr: the token audience (defaults to the webhook URL).
    pub audience_claim: Option<String>,
}

impl SecretOptions {
    /// The webhook URL the Secret's token yields, when a hostname is known.
    pub fn webhook_url(&self) -> Option<String> {
        let receiver_name = self.receiver_name.as_deref().unwrap_or(&self.name);
        let path = webhook_path(&self.token, receiver_name, &self.namespace);
        self.hostname.as_deref().map(|host| webhook_url(host, &path))
    }
}

/// Builds a Secret exactly as `flux create secret receiver` does: the token
/// in `stringData`, the hook URL annotation when a hostname is given, and for
/// gcr the `email` and `audience` keys.
pub fn secret(options: &SecretOptions) -> Result<Secret, ManifestError> {
    let provider = options.provider.unwrap_or(ProviderType::Generic);
    let url = options.webhook_url();
    let mut string_data = BTreeMap::from([("token".to_string(), options.token.clone())]);
    if provider == ProviderType::Gcr {
        let email = options.email_claim.clone().ok_or(ManifestError::MissingEmailClaim)?;
        let audience = options
            .audience_claim
            .clone()
            .or_else(|| url.clone())
            .ok_or(ManifestError::MissingAudience)?;
        string_data.insert("email".into(), email);
        string_data.insert("audience".into(), audience);
    } else if options.email_claim.is_some() {
        return Err(ManifestError::ClaimWithoutGcr("--email-claim"));
    } else if options.audience_claim.is_some() {
        return Err(ManifestError::ClaimWithoutGcr("--audience-claim"));
    }
    let annotations = url
        .map(|url| BTreeMap::from([(WEBHOOK_ANNOTATION.to_string(), url)]))
        .unwrap_or_default();
    Ok(Secret {
        metadata: metadata(&options.name, &options.namespace, &options.labels, annotations),
        string_data: Some(string_data),
        ..Default::default()
    })
}

/// The Service types `expose` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceType {
    /// A cloud load balancer with an external address.
    #[default]
    LoadBalancer,
    /// A port on every node.
    NodePort,
    /// Cluster-internal only (for an Ingress or Gateway in front).
    ClusterIP,
}

impl ServiceType {
    /// The `spec.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::NodePort => "NodePort",
            ServiceType::ClusterIP => "ClusterIP",
        }
    }
}

/// Inputs for the Service exposing the webhook port.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Service name.
    pub name: String,
    /// The Flux namespace.
    pub namespace: String,
    /// Labels on the Service.
    pub labels: BTreeMap<String, String>,
    /// Service type.
    pub service_type: ServiceType,
    /// The Service port.
    pub port: u16,
    /// The controller port traffic goes to.
    pub target_port: u16,
}

/// Builds the Service the seed guide's `kubectl expose deployment
/// notification-controller --port 80 --target-port 9292` creates.
pub fn service(options: &ServiceOptions) -> Service {
    let (selector_key, selector_value) = CONTROLLER_SELECTOR;
    Service {
        metadata: metadata(&options.name, &options.namespace, &options.labels, BTreeMap::new()),
        spec: Some(ServiceSpec {
            type_: Some(options.service_type.as_str().to_string()),
            selector: Some(BTreeMap::from([(selector_key.to_string(), selector_value.to_string())])),
            ports: Some(vec![ServicePort {
                name: Some("http".into()),
                port: i32::from(options.port),
                protocol: Some("TCP".into()),
                target_port: Some(IntOrString::Int(i32::from(options.target_port))),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn metadata(
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        labels: (!labels.is_empty()).then(|| labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..Default::default()
    }
}

/// One object in Flux's `--export` format: `---`, then the YAML with sorted
/// keys, empty fields, `status` and `creationTimestamp` left out.
pub fn export<T: Serialize>(object: &T) -> String {
    let mut value = serde_json::to_value(object).expect("Kubernetes objects always serialize to JSON");
    if let Value::Object(map) = &mut value {
        map.remove("status");
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            metadata.remove("creationTimestamp");
        }
    }
    prune_empty(&mut value);
    format!("---\n{}", crate::yaml::to_string(&value))
}

/// [`export`] for a Secret, byte for byte as `flux create secret receiver
/// --export`, which prints an already newline-terminated document with
/// `Println` and so ends with an empty line.
pub fn export_secret(secret: &Secret) -> String {
    format!("{}\n", export(secret))
}

/// Drops nulls and empty collections, as Go's `omitempty` leaves them out.
/// Empty strings stay: they are meaningful as label values.
fn prune_empty(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for inner in map.values_mut() {
                prune_empty(inner);
            }
            map.retain(|_, inner| !is_empty(inner));
        }
        Value::Array(items) => items.iter_mut().for_each(prune_empty),
        _ => {}
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_guide_receiver() -> ReceiverOptions {
        ReceiverOptions {
            name: "github-receiver".into(),
            namespace: "flux-system".into(),
            provider: Some(ProviderType::Github),
            events: vec!["ping".into(), "push".into()],
            resources: vec!["GitRepository/my-nginx".parse().unwrap()],
            secret_ref: Some("webhook-token".into()),
            ..Default::default()
        }
    }

    #[test]
    fn exports_the_seed_guide_receiver_like_flux() {
        let yaml = export(&receiver(&seed_guide_receiver()).unwrap());
        assert_eq!(
            yaml,
            "---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github-receiver\n  namespace: flux-system\nspec:\n  events:\n  - ping\n  - push\n  resources:\n  - kind: GitRepository\n    name: my-nginx\n  secretRef:\n    name: webhook-token\n  type: github\n"
        );
    }

    #[test]
    fn api_versions_are_pinned_only_when_asked_and_only_where_needed() {
        let mut options = seed_guide_receiver();
        options.resources = vec![
            "GitRepository/app".parse().unwrap(),
            "Kustomization/app".parse().unwrap(),
            "HelmRelease/web.apps".parse().unwrap(),
            "helm.toolkit.fluxcd.io/v2beta2/HelmRelease/old".parse().unwrap(),
        ];
        let flux_like = receiver(&options).unwrap();
        let versions: Vec<Option<&str>> = flux_like
            .spec
            .resources
            .iter()
            .map(|r| r.api_version.as_deref())
            .collect();
        assert_eq!(versions, [None, None, None, Some("helm.toolkit.fluxcd.io/v2beta2")]);
        let problems = unresolvable_resources(&flux_like);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("Kustomization/app has no apiVersion"),
            "{}",
            problems[0]
        );
        assert!(problems[0].contains("--resource kustomize.toolkit.fluxcd.io/v1/Kustomization/app"));
        assert!(problems[1].contains("--resource helm.toolkit.fluxcd.io/v2/HelmRelease/web.apps"));

        options.pin_api_versions = true;
        let pinned = receiver(&options).unwrap();
        let versions: Vec<Option<&str>> = pinned.spec.resources.iter().map(|r| r.api_version.as_deref()).collect();
        assert_eq!(
            versions,
            [
                None,
                Some("kustomize.toolkit.fluxcd.io/v1"),
                Some("helm.toolkit.fluxcd.io/v2"),
                Some("helm.toolkit.fluxcd.io/v2beta2")
            ]
        );
        assert!(unresolvable_resources(&pinned).is_empty());
    }

    #[test]
    fn match_labels_go_to_wildcards_only() {
        let mut options = seed_guide_receiver();
        options.resources = vec!["GitRepository/*".parse().unwrap(), "GitRepository/app".parse().unwrap()];
        let bare = receiver(&options).unwrap();
        let problems = unresolvable_resources(&bare);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("GitRepository/* has no matchLabels"),
            "{}",
            problems[0]
        );
        assert!(export(&bare).contains("  - kind: GitRepository\n    name: '*'\n"));

        options.match_labels = BTreeMap::from([("team".into(), "a".into())]);
        let labelled = receiver(&options).unwrap();
        assert_eq!(labelled.spec.resources[0].match_labels, options.match_labels);
        assert!(labelled.spec.resources[1].match_labels.is_empty());
        assert!(unresolvable_resources(&labelled).is_empty());
        assert!(
            export(&labelled).contains("  - kind: GitRepository\n    matchLabels:\n      team: a\n    name: '*'\n")
        );

        options.resources.remove(0);
        assert_eq!(
            receiver(&options).unwrap_err(),
            ManifestError::MatchLabelsWithoutWildcard
        );
    }

    #[test]
    fn secret_ref_rules() {
        let mut options = seed_guide_receiver();
        options.secret_ref = None;
        assert_eq!(
            receiver(&options).unwrap_err(),
            ManifestError::MissingSecretRef(ProviderType::Github)
        );
        options.provider = Some(ProviderType::GenericOidc);
        assert!(receiver(&options).is_ok());
        options.secret_ref = Some("s".into());
        assert_eq!(
            receiver(&options).unwrap_err(),
            ManifestError::UnexpectedSecretRef("s".into())
        );
    }

    #[test]
    fn exports_the_flux_secret_golden() {
        let options = SecretOptions {
            name: "receiver-secret".into(),
            namespace: "my-namespace".into(),
            provider: Some(ProviderType::Github),
            token: "test-token".into(),
            hostname: Some("flux.example.com".into()),
            ..Default::default()
        };
        assert_eq!(
            export_secret(&secret(&options).unwrap()),
            "---\napiVersion: v1\nkind: Secret\nmetadata:\n  annotations:\n    notification.toolkit.fluxcd.io/webhook: https://flux.example.com/hook/106120121d366c2f67e93200f6c1dbe938235eb588daa5e8c0516d3a77ac1dee\n  name: receiver-secret\n  namespace: my-namespace\nstringData:\n  token: test-token\n\n"
        );
    }

    #[test]
    fn gcr_secrets_need_email_and_audience() {
        let mut options = SecretOptions {
            name: "gcr-secret".into(),
            namespace: "my-namespace".into(),
            provider: Some(ProviderType::Gcr),
            token: "test-token".into(),
            ..Default::default()
        };
        assert_eq!(secret(&options).unwrap_err(), ManifestError::MissingEmailClaim);
        options.email_claim = Some("sa@project.iam.gserviceaccount.com".into());
        assert_eq!(secret(&options).unwrap_err(), ManifestError::MissingAudience);
        options.hostname = Some("flux.example.com".into());
        let data = secret(&options).unwrap().string_data.unwrap();
        assert_eq!(
            data["audience"],
            "https://flux.example.com/hook/6d6c55e9affb9d1e0d101ce604ae4270880ec1ff24d1bd2d928fcd64243d21a4"
        );
    }

    #[test]
    fn empty_label_values_survive_export() {
        let mut options = seed_guide_receiver();
        options.labels.insert("team".into(), String::new());
        assert!(export(&receiver(&options).unwrap()).contains("  labels:\n    team: \"\"\n"));
    }
}

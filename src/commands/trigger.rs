//! `flux-receiver trigger NAME`: send the provider's sample event to the
//! hook, signed as the provider signs it, and report what the controller said.
//!
//! With `--type`, a token and `--url` it needs no cluster, like
//! `flux trigger receiver`; otherwise the type, token and URL are read from
//! the cluster the way `list` resolves them.

use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use receiver::sample::{self, SampleOptions};
use receiver::{ProviderType, Receiver, webhook_url};

use crate::cli::{GlobalArgs, TriggerArgs};
use crate::cluster::Cluster;
use crate::cluster::address;
use crate::cluster::error::Action;
use crate::commands::block_on;
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::{http, output, progress};
use receiver::token::token_of;

/// What is needed to send: resolved from flags, or from the cluster.
struct Target {
    provider: ProviderType,
    token: String,
    url: String,
}

/// Runs `trigger`.
pub fn run(global: &GlobalArgs, args: &TriggerArgs) -> CliResult {
    let token = TokenSource::from_flags(args.token.as_deref(), args.token_file.as_deref()).read()?;
    let payload = read_payload(args.payload.as_deref())?;
    block_on(async {
        let target = match (args.provider, &token, &args.url) {
            (Some(provider), Some(token), Some(url)) => Target {
                provider,
                token: token.clone(),
                url: url.clone(),
            },
            (Some(provider @ (ProviderType::GenericOidc | ProviderType::Gcr)), None, Some(url)) => Target {
                provider,
                token: String::new(),
                url: url.clone(),
            },
            _ => resolve(global, args, token).await?,
        };
        check_payload(target.provider, args.payload.as_deref(), payload.as_deref())?;
        let options = SampleOptions {
            token: target.token.clone(),
            event: args.event.clone(),
            payload,
            bearer: match target.provider {
                ProviderType::GenericOidc => args.oidc_token.clone(),
                _ => args.bearer.clone(),
            },
            delivery_id: delivery_id(),
        };
        let request = sample::request(target.provider, &options).map_err(|e| CliError::usage(e.to_string()))?;
        send(global, args, &target, request).await
    })
}

fn read_payload(payload: Option<&str>) -> CliResult<Option<Vec<u8>>> {
    match payload {
        None => Ok(None),
        Some(text) => match text.strip_prefix('@') {
            Some(path) => std::fs::read(path).map(Some).map_err(|e| {
                CliError::usage(format!(
                    "invalid value '{text}' for '--payload <JSON|@FILE>': cannot read {path}: {e}"
                ))
            }),
            None => Ok(Some(text.as_bytes().to_vec())),
        },
    }
}

/// Refuses an inline `--payload` that is not JSON for a provider that
/// sends JSON (all but the generic types, whose body the controller does
/// not read), before anything is sent: an inline value that is not JSON is
/// a typing or quoting mistake. A file (`@FILE`) is sent as it is, so that
/// any bytes can be tested against a signature.
fn check_payload(provider: ProviderType, given: Option<&str>, payload: Option<&[u8]>) -> CliResult {
    let (Some(given), Some(payload)) = (given, payload) else {
        return Ok(());
    };
    if given.starts_with('@') {
        return Ok(());
    }
    if matches!(
        provider,
        ProviderType::Generic | ProviderType::GenericHmac | ProviderType::GenericOidc
    ) {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Value>(payload) {
        Ok(_) => Ok(()),
        Err(e) => {
            let shown: String = crate::printable::escape_controls(given).chars().take(60).collect();
            Err(CliError::usage(format!(
                "invalid value '{shown}' for '--payload <JSON|@FILE>': {provider} sends JSON, and this is not ({e})"
            )))
        }
    }
}

/// A delivery id that differs per call, like providers' own (not secret).
fn delivery_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("flux-receiver-{nanos:x}")
}

async fn resolve(global: &GlobalArgs, args: &TriggerArgs, token: Option<String>) -> CliResult<Target> {
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("pass --type, --token-file and --url to send without a cluster"))?;
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    let receivers: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let receiver = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            receivers.get_opt(name)
        })
        .await?
        .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?;
    let provider = match args.provider {
        Some(provider) => provider,
        None => receiver.spec.provider().ok_or_else(|| {
            CliError::failure(format!(
                "Receiver {namespace}/{name} has type '{}', which this tool cannot sign for",
                receiver.spec.type_
            ))
        })?,
    };
    let mut secret = None;
    if let Some(secret_ref) = &receiver.spec.secret_ref {
        let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
        let action = Action::object("get", "secrets", namespace, &secret_ref.name);
        secret = cluster.call(&action, || secrets.get_opt(&secret_ref.name)).await?;
    }
    let token = match (token, &secret, provider.needs_secret()) {
        (Some(token), _, _) => token,
        (None, _, false) => String::new(),
        (None, Some(secret), true) => token_of(secret).ok_or_else(|| {
            CliError::failure(format!(
                "Secret of Receiver {namespace}/{name} has no 'token'; pass --token-file"
            ))
        })?,
        (None, None, true) => {
            return Err(CliError::failure(format!(
                "the Secret of Receiver {namespace}/{name} does not exist; pass --token-file"
            )));
        }
    };
    let url = match &args.url {
        Some(url) => url.clone(),
        None => {
            let path = receiver
                .status
                .as_ref()
                .and_then(|s| s.webhook_path.clone())
                .filter(|p| !p.is_empty())
                .ok_or_else(|| {
                    CliError::failure(format!(
                        "Receiver {namespace}/{name} has no webhook path yet (is it ready?)"
                    ))
                })?;
            let base = address::resolve(
                &cluster,
                args.hostname.as_deref(),
                secret.as_ref(),
                &global.flux_namespace,
                address::Sources::ServicesAndRoutes,
            )
            .await;
            let base = base.ok_or_else(|| {
                CliError::failure(format!(
                    "no address is known for the hook {path}: pass --url or --hostname, or expose it with `{} expose`",
                    crate::plugin::display_name()
                ))
            })?;
            webhook_url(&base.url, &path)
        }
    };
    Ok(Target { provider, token, url })
}

/// Retries like `flux trigger receiver`: on 404 (not reconciled yet), 408,
/// 429, 5xx and connection errors.
async fn send(global: &GlobalArgs, args: &TriggerArgs, target: &Target, request: sample::WebhookRequest) -> CliResult {
    let retries = http::Retries {
        extra: args.retries,
        delay: args.retry_delay.as_std(),
        attempt_timeout: global.timeout.as_std().min(Duration::from_secs(30)),
    };
    progress::action(&format!("sending a {} webhook to {}", target.provider, target.url));
    let delivered = http::deliver(&target.url, &request.headers, &request.body, retries, |why| {
        progress::note(&format!("retrying in {} ({why})", args.retry_delay));
    })
    .await;
    match delivered {
        Ok(answer) => output::println(&format!(
            "✔ {} accepted the {} webhook: {}",
            target.url,
            target.provider,
            http::describe(&answer)
        )),
        Err(failed) => Err(CliError::failure(format!(
            "the webhook to {} failed {}: {failed}",
            target.url,
            failed.when()
        ))),
    }
}

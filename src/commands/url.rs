//! `flux-receiver url NAME`: a Receiver's hook path, or its full URL.
//!
//! With `--token` (or `--token-file`) it is computed offline, as the
//! controller would; without, it is read from the cluster: the path the
//! controller reports it serves, and the address the webhook is reachable
//! at when one is known.

use kube::api::Api;
use receiver::{ProviderType, Receiver, webhook_path, webhook_url};

use crate::cli::{GlobalArgs, UrlArgs};
use crate::cluster::address::{self, Sources};
use crate::cluster::error::Action;
use crate::cluster::{Cluster, served};
use crate::commands::block_on;
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::{output, plugin, progress};
use receiver::token::token_of;

/// Runs `url`.
pub fn run(global: &GlobalArgs, args: &UrlArgs) -> CliResult {
    let token = TokenSource::from_flags(args.token.as_deref(), args.token_file.as_deref()).read()?;
    let oidc = args.provider == Some(ProviderType::GenericOidc);
    let token = match (token, oidc) {
        (Some(_), true) => {
            return Err(CliError::usage(
                "--token is not used with '--type generic-oidc': its hook path is derived from an empty token",
            ));
        }
        (None, true) => String::new(),
        (Some(token), false) => token,
        (None, false) => return block_on(from_cluster(global, args)),
    };
    let path = webhook_path(&token, &args.name, &global.namespace);
    match &args.hostname {
        Some(host) => output::println(&webhook_url(host, &path)),
        None => output::println(&path),
    }
}

/// The path the controller serves for the Receiver, and the URL when the
/// address is known (`--hostname`, the Secret's annotation, or what the
/// cluster exposes, in that order).
async fn from_cluster(global: &GlobalArgs, args: &UrlArgs) -> CliResult {
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("pass --token-file to compute the path offline"))?;
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    let receivers: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let receiver = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            receivers.get_opt(name)
        })
        .await?
        .ok_or_else(|| {
            CliError::failure(format!(
                "Receiver {namespace}/{name} not found (to compute a path offline, pass --token-file)"
            ))
        })?;
    let secret = served::token_secret(&cluster, &receiver).await?;
    // What the token yields today; the controller may not have caught up.
    let expected = match (&receiver.spec.secret_ref, &secret) {
        (None, _) => Some(webhook_path("", name, namespace)),
        (Some(_), Some(secret)) => token_of(secret).map(|token| webhook_path(&token, name, namespace)),
        (Some(_), None) => None,
    };
    let served = receiver
        .status
        .as_ref()
        .and_then(|status| status.webhook_path.clone())
        .filter(|path| !path.is_empty());
    let doctor = format!("{} doctor {name} -n {namespace}", plugin::display_name());
    let path = match (served, expected) {
        (Some(served), Some(expected)) if served != expected => {
            progress::warn(&format!(
                "the controller still serves {served}, but the token in the Secret yields {expected}: it has not \
                 picked up the token yet (see `{doctor}`); printing the path it serves"
            ));
            served
        }
        (Some(served), _) => served,
        (None, Some(expected)) => {
            progress::warn(&format!(
                "Receiver {namespace}/{name} reports no webhook path yet: printing the path its token yields, \
                 which the controller serves once the Receiver is Ready (see `{doctor}`)"
            ));
            expected
        }
        (None, None) => {
            let secret_name = receiver
                .spec
                .secret_ref
                .as_ref()
                .map(|s| s.name.as_str())
                .unwrap_or_default();
            return Err(CliError::failure(format!(
                "Receiver {namespace}/{name} reports no webhook path, and its Secret {namespace}/{secret_name} has no \
                 token to compute one from; see `{doctor}`"
            )));
        }
    };
    let base = address::resolve(
        &cluster,
        args.hostname.as_deref(),
        secret.as_ref(),
        &global.flux_namespace,
        Sources::ServicesAndRoutes,
    )
    .await;
    match base {
        Some(base) => output::println(&webhook_url(&base.url, &path)),
        None => output::println(&path),
    }
}

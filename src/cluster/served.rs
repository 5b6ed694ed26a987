//! A Receiver as the controller serves it now: its token Secret, the path
//! in its status, and the URL behind the address that reaches it. Read the
//! same way by `url`, `delete`, `doctor` and the provider webhooks, which
//! find a hook by the URL it delivers to.

use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::api::Api;
use receiver::{Receiver, webhook_url};

use crate::cluster::Cluster;
use crate::cluster::address::{self, Sources};
use crate::cluster::error::Action;
use crate::error::CliResult;

/// The Secret `spec.secretRef` names, if the Receiver has one and it
/// exists.
pub async fn token_secret(cluster: &Cluster, receiver: &Receiver) -> CliResult<Option<Secret>> {
    let Some(secret_ref) = &receiver.spec.secret_ref else {
        return Ok(None);
    };
    let namespace = receiver.namespace().unwrap_or_default();
    let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), &namespace);
    cluster
        .call(&Action::object("get", "secrets", &namespace, &secret_ref.name), || {
            secrets.get_opt(&secret_ref.name)
        })
        .await
}

/// What a Receiver is served at.
pub struct Served {
    /// `status.webhookPath`, if the controller reports one.
    pub path: Option<String>,
    /// The path behind the address (`hostname`, else the Secret's
    /// annotation, else what the cluster exposes), when both are known.
    pub url: Option<String>,
    /// Its token Secret, when it has one.
    pub secret: Option<Secret>,
}

/// Where `receiver` is served now; `hostname` overrides the address.
pub async fn served(
    cluster: &Cluster,
    receiver: &Receiver,
    hostname: Option<&str>,
    flux_namespace: &str,
) -> CliResult<Served> {
    let secret = token_secret(cluster, receiver).await?;
    let path = receiver
        .status
        .as_ref()
        .and_then(|status| status.webhook_path.clone())
        .filter(|path| !path.is_empty());
    let url = match &path {
        Some(path) => address::resolve(
            cluster,
            hostname,
            secret.as_ref(),
            flux_namespace,
            Sources::ServicesAndRoutes,
        )
        .await
        .map(|base| webhook_url(&base.url, path)),
        None => None,
    };
    Ok(Served { path, url, secret })
}

//! `flux-receiver create NAME`: build a Receiver and print or apply it.
//!
//! Applying is a server-side apply (field manager `flux-receiver`), then a
//! watch, started from the apply's own answer, until the controller reports
//! the new generation Ready (or not), within `--timeout`.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, Patch, PatchParams};
use receiver::api::Readiness;
use receiver::manifest::{self, ReceiverOptions};
use receiver::{GoDuration, Receiver, webhook_url};

use crate::cli::{CreateArgs, GlobalArgs, items};
use crate::cluster::address::{self, WebhookBase};
use crate::cluster::error::Action;
use crate::cluster::wait::{WaitEnd, watch_until};
use crate::cluster::{Cluster, FIELD_MANAGER, access};
use crate::commands::{block_on, key_value_map, label_map, namespaces};
use crate::error::{CliError, CliResult};
use crate::output;
use crate::progress::{self, Waiting};

/// Runs `create`.
pub fn run(global: &GlobalArgs, args: &CreateArgs) -> CliResult {
    let options = ReceiverOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels: label_map(&args.labels)?,
        provider: Some(args.provider),
        events: items(&args.events),
        resources: items(&args.resources),
        secret_ref: args.secret_ref.clone(),
        interval: args.interval,
        resource_filter: args.resource_filter.clone(),
        match_labels: key_value_map("--match-label", &args.match_labels)?,
        // In a cluster, kinds the controller cannot default get their
        // apiVersion; --export stays what flux prints, with a warning.
        pin_api_versions: !args.export,
    };
    let receiver = manifest::receiver(&options)?;
    manifest::unresolvable_resources(&receiver)
        .iter()
        .for_each(|problem| progress::warn(problem));
    if args.export {
        return output::print(&manifest::export(&receiver));
    }
    block_on(apply(global, args, &receiver))
}

async fn apply(global: &GlobalArgs, args: &CreateArgs, receiver: &Receiver) -> CliResult {
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("add --export to print the manifest"))?;
    // Without the wait there is nothing to watch.
    access::preflight(&cluster, "create", &namespaces(global), |grant| {
        args.no_wait && grant.verb == "watch"
    })
    .await?;
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    if args.no_wait {
        apply_receiver(&cluster, receiver).await?;
        return output::println(&format!(
            "✔ Receiver {namespace}/{name} applied (not waiting for it to become ready)"
        ));
    }
    let webhook_path = apply_and_wait(&cluster, receiver).await?;
    let base = webhook_base(&cluster, global, args, namespace).await;
    print_ready(namespace, name, &webhook_path, base.as_ref())
}

/// Server-side applies `receiver`, returning the server's answer.
pub(crate) async fn apply_receiver(cluster: &Cluster, receiver: &Receiver) -> CliResult<Receiver> {
    let namespace = receiver.metadata.namespace.as_deref().unwrap_or_default();
    let name = receiver.metadata.name.as_deref().unwrap_or_default();
    let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    progress::action(&format!("applying Receiver {namespace}/{name}"));
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let action = Action::object("patch", "receivers", namespace, name);
    let patch = Patch::Apply(receiver);
    cluster.call(&action, || api.patch(name, &params, &patch)).await
}

/// Applies `receiver` and waits until the controller reports the new
/// generation Ready; returns the webhook path, or the controller's reason.
pub(crate) async fn apply_and_wait(cluster: &Cluster, receiver: &Receiver) -> CliResult<String> {
    let applied = apply_receiver(cluster, receiver).await?;
    wait_ready(cluster, applied).await
}

/// Waits, from the server's answer to an apply, until the controller
/// reports that generation Ready; returns the webhook path, or the
/// controller's reason.
pub(crate) async fn wait_ready(cluster: &Cluster, applied: Receiver) -> CliResult<String> {
    let namespace = applied.metadata.namespace.clone().unwrap_or_default();
    let name = applied.metadata.name.clone().unwrap_or_default();
    let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), &namespace);
    let waiting = Waiting::start(&format!("waiting for Receiver {namespace}/{name} to become ready"));
    let verdict = watch_until(cluster, &api, "receivers", applied, |r| match r.readiness() {
        Readiness::Pending => None,
        verdict => Some(verdict),
    })
    .await;
    waiting.finish();
    match verdict? {
        Ok(Readiness::Ready { webhook_path }) => Ok(webhook_path),
        Ok(Readiness::NotReady { reason, message }) => Err(CliError::failure(format!(
            "Receiver {namespace}/{name} is not ready: {reason}: {message}"
        ))),
        Ok(Readiness::Pending) => unreachable!("the wait ends only on a verdict"),
        Err(WaitEnd::TimedOut(last)) => Err(CliError::failure(format!(
            "timed out after {} waiting for Receiver {namespace}/{name} to become ready ({})",
            GoDuration(cluster.timeout()),
            last_state(&last)
        ))),
        Err(WaitEnd::Deleted) => Err(CliError::failure(format!(
            "Receiver {namespace}/{name} was deleted while waiting for it"
        ))),
    }
}

/// Where the hook is reachable: `--hostname`, else the token Secret's
/// annotation, else an exposing Service.
async fn webhook_base(
    cluster: &Cluster,
    global: &GlobalArgs,
    args: &CreateArgs,
    namespace: &str,
) -> Option<WebhookBase> {
    // The Secret is read only when --hostname does not already decide.
    let secret = match (&args.hostname, &args.secret_ref) {
        (None, Some(secret_name)) => {
            let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
            let action = Action::object("get", "secrets", namespace, secret_name);
            cluster
                .call(&action, || secrets.get_opt(secret_name))
                .await
                .ok()
                .flatten()
        }
        _ => None,
    };
    address::resolve(
        cluster,
        args.hostname.as_deref(),
        secret.as_ref(),
        &global.flux_namespace,
        address::Sources::Services,
    )
    .await
}

fn print_ready(namespace: &str, name: &str, path: &str, base: Option<&WebhookBase>) -> CliResult {
    let mut text = format!("✔ Receiver {namespace}/{name} is ready\n  webhook path: {path}\n");
    match base {
        Some(base) => {
            text.push_str(&format!("  webhook URL:  {}\n", webhook_url(&base.url, path)));
            text.push_str(&format!("                (address from {})\n", base.source));
        }
        None => progress::note(&format!(
            "no external address known: run `{} expose`, or pass --hostname, to get the full URL",
            crate::plugin::display_name()
        )),
    }
    output::print(&text)
}

fn last_state(receiver: &Receiver) -> String {
    match receiver.status.as_ref().and_then(|s| s.ready_condition()) {
        Some(c) => format!("last condition: Ready={} {}: {}", c.status, c.reason, c.message),
        None => "the controller has not reported on it; is the notification-controller running?".into(),
    }
}

//! `delete`, `suspend`, `resume` and `reconcile`, as flux has them.

use std::io::IsTerminal;

use kube::api::{Api, DeleteParams, Patch, PatchParams};
use receiver::Receiver;
use receiver::api::{RECONCILE_REQUESTED_AT, Readiness};
use serde_json::json;

use crate::cli::{DeleteArgs, GlobalArgs, NameArgs};
use crate::cluster::error::Action;
use crate::cluster::wait::{WaitEnd, watch_until};
use crate::cluster::{Cluster, access, served};
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::HookPlan;
use crate::commands::{block_on, namespaces};
use crate::error::{CliError, CliResult};
use crate::output;
use crate::progress::{self, Waiting};

/// Runs `delete`.
pub fn delete(global: &GlobalArgs, args: &DeleteArgs) -> CliResult {
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    let hook = HookPlan::from_args(&args.github, false)?;
    let gitlab = GitlabPlan::from_args(&args.gitlab, false)?;
    if !args.silent {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(CliError::usage(format!(
                "refusing to delete Receiver {namespace}/{name} without confirmation; pass --silent to delete non-interactively"
            )));
        }
        let confirmed = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Delete Receiver {namespace}/{name}? Its webhook URL stops working"
            ))
            .default(false)
            .interact()
            .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
        if !confirmed {
            return output::println("nothing deleted");
        }
    }
    block_on(async {
        let (cluster, api) = connect(global, "delete").await?;
        // Found while the Receiver still says which URL it serves.
        let github = match &hook {
            Some(hook) => {
                let url = served_url(&cluster, global, &api, name, "github").await?;
                let id = hook.find(&url).await?;
                Some((hook, url, id))
            }
            None => None,
        };
        let gitlab = match &gitlab {
            Some(gitlab) => {
                let url = served_url(&cluster, global, &api, name, "gitlab").await?;
                let id = gitlab.find(&url).await?;
                Some((gitlab, url, id))
            }
            None => None,
        };
        progress::action(&format!("deleting Receiver {namespace}/{name}"));
        let action = Action::object("delete", "receivers", namespace, name);
        let params = DeleteParams::default();
        cluster.call(&action, || api.delete(name, &params)).await?;
        output::println(&format!("✔ Receiver {namespace}/{name} deleted"))?;
        if let Some((gitlab, url, id)) = gitlab {
            gitlab.remove(id, &url).await?;
        }
        match github {
            Some((hook, url, id)) => hook.remove(id, &url).await,
            None => Ok(()),
        }
    })
}

/// The URL a Receiver is served at now: the path the controller reports,
/// behind the address its Secret's annotation or the cluster gives. A
/// Receiver of another type than the `provider` whose hook is to be
/// removed is a usage error: its hook cannot be at that provider.
async fn served_url(
    cluster: &Cluster,
    global: &GlobalArgs,
    api: &Api<Receiver>,
    name: &str,
    provider: &str,
) -> CliResult<String> {
    let namespace = global.namespace.as_str();
    let receiver = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            api.get_opt(name)
        })
        .await?
        .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?;
    if receiver.spec.type_ != provider {
        return Err(CliError::usage(format!(
            "Receiver {namespace}/{name} is of type {}, so its webhook is not at {provider}: drop the {provider} \
             flags (nothing was deleted)",
            receiver.spec.type_
        )));
    }
    let served = served::served(cluster, &receiver, None, &global.flux_namespace).await?;
    if served.path.is_none() {
        return Err(CliError::failure(format!(
            "Receiver {namespace}/{name} reports no webhook path, so its webhook at the provider cannot be found; \
             nothing was deleted"
        )));
    }
    served.url.ok_or_else(|| {
        CliError::failure(format!(
            "Receiver {namespace}/{name} has no known address, so its webhook at the provider cannot be found; \
             nothing was deleted"
        ))
    })
}

/// Runs `suspend`.
pub fn suspend(global: &GlobalArgs, args: &NameArgs) -> CliResult {
    block_on(async {
        let (cluster, api) = connect(global, "suspend").await?;
        let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
        progress::action(&format!("suspending Receiver {namespace}/{name}"));
        merge_patch(&cluster, &api, namespace, name, json!({"spec": {"suspend": true}})).await?;
        output::println(&format!(
            "✔ Receiver {namespace}/{name} suspended: its webhook answers 503 until resumed"
        ))
    })
}

/// Runs `resume`: unsuspend and request a reconciliation, then wait for it.
pub fn resume(global: &GlobalArgs, args: &NameArgs) -> CliResult {
    block_on(async {
        let (cluster, api) = connect(global, "resume").await?;
        let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
        progress::action(&format!("resuming Receiver {namespace}/{name}"));
        let requested_at = now();
        let patch = json!({
            "metadata": {"annotations": {RECONCILE_REQUESTED_AT: requested_at}},
            "spec": {"suspend": null}
        });
        let patched = merge_patch(&cluster, &api, namespace, name, patch).await?;
        wait_for_reconcile(&cluster, &api, patched, &requested_at).await?;
        output::println(&format!("✔ Receiver {namespace}/{name} resumed"))
    })
}

/// Runs `reconcile`: set `reconcile.fluxcd.io/requestedAt` and wait until
/// the controller reports it handled (`status.lastHandledReconcileAt`).
pub fn reconcile(global: &GlobalArgs, args: &NameArgs) -> CliResult {
    block_on(async {
        let (cluster, api) = connect(global, "reconcile").await?;
        let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
        // Like flux, check before writing: a suspended Receiver is left untouched.
        let current = cluster
            .call(&Action::object("get", "receivers", namespace, name), || {
                api.get_opt(name)
            })
            .await?
            .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?;
        if current.spec.is_suspended() {
            return Err(CliError::failure(format!(
                "Receiver {namespace}/{name} is suspended, so it will not reconcile; resume it first \
                 (`{bin} resume {name} -n {namespace}`)",
                bin = crate::plugin::display_name()
            )));
        }
        let (patched, requested_at) = request_reconcile(&cluster, &api, namespace, name).await?;
        let reconciled = wait_for_reconcile(&cluster, &api, patched, &requested_at).await?;
        match reconciled.readiness() {
            Readiness::NotReady { reason, message } => Err(CliError::failure(format!(
                "Receiver {namespace}/{name} reconciled but is not ready: {reason}: {message}"
            ))),
            _ => {
                let path = reconciled.status.and_then(|s| s.webhook_path).unwrap_or_default();
                output::println(&format!(
                    "✔ Receiver {namespace}/{name} reconciled\n  webhook path: {path}"
                ))
            }
        }
    })
}

/// Asks the controller to reconcile a Receiver now, as `flux reconcile`
/// does: sets `reconcile.fluxcd.io/requestedAt`. Returns the patched
/// Receiver (to watch from) and the timestamp written.
pub(crate) async fn request_reconcile(
    cluster: &Cluster,
    api: &Api<Receiver>,
    namespace: &str,
    name: &str,
) -> CliResult<(Receiver, String)> {
    progress::action(&format!("annotating Receiver {namespace}/{name} for reconciliation"));
    let requested_at = now();
    let patch = json!({"metadata": {"annotations": {RECONCILE_REQUESTED_AT: requested_at}}});
    let patched = merge_patch(cluster, api, namespace, name, patch).await?;
    Ok((patched, requested_at))
}

/// What became of a Receiver asked to pick up a new token.
pub(crate) enum PickUp {
    /// It now serves this path.
    Serving(String),
    /// Suspended: not asked, it serves the old path until resumed.
    Suspended,
    /// The controller did not serve the new path within `--timeout`.
    TimedOut,
    /// Deleted while we waited.
    Deleted,
}

/// After the token of a Secret changed: requests a reconcile of each of
/// `users` (the Receivers referencing it) and waits until each serves the
/// new token's path. The controller watches only Secrets labelled
/// `reconcile.fluxcd.io/watch: Enabled`, and otherwise keeps the old path
/// until the Receiver's next interval, so the request is what makes the
/// new URL work now. Results are in the order of `users`.
pub(crate) async fn pick_up_token(
    cluster: &Cluster,
    users: &[Receiver],
    token: &str,
) -> CliResult<Vec<(Receiver, PickUp)>> {
    let mut asked = Vec::new();
    for user in users {
        let namespace = user.metadata.namespace.clone().unwrap_or_default();
        let name = user.metadata.name.clone().unwrap_or_default();
        let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), &namespace);
        let patched = if user.spec.is_suspended() {
            None
        } else {
            Some(request_reconcile(cluster, &api, &namespace, &name).await?.0)
        };
        asked.push((
            user.clone(),
            api,
            patched,
            receiver::webhook_path(token, &name, &namespace),
        ));
    }
    let mut results = Vec::new();
    for (user, api, patched, path) in asked {
        let Some(patched) = patched else {
            results.push((user, PickUp::Suspended));
            continue;
        };
        let waiting = Waiting::start(&format!(
            "waiting for Receiver {}/{} to serve the new path",
            user.metadata.namespace.as_deref().unwrap_or_default(),
            user.metadata.name.as_deref().unwrap_or_default()
        ));
        let served = watch_until(cluster, &api, "receivers", patched, |r| {
            (r.status.as_ref()?.webhook_path.as_deref() == Some(path.as_str())).then_some(())
        })
        .await;
        waiting.finish();
        let outcome = match served? {
            Ok(()) => PickUp::Serving(path),
            Err(WaitEnd::TimedOut(_)) => PickUp::TimedOut,
            Err(WaitEnd::Deleted) => PickUp::Deleted,
        };
        results.push((user, outcome));
    }
    Ok(results)
}

/// Connects for `command`, refusing it up front if the caller may not run it.
async fn connect(global: &GlobalArgs, command: &str) -> CliResult<(Cluster, Api<Receiver>)> {
    let cluster = Cluster::connect(global).await?;
    access::preflight(&cluster, command, &namespaces(global), |_| false).await?;
    let api = Api::namespaced(cluster.client.clone(), &global.namespace);
    Ok((cluster, api))
}

async fn merge_patch(
    cluster: &Cluster,
    api: &Api<Receiver>,
    namespace: &str,
    name: &str,
    patch: serde_json::Value,
) -> CliResult<Receiver> {
    let action = Action::object("patch", "receivers", namespace, name);
    let params = PatchParams::default();
    let patch = Patch::Merge(patch);
    cluster.call(&action, || api.patch(name, &params, &patch)).await
}

async fn wait_for_reconcile(
    cluster: &Cluster,
    api: &Api<Receiver>,
    start: Receiver,
    requested_at: &str,
) -> CliResult<Receiver> {
    let waiting = Waiting::start("waiting for the controller to reconcile");
    let handled = |r: &Receiver| {
        let status = r.status.as_ref()?;
        (status.last_handled_reconcile_at.as_deref() == Some(requested_at)).then(|| r.clone())
    };
    let end = watch_until(cluster, api, "receivers", start, handled).await;
    waiting.finish();
    match end? {
        Ok(receiver) => Ok(receiver),
        Err(WaitEnd::TimedOut(_)) => Err(CliError::failure(format!(
            "timed out after {} waiting for the controller to reconcile; is the notification-controller running?",
            receiver::GoDuration(cluster.timeout())
        ))),
        Err(WaitEnd::Deleted) => Err(CliError::failure("the Receiver was deleted while waiting")),
    }
}

/// The current time as the RFC 3339 timestamp Flux writes to requestedAt.
fn now() -> String {
    jiff::Timestamp::now().to_string()
}

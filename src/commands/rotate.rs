//! `flux-receiver rotate NAME`: a new token for a Receiver's Secret.
//!
//! The hook URL moves with the token, so rotating is announced, confirmed,
//! and followed to the end: the command waits until the controller serves
//! the new path and prints the URL the provider must now use.

use std::io::IsTerminal;

use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::api::{Api, ListParams, Patch, PatchParams};
use receiver::api::{WATCH_LABEL, WEBHOOK_ANNOTATION};
use receiver::signature::tokens_equal;
use receiver::{Receiver, webhook_path, webhook_url};
use serde_json::json;

use crate::cli::{GlobalArgs, RotateArgs};
use crate::cluster::address::{self, Sources};
use crate::cluster::error::Action;
use crate::cluster::{Cluster, access};
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::HookPlan;
use crate::commands::lifecycle::{PickUp, pick_up_token};
use crate::commands::{block_on, namespaces};
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::output;
use crate::progress;
use receiver::token::token_of;

/// Runs `rotate`.
pub fn run(global: &GlobalArgs, args: &RotateArgs) -> CliResult {
    let supplied = TokenSource::from_file_or_stdin(args.token_file.as_deref(), args.token_stdin).read()?;
    block_on(rotate(global, args, supplied))
}

async fn rotate(global: &GlobalArgs, args: &RotateArgs, supplied: Option<String>) -> CliResult {
    // A missing GitHub token is a usage error before anything is read.
    // A dry run sends nothing to GitHub, so it needs no token.
    let hook = HookPlan::from_args(&args.github, args.dry_run && args.github.scope().is_some())?;
    let gitlab = GitlabPlan::from_args(&args.gitlab, args.dry_run)?;
    let cluster = Cluster::connect(global).await?;
    access::preflight(&cluster, "rotate", &namespaces(global), |_| false).await?;
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    let receivers: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let receiver = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            receivers.get_opt(name)
        })
        .await?
        .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?;
    let secret_name = receiver
        .spec
        .secret_ref
        .as_ref()
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            CliError::failure(format!(
                "Receiver {namespace}/{name} has no token to rotate (type {})",
                receiver.spec.type_
            ))
        })?;
    if hook.is_some() && receiver.spec.type_ != "github" {
        return Err(CliError::usage(format!(
            "--github-repo/--github-org repoint a GitHub webhook, but Receiver {namespace}/{name} is of type {}",
            receiver.spec.type_
        )));
    }
    if gitlab.is_some() && receiver.spec.type_ != "gitlab" {
        return Err(CliError::usage(format!(
            "--gitlab-project/--gitlab-group repoint a GitLab webhook, but Receiver {namespace}/{name} is of type {}",
            receiver.spec.type_
        )));
    }
    let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
    let secret = cluster
        .call(&Action::object("get", "secrets", namespace, &secret_name), || {
            secrets.get_opt(&secret_name)
        })
        .await?
        .ok_or_else(|| {
            CliError::failure(format!(
                "Secret {namespace}/{secret_name} not found: create it with `{bin} secret`",
                bin = crate::plugin::display_name()
            ))
        })?;
    let old_token = token_of(&secret);
    let generated = supplied.is_none();
    let new_token = match supplied {
        Some(token) => token,
        None => receiver::token::generate().map_err(|e| CliError::failure(e.to_string()))?,
    };
    if old_token.as_deref().is_some_and(|old| tokens_equal(old, &new_token)) {
        return Err(CliError::usage(
            "the new token is the same as the current one; nothing to rotate",
        ));
    }

    // Every Receiver using this Secret moves; say so up front.
    let params = ListParams::default();
    let sharing: Vec<Receiver> = cluster
        .call(&Action::collection("list", "receivers", Some(namespace)), || {
            receivers.list(&params)
        })
        .await?
        .items
        .into_iter()
        .filter(|r| r.spec.secret_ref.as_ref().is_some_and(|s| s.name == secret_name) && r.name_any() != name)
        .collect();
    let sharing_names: Vec<String> = sharing.iter().map(ResourceExt::name_any).collect();
    let base = address::resolve(
        &cluster,
        args.hostname.as_deref(),
        Some(&secret),
        &global.flux_namespace,
        Sources::ServicesAndRoutes,
    )
    .await;
    let show = |path: &str| base.as_ref().map_or(path.to_string(), |b| webhook_url(&b.url, path));
    let old_path = receiver
        .status
        .as_ref()
        .and_then(|s| s.webhook_path.clone())
        .unwrap_or_default();
    let new_path = webhook_path(&new_token, name, namespace);
    let mut plan = format!(
        "Receiver {namespace}/{name}\n  old URL: {}\n  new URL: {}\n",
        show(&old_path),
        show(&new_path)
    );
    if !sharing.is_empty() {
        plan.push_str(&format!(
            "  also moves (same Secret {secret_name}): {}\n",
            sharing_names
                .iter()
                .map(|other| format!("Receiver {namespace}/{other}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // The GitHub hook is found by the URL it delivers to now: after the
    // rotation that URL is gone.
    let at_provider = hook.is_some() || gitlab.is_some();
    let old_url = match (at_provider, &base) {
        (false, _) => None,
        (true, _) if old_path.is_empty() => {
            return Err(CliError::failure(format!(
                "Receiver {namespace}/{name} serves no path yet, so no webhook at the provider can be matched to it \
                 (nothing was changed)"
            )));
        }
        (true, Some(base)) => Some(webhook_url(&base.url, &old_path)),
        (true, None) => {
            return Err(CliError::usage(
                "the provider flags find the webhook by the Receiver's URL, and its host is not known: pass \
                 --hostname (nothing was changed)",
            ));
        }
    };
    if args.dry_run {
        if let (Some(hook), Some(old_url)) = (&hook, &old_url) {
            plan.push('\n');
            plan.push_str(&hook.planned_repoint(old_url, &show(&new_path), &new_token, &receiver.spec.events));
        }
        // A generated token is thrown away with the dry run, so its URL is
        // only an example of the shape; a supplied token's URL is the real one.
        let note = if generated {
            "dry run: nothing changed; the new URL above is for a sample token, a real rotation generates another \
             (pass --token-file to preview the exact URL)"
        } else {
            "dry run: nothing changed"
        };
        output::print(&format!("{plan}({note})\n"))?;
        if let (Some(gitlab), Some(old_url)) = (&gitlab, &old_url) {
            gitlab
                .rotate(old_url, &show(&new_path), &new_token, &receiver.spec.events)
                .await?;
        }
        return Ok(());
    }
    let located = match (&hook, &old_url) {
        (Some(hook), Some(old_url)) => Some(hook.locate(old_url).await?),
        _ => None,
    };
    let gitlab_located = match (&gitlab, &old_url) {
        (Some(gitlab), Some(old_url)) => Some(gitlab.locate(old_url).await?),
        _ => None,
    };
    if args.yes {
        // Confirmed in advance, but every URL that moves is still named first.
        eprint!("{plan}");
    } else {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(CliError::usage(
                "rotating changes the hook URL; pass --yes to confirm non-interactively (or --dry-run to preview)",
            ));
        }
        eprint!("{plan}");
        let confirmed = dialoguer::Confirm::new()
            .with_prompt("Rotate the token? The provider's webhook stops working until it is updated")
            .default(false)
            .interact()
            .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
        if !confirmed {
            return output::println("nothing changed");
        }
    }
    if args.show_old_token {
        output::println(&format!(
            "old token (for a rollback): {}",
            old_token.as_deref().unwrap_or("(none)")
        ))?;
    }

    progress::action(&format!("writing the new token to Secret {namespace}/{secret_name}"));
    let engine = base64_engine();
    // The watch label lets the controller see later token changes by itself.
    let mut patch = json!({
        "metadata": {
            "resourceVersion": secret.metadata.resource_version,
            "labels": {WATCH_LABEL.0: WATCH_LABEL.1}
        },
        "data": {"token": engine(new_token.as_bytes())}
    });
    if secret.annotations().contains_key(WEBHOOK_ANNOTATION)
        && let Some(base) = address::from_secret(&secret)
    {
        patch["metadata"]["annotations"] = json!({WEBHOOK_ANNOTATION: webhook_url(&base.url, &new_path)});
    }
    let patch = Patch::Merge(patch);
    let params = PatchParams::default();
    cluster
        .call(&Action::object("patch", "secrets", namespace, &secret_name), || {
            secrets.patch(&secret_name, &params, &patch)
        })
        .await?;

    // The token is stored: from here on it must not be lost, and running
    // rotate again would rotate again.
    let bin = crate::plugin::display_name();
    if args.show_token {
        crate::interrupt::keep(format!(
            "new token (already in Secret {namespace}/{secret_name}): {new_token}\n"
        ));
    }
    crate::interrupt::resume_with(format!(
        "the token is already rotated, so do not rotate again: `{bin} reconcile {name} -n {namespace}` makes the \
         Receiver serve it, `{bin} url {name} -n {namespace}` prints its URL"
    ));
    let events = receiver.spec.events.clone();
    let finished: CliResult = async {
        // Ask for a reconciliation of every Receiver using the Secret instead of
        // waiting for their next interval, and wait until each serves its new path.
        let mut users = vec![receiver];
        users.extend(sharing);
        let mut picked = pick_up_token(&cluster, &users, &new_token).await?.into_iter();
        let (_, own) = picked.next().expect("the rotated Receiver is the first user");
        match own {
            PickUp::Serving(_) => {}
            PickUp::Suspended => {
                return Err(CliError::failure(format!(
                    "the token was replaced, but Receiver {namespace}/{name} is suspended and serves the old path \
                     until resumed (`{bin} resume {name} -n {namespace}`)",
                    bin = crate::plugin::display_name()
                )));
            }
            PickUp::TimedOut => {
                return Err(CliError::failure(format!(
                    "the token was replaced, but the controller did not serve {new_path} within {}; do not rotate again: \
                     check `{bin} doctor {name}`, then `{bin} reconcile {name}`",
                    receiver::GoDuration(cluster.timeout()),
                    bin = crate::plugin::display_name()
                )));
            }
            PickUp::Deleted => return Err(CliError::failure("the Receiver was deleted while waiting")),
        }
        let mut text = format!(
            "✔ token rotated; Receiver {namespace}/{name} now serves\n  webhook URL: {}\n",
            show(&new_path)
        );
        if args.show_token {
            crate::interrupt::take_kept();
            text.push_str(&format!("  token: {new_token}\n"));
        }
        for (other, outcome) in picked {
            let other = other.name_any();
            match outcome {
                PickUp::Serving(path) => text.push_str(&format!(
                    "  also moved: Receiver {namespace}/{other} now serves {}\n",
                    show(&path)
                )),
                PickUp::Suspended => progress::warn(&format!(
                    "Receiver {namespace}/{other} (same Secret) is suspended: it serves the new path once resumed"
                )),
                PickUp::TimedOut => progress::warn(&format!(
                    "Receiver {namespace}/{other} (same Secret) did not serve its new path in time; check `{bin} doctor {other}`",
                    bin = crate::plugin::display_name()
                )),
                PickUp::Deleted => {}
            }
        }
        output::print(&text)?;
        if let (Some(hook), Some(located)) = (&hook, &located) {
            let line = hook.repoint(located, &show(&new_path), &new_token, &events).await?;
            output::println(&line)?;
            crate::interrupt::resume_with(format!(
                "the token is rotated and the GitHub webhook repointed, so do not rotate again: `{bin} doctor {name} \
                 -n {namespace} --github-repo …` shows the deliveries that failed meanwhile"
            ));
            return output::print(&hook.redeliver_failed(located).await?);
        }
        if let (Some(gitlab), Some(located)) = (&gitlab, &gitlab_located) {
            gitlab.repoint(located, &show(&new_path), &new_token, &events).await?;
            return output::print(&gitlab.resend_failed(located).await?);
        }
        let read_it = if args.show_token {
            String::new()
        } else {
            format!(
                "; the new secret is in Secret {namespace}/{secret_name}: kubectl -n {namespace} get secret {secret_name} \
                 -o jsonpath='{{.data.token}}' | base64 -d"
            )
        };
        progress::warn(&format!(
            "update the provider's webhook now (URL and secret): the old URL no longer works{read_it}"
        ));
        Ok(())
    }
    .await;
    // A failed wait still shows the token the user asked for.
    if let (Err(_), Some(kept)) = (&finished, crate::interrupt::take_kept()) {
        output::print(&kept)?;
    }
    finished
}

fn base64_engine() -> impl Fn(&[u8]) -> String {
    use base64::Engine;
    |bytes| base64::engine::general_purpose::STANDARD.encode(bytes)
}

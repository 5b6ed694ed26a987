//! `flux-receiver get NAME`: one Receiver in detail, including whether its
//! Secret and the objects it triggers exist (never the token itself).

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use receiver::api::Readiness;
use receiver::{Receiver, ResourceKind, webhook_path, webhook_url};

use crate::cli::{GetArgs, GlobalArgs, OutputFormat};
use crate::cluster::address;
use crate::cluster::error::Action;
use crate::cluster::{Cluster, flux_objects};
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::HookPlan;
use crate::commands::{block_on, list};
use crate::error::{CliError, CliResult};
use crate::output;
use receiver::token::token_of;

/// Runs `get`.
pub fn run(global: &GlobalArgs, args: &GetArgs) -> CliResult {
    let Some(name) = &args.name else {
        return list::run(global, &args.list);
    };
    // As kubectl: a name picks one object in one namespace.
    if args.list.all_namespaces {
        return Err(CliError::usage(format!(
            "invalid value '{name}' for '[NAME]': a Receiver cannot be retrieved by name across all namespaces (-A); pass -n"
        )));
    }
    if let Some(selector) = &args.list.selector {
        return Err(CliError::usage(format!(
            "invalid value '{selector}' for '--selector <SELECTOR>': a name and a selector cannot be combined"
        )));
    }
    let several_clusters = args.list.all_contexts || global.context.len() > 1;
    match args.list.output {
        // The detail view is one cluster's; the row formats work across several.
        OutputFormat::Table if several_clusters => Err(CliError::usage(
            "the detail view of `get NAME` reads one cluster: pass one --context, or -o wide|status|json|yaml for rows from several",
        )),
        OutputFormat::Table => block_on(detail(global, args, name)),
        _ => list::run_for(global, &args.list, Some(name)),
    }
}

async fn detail(global: &GlobalArgs, args: &GetArgs, name: &str) -> CliResult {
    let hook = HookPlan::from_args(&args.list.github, false)?;
    let gitlab = GitlabPlan::from_args(&args.list.gitlab, false)?;
    let cluster = Cluster::connect(global).await?;
    let namespace = global.namespace.as_str();
    let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let receiver = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            api.get_opt(name)
        })
        .await?
        .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?;

    let mut lines = vec![("Receiver", format!("{namespace}/{name}"))];
    let type_line = match receiver.spec.provider() {
        Some(provider) => format!("{provider} ({})", provider.info().description),
        None => format!("{} (not a type this tool knows)", receiver.spec.type_),
    };
    lines.push(("Type", type_line));
    lines.push((
        "Events",
        if receiver.spec.events.is_empty() {
            "all".into()
        } else {
            receiver.spec.events.join(", ")
        },
    ));
    if let Some(filter) = &receiver.spec.resource_filter {
        lines.push(("Resource filter", filter.clone()));
    }
    for reference in &receiver.spec.resources {
        lines.push(("Resource", resource_line(&cluster, namespace, reference).await));
    }

    let mut secret_base = None;
    let mut expected_path = None;
    match &receiver.spec.secret_ref {
        Some(secret_ref) => {
            let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
            let action = Action::object("get", "secrets", namespace, &secret_ref.name);
            let line = match cluster.call(&action, || secrets.get_opt(&secret_ref.name)).await {
                Ok(Some(secret)) => {
                    secret_base = address::from_secret(&secret);
                    match token_of(&secret) {
                        Some(token) => {
                            expected_path = Some(webhook_path(&token, name, namespace));
                            format!("{} (has a token)", secret_ref.name)
                        }
                        None => format!("{} (✗ has no 'token' key)", secret_ref.name),
                    }
                }
                Ok(None) => format!("{} (✗ not found)", secret_ref.name),
                Err(err) => format!("{} (cannot read it: {err})", secret_ref.name),
            };
            lines.push(("Secret", line));
        }
        None => {
            // generic-oidc has no token: its path hashes the empty string.
            expected_path = Some(webhook_path("", name, namespace));
            lines.push(("Secret", "none (generic-oidc)".into()));
        }
    }
    lines.push(("Suspended", receiver.spec.is_suspended().to_string()));
    if let Some(interval) = &receiver.spec.interval {
        lines.push(("Interval", interval.clone()));
    }
    let status = receiver.status.clone().unwrap_or_default();
    for condition in &status.conditions {
        lines.push((
            "Condition",
            format!(
                "{}={} {}: {}",
                condition.type_, condition.status, condition.reason, condition.message
            ),
        ));
    }
    let ready = matches!(receiver.readiness(), Readiness::Ready { .. });
    if let Some(path) = status.webhook_path.as_deref().filter(|p| !p.is_empty()) {
        lines.push(("Webhook path", path.to_string()));
        let base = match address::pick(args.list.hostname.as_deref(), secret_base) {
            Some(base) => Some(base),
            None => address::discover(&cluster, &global.flux_namespace, address::Sources::ServicesAndRoutes).await,
        };
        match base {
            Some(base) => {
                let url = webhook_url(&base.url, path);
                lines.push(("Webhook URL", format!("{url} (address from {})", base.source)));
                if let Some(hook) = &hook {
                    let line = match hook.ids_for(&[url.as_str()]).await?.first().copied().flatten() {
                        Some(id) => format!("✔ hook {id} of {} delivers to this URL", hook.scope_label()),
                        None => format!("✗ no hook of {} delivers to this URL", hook.scope_label()),
                    };
                    lines.push(("GitHub webhook", line));
                }
                if let Some(gitlab) = &gitlab {
                    let line = match gitlab.ids_for(&[url.as_str()]).await?.first().copied().flatten() {
                        Some(id) => format!("✔ hook {id} of {} delivers to this URL", gitlab.scope_label()),
                        None => format!("✗ no hook of {} delivers to this URL", gitlab.scope_label()),
                    };
                    lines.push(("GitLab webhook", line));
                }
            }
            None => lines.push((
                "Webhook URL",
                format!(
                    "unknown: no exposed address (see `{} expose`)",
                    crate::plugin::display_name()
                ),
            )),
        }
        if let Some(expected) = expected_path.filter(|expected| expected != path) {
            lines.push((
                "Drift",
                format!(
                    "✗ the Secret's token now yields {expected}; the served path changes when the Receiver reconciles"
                ),
            ));
        }
    } else if !ready {
        lines.push(("Webhook path", "none yet (the Receiver is not ready)".into()));
    }
    let width = lines.iter().map(|(label, _)| label.len()).max().unwrap_or(0) + 1;
    let text: String = lines
        .iter()
        .map(|(label, value)| {
            // Values come from the cluster: shown escaped.
            let value = crate::printable::escape_controls(value);
            format!("{:<width$} {value}\n", format!("{label}:"))
        })
        .collect();
    output::print(&text)
}

async fn resource_line(
    cluster: &Cluster,
    namespace: &str,
    reference: &receiver::api::CrossNamespaceObjectReference,
) -> String {
    let target_namespace = reference.namespace.as_deref().unwrap_or(namespace);
    let shown = reference.to_string();
    if reference.name == "*" {
        return format!("{shown} (selected by labels {:?})", reference.match_labels);
    }
    let Ok(kind) = reference.kind.parse::<ResourceKind>() else {
        return format!("{shown} (unknown kind)");
    };
    let found = flux_objects::exists(
        cluster,
        kind,
        reference.api_version.as_deref(),
        target_namespace,
        &reference.name,
    );
    match found.await {
        Ok(true) => format!("{shown} (exists)"),
        Ok(false) => format!("{shown} (✗ not found)"),
        Err(err) => format!("{shown} (cannot check: {err})"),
    }
}

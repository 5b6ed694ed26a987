//! `flux-receiver list` (and `get` without a name): the hook URL table.
//!
//! One cluster or several (`--context` repeated, `--all-contexts`), queried
//! concurrently; an unreachable cluster is reported and the others shown.

use futures::future::join_all;

use crate::cli::{GlobalArgs, ListArgs, OutputFormat};
use crate::cluster::inventory::{self, Inventory, Problem, ProviderHook, Query, ReceiverRow};
use crate::cluster::{self, Cluster};
use crate::commands::block_on_reading;
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::HookPlan;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::progress;
use crate::render::table::{self, Column};

/// How long one of several clusters may take before the others are shown
/// without it (never longer than --timeout).
const PER_CLUSTER_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs `list`.
pub fn run(global: &GlobalArgs, args: &ListArgs) -> CliResult {
    run_for(global, args, None)
}

/// Runs `list`, or `get NAME -o FORMAT` when `name` is given: the same rows,
/// only that Receiver's, and an error if no cluster has it.
pub fn run_for(global: &GlobalArgs, args: &ListArgs, name: Option<&str>) -> CliResult {
    let hook = HookPlan::from_args(&args.github, false)?;
    let gitlab = GitlabPlan::from_args(&args.gitlab, false)?;
    let contexts: Vec<Option<String>> = if args.all_contexts {
        cluster::context_names(global)?.into_iter().map(Some).collect()
    } else if global.context.is_empty() {
        vec![None]
    } else {
        if global.context.len() > 1 {
            // A typo is the user's mistake, not an unreachable cluster: say
            // so before asking any cluster anything.
            let known = cluster::context_names(global)?;
            if let Some(unknown) = global.context.iter().find(|c| !known.contains(c)) {
                return Err(CliError::usage(format!(
                    "invalid value '{unknown}' for '--context <CONTEXT>': no such context in the kubeconfig"
                )));
            }
        }
        global.context.iter().cloned().map(Some).collect()
    };
    let multi = contexts.len() > 1;
    // With several clusters, one that accepts connections but never answers
    // must not hold the others' rows for the whole --timeout.
    let budget = if multi {
        global.timeout.0.min(PER_CLUSTER_BUDGET)
    } else {
        global.timeout.0
    };
    let results = block_on_reading(join_all(contexts.iter().map(|context| async move {
        tokio::time::timeout(budget, gather_one(global, args, name, context.as_deref()))
            .await
            .unwrap_or_else(|_| {
                Err(CliError::failure(format!(
                    "no answer within {}",
                    receiver::GoDuration(budget)
                )))
            })
    })));

    let mut rows = Vec::new();
    let mut missing_address = false;
    let mut failures = Vec::new();
    for (context, result) in contexts.iter().zip(results) {
        match result {
            Ok(inventory) => {
                missing_address |= inventory.missing_address;
                for note in &inventory.notes {
                    progress::warn(&with_context(context.as_deref(), note));
                }
                rows.extend(inventory.rows.into_iter().map(|mut row| {
                    if multi {
                        row.context = context.clone();
                    }
                    row
                }));
            }
            Err(err) if multi => failures.push(format!("context {}: {err}", context.as_deref().unwrap_or("(current)"))),
            Err(err) => return Err(err),
        }
    }
    if !failures.is_empty() && failures.len() == contexts.len() {
        return Err(CliError::failure(failures.join("; ")));
    }
    for failure in &failures {
        progress::warn(failure);
    }
    if let Some(name) = name
        && rows.is_empty()
    {
        return Err(CliError::failure(format!(
            "Receiver {}/{name} not found",
            global.namespace
        )));
    }
    if let Some(hook) = &hook {
        let ids_for = async |urls: &[&str]| hook.ids_for(urls).await;
        let slot: fn(&mut ReceiverRow) -> &mut Option<ProviderHook> = |row| &mut row.github_hook;
        block_on_reading(mark_hooks(&mut rows, "github", hook.scope_label(), ids_for, slot))?;
    }
    if let Some(gitlab) = &gitlab {
        let ids_for = async |urls: &[&str]| gitlab.ids_for(urls).await;
        let slot: fn(&mut ReceiverRow) -> &mut Option<ProviderHook> = |row| &mut row.gitlab_hook;
        block_on_reading(mark_hooks(&mut rows, "gitlab", gitlab.scope_label(), ids_for, slot))?;
    }
    output::print(&render(&rows, args.output, args.all_namespaces, multi))?;
    if rows.is_empty()
        && matches!(
            args.output,
            OutputFormat::Table | OutputFormat::Status | OutputFormat::Wide
        )
    {
        let scope = if args.all_namespaces {
            "any namespace".to_string()
        } else {
            format!("namespace '{}'", global.namespace)
        };
        progress::note(&format!("no Receivers found in {scope}"));
    }
    explain_problems(&rows);
    if missing_address && args.hostname.is_none() && matches!(args.output, OutputFormat::Table | OutputFormat::Wide) {
        progress::note(&format!(
            "no webhook address found for some Receivers, so only their paths are shown: run `{} expose`, \
             pass --hostname, or annotate the token Secret with notification.toolkit.fluxcd.io/webhook",
            crate::plugin::display_name()
        ));
    }
    Ok(())
}

/// Fills in the [`ProviderHook`] (`slot`) of each row of `type_` whose
/// URL is known: the id of the hook of `scope` delivering there, which
/// `ids_for` finds for all the URLs with one listing of the hooks.
async fn mark_hooks(
    rows: &mut [ReceiverRow],
    type_: &str,
    scope: String,
    ids_for: impl AsyncFnOnce(&[&str]) -> CliResult<Vec<Option<u64>>>,
    slot: fn(&mut ReceiverRow) -> &mut Option<ProviderHook>,
) -> CliResult {
    let checked: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].type_ == type_ && rows[i].url.is_some())
        .collect();
    let urls: Vec<&str> = checked.iter().filter_map(|&i| rows[i].url.as_deref()).collect();
    let ids = ids_for(&urls).await?;
    for (i, id) in checked.into_iter().zip(ids) {
        *slot(&mut rows[i]) = Some(ProviderHook {
            scope: scope.clone(),
            id,
        });
    }
    Ok(())
}

fn with_context(context: Option<&str>, text: &str) -> String {
    match context {
        Some(context) => format!("context {context}: {text}"),
        None => text.to_string(),
    }
}

async fn gather_one(
    global: &GlobalArgs,
    args: &ListArgs,
    name: Option<&str>,
    context: Option<&str>,
) -> CliResult<Inventory> {
    let cluster = Cluster::connect_to(global, context).await?;
    let query = Query {
        name,
        namespace: (!args.all_namespaces).then_some(global.namespace.as_str()),
        selector: args.selector.as_deref(),
        hostname: args.hostname.as_deref(),
        flux_namespace: &global.flux_namespace,
    };
    inventory::gather(&cluster, &query).await
}

/// Renders rows in the chosen format.
pub fn render(rows: &[ReceiverRow], format: OutputFormat, all_namespaces: bool, multi_context: bool) -> String {
    match format {
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(rows).expect("rows serialize");
            text.push('\n');
            text
        }
        OutputFormat::Yaml => {
            let value = serde_json::to_value(rows).expect("rows serialize");
            receiver::yaml::to_string(&value)
        }
        OutputFormat::Table | OutputFormat::Status | OutputFormat::Wide => {
            let mut columns = columns(
                format,
                all_namespaces,
                multi_context,
                rows.iter().any(|r| r.problem.is_some()),
            );
            if rows.iter().any(|r| r.github_hook.is_some()) {
                columns.push(Column::whole("GITHUB HOOK"));
            }
            if rows.iter().any(|r| r.gitlab_hook.is_some()) {
                columns.push(Column::whole("GITLAB HOOK"));
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|row| columns.iter().map(|c| cell(row, c.header)).collect())
                .collect();
            table::render(&columns, &cells)
        }
    }
}

fn columns(format: OutputFormat, all_namespaces: bool, multi_context: bool, problems: bool) -> Vec<Column> {
    let mut columns = Vec::new();
    if multi_context {
        columns.push(Column::whole("CONTEXT"));
    }
    if all_namespaces || multi_context {
        columns.push(Column::whole("NAMESPACE"));
    }
    columns.push(Column::whole("NAME"));
    match format {
        OutputFormat::Status => columns.extend([
            Column::whole("SUSPENDED"),
            Column::whole("READY"),
            Column::wrapping("MESSAGE"),
        ]),
        OutputFormat::Wide => columns.extend([
            Column::whole("TYPE"),
            Column::whole("READY"),
            Column::whole("SUSPENDED"),
            Column::whole("SECRET"),
            Column::wrapping("EVENTS"),
            Column::wrapping("RESOURCES"),
            Column::whole("URL"),
        ]),
        _ => columns.extend([Column::whole("TYPE"), Column::whole("READY"), Column::whole("URL")]),
    }
    if problems && format != OutputFormat::Status {
        columns.push(Column::wrapping("ISSUE"));
    }
    columns
}

fn cell(row: &ReceiverRow, header: &str) -> String {
    let dash = || "-".to_string();
    match header {
        "CONTEXT" => row.context.clone().unwrap_or_else(dash),
        "NAMESPACE" => row.namespace.clone(),
        "NAME" => row.name.clone(),
        "TYPE" => row.type_.clone(),
        "READY" => row.ready.clone(),
        // flux prints Go's bool formatting.
        "SUSPENDED" => if row.suspended { "True" } else { "False" }.to_string(),
        "MESSAGE" => row.message.clone(),
        "SECRET" => row.secret.clone().unwrap_or_else(dash),
        "EVENTS" => {
            if row.events.is_empty() {
                "*".to_string()
            } else {
                row.events.join(",")
            }
        }
        "RESOURCES" => row.resources.join(","),
        "URL" => row
            .url
            .clone()
            .or_else(|| row.webhook_path.clone())
            .unwrap_or_else(dash),
        // The hook's id, `none` when no hook delivers to the current URL,
        // `-` where nothing was checked (not github, or no URL known).
        "GITHUB HOOK" => hook_cell(row.github_hook.as_ref()),
        "GITLAB HOOK" => hook_cell(row.gitlab_hook.as_ref()),
        "ISSUE" => match &row.problem {
            Some(Problem::SecretMissing { .. }) => "secret missing".into(),
            Some(Problem::TokenMissing { .. }) => "no token".into(),
            Some(Problem::Drift { .. }) => "token rotated".into(),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// The hook's id, `none` when no hook delivers to the current URL, `-`
/// where nothing was checked (another type, or no URL known).
fn hook_cell(hook: Option<&ProviderHook>) -> String {
    match hook {
        Some(ProviderHook { id: Some(id), .. }) => id.to_string(),
        Some(ProviderHook { id: None, .. }) => "none".to_string(),
        None => "-".to_string(),
    }
}

/// Explains each flagged row below the table (on stderr, so the table
/// itself stays parseable).
fn explain_problems(rows: &[ReceiverRow]) {
    let bin = crate::plugin::display_name();
    for row in rows {
        let Some(problem) = &row.problem else { continue };
        let who = format!("{}/{}", row.namespace, row.name);
        let create_secret = |secret: &str| format!("`{bin} secret {secret} --type {} -n {}`", row.type_, row.namespace);
        let text = match problem {
            Problem::SecretMissing { secret } => format!(
                "{who}: Secret '{secret}' does not exist, so the Receiver has no hook; create it with {}",
                create_secret(secret)
            ),
            Problem::TokenMissing { secret } => format!(
                "{who}: Secret '{secret}' has no 'token' key, so the Receiver has no hook; add one with {}",
                create_secret(secret)
            ),
            Problem::Drift { served, expected } => {
                // A suspended Receiver is not reconciled until it is resumed.
                let apply_now = if row.suspended {
                    format!(
                        "it is suspended: `{bin} resume {} -n {}` applies it",
                        row.name, row.namespace
                    )
                } else {
                    format!("`{bin} reconcile {} -n {}` applies it now", row.name, row.namespace)
                };
                format!(
                    "{who}: the controller still serves {served}, but the Secret's token now yields {expected}; \
                     once the Receiver reconciles the old URL stops working: update the provider's webhook ({apply_now})"
                )
            }
        };
        progress::warn(&text);
    }
}

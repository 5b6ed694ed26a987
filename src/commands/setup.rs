//! `flux-receiver setup NAME`: the seed guide in one idempotent command.
//!
//! Secret (a generated token unless one is given or already there) →
//! Receiver → Service (unless `--no-expose`, or one already exposes the
//! webhook) → wait for Ready and an address → a table of exactly what to
//! paste into the provider's webhook settings. Re-running converges without
//! touching the token; a failed step is named, and a re-run resumes.

use std::io::IsTerminal;

use receiver::manifest::{self, ReceiverOptions, SecretOptions, ServiceOptions};
use receiver::{ProviderType, ResourceRef, webhook_url};

use crate::cli::{GlobalArgs, SetupArgs};
use crate::cluster::Cluster;
use crate::cluster::address::{self, Sources, WebhookBase};
use crate::commands::{block_on, create, expose, key_value_map, label_map, secret};
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::{output, progress};

/// Everything setup needs, after flags and prompts.
struct Plan {
    provider: ProviderType,
    events: Vec<String>,
    resources: Vec<ResourceRef>,
}

/// Runs `setup`.
pub fn run(global: &GlobalArgs, args: &SetupArgs) -> CliResult {
    let interactive = !args.yes && !args.export && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let plan = plan(args, interactive)?;
    let labels = label_map(&args.labels)?;
    let supplied = TokenSource::from_file_or_stdin(args.token_file.as_deref(), args.token_stdin).read()?;
    let secret_name = args.secret_name.clone().unwrap_or_else(|| args.name.clone());
    let needs_secret = plan.provider.needs_secret();
    let receiver = manifest::receiver(&ReceiverOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels: labels.clone(),
        provider: Some(plan.provider),
        events: plan.events.clone(),
        resources: plan.resources.clone(),
        secret_ref: needs_secret.then(|| secret_name.clone()),
        match_labels: key_value_map("--match-label", &args.match_labels)?,
        pin_api_versions: !args.export,
        ..Default::default()
    })?;
    manifest::unresolvable_resources(&receiver)
        .iter()
        .for_each(|problem| progress::warn(problem));
    let secret_options = SecretOptions {
        name: secret_name,
        namespace: global.namespace.clone(),
        labels: labels.clone(),
        provider: Some(plan.provider),
        token: String::new(),
        hostname: args.hostname.clone(),
        receiver_name: Some(args.name.clone()),
        ..Default::default()
    };
    let service = manifest::service(&ServiceOptions {
        name: args.service_name.clone(),
        namespace: global.flux_namespace.clone(),
        labels,
        service_type: args.service_type.into(),
        port: 80,
        target_port: manifest::WEBHOOK_PORT,
    });
    if args.export {
        let mut text = String::new();
        if needs_secret {
            let token = match supplied {
                Some(token) => token,
                None => receiver::token::generate().map_err(|e| CliError::failure(e.to_string()))?,
            };
            let secret = manifest::secret(&SecretOptions {
                token,
                ..secret_options
            })?;
            text.push_str(&manifest::export(&secret));
        }
        text.push_str(&manifest::export(&receiver));
        if !args.no_expose {
            text.push_str(&manifest::export(&service));
        }
        return output::print(&text);
    }
    if interactive {
        let proceed = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Set up {} Receiver {}/{} for {}?",
                plan.provider,
                global.namespace,
                args.name,
                plan.resources
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .default(true)
            .interact()
            .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
        if !proceed {
            return output::println("nothing changed");
        }
    }
    block_on(apply(
        global,
        args,
        &plan,
        secret_options,
        supplied,
        &receiver,
        &service,
    ))
}

/// The provider, events and resources from flags, asking on a terminal for
/// what is missing.
fn plan(args: &SetupArgs, interactive: bool) -> CliResult<Plan> {
    let missing = |flag: &str| {
        CliError::usage(format!(
            "missing required argument: {flag} (setup asks for it when run on a terminal without --yes)"
        ))
    };
    let prompt_error = |e: dialoguer::Error| CliError::failure(format!("cannot read the answer: {e}"));
    let provider = match args.provider {
        Some(provider) => provider,
        None if interactive => {
            let items: Vec<String> = ProviderType::ALL
                .iter()
                .map(|p| format!("{p:<13} {}", p.info().description))
                .collect();
            let index = dialoguer::Select::new()
                .with_prompt("Webhook provider")
                .items(&items)
                .default(3)
                .interact()
                .map_err(prompt_error)?;
            ProviderType::ALL[index]
        }
        None => return Err(missing("--type <TYPE>")),
    };
    // Refused before any other question: nothing asked in vain.
    if provider == ProviderType::Gcr {
        return Err(CliError::usage(format!(
            "invalid value 'gcr' for '--type <TYPE>': setup does not handle gcr (its Secret needs --email-claim); \
             use `{bin} secret --type gcr` and `{bin} create`",
            bin = crate::plugin::display_name()
        )));
    }
    let resources = if !args.resources.is_empty() {
        args.resources.clone()
    } else if interactive {
        let answer: String = dialoguer::Input::new()
            .with_prompt("Objects to reconcile on each webhook (Kind/name[.namespace], comma-separated)")
            .validate_with(|text: &String| parse_resources(text).map(|_| ()))
            .interact_text()
            .map_err(prompt_error)?;
        parse_resources(&answer).map_err(CliError::usage)?
    } else {
        return Err(missing("--resource <KIND/NAME>"));
    };
    let defaults = default_events(provider);
    let events = if !args.events.is_empty() {
        args.events.clone()
    } else if interactive && !provider.info().common_events.is_empty() {
        let common = provider.info().common_events;
        let checked: Vec<bool> = common.iter().map(|e| defaults.contains(e)).collect();
        let chosen = dialoguer::MultiSelect::new()
            .with_prompt("Events to accept (none: all)")
            .items(common)
            .defaults(&checked)
            .interact()
            .map_err(prompt_error)?;
        chosen.into_iter().map(|i| common[i].to_string()).collect()
    } else {
        defaults.iter().map(|e| e.to_string()).collect()
    };
    Ok(Plan {
        provider,
        events,
        resources,
    })
}

fn parse_resources(text: &str) -> Result<Vec<ResourceRef>, String> {
    let references: Result<Vec<ResourceRef>, String> = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<ResourceRef>().map_err(|e| format!("'{t}': {e}")))
        .collect();
    match references {
        Ok(references) if references.is_empty() => Err("at least one Kind/name is needed".into()),
        other => other,
    }
}

/// The events a provider's webhook sends for source changes.
fn default_events(provider: ProviderType) -> &'static [&'static str] {
    match provider {
        ProviderType::Github => &["ping", "push"],
        ProviderType::Gitlab => &["Push Hook", "Tag Push Hook"],
        ProviderType::Bitbucket => &["repo:refs_changed"],
        _ => &[],
    }
}

async fn apply(
    global: &GlobalArgs,
    args: &SetupArgs,
    plan: &Plan,
    secret_options: SecretOptions,
    supplied: Option<String>,
    receiver: &receiver::Receiver,
    service: &k8s_openapi::api::core::v1::Service,
) -> CliResult {
    let step = |number: u8, what: &'static str| {
        move |err: CliError| {
            CliError::failure(format!(
                "step {number}/4 ({what}) failed: {err}; re-run setup to resume"
            ))
        }
    };
    let cluster = Cluster::connect(global).await?;
    let mut token = None;
    let mut secret_base = None;
    if plan.provider.needs_secret() {
        let ensured = secret::ensure(&cluster, secret_options, supplied, args.force)
            .await
            .map_err(step(1, "token Secret"))?;
        progress::note(&format!(
            "Secret {}/{} {}",
            ensured.options.namespace, ensured.options.name, ensured.verb
        ));
        secret_base = ensured.options.hostname.as_deref().map(address::from_hostname);
        token = Some(ensured.options.token);
    }
    let applied = create::apply_receiver(&cluster, receiver)
        .await
        .map_err(step(2, "Receiver"))?;
    // The Service is about reaching the controller, --hostname about the
    // name in the URL: a hostname (an Ingress or DNS in front) does not
    // make the Service unnecessary.
    let exposed = if args.no_expose {
        address::discover(&cluster, &global.flux_namespace, Sources::ServicesAndRoutes).await
    } else {
        match address::discover(&cluster, &global.flux_namespace, Sources::Services).await {
            Some(existing) => {
                progress::note(&format!("reusing {} to expose the webhook", existing.source));
                Some(existing)
            }
            // With --hostname the URL is known: the load balancer's own
            // address may come later and is not waited for.
            None => expose::apply_service(&cluster, service, args.hostname.is_some())
                .await
                .map_err(step(3, "Service"))?,
        }
    };
    if args.hostname.is_none()
        && let Some(base) = &exposed
        && base.url.contains(".svc.cluster.local")
    {
        progress::warn(&format!(
            "{} is reachable only from inside the cluster; a provider on the internet needs an Ingress in front \
             of it (then pass --hostname), or --service-type LoadBalancer",
            base.url
        ));
    }
    let base = secret_base.or(exposed);
    let path = create::wait_ready(&cluster, applied)
        .await
        .map_err(step(4, "waiting for Ready"))?;
    print_instructions(global, args, plan, &path, base.as_ref(), token.as_deref())
}

/// The table of what to paste, in the provider's own words.
fn print_instructions(
    global: &GlobalArgs,
    args: &SetupArgs,
    plan: &Plan,
    path: &str,
    base: Option<&WebhookBase>,
    token: Option<&str>,
) -> CliResult {
    let (place, secret_label) = match plan.provider {
        ProviderType::Github => ("GitHub: repository Settings → Webhooks → Add webhook", "Secret"),
        ProviderType::Gitlab => ("GitLab: project Settings → Webhooks → Add new webhook", "Secret token"),
        ProviderType::Bitbucket => ("Bitbucket: repository settings → Webhooks → Create webhook", "Secret"),
        ProviderType::Harbor => ("Harbor: project → Webhooks → New webhook", "Auth Header"),
        ProviderType::GenericHmac => ("your sender", "HMAC key"),
        ProviderType::Nexus => (
            "Nexus: Settings → System → Capabilities → Create capability → Webhook: Repository",
            "Secret Key",
        ),
        _ => ("the provider's webhook settings", ""),
    };
    let url = match base {
        Some(base) => webhook_url(&base.url, path),
        None => format!(
            "<address>{path}   (no address yet: `{} expose` or --hostname)",
            crate::plugin::display_name()
        ),
    };
    let mut rows = vec![("Payload URL", url), ("Content type", "application/json".to_string())];
    if !secret_label.is_empty()
        && let Some(token) = token
    {
        let shown = if args.show_token {
            token.to_string()
        } else {
            format!(
                "(hidden; re-run with --show-token, or: kubectl -n {} get secret {} -o jsonpath='{{.data.token}}' | base64 -d)",
                global.namespace,
                args.secret_name.as_deref().unwrap_or(&args.name)
            )
        };
        rows.push((secret_label, shown));
    }
    rows.push(("Events", events_to_tick(plan)));
    let mut text = format!(
        "✔ Receiver {}/{} is ready. In {place}, enter:\n\n",
        global.namespace, args.name
    );
    for (label, value) in rows {
        text.push_str(&format!("  {label:<13} {value}\n"));
    }
    if plan.provider == ProviderType::GenericOidc {
        text.push_str(
            "\n  generic-oidc verifies bearer tokens against spec.oidcProviders, which setup does not write:\n  \
             add your issuer with `kubectl edit receiver` (or in the --export output) before sending events\n",
        );
    }
    output::print(&text)
}

/// The events to select in the provider's form. GitHub sends `ping` by
/// itself when the webhook is saved and has no box for it; the Receiver
/// accepts it, the form does not list it.
fn events_to_tick(plan: &Plan) -> String {
    let listed: Vec<&str> = plan
        .events
        .iter()
        .map(String::as_str)
        .filter(|event| !(plan.provider == ProviderType::Github && *event == "ping"))
        .collect();
    match (plan.provider, listed.as_slice()) {
        (_, []) => "all".to_string(),
        (ProviderType::Github, ["push"]) => "Just the push event".to_string(),
        (ProviderType::Github, events) => format!("Let me select individual events: {}", events.join(", ")),
        (_, events) => events.join(", "),
    }
}

//! `flux-receiver setup NAME`: the seed guide in one idempotent command.
//!
//! Secret (a generated token unless one is given or already there) →
//! Receiver → Service (unless `--no-expose`, or one already exposes the
//! webhook) → wait for Ready and an address → a table of exactly what to
//! paste into the provider's webhook settings. Re-running converges without
//! touching the token; a failed step is named, and a re-run resumes.

use std::io::IsTerminal;

use kube::api::Api;

use receiver::manifest::{self, ReceiverOptions, SecretOptions, ServiceOptions};
use receiver::{ProviderType, ResourceRef, webhook_url};

use crate::cli::{GlobalArgs, SetupArgs, items};
use crate::cluster::address::{self, Sources, WebhookBase};
use crate::cluster::error::Action;
use crate::cluster::{Cluster, access};
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::HookPlan;
use crate::commands::{block_on, confirm_or_refuse, create, expose, key_value_map, label_map, namespaces, secret};
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
    // The GitLab flags conflict with the GitHub ones: at most one is set.
    let gitlab = GitlabPlan::for_setup(
        &args.gitlab,
        plan.provider,
        &plan.events,
        args.export,
        args.dry_run_hook,
    )?;
    let hook = if gitlab.is_some() {
        None
    } else {
        hook_plan(args, &plan)?
    };
    let labels = label_map(&args.labels)?;
    let supplied = TokenSource::from_file_or_stdin(args.token_file.as_deref(), args.token_stdin).read()?;
    let labels_for_receiver = labels.clone();
    let build = Build {
        global,
        args,
        plan: &plan,
        labels: labels_for_receiver,
        match_labels: key_value_map("--match-label", &args.match_labels)?,
    };
    // Offline, the Secret is named as asked; in a cluster an existing
    // Receiver's Secret is kept (see `converge`), so this is rebuilt there.
    let secret_name = args.secret_name.clone().unwrap_or_else(|| args.name.clone());
    let needs_secret = plan.provider.needs_secret();
    let receiver = build.receiver(&secret_name)?;
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
        &build,
        secret_options,
        supplied,
        &service,
        hook.as_ref(),
        gitlab.as_ref(),
    ))
}

/// What to register at GitHub, checked before anything is written: only
/// for a github Receiver in a cluster, and with a token (see
/// [`HookPlan::from_args`]).
fn hook_plan(args: &SetupArgs, plan: &Plan) -> CliResult<Option<HookPlan>> {
    let Some(scope) = args.github.scope() else {
        return HookPlan::from_args(&args.github, args.dry_run_hook);
    };
    let flag = match scope {
        receiver::github::HookScope::Repo { .. } => "--github-repo",
        receiver::github::HookScope::Org { .. } => "--github-org",
    };
    if plan.provider != ProviderType::Github {
        return Err(CliError::usage(format!(
            "{flag} registers a GitHub webhook, so it needs --type github, not --type {}",
            plan.provider
        )));
    }
    if args.export {
        return Err(CliError::usage(format!(
            "{flag} registers the Receiver's URL, which only the cluster knows: drop --export"
        )));
    }
    HookPlan::from_args(&args.github, args.dry_run_hook)
}

/// What the Receiver is made from, so that it can be built again once the
/// cluster says which Secret it must keep.
struct Build<'a> {
    global: &'a GlobalArgs,
    args: &'a SetupArgs,
    plan: &'a Plan,
    labels: std::collections::BTreeMap<String, String>,
    match_labels: std::collections::BTreeMap<String, String>,
}

impl Build<'_> {
    /// The Receiver, its token in Secret `secret_name`.
    fn receiver(&self, secret_name: &str) -> CliResult<receiver::Receiver> {
        let (global, args, plan) = (self.global, self.args, self.plan);
        Ok(manifest::receiver(&ReceiverOptions {
            name: args.name.clone(),
            namespace: global.namespace.clone(),
            labels: self.labels.clone(),
            provider: Some(plan.provider),
            events: plan.events.clone(),
            resources: plan.resources.clone(),
            secret_ref: plan.provider.needs_secret().then(|| secret_name.to_string()),
            match_labels: self.match_labels.clone(),
            pin_api_versions: !args.export,
            ..Default::default()
        })?)
    }
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
    let given_resources = items(&args.resources);
    let resources = if !given_resources.is_empty() {
        given_resources
    } else if interactive {
        let answer: String = dialoguer::Input::new()
            .with_prompt("Objects to reconcile on each webhook (Kind/name or Kind/namespace/name, comma-separated)")
            .validate_with(|text: &String| parse_resources(text).map(|_| ()))
            .interact_text()
            .map_err(prompt_error)?;
        parse_resources(&answer).map_err(CliError::usage)?
    } else {
        return Err(missing("--resource <KIND/NAME>"));
    };
    let defaults = default_events(provider);
    let given_events = items(&args.events);
    let events = if !given_events.is_empty() {
        given_events
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
    build: &Build<'_>,
    mut secret_options: SecretOptions,
    supplied: Option<String>,
    service: &k8s_openapi::api::core::v1::Service,
    hook: Option<&HookPlan>,
    gitlab: Option<&GitlabPlan>,
) -> CliResult {
    let (global, args, plan) = (build.global, build.args, build.plan);
    let step = |number: u8, what: &'static str| {
        move |err: CliError| {
            CliError::failure(format!(
                "step {number}/4 ({what}) failed: {err}; re-run setup to resume"
            ))
        }
    };
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("add --export to print the manifests"))?;
    // With --no-expose, setup only looks for an existing Service; a type
    // without a token has no Secret to write.
    access::preflight(&cluster, "setup", &namespaces(global), |grant| {
        (args.no_expose && (grant.resource == "deployments" || (grant.resource == "services" && grant.verb != "list")))
            || (!plan.provider.needs_secret() && grant.resource == "secrets")
    })
    .await?;
    // A re-run keeps what the working URL is made of; refused before any write.
    let existing = converge(&cluster, global, args, plan).await?;
    if let Some(kept) = existing.secret.clone() {
        secret_options.name = kept;
    }
    let receiver = &build.receiver(&secret_options.name)?;
    if hook.is_some() || gitlab.is_some() {
        reachable_from_github(&cluster, global, args).await?;
    }
    let secret_name = secret_options.name.clone();
    let mut token = None;
    let mut secret_base = None;
    if plan.provider.needs_secret() {
        let ensured = secret::ensure(&cluster, secret_options, supplied, args.force, true)
            .await
            .map_err(step(1, "token Secret"))?;
        progress::note(&format!(
            "Secret {}/{} {}",
            ensured.options.namespace, ensured.options.name, ensured.verb
        ));
        secret_base = ensured.options.hostname.as_deref().map(address::from_hostname);
        // The token is stored: whatever happens from here (a failed step, a
        // wait cut short, an interrupt), the user who asked to see it does.
        if args.show_token {
            crate::interrupt::keep(format!(
                "token (in Secret {}/{}): {}\n",
                ensured.options.namespace, ensured.options.name, ensured.options.token
            ));
        }
        token = Some(ensured.options.token);
    }
    let finished: CliResult = async {
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
        if let Some(old) = existing.served.as_deref().filter(|old| *old != path) {
            progress::warn(&format!(
                "the hook path moved from {old} to {path}: the provider's webhook points at a dead path until it is \
                 updated with the URL below"
            ));
        }
        print_instructions(global, args, plan, &path, base.as_ref(), token.as_deref(), &secret_name)?;
        if let Some(hook) = hook {
            let url = match &base {
                Some(base) if !base.url.contains(".svc.cluster.local") => webhook_url(&base.url, path.as_str()),
                _ => {
                    return Err(CliError::failure(
                        "the Receiver has no address GitHub can reach, so no GitHub webhook was registered: pass \
                         --hostname (the host GitHub reaches it at) and re-run setup",
                    ));
                }
            };
            hook.register(&url, token.as_deref().unwrap_or_default(), &plan.events)
                .await
                .map_err(|e| {
                    CliError::failure(format!("step 5/5 (GitHub webhook) failed: {e}; re-run setup to resume"))
                })?;
        }
        if let Some(gitlab) = gitlab {
            let url = match &base {
                Some(base) if !base.url.contains(".svc.cluster.local") => webhook_url(&base.url, path.as_str()),
                _ => {
                    return Err(CliError::failure(
                        "the Receiver has no address GitLab can reach, so no GitLab webhook was registered: pass \
                         --hostname (the host GitLab reaches it at) and re-run setup",
                    ));
                }
            };
            gitlab
                .register(&url, token.as_deref().unwrap_or_default(), &plan.events)
                .await
                .map_err(|e| {
                    CliError::failure(format!("step 5/5 (GitLab webhook) failed: {e}; re-run setup to resume"))
                })?;
        }
        Ok(())
    }
    .await;
    // A failed step still shows the token the user asked for, once.
    if let (Err(_), Some(kept)) = (&finished, crate::interrupt::take_kept()) {
        output::print(&kept)?;
    }
    finished
}

/// Refuses, before anything is written, a setup whose URL GitHub could not
/// reach: no `--hostname`, and no address to expect (with `--no-expose`
/// nothing exposes the webhook; a ClusterIP Service is in-cluster only),
/// unless a Service or route already gives one outside the cluster.
async fn reachable_from_github(cluster: &Cluster, global: &GlobalArgs, args: &SetupArgs) -> CliResult {
    let expects_address = !args.no_expose && args.service_type != crate::cli::ExposeType::ClusterIp;
    if args.hostname.is_some() || expects_address {
        return Ok(());
    }
    let found = address::discover(cluster, &global.flux_namespace, Sources::ServicesAndRoutes).await;
    match found {
        Some(base) if !base.url.contains(".svc.cluster.local") => Ok(()),
        _ => Err(CliError::usage(
            "the webhook at the provider needs an address the provider can reach, and none is known: pass \
             --hostname (the host GitHub or GitLab reaches the webhook at) or expose it with a LoadBalancer or \
             NodePort Service (nothing was changed)",
        )),
    }
}

/// What an existing Receiver of the same name keeps on a re-run.
#[derive(Default)]
struct Existing {
    /// The Secret its token is in, kept unless `--force` moves it.
    secret: Option<String>,
    /// The path the controller serves it on.
    served: Option<String>,
}

/// On a re-run, keeps the Receiver's URL where it is: its Secret (so its
/// token) stays the same unless the user asks for another, and what would
/// move the URL or break the provider's deliveries (another Secret, another
/// type) is refused before anything is written, unless `--force` or a yes
/// at the prompt. Events, resources and labels converge to what is asked.
async fn converge(cluster: &Cluster, global: &GlobalArgs, args: &SetupArgs, plan: &Plan) -> CliResult<Existing> {
    let (namespace, name) = (global.namespace.as_str(), args.name.as_str());
    let api: Api<receiver::Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let Some(current) = cluster
        .call(&Action::object("get", "receivers", namespace, name), || {
            api.get_opt(name)
        })
        .await?
    else {
        return Ok(Existing::default());
    };
    let current_secret = current.spec.secret_ref.as_ref().map(|s| s.name.clone());
    let served = current
        .status
        .as_ref()
        .and_then(|status| status.webhook_path.clone())
        .filter(|path| !path.is_empty());
    let mut moves = Vec::new();
    if let (Some(asked), Some(kept)) = (&args.secret_name, &current_secret)
        && asked != kept
    {
        moves.push(format!(
            "--secret-name {asked} would take its token from another Secret than {kept}, so its hook path would move"
        ));
    }
    if current.spec.provider() != Some(plan.provider) {
        let path_moves = if current.spec.secret_ref.is_some() != plan.provider.needs_secret() {
            " and its hook path would move"
        } else {
            ""
        };
        moves.push(format!(
            "--type {} would replace its type {}: the provider's deliveries would be rejected{path_moves}",
            plan.provider, current.spec.type_
        ));
    }
    let secret = if moves.is_empty() {
        if let Some(kept) = &current_secret
            && args.secret_name.is_none()
            && *kept != args.name
        {
            progress::note(&format!(
                "keeping Secret {namespace}/{kept}, which Receiver {namespace}/{name} uses: its URL does not move"
            ));
        }
        current_secret.or_else(|| args.secret_name.clone())
    } else {
        confirm_move(namespace, name, served.as_deref(), &moves, args)?;
        args.secret_name.clone().or(current_secret)
    };
    Ok(Existing { secret, served })
}

/// Refuses, or asks on a terminal, before a re-run moves an existing
/// Receiver's URL or changes what its provider must send.
fn confirm_move(namespace: &str, name: &str, served: Option<&str>, moves: &[String], args: &SetupArgs) -> CliResult {
    let serving = served.map_or(String::new(), |path| format!(" and serves {path}"));
    let consequence = format!(
        "Receiver {namespace}/{name} already exists{serving}; {}",
        moves.join("; ")
    );
    if args.force {
        progress::warn(&format!("{consequence} (--force)"));
        return Ok(());
    }
    confirm_or_refuse(
        !args.yes,
        &consequence,
        "Change it?",
        format!("Receiver {namespace}/{name} was left as it is"),
        "nothing was changed: re-run without those flags to keep it, or with --force to change it",
    )
}

/// The table of what to paste, in the provider's own words.
fn print_instructions(
    global: &GlobalArgs,
    args: &SetupArgs,
    plan: &Plan,
    path: &str,
    base: Option<&WebhookBase>,
    token: Option<&str>,
    secret_name: &str,
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
            // Shown here, so not again by an interrupt.
            crate::interrupt::take_kept();
            token.to_string()
        } else {
            format!(
                "(hidden; re-run with --show-token, or: kubectl -n {} get secret {} -o jsonpath='{{.data.token}}' | base64 -d)",
                global.namespace, secret_name
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

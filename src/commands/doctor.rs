//! `flux-receiver doctor [NAME]`: every link from the provider to the
//! Receiver, checked, with a fix for each broken one.

use futures::future::join_all;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use receiver::api::Readiness;
use receiver::rbac::{self, Namespaces};
use receiver::sample::{self, SampleOptions};
use receiver::{ProviderType, Receiver, ResourceKind, webhook_path, webhook_url};

use crate::cli::{DoctorArgs, GlobalArgs};
use crate::cluster::address::{self, Sources, WebhookBase};
use crate::cluster::error::Action;
use crate::cluster::{Cluster, access, flux_objects, served};
use crate::commands::block_on;
use crate::commands::gitlab_hook::GitlabPlan;
use crate::commands::hook::{Finding, HookPlan, Level};
use crate::error::{CliError, CliResult};
use crate::plugin::display_name;
use crate::{http, output};
use receiver::token::token_of;

/// One checked link.
enum Verdict {
    Pass,
    Warn,
    Fail,
}

struct Report {
    lines: Vec<String>,
    failures: usize,
}

impl Report {
    fn add(&mut self, verdict: Verdict, what: impl Into<String>, fix: Option<String>) {
        let mark = match verdict {
            Verdict::Pass => "✔",
            Verdict::Warn => "⚠",
            Verdict::Fail => {
                self.failures += 1;
                "✗"
            }
        };
        self.lines.push(format!("{mark} {}", what.into()));
        if let Some(fix) = fix {
            self.lines.push(format!("    fix: {fix}"));
        }
    }
}

/// Runs `doctor`.
pub fn run(global: &GlobalArgs, args: &DoctorArgs) -> CliResult {
    // A GitHub flag without a token is a usage error before anything runs.
    let hook = HookPlan::from_args(&args.github, false)?;
    let gitlab = GitlabPlan::from_args(&args.gitlab, false)?;
    block_on(async {
        let cluster = Cluster::connect(global).await?;
        let mut report = Report {
            lines: Vec::new(),
            failures: 0,
        };
        check_permissions(&cluster, global, &mut report).await;
        let checked: CliResult = async {
            if check_flux(&cluster, global, &mut report).await? {
                let base = check_exposure(&cluster, global, args, &mut report).await;
                check_receivers(
                    &cluster,
                    global,
                    args,
                    base.as_ref(),
                    (hook.as_ref(), gitlab.as_ref()),
                    &mut report,
                )
                .await?;
            }
            Ok(())
        }
        .await;
        // What was checked before a request failed is still worth reading
        // (a missing permission above explains a forbidden request).
        // The lines quote the cluster and the provider (names, URLs,
        // messages, a hook's events): escaped, so each stays one line and
        // cannot act on the terminal.
        let text: String = report
            .lines
            .iter()
            .map(|l| format!("{}\n", crate::printable::escape_controls(l)))
            .collect();
        output::print(&text)?;
        checked?;
        match report.failures {
            0 => Ok(()),
            n => Err(CliError::failure(format!(
                "{n} check{} failed",
                if n == 1 { "" } else { "s" }
            ))),
        }
    })
}

/// The caller's own permissions, asked with SelfSubjectAccessReview: which
/// commands would fail for want of a grant in this namespace (the required
/// rules of `rbac`; optional ones only cost a detail). A warning, not a
/// failure: a read-only user is not a broken webhook.
async fn check_permissions(cluster: &Cluster, global: &GlobalArgs, report: &mut Report) {
    let namespaces = Namespaces {
        target: Some(&global.namespace),
        flux: &global.flux_namespace,
    };
    let grants = rbac::required_grants(&rbac::COMMANDS, &namespaces);
    let answers = join_all(grants.keys().map(|grant| access::allowed(cluster, grant))).await;
    let mut missing = Vec::new();
    for ((grant, commands), answer) in grants.iter().zip(answers) {
        match answer {
            Ok(true) => {}
            Ok(false) => missing.push((grant, commands)),
            Err(err) => {
                report.add(Verdict::Warn, format!("cannot check your permissions: {err}"), None);
                return;
            }
        }
    }
    let namespace = &global.namespace;
    if missing.is_empty() {
        report.add(
            Verdict::Pass,
            format!(
                "your permissions suffice for every command in namespace '{namespace}' ({} checked with SelfSubjectAccessReview)",
                grants.len()
            ),
            None,
        );
        return;
    }
    let count = missing.len();
    report.add(
        Verdict::Warn,
        format!(
            "you lack {count} permission{} that commands need in namespace '{namespace}' (SelfSubjectAccessReview):",
            if count == 1 { "" } else { "s" }
        ),
        None,
    );
    let mut failing: Vec<&str> = Vec::new();
    for (grant, commands) in missing {
        report
            .lines
            .push(format!("    cannot {grant}: {} fail without it", commands.join(", ")));
        for command in commands {
            if !failing.contains(command) {
                failing.push(command);
            }
        }
    }
    let example = failing.first().copied().unwrap_or("list");
    report.lines.push(format!(
        "    fix: ask a cluster administrator to bind the rules `{} rbac {example} -n {namespace} --export` prints (one command at a time, or all without COMMAND)",
        display_name()
    ));
}

async fn check_flux(cluster: &Cluster, global: &GlobalArgs, report: &mut Report) -> CliResult<bool> {
    // Ask discovery, not an error message: does the API server serve
    // receivers in notification.toolkit.fluxcd.io/v1?
    let group_version = "notification.toolkit.fluxcd.io/v1";
    let action = Action::collection("discover", group_version, None);
    let served = cluster
        .call(&action, || async {
            match cluster.client.list_api_group_resources(group_version).await {
                Ok(list) => Ok(list.resources.iter().any(|r| r.name == "receivers")),
                Err(kube::Error::Api(status)) if status.code == 404 => Ok(false),
                Err(err) => Err(err),
            }
        })
        .await?;
    if served {
        report.add(
            Verdict::Pass,
            "Flux CRDs installed (receivers.notification.toolkit.fluxcd.io/v1)",
            None,
        );
    } else {
        report.add(
            Verdict::Fail,
            "Flux CRDs are not installed (no receivers in notification.toolkit.fluxcd.io/v1)",
            Some("install Flux: `flux install`".into()),
        );
        return Ok(false);
    }
    let namespace = global.flux_namespace.as_str();
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), namespace);
    let get = Action::object("get", "deployments", namespace, "notification-controller");
    let available = match cluster
        .call(&get, || deployments.get_opt("notification-controller"))
        .await?
    {
        None => {
            report.add(
                Verdict::Fail,
                format!("no notification-controller Deployment in '{namespace}'"),
                Some("install Flux (`flux install`), or pass --flux-namespace".into()),
            );
            return Ok(false);
        }
        Some(d) => d.status.and_then(|s| s.available_replicas).unwrap_or(0),
    };
    if available > 0 {
        report.add(
            Verdict::Pass,
            format!("notification-controller available in '{namespace}' ({available} replica)"),
            None,
        );
    } else {
        report.add(
            Verdict::Fail,
            "notification-controller has no available replica",
            Some(format!(
                "kubectl -n {namespace} describe deployment notification-controller"
            )),
        );
    }
    Ok(true)
}

async fn check_exposure(
    cluster: &Cluster,
    global: &GlobalArgs,
    args: &DoctorArgs,
    report: &mut Report,
) -> Option<WebhookBase> {
    if let Some(host) = &args.hostname {
        report.add(Verdict::Pass, format!("webhook address given: {host}"), None);
        return Some(address::from_hostname(host));
    }
    match address::discover(cluster, &global.flux_namespace, Sources::ServicesAndRoutes).await {
        Some(base) => {
            report.add(
                Verdict::Pass,
                format!("webhook port 9292 reachable at {} (from {})", base.url, base.source),
                None,
            );
            Some(base)
        }
        None => {
            report.add(
                Verdict::Fail,
                "no external address reaches the webhook port 9292",
                Some(format!(
                    "`{} expose` (LoadBalancer or NodePort), or an Ingress to the webhook-receiver Service",
                    display_name()
                )),
            );
            None
        }
    }
}

async fn check_receivers(
    cluster: &Cluster,
    global: &GlobalArgs,
    args: &DoctorArgs,
    base: Option<&WebhookBase>,
    (hook, gitlab): (Option<&HookPlan>, Option<&GitlabPlan>),
    report: &mut Report,
) -> CliResult {
    let namespace = global.namespace.as_str();
    let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let receivers = match &args.name {
        Some(name) => vec![
            cluster
                .call(&Action::object("get", "receivers", namespace, name), || {
                    api.get_opt(name)
                })
                .await?
                .ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?,
        ],
        None => {
            let params = ListParams::default();
            cluster
                .call(&Action::collection("list", "receivers", Some(namespace)), || {
                    api.list(&params)
                })
                .await?
                .items
        }
    };
    if receivers.is_empty() {
        report.add(
            Verdict::Warn,
            format!("no Receivers in namespace '{namespace}'"),
            Some(format!("`{} setup NAME`", display_name())),
        );
    }
    for receiver in &receivers {
        check_receiver(cluster, namespace, receiver, args, base, report).await?;
        let address = (args.hostname.as_deref(), global.flux_namespace.as_str());
        let (name, events) = (receiver.name_any(), &receiver.spec.events);
        if let Some(hook) = hook {
            let inspect = async |url: &str| hook.inspect(url, &name, namespace, events).await;
            let provider = (ProviderType::Github, "GitHub");
            check_provider_hook(cluster, receiver, address, provider, inspect, report).await?;
        }
        if let Some(gitlab) = gitlab {
            let inspect = async |url: &str| gitlab.inspect(url, &name, namespace, events).await;
            let provider = (ProviderType::Gitlab, "GitLab");
            check_provider_hook(cluster, receiver, address, provider, inspect, report).await?;
        }
    }
    Ok(())
}

async fn check_receiver(
    cluster: &Cluster,
    namespace: &str,
    receiver: &Receiver,
    args: &DoctorArgs,
    base: Option<&WebhookBase>,
    report: &mut Report,
) -> CliResult {
    let name = receiver.name_any();
    let bin = display_name();
    report
        .lines
        .push(format!("Receiver {namespace}/{name} ({})", receiver.spec.type_));
    let provider = receiver.spec.provider();
    let mut token = None;
    let mut secret_base = None;
    if let Some(secret_ref) = &receiver.spec.secret_ref {
        let secrets: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
        let action = Action::object("get", "secrets", namespace, &secret_ref.name);
        match cluster.call(&action, || secrets.get_opt(&secret_ref.name)).await? {
            None => report.add(
                Verdict::Fail,
                format!("  Secret '{}' does not exist", secret_ref.name),
                Some(format!(
                    "{bin} secret {} -n {namespace} --type {}",
                    secret_ref.name, receiver.spec.type_
                )),
            ),
            Some(secret) => {
                secret_base = address::from_secret(&secret);
                token = token_of(&secret);
                let missing: Vec<&str> = std::iter::once("token")
                    .chain(
                        provider
                            .map(|p| p.info().extra_secret_keys.iter().copied())
                            .into_iter()
                            .flatten(),
                    )
                    .filter(|key| secret.data.as_ref().is_none_or(|d| !d.contains_key(*key)))
                    .collect();
                if missing.is_empty() {
                    report.add(
                        Verdict::Pass,
                        format!("  Secret '{}' has {}", secret_ref.name, describe_keys(provider)),
                        None,
                    );
                } else {
                    report.add(
                        Verdict::Fail,
                        format!("  Secret '{}' lacks {}", secret_ref.name, missing.join(", ")),
                        Some(format!(
                            "{bin} secret {} -n {namespace} --type {} --force",
                            secret_ref.name, receiver.spec.type_
                        )),
                    );
                }
            }
        }
    } else if provider == Some(ProviderType::GenericOidc) {
        token = Some(String::new());
    }

    if receiver.spec.is_suspended() {
        report.add(
            Verdict::Fail,
            "  suspended: its webhook answers 503",
            Some(format!("{bin} resume {name} -n {namespace}")),
        );
    }
    let served = receiver
        .status
        .as_ref()
        .and_then(|s| s.webhook_path.clone())
        .filter(|p| !p.is_empty());
    match receiver.readiness() {
        Readiness::Ready { .. } => report.add(Verdict::Pass, "  Ready", None),
        Readiness::NotReady { reason, message } => report.add(
            Verdict::Fail,
            format!("  not Ready: {reason}: {message}"),
            Some(format!(
                "fix the cause above, then `{bin} reconcile {name} -n {namespace}`"
            )),
        ),
        Readiness::Pending => report.add(
            Verdict::Fail,
            "  the controller has not reported on its current generation",
            Some(format!("{bin} reconcile {name} -n {namespace}")),
        ),
    }
    if let (Some(token), Some(served)) = (&token, &served) {
        let expected = webhook_path(token, &name, namespace);
        if *served == expected {
            report.add(
                Verdict::Pass,
                format!("  serves {served}, the path its token yields"),
                None,
            );
        } else {
            report.add(
                Verdict::Fail,
                format!("  serves {served}, but the token now yields {expected} (rotated, not reconciled)"),
                Some(format!(
                    "{bin} reconcile {name} -n {namespace}, then update the provider's webhook URL"
                )),
            );
        }
    }
    if let Some(provider) = provider {
        let known = provider.info().common_events;
        // A near miss of a known event (`pushh`) is a typo that makes
        // the Receiver ignore every real event: a failure, with the fix.
        for event in &receiver.spec.events {
            if let Some(meant) = receiver::suggest::near_miss(event, known.iter().copied()) {
                report.add(
                    Verdict::Fail,
                    format!("  event '{event}' is never sent by {provider}; did you mean '{meant}'?"),
                    Some(format!(
                        "replace '{event}' with '{meant}' in spec.events: re-run `{bin} create {name}` with \
                         --event {meant}, or `kubectl -n {namespace} edit receiver {name}`"
                    )),
                );
            }
        }
        let unknown: Vec<&String> = receiver
            .spec
            .events
            .iter()
            .filter(|e| {
                !known.iter().any(|k| k.eq_ignore_ascii_case(e))
                    && receiver::suggest::near_miss(e, known.iter().copied()).is_none()
            })
            .collect();
        if !unknown.is_empty() && !known.is_empty() {
            let list: Vec<&str> = unknown.iter().map(|e| e.as_str()).collect();
            report.add(
                Verdict::Warn,
                format!(
                    "  events not usually sent by {provider}: {} (known: {})",
                    list.join(", "),
                    known.join(", ")
                ),
                None,
            );
        }
    }
    for reference in &receiver.spec.resources {
        check_resource(cluster, namespace, reference, report).await;
    }
    if args.send {
        let base = secret_base.as_ref().or(base);
        match (base, &served, token) {
            (Some(base), Some(path), Some(token)) => {
                let url = webhook_url(&base.url, path);
                let options = SampleOptions {
                    token,
                    delivery_id: "flux-receiver-doctor".into(),
                    bearer: args
                        .oidc_token
                        .clone()
                        .filter(|_| provider == Some(ProviderType::GenericOidc)),
                    ..Default::default()
                };
                match provider.map(|p| sample::request(p, &options)) {
                    Some(Ok(request)) => {
                        let retries = http::Retries {
                            extra: 2,
                            delay: std::time::Duration::from_secs(1),
                            attempt_timeout: std::time::Duration::from_secs(10),
                        };
                        match http::deliver(&url, &request.headers, &request.body, retries, |_| {}).await {
                            Ok(answer) => report.add(
                                Verdict::Pass,
                                format!("  a signed test event to {url} was accepted: {}", http::describe(&answer)),
                                None,
                            ),
                            Err(failed) => report.add(
                                Verdict::Fail,
                                format!("  a signed test event to {url} failed {}: {failed}", failed.when()),
                                Some(format!(
                                    "check that {url} is reachable from here, then `{bin} trigger {name} -n {namespace} --verbose`"
                                )),
                            ),
                        }
                    }
                    Some(Err(err)) => report.add(Verdict::Warn, format!("  no test event sent: {err}"), None),
                    None => report.add(Verdict::Warn, "  no test event sent: unknown type", None),
                }
            }
            _ => report.add(Verdict::Warn, "  no test event sent: no URL or token known", None),
        }
    }
    Ok(())
}

/// The Receiver's webhook at `provider` (named `label`), read there by
/// `inspect` given the Receiver's current URL: that one delivers to it,
/// and what its recent deliveries were answered.
async fn check_provider_hook(
    cluster: &Cluster,
    receiver: &Receiver,
    (hostname, flux_namespace): (Option<&str>, &str),
    (provider, label): (ProviderType, &str),
    inspect: impl AsyncFnOnce(&str) -> Vec<Finding>,
    report: &mut Report,
) -> CliResult {
    if receiver.spec.provider() != Some(provider) {
        report.add(
            Verdict::Warn,
            format!(
                "  {label} webhook not checked: type {}, not {provider}",
                receiver.spec.type_
            ),
            None,
        );
        return Ok(());
    }
    let served = served::served(cluster, receiver, hostname, flux_namespace).await?;
    let Some(url) = served.url else {
        report.add(
            Verdict::Warn,
            format!(
                "  {label} webhook not checked: the Receiver's URL is not known (it serves no path, or pass --hostname)"
            ),
            None,
        );
        return Ok(());
    };
    for finding in inspect(&url).await {
        let verdict = match finding.level {
            Level::Pass => Verdict::Pass,
            Level::Warn => Verdict::Warn,
            Level::Fail => Verdict::Fail,
        };
        report.add(verdict, format!("  {}", finding.what), finding.fix);
    }
    Ok(())
}

fn describe_keys(provider: Option<ProviderType>) -> String {
    match provider.map(|p| p.info().extra_secret_keys).filter(|k| !k.is_empty()) {
        Some(extra) => format!("token, {}", extra.join(", ")),
        None => "a token".into(),
    }
}

async fn check_resource(
    cluster: &Cluster,
    namespace: &str,
    reference: &receiver::api::CrossNamespaceObjectReference,
    report: &mut Report,
) {
    let target_namespace = reference.namespace.as_deref().unwrap_or(namespace);
    let shown = format!("{}/{} in '{target_namespace}'", reference.kind, reference.name);
    let Ok(kind) = reference.kind.parse::<ResourceKind>() else {
        report.add(
            Verdict::Fail,
            format!("  resource {shown}: unknown kind"),
            Some(format!(
                "use one of: {}",
                receiver::suggest::one_of(ResourceKind::ALL.map(ResourceKind::as_str))
            )),
        );
        return;
    };
    // Each of these makes every webhook answer 500 although the Receiver is Ready.
    if reference.api_version.is_none() && kind.controller_default_api_version().is_none() {
        report.add(
            Verdict::Fail,
            format!(
                "  resource {shown} has no apiVersion, which the controller cannot default for {kind}: every webhook answers 500"
            ),
            Some(format!(
                "add `apiVersion: {}` to the resource (`{} create` in the cluster writes it)",
                kind.api_version(),
                display_name()
            )),
        );
    }
    if reference.name == receiver::resource_ref::WILDCARD {
        if reference.match_labels.is_empty() {
            report.add(
                Verdict::Fail,
                format!("  resource {shown} has no matchLabels, which '*' needs: every webhook answers 500"),
                Some(format!(
                    "add matchLabels to the resource (`{} create … --match-label KEY=VALUE`)",
                    display_name()
                )),
            );
        } else {
            report.add(Verdict::Pass, format!("  resource {shown}: selected by labels"), None);
        }
        return;
    }
    let found = flux_objects::exists(
        cluster,
        kind,
        reference.api_version.as_deref(),
        target_namespace,
        &reference.name,
    );
    match found.await {
        Ok(true) => report.add(Verdict::Pass, format!("  resource {shown} exists"), None),
        Ok(false) => report.add(
            Verdict::Fail,
            format!("  resource {shown} does not exist"),
            Some("create it, or fix the Receiver's --resource".into()),
        ),
        Err(err) => report.add(Verdict::Warn, format!("  resource {shown}: cannot check ({err})"), None),
    }
}

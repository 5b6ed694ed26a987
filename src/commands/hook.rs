//! Registering a Receiver's webhook with GitHub, for `setup` and `delete`:
//! the flags turned into a plan before anything is written, then the
//! provider client (crate::provider::github) called with the Receiver's URL.

use std::path::Path;

use receiver::delivery::explain;
use receiver::github::{DesiredHook, HookConfig, HookScope, hook_events, to_redeliver};

use crate::cli::GithubArgs;
use crate::commands::provider_token::{self, TokenSources};
use crate::error::{CliError, CliResult};
use crate::provider::github::Client;
use crate::{output, printable, progress};

/// The environment variables a GitHub token is read from, in order.
pub const TOKEN_VARIABLES: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

/// What to do at GitHub, decided from the flags before the cluster is
/// touched.
pub struct HookPlan {
    scope: HookScope,
    api_url: String,
    /// `None` only for a dry run without a token.
    token: Option<String>,
    dry_run: bool,
}

impl HookPlan {
    /// The plan for `args`, or `None` without `--github-repo`/`--github-org`.
    /// A missing or unreadable token is a usage error here, so that nothing
    /// is written to the cluster for a hook that cannot be registered; a
    /// dry run sends nothing and needs none.
    pub fn from_args(args: &GithubArgs, dry_run: bool) -> CliResult<Option<HookPlan>> {
        let Some(scope) = args.scope().cloned() else {
            if dry_run {
                return Err(CliError::usage(
                    "--dry-run-hook shows the provider requests, so it needs --github-repo OWNER/REPO, --github-org ORG, \
                     --gitlab-project GROUP/PROJECT or --gitlab-group GROUP",
                ));
            }
            return Ok(None);
        };
        let token = match token(args.github_token_file.as_deref(), |name| std::env::var(name).ok()) {
            Ok(token) => Some(token),
            Err(_) if dry_run && args.github_token_file.is_none() => None,
            Err(err) => return Err(err),
        };
        if plain_http_elsewhere(&args.github_api_url) {
            progress::warn(&format!(
                "--github-api-url {} is plain http: the token and the hook's secret cross the network unencrypted",
                args.github_api_url
            ));
        }
        Ok(Some(HookPlan {
            scope,
            api_url: args.github_api_url.clone(),
            token,
            dry_run,
        }))
    }

    fn client(&self) -> Client {
        Client::new(
            &self.api_url,
            self.token.as_deref().unwrap_or_default(),
            self.scope.clone(),
        )
    }

    /// Creates or updates the hook delivering to `url`, signed with
    /// `secret`, for the Receiver's `events`; or, in a dry run, prints the
    /// requests instead.
    pub async fn register(&self, url: &str, secret: &str, events: &[String]) -> CliResult {
        let desired = DesiredHook {
            events: hook_events(events),
            config: HookConfig::new(url, secret),
        };
        if !events.is_empty() && !events.iter().any(|e| e.eq_ignore_ascii_case("ping")) {
            progress::warn(
                "the Receiver's events do not include ping: GitHub's ping on creating the webhook is answered 400 \
                 (add --event ping to accept it)",
            );
        }
        let mut client = self.client();
        if self.dry_run {
            let mut text = format!(
                "GitHub webhook (dry run, nothing sent): would list the hooks of {}, then create this one, or PATCH \
                 {}/<id> with the same body less \"name\" if one delivers to {url} already:\n\n",
                self.scope,
                client.hooks_url()
            );
            for request in client.planned(&desired) {
                text.push_str(&request.redacted());
                text.push('\n');
            }
            return output::print(&text);
        }
        let (ensured, id) = client.ensure_hook(&desired).await.map_err(CliError::failure)?;
        output::println(&format!(
            "✔ GitHub webhook {}: {} (id {id})",
            ensured.verb(),
            client.hooks_url()
        ))
    }

    /// The id of the hook delivering to `url`, looked up before the
    /// Receiver is deleted (after, its URL is gone).
    pub async fn find(&self, url: &str) -> CliResult<Option<u64>> {
        self.client().find(url).await.map_err(CliError::failure)
    }

    /// Deletes hook `id` (found by [`HookPlan::find`] for `url`), saying what
    /// happened; a hook already gone is no error.
    pub async fn remove(&self, id: Option<u64>, url: &str) -> CliResult {
        let client = self.client();
        let Some(id) = id else {
            return output::println(&format!(
                "no GitHub webhook of {} delivers to {url}: nothing to remove there",
                self.scope
            ));
        };
        if client.delete(id).await.map_err(CliError::failure)? {
            output::println(&format!("✔ GitHub webhook deleted: {} (id {id})", client.hooks_url()))
        } else {
            output::println(&format!("GitHub webhook {id} of {} was already gone", self.scope))
        }
    }
}

/// A hook found before a rotation: its id, and when the rotation started
/// on GitHub's clock (the deliveries to redeliver are those sent since).
pub struct Located {
    id: u64,
    since: jiff::Timestamp,
}

/// How long [`HookPlan::redeliver_failed`] waits for GitHub to report the
/// redeliveries' outcomes (they are queued, not sent, when it answers).
const OUTCOME_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

impl HookPlan {
    /// The hook delivering to `url` (the Receiver's URL before a rotation);
    /// an error, before anything is changed, when there is none: rotating
    /// would leave no hook to repoint.
    pub async fn locate(&self, url: &str) -> CliResult<Located> {
        let client = self.client();
        let since = client.clock().await.map_err(CliError::failure)?;
        match client.find_hook(url).await.map_err(CliError::failure)? {
            // Deliveries are stamped to the second: a margin keeps one sent
            // in the same second as the clock reading.
            Some(hook) => Ok(Located {
                id: hook.id,
                since: since - jiff::SignedDuration::from_secs(5),
            }),
            None => Err(CliError::failure(format!(
                "no GitHub webhook of {} delivers to {url}, so there is none to repoint: register it with `{bin} \
                 setup` and --github-repo/--github-org, or rotate without them (nothing was changed)",
                self.scope,
                bin = crate::plugin::display_name()
            ))),
        }
    }

    /// What a rotation would do at GitHub, for `rotate --dry-run`: the
    /// PATCH (secret hidden) of the hook delivering to `old_url`.
    pub fn planned_repoint(&self, old_url: &str, new_url: &str, secret: &str, events: &[String]) -> String {
        let desired = DesiredHook {
            events: hook_events(events),
            config: HookConfig::new(new_url, secret),
        };
        let client = self.client();
        format!(
            "GitHub webhook: once the controller serves the new path, the hook of {} that delivers to {old_url} \
             gets this PATCH (<id> is its id), then the deliveries that failed meanwhile are redelivered:\n\n{}",
            self.scope,
            client.planned_update(&desired).redacted()
        )
    }

    /// Points the located hook at `url`, signed with `secret`, in one
    /// request; the line to print.
    pub async fn repoint(&self, located: &Located, url: &str, secret: &str, events: &[String]) -> CliResult<String> {
        let desired = DesiredHook {
            events: hook_events(events),
            config: HookConfig::new(url, secret),
        };
        let mut client = self.client();
        client.repoint(located.id, &desired).await.map_err(|e| {
            CliError::failure(format!(
                "the token is rotated and the Receiver serves {url}, but the GitHub webhook (id {}) still \
                 delivers to the old URL: {e}; set its URL and secret by hand",
                located.id
            ))
        })?;
        Ok(format!(
            "✔ GitHub webhook repointed: {} (id {}), URL and secret in one request",
            client.hooks_url(),
            located.id
        ))
    }

    /// Redelivers every delivery of the located hook that failed since the
    /// rotation started (once per event), then waits briefly for GitHub to
    /// report how each redelivery was answered; the lines to print.
    pub async fn redeliver_failed(&self, located: &Located) -> CliResult<String> {
        let client = self.client();
        let failed = |e: String| CliError::failure(format!("the GitHub webhook is repointed, but {e}"));
        let deliveries = client
            .deliveries_since(located.id, located.since)
            .await
            .map_err(failed)?;
        let chosen = to_redeliver(&deliveries, located.since);
        if chosen.is_empty() {
            return Ok("✔ no delivery failed during the rotation: nothing to redeliver\n".to_string());
        }
        let mut text = String::new();
        let mut sent = Vec::new();
        for delivery in &chosen {
            client.redeliver(located.id, delivery.id).await.map_err(failed)?;
            sent.push(delivery.guid.clone());
        }
        text.push_str(&format!(
            "✔ redelivered {} deliveries that failed during the rotation: {}\n",
            chosen.len(),
            tally(chosen.iter().map(|d| d.event.as_str()))
        ));
        // A redelivery is a new delivery with the same guid.
        let deadline = std::time::Instant::now() + OUTCOME_WAIT;
        let outcomes = loop {
            let now = client
                .deliveries_since(located.id, located.since)
                .await
                .map_err(failed)?;
            let outcomes: Vec<(String, u16)> = sent
                .iter()
                .filter_map(|guid| {
                    now.iter()
                        .find(|d| d.redelivery && &d.guid == guid)
                        .map(|d| (d.event.clone(), d.status_code))
                })
                .collect();
            if outcomes.len() == sent.len() || std::time::Instant::now() >= deadline {
                break outcomes;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        };
        let accepted = outcomes.iter().filter(|(_, code)| explain(*code).accepted).count();
        text.push_str(&format!(
            "  accepted by the Receiver: {accepted} of {}{}\n",
            sent.len(),
            if outcomes.len() < sent.len() {
                format!(
                    " ({} not reported by GitHub within {}s)",
                    sent.len() - outcomes.len(),
                    OUTCOME_WAIT.as_secs()
                )
            } else {
                String::new()
            }
        ));
        for (event, code) in outcomes.iter().filter(|(_, code)| !explain(*code).accepted) {
            let explanation = explain(*code);
            progress::warn(&format!(
                "a redelivered {} was answered {code}: {}; fix: {}",
                printable::escape_controls(event),
                explanation.meaning,
                explanation.fix(crate::plugin::display_name())
            ));
        }
        Ok(text)
    }
}

impl HookPlan {
    /// The scope's name, as `repository o/r`.
    pub fn scope_label(&self) -> String {
        self.scope.to_string()
    }

    /// For each of `urls`, the id of the hook delivering there, if any
    /// (one listing of the scope's hooks for them all).
    pub async fn ids_for(&self, urls: &[&str]) -> CliResult<Vec<Option<u64>>> {
        let hooks = self.client().list().await.map_err(CliError::failure)?;
        Ok(urls
            .iter()
            .map(|url| receiver::github::find_hook(&hooks, url).map(|hook| hook.id))
            .collect())
    }
}

/// How much a [`Finding`] matters, as `doctor` marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Works.
    Pass,
    /// Worth knowing; nothing is lost.
    Warn,
    /// Deliveries are lost.
    Fail,
}

/// One thing `doctor` says about a Receiver's GitHub webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub level: Level,
    /// What was found.
    pub what: String,
    /// What to do about it, if anything.
    pub fix: Option<String>,
}

/// How many recent deliveries `doctor` reads.
const RECENT: u32 = 20;

impl HookPlan {
    /// What `doctor` says of the hook that should deliver to `url` (the
    /// Receiver `name` in `namespace`, accepting `events`): whether one
    /// does, is active and subscribed to the events, and what its recent
    /// deliveries were answered, explained.
    pub async fn inspect(&self, url: &str, name: &str, namespace: &str, events: &[String]) -> Vec<Finding> {
        let client = self.client();
        let bin = crate::plugin::display_name();
        let flag = self.scope.flag();
        let fail = |what: String| {
            vec![Finding {
                level: Level::Fail,
                what,
                fix: None,
            }]
        };
        let hooks = match client.list().await {
            Ok(hooks) => hooks,
            Err(e) => return fail(format!("GitHub webhook not checked: {e}")),
        };
        let Some(hook) = receiver::github::find_hook(&hooks, url) else {
            let stale = stale_hooks(&hooks, url);
            let what = if stale.is_empty() {
                format!("no GitHub webhook of {} delivers to {url}", self.scope)
            } else {
                format!(
                    "no GitHub webhook of {} delivers to {url}; {} deliver to other /hook/ paths of this host \
                     (stale after a rotation?): {}",
                    self.scope,
                    stale.len(),
                    stale.join(", ")
                )
            };
            return vec![Finding {
                level: Level::Fail,
                what,
                fix: Some(format!(
                    "{bin} setup {name} -n {namespace} {flag} registers it (and points no stale one anywhere: \
                     delete those at GitHub)"
                )),
            }];
        };
        let mut findings = vec![Finding {
            level: Level::Pass,
            what: format!(
                "GitHub webhook {} of {} delivers to the current URL",
                hook.id, self.scope
            ),
            fix: None,
        }];
        if !hook.active {
            findings.push(Finding {
                level: Level::Fail,
                what: format!("GitHub webhook {} is inactive: GitHub sends nothing", hook.id),
                fix: Some(format!("{bin} setup {name} -n {namespace} {flag} activates it")),
            });
        }
        let missing: Vec<String> = hook_events(events)
            .into_iter()
            .filter(|event| !hook.events.iter().any(|e| e == event || e == "*"))
            .collect();
        if !missing.is_empty() {
            findings.push(Finding {
                level: Level::Warn,
                what: format!(
                    "GitHub webhook {} is not subscribed to {} (it sends {})",
                    hook.id,
                    missing.join(", "),
                    printable::escape_controls(&hook.events.join(", "))
                ),
                fix: Some(format!("{bin} setup {name} -n {namespace} {flag} subscribes it")),
            });
        }
        match client.recent_deliveries(hook.id, RECENT).await {
            Ok(deliveries) => findings.extend(judge_deliveries(&deliveries, events, name, namespace, &flag)),
            Err(e) => findings.extend(fail(format!("its deliveries could not be read: {e}"))),
        }
        findings
    }
}

/// The other hooks of `hooks` delivering to a `/hook/` path on `url`'s
/// host, as `id → url`: a Receiver's URLs from before a rotation.
fn stale_hooks(hooks: &[receiver::github::Hook], url: &str) -> Vec<String> {
    stale_among(
        hooks
            .iter()
            .filter_map(|hook| Some((hook.id, hook.config.url.as_deref()?))),
        url,
    )
}

/// Of the hooks `(id, url)`, those delivering to another `/hook/` path on
/// `url`'s host, as `id → url`, whichever provider lists them.
pub(crate) fn stale_among<'a>(hooks: impl Iterator<Item = (u64, &'a str)>, url: &str) -> Vec<String> {
    let Some(prefix) = url.find("/hook/").map(|at| &url[..at + "/hook/".len()]) else {
        return Vec::new();
    };
    hooks
        .filter(|(_, other)| *other != url && other.starts_with(prefix))
        .map(|(id, other)| format!("{id} → {}", printable::escape_controls(other)))
        .collect()
}

/// What recent `deliveries` (newest first) say: how many were accepted,
/// and each status code that was not, explained with its fix; a failure
/// when the newest delivery failed (deliveries are being lost now), a
/// warning when a later one succeeded.
fn judge_deliveries(
    deliveries: &[receiver::github::Delivery],
    events: &[String],
    name: &str,
    namespace: &str,
    flag: &str,
) -> Vec<Finding> {
    let bin = crate::plugin::display_name();
    let Some(newest) = deliveries.first() else {
        return vec![Finding {
            level: Level::Warn,
            what: "GitHub has no recent deliveries of this webhook (none in the last 3 days, or it never fired)"
                .to_string(),
            fix: Some(format!(
                "push to the repository, or `{bin} trigger {name} -n {namespace}`"
            )),
        }];
    };
    let accepted = deliveries.iter().filter(|d| explain(d.status_code).accepted).count();
    let mut findings = vec![Finding {
        level: if explain(newest.status_code).accepted {
            Level::Pass
        } else {
            Level::Fail
        },
        what: format!(
            "its last {} deliveries: {accepted} accepted; the newest ({} at {}) was answered {}",
            deliveries.len(),
            printable::escape_controls(&newest.event),
            printable::escape_controls(&newest.delivered_at),
            describe_code(newest)
        ),
        fix: None,
    }];
    // One finding per failing code, newest first.
    let mut codes: Vec<u16> = Vec::new();
    for delivery in deliveries.iter().filter(|d| !explain(d.status_code).accepted) {
        if !codes.contains(&delivery.status_code) {
            codes.push(delivery.status_code);
        }
    }
    for code in codes {
        let with_code: Vec<&receiver::github::Delivery> = deliveries.iter().filter(|d| d.status_code == code).collect();
        let explanation = explain(code);
        let mut meaning = explanation.meaning.to_string();
        let mut fix = explanation.fix(bin);
        if code == 400 {
            // The controller's 400 is a bad signature or an event it does
            // not accept: the delivery's event tells which.
            let refused: Vec<String> = with_code
                .iter()
                .map(|d| d.event.clone())
                .filter(|event| {
                    event != "ping" && !events.is_empty() && !events.iter().any(|e| e.eq_ignore_ascii_case(event))
                })
                .collect();
            if let Some(event) = refused.first() {
                meaning = format!(
                    "the controller refused event '{}': it is not in the Receiver's spec.events",
                    printable::escape_controls(event)
                );
                fix = format!("add it: `{bin} create {name} -n {namespace} --event {event} …` with the other flags");
            } else {
                meaning = "the controller refused it: the signature does not match the Secret's token (the \
                           webhook's secret is not the Receiver's token)"
                    .to_string();
                fix = format!("{bin} setup {name} -n {namespace} {flag} sets the webhook's secret to the token");
            }
        }
        findings.push(Finding {
            level: if newest.status_code == code {
                Level::Fail
            } else {
                Level::Warn
            },
            what: format!(
                "{} of them answered {}: {meaning}",
                with_code.len(),
                describe_code(with_code[0])
            ),
            fix: Some(fix),
        });
    }
    findings
}

/// `404`, or for no answer at all GitHub's words (`0, failed to connect`).
fn describe_code(delivery: &receiver::github::Delivery) -> String {
    if delivery.status_code == 0 {
        format!("nothing ({})", printable::escape_controls(&delivery.status))
    } else {
        delivery.status_code.to_string()
    }
}

/// `push ×2, ping` from event names.
fn tally<'a>(events: impl Iterator<Item = &'a str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for event in events {
        match counts.iter_mut().find(|(name, _)| *name == event) {
            Some((_, count)) => *count += 1,
            None => counts.push((event, 1)),
        }
    }
    counts
        .iter()
        .map(|(event, count)| {
            let event = printable::escape_controls(event);
            if *count == 1 {
                event.into_owned()
            } else {
                format!("{event} ×{count}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `url` is http to a host other than this machine's loopback
/// (where the tests' fake runs).
pub(crate) fn plain_http_elsewhere(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    // Less a `:port`; `[::1]` keeps its colons.
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    !(host == "localhost" || host == "[::1]" || host.starts_with("127."))
}

/// The GitHub token: from `--github-token-file`, else the first of
/// [`TOKEN_VARIABLES`] that is set and not empty (`env` reads one).
fn token(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> CliResult<String> {
    let missing = format!(
        "--github-repo/--github-org need a GitHub token: pass --github-token-file FILE or set {} or {} \
         (nothing was changed)",
        TOKEN_VARIABLES[0], TOKEN_VARIABLES[1]
    );
    let sources = TokenSources {
        file_flag: "--github-token-file <FILE>",
        variables: &TOKEN_VARIABLES,
        missing: &missing,
    };
    provider_token::read(file, &sources, env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(id: u64, event: &str, code: u16) -> receiver::github::Delivery {
        receiver::github::Delivery {
            id,
            guid: format!("g{id}"),
            delivered_at: format!("2026-12-02T10:00:{id:02}Z"),
            redelivery: false,
            status: if code == 0 {
                "failed to connect to host".into()
            } else {
                String::new()
            },
            status_code: code,
            event: event.into(),
            action: None,
        }
    }

    fn judged(deliveries: &[receiver::github::Delivery], events: &[&str]) -> Vec<Finding> {
        let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
        judge_deliveries(deliveries, &events, "app", "flux-system", "--github-repo o/r")
    }

    #[test]
    fn deliveries_failing_now_fail_and_earlier_failures_warn_each_code_explained() {
        // Newest first: the newest is a 404, an older 503 was followed by success.
        let findings = judged(
            &[
                delivery(5, "push", 404),
                delivery(4, "push", 404),
                delivery(3, "push", 200),
                delivery(2, "push", 503),
                delivery(1, "ping", 200),
            ],
            &["push", "ping"],
        );
        assert_eq!(findings.len(), 3, "{findings:#?}");
        assert_eq!(findings[0].level, Level::Fail);
        assert!(
            findings[0]
                .what
                .contains("last 5 deliveries: 2 accepted; the newest (push at 2026-12-02T10:00:05Z) was answered 404"),
            "{findings:#?}"
        );
        assert_eq!(findings[1].level, Level::Fail);
        assert!(
            findings[1]
                .what
                .starts_with("2 of them answered 404: no Receiver serves that path")
        );
        assert_eq!(findings[2].level, Level::Warn);
        assert!(findings[2].what.starts_with("1 of them answered 503"));
        assert!(findings[2].fix.as_deref().unwrap().contains("resume NAME"));
    }

    #[test]
    fn a_400_is_told_apart_by_the_event_and_no_answer_quotes_github() {
        let refused_event = judged(&[delivery(2, "release", 400)], &["push", "ping"]);
        assert!(
            refused_event[1].what.contains("refused event 'release'"),
            "{refused_event:#?}"
        );
        assert!(refused_event[1].fix.as_deref().unwrap().contains("--event release"));
        let bad_signature = judged(&[delivery(2, "push", 400)], &["push", "ping"]);
        assert!(bad_signature[1].what.contains("signature"), "{bad_signature:#?}");
        assert!(
            bad_signature[1]
                .fix
                .as_deref()
                .unwrap()
                .contains("setup app -n flux-system --github-repo o/r")
        );
        // Every event accepted: a 400 can only be the signature.
        let all_events = judged(&[delivery(2, "release", 400)], &[]);
        assert!(all_events[1].what.contains("signature"));
        let unreachable = judged(&[delivery(1, "push", 0)], &[]);
        assert!(
            unreachable[0]
                .what
                .ends_with("answered nothing (failed to connect to host)"),
            "{unreachable:#?}"
        );
        assert!(unreachable[1].what.contains("could not connect"));
        let wrong_port = judged(&[delivery(1, "push", 202)], &[]);
        assert_eq!(wrong_port[0].level, Level::Fail);
        assert!(wrong_port[1].what.contains("9090"));
        let none = judged(&[], &[]);
        assert_eq!(none[0].level, Level::Warn);
        assert!(
            judged(&[delivery(1, "push", 200)], &[])
                .iter()
                .all(|f| f.level == Level::Pass)
        );
    }

    #[test]
    fn redelivered_events_are_tallied_in_order() {
        assert_eq!(tally(["push", "ping", "push"].into_iter()), "push ×2, ping");
        assert_eq!(tally(["a\u{1b}b"].into_iter()), "a\\u{1b}b");
    }

    #[test]
    fn stale_hooks_are_the_other_hook_paths_of_the_same_host() {
        let hook = |id: u64, url: &str| receiver::github::Hook {
            id,
            config: receiver::github::ReadConfig { url: Some(url.into()) },
            active: true,
            events: vec![],
        };
        let hooks = [
            hook(1, "https://hooks.example.com/hook/new"),
            hook(2, "https://hooks.example.com/hook/old"),
            hook(3, "https://ci.example.com/hook/x"),
        ];
        assert_eq!(
            stale_hooks(&hooks, "https://hooks.example.com/hook/new"),
            ["2 → https://hooks.example.com/hook/old"]
        );
    }

    #[test]
    fn plain_http_is_warned_about_unless_it_stays_on_this_machine() {
        assert!(plain_http_elsewhere("http://ghe.example.com/api/v3"));
        assert!(plain_http_elsewhere("http://10.0.0.1:8080"));
        assert!(!plain_http_elsewhere("http://127.0.0.1:4010"));
        assert!(!plain_http_elsewhere("http://localhost"));
        assert!(!plain_http_elsewhere("http://[::1]:80"));
        assert!(!plain_http_elsewhere("http://[::1]/api"));
        assert!(!plain_http_elsewhere("https://api.github.com"));
    }

    #[test]
    fn the_token_comes_from_the_file_then_github_token_then_gh_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\n").unwrap();
        let both = |name: &str| Some(format!("from-{name}"));
        assert_eq!(token(Some(&file), both).unwrap(), "from-file");
        assert_eq!(token(None, both).unwrap(), "from-GITHUB_TOKEN");
        let gh_only = |name: &str| (name == "GH_TOKEN").then(|| "from-gh".to_string());
        assert_eq!(token(None, gh_only).unwrap(), "from-gh");
        let empty = |_: &str| Some(String::new());
        let err = token(None, empty).unwrap_err().to_string();
        assert!(err.contains("GITHUB_TOKEN") && err.contains("GH_TOKEN"), "{err}");
        let err = token(Some(&dir.path().join("missing")), both).unwrap_err();
        assert!(
            matches!(err, CliError::Usage(_)) && err.to_string().contains("--github-token-file"),
            "{err}"
        );
    }
}

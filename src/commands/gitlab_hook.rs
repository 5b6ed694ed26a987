//! Registering a Receiver's webhook with GitLab, for `setup`, `delete` and
//! `rotate`: the flags turned into a plan before anything is written, then
//! the provider client (crate::provider::gitlab) called with the
//! Receiver's URL. The GitLab twin of [`crate::commands::hook`].

use std::path::Path;

use receiver::ProviderType;
use receiver::delivery::explain;
use receiver::gitlab::{DesiredHook, HookEvent, HookScope, hook_flags};

use crate::cli::GitlabArgs;
use crate::commands::hook::{Finding, Level, plain_http_elsewhere, stale_among};
use crate::commands::provider_token::{self, TokenSources};
use crate::error::{CliError, CliResult};
use crate::provider::gitlab::Client;
use crate::{output, printable, progress};

/// The environment variable a GitLab token is read from.
pub const TOKEN_VARIABLE: &str = "GITLAB_TOKEN";

/// What to do at GitLab, decided from the flags before the cluster is
/// touched.
pub struct GitlabPlan {
    scope: HookScope,
    gitlab_url: String,
    /// `None` only for a dry run without a token.
    token: Option<String>,
    dry_run: bool,
}

impl std::fmt::Debug for GitlabPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitlabPlan")
            .field("scope", &self.scope)
            .field("gitlab_url", &self.gitlab_url)
            .field("token", &self.token.as_ref().map(|_| receiver::gitlab::REDACTED))
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

impl GitlabPlan {
    /// A plan for `scope` at the GitLab at `gitlab_url` with `token`, for
    /// callers that have them already (and for tests).
    pub fn new(scope: HookScope, gitlab_url: &str, token: &str) -> GitlabPlan {
        GitlabPlan {
            scope,
            gitlab_url: gitlab_url.trim_end_matches('/').to_string(),
            token: Some(token.to_string()),
            dry_run: false,
        }
    }

    /// The plan for `args`, or `None` without `--gitlab-project` or
    /// `--gitlab-group`. A missing or unreadable token is a usage error
    /// here, so that nothing is written to the cluster for a hook that
    /// cannot be registered; a dry run sends nothing and needs none.
    pub fn from_args(args: &GitlabArgs, dry_run: bool) -> CliResult<Option<GitlabPlan>> {
        let Some(scope) = args.scope().cloned() else {
            return Ok(None);
        };
        let token = match token(args.gitlab_token_file.as_deref(), |name| std::env::var(name).ok()) {
            Ok(token) => Some(token),
            Err(_) if dry_run && args.gitlab_token_file.is_none() => None,
            Err(err) => return Err(err),
        };
        if plain_http_elsewhere(&args.gitlab_url) {
            progress::warn(&format!(
                "--gitlab-url {} is plain http: the token and the hook's secret token cross the network unencrypted",
                args.gitlab_url
            ));
        }
        Ok(Some(GitlabPlan {
            scope,
            gitlab_url: args.gitlab_url.clone(),
            token,
            dry_run,
        }))
    }

    /// The plan for `setup`: [`GitlabPlan::from_args`] after the checks
    /// that need the rest of setup's flags, all before anything is
    /// written: a gitlab Receiver (`provider`), in a cluster (no
    /// `--export`), with `events` GitLab has for this scope.
    pub fn for_setup(
        args: &GitlabArgs,
        provider: ProviderType,
        events: &[String],
        export: bool,
        dry_run: bool,
    ) -> CliResult<Option<GitlabPlan>> {
        let Some(scope) = args.scope() else {
            return Ok(None);
        };
        let flag = scope.flag();
        if provider != ProviderType::Gitlab {
            return Err(CliError::usage(format!(
                "{flag} registers a GitLab webhook, so it needs --type gitlab, not --type {provider}"
            )));
        }
        if export {
            return Err(CliError::usage(format!(
                "{flag} registers the Receiver's URL, which only the cluster knows: drop --export"
            )));
        }
        hook_flags(scope, events).map_err(|e| CliError::usage(format!("invalid value for '--event': {e}")))?;
        GitlabPlan::from_args(args, dry_run)
    }

    /// The scope's name, as `project group/app`.
    pub fn scope_label(&self) -> String {
        self.scope.to_string()
    }

    fn client(&self) -> Client {
        Client::new(
            &self.gitlab_url,
            self.token.as_deref().unwrap_or_default(),
            self.scope.clone(),
        )
    }

    /// The hook for the Receiver's `events`, delivering to `url` with
    /// `secret` as its token.
    fn desired(&self, url: &str, secret: &str, events: &[String]) -> CliResult<DesiredHook> {
        let flags = hook_flags(&self.scope, events)
            .map_err(|e| CliError::usage(format!("invalid value for '--event': {e}")))?;
        Ok(DesiredHook {
            url: url.to_string(),
            token: secret.to_string(),
            flags,
        })
    }

    /// Creates or updates the hook delivering to `url`, with `secret` as
    /// its token, for the Receiver's `events`; or, in a dry run, prints the
    /// requests instead.
    pub async fn register(&self, url: &str, secret: &str, events: &[String]) -> CliResult {
        let desired = self.desired(url, secret, events)?;
        let mut client = self.client();
        if self.dry_run {
            let mut text = format!(
                "GitLab webhook (dry run, nothing sent): would list the hooks of {}, then create this one, or PUT \
                 the same body to {}/<id> if one delivers to {url} already:\n\n",
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
            "✔ GitLab webhook {}: {} (id {id})",
            ensured.verb(),
            client.hooks_url()
        ))
    }

    /// The id of the hook delivering to `url`, looked up before the
    /// Receiver is deleted (after, its URL is gone).
    pub async fn find(&self, url: &str) -> CliResult<Option<u64>> {
        let hook = self.client().find(url).await.map_err(CliError::failure)?;
        Ok(hook.map(|hook| hook.id))
    }

    /// Deletes hook `id` (found by [`GitlabPlan::find`] for `url`), saying
    /// what happened; a hook already gone is no error.
    pub async fn remove(&self, id: Option<u64>, url: &str) -> CliResult {
        let client = self.client();
        let Some(id) = id else {
            return output::println(&format!(
                "no GitLab webhook of {} delivers to {url}: nothing to remove there",
                self.scope
            ));
        };
        if client.delete(id).await.map_err(CliError::failure)? {
            output::println(&format!("✔ GitLab webhook deleted: {} (id {id})", client.hooks_url()))
        } else {
            output::println(&format!("GitLab webhook {id} of {} was already gone", self.scope))
        }
    }

    /// For `rotate`: moves the hook delivering to `old_url` to `new_url`
    /// and `new_token` in one PUT (GitLab resets a hook's token when its
    /// URL changes, so both go together), with the Receiver's `events`. A
    /// hook already at `new_url` (a rotation resumed) is updated instead;
    /// none at either is an error, since pushes are then lost until one is
    /// registered. A dry run prints the requests instead.
    pub async fn rotate(&self, old_url: &str, new_url: &str, new_token: &str, events: &[String]) -> CliResult {
        let desired = self.desired(new_url, new_token, events)?;
        let mut client = self.client();
        if self.dry_run {
            let planned = client.planned(&desired);
            let put = receiver::gitlab::Request {
                method: "PUT",
                url: format!("{}/<id>", client.hooks_url()),
                ..planned[1].clone()
            };
            let mut text = format!(
                "GitLab webhook (dry run, nothing sent): would list the hooks of {}, then move the one delivering \
                 to {old_url} with:\n\n",
                self.scope
            );
            for request in [&planned[0], &put] {
                text.push_str(&request.redacted());
                text.push('\n');
            }
            return output::print(&text);
        }
        match client.rotate(old_url, &desired).await.map_err(CliError::failure)? {
            Some(id) => output::println(&format!(
                "✔ GitLab webhook moved to the new URL and token: {} (id {id})",
                client.hooks_url()
            )),
            None => Err(CliError::failure(format!(
                "no GitLab webhook of {} delivers to {old_url} (or to the new URL), so none was updated: register \
                 one with setup {} {}",
                self.scope,
                self.scope.flag(),
                self.scope.path()
            ))),
        }
    }
}

impl GitlabPlan {
    /// For each of `urls`, the id of the hook delivering there, if any
    /// (one listing of the scope's hooks for them all).
    pub async fn ids_for(&self, urls: &[&str]) -> CliResult<Vec<Option<u64>>> {
        let hooks = self.client().list().await.map_err(CliError::failure)?;
        Ok(urls
            .iter()
            .map(|url| receiver::gitlab::find_hook(&hooks, url).map(|hook| hook.id))
            .collect())
    }

    /// What `doctor` says of the hook that should deliver to `url` (the
    /// Receiver `name` in `namespace`, accepting `events`): whether one
    /// does, whether GitLab has turned it off, whether its flags cover the
    /// events, and what its recent deliveries were answered, explained.
    pub async fn inspect(&self, url: &str, name: &str, namespace: &str, events: &[String]) -> Vec<Finding> {
        let client = self.client();
        let bin = crate::plugin::display_name();
        let flag = format!("{} {}", self.scope.flag(), self.scope.path());
        let setup = format!("{bin} setup {name} -n {namespace} {flag}");
        let finding = |level: Level, what: String, fix: Option<String>| Finding { level, what, fix };
        let hooks = match client.list().await {
            Ok(hooks) => hooks,
            Err(e) => return vec![finding(Level::Fail, format!("GitLab webhook not checked: {e}"), None)],
        };
        let Some(hook) = receiver::gitlab::find_hook(&hooks, url) else {
            let stale = stale_hooks(&hooks, url);
            let what = if stale.is_empty() {
                format!("no GitLab webhook of {} delivers to {url}", self.scope)
            } else {
                format!(
                    "no GitLab webhook of {} delivers to {url}; {} deliver to other /hook/ paths of this host \
                     (stale after a rotation?): {}",
                    self.scope,
                    stale.len(),
                    stale.join(", ")
                )
            };
            return vec![finding(
                Level::Fail,
                what,
                Some(format!(
                    "{setup} registers it (and points no stale one anywhere: delete those at GitLab)"
                )),
            )];
        };
        let mut findings = vec![finding(
            Level::Pass,
            format!(
                "GitLab webhook {} of {} delivers to the current URL",
                hook.id, self.scope
            ),
            None,
        )];
        let kind = if self.scope.is_group() { "group" } else { "project" };
        // GitLab turns off a hook that keeps failing; its docs
        // (user/project/integrations/webhooks.md, "Re-enable disabled
        // webhooks") turn it back on by a test request answered 2xx, not
        // by an update such as setup's PUT.
        let reenable = format!(
            "fix what its deliveries are answered (below), then re-enable it in the {kind}'s Webhooks settings \
             (Test sends a delivery; a 2xx answer re-enables the hook)"
        );
        match hook.alert_status.as_deref() {
            Some("temporarily_disabled") => findings.push(finding(
                Level::Fail,
                format!(
                    "GitLab webhook {} is temporarily disabled after failing deliveries{}: GitLab sends nothing \
                     until then",
                    hook.id,
                    hook.disabled_until
                        .as_deref()
                        .map(|until| format!(" until {}", printable::escape_controls(until)))
                        .unwrap_or_default()
                ),
                Some(reenable.clone()),
            )),
            Some("disabled") => findings.push(finding(
                Level::Fail,
                format!(
                    "GitLab webhook {} is disabled after failing deliveries: GitLab sends nothing",
                    hook.id
                ),
                Some(reenable.clone()),
            )),
            _ => {}
        }
        if let Ok(wanted) = hook_flags(&self.scope, events) {
            let missing: Vec<&str> = wanted
                .iter()
                .filter(|(flag, on)| **on && hook.flag(flag) == Some(false))
                .map(|(flag, _)| *flag)
                .collect();
            if !missing.is_empty() {
                findings.push(finding(
                    Level::Warn,
                    format!(
                        "GitLab webhook {} does not send {} (its flags {} are off)",
                        hook.id,
                        receiver::gitlab::EVENTS
                            .iter()
                            .filter(|e| missing.contains(&e.flag))
                            .map(|e| e.header)
                            .collect::<Vec<_>>()
                            .join(", "),
                        missing.join(", ")
                    ),
                    Some(format!("{setup} turns them on")),
                ));
            }
        }
        match client.recent_events(hook.id, RECENT).await {
            Ok(Some(mut recent)) => {
                // Newest first, whatever order the server lists them in.
                recent.sort_by_key(|event| std::cmp::Reverse(event.id));
                findings.extend(judge_events(&recent, events, name, namespace, &flag));
            }
            Ok(None) => findings.push(finding(
                Level::Warn,
                "GitLab older than 17.3 keeps no delivery log readable by the API: its deliveries were not checked"
                    .to_string(),
                Some(format!(
                    "read them in the {kind}'s Webhooks settings (Edit, Recent events)"
                )),
            )),
            Err(e) => findings.push(finding(
                Level::Fail,
                format!("its deliveries could not be read: {e}"),
                None,
            )),
        }
        findings
    }
}

/// A hook found before a rotation: its id, and when the rotation started
/// on GitLab's clock (the events to resend are those made since).
pub struct GitlabLocated {
    id: u64,
    since: jiff::Timestamp,
}

/// The most events one rotation resends: GitLab allows five resends a
/// minute per hook.
const MAX_RESENDS: usize = 5;

impl GitlabPlan {
    /// The hook delivering to `url` (the Receiver's URL before a rotation);
    /// an error, before anything changes, when there is none.
    pub async fn locate(&self, url: &str) -> CliResult<GitlabLocated> {
        let client = self.client();
        let since = client.clock().await.map_err(CliError::failure)?;
        match client.find(url).await.map_err(CliError::failure)? {
            Some(hook) => Ok(GitlabLocated {
                id: hook.id,
                since: since - jiff::SignedDuration::from_secs(5),
            }),
            None => Err(CliError::failure(format!(
                "no GitLab webhook of {} delivers to {url}, so there is none to repoint: register it with `{bin} \
                 setup` and {}, or rotate without it (nothing was changed)",
                self.scope,
                self.scope.flag(),
                bin = crate::plugin::display_name()
            ))),
        }
    }

    /// Moves the located hook to `new_url` and `new_token` in one PUT
    /// (GitLab resets a hook's token when its URL changes, so both go
    /// together), with the Receiver's `events`: the hook [`GitlabPlan::locate`]
    /// found, so no second listing.
    pub async fn repoint(
        &self,
        located: &GitlabLocated,
        new_url: &str,
        new_token: &str,
        events: &[String],
    ) -> CliResult {
        let desired = self.desired(new_url, new_token, events)?;
        let mut client = self.client();
        client.repoint(located.id, &desired).await.map_err(|e| {
            CliError::failure(format!(
                "the token is rotated and the Receiver serves {new_url}, but the GitLab webhook (id {}) still \
                 delivers to the old URL: {e}; set its URL and secret token by hand",
                located.id
            ))
        })?;
        output::println(&format!(
            "✔ GitLab webhook moved to the new URL and token: {} (id {})",
            client.hooks_url(),
            located.id
        ))
    }

    /// Resends the located hook's events that failed since the rotation
    /// started (GitLab 17.4 and later re-executes the hook, so with its
    /// current URL and token), oldest first, at most [`MAX_RESENDS`]; the
    /// lines to print. A GitLab without the events API (before 17.3) is
    /// said, not an error: the hook is repointed already.
    pub async fn resend_failed(&self, located: &GitlabLocated) -> CliResult<String> {
        let client = self.client();
        let failed = |e: String| CliError::failure(format!("the GitLab webhook is repointed, but {e}"));
        let Some(events) = client
            .recent_events(located.id, receiver::gitlab::PER_PAGE)
            .await
            .map_err(failed)?
        else {
            return Ok(
                "GitLab keeps no delivery log readable by the API before 17.3: pushes sent during the rotation \
                 were not resent (see the hook's Recent events)\n"
                    .to_string(),
            );
        };
        let mut lost: Vec<(jiff::Timestamp, &HookEvent)> = events
            .iter()
            .filter(|event| !explain(code_of(event)).accepted)
            .filter_map(|event| {
                let at: jiff::Timestamp = event.created_at.as_deref()?.parse().ok()?;
                (at >= located.since).then_some((at, event))
            })
            .collect();
        if lost.is_empty() {
            return Ok("✔ no delivery failed during the rotation: nothing to resend\n".to_string());
        }
        lost.sort_by_key(|(at, event)| (*at, event.id));
        let skipped = lost.len().saturating_sub(MAX_RESENDS);
        lost.truncate(MAX_RESENDS);
        let mut accepted = 0;
        for (_, event) in &lost {
            let answer = client.resend(located.id, event.id).await.map_err(failed)?;
            let code = answer.trim().parse().unwrap_or(0);
            if explain(code).accepted {
                accepted += 1;
            } else {
                let explanation = explain(code);
                progress::warn(&format!(
                    "a resent {} was answered {}: {}; fix: {}",
                    printable::escape_controls(&header_of(event)),
                    printable::escape_controls(&answer),
                    explanation.meaning,
                    explanation.fix(crate::plugin::display_name())
                ));
            }
        }
        let mut text = format!(
            "✔ resent {} deliveries that failed during the rotation\n  accepted by the Receiver: {accepted} of {}\n",
            lost.len(),
            lost.len()
        );
        if skipped > 0 {
            text.push_str(&format!(
                "  {skipped} more failed: GitLab resends five a minute per hook, so resend them from the hook's \
                 Recent events\n"
            ));
        }
        Ok(text)
    }
}

/// How many recent events `doctor` reads.
const RECENT: u32 = 20;

/// The other hooks of `hooks` delivering to a `/hook/` path on `url`'s
/// host, as `id → url`: a Receiver's URLs from before a rotation.
fn stale_hooks(hooks: &[receiver::gitlab::Hook], url: &str) -> Vec<String> {
    stale_among(hooks.iter().map(|hook| (hook.id, hook.url.as_str())), url)
}

/// An event's status code: GitLab's text parsed, 0 for no answer
/// (`internal error`, empty).
fn code_of(event: &HookEvent) -> u16 {
    event.status().trim().parse().unwrap_or(0)
}

/// `404`, or for no answer GitLab's words (`nothing (internal error)`).
fn describe_code(event: &HookEvent) -> String {
    match code_of(event) {
        0 => {
            let status = event.status();
            let status = if status.trim().is_empty() {
                "no status"
            } else {
                status.as_str()
            };
            format!("nothing ({})", printable::escape_controls(status))
        }
        code => code.to_string(),
    }
}

/// The `X-Gitlab-Event` an event was sent as, from its trigger.
fn header_of(event: &HookEvent) -> String {
    let trigger = event.trigger.as_deref().unwrap_or_default();
    receiver::gitlab::event_of_trigger(trigger)
        .map(|e| e.header.to_string())
        .unwrap_or_else(|| trigger.to_string())
}

/// What recent `events` (newest first) say: how many were accepted, and
/// each status code that was not, explained with its fix; a failure when
/// the newest failed (deliveries are being lost now), a warning when a
/// later one succeeded.
fn judge_events(
    events: &[HookEvent],
    accepted_events: &[String],
    name: &str,
    namespace: &str,
    flag: &str,
) -> Vec<Finding> {
    let bin = crate::plugin::display_name();
    let Some(newest) = events.first() else {
        return vec![Finding {
            level: Level::Warn,
            what: "GitLab has no recent deliveries of this webhook (none in the last 7 days, or it never fired)"
                .to_string(),
            fix: Some(format!("push to the project, or `{bin} trigger {name} -n {namespace}`")),
        }];
    };
    let accepted = events.iter().filter(|e| explain(code_of(e)).accepted).count();
    let mut findings = vec![Finding {
        level: if explain(code_of(newest)).accepted {
            Level::Pass
        } else {
            Level::Fail
        },
        what: format!(
            "its last {} deliveries: {accepted} accepted; the newest ({} at {}) was answered {}",
            events.len(),
            printable::escape_controls(&header_of(newest)),
            printable::escape_controls(newest.created_at.as_deref().unwrap_or("an unknown time")),
            describe_code(newest)
        ),
        fix: None,
    }];
    // One finding per failing code, newest first; a 400 split by its
    // cause (an event the Receiver does not accept, or the token).
    let cause = |event: &HookEvent| -> Option<String> {
        let header = header_of(event);
        (code_of(event) == 400
            && !accepted_events.is_empty()
            && !accepted_events.iter().any(|e| e.eq_ignore_ascii_case(&header)))
        .then_some(header)
    };
    let mut keys: Vec<(u16, Option<String>)> = Vec::new();
    for event in events.iter().filter(|e| !explain(code_of(e)).accepted) {
        let key = (code_of(event), cause(event));
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let newest_key = (code_of(newest), cause(newest));
    for key in keys {
        let (code, refused) = &key;
        let with_key: Vec<&HookEvent> = events
            .iter()
            .filter(|e| code_of(e) == *code && cause(e) == *refused)
            .collect();
        let explanation = explain(*code);
        let mut meaning = explanation.meaning.to_string();
        let mut fix = explanation.fix(bin);
        if *code == 400 {
            // The controller's 400 is a token that does not match or an
            // event it does not accept: the delivery's trigger tells which.
            match refused {
                Some(header) => {
                    let header = printable::escape_controls(header);
                    meaning = format!(
                        "the controller refused event '{header}' (X-Gitlab-Event): it is not in the Receiver's \
                         spec.events"
                    );
                    fix = format!(
                        "add it: `{bin} create {name} -n {namespace} --event '{header}' …` with the other flags"
                    );
                }
                None => {
                    meaning = "the controller refused it: the webhook's X-Gitlab-Token does not match the Secret's \
                               token"
                        .to_string();
                    fix = format!(
                        "{bin} setup {name} -n {namespace} {flag} sets the webhook's secret token to the token"
                    );
                }
            }
        }
        findings.push(Finding {
            level: if newest_key == key { Level::Fail } else { Level::Warn },
            what: format!(
                "{} of them answered {}: {meaning}",
                with_key.len(),
                describe_code(with_key[0])
            ),
            fix: Some(fix),
        });
    }
    findings
}

/// The GitLab token: from `--gitlab-token-file`, else [`TOKEN_VARIABLE`]
/// when it is set and not empty (`env` reads it).
fn token(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> CliResult<String> {
    let missing = format!(
        "--gitlab-project/--gitlab-group need a GitLab token with the api scope: pass --gitlab-token-file FILE or \
         set {TOKEN_VARIABLE} (nothing was changed)"
    );
    let sources = TokenSources {
        file_flag: "--gitlab-token-file <FILE>",
        variables: &[TOKEN_VARIABLE],
        missing: &missing,
    };
    provider_token::read(file, &sources, env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_file_then_gitlab_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\n").unwrap();
        let set = |name: &str| Some(format!("from-{name}"));
        assert_eq!(token(Some(&file), set).unwrap(), "from-file");
        assert_eq!(token(None, set).unwrap(), "from-GITLAB_TOKEN");
        let github_only = |name: &str| (name == "GITHUB_TOKEN").then(|| "gh".to_string());
        let err = token(None, github_only).unwrap_err();
        assert!(
            matches!(err, CliError::Usage(_)) && err.to_string().contains("GITLAB_TOKEN"),
            "{err}"
        );
        let err = token(None, |_| Some("  ".into())).unwrap_err().to_string();
        assert!(err.contains("--gitlab-token-file"), "{err}");
        let err = token(Some(&dir.path().join("missing")), set).unwrap_err();
        assert!(
            matches!(err, CliError::Usage(_)) && err.to_string().contains("--gitlab-token-file"),
            "{err}"
        );
    }

    #[test]
    fn setup_checks_the_type_export_and_events_before_anything_else() {
        let args = |project: Option<&str>| GitlabArgs {
            gitlab_project: project.map(|p| HookScope::parse_project(p).unwrap()),
            gitlab_group: None,
            gitlab_url: receiver::gitlab::DEFAULT_URL.into(),
            // No token anywhere: these checks come before the token's.
            gitlab_token_file: Some("/nonexistent/flux-receiver-token".into()),
        };
        let events = |list: &[&str]| list.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert!(
            GitlabPlan::for_setup(&args(None), ProviderType::Github, &[], false, false)
                .unwrap()
                .is_none()
        );
        let err = GitlabPlan::for_setup(&args(Some("g/p")), ProviderType::Github, &[], false, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--gitlab-project registers a GitLab webhook, so it needs --type gitlab, not --type github"
        );
        let err = GitlabPlan::for_setup(&args(Some("g/p")), ProviderType::Gitlab, &[], true, false).unwrap_err();
        assert!(err.to_string().contains("drop --export"), "{err}");
        let err = GitlabPlan::for_setup(
            &args(Some("g/p")),
            ProviderType::Gitlab,
            &events(&["Member Hook"]),
            false,
            false,
        )
        .unwrap_err();
        assert!(
            matches!(err, CliError::Usage(_)) && err.to_string().contains("'--event'"),
            "{err}"
        );
        let err = GitlabPlan::for_setup(
            &args(Some("g/p")),
            ProviderType::Gitlab,
            &events(&["Push Hook"]),
            false,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("--gitlab-token-file"), "{err}");
    }

    fn event(id: u64, trigger: &str, status: serde_json::Value) -> HookEvent {
        HookEvent {
            id,
            url: None,
            trigger: Some(trigger.into()),
            response_status: status,
            execution_duration: None,
            created_at: Some(format!("2026-12-02T10:00:{id:02}Z")),
        }
    }

    fn judged(events: &[HookEvent], accepted: &[&str]) -> Vec<Finding> {
        let accepted: Vec<String> = accepted.iter().map(|e| e.to_string()).collect();
        judge_events(events, &accepted, "app", "flux-system", "--gitlab-project g/p")
    }

    #[test]
    fn events_failing_now_fail_older_failures_warn_and_a_400_is_told_apart_by_its_trigger() {
        use serde_json::json;
        let findings = judged(
            &[
                event(5, "push_hooks", json!("404")),
                event(4, "push_hooks", json!("200")),
                event(3, "push_hooks", json!(503)),
                event(2, "tag_push_hooks", json!("400")),
                event(1, "push_hooks", json!("400")),
            ],
            &["Push Hook"],
        );
        assert_eq!(findings.len(), 5, "{findings:#?}");
        assert_eq!(findings[0].level, Level::Fail);
        assert!(
            findings[0].what.contains(
                "last 5 deliveries: 1 accepted; the newest (Push Hook at 2026-12-02T10:00:05Z) was answered 404"
            ),
            "{findings:#?}"
        );
        assert_eq!(findings[1].level, Level::Fail);
        assert!(findings[1].what.starts_with("1 of them answered 404: no Receiver"));
        assert_eq!(findings[2].level, Level::Warn);
        assert!(findings[2].what.starts_with("1 of them answered 503"));
        assert!(
            findings[3].what.contains("refused event 'Tag Push Hook'"),
            "{findings:#?}"
        );
        assert!(findings[4].what.contains("X-Gitlab-Token"), "{findings:#?}");
        assert!(
            findings[4]
                .fix
                .as_deref()
                .unwrap()
                .contains("setup app -n flux-system --gitlab-project g/p")
        );
        // Every event accepted: a 400 can only be the token.
        assert!(
            judged(&[event(1, "tag_push_hooks", json!("400"))], &[])[1]
                .what
                .contains("X-Gitlab-Token")
        );
        let unreachable = judged(&[event(1, "push_hooks", json!("internal error"))], &[]);
        assert!(
            unreachable[0].what.ends_with("answered nothing (internal error)"),
            "{unreachable:#?}"
        );
        assert!(unreachable[1].what.contains("could not connect"));
        assert_eq!(judged(&[], &[])[0].level, Level::Warn);
        assert!(
            judged(&[event(1, "push_hooks", json!("200"))], &[])
                .iter()
                .all(|f| f.level == Level::Pass)
        );
    }

    #[test]
    fn a_plan_never_shows_its_token() {
        let plan = GitlabPlan::new(HookScope::parse_group("g").unwrap(), "https://gitlab.com/", "glpat-xyz");
        let shown = format!("{plan:?}");
        assert!(!shown.contains("glpat-xyz") && shown.contains("[redacted]"), "{shown}");
        assert_eq!(plan.gitlab_url, "https://gitlab.com");
    }
}

//! Registering a Receiver's webhook with GitLab, for `setup`, `delete` and
//! `rotate`: the flags turned into a plan before anything is written, then
//! the provider client (crate::provider::gitlab) called with the
//! Receiver's URL. The GitLab twin of [`crate::commands::hook`].

use std::path::Path;

use receiver::ProviderType;
use receiver::gitlab::{DesiredHook, HookScope, hook_flags};

use crate::cli::GitlabArgs;
use crate::commands::hook::plain_http_elsewhere;
use crate::commands::provider_token::{self, TokenSources};
use crate::error::{CliError, CliResult};
use crate::provider::gitlab::Client;
use crate::{output, progress};

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

    #[test]
    fn a_plan_never_shows_its_token() {
        let plan = GitlabPlan::new(HookScope::parse_group("g").unwrap(), "https://gitlab.com/", "glpat-xyz");
        let shown = format!("{plan:?}");
        assert!(!shown.contains("glpat-xyz") && shown.contains("[redacted]"), "{shown}");
        assert_eq!(plan.gitlab_url, "https://gitlab.com");
    }
}

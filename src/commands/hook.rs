//! Registering a Receiver's webhook with GitHub, for `setup` and `delete`:
//! the flags turned into a plan before anything is written, then the
//! provider client (crate::provider::github) called with the Receiver's URL.

use std::path::Path;

use receiver::github::{DesiredHook, HookConfig, HookScope, hook_events};

use crate::cli::GithubArgs;
use crate::error::{CliError, CliResult};
use crate::provider::github::Client;
use crate::{output, progress};

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
                    "--dry-run-hook shows the GitHub requests, so it needs --github-repo OWNER/REPO or --github-org ORG",
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
    if let Some(path) = file {
        let raw = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "invalid value '{}' for '--github-token-file <FILE>': cannot read it: {e}",
                path.display()
            ))
        })?;
        return receiver::token::normalize(&raw).map_err(|e| {
            CliError::usage(format!(
                "invalid value '{}' for '--github-token-file <FILE>': {e}",
                path.display()
            ))
        });
    }
    for name in TOKEN_VARIABLES {
        if let Some(value) = env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            return Ok(value);
        }
    }
    Err(CliError::usage(format!(
        "--github-repo/--github-org need a GitHub token: pass --github-token-file FILE or set {} or {} \
         (nothing was changed)",
        TOKEN_VARIABLES[0], TOKEN_VARIABLES[1]
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

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

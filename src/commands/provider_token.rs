//! The token for a provider's API (GitHub's, GitLab's): from a file flag,
//! else the first of the provider's environment variables that is set and
//! not empty. Read before the cluster is touched, so that a missing one is
//! a usage error with nothing written.

use std::path::Path;

use crate::error::{CliError, CliResult};

/// Where one provider's token may come from, for [`read`].
pub struct TokenSources<'a> {
    /// The file flag as help shows it, e.g. `--github-token-file <FILE>`.
    pub file_flag: &'a str,
    /// The variables tried in order, e.g. `GITHUB_TOKEN`, `GH_TOKEN`.
    pub variables: &'a [&'a str],
    /// The whole usage error when none is found.
    pub missing: &'a str,
}

/// The token from `file` (trimmed of a final newline and checked like a
/// Receiver token), else from the first of `sources.variables` that `env`
/// finds set and not blank.
pub fn read(
    file: Option<&Path>,
    sources: &TokenSources<'_>,
    env: impl Fn(&str) -> Option<String>,
) -> CliResult<String> {
    if let Some(path) = file {
        let flag = sources.file_flag;
        let raw = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "invalid value '{}' for '{flag}': cannot read it: {e}",
                path.display()
            ))
        })?;
        return receiver::token::normalize(&raw)
            .map_err(|e| CliError::usage(format!("invalid value '{}' for '{flag}': {e}", path.display())));
    }
    sources
        .variables
        .iter()
        .find_map(|name| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
        .ok_or_else(|| CliError::usage(sources.missing))
}

//! One module per subcommand, each with a `run` taking its parsed flags.

pub mod completion;
pub mod create;
pub mod expose;
pub mod secret;
pub mod url;

use std::collections::BTreeMap;

use crate::cli::{Cli, Command};
use crate::error::{CliError, CliResult};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Create(args) => create::run(&cli.global, &args),
        Command::Secret(args) => secret::run(&cli.global, &args),
        Command::Url(args) => url::run(&cli.global, &args),
        Command::Expose(args) => expose::run(&cli.global, &args),
        Command::Completion(args) => completion::run(&args),
    }
}

/// Collects repeated `--label key=value` flags, rejecting a key given twice
/// with different values (the last one silently winning would surprise).
pub(crate) fn label_map(labels: &[(String, String)]) -> CliResult<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for (key, value) in labels {
        if let Some(previous) = map.insert(key.clone(), value.clone())
            && previous != *value
        {
            return Err(CliError::usage(format!(
                "invalid value '{key}={value}' for '--label <KEY=VALUE>': label '{key}' is already set to '{previous}'"
            )));
        }
    }
    Ok(map)
}

/// The error for a command run without `--export` while cluster support is
/// not built in yet: clear about what works today.
pub(crate) fn cluster_mode_unavailable(command: &str) -> CliError {
    CliError::failure(format!(
        "{command}: applying to a cluster is not supported by this build yet; add --export to print the manifest instead"
    ))
}

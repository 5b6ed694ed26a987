//! `flux-receiver completion SHELL`: print a completion script.

use crate::cli::CompletionArgs;
use crate::error::{CliError, CliResult};
use crate::generate;

/// Runs `completion`.
pub fn run(args: &CompletionArgs) -> CliResult {
    let script = generate::completion_script(args.shell);
    let text = String::from_utf8(script).map_err(|e| CliError::failure(e.to_string()))?;
    crate::output::print(&text)
}

//! flux-receiver: Flux webhook Receivers from one command.
//!
//! The binary is a thin shell over this library so that tests, and the
//! generators for shell completions and man pages, use the very same clap
//! definition the program parses with (flags are defined once, in [`cli`]).

pub mod cli;
pub mod cluster;
pub mod commands;
pub mod error;
pub mod generate;
pub mod input;
pub mod output;
pub mod progress;
pub mod render;

use std::process::ExitCode;

use clap::Parser;

/// Parses the process arguments, runs the command and maps the outcome to
/// an exit code: 0 success, 1 failure, 2 usage error.
pub fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return error::report_clap_error(err),
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}

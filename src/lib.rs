//! flux-receiver: Flux webhook Receivers from one command.
//!
//! The binary is a thin shell over this library so that tests, and the
//! generators for shell completions and man pages, use the very same clap
//! definition the program parses with (flags are defined once, in [`cli`]).

pub mod args;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod complete;
pub mod error;
pub mod examples;
pub mod generate;
pub mod http;
pub mod input;
pub mod interrupt;
pub mod manpage;
pub mod output;
pub mod plugin;
pub mod printable;
pub mod progress;
pub mod provider;
pub mod render;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

/// Parses the process arguments, runs the command and maps the outcome to
/// an exit code: 0 success, 1 failure, 2 usage error.
pub fn main() -> ExitCode {
    // Completion requests bypass the parser: every word after __complete,
    // flags included, is data to complete, not options for us.
    // They are data, so bytes that are not UTF-8 are completed as U+FFFD.
    let os_args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lossy = || -> Vec<String> { os_args[2..].iter().map(|a| a.to_string_lossy().into_owned()).collect() };
    match os_args.get(1).and_then(|a| a.to_str()) {
        Some(complete::COMPLETE) => return complete::run(&lossy(), true),
        Some(complete::COMPLETE_NO_DESC) => return complete::run(&lossy(), false),
        _ => {}
    }
    let command = examples::attach(cli::Cli::command()).bin_name(plugin::display_name());
    let args = match args::utf8(&command, os_args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(error::EXIT_USAGE);
        }
    };
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|m| cli::Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(err) => return error::report_clap_error(err),
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}

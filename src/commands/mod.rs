//! One module per subcommand, each with a `run` taking its parsed flags.

pub mod completion;
pub mod create;
pub mod doctor;
pub mod export;
pub mod expose;
pub mod get;
pub mod gitlab_hook;
pub mod hook;
pub mod lifecycle;
pub mod list;
pub mod provider_token;
pub mod rbac;
pub mod rotate;
pub mod secret;
pub mod setup;
pub mod trigger;
pub mod url;

use std::collections::BTreeMap;

use crate::cli::{Cli, CommaList, Command};
use crate::error::{CliError, CliResult};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Create(args) => create::run(&cli.global, &args),
        Command::Secret(args) => secret::run(&cli.global, &args),
        Command::Url(args) => url::run(&cli.global, &args),
        Command::Expose(args) => expose::run(&cli.global, &args),
        Command::List(args) => list::run(&cli.global, &args),
        Command::Get(args) => get::run(&cli.global, &args),
        Command::Delete(args) => lifecycle::delete(&cli.global, &args),
        Command::Suspend(args) => lifecycle::suspend(&cli.global, &args),
        Command::Resume(args) => lifecycle::resume(&cli.global, &args),
        Command::Reconcile(args) => lifecycle::reconcile(&cli.global, &args),
        Command::Export(args) => export::run(&cli.global, &args),
        Command::Trigger(args) => trigger::run(&cli.global, &args),
        Command::Setup(args) => setup::run(&cli.global, &args),
        Command::Rotate(args) => rotate::run(&cli.global, &args),
        Command::Doctor(args) => doctor::run(&cli.global, &args),
        Command::Rbac(args) => rbac::run(&cli.global, &args),
        Command::Completion(args) => completion::run(&args),
    }
}

/// Collects repeated `--label key=value` flags, rejecting a key given twice
/// with different values (the last one silently winning would surprise).
pub(crate) fn label_map(labels: &[CommaList<(String, String)>]) -> CliResult<BTreeMap<String, String>> {
    key_value_map("--label", labels)
}

/// [`label_map`] for another `KEY=VALUE` flag, named in the error.
pub(crate) fn key_value_map(flag: &str, labels: &[CommaList<(String, String)>]) -> CliResult<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for (key, value) in &crate::cli::items(labels) {
        if let Some(previous) = map.insert(key.clone(), value.clone())
            && previous != *value
        {
            return Err(CliError::usage(format!(
                "invalid value '{key}={value}' for '{flag} <KEY=VALUE>': label '{key}' is already set to '{previous}'"
            )));
        }
    }
    Ok(map)
}

/// Runs a cluster operation to completion. The runtime is built only here,
/// so offline commands (`--export`, `url`) never pay for it.
/// The namespaces a command's rules apply in: `-n` and `--flux-namespace`.
pub(crate) fn namespaces(global: &crate::cli::GlobalArgs) -> receiver::rbac::Namespaces<'_> {
    receiver::rbac::Namespaces {
        target: Some(&global.namespace),
        flux: &global.flux_namespace,
    }
}

pub(crate) fn block_on<T>(future: impl std::future::Future<Output = CliResult<T>>) -> CliResult<T> {
    let runtime = runtime();
    // An interrupt after the first write ends the command with one line
    // saying what was written (see crate::interrupt).
    runtime.block_on(async {
        tokio::select! {
            biased;
            outcome = future => outcome,
            signal = crate::interrupt::signalled() => Err(crate::interrupt::interrupted(signal)),
        }
    })
}

/// [`block_on`] for work that writes nothing (reading for a list or a
/// completion), whose interrupts need no account.
pub(crate) fn block_on_reading<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a single-threaded tokio runtime can always be built")
}

/// Asks on a terminal before a change that moves a working hook URL, and
/// refuses without one: `Ok` only on a yes. `consequence` says what would
/// move, `question` ends the prompt, `declined` is the error after a no,
/// and `hint` follows the consequence when there is no terminal to ask.
pub(crate) fn confirm_or_refuse(
    ask: bool,
    consequence: &str,
    question: &str,
    declined: String,
    hint: &str,
) -> CliResult {
    use std::io::IsTerminal;
    if ask && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let confirmed = dialoguer::Confirm::new()
            .with_prompt(format!("{consequence}. {question}"))
            .default(false)
            .interact()
            .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
        return if confirmed {
            Ok(())
        } else {
            Err(CliError::failure(declined))
        };
    }
    Err(CliError::failure(format!("{consequence}; {hint}")))
}

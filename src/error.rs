//! Errors and exit codes.
//!
//! Every failure is reported as one line on stderr. Usage errors (bad flags,
//! bad values, inconsistent combinations) exit 2, like clap's own; anything
//! that goes wrong while doing the work exits 1.

use std::fmt;
use std::io;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Exit code for a failure while running a valid command.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for invalid usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code after an interrupt (SIGINT or SIGTERM) once something was
/// written: 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Every exit code and what it means, for the man pages' EXIT STATUS (the
/// README's table says the same; `tests/man.rs` compares them).
pub const EXIT_STATUSES: [(u8, &str); 4] = [
    (0, "success"),
    (
        EXIT_FAILURE,
        "the command was valid but the work failed: no kubeconfig (or a broken one found through KUBECONFIG \
         or ~/.kube/config), server unreachable or not a Kubernetes API server, Flux not installed, forbidden, \
         namespace missing, Receiver not ready, timed out, token would change without --force, the webhook refused, \
         GitHub or GitLab refused a hook request",
    ),
    (
        EXIT_USAGE,
        "usage error: unknown flag, bad value (including a file named by a flag, such as --kubeconfig, \
         --token-file or --payload @FILE, that cannot be read or is not what it should be), missing or \
         conflicting flags, no GitHub token for --github-repo or --github-org, no GitLab token for \
         --gitlab-project or --gitlab-group, an argument that is not UTF-8",
    ),
    (
        EXIT_INTERRUPTED,
        "interrupted (SIGINT or SIGTERM) after writing something: the one line says what was written and \
         which command resumes",
    ),
];

/// A command's failure.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong: bad value or inconsistent flags.
    Usage(String),
    /// The command line is fine but the work failed.
    Failure(String),
    /// A signal stopped the command after it wrote something.
    Interrupted(String),
}

impl CliError {
    /// A usage error naming the flag and the offending value.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage(message.into())
    }

    /// A runtime failure.
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError::Failure(message.into())
    }

    /// When there is no cluster at all, adds the command's offline
    /// `alternative` (`add --export to print manifests`); any other error
    /// is returned as is.
    pub fn or_offline(self, alternative: &str) -> CliError {
        match self {
            CliError::Failure(message) if message == crate::cluster::NO_KUBECONFIG => {
                CliError::Failure(format!("{message} (or {alternative})"))
            }
            other => other,
        }
    }

    /// Prints the error on stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        // Messages quote the cluster and remote servers: escaped, so that
        // what they say cannot split the line or act on the terminal.
        eprintln!("error: {}", crate::printable::escape_controls(&self.to_string()));
        ExitCode::from(match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Failure(_) => EXIT_FAILURE,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
        })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) | CliError::Failure(message) | CliError::Interrupted(message) => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for CliError {}

impl From<receiver::manifest::ManifestError> for CliError {
    fn from(err: receiver::manifest::ManifestError) -> Self {
        CliError::Usage(err.to_string())
    }
}

impl From<io::Error> for CliError {
    fn from(err: io::Error) -> Self {
        CliError::Failure(err.to_string())
    }
}

/// The result type of every command.
pub type CliResult<T = ()> = Result<T, CliError>;

/// Reports a clap error. Help and version go to stdout as usual; real
/// errors are condensed to one line (clap's own spans several, with a usage
/// block that buries the point in a CI log).
pub fn report_clap_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            print_help(&err);
            return ExitCode::from(if err.use_stderr() { EXIT_USAGE } else { 0 });
        }
        ErrorKind::DisplayVersion => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    eprintln!("{}", one_line(&err));
    ExitCode::from(EXIT_USAGE)
}

/// Prints help as clap rendered it, with the examples filled in verbatim
/// (see [`crate::examples`]) and styled as clap styles it: colours only on
/// a terminal, and never with `NO_COLOR`.
fn print_help(err: &clap::Error) {
    use std::io::Write;
    let header = clap::builder::Styles::default().get_header().to_owned();
    let help = crate::examples::expand(
        &err.render().ansi().to_string(),
        crate::plugin::display_name(),
        |text| format!("{header}{text}{header:#}"),
    );
    // A closed pipe (`--help | head`) is not worth a panic.
    let _ = if err.use_stderr() {
        write!(anstream::stderr(), "{help}")
    } else {
        write!(anstream::stdout(), "{help}")
    };
}

/// Flags whose values are secrets: an error about them names the flag and
/// the reason but never echoes the value (clap's own message quotes it).
const SECRET_FLAGS: [&str; 3] = ["--token", "--bearer", "--oidc-token"];

/// The one-line message for an invalid value of a secret flag, without the
/// value; `None` when the error is about something else.
fn secret_value_error(err: &clap::Error) -> Option<String> {
    if !matches!(err.kind(), ErrorKind::ValueValidation | ErrorKind::InvalidValue) {
        return None;
    }
    let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let flag = arg.split([' ', '=']).next().unwrap_or(arg);
    if !SECRET_FLAGS.contains(&flag) {
        return None;
    }
    let reason = std::error::Error::source(err).map_or_else(|| "invalid value".to_string(), |e| e.to_string());
    Some(format!(
        "error: invalid value for '{arg}': {reason} (value not shown: it is a secret)"
    ))
}

fn one_line(err: &clap::Error) -> String {
    let strings = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(list)) => list.clone(),
        _ => Vec::new(),
    };
    if err.kind() == ErrorKind::MissingRequiredArgument {
        let missing = strings(ContextKind::InvalidArg);
        let noun = if missing.len() == 1 { "argument" } else { "arguments" };
        return format!("error: missing required {noun}: {}", missing.join(", "));
    }
    if let Some(line) = secret_value_error(err) {
        return line;
    }
    // A value with a line break (or an escape sequence) would split the one
    // line, or act on the terminal: it is shown escaped.
    // clap drops escape sequences from the value it shows (its styled
    // text strips them) and keeps line breaks: the value is shown escaped
    // instead, as given.
    if err.kind() == ErrorKind::ValueValidation
        && let (Some(ContextValue::String(arg)), Some(ContextValue::String(value)), Some(reason)) = (
            err.get(ContextKind::InvalidArg),
            err.get(ContextKind::InvalidValue),
            std::error::Error::source(err),
        )
    {
        let value = crate::printable::escape_controls(value);
        return format!("error: invalid value '{value}' for '{arg}': {reason}");
    }
    let mut rendered = err.render().to_string();
    for value in strings(ContextKind::InvalidValue) {
        if let std::borrow::Cow::Owned(escaped) = crate::printable::escape_controls(&value) {
            rendered = rendered.replacen(&value, &escaped, 1);
        }
    }
    let mut line = rendered
        .lines()
        .next()
        .unwrap_or("error: invalid usage")
        .trim_end()
        .to_string();
    let suggested: Vec<String> = strings(ContextKind::SuggestedArg)
        .into_iter()
        .chain(strings(ContextKind::SuggestedSubcommand))
        .collect();
    if !suggested.is_empty() {
        line.push_str(&format!(" (did you mean '{}'?)", suggested.join("' or '")));
    }
    let valid = strings(ContextKind::ValidValue);
    if !valid.is_empty() && !line.contains("must be one of") {
        line.push_str(&format!(" (possible values: {})", valid.join(", ")));
    }
    line
}

//! Progress on stderr: a spinner on a terminal, plain lines otherwise (CI
//! logs, pipes), in the flux CLI's style (`►` doing, `◎` waiting, `✔` done).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::printable::escape_controls;

/// Announces a step that is starting.
pub fn action(message: &str) {
    eprintln!("► {}", escape_controls(message));
}

/// Announces something noteworthy that is not an error.
pub fn note(message: &str) {
    eprintln!("  {}", escape_controls(message));
}

/// Prints a warning.
pub fn warn(message: &str) {
    eprintln!("warning: {}", escape_controls(message));
}

/// A wait in progress: a spinner on a terminal, one line otherwise.
pub struct Waiting {
    spinner: Option<ProgressBar>,
}

impl Waiting {
    /// Starts waiting with `message`.
    pub fn start(message: &str) -> Waiting {
        if std::io::stderr().is_terminal() {
            let spinner = ProgressBar::new_spinner();
            spinner.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"));
            spinner.set_message(escape_controls(message).into_owned());
            spinner.enable_steady_tick(Duration::from_millis(100));
            Waiting { spinner: Some(spinner) }
        } else {
            eprintln!("◎ {}", escape_controls(message));
            Waiting { spinner: None }
        }
    }

    /// Stops the spinner (plain mode has nothing to undo).
    pub fn finish(self) {
        if let Some(spinner) = self.spinner {
            spinner.finish_and_clear();
        }
    }
}

//! Output rendering: tables for people, JSON and YAML for programs.

pub mod table;

use std::io::IsTerminal;

/// Whether stdout is a terminal that may get colours and width-fitting
/// (`NO_COLOR` turns colours off, as https://no-color.org asks).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Whether to colour output.
pub fn use_colour() -> bool {
    stdout_is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

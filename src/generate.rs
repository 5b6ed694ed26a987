//! Shell completion scripts and man pages. Man pages are generated from the
//! clap definition in [`crate::cli`]; completion scripts delegate to the
//! dynamic engine, which reads the same definition, so neither can disagree
//! with the parser.
//!
//! The committed copies in `completions/` and `man/` are kept fresh by
//! `tests/generated.rs`; regenerate them with
//! `FLUX_RECEIVER_BLESS=1 cargo test --test generated`.

use clap_complete::Shell;

/// The program name completions and man pages are written for.
pub const BIN_NAME: &str = "flux-receiver";

/// The completion script for `shell`: glue that asks `flux-receiver
/// __complete` (see [`crate::complete`]), which walks the clap definition.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    crate::complete::script(shell).into_bytes()
}

/// The file name a shell's completion script is committed under.
pub fn completion_file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => format!("{BIN_NAME}.bash"),
        Shell::Zsh => format!("_{BIN_NAME}"),
        Shell::Fish => format!("{BIN_NAME}.fish"),
        Shell::PowerShell => format!("_{BIN_NAME}.ps1"),
        Shell::Elvish => format!("{BIN_NAME}.elv"),
        _ => format!("{BIN_NAME}.{shell}"),
    }
}

/// Every shell completions are generated for.
pub const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish];

/// Man pages: `(file name, roff)` for the tool and each visible subcommand
/// (see [`crate::manpage`]).
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    crate::manpage::pages()
}

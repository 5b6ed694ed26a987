//! Reading secret input: tokens from flags, files, stdin or a hidden prompt.
//!
//! A token is never echoed back in error messages; only where it came from.

use std::fs;
use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::error::{CliError, CliResult};

/// Where the user supplied the token, if anywhere.
pub enum TokenSource<'a> {
    /// `--token` (already normalised by its value parser).
    Flag(&'a str),
    /// `--token-file`.
    File(&'a Path),
    /// `--token-stdin`.
    Stdin,
    /// `--token-prompt`.
    Prompt,
    /// Nothing given.
    None,
}

impl<'a> TokenSource<'a> {
    /// Picks the source from the pair of mutually exclusive flags.
    pub fn from_flags(token: Option<&'a str>, token_file: Option<&'a Path>) -> TokenSource<'a> {
        match (token, token_file) {
            (Some(token), _) => TokenSource::Flag(token),
            (None, Some(path)) => TokenSource::File(path),
            (None, None) => TokenSource::None,
        }
    }

    /// Picks the source for commands that take a token only from a file or
    /// stdin (`setup`, `rotate`: a new token never goes on the command line).
    pub fn from_file_or_stdin(token_file: Option<&'a Path>, stdin: bool) -> TokenSource<'a> {
        if stdin {
            TokenSource::Stdin
        } else {
            TokenSource::from_flags(None, token_file)
        }
    }

    /// The token, read and validated; `None` when none was given.
    pub fn read(&self) -> CliResult<Option<String>> {
        match self {
            TokenSource::Flag(token) => Ok(Some(token.to_string())),
            TokenSource::File(path) => read_token_file(path).map(Some),
            TokenSource::Stdin => read_token_stdin().map(Some),
            TokenSource::Prompt => prompt_token().map(Some),
            TokenSource::None => Ok(None),
        }
    }
}

/// Reads a token file: one trailing newline is dropped, an empty file or one
/// with several lines is an error naming the flag and the path.
pub fn read_token_file(path: &Path) -> CliResult<String> {
    let raw = fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "invalid value '{}' for '--token-file <FILE>': cannot read it: {e}",
            path.display()
        ))
    })?;
    receiver::token::normalize(&raw).map_err(|e| {
        CliError::usage(format!(
            "invalid value '{}' for '--token-file <FILE>': {e}",
            path.display()
        ))
    })
}

fn read_token_stdin() -> CliResult<String> {
    let mut raw = String::new();
    std::io::stdin()
        .read_to_string(&mut raw)
        .map_err(|e| CliError::usage(format!("--token-stdin: cannot read standard input: {e}")))?;
    receiver::token::normalize(&raw).map_err(|e| CliError::usage(format!("--token-stdin: {e}")))
}

fn prompt_token() -> CliResult<String> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(
            "--token-prompt needs a terminal; pipe the token into --token-stdin instead",
        ));
    }
    let token = dialoguer::Password::new()
        .with_prompt("Webhook token")
        .interact()
        .map_err(|e| CliError::failure(format!("cannot read the token: {e}")))?;
    receiver::token::normalize(&token).map_err(|e| CliError::usage(format!("--token-prompt: {e}")))
}

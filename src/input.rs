//! Reading secret input: tokens from flags or files.
//!
//! A token is never echoed back in error messages; only where it came from.

use std::fs;
use std::path::Path;

use crate::error::{CliError, CliResult};

/// Where the user supplied the token, if anywhere.
pub enum TokenSource<'a> {
    /// `--token` (already normalised by its value parser).
    Flag(&'a str),
    /// `--token-file`.
    File(&'a Path),
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

    /// The token, read and validated; `None` when none was given.
    pub fn read(&self) -> CliResult<Option<String>> {
        match self {
            TokenSource::Flag(token) => Ok(Some(token.to_string())),
            TokenSource::File(path) => read_token_file(path).map(Some),
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

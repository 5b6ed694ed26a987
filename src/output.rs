//! Writing results to stdout.
//!
//! Output goes through one locked, buffered handle, and a closed pipe
//! (`flux-receiver … | head`) ends the program quietly instead of panicking.

use std::io::{self, Write};

use crate::error::{CliError, CliResult};

/// Writes `text` to stdout as is.
pub fn print(text: &str) -> CliResult {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(CliError::failure(format!("cannot write to stdout: {err}"))),
    }
}

/// Writes `line` and a newline to stdout. A line often quotes the cluster
/// (a URL from an annotation, a status message), so control characters in
/// it are escaped: it stays one line and cannot act on the terminal.
pub fn println(line: &str) -> CliResult {
    print(&format!("{}\n", crate::printable::escape_controls(line)))
}

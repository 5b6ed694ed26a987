//! Interrupts (SIGINT, SIGTERM) in the middle of a command.
//!
//! Until a command has written something, an interrupt stops it as usual:
//! nothing is half-done. Once it has (see [`wrote`]), an interrupt is
//! caught instead, and the command ends with one line that says what was
//! already written and which command resumes, after printing whatever the
//! user must not lose (a new token they asked to see, see [`keep`]).
//! Handlers are installed only then, so a prompt before the first write
//! still dies on Ctrl-C like any other.

use std::sync::Mutex;

use tokio::sync::Notify;

use crate::error::CliError;

/// What was written so far, in order ("Secret flux-system/webhook-token").
static WRITTEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// How to resume, when it is not "run the same command again".
static RESUME: Mutex<Option<String>> = Mutex::new(None);
/// Text for stdout that an interrupt must not swallow.
static KEPT: Mutex<Option<String>> = Mutex::new(None);
/// Woken by the first write: from then on interrupts are caught.
static ARMED: Notify = Notify::const_new();

/// Records that `what` was written to the cluster (`patch Secret ns/name`).
pub fn wrote(what: String) {
    let mut written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
    if written.is_empty() {
        ARMED.notify_one();
    }
    if !written.contains(&what) {
        written.push(what);
    }
}

/// Sets how to resume after an interrupt from now on.
pub fn resume_with(hint: String) {
    *RESUME.lock().unwrap_or_else(|e| e.into_inner()) = Some(hint);
}

/// Text printed on stdout if an interrupt comes (or, through [`take_kept`],
/// if the command fails) before the command prints it itself.
pub fn keep(text: String) {
    *KEPT.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
}

/// The kept text, once: the command printed it, or is about to.
pub fn take_kept() -> Option<String> {
    KEPT.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Resolves when a SIGINT or SIGTERM arrives after the first write, with
/// the signal's name.
pub async fn signalled() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    ARMED.notified().await;
    let (Ok(mut interrupt), Ok(mut terminate)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        // Without handlers, signals keep their default: the process ends.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// The error an interrupt by `signal` ends the command with, after the
/// kept text is printed.
pub fn interrupted(signal: &str) -> CliError {
    if let Some(text) = take_kept() {
        let _ = crate::output::print(&text);
    }
    let written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner()).join(", ");
    let resume = RESUME
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "run the same command again to finish: it keeps what is already there".into());
    CliError::Interrupted(format!("interrupted by {signal} after writing {written}; {resume}"))
}

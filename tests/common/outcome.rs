//! How a test that cannot do its work says so: blessing golden files only
//! when asked exactly, and skipping only where a skip is visible and never
//! under CI. Depends on nothing but std, so any test crate of the workspace
//! can include it (`#[path = ".../tests/common/outcome.rs"] mod outcome;`).
#![allow(dead_code)] // each test crate uses a different subset

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

/// The environment variable that rewrites golden and generated files
/// instead of comparing them, when it is `1`.
pub const BLESS: &str = "FLUX_RECEIVER_BLESS";

/// The environment variable naming a file that every skip appends a line
/// to; `.ci/run` sets it and prints those lines in its summary.
pub const SKIP_LOG: &str = "FLUX_RECEIVER_SKIP_LOG";

/// Whether this run rewrites golden files: `FLUX_RECEIVER_BLESS=1`.
///
/// Panics for any other non-empty value: `=0`, `=false` or `=yes` would
/// otherwise mean whatever a reader guesses, and a rewrite nobody meant
/// hides exactly the change a golden file is there to catch.
pub fn blessing() -> bool {
    bless_requested(std::env::var_os(BLESS).as_deref())
}

/// [`blessing`] for a given value of `FLUX_RECEIVER_BLESS`.
pub fn bless_requested(value: Option<&OsStr>) -> bool {
    match value {
        None => false,
        Some(v) if v.is_empty() => false,
        Some(v) if v == "1" => true,
        Some(v) => panic!("{BLESS} must be 1 or unset, not {v:?}"),
    }
}

/// Whether this is a CI run: `CI` set and not empty, as CI runs `.ci/run`
/// (which also sets it itself, so that a local `.ci/run` is as strict).
pub fn under_ci() -> bool {
    ci_requested(std::env::var_os("CI").as_deref())
}

/// [`under_ci`] for a given value of `CI`.
pub fn ci_requested(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The running test cannot run because `missing` (a tool, say) is not
/// there. Under CI this fails the test: CI installs everything the suite
/// needs, so a missing tool is a broken CI, not a reason to pass. Elsewhere
/// the test is recorded as skipped, on the terminal and in the skip log,
/// and the caller returns.
///
/// The test is named by its crate and its thread, which the test harness
/// names after the test.
pub fn skip(missing: &str) {
    let current = std::thread::current();
    let test = format!("{}::{}", env!("CARGO_CRATE_NAME"), current.name().unwrap_or("?"));
    let log = std::env::var_os(SKIP_LOG);
    // Straight to the process's stderr, not through eprintln!, which the
    // test harness captures and shows only for failing tests.
    let mut terminal = std::io::stderr();
    skip_as(&test, missing, under_ci(), log.as_deref().map(Path::new), &mut terminal);
}

/// [`skip`] with the test's name, whether this is CI, the skip log and
/// where the line for the terminal goes.
pub fn skip_as(test: &str, missing: &str, ci: bool, log: Option<&Path>, terminal: &mut dyn Write) {
    let line = format!("{test}: {missing}");
    if let Some(log) = log {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut file| writeln!(file, "{line}"));
        if let Err(e) = appended {
            panic!("cannot record the skip of {line} in {}: {e}", log.display());
        }
    }
    if ci {
        panic!("{test} cannot run under CI: {missing} (.ci/run installs what the tests need)");
    }
    let _ = writeln!(terminal, "SKIPPED {line}");
}

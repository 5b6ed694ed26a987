//! The test helpers that decide whether a test compares, rewrites or
//! skips (tests/common/outcome.rs): each of those decisions can turn a
//! failing test into a passing one, so each is tested here.

mod common;

use std::ffi::OsStr;
use std::panic::catch_unwind;

use common::{bless_requested, ci_requested, skip_as};

#[test]
fn only_bless_1_rewrites_golden_files() {
    assert!(bless_requested(Some(OsStr::new("1"))));
    assert!(!bless_requested(None));
    assert!(!bless_requested(Some(OsStr::new(""))));
    for value in ["0", "true", "yes", " 1", "2"] {
        let refused = catch_unwind(|| bless_requested(Some(OsStr::new(value))));
        let message = *refused
            .expect_err(value)
            .downcast::<String>()
            .expect("a formatted message");
        assert_eq!(
            message,
            format!("FLUX_RECEIVER_BLESS must be 1 or unset, not {value:?}")
        );
    }
}

#[test]
fn ci_is_any_non_empty_value() {
    assert!(ci_requested(Some(OsStr::new("true"))));
    assert!(ci_requested(Some(OsStr::new("1"))));
    assert!(!ci_requested(Some(OsStr::new(""))));
    assert!(!ci_requested(None));
}

#[test]
fn a_skip_is_logged_and_under_ci_fails() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skipped");
    // Outside CI: recorded and shown, and the test goes on to return.
    let mut terminal = Vec::new();
    skip_as("shells::zsh", "zsh is not installed", false, Some(&log), &mut terminal);
    assert_eq!(
        String::from_utf8(terminal).unwrap(),
        "SKIPPED shells::zsh: zsh is not installed\n"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "shells::zsh: zsh is not installed\n"
    );
    // Under CI: recorded too (for the summary), and the test fails naming what is missing.
    let failed = catch_unwind(|| {
        skip_as(
            "cluster::kubectl",
            "kubectl is not installed",
            true,
            Some(&log),
            &mut Vec::new(),
        )
    });
    let message = *failed.expect_err("a skip under CI fails").downcast::<String>().unwrap();
    assert!(
        message.contains("cluster::kubectl") && message.contains("kubectl is not installed"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "shells::zsh: zsh is not installed\ncluster::kubectl: kubectl is not installed\n"
    );
    // Without a log it still fails under CI.
    assert!(catch_unwind(|| skip_as("t", "x", true, None, &mut Vec::new())).is_err());
}

#[test]
fn the_skipped_test_is_named_by_its_thread() {
    // `skip` names the test after its thread; the harness names each
    // test's thread after the test, also with --test-threads=1.
    assert_eq!(
        std::thread::current().name(),
        Some("the_skipped_test_is_named_by_its_thread")
    );
}

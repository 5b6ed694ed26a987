//! `GoDuration` parsing (`--interval`, `--timeout`): never panics; an
//! accepted duration fits Go's int64 nanoseconds, is displayed as Go's
//! `Duration.String()` would, and that display parses back to it; one
//! said to fit the CRD's interval pattern does match it.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use receiver::GoDuration;
use regex::Regex;

/// The Receiver CRD's `spec.interval` pattern.
static INTERVAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$").unwrap());

fuzz_target!(|text: &str| {
    match text.parse::<GoDuration>() {
        Ok(duration) => {
            assert!(duration.0.as_nanos() <= i64::MAX as u128, "{text:?} -> {duration:?}");
            let shown = duration.to_string();
            assert_eq!(shown.parse::<GoDuration>(), Ok(duration), "{text:?} shown as {shown:?}");
            if duration.fits_interval_pattern() {
                assert!(INTERVAL.is_match(&shown), "{shown:?}");
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});

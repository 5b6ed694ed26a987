//! `ResourceRef` and `ResourceKind` parsing (`--resource`): never panics;
//! an accepted reference is displayed as what was typed (the kind in its
//! canonical case), and that display parses back to the same reference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::{ResourceKind, ResourceRef};

fuzz_target!(|text: &str| {
    match text.parse::<ResourceKind>() {
        Ok(kind) => assert!(kind.as_str().eq_ignore_ascii_case(text), "{text:?} -> {kind}"),
        Err(error) => {
            assert!(!error.to_string().is_empty());
            if let Some(suggestion) = error.suggestion {
                assert!(!suggestion.as_str().eq_ignore_ascii_case(text));
            }
        }
    }
    match text.parse::<ResourceRef>() {
        Ok(reference) => {
            let shown = reference.to_string();
            assert!(shown.eq_ignore_ascii_case(text), "{text:?} shown as {shown:?}");
            assert_eq!(shown.parse::<ResourceRef>().as_ref(), Ok(&reference), "{shown:?}");
            let _ = (
                reference.api_version_to_write(true),
                reference.api_version_to_write(false),
            );
            let _ = (reference.kind.plural(), reference.kind.group(), reference.is_wildcard());
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});

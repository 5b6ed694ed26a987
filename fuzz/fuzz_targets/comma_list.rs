//! `comma_list::parse`, the reader of `--event`, `--resource` and `--label`
//! values: never panics; a value with a line break is always refused; an
//! accepted value written back as a CSV record reads back to the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::comma_list::{self, CommaListError};

/// The items written back as one comma list: an item holding a comma or a
/// quote is quoted (its quotes doubled), and a lone empty item is written
/// `""`, since an empty value is no item at all.
fn write(items: &[String]) -> String {
    if let [only] = items
        && only.is_empty()
    {
        return "\"\"".into();
    }
    items
        .iter()
        .map(|item| {
            if item.contains([',', '"']) {
                format!("\"{}\"", item.replace('"', "\"\""))
            } else {
                item.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fuzz_target!(|value: &str| {
    let has_break = value.contains(['\n', '\r']);
    match comma_list::parse(value) {
        Ok(items) => {
            assert!(
                !has_break,
                "a value with a line break was accepted: {value:?} -> {items:?}"
            );
            assert_eq!(items.is_empty(), value.is_empty(), "{value:?} -> {items:?}");
            if !value.is_empty() && !value.contains('"') {
                let split: Vec<&str> = value.split(',').collect();
                assert_eq!(items, split, "an unquoted value is split at every comma");
            }
            let written = write(&items);
            assert_eq!(
                comma_list::parse(&written),
                Ok(items),
                "{value:?} written back as {written:?}"
            );
        }
        Err(error) => {
            // A line break is named as such; otherwise only quotes can be wrong.
            assert_eq!(error == CommaListError::LineBreak, has_break, "{value:?}: {error}");
            assert!(
                has_break || value.contains('"'),
                "{value:?} refused without a quote: {error}"
            );
            assert!(!error.to_string().is_empty());
        }
    }
});

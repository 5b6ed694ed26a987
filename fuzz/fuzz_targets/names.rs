//! The Kubernetes name and label validators and `parse_label`: never panic,
//! and what each accepts is within its documented alphabet and length, the
//! stricter rules implying the looser ones.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::names;

fn in_alphabet(text: &str, extra: &[u8]) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
}

fuzz_target!(|text: &str| {
    let label = names::validate_dns1123_label(text);
    let subdomain = names::validate_dns1123_subdomain(text);
    let dns1035 = names::validate_dns1035_label(text);
    let created = names::validate_created_name(text);
    let key = names::validate_label_key(text);
    let value = names::validate_label_value(text);
    for error in [&label, &subdomain, &dns1035, &created, &key, &value]
        .into_iter()
        .filter_map(|r| r.as_ref().err())
    {
        assert!(!error.to_string().is_empty());
    }
    if label.is_ok() {
        assert!(
            !text.is_empty() && text.len() <= 63 && in_alphabet(text, b"-"),
            "{text:?}"
        );
        assert!(subdomain.is_ok(), "a DNS-1123 label is a subdomain: {text:?}");
    }
    if subdomain.is_ok() {
        assert!(
            !text.is_empty() && text.len() <= 253 && in_alphabet(text, b"-."),
            "{text:?}"
        );
    }
    if dns1035.is_ok() {
        assert!(
            label.is_ok() && text.starts_with(|c: char| c.is_ascii_lowercase()),
            "{text:?}"
        );
    }
    if created.is_ok() {
        assert!(label.is_ok() && text.len() >= 2, "{text:?}");
    }
    if value.is_ok() {
        assert!(text.len() <= 63 && text.is_ascii(), "{text:?}");
    }
    if key.is_ok() {
        assert!(
            !text.is_empty() && text.len() <= 253 + 1 + 63 && text.is_ascii(),
            "{text:?}"
        );
        assert_eq!(
            names::parse_label(&format!("{text}=")),
            Ok((text.to_string(), String::new()))
        );
    }
    match names::parse_label(text) {
        Ok((key, value)) => {
            assert_eq!(format!("{key}={value}"), text);
            assert!(names::validate_label_key(&key).is_ok() && names::validate_label_value(&value).is_ok());
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});

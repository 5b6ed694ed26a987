//! Property tests over every parser and formatter in the crate: no panic on
//! arbitrary input, and parse-then-format round-trips.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use receiver::duration::GoDuration;
use receiver::names;
use receiver::resource_ref::{ResourceKind, ResourceRef};
use receiver::signature::{self, HmacAlgorithm};
use receiver::{ProviderType, hex, token, yaml};
use serde_json::{Map, Value};

/// Valid DNS-1123 labels.
fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?"
}

fn kind() -> impl Strategy<Value = ResourceKind> {
    proptest::sample::select(ResourceKind::ALL.to_vec())
}

/// A kind's name as a user may type it: each letter in either case.
fn kind_as_typed() -> impl Strategy<Value = (ResourceKind, String)> {
    (kind(), prop::collection::vec(any::<bool>(), 32)).prop_map(|(kind, upper)| {
        let typed = kind
            .as_str()
            .chars()
            .zip(upper)
            .map(|(c, up)| {
                if up {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        (kind, typed)
    })
}

/// Runs `check` over the strategy's inputs, as `proptest!` would, and
/// returns how many of them `check` found meaningful (it returns `true`)
/// out of how many it saw: a property that holds only because its inputs
/// never reach it holds vacuously, and the caller asserts that share.
fn run_counting<S: Strategy>(strategy: S, check: impl Fn(S::Value) -> Result<bool, TestCaseError>) -> (usize, usize) {
    let (meaningful, seen) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&strategy, |value| {
        seen.fetch_add(1, Ordering::Relaxed);
        if check(value)? {
            meaningful.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    (meaningful.into_inner(), seen.into_inner())
}

/// Arbitrary JSON the way Kubernetes objects look: nested maps and lists of strings, numbers and bools.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::String),
        "[ -~]{0,100}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9_./-]{1,20}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn duration_parser_never_panics(text in "\\PC{0,24}") {
        let _ = text.parse::<GoDuration>();
    }

    #[test]
    fn duration_format_then_parse_round_trips(nanos in 0u64..(i64::MAX as u64)) {
        let duration = GoDuration(std::time::Duration::from_nanos(nanos));
        let formatted = duration.to_string();
        prop_assert_eq!(formatted.parse::<GoDuration>(), Ok(duration));
    }

    #[test]
    fn duration_parse_then_format_is_stable(text in "([0-9]{1,4}(\\.[0-9]{1,3})?(ms|s|m|h)){1,3}") {
        let parsed: GoDuration = text.parse().unwrap();
        let reparsed: GoDuration = parsed.to_string().parse().unwrap();
        prop_assert_eq!(parsed, reparsed);
    }

    #[test]
    fn resource_ref_parser_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<ResourceRef>();
    }

    #[test]
    fn resource_ref_round_trips(kind in kind(), name in label(), namespace in proptest::option::of(label())) {
        let reference = ResourceRef { api_version: None, kind, name, namespace };
        let text = reference.to_string();
        prop_assert_eq!(text.parse::<ResourceRef>(), Ok(reference.clone()));
        // Kinds are case-insensitive on input and canonical on output.
        let lowered = format!("{}{}", kind.as_str().to_ascii_lowercase(), &text[kind.as_str().len()..]);
        prop_assert_eq!(lowered.parse::<ResourceRef>(), Ok(reference));
    }

    #[test]
    fn dotted_names_round_trip_with_a_namespace(kind in kind(),
                                                 name in "[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){1,3}",
                                                 namespace in label()) {
        // Object names may hold dots; the namespace is what follows the last one.
        let reference = ResourceRef { api_version: None, kind, name, namespace: Some(namespace) };
        prop_assert_eq!(reference.to_string().parse::<ResourceRef>(), Ok(reference));
    }

    #[test]
    fn token_normalize_never_panics_and_keeps_printable_tokens(text in "\\PC{0,80}") {
        let _ = token::normalize(&text);
        if !text.trim().is_empty() {
            // Printable text is the token itself, with or without one final newline.
            prop_assert_eq!(token::normalize(&text), Ok(text.clone()));
            prop_assert_eq!(token::normalize(&format!("{text}\n")), Ok(text.clone()));
            prop_assert_eq!(token::normalize(&format!("{text}\r\n")), Ok(text));
        }
    }

    #[test]
    fn token_normalize_rejects_inner_control_characters(head in "[!-~]{1,20}", control in "[\\x00-\\x1f\\x7f]", tail in "[!-~]{1,20}") {
        prop_assert_eq!(token::normalize(&format!("{head}{control}{tail}")), Err(token::TokenError::ControlCharacter));
    }

    #[test]
    fn normalized_tokens_are_idempotent(text in any::<String>()) {
        if let Ok(token) = token::normalize(&text) {
            prop_assert_eq!(token::normalize(&token), Ok(token.clone()));
        }
    }

    #[test]
    fn kind_and_provider_parsers_never_panic(text in "\\PC{0,20}") {
        let _ = text.parse::<ResourceKind>();
        let _ = text.parse::<ProviderType>();
    }

    #[test]
    fn name_validators_never_panic(text in "\\PC{0,300}") {
        let _ = names::validate_dns1123_label(&text);
        let _ = names::validate_dns1123_subdomain(&text);
        let _ = names::validate_dns1035_label(&text);
        let _ = names::parse_label(&text);
    }

    #[test]
    fn labels_round_trip(key in "([a-z]{1,10}\\.[a-z]{2,5}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?",
                         value in "([A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?)?") {
        let text = format!("{key}={value}");
        prop_assert_eq!(names::parse_label(&text), Ok((key, value)));
    }

    #[test]
    fn hex_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(hex::decode(&hex::encode(&bytes)), Some(bytes));
    }

    #[test]
    fn hex_decoder_never_panics(text in "\\PC{0,64}") {
        let _ = hex::decode(&text);
    }

    #[test]
    fn signatures_verify_and_reject_tampering(key in any::<Vec<u8>>(), body in any::<Vec<u8>>(), flip in any::<usize>()) {
        for algorithm in [HmacAlgorithm::Sha1, HmacAlgorithm::Sha256, HmacAlgorithm::Sha512] {
            let header = signature::sign_prefixed(algorithm, &key, &body);
            prop_assert_eq!(signature::verify_prefixed(&header, &[algorithm], &key, &body), Ok(algorithm));
            let mut tampered = body.clone();
            if tampered.is_empty() { tampered.push(0) } else { let i = flip % tampered.len(); tampered[i] ^= 1; }
            prop_assert!(signature::verify_prefixed(&header, &[algorithm], &key, &tampered).is_err());
        }
    }

    #[test]
    fn signature_header_parser_never_panics(header in "\\PC{0,80}") {
        let _ = signature::verify_prefixed(&header, &[HmacAlgorithm::Sha256], b"k", b"b");
    }

    #[test]
    fn yaml_output_reads_back_as_the_same_data(value in json_value()) {
        let document = yaml::to_string(&value);
        let parsed: Value = serde_saphyr::from_str(&document)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{document}")))?;
        prop_assert_eq!(parsed, value, "{}", document);
    }
}

/// Every valid reference, its kind typed in any case, with or without an
/// apiVersion, a dotted name or a namespace, parses and formats back to the
/// same text with the kind's canonical spelling: nothing the user typed is
/// lost or reinterpreted.
#[test]
fn resource_ref_parse_then_format_is_canonical() {
    let dns_label = "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?";
    let strategy = (
        kind_as_typed(),
        any::<bool>(),
        prop::collection::vec(dns_label, 1..4),
        proptest::option::of(dns_label),
    );
    let (parsed, seen) = run_counting(strategy, |((kind, typed), versioned, name, namespace)| {
        let prefix = if versioned {
            format!("{}/", kind.api_version())
        } else {
            String::new()
        };
        let namespace = namespace.map(|n| format!(".{n}")).unwrap_or_default();
        let text = format!("{prefix}{typed}/{}{namespace}", name.join("."));
        let reference = text
            .parse::<ResourceRef>()
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(reference.kind, kind);
        let formatted = reference.to_string();
        prop_assert!(formatted.eq_ignore_ascii_case(&text), "{} -> {}", text, formatted);
        prop_assert!(formatted[prefix.len()..].starts_with(kind.as_str()), "{}", formatted);
        Ok(true)
    });
    assert_eq!(parsed, seen, "every generated reference is valid and parses");
}

/// Text near the grammar (real and made-up kinds, names with dots, dashes
/// and stars in any place): whatever parses formats back to the same text,
/// and the inputs reach both sides of the parser.
#[test]
fn resource_refs_near_the_grammar_format_back_when_they_parse() {
    let kind_or_not = prop_oneof![kind_as_typed().prop_map(|(_, typed)| typed), "[A-Za-z]{3,15}",];
    let target = prop_oneof![
        "[a-z0-9]([a-z0-9.-]{0,12}[a-z0-9])?",
        "[a-z0-9.*-]{1,30}",
        Just("*".to_string()),
    ];
    let strategy = (kind_or_not, target).prop_map(|(kind, target)| format!("{kind}/{target}"));
    let (parsed, seen) = run_counting(strategy, |text| {
        let Ok(reference) = text.parse::<ResourceRef>() else {
            return Ok(false);
        };
        let formatted = reference.to_string();
        prop_assert!(formatted.eq_ignore_ascii_case(&text), "{} -> {}", text, formatted);
        prop_assert!(formatted.starts_with(reference.kind.as_str()));
        Ok(true)
    });
    // About a third parse (measured); a bound far from both ends.
    assert!(
        parsed * 10 >= seen && parsed * 10 <= seen * 9,
        "{parsed} of {seen} parsed"
    );
}

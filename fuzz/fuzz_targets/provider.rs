//! `ProviderType` parsing (`--type`): never panics; only a type's exact
//! name is accepted, and a suggestion is a type other than what was typed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::ProviderType;

fuzz_target!(|text: &str| {
    match text.parse::<ProviderType>() {
        Ok(provider) => {
            assert_eq!(provider.as_str(), text);
            assert_eq!(provider.info().provider, provider);
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
            assert!(error.suggestion.is_none_or(|s| s.as_str() != text));
        }
    }
});

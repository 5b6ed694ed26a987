//! `token::normalize`, for tokens read from files and stdin: never panics;
//! an accepted token is the input less at most one final line break, has no
//! control character, is not blank, is at most `MAX_BYTES` long, and
//! normalizes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::token;

fuzz_target!(|raw: &str| {
    match token::normalize(raw) {
        Ok(token) => {
            let rest = raw
                .strip_prefix(token.as_str())
                .expect("the token is the start of the input");
            assert!(matches!(rest, "" | "\n" | "\r\n"), "{raw:?} -> {token:?}");
            assert!(
                !token.trim().is_empty() && !token.chars().any(char::is_control),
                "{token:?}"
            );
            assert!(token.len() <= token::MAX_BYTES, "{} bytes", token.len());
            assert_eq!(token::normalize(&token).as_ref(), Ok(&token));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});

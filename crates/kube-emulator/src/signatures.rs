//! Webhook signature checks, written against the RustCrypto crates
//! directly: the emulated endpoint is there to check flux-receiver's own
//! signing code, so it must not reuse it.
//!
//! The rules follow what Flux runs: go-github's `ValidateSignature` for
//! generic-hmac, GitHub and Bitbucket Server (`<alg>=<hex>`, alg sha1, sha256
//! or sha512, hex in either case), and for Nexus a comparison of the header
//! with the lowercase hex HMAC-SHA1 (so uppercase hex does not match).
//! Every comparison is constant-time.

use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

/// The hash functions webhook HMACs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The algorithm a signature prefix (`sha256` in `sha256=…`) names.
    fn from_prefix(prefix: &str) -> Option<Algorithm> {
        match prefix {
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// Whether `expected` is the HMAC of `body` under `key`, compared in
/// constant time (`verify_slice`).
fn verify_mac(algorithm: Algorithm, key: &[u8], body: &[u8], expected: &[u8]) -> bool {
    fn check<M: Mac + KeyInit>(key: &[u8], body: &[u8], expected: &[u8]) -> bool {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(body);
        mac.verify_slice(expected).is_ok()
    }
    match algorithm {
        Algorithm::Sha1 => check::<Hmac<sha1::Sha1>>(key, body, expected),
        Algorithm::Sha256 => check::<Hmac<sha2::Sha256>>(key, body, expected),
        Algorithm::Sha512 => check::<Hmac<sha2::Sha512>>(key, body, expected),
    }
}

/// Decodes hex as Go's `hex.DecodeString` does: digits of either case,
/// nothing else (`from_str_radix` alone would take a sign).
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks a `<alg>=<hex>` signature header over `body`.
pub fn verify_prefixed(header: &str, key: &[u8], body: &[u8]) -> Result<(), String> {
    let (prefix, hex) = header
        .split_once('=')
        .ok_or_else(|| format!("signature {header:?} lacks an algorithm prefix"))?;
    let algorithm = Algorithm::from_prefix(prefix).ok_or_else(|| format!("unknown signature algorithm {prefix:?}"))?;
    let expected = decode_hex(hex).ok_or("the signature is not hex")?;
    if verify_mac(algorithm, key, body, &expected) {
        Ok(())
    } else {
        Err("payload signature check failed".into())
    }
}

/// Checks Nexus's bare hex HMAC-SHA1: the header must be the lowercase hex
/// string Flux computes, byte for byte.
pub fn verify_nexus(header: &str, key: &[u8], body: &[u8]) -> Result<(), String> {
    let lowercase = header.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let matches = lowercase && decode_hex(header).is_some_and(|mac| verify_mac(Algorithm::Sha1, key, body, &mac));
    if matches {
        Ok(())
    } else {
        Err("invalid Nexus signature".into())
    }
}

/// Whether two tokens are equal, in constant time.
pub fn tokens_equal(given: &str, token: &str) -> bool {
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's documented example ("Validating webhook deliveries").
    const GITHUB_SECRET: &[u8] = b"It's a Secret to Everybody";
    const GITHUB_PAYLOAD: &[u8] = b"Hello, World!";
    const GITHUB_SIGNATURE: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    /// RFC 2202 and RFC 4231, test case 2 of each.
    const RFC_KEY: &[u8] = b"Jefe";
    const RFC_DATA: &[u8] = b"what do ya want for nothing?";
    const RFC_SHA1: &str = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
    const RFC_SHA256: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    const RFC_SHA512: &str = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                              9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";

    #[test]
    fn githubs_documented_signature_verifies() {
        assert_eq!(verify_prefixed(GITHUB_SIGNATURE, GITHUB_SECRET, GITHUB_PAYLOAD), Ok(()));
        assert!(verify_prefixed(GITHUB_SIGNATURE, b"another secret", GITHUB_PAYLOAD).is_err());
        assert!(verify_prefixed(GITHUB_SIGNATURE, GITHUB_SECRET, b"Hello, World?").is_err());
        // go-github decodes hex in either case.
        let upper = format!("sha256={}", GITHUB_SIGNATURE["sha256=".len()..].to_uppercase());
        assert_eq!(verify_prefixed(&upper, GITHUB_SECRET, GITHUB_PAYLOAD), Ok(()));
    }

    #[test]
    fn rfc_vectors_verify_for_every_prefix() {
        for (prefix, hex) in [("sha1", RFC_SHA1), ("sha256", RFC_SHA256), ("sha512", RFC_SHA512)] {
            assert_eq!(
                verify_prefixed(&format!("{prefix}={hex}"), RFC_KEY, RFC_DATA),
                Ok(()),
                "{prefix}"
            );
        }
        // A signature under the wrong algorithm name fails.
        assert!(verify_prefixed(&format!("sha256={RFC_SHA1}"), RFC_KEY, RFC_DATA).is_err());
        for malformed in [RFC_SHA256, "md5=00", "sha256=xyz", "sha256=+5bd", "sha256="] {
            assert!(verify_prefixed(malformed, RFC_KEY, RFC_DATA).is_err(), "{malformed}");
        }
    }

    #[test]
    fn nexus_wants_lowercase_hex() {
        assert_eq!(verify_nexus(RFC_SHA1, RFC_KEY, RFC_DATA), Ok(()));
        assert!(verify_nexus(&RFC_SHA1.to_uppercase(), RFC_KEY, RFC_DATA).is_err());
        assert!(verify_nexus(&format!("sha1={RFC_SHA1}"), RFC_KEY, RFC_DATA).is_err());
        assert!(verify_nexus(RFC_SHA1, b"other", RFC_DATA).is_err());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(tokens_equal("t0k3n", "t0k3n"));
        assert!(!tokens_equal("t0k3n", "t0k3"));
        assert!(!tokens_equal("", "t0k3n"));
    }
}

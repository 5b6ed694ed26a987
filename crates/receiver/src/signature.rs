//! Webhook payload signatures and constant-time token comparison.
//!
//! Providers sign the request body with HMAC keyed by the Receiver token:
//! GitHub and Bitbucket Server as `sha256=<hex>`, generic-hmac as
//! `<alg>=<hex>`, Nexus as bare hex HMAC-SHA1. Verification here compares in
//! constant time, so timing reveals nothing about the expected value.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;
use thiserror::Error;

/// A hash function usable for webhook HMACs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HmacAlgorithm {
    /// HMAC-SHA1 (legacy GitHub `X-Hub-Signature`, Nexus).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl HmacAlgorithm {
    /// The prefix used in `<alg>=<hex>` headers.
    pub fn as_str(self) -> &'static str {
        match self {
            HmacAlgorithm::Sha1 => "sha1",
            HmacAlgorithm::Sha256 => "sha256",
            HmacAlgorithm::Sha512 => "sha512",
        }
    }
}

impl fmt::Display for HmacAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HmacAlgorithm {
    type Err = SignatureError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "sha1" => Ok(HmacAlgorithm::Sha1),
            "sha256" => Ok(HmacAlgorithm::Sha256),
            "sha512" => Ok(HmacAlgorithm::Sha512),
            _ => Err(SignatureError::UnsupportedAlgorithm(text.to_string())),
        }
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// The header is not `<alg>=<hex>`.
    #[error("signature must be in the form <algorithm>=<hex digest>")]
    Malformed,
    /// An algorithm the provider does not use.
    #[error("unsupported signature algorithm '{0}'")]
    UnsupportedAlgorithm(String),
    /// Well-formed but wrong.
    #[error("signature does not match the payload")]
    Mismatch,
}

/// The raw HMAC of `body` keyed by `key`.
pub fn hmac(algorithm: HmacAlgorithm, key: &[u8], body: &[u8]) -> Vec<u8> {
    fn compute<M: Mac + KeyInit>(key: &[u8], body: &[u8]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        HmacAlgorithm::Sha1 => compute::<Hmac<sha1::Sha1>>(key, body),
        HmacAlgorithm::Sha256 => compute::<Hmac<sha2::Sha256>>(key, body),
        HmacAlgorithm::Sha512 => compute::<Hmac<sha2::Sha512>>(key, body),
    }
}

/// The lowercase hex HMAC of `body` keyed by `key` (Nexus' header value).
pub fn sign_hex(algorithm: HmacAlgorithm, key: &[u8], body: &[u8]) -> String {
    crate::hex::encode(&hmac(algorithm, key, body))
}

/// `<alg>=<hex>`, as GitHub, Bitbucket Server and generic-hmac send it.
pub fn sign_prefixed(algorithm: HmacAlgorithm, key: &[u8], body: &[u8]) -> String {
    format!("{algorithm}={}", sign_hex(algorithm, key, body))
}

/// Verifies a bare hex signature in constant time.
pub fn verify_hex(algorithm: HmacAlgorithm, key: &[u8], body: &[u8], signature: &str) -> Result<(), SignatureError> {
    let given = crate::hex::decode(signature.trim()).ok_or(SignatureError::Malformed)?;
    let expected = hmac(algorithm, key, body);
    if bool::from(expected.ct_eq(&given)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Verifies an `<alg>=<hex>` header in constant time, accepting only `allowed` algorithms.
pub fn verify_prefixed(
    header: &str,
    allowed: &[HmacAlgorithm],
    key: &[u8],
    body: &[u8],
) -> Result<HmacAlgorithm, SignatureError> {
    let (algorithm, signature) = header.trim().split_once('=').ok_or(SignatureError::Malformed)?;
    let algorithm: HmacAlgorithm = algorithm.parse()?;
    if !allowed.contains(&algorithm) {
        return Err(SignatureError::UnsupportedAlgorithm(algorithm.to_string()));
    }
    verify_hex(algorithm, key, body, signature)?;
    Ok(algorithm)
}

/// Compares two tokens in constant time (for their common length; a length
/// difference is not secret, since tokens are fixed-length by construction).
pub fn tokens_equal(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB_KEY: &[u8] = b"It's a Secret to Everybody";
    const GITHUB_BODY: &[u8] = b"Hello, World!";
    const GITHUB_SHA256: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn matches_githubs_documented_vector() {
        assert_eq!(sign_hex(HmacAlgorithm::Sha256, GITHUB_KEY, GITHUB_BODY), GITHUB_SHA256);
        assert_eq!(
            sign_prefixed(HmacAlgorithm::Sha256, GITHUB_KEY, GITHUB_BODY),
            format!("sha256={GITHUB_SHA256}")
        );
    }

    #[test]
    fn matches_rfc_2202_and_4231_vectors() {
        // RFC 2202 test case 2 (HMAC-SHA1) and RFC 4231 test case 2 (SHA-512).
        assert_eq!(
            sign_hex(HmacAlgorithm::Sha1, b"Jefe", b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        assert_eq!(
            sign_hex(HmacAlgorithm::Sha512, b"Jefe", b"what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn verifies_and_rejects() {
        let header = format!("sha256={GITHUB_SHA256}");
        assert_eq!(
            verify_prefixed(&header, &[HmacAlgorithm::Sha256], GITHUB_KEY, GITHUB_BODY),
            Ok(HmacAlgorithm::Sha256)
        );
        assert_eq!(
            verify_prefixed(&header, &[HmacAlgorithm::Sha256], GITHUB_KEY, b"tampered"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_prefixed(&header, &[HmacAlgorithm::Sha1], GITHUB_KEY, GITHUB_BODY),
            Err(SignatureError::UnsupportedAlgorithm("sha256".into()))
        );
        assert_eq!(
            verify_prefixed("nonsense", &[HmacAlgorithm::Sha256], GITHUB_KEY, GITHUB_BODY),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_hex(HmacAlgorithm::Sha256, GITHUB_KEY, GITHUB_BODY, "zz"),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_equal("abc", "abc"));
        assert!(!tokens_equal("abc", "abd"));
        assert!(!tokens_equal("abc", "abcd"));
    }
}

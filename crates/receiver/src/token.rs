//! Webhook tokens from the operating system's CSPRNG.

use k8s_openapi::api::core::v1::Secret;
use rand::TryRng;
use rand::rngs::SysRng;
use thiserror::Error;

/// Bytes of randomness in a generated token; `flux create secret receiver`
/// uses 32 bytes, hex-encoded to 64 characters.
pub const TOKEN_BYTES: usize = 32;

/// The OS random source failed (it essentially never does, but a token must
/// never silently be weak).
#[derive(Debug, Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomnessError(String);

/// A new token: 32 bytes from the OS CSPRNG, lowercase hex (64 characters).
pub fn generate() -> Result<String, RandomnessError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| RandomnessError(e.to_string()))?;
    Ok(crate::hex::encode(&bytes))
}

/// Why a user-supplied token is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    /// Empty, or only whitespace.
    #[error("token is empty")]
    Empty,
    /// Contains a line break or other control character, which no provider
    /// UI can reproduce and which would silently change the hook path.
    #[error("token contains a control character (a stray newline?)")]
    ControlCharacter,
    /// Longer than [`MAX_BYTES`]: most likely a file read by mistake.
    #[error("token is longer than {MAX_BYTES} bytes (generated ones are 64)")]
    TooLong,
}

/// The longest token accepted. Generated tokens are 64 hex characters;
/// providers' secret fields take far less than this bound, and a longer
/// value is most likely the wrong file.
pub const MAX_BYTES: usize = 1024;

/// Normalises a token read from a file or stdin: one trailing line break is
/// dropped (files usually end with one), anything else must be printable.
pub fn normalize(raw: &str) -> Result<String, TokenError> {
    let token = raw
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(raw);
    if token.trim().is_empty() {
        return Err(TokenError::Empty);
    }
    if token.chars().any(char::is_control) {
        return Err(TokenError::ControlCharacter);
    }
    if token.len() > MAX_BYTES {
        return Err(TokenError::TooLong);
    }
    Ok(token.to_string())
}

// Reading a token back: pure, so that every layer that reads Secrets
// (listing, doctor, rotate) shares one definition.

/// What a Secret read from the cluster holds under `token`.
pub enum StoredToken {
    /// No `token` key, or an empty one.
    Absent,
    /// A token that is UTF-8 text, as every provider's UI needs.
    Text(String),
    /// Bytes that are not UTF-8: a token all the same, which must not be
    /// mistaken for "no token" and silently replaced.
    Unreadable,
}

/// Classifies the `token` entry of a Secret read from the cluster.
pub fn stored_token(secret: &Secret) -> StoredToken {
    match secret.data.as_ref().and_then(|data| data.get("token")) {
        None => StoredToken::Absent,
        Some(bytes) if bytes.0.is_empty() => StoredToken::Absent,
        Some(bytes) => match String::from_utf8(bytes.0.clone()) {
            Ok(token) => StoredToken::Text(token),
            Err(_) => StoredToken::Unreadable,
        },
    }
}

/// The token in a Secret read from the cluster, if it has a readable one.
pub fn token_of(secret: &Secret) -> Option<String> {
    match stored_token(secret) {
        StoredToken::Text(token) => Some(token),
        StoredToken::Absent | StoredToken::Unreadable => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_token_is_text_absent_or_unreadable_never_mistaken_for_none() {
        use k8s_openapi::ByteString;
        let secret = |token: Option<&[u8]>| Secret {
            data: token.map(|t| [("token".to_string(), ByteString(t.to_vec()))].into()),
            ..Default::default()
        };
        assert!(matches!(stored_token(&secret(None)), StoredToken::Absent));
        assert!(matches!(stored_token(&secret(Some(b""))), StoredToken::Absent));
        assert!(matches!(stored_token(&secret(Some(b"abc"))), StoredToken::Text(t) if t == "abc"));
        assert!(matches!(
            stored_token(&secret(Some(&[0xff, 0xfe]))),
            StoredToken::Unreadable
        ));
        assert_eq!(token_of(&secret(Some(&[0xff]))), None);
        assert_eq!(token_of(&secret(Some(b"abc"))).as_deref(), Some("abc"));
    }

    #[test]
    fn tokens_over_the_bound_are_refused() {
        assert_eq!(normalize(&"a".repeat(MAX_BYTES)).map(|t| t.len()), Ok(MAX_BYTES));
        assert_eq!(normalize(&"a".repeat(MAX_BYTES + 1)), Err(TokenError::TooLong));
        assert_eq!(
            normalize(&format!("{}\n", "a".repeat(MAX_BYTES))).map(|t| t.len()),
            Ok(MAX_BYTES)
        );
    }

    #[test]
    fn generated_tokens_are_64_hex_chars_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn normalizes_file_contents() {
        assert_eq!(normalize("abc\n"), Ok("abc".into()));
        assert_eq!(normalize("abc\r\n"), Ok("abc".into()));
        assert_eq!(normalize("abc"), Ok("abc".into()));
        assert_eq!(normalize("\n"), Err(TokenError::Empty));
        assert_eq!(normalize(""), Err(TokenError::Empty));
        assert_eq!(normalize("a\nb"), Err(TokenError::ControlCharacter));
    }
}

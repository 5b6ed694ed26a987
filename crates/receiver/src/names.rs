//! Kubernetes name and label validation, with the API server's messages.
//!
//! The rules are Kubernetes' own (apimachinery `validation`): checking them
//! before any request means bad input never reaches the cluster and an
//! offline `--export` never writes a manifest the API server would reject.

use thiserror::Error;

/// Why a name, namespace or label was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidName(pub String);

const DNS1123_LABEL_MAX: usize = 63;
const DNS1123_SUBDOMAIN_MAX: usize = 253;
const QUALIFIED_NAME_MAX: usize = 63;
const LABEL_VALUE_MAX: usize = 63;

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// A DNS-1123 label: at most 63 lowercase alphanumerics or `-`, starting and
/// ending alphanumeric. Namespaces are labels.
pub fn validate_dns1123_label(value: &str) -> Result<(), InvalidName> {
    if value.is_empty() {
        return Err(InvalidName("must not be empty".into()));
    }
    if value.len() > DNS1123_LABEL_MAX {
        return Err(InvalidName(format!(
            "must be no more than {DNS1123_LABEL_MAX} characters"
        )));
    }
    let ok = value.starts_with(is_lower_alnum)
        && value.ends_with(is_lower_alnum)
        && value.chars().all(|c| is_lower_alnum(c) || c == '-');
    if !ok {
        return Err(InvalidName(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', \
             and must start and end with an alphanumeric character"
                .into(),
        ));
    }
    Ok(())
}

/// The name of an object flux creates (`flux create …` checks it before
/// anything else): a DNS-1123 label of at least two characters, as flux's
/// `validateObjectName` matches `^[a-z0-9]([a-z0-9-]){0,61}[a-z0-9]$`. So a
/// manifest flux-receiver writes is one `flux create` could have written.
pub fn validate_created_name(value: &str) -> Result<(), InvalidName> {
    validate_dns1123_label(value)?;
    if value.len() < 2 {
        return Err(InvalidName(
            "must be at least 2 characters (flux create's rule: 2 to 63 lowercase alphanumerics or '-')".into(),
        ));
    }
    Ok(())
}

/// A DNS-1123 subdomain: at most 253 characters, dot-separated labels.
/// Most object names (Receivers, Secrets, GitRepositories) are subdomains.
pub fn validate_dns1123_subdomain(value: &str) -> Result<(), InvalidName> {
    if value.is_empty() {
        return Err(InvalidName("must not be empty".into()));
    }
    if value.len() > DNS1123_SUBDOMAIN_MAX {
        return Err(InvalidName(format!(
            "must be no more than {DNS1123_SUBDOMAIN_MAX} characters"
        )));
    }
    let ok = value.split('.').all(|part| {
        !part.is_empty()
            && part.starts_with(is_lower_alnum)
            && part.ends_with(is_lower_alnum)
            && part.chars().all(|c| is_lower_alnum(c) || c == '-')
    });
    if !ok {
        return Err(InvalidName(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', \
             and must start and end with an alphanumeric character"
                .into(),
        ));
    }
    Ok(())
}

/// A DNS-1035 label, which Service names must be: like a DNS-1123 label but
/// starting with a letter.
pub fn validate_dns1035_label(value: &str) -> Result<(), InvalidName> {
    validate_dns1123_label(value)?;
    if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(InvalidName(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', \
             start with an alphabetic character, and end with an alphanumeric character"
                .into(),
        ));
    }
    Ok(())
}

/// The name part of a qualified name: at most 63 alphanumerics, `-`, `_` or
/// `.`, starting and ending alphanumeric.
fn validate_qualified_name_part(value: &str, what: &str) -> Result<(), InvalidName> {
    if value.is_empty() {
        return Err(InvalidName(format!("{what} must not be empty")));
    }
    if value.len() > QUALIFIED_NAME_MAX {
        return Err(InvalidName(format!(
            "{what} must be no more than {QUALIFIED_NAME_MAX} characters"
        )));
    }
    let ok = value.starts_with(is_alnum)
        && value.ends_with(is_alnum)
        && value.chars().all(|c| is_alnum(c) || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(InvalidName(format!(
            "{what} must consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
        )));
    }
    Ok(())
}

/// A label (or annotation) key: `[prefix/]name`, the prefix a DNS-1123
/// subdomain, the name a qualified name part.
pub fn validate_label_key(key: &str) -> Result<(), InvalidName> {
    match key.split_once('/') {
        Some((prefix, name)) => {
            if prefix.is_empty() {
                return Err(InvalidName("prefix part must not be empty".into()));
            }
            validate_dns1123_subdomain(prefix).map_err(|e| InvalidName(format!("prefix part {e}")))?;
            validate_qualified_name_part(name, "name part")
        }
        None => validate_qualified_name_part(key, "name part"),
    }
}

/// A label value: empty, or at most 63 alphanumerics, `-`, `_` or `.`,
/// starting and ending alphanumeric.
pub fn validate_label_value(value: &str) -> Result<(), InvalidName> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > LABEL_VALUE_MAX {
        return Err(InvalidName(format!(
            "must be no more than {LABEL_VALUE_MAX} characters"
        )));
    }
    validate_qualified_name_part(value, "a valid label")
}

/// Parses one `key=value` label, validating both halves.
pub fn parse_label(text: &str) -> Result<(String, String), InvalidName> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(InvalidName("must be in the form key=value".into()));
    };
    validate_label_key(key).map_err(|e| InvalidName(format!("invalid key: {e}")))?;
    validate_label_value(value).map_err(|e| InvalidName(format!("invalid value: {e}")))?;
    Ok((key.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert!(validate_dns1123_label("flux-system").is_ok());
        assert!(validate_dns1123_label("Flux").is_err());
        assert!(validate_dns1123_label("-a").is_err());
        assert!(validate_dns1123_label(&"a".repeat(64)).is_err());
        assert!(validate_dns1123_subdomain("my.repo-1").is_ok());
        assert!(validate_dns1123_subdomain("my..repo").is_err());
        assert!(validate_dns1035_label("receiver").is_ok());
        assert!(validate_dns1035_label("1receiver").is_err());
    }

    #[test]
    fn label_pairs() {
        assert_eq!(parse_label("app=web"), Ok(("app".into(), "web".into())));
        assert_eq!(
            parse_label("example.com/team=a.b_c"),
            Ok(("example.com/team".into(), "a.b_c".into()))
        );
        assert_eq!(parse_label("empty="), Ok(("empty".into(), String::new())));
        assert!(parse_label("novalue").is_err());
        assert!(parse_label("=x").is_err());
        assert!(parse_label("a=b c").is_err());
        assert!(parse_label("/a=b").is_err());
        assert!(parse_label("UPPER.com/a=b").is_err());
    }

    #[test]
    fn created_names_follow_flux_create() {
        for good in ["ab", "a1", "github-receiver", &"x".repeat(63)] {
            assert!(validate_created_name(good).is_ok(), "{good}");
        }
        for bad in ["a", "", "a.b", "-ab", "ab-", "Ab", "a_b", &"x".repeat(64)] {
            assert!(validate_created_name(bad).is_err(), "{bad}");
        }
    }
}

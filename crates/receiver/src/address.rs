//! Where a webhook is reached: `--hostname` values and webhook URLs.
//!
//! Both are checked with a real URL parser (the `url` crate, WHATWG URL
//! parsing as browsers and providers do it) and then held to what a
//! provider's webhook form takes: scheme http or https, a host, an optional
//! port from 1 to 65535, IPv6 addresses in brackets, and no user, password,
//! query or fragment. The value is kept as given (less a trailing `/`), so
//! `--export` prints what flux prints for the hosts flux gets right.

use url::Url;

/// Why a `--hostname` or URL value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing was given.
    #[error("must not be empty")]
    Empty,
    /// A space, tab, line break or other control character.
    #[error("must not contain spaces or control characters")]
    Whitespace,
    /// A scheme other than http and https.
    #[error("the scheme must be http or https, not '{0}'")]
    Scheme(String),
    /// No host after the scheme.
    #[error("has no host")]
    NoHost,
    /// `user:password@host`: a provider would send the credentials along.
    #[error("must not contain a user or password (user@host)")]
    UserInfo,
    /// `?query`.
    #[error("must not have a query (?…)")]
    Query,
    /// `#fragment`.
    #[error("must not have a fragment (#…)")]
    Fragment,
    /// A path where only a host is wanted.
    #[error("must not have a path: give host, host:port or http(s)://host[:port]")]
    Path,
    /// A port outside 1–65535, or an empty or non-numeric one.
    #[error("the port must be a number from 1 to 65535")]
    Port,
    /// An IPv6 address written without brackets.
    #[error("an IPv6 address must be in brackets, as in [fd00::1]:9292")]
    BareIpv6,
    /// Anything else the URL parser refused.
    #[error("is not a host name or URL ({0})")]
    Invalid(String),
}

/// Checks a `--hostname` value (`flux.example.com`, `flux.example.com:8443`,
/// `https://flux.example.com`, `http://[fd00::1]:9292`) and returns it as
/// given, without a trailing `/`.
pub fn parse_hostname(text: &str) -> Result<String, AddressError> {
    if text.ends_with("://") {
        return Err(AddressError::NoHost);
    }
    let host = text.trim_end_matches('/');
    let url = parse(host)?;
    if url.path() != "/" {
        return Err(AddressError::Path);
    }
    Ok(host.to_string())
}

/// Checks a full webhook URL (`https://flux.example.com/hook/…`), which
/// must name its scheme.
pub fn parse_webhook_url(text: &str) -> Result<String, AddressError> {
    if !text.contains("://") {
        return Err(AddressError::Invalid(
            "give the whole URL, as in https://flux.example.com/hook/<digest>".into(),
        ));
    }
    parse(text)?;
    Ok(text.to_string())
}

/// Parses `text` (a URL, or a host with an optional port) and applies the
/// rules every address shares.
fn parse(text: &str) -> Result<Url, AddressError> {
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    // The URL parser drops surrounding spaces and removes tabs and line
    // breaks inside; such a value is a mistake, not an address.
    if text.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(AddressError::Whitespace);
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => ("https", text),
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return Err(AddressError::Scheme(scheme.to_string()));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `https:///host` or `/host`: the parser would skip the slashes and find
    // a host after them, which is not what was written.
    if authority.is_empty() {
        return Err(AddressError::NoHost);
    }
    if authority.contains('@') {
        return Err(AddressError::UserInfo);
    }
    if !authority.starts_with('[') && authority.matches(':').count() > 1 {
        return Err(AddressError::BareIpv6);
    }
    if authority.ends_with(':') {
        return Err(AddressError::Port);
    }
    let url = Url::parse(&format!("{scheme}://{rest}")).map_err(|e| match e {
        url::ParseError::EmptyHost => AddressError::NoHost,
        url::ParseError::InvalidPort => AddressError::Port,
        other => AddressError::Invalid(other.to_string()),
    })?;
    if url.host().is_none() {
        return Err(AddressError::NoHost);
    }
    // The parser finds a user where the split above did not when slashes
    // come first (`/x:y@host` reads as `https:///x:y@host`, whose extra
    // slashes WHATWG skips): asked of the parsed URL too (found by the
    // address fuzz target).
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::UserInfo);
    }
    if url.port() == Some(0) {
        return Err(AddressError::Port);
    }
    if url.query().is_some() {
        return Err(AddressError::Query);
    }
    if url.fragment().is_some() {
        return Err(AddressError::Fragment);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_ports_and_schemes_are_kept_as_given() {
        for (given, kept) in [
            ("flux.example.com", "flux.example.com"),
            ("flux.example.com/", "flux.example.com"),
            ("UPPER.example.com", "UPPER.example.com"),
            ("flux.example.com:8443", "flux.example.com:8443"),
            ("https://flux.example.com", "https://flux.example.com"),
            ("http://10.0.0.1:9292/", "http://10.0.0.1:9292"),
            ("http://[fd00::1]:9292", "http://[fd00::1]:9292"),
            ("[::1]", "[::1]"),
            ("localhost:65535", "localhost:65535"),
        ] {
            assert_eq!(parse_hostname(given).as_deref(), Ok(kept), "{given}");
        }
    }

    #[test]
    fn what_is_not_a_host_is_refused_with_the_reason() {
        use AddressError::*;
        for (given, error) in [
            ("", Empty),
            ("https://", NoHost),
            ("/[fser:paass@hos", NoHost),
            ("https:///flux.example.com", NoHost),
            ("bad host", Whitespace),
            ("host\n", Whitespace),
            (" host", Whitespace),
            ("ftp://host", Scheme("ftp".into())),
            ("javascript://alert(1)", Scheme("javascript".into())),
            ("user:pass@host", UserInfo),
            ("https://user@host", UserInfo),
            ("flux.example.com?x=1", Query),
            ("flux.example.com#f", Fragment),
            ("flux.example.com?x=1#f", Query),
            ("https://flux.example.com/base", Path),
            ("host:99999", Port),
            ("host:0", Port),
            ("host:", Port),
            ("host:http", Port),
            ("::1", BareIpv6),
            ("fd00::1:9292", BareIpv6),
        ] {
            assert_eq!(parse_hostname(given), Err(error), "{given}");
        }
        assert!(matches!(parse_hostname("javascript:alert(1)"), Err(Port)));
    }

    #[test]
    fn webhook_urls_keep_their_path_and_follow_the_same_rules() {
        let url = "https://flux.example.com/hook/0123";
        assert_eq!(parse_webhook_url(url).as_deref(), Ok(url));
        assert_eq!(
            parse_webhook_url("http://[::1]:9292/hook/x").as_deref(),
            Ok("http://[::1]:9292/hook/x")
        );
        assert!(matches!(
            parse_webhook_url("flux.example.com/hook/x"),
            Err(AddressError::Invalid(_))
        ));
        assert_eq!(parse_webhook_url("https://h/hook?x"), Err(AddressError::Query));
        assert_eq!(parse_webhook_url("https://u:p@h/hook"), Err(AddressError::UserInfo));
        assert_eq!(
            parse_webhook_url("file:///etc/passwd"),
            Err(AddressError::Scheme("file".into()))
        );
    }
}

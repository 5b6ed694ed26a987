//! `address::parse_hostname` and `address::parse_webhook_url`, the
//! `--hostname` and URL flags: never panic; what they accept is read back
//! by the `url` crate (the independent check) as http or https with a host,
//! no user, query or fragment and a port from 1 to 65535; an accepted value
//! is accepted again unchanged; and a host plus a webhook path is a webhook
//! URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::address;
use url::Url;

/// The URL a `--hostname` value stands for, as the webhook URL is built.
fn as_url(host: &str) -> String {
    if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    }
}

fn check_url(text: &str) {
    let url = Url::parse(text).unwrap_or_else(|e| panic!("{text:?} was accepted, but url says {e}"));
    assert!(matches!(url.scheme(), "http" | "https"), "{text:?}");
    assert!(url.host().is_some(), "{text:?}");
    assert!(url.username().is_empty() && url.password().is_none(), "{text:?}");
    assert!(url.query().is_none() && url.fragment().is_none(), "{text:?}");
    assert_ne!(url.port(), Some(0), "{text:?}");
    assert!(!text.chars().any(|c| c.is_whitespace() || c.is_control()), "{text:?}");
}

fuzz_target!(|text: &str| {
    match address::parse_hostname(text) {
        Ok(host) => {
            assert!(!host.ends_with('/'), "{text:?} -> {host:?}");
            assert!(text.trim_end_matches('/') == host, "{text:?} -> {host:?}");
            let url = as_url(&host);
            check_url(&url);
            assert_eq!(Url::parse(&url).unwrap().path(), "/", "{text:?}");
            assert_eq!(address::parse_hostname(&host).as_ref(), Ok(&host));
            let hook = format!("{url}/hook/0123456789abcdef");
            assert_eq!(address::parse_webhook_url(&hook).as_ref(), Ok(&hook));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match address::parse_webhook_url(text) {
        Ok(url) => {
            assert_eq!(url, text);
            check_url(text);
            assert_eq!(address::parse_webhook_url(&url).as_ref(), Ok(&url));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});

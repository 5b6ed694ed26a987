//! The emulator's webhook authentication (`kube-emulator`'s signatures and
//! webhook modules): arbitrary headers and bodies never make it panic, for
//! any provider; a body signed with the right key verifies, and the same
//! signature over a changed body does not.
//!
//! The input reads like a request: the Secret's token on the first line,
//! then `Name: value` header lines, an empty line, and the body.
//! Signatures are made with the `receiver` crate's signing code, which the
//! emulator deliberately does not share, so each checks the other.
#![no_main]

use hyper::HeaderMap;
use hyper::header::{HeaderName, HeaderValue};
use kube_emulator::{authenticate_webhook, signatures};
use libfuzzer_sys::fuzz_target;
use receiver::ProviderType;
use receiver::signature::{self, HmacAlgorithm};

/// The parts of a request the webhook endpoint looks at.
struct Request<'a> {
    token: String,
    headers: HeaderMap,
    body: &'a [u8],
}

fn read(data: &[u8]) -> Request<'_> {
    let mut rest = data;
    let mut line = || {
        let end = rest.iter().position(|&b| b == b'\n');
        let (line, after) = match end {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = after;
        line
    };
    let token = String::from_utf8_lossy(line()).into_owned();
    let mut headers = HeaderMap::new();
    loop {
        let header = line();
        if header.is_empty() {
            break;
        }
        let Some(colon) = header.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = header[colon + 1..].strip_prefix(b" ").unwrap_or(&header[colon + 1..]);
        // As hyper would have refused them, malformed names and values are dropped.
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(&header[..colon]), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }
    Request {
        token,
        headers,
        body: rest,
    }
}

/// Answers as the emulator's server does: by name, case-insensitively, only
/// values that are visible ASCII.
fn lookup(headers: &HeaderMap) -> impl Fn(&str) -> Option<String> + '_ {
    |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// `body` with one bit flipped (or a byte added to an empty one).
fn changed(body: &[u8]) -> Vec<u8> {
    let mut changed = body.to_vec();
    match changed.len() {
        0 => changed.push(0),
        len => changed[(body.iter().map(|&b| usize::from(b)).sum::<usize>()) % len] ^= 1,
    }
    changed
}

fuzz_target!(|data: &[u8]| {
    let request = read(data);
    let key = request.token.as_bytes();
    let header = lookup(&request.headers);

    // Whatever was sent, every provider's check answers without panicking.
    for provider in ProviderType::ALL {
        let _ = authenticate_webhook(provider, &request.token, &header, request.body);
    }
    for value in request.headers.values().filter_map(|v| v.to_str().ok()) {
        let _ = signatures::verify_prefixed(value, key, request.body);
        let _ = signatures::verify_nexus(value, key, request.body);
        let _ = signatures::tokens_equal(value, &request.token);
    }

    // Signed with the token, the body verifies; changed, it does not.
    let other = changed(request.body);
    for algorithm in [HmacAlgorithm::Sha1, HmacAlgorithm::Sha256, HmacAlgorithm::Sha512] {
        let signed = signature::sign_prefixed(algorithm, key, request.body);
        assert_eq!(
            signatures::verify_prefixed(&signed, key, request.body),
            Ok(()),
            "{signed}"
        );
        assert!(signatures::verify_prefixed(&signed, key, &other).is_err(), "{signed}");
        // go-github reads the hex in either case.
        let upper = format!("{algorithm}={}", signed[algorithm.as_str().len() + 1..].to_uppercase());
        assert_eq!(
            signatures::verify_prefixed(&upper, key, request.body),
            Ok(()),
            "{upper}"
        );
    }
    let nexus = signature::sign_hex(HmacAlgorithm::Sha1, key, request.body);
    assert_eq!(signatures::verify_nexus(&nexus, key, request.body), Ok(()));
    assert!(signatures::verify_nexus(&nexus, key, &other).is_err());

    // And so through the endpoint's own check, for the providers that sign.
    let signed = signature::sign_prefixed(HmacAlgorithm::Sha256, key, request.body);
    for (provider, name) in [
        (ProviderType::GenericHmac, "X-Signature"),
        (ProviderType::Github, "X-Hub-Signature-256"),
        (ProviderType::Bitbucket, "X-Hub-Signature-256"),
    ] {
        let mut headers = request.headers.clone();
        headers.insert(
            name,
            HeaderValue::from_str(&signed).expect("hex is a valid header value"),
        );
        let header = lookup(&headers);
        let verdict = authenticate_webhook(provider, &request.token, &header, request.body);
        assert!(verdict.is_ok(), "{provider}: {verdict:?}");
        let verdict = authenticate_webhook(provider, &request.token, &header, &other);
        assert!(verdict.is_err(), "{provider} accepted a changed body");
    }
});

//! Sending a webhook (one HTTP POST), and any one request for the
//! providers' API clients, over HTTP or HTTPS (system roots).
//!
//! Built on the hyper and rustls stack kube already links, so `trigger`
//! adds no second HTTP implementation to the binary.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// What the server answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The reason phrase, e.g. `OK`.
    pub reason: String,
    /// The body, lossily decoded and trimmed for messages.
    pub body: String,
}

/// A whole answer, for API clients: status, headers and the raw body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: hyper::HeaderMap,
    /// The body, as received.
    pub body: Bytes,
}

impl Response {
    /// A header's value, if it is there and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// POSTs `body` with `headers` to `url`, giving up after `timeout`.
pub async fn post(url: &str, headers: &[(String, String)], body: Vec<u8>, timeout: Duration) -> Result<Answer, String> {
    let response = send("POST", url, headers, body, timeout).await?;
    let status = hyper::StatusCode::from_u16(response.status).map_err(|e| e.to_string())?;
    Ok(Answer {
        status: response.status,
        reason: status.canonical_reason().unwrap_or_default().to_string(),
        body: excerpt(&response.body, headers),
    })
}

/// Sends one request with `method`, `headers` and `body` (empty: none) to
/// `url`, giving up after `timeout`; the error is one phrase.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<Response, String> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("cannot load the system's TLS roots: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let method = hyper::Method::from_bytes(method.as_bytes()).map_err(|e| format!("invalid method: {e}"))?;
    let mut request = hyper::Request::builder().method(method).uri(url);
    for (key, value) in headers {
        request = request.header(key, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("invalid request: {e}"))?;
    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| crate::cluster::error::sentence(&e))?;
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok(Response {
            status,
            headers: parts.headers,
            body,
        })
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| format!("no answer within {timeout:?}"))?
}

/// How many characters of an answer's body a message shows.
const EXCERPT_CHARS: usize = 200;

/// A short excerpt of an answer's body, safe to print: what the request
/// sent in its secret headers (token, signature, bearer) is redacted, so a
/// hostile server cannot make us print it back; control characters are
/// escaped, so it cannot act on the terminal; and it is cut at
/// [`EXCERPT_CHARS`] characters.
fn excerpt(body: &[u8], sent: &[(String, String)]) -> String {
    let secrets: Vec<&str> = sent
        .iter()
        .filter(|(name, _)| is_secret_header(name))
        .flat_map(|(_, value)| {
            // `Bearer x`, `sha256=x`: the value after the scheme, and the whole.
            let bare = value.rsplit([' ', '=']).next().filter(|bare| *bare != value.as_str());
            [Some(value.as_str()), bare].into_iter().flatten()
        })
        .collect();
    excerpt_hiding(&String::from_utf8_lossy(body), &secrets)
}

/// A short excerpt of `text` from a server, safe to print: each of
/// `secrets` (of 4 characters or more) replaced by `[redacted]`, control
/// characters escaped, cut at [`EXCERPT_CHARS`] characters.
pub fn excerpt_hiding(text: &str, secrets: &[&str]) -> String {
    let mut text = text.trim().to_string();
    for secret in secrets {
        if secret.len() >= 4 {
            text = text.replace(secret, "[redacted]");
        }
    }
    let text = crate::printable::escape_controls(&text);
    let mut short: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        short.push('…');
    }
    short
}

/// Whether a request header carries a secret: the token itself
/// (`X-Gitlab-Token`, harbor's `Authorization`), a bearer token, or an
/// HMAC signature of the body made with it.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization" || name.contains("token") || name.contains("signature")
}

/// How persistently [`deliver`] tries, like `flux trigger receiver`.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    /// Extra attempts after the first.
    pub extra: u32,
    /// Pause between attempts.
    pub delay: Duration,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
}

/// Whether an answer is worth another attempt: 404 (the Receiver is not
/// reconciled yet), 408, 429 and 5xx.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 404 | 408 | 429 | 500..=599)
}

/// An answer as one phrase: status, reason, body, and what the
/// notification-controller means by that status.
pub fn describe(answer: &Answer) -> String {
    let mut text = format!("{} {}", answer.status, answer.reason);
    if !answer.body.is_empty() {
        text.push_str(&format!(": {}", answer.body));
    }
    if let Some(meaning) = receiver::answer::explain(answer.status) {
        text.push_str(&format!(" ({meaning})"));
    }
    text
}

/// Why [`deliver`] gave up: how far it got and the last answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    /// How many attempts were made (the first one included).
    pub attempts: u32,
    /// The status of the last answer when it was one not worth retrying
    /// (a 400, say): the attempts stopped there, not because they ran out.
    pub refused: Option<u16>,
    /// The last answer, described, or the last connection error.
    pub last: String,
}

impl Undelivered {
    /// When it failed, for messages: `on the first attempt (a 400 is not
    /// retried)`, `on attempt 2 (…)` or `after 4 attempts`.
    pub fn when(&self) -> String {
        match self.refused {
            Some(status) if self.attempts == 1 => format!("on the first attempt (a {status} is not retried)"),
            Some(status) => format!("on attempt {} (a {status} is not retried)", self.attempts),
            None => format!(
                "after {} attempt{}",
                self.attempts,
                if self.attempts == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.last)
    }
}

/// POSTs a webhook until it is accepted (2xx but 202, which only the
/// controller's events port answers), refused for good, or the retries run
/// out; `before_retry` hears why each retry happens. The error says how many
/// attempts were made, whether the last answer was one not worth retrying,
/// and names its status, body and what the status means, or the connection
/// error.
pub async fn deliver(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    retries: Retries,
    mut before_retry: impl FnMut(&str),
) -> Result<Answer, Undelivered> {
    let mut last = String::new();
    let mut attempts = 0;
    for attempt in 0..=retries.extra {
        if attempt > 0 {
            before_retry(&last);
            tokio::time::sleep(retries.delay).await;
        }
        attempts += 1;
        match post(url, headers, body.to_vec(), retries.attempt_timeout).await {
            Ok(answer) if receiver::answer::is_accepted(answer.status) => return Ok(answer),
            Ok(answer) => {
                last = describe(&answer);
                if !is_retryable(answer.status) {
                    return Err(Undelivered {
                        attempts,
                        refused: Some(answer.status),
                        last,
                    });
                }
            }
            Err(err) => last = err,
        }
    }
    Err(Undelivered {
        attempts,
        refused: None,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_hides_what_was_sent_in_secret_headers_and_escapes_the_rest() {
        let sent = vec![
            ("X-Gitlab-Token".to_string(), "s3cret-token".to_string()),
            ("X-Hub-Signature-256".to_string(), "sha256=abcdef012345".to_string()),
            ("X-Gitlab-Event".to_string(), "Push Hook".to_string()),
        ];
        let body = b"bad token s3cret-token, sig abcdef012345 for Push Hook\x1b[2J\n";
        let shown = excerpt(body, &sent);
        assert_eq!(shown, "bad token [redacted], sig [redacted] for Push Hook\\u{1b}[2J");
        let long = excerpt("x".repeat(1000).as_bytes(), &[]);
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    fn answer(status: u16, reason: &str, body: &str) -> Answer {
        Answer {
            status,
            reason: reason.into(),
            body: body.into(),
        }
    }

    #[test]
    fn descriptions_say_what_the_controller_means() {
        let text = describe(&answer(404, "Not Found", "no receiver"));
        assert!(
            text.starts_with("404 Not Found: no receiver (no Receiver has this path"),
            "{text}"
        );
        let text = describe(&answer(202, "Accepted", ""));
        assert!(
            text.starts_with("202 Accepted (the request reached the controller's events port (9090)"),
            "{text}"
        );
        let text = describe(&answer(403, "Forbidden", "denied"));
        assert!(text.contains("a proxy"), "{text}");
        assert_eq!(describe(&answer(418, "I'm a teapot", "")), "418 I'm a teapot");
    }

    #[test]
    fn retryable_statuses() {
        for status in [404, 408, 429, 500, 503] {
            assert!(is_retryable(status), "{status}");
        }
        for status in [202, 400, 401, 403, 413] {
            assert!(!is_retryable(status), "{status}");
        }
    }

    #[test]
    fn failures_say_when_they_stopped() {
        let failed = |attempts, refused| Undelivered {
            attempts,
            refused,
            last: String::new(),
        };
        assert_eq!(
            failed(1, Some(400)).when(),
            "on the first attempt (a 400 is not retried)"
        );
        assert_eq!(failed(2, Some(401)).when(), "on attempt 2 (a 401 is not retried)");
        assert_eq!(failed(4, None).when(), "after 4 attempts");
        assert_eq!(failed(1, None).when(), "after 1 attempt");
    }
}

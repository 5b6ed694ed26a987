//! One request to a provider's REST API (GitHub's, GitLab's), built once
//! and either sent or shown (`--dry-run-hook`): shown, and in its `Debug`,
//! with every credential and secret replaced by [`REDACTED`].

use serde_json::Value;

/// Shown instead of a secret.
pub const REDACTED: &str = "[redacted]";

/// A request, with what in it is secret.
#[derive(Clone, PartialEq)]
pub struct ApiRequest {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The whole URL.
    pub url: String,
    /// Every header, the credentials' included.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// Headers shown as [`REDACTED`] besides `Authorization` (whose scheme
    /// stays: `Bearer [redacted]`), e.g. GitLab's `PRIVATE-TOKEN`.
    pub secret_headers: &'static [&'static str],
    /// JSON pointers of the body's secrets, e.g. `/config/secret`.
    pub secret_fields: &'static [&'static str],
}

impl ApiRequest {
    /// The request as text, secrets replaced by [`REDACTED`]: the request
    /// line, the headers, a blank line and the pretty-printed body.
    pub fn redacted(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.url);
        for (name, value) in &self.headers {
            let value = if self.secret_headers.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                REDACTED.to_string()
            } else if name.eq_ignore_ascii_case("authorization") {
                match value.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} {REDACTED}"),
                    None => REDACTED.to_string(),
                }
            } else {
                value.clone()
            };
            text.push_str(&format!("{name}: {value}\n"));
        }
        if let Some(body) = &self.body {
            let mut body = body.clone();
            for pointer in self.secret_fields {
                if let Some(secret) = body.pointer_mut(pointer) {
                    *secret = Value::String(REDACTED.to_string());
                }
            }
            text.push('\n');
            text.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
            text.push('\n');
        }
        text
    }
}

impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

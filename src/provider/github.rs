//! GitHub's webhook API: list, create, update and delete a repository's or
//! an organization's hooks, and [`Client::ensure_hook`], which converges on
//! one hook per Receiver URL.
//!
//! Requests are built by [`receiver::github::Request`], so what `--dry-run`
//! shows is what would be sent. Every error is one line, with the response
//! text escaped and the token and hook secret never in it.

use std::time::Duration;

use receiver::github::{self, Delivery, DesiredHook, Hook, HookScope, Request};

use crate::http::{self, Response};

/// How long one API request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Pages followed at most when listing (100 hooks a page): a loop in the
/// server's `Link` headers must not make us loop for ever.
const MAX_PAGES: usize = 50;

/// What [`Client::ensure_hook`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensured {
    /// No hook delivered to the URL: one was created.
    Created,
    /// One did: it was updated to the desired state.
    Updated,
}

impl Ensured {
    /// `created` or `updated`.
    pub fn verb(self) -> &'static str {
        match self {
            Ensured::Created => "created",
            Ensured::Updated => "updated",
        }
    }
}

/// A client for one scope's hooks.
pub struct Client {
    api_url: String,
    token: String,
    scope: HookScope,
    /// Redacted from every message besides the token: the hook's secret.
    secret: Option<String>,
}

/// `flux-receiver/<version>`: GitHub refuses requests without a User-Agent.
pub fn user_agent() -> String {
    format!("flux-receiver/{}", env!("CARGO_PKG_VERSION"))
}

impl Client {
    /// A client of `scope`'s hooks at `api_url` (no trailing `/`).
    pub fn new(api_url: &str, token: &str, scope: HookScope) -> Client {
        Client {
            api_url: api_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            scope,
            secret: None,
        }
    }

    /// The URL of the scope's hooks, for messages.
    pub fn hooks_url(&self) -> String {
        format!("{}{}", self.api_url, self.scope.hooks_path())
    }

    /// A request to `path` under the API URL.
    fn request(&self, method: &'static str, path: &str, body: Option<serde_json::Value>) -> Request {
        receiver::github::request(method, &self.api_url, path, &self.token, &user_agent(), body)
    }

    /// The requests [`Client::ensure_hook`] would start with, for
    /// `--dry-run`: the list, then the create (a PATCH of the same body
    /// less `name` replaces the create when a hook delivers there already).
    pub fn planned(&self, desired: &DesiredHook) -> Vec<Request> {
        vec![
            self.planned_list(),
            self.request("POST", &self.scope.hooks_path(), Some(json(&desired.create()))),
        ]
    }

    /// The PATCH [`Client::repoint`] sends, with `<id>` for the hook's id,
    /// for `--dry-run`.
    pub fn planned_update(&self, desired: &DesiredHook) -> Request {
        let path = format!("{}/<id>", self.scope.hooks_path());
        self.request("PATCH", &path, Some(json(&desired.update())))
    }

    /// Sends `request`; a status outside 2xx is an error naming it, unless
    /// it is one of `tolerated`.
    async fn send(&self, request: &Request, tolerated: &[u16]) -> Result<Response, String> {
        let body = match &request.body {
            Some(body) => serde_json::to_vec(body).map_err(|e| e.to_string())?,
            None => Vec::new(),
        };
        let response = http::send(request.method, &request.url, &request.headers, body, TIMEOUT)
            .await
            .map_err(|e| format!("cannot reach GitHub at {}: {e}", self.api_url))?;
        if (200..300).contains(&response.status) || tolerated.contains(&response.status) {
            Ok(response)
        } else {
            Err(self.refusal(request, &response))
        }
    }

    /// A refused request as one line: what was asked, what GitHub said,
    /// and for 401, 403 and 404 what the token lacks.
    fn refusal(&self, request: &Request, response: &Response) -> String {
        let text = String::from_utf8_lossy(&response.body);
        // GitHub's errors are `{"message": …}`; prism's are problem+json.
        let said = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|value| {
                let message = value
                    .get("message")
                    .or_else(|| value.get("detail"))?
                    .as_str()?
                    .to_string();
                // GitHub's 422 lists `errors`; prism's lists `validation`.
                let errors = value
                    .get("errors")
                    .or_else(|| value.get("validation"))
                    .map(|e| format!(" {e}"))
                    .unwrap_or_default();
                Some(format!("{message}{errors}"))
            })
            .unwrap_or_else(|| text.into_owned());
        let mut secrets = vec![self.token.as_str()];
        secrets.extend(self.secret.as_deref());
        let said = http::excerpt_hiding(&said, &secrets);
        let mut line = format!(
            "GitHub answered {} to {} {}: {said}",
            response.status, request.method, request.url
        );
        match response.status {
            401 => {
                line.push_str(" (the token is invalid or expired: check --github-token-file, GITHUB_TOKEN or GH_TOKEN)")
            }
            403 | 404 => {
                let hint = github::scope_hint(
                    response.header("x-oauth-scopes"),
                    response.header("x-accepted-oauth-scopes"),
                    response.header("x-accepted-github-permissions"),
                );
                let hint = http::excerpt_hiding(&hint, &secrets);
                let missing = if response.status == 404 {
                    format!("{} does not exist, or the token cannot manage its hooks", self.scope)
                } else {
                    format!("the token cannot manage the hooks of {}", self.scope)
                };
                line.push_str(&format!(" ({missing}: it {}", self.scope.needs()));
                if !hint.is_empty() {
                    line.push_str(&format!("; {hint}"));
                }
                line.push(')');
            }
            _ => {}
        }
        line
    }

    /// Every hook of the scope, following `Link: rel="next"` (only to the
    /// same API URL: the token goes nowhere else).
    pub async fn list(&self) -> Result<Vec<Hook>, String> {
        self.pages(self.planned_list(), "hooks", |_: &[Hook]| false).await
    }

    /// The items of `first` and of the pages its `Link: rel="next"`
    /// headers lead to, until a page after which `enough` says to stop.
    async fn pages<T: serde::de::DeserializeOwned>(
        &self,
        first: Request,
        what: &str,
        enough: impl Fn(&[T]) -> bool,
    ) -> Result<Vec<T>, String> {
        let mut items = Vec::new();
        let mut request = first;
        for _ in 0..MAX_PAGES {
            let response = self.send(&request, &[]).await?;
            let page: Vec<T> = serde_json::from_slice(&response.body).map_err(|e| {
                format!(
                    "GitHub's list of {what} at {} is not what it should be: {e}",
                    request.url
                )
            })?;
            let stop = enough(&page);
            items.extend(page);
            let Some(next) = response.header("link").and_then(github::next_link) else {
                return Ok(items);
            };
            if stop {
                return Ok(items);
            }
            let Some(path) = next.strip_prefix(&self.api_url).filter(|p| p.starts_with('/')) else {
                return Err(format!(
                    "GitHub's next page of {what} is at {}, outside {}: not followed",
                    http::excerpt_hiding(&next, &[]),
                    self.api_url
                ));
            };
            request = self.request("GET", path, None);
        }
        Err(format!("{} lists more than {MAX_PAGES} pages of {what}", request.url))
    }

    /// The deliveries of hook `id` sent at or after `since`, newest first
    /// (GitHub lists them so: paging stops at the first page that reaches
    /// back past `since`).
    pub async fn deliveries_since(&self, id: u64, since: jiff::Timestamp) -> Result<Vec<Delivery>, String> {
        let first = self.request(
            "GET",
            &format!("{}?per_page={}", self.scope.deliveries_path(id), github::PER_PAGE),
            None,
        );
        let reaches_back = |page: &[Delivery]| page.iter().any(|d| d.at().is_some_and(|at| at < since));
        let mut deliveries = self.pages(first, "deliveries", reaches_back).await?;
        deliveries.retain(|d| d.at().is_some_and(|at| at >= since));
        Ok(deliveries)
    }

    /// The `count` most recent deliveries of hook `id`, newest first.
    pub async fn recent_deliveries(&self, id: u64, count: u32) -> Result<Vec<Delivery>, String> {
        let request = self.request(
            "GET",
            &format!(
                "{}?per_page={}",
                self.scope.deliveries_path(id),
                count.min(github::PER_PAGE)
            ),
            None,
        );
        let response = self.send(&request, &[]).await?;
        serde_json::from_slice(&response.body).map_err(|e| {
            format!(
                "GitHub's list of deliveries at {} is not what it should be: {e}",
                request.url
            )
        })
    }

    /// Asks GitHub to send delivery `delivery` of hook `id` again (to the
    /// hook's current URL, signed with its current secret); GitHub queues
    /// it and answers 202.
    pub async fn redeliver(&self, id: u64, delivery: u64) -> Result<(), String> {
        let request = self.request("POST", &self.scope.attempts_path(id, delivery), None);
        self.send(&request, &[]).await.map(|_| ())
    }

    /// GitHub's clock now, from the `Date` of a cheap answer (the first
    /// page of hooks), so that "since the rotation started" is measured on
    /// the clock that stamps the deliveries; this machine's clock, less a
    /// minute, when GitHub sends no readable `Date`.
    pub async fn clock(&self) -> Result<jiff::Timestamp, String> {
        let request = self.request("GET", &format!("{}?per_page=1", self.scope.hooks_path()), None);
        let response = self.send(&request, &[]).await?;
        Ok(response
            .header("date")
            .and_then(|date| jiff::fmt::rfc2822::parse(date).ok())
            .map(|zoned| zoned.timestamp())
            .unwrap_or_else(|| jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60)))
    }

    /// The first page's request.
    fn planned_list(&self) -> Request {
        self.request(
            "GET",
            &format!("{}?per_page={}", self.scope.hooks_path(), github::PER_PAGE),
            None,
        )
    }

    /// Creates a hook; its id.
    pub async fn create(&self, desired: &DesiredHook) -> Result<u64, String> {
        let request = self.request("POST", &self.scope.hooks_path(), Some(json(&desired.create())));
        let response = self.send(&request, &[]).await?;
        hook_id(&response, &request)
    }

    /// Updates hook `id` to the desired state, secret included.
    pub async fn update(&self, id: u64, desired: &DesiredHook) -> Result<u64, String> {
        let request = self.request("PATCH", &self.scope.hook_path(id), Some(json(&desired.update())));
        let response = self.send(&request, &[]).await?;
        hook_id(&response, &request)
    }

    /// Deletes hook `id`; false when GitHub says it is gone already (404).
    pub async fn delete(&self, id: u64) -> Result<bool, String> {
        let request = self.request("DELETE", &self.scope.hook_path(id), None);
        let response = self.send(&request, &[404]).await?;
        Ok(response.status != 404)
    }

    /// Makes the hook that delivers to `desired.config.url` be `desired`:
    /// updated if one is listed with exactly that URL, else created. A
    /// re-run never adds a second hook.
    pub async fn ensure_hook(&mut self, desired: &DesiredHook) -> Result<(Ensured, u64), String> {
        self.secret = Some(desired.config.secret.clone());
        let hooks = self.list().await?;
        match github::find_hook(&hooks, &desired.config.url) {
            Some(hook) => Ok((Ensured::Updated, self.update(hook.id, desired).await?)),
            None => Ok((Ensured::Created, self.create(desired).await?)),
        }
    }

    /// The id of the hook that delivers to `url`, if any.
    pub async fn find(&self, url: &str) -> Result<Option<u64>, String> {
        Ok(self.find_hook(url).await?.map(|hook| hook.id))
    }

    /// The hook that delivers to `url`, if any.
    pub async fn find_hook(&self, url: &str) -> Result<Option<Hook>, String> {
        let hooks = self.list().await?;
        Ok(github::find_hook(&hooks, url).cloned())
    }

    /// Points hook `id` at `desired` in one PATCH (URL and secret
    /// together, so no delivery goes out with one new and the other old).
    pub async fn repoint(&mut self, id: u64, desired: &DesiredHook) -> Result<(), String> {
        self.secret = Some(desired.config.secret.clone());
        self.update(id, desired).await.map(|_| ())
    }
}

/// A body as JSON; the bodies are plain structs, which always serialize.
fn json(body: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(body).unwrap_or_default()
}

/// The `id` of the hook in a create or update answer.
fn hook_id(response: &Response, request: &Request) -> Result<u64, String> {
    serde_json::from_slice::<Hook>(&response.body)
        .map(|hook| hook.id)
        .map_err(|e| {
            format!(
                "GitHub's answer to {} {} is not a hook: {e}",
                request.method, request.url
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = hyper::HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().unwrap());
        }
        Response {
            status,
            headers: map,
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn a_refusal_is_one_escaped_line_without_the_token_or_the_secret() {
        let mut client = Client::new(
            "https://api.github.com/",
            "ghp_s3cretToken",
            HookScope::parse_repo("o/r").unwrap(),
        );
        client.secret = Some("hook-s3cret".into());
        let request = client.request("POST", "/repos/o/r/hooks", None);
        let hostile = r#"{"message": "you sent ghp_s3cretToken and hook-s3cret\n\u001b[2Jgone"}"#;
        let line = client.refusal(&request, &response(422, &[], hostile));
        assert_eq!(
            line,
            "GitHub answered 422 to POST https://api.github.com/repos/o/r/hooks: you sent [redacted] and \
             [redacted]\\n\\u{1b}[2Jgone"
        );
        let line = client.refusal(&request, &response(401, &[], r#"{"message": "Bad credentials"}"#));
        assert!(
            line.ends_with(
                "Bad credentials (the token is invalid or expired: check --github-token-file, GITHUB_TOKEN or GH_TOKEN)"
            ),
            "{line}"
        );
        let scopes = [("x-accepted-github-permissions", "repository_hooks=write")];
        let line = client.refusal(&request, &response(404, &scopes, r#"{"message": "Not Found"}"#));
        assert!(
            line.ends_with(
                "Not Found (repository o/r does not exist, or the token cannot manage its hooks: it needs admin:repo_hook \
                 (classic) or the repository permission Webhooks: read and write (fine-grained); this call needs the \
                 permission repository_hooks=write)"
            ),
            "{line}"
        );
        // Prism's own refusals say what the description forbids.
        let problem =
            r#"{"title": "Invalid request", "detail": "not valid", "validation": [{"message": "found 'x'"}]}"#;
        let line = client.refusal(&request, &response(422, &[], problem));
        assert!(line.ends_with(r#": not valid [{"message":"found 'x'"}]"#), "{line}");
    }
}

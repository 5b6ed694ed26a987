//! GitLab's webhook API: list, create, update and delete a project's or a
//! group's hooks, [`Client::ensure_hook`], which converges on one hook per
//! Receiver URL, [`Client::rotate`], which moves one to a new URL and
//! token in one request, and a hook's recent events and their resending.
//!
//! Requests are built by [`receiver::gitlab::Request`], so what
//! `--dry-run-hook` shows is what would be sent. Every error is one line,
//! with the response text escaped and neither token in it.

use std::time::Duration;

use receiver::gitlab::{self, DesiredHook, Hook, HookEvent, HookScope, NextPage, Request};

use crate::http::{self, Response};
pub use crate::provider::github::Ensured;

/// How long one API request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Pages followed at most when listing (100 hooks a page): a loop in the
/// server's pagination headers must not make us loop for ever.
const MAX_PAGES: u32 = 50;

/// A client for one scope's hooks.
pub struct Client {
    /// `<--gitlab-url>/api/v4`.
    api_url: String,
    token: String,
    scope: HookScope,
    /// Redacted from every message besides the API token: the hook's.
    secret: Option<String>,
}

impl Client {
    /// A client of `scope`'s hooks at the GitLab at `gitlab_url` (its web
    /// address; the API is under `/api/v4`).
    pub fn new(gitlab_url: &str, token: &str, scope: HookScope) -> Client {
        Client {
            api_url: format!("{}{}", gitlab_url.trim_end_matches('/'), gitlab::API_PATH),
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
        receiver::gitlab::request(
            method,
            &self.api_url,
            path,
            &self.token,
            &crate::provider::github::user_agent(),
            body,
        )
    }

    /// The requests [`Client::ensure_hook`] would start with, for
    /// `--dry-run-hook`: the list, then the create (a PUT of the same body
    /// to the hook replaces it when one delivers there already).
    pub fn planned(&self, desired: &DesiredHook) -> Vec<Request> {
        vec![
            self.list_request(1),
            self.request("POST", &self.scope.hooks_path(), Some(desired.body())),
        ]
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
            .map_err(|e| format!("cannot reach GitLab at {}: {e}", self.api_url))?;
        if (200..300).contains(&response.status) || tolerated.contains(&response.status) {
            Ok(response)
        } else {
            Err(self.refusal(request, &response))
        }
    }

    /// The secrets no message may show.
    fn secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.token.as_str()];
        secrets.extend(self.secret.as_deref());
        secrets
    }

    /// A refused request as one line: what was asked, what GitLab said,
    /// and for 401, 403 and 404 what the token or its user lacks.
    fn refusal(&self, request: &Request, response: &Response) -> String {
        let text = String::from_utf8_lossy(&response.body);
        // GitLab's errors are `{"message": …}` (a string or, for
        // validation, an object) or `{"error": …}`.
        let value = serde_json::from_str::<serde_json::Value>(&text).ok();
        let said = value
            .as_ref()
            .and_then(|value| {
                let said = value.get("message").or_else(|| value.get("error"))?;
                let mut said = match said {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                if let Some(description) = value.get("error_description").and_then(|d| d.as_str()) {
                    said.push_str(&format!(": {description}"));
                }
                Some(said)
            })
            .unwrap_or_else(|| text.into_owned());
        let said = http::excerpt_hiding(&said, &self.secrets());
        let mut line = format!(
            "GitLab answered {} to {} {}: {said}",
            response.status, request.method, request.url
        );
        let insufficient_scope = value
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(|e| e.as_str())
            .is_some_and(|e| e == "insufficient_scope");
        match response.status {
            401 => {
                line.push_str(" (the token is invalid, expired or revoked: check --gitlab-token-file or GITLAB_TOKEN)")
            }
            403 if insufficient_scope => {
                line.push_str(" (the token needs the `api` scope to manage webhooks; `read_api` only lists them)")
            }
            403 => line.push_str(&format!(
                " (the token cannot manage the hooks of {}: {})",
                self.scope,
                self.scope.needs()
            )),
            404 if self.scope.is_group() => line.push_str(&format!(
                " ({} not found, or the token's user is not its Owner; or this GitLab has no group webhooks, \
                 which the Free tier lacks: use --gitlab-project)",
                self.scope
            )),
            404 => line.push_str(&format!(
                " ({} not found or the token's user is not a Maintainer of it)",
                self.scope
            )),
            _ => {}
        }
        line
    }

    /// The request for page `page` of the hooks.
    fn list_request(&self, page: u32) -> Request {
        self.request(
            "GET",
            &format!("{}?page={page}&per_page={}", self.scope.hooks_path(), gitlab::PER_PAGE),
            None,
        )
    }

    /// Every hook of the scope, following `X-Next-Page` (or `Link:
    /// rel="next"`, only to the same API URL: the token goes nowhere
    /// else).
    pub async fn list(&self) -> Result<Vec<Hook>, String> {
        let mut hooks = Vec::new();
        let mut request = self.list_request(1);
        for _ in 0..MAX_PAGES {
            let response = self.send(&request, &[]).await?;
            let page: Vec<Hook> = serde_json::from_slice(&response.body).map_err(|e| {
                format!(
                    "GitLab's list of hooks at {} is not what it should be: {e}",
                    request.url
                )
            })?;
            let empty = page.is_empty();
            hooks.extend(page);
            let next = gitlab::next_page(response.header("x-next-page"), response.header("link"));
            request = match next {
                None => return Ok(hooks),
                // A server that keeps pointing further with nothing in it.
                Some(_) if empty => return Ok(hooks),
                Some(NextPage::Number(page)) => self.list_request(page),
                Some(NextPage::Url(url)) => {
                    let Some(path) = url.strip_prefix(&self.api_url).filter(|p| p.starts_with('/')) else {
                        return Err(format!(
                            "GitLab's next page of hooks is at {}, outside {}: not followed",
                            http::excerpt_hiding(&url, &[]),
                            self.api_url
                        ));
                    };
                    self.request("GET", path, None)
                }
            };
        }
        Err(format!(
            "{} lists more than {MAX_PAGES} pages of hooks",
            self.hooks_url()
        ))
    }

    /// Creates a hook (201); its id.
    pub async fn create(&self, desired: &DesiredHook) -> Result<u64, String> {
        let request = self.request("POST", &self.scope.hooks_path(), Some(desired.body()));
        let response = self.send(&request, &[]).await?;
        hook_id(&response, &request)
    }

    /// Updates hook `id` to the desired state: `url` and `token` in the
    /// one PUT, since GitLab resets the token when the URL changes.
    pub async fn update(&self, id: u64, desired: &DesiredHook) -> Result<u64, String> {
        let request = self.request("PUT", &self.scope.hook_path(id), Some(desired.body()));
        let response = self.send(&request, &[]).await?;
        hook_id(&response, &request)
    }

    /// Deletes hook `id`; false when GitLab says it is gone already (404).
    pub async fn delete(&self, id: u64) -> Result<bool, String> {
        let request = self.request("DELETE", &self.scope.hook_path(id), None);
        let response = self.send(&request, &[404]).await?;
        Ok(response.status != 404)
    }

    /// Makes the hook that delivers to `desired.url` be `desired`: updated
    /// if one is listed with exactly that URL (always: GitLab never shows
    /// a token to compare), else created. A re-run never adds a second.
    pub async fn ensure_hook(&mut self, desired: &DesiredHook) -> Result<(Ensured, u64), String> {
        self.secret = Some(desired.token.clone());
        let hooks = self.list().await?;
        match gitlab::find_hook(&hooks, &desired.url) {
            Some(hook) => Ok((Ensured::Updated, self.update(hook.id, desired).await?)),
            None => Ok((Ensured::Created, self.create(desired).await?)),
        }
    }

    /// Moves the hook delivering to `old_url` to `desired` (its new URL
    /// and token) in one PUT; if none delivers there but one delivers to
    /// the new URL already (a rotation resumed), that one is updated. The
    /// id updated, or `None` when no hook delivers to either.
    pub async fn rotate(&mut self, old_url: &str, desired: &DesiredHook) -> Result<Option<u64>, String> {
        self.secret = Some(desired.token.clone());
        let hooks = self.list().await?;
        let found = gitlab::find_hook(&hooks, old_url).or_else(|| gitlab::find_hook(&hooks, &desired.url));
        match found {
            Some(hook) => Ok(Some(self.update(hook.id, desired).await?)),
            None => Ok(None),
        }
    }

    /// Points hook `id` at `desired` (its new URL and token) in one PUT.
    pub async fn repoint(&mut self, id: u64, desired: &DesiredHook) -> Result<(), String> {
        self.secret = Some(desired.token.clone());
        self.update(id, desired).await.map(|_| ())
    }

    /// The hook that delivers to `url`, if any.
    pub async fn find(&self, url: &str) -> Result<Option<Hook>, String> {
        let hooks = self.list().await?;
        Ok(gitlab::find_hook(&hooks, url).cloned())
    }

    /// Hook `id`'s recent events (the first 100; GitLab 17.3 and later
    /// keep 7 days), filtered by `status` when given: `successful`,
    /// `client_failure`, `server_failure` or a status code.
    pub async fn events(&self, id: u64, status: Option<&str>) -> Result<Vec<HookEvent>, String> {
        let mut path = format!("{}?page=1&per_page={}", self.scope.events_path(id), gitlab::PER_PAGE);
        if let Some(status) = status {
            path.push_str(&format!("&status={}", gitlab::encode(status)));
        }
        let request = self.request("GET", &path, None);
        let response = self.send(&request, &[]).await?;
        serde_json::from_slice(&response.body).map_err(|e| {
            format!(
                "GitLab's list of hook events at {} is not what it should be: {e}",
                request.url
            )
        })
    }

    /// Hook `id`'s `count` newest events, for `doctor`; `None` when GitLab
    /// answers 404, as one older than 17.3 (which keeps no delivery log
    /// the API can read) does.
    pub async fn recent_events(&self, id: u64, count: u32) -> Result<Option<Vec<HookEvent>>, String> {
        let request = self.request("GET", &format!("{}?per_page={count}", self.scope.events_path(id)), None);
        let response = self.send(&request, &[404]).await?;
        if response.status == 404 {
            return Ok(None);
        }
        serde_json::from_slice(&response.body).map(Some).map_err(|e| {
            format!(
                "GitLab's list of hook events at {} is not what it should be: {e}",
                request.url
            )
        })
    }

    /// GitLab's clock now, from the `Date` of a cheap answer (one hook of
    /// the scope), so that "since the rotation started" is measured on the
    /// clock that stamps the hook's events; this machine's, less a minute,
    /// without a readable `Date`.
    pub async fn clock(&self) -> Result<jiff::Timestamp, String> {
        let request = self.request("GET", &format!("{}?per_page=1", self.scope.hooks_path()), None);
        let response = self.send(&request, &[]).await?;
        Ok(response
            .header("date")
            .and_then(|date| jiff::fmt::rfc2822::parse(date).ok())
            .map(|zoned| zoned.timestamp())
            .unwrap_or_else(|| jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60)))
    }

    /// Resends event `event` of hook `id` (GitLab 17.4 and later, 5 a
    /// minute per hook); the status the receiver answered, as GitLab
    /// reports it.
    pub async fn resend(&self, id: u64, event: u64) -> Result<String, String> {
        let request = self.request("POST", &self.scope.resend_path(id, event), None);
        let response = self.send(&request, &[]).await?;
        #[derive(serde::Deserialize)]
        struct Resent {
            #[serde(default)]
            response_status: serde_json::Value,
        }
        let resent: Resent = serde_json::from_slice(&response.body).map_err(|e| {
            format!(
                "GitLab's answer to {} {} is not what it should be: {e}",
                request.method, request.url
            )
        })?;
        Ok(match resent.response_status {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        })
    }
}

/// The `id` of the hook in a create or update answer.
fn hook_id(response: &Response, request: &Request) -> Result<u64, String> {
    serde_json::from_slice::<Hook>(&response.body)
        .map(|hook| hook.id)
        .map_err(|e| {
            format!(
                "GitLab's answer to {} {} is not a hook: {e}",
                request.method, request.url
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: hyper::HeaderMap::new(),
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn the_api_is_under_api_v4() {
        let client = Client::new(
            "https://gitlab.example.com/",
            "t",
            HookScope::parse_project("g/s/p").unwrap(),
        );
        assert_eq!(
            client.hooks_url(),
            "https://gitlab.example.com/api/v4/projects/g%2Fs%2Fp/hooks"
        );
        assert_eq!(
            client.list_request(2).url,
            "https://gitlab.example.com/api/v4/projects/g%2Fs%2Fp/hooks?page=2&per_page=100"
        );
    }

    #[test]
    fn a_refusal_is_one_escaped_line_without_either_token() {
        let project = HookScope::parse_project("acme/app").unwrap();
        let mut client = Client::new("https://gitlab.com", "glpat-s3cretToken", project);
        client.secret = Some("hook-s3cret".into());
        let request = client.request("POST", "/projects/acme%2Fapp/hooks", None);
        let hostile = r#"{"message": "you sent glpat-s3cretToken and hook-s3cret\n\u001b[2Jgone"}"#;
        let line = client.refusal(&request, &response(400, hostile));
        assert_eq!(
            line,
            "GitLab answered 400 to POST https://gitlab.com/api/v4/projects/acme%2Fapp/hooks: you sent [redacted] \
             and [redacted]\\n\\u{1b}[2Jgone"
        );
        let line = client.refusal(&request, &response(401, r#"{"message": "401 Unauthorized"}"#));
        assert!(
            line.ends_with(
                "401 Unauthorized (the token is invalid, expired or revoked: check --gitlab-token-file or GITLAB_TOKEN)"
            ),
            "{line}"
        );
        let scope = r#"{"error": "insufficient_scope", "error_description": "The request requires higher privileges than provided by the access token.", "scope": "api"}"#;
        let line = client.refusal(&request, &response(403, scope));
        assert!(
            line.contains("insufficient_scope: The request requires higher privileges"),
            "{line}"
        );
        assert!(
            line.ends_with("(the token needs the `api` scope to manage webhooks; `read_api` only lists them)"),
            "{line}"
        );
        let line = client.refusal(&request, &response(403, r#"{"message": "403 Forbidden"}"#));
        assert!(line.ends_with("at least the Maintainer role in the project)"), "{line}");
        let line = client.refusal(&request, &response(404, r#"{"message": "404 Project Not Found"}"#));
        assert!(
            line.ends_with("(project acme/app not found or the token's user is not a Maintainer of it)"),
            "{line}"
        );
        let group = Client::new("https://gitlab.com", "t0ken", HookScope::parse_group("acme").unwrap());
        let line = group.refusal(&request, &response(404, r#"{"message": "404 Group Not Found"}"#));
        assert!(line.contains("Free tier"), "{line}");
        let line = client.refusal(&request, &response(400, r#"{"error": "push_events is invalid"}"#));
        assert!(line.ends_with(": push_events is invalid"), "{line}");
        assert_eq!(line.lines().count(), 1);
    }
}

//! GitHub's repository and organization webhooks, as data: where they
//! live, the request bodies GitHub's REST API takes, the Receiver's events
//! in GitHub's words, the errors' scope hints and a redacted rendering of a
//! request for `--dry-run`. No I/O: the binary's client sends what this
//! builds.
//!
//! The bodies follow GitHub's OpenAPI description (`repos/create-webhook`,
//! `repos/update-webhook` and their `orgs/` twins): the create body allows
//! no other property, and an update whose `config` lacks `secret` clears
//! the secret, so an update always carries the whole config.

use serde::{Deserialize, Serialize};

use crate::api_request::ApiRequest;

/// The `--github-api-url` default.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The REST API version every request asks for (`X-GitHub-Api-Version`).
pub const API_VERSION: &str = "2022-11-28";

/// The media type every request accepts.
pub const ACCEPT: &str = "application/vnd.github+json";

/// How many hooks one list request asks for: GitHub's maximum.
pub const PER_PAGE: u32 = 100;

/// Where a hook is registered: one repository, or every repository of an
/// organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookScope {
    /// `--github-repo OWNER/REPO`.
    Repo {
        /// The user or organization that owns the repository.
        owner: String,
        /// The repository's name.
        repo: String,
    },
    /// `--github-org ORG`.
    Org {
        /// The organization's login.
        org: String,
    },
}

impl HookScope {
    /// Parses `OWNER/REPO` as GitHub names them: the owner a login (see
    /// [`check_login`]), the repository up to 100 ASCII letters, digits,
    /// `-`, `_` and `.`, not `.` or `..`.
    pub fn parse_repo(text: &str) -> Result<HookScope, String> {
        let Some((owner, repo)) = text.split_once('/') else {
            return Err("give the repository as OWNER/REPO, as in fluxcd/flux2".into());
        };
        check_login(owner).map_err(|reason| format!("the owner {reason}"))?;
        check_repo(repo).map_err(|reason| format!("the repository name {reason}"))?;
        Ok(HookScope::Repo {
            owner: owner.to_string(),
            repo: repo.to_string(),
        })
    }

    /// Parses an organization's login (see [`check_login`]).
    pub fn parse_org(text: &str) -> Result<HookScope, String> {
        if text.contains('/') {
            return Err("give only the organization's name; for one repository use --github-repo OWNER/REPO".into());
        }
        check_login(text)?;
        Ok(HookScope::Org { org: text.to_string() })
    }

    /// The API path of the scope's hooks: `/repos/{owner}/{repo}/hooks` or
    /// `/orgs/{org}/hooks`, each segment percent-encoded.
    pub fn hooks_path(&self) -> String {
        match self {
            HookScope::Repo { owner, repo } => format!("/repos/{}/{}/hooks", encode(owner), encode(repo)),
            HookScope::Org { org } => format!("/orgs/{}/hooks", encode(org)),
        }
    }

    /// The API path of one hook.
    pub fn hook_path(&self, id: u64) -> String {
        format!("{}/{id}", self.hooks_path())
    }

    /// The path of hook `id`'s deliveries.
    pub fn deliveries_path(&self, id: u64) -> String {
        format!("{}/deliveries", self.hook_path(id))
    }

    /// The path that redelivers delivery `delivery` of hook `id`.
    pub fn attempts_path(&self, id: u64, delivery: u64) -> String {
        format!("{}/{delivery}/attempts", self.deliveries_path(id))
    }

    /// The permission a token needs here, for error messages.
    pub fn needs(&self) -> &'static str {
        match self {
            HookScope::Repo { .. } => {
                "needs admin:repo_hook (classic) or the repository permission Webhooks: read and write (fine-grained)"
            }
            HookScope::Org { .. } => {
                "needs admin:org_hook (classic) or the organization permission Webhooks: read and write (fine-grained)"
            }
        }
    }
}

impl HookScope {
    /// The flag and value that name this scope on the command line
    /// (`--github-repo o/r`), for the fixes `doctor` suggests.
    pub fn flag(&self) -> String {
        match self {
            HookScope::Repo { owner, repo } => format!("--github-repo {owner}/{repo}"),
            HookScope::Org { org } => format!("--github-org {org}"),
        }
    }
}

impl std::fmt::Display for HookScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HookScope::Repo { owner, repo } => write!(f, "repository {owner}/{repo}"),
            HookScope::Org { org } => write!(f, "organization {org}"),
        }
    }
}

/// Checks a user or organization login: 1 to 39 ASCII letters, digits and
/// hyphens, neither starting nor ending with a hyphen, with no two in a row.
pub fn check_login(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 39 {
        return Err(format!("is {} characters long; GitHub allows at most 39", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        return Err(format!("may contain only letters, digits and '-', not {}", quoted(c)));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("must not start or end with '-'".into());
    }
    if name.contains("--") {
        return Err("must not contain '--'".into());
    }
    Ok(())
}

/// Checks a repository name: 1 to 100 ASCII letters, digits, `-`, `_` and
/// `.`, not `.` or `..`, and without the `.git` GitHub would strip.
pub fn check_repo(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 100 {
        return Err(format!("is {} characters long; GitHub allows at most 100", name.len()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "may contain only letters, digits, '-', '_' and '.', not {}",
            quoted(c)
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("must not be '{name}'"));
    }
    if name.to_ascii_lowercase().ends_with(".git") {
        return Err(format!("must not end in .git (give '{}')", &name[..name.len() - 4]));
    }
    Ok(())
}

/// A character quoted for a message (`'/'`, `'\n'`), escaped so that it
/// cannot split the line.
fn quoted(c: char) -> String {
    format!("'{}'", c.escape_debug())
}

/// Percent-encodes a path segment: everything but RFC 3986's unreserved
/// characters. Validated names never need it; it keeps a path a path if a
/// name ever gets past validation.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The hook's `config` as sent: always the whole of it, secret included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookConfig {
    /// The Receiver's URL.
    pub url: String,
    /// Always `json`: the notification-controller reads JSON payloads.
    pub content_type: &'static str,
    /// The Receiver's token, the HMAC key of `X-Hub-Signature-256`.
    pub secret: String,
    /// Always `"0"`: TLS is verified.
    pub insecure_ssl: &'static str,
}

impl HookConfig {
    /// The config of a hook delivering to `url`, signed with `secret`.
    pub fn new(url: &str, secret: &str) -> HookConfig {
        HookConfig {
            url: url.to_string(),
            content_type: "json",
            secret: secret.to_string(),
            insecure_ssl: "0",
        }
    }
}

/// The body of `POST …/hooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateHook {
    /// Always `web`, the only hook name GitHub takes.
    pub name: &'static str,
    /// Whether deliveries are sent.
    pub active: bool,
    /// The GitHub events to deliver.
    pub events: Vec<String>,
    /// Where and how.
    pub config: HookConfig,
}

/// The body of `PATCH …/hooks/{hook_id}`: the whole desired state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateHook {
    /// Whether deliveries are sent.
    pub active: bool,
    /// The GitHub events to deliver (replacing the hook's).
    pub events: Vec<String>,
    /// The whole config: one without `secret` would clear it.
    pub config: HookConfig,
}

/// What a hook should be: the same for a create and an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredHook {
    /// The GitHub events (see [`hook_events`]).
    pub events: Vec<String>,
    /// The config.
    pub config: HookConfig,
}

impl DesiredHook {
    /// The create body.
    pub fn create(&self) -> CreateHook {
        CreateHook {
            name: "web",
            active: true,
            events: self.events.clone(),
            config: self.config.clone(),
        }
    }

    /// The update body.
    pub fn update(&self) -> UpdateHook {
        UpdateHook {
            active: true,
            events: self.events.clone(),
            config: self.config.clone(),
        }
    }
}

/// A hook as GitHub lists it, reduced to what matching and `doctor` need.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hook {
    /// Its id, for updates and deletes.
    pub id: u64,
    /// Its config; `url` is what a Receiver's hook is recognized by.
    pub config: ReadConfig,
    /// Whether GitHub sends deliveries (a hook can be switched off).
    #[serde(default = "yes")]
    pub active: bool,
    /// The events it is subscribed to.
    #[serde(default)]
    pub events: Vec<String>,
}

fn yes() -> bool {
    true
}

/// One delivery of a hook, as `GET …/hooks/{hook_id}/deliveries` lists it
/// (the `hook-delivery-item` schema, reduced).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Delivery {
    /// Its id, for a redelivery.
    pub id: u64,
    /// The id of the event: a redelivery keeps it.
    pub guid: String,
    /// When it was sent (RFC 3339).
    pub delivered_at: String,
    /// Whether it was a redelivery.
    #[serde(default)]
    pub redelivery: bool,
    /// GitHub's description of the outcome (`OK`, `Invalid HTTP Response: 404`, …).
    #[serde(default)]
    pub status: String,
    /// The answer's status code; 0 when nothing answered.
    #[serde(default)]
    pub status_code: u16,
    /// The event (`push`, `ping`, …).
    #[serde(default)]
    pub event: String,
    /// The event's action, for the events that have one.
    #[serde(default)]
    pub action: Option<String>,
}

impl Delivery {
    /// When it was sent; `None` for a timestamp GitHub would not send.
    pub fn at(&self) -> Option<jiff::Timestamp> {
        self.delivered_at.parse().ok()
    }

    /// Whether the Receiver accepted it.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status_code) && self.status_code != 202
    }
}

/// The most deliveries one rotation redelivers: past that, something else
/// than the rotation is wrong, and redelivering would only add load.
pub const MAX_REDELIVERIES: usize = 50;

/// The deliveries to redeliver after a rotation that started at `since`,
/// oldest first (pushes then arrive in their order): of the deliveries
/// sent since then (`deliveries` as GitHub lists them, newest first), one
/// per event (`guid`) that never succeeded, whether first sent or already
/// redelivered; at most [`MAX_REDELIVERIES`]. A 202 is a failure here: it
/// is the events server's answer, not the receiver's.
pub fn to_redeliver(deliveries: &[Delivery], since: jiff::Timestamp) -> Vec<&Delivery> {
    let recent: Vec<&Delivery> = deliveries
        .iter()
        .filter(|delivery| delivery.at().is_some_and(|at| at >= since))
        .collect();
    let mut chosen: Vec<&Delivery> = Vec::new();
    for delivery in &recent {
        let succeeded = recent
            .iter()
            .any(|other| other.guid == delivery.guid && other.succeeded());
        if !succeeded && !chosen.iter().any(|c| c.guid == delivery.guid) {
            chosen.push(delivery);
        }
    }
    chosen.sort_by_key(|delivery| (delivery.at(), delivery.id));
    chosen.truncate(MAX_REDELIVERIES);
    chosen
}

/// A hook's config as GitHub returns it (the secret reads back masked).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReadConfig {
    /// Where it delivers.
    #[serde(default)]
    pub url: Option<String>,
}

/// The hook among `hooks` that delivers to exactly `url`.
pub fn find_hook<'a>(hooks: &'a [Hook], url: &str) -> Option<&'a Hook> {
    hooks.iter().find(|hook| hook.config.url.as_deref() == Some(url))
}

/// The Receiver's events as GitHub hook events: lowercased (the controller
/// compares case-insensitively; GitHub's names are lowercase), without
/// duplicates and without `ping`, which is no subscribable event (GitHub
/// sends it on creation anyway). None left means the Receiver accepts
/// every event: the hook then gets GitHub's default, `push`, rather than
/// `*`, so it does not fire on every comment.
pub fn hook_events(receiver_events: &[String]) -> Vec<String> {
    let mut events: Vec<String> = Vec::new();
    for event in receiver_events {
        let event = event.trim().to_ascii_lowercase();
        if event != "ping" && !event.is_empty() && !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        events.push("push".to_string());
    }
    events
}

/// The `Link` header's `rel="next"` URL, if any.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|param| {
                let param = param.trim();
                param == "rel=\"next\"" || param == "rel=next"
            })
            .then(|| target.to_string())
    })
}

/// What the scope headers of a 403 or 404 say, as one clause: the scopes a
/// classic token has (`X-OAuth-Scopes`), those the call accepts
/// (`X-Accepted-OAuth-Scopes`) and the permissions a fine-grained token
/// needs (`X-Accepted-GitHub-Permissions`); empty when none was sent.
pub fn scope_hint(granted: Option<&str>, accepted: Option<&str>, permissions: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(granted) = granted {
        let granted = granted.trim();
        parts.push(if granted.is_empty() {
            "the token has no scopes".to_string()
        } else {
            format!("the token has scopes {granted}")
        });
    }
    if let Some(accepted) = accepted.map(str::trim).filter(|a| !a.is_empty()) {
        parts.push(format!("this call accepts {accepted}"));
    }
    if let Some(permissions) = permissions.map(str::trim).filter(|p| !p.is_empty()) {
        parts.push(format!("this call needs the permission {permissions}"));
    }
    parts.join("; ")
}

/// One API request, built once and either sent or shown (`--dry-run`),
/// with the token and the hook's secret redacted in what is shown and in
/// its `Debug`.
pub type Request = ApiRequest;

pub use crate::api_request::REDACTED;

/// A request to `path` under `api_url` (no trailing `/`) with the headers
/// GitHub asks for, authenticated with `token`.
pub fn request(
    method: &'static str,
    api_url: &str,
    path: &str,
    token: &str,
    user_agent: &str,
    body: Option<serde_json::Value>,
) -> Request {
    let mut headers = vec![
        ("Accept".to_string(), ACCEPT.to_string()),
        ("X-GitHub-Api-Version".to_string(), API_VERSION.to_string()),
        ("Authorization".to_string(), format!("Bearer {token}")),
        ("User-Agent".to_string(), user_agent.to_string()),
    ];
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    ApiRequest {
        method,
        url: format!("{}{path}", api_url.trim_end_matches('/')),
        headers,
        body,
        secret_headers: &[],
        secret_fields: &["/config/secret"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn delivery(id: u64, guid: &str, at: &str, code: u16) -> Delivery {
        Delivery {
            id,
            guid: guid.to_string(),
            delivered_at: at.to_string(),
            redelivery: false,
            status: String::new(),
            status_code: code,
            event: "push".to_string(),
            action: None,
        }
    }

    #[test]
    fn a_rotation_redelivers_each_event_that_failed_since_it_started_once_oldest_first() {
        let since: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
        // Newest first, as GitHub lists them.
        let listed = vec![
            delivery(9, "g-late", "2026-12-02T10:05:00Z", 404),
            delivery(8, "g-fixed", "2026-12-02T10:04:00Z", 200),
            delivery(7, "g-twice", "2026-12-02T10:03:00Z", 404),
            delivery(6, "g-fixed", "2026-12-02T10:02:30Z", 400),
            delivery(5, "g-twice", "2026-12-02T10:02:00Z", 400),
            delivery(4, "g-port", "2026-12-02T10:01:30Z", 202),
            delivery(3, "g-down", "2026-12-02T10:01:00Z", 0),
            delivery(2, "g-old", "2026-12-02T09:59:59Z", 404),
            delivery(1, "g-bad", "not a time", 404),
        ];
        let chosen: Vec<u64> = to_redeliver(&listed, since).iter().map(|d| d.id).collect();
        assert_eq!(chosen, [3, 4, 7, 9]);
        let many: Vec<Delivery> = (0..80)
            .map(|n| delivery(n, &format!("g{n}"), "2026-12-02T10:00:00Z", 404))
            .collect();
        assert_eq!(to_redeliver(&many, since).len(), MAX_REDELIVERIES);
    }

    #[test]
    fn deliveries_live_under_the_hook() {
        let scope = HookScope::parse_repo("o/r").unwrap();
        assert_eq!(scope.deliveries_path(7), "/repos/o/r/hooks/7/deliveries");
        assert_eq!(scope.attempts_path(7, 42), "/repos/o/r/hooks/7/deliveries/42/attempts");
        let org = HookScope::parse_org("acme").unwrap();
        assert_eq!(org.attempts_path(1, 2), "/orgs/acme/hooks/1/deliveries/2/attempts");
    }

    #[test]
    fn repositories_and_organizations_parse_as_github_names_them() {
        assert_eq!(
            HookScope::parse_repo("fluxcd/flux2.io_x-y").unwrap(),
            HookScope::Repo {
                owner: "fluxcd".into(),
                repo: "flux2.io_x-y".into()
            }
        );
        assert_eq!(
            HookScope::parse_org("my-org").unwrap(),
            HookScope::Org { org: "my-org".into() }
        );
        let refused = [
            ("fluxcd", "OWNER/REPO"),
            ("-flux/repo", "start or end"),
            ("flux-/repo", "start or end"),
            ("fl--ux/repo", "'--'"),
            ("flux_cd/repo", "not '_'"),
            ("fluxcd/a/b", "not '/'"),
            ("fluxcd/", "must not be empty"),
            ("/repo", "must not be empty"),
            ("fluxcd/..", "must not be '..'"),
            ("fluxcd/flux2.git", "give 'flux2'"),
            ("fluxcd/re po", "not ' '"),
            ("fluxcd/r\nx", "not '\\n'"),
        ];
        for (text, reason) in refused {
            let err = HookScope::parse_repo(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
        assert!(
            HookScope::parse_repo(&format!("{}/r", "a".repeat(40)))
                .unwrap_err()
                .contains("at most 39")
        );
        assert!(HookScope::parse_repo(&format!("{}/r", "a".repeat(39))).is_ok());
        assert!(
            HookScope::parse_repo(&format!("o/{}", "r".repeat(101)))
                .unwrap_err()
                .contains("at most 100")
        );
        assert!(HookScope::parse_org("org/repo").unwrap_err().contains("--github-repo"));
        assert!(HookScope::parse_org("").unwrap_err().contains("empty"));
    }

    #[test]
    fn paths_name_the_scope() {
        let repo = HookScope::parse_repo("Flux-CD/my.repo").unwrap();
        assert_eq!(repo.hooks_path(), "/repos/Flux-CD/my.repo/hooks");
        assert_eq!(repo.hook_path(42), "/repos/Flux-CD/my.repo/hooks/42");
        let org = HookScope::parse_org("acme").unwrap();
        assert_eq!(org.hooks_path(), "/orgs/acme/hooks");
        assert!(org.needs().contains("admin:org_hook"));
        assert!(repo.needs().contains("admin:repo_hook"));
        assert_eq!(encode("a b/c%~"), "a%20b%2Fc%25~");
    }

    #[test]
    fn bodies_are_what_the_openapi_description_takes() {
        let desired = DesiredHook {
            events: vec!["push".into()],
            config: HookConfig::new("https://flux.example.com/hook/abc", "s3cret"),
        };
        let config = json!({
            "url": "https://flux.example.com/hook/abc",
            "content_type": "json",
            "secret": "s3cret",
            "insecure_ssl": "0"
        });
        assert_eq!(
            serde_json::to_value(desired.create()).unwrap(),
            json!({"name": "web", "active": true, "events": ["push"], "config": config})
        );
        // The update carries the secret: a PATCH without it clears it.
        assert_eq!(
            serde_json::to_value(desired.update()).unwrap(),
            json!({"active": true, "events": ["push"], "config": config})
        );
    }

    #[test]
    fn events_drop_ping_and_default_to_push() {
        let events = |list: &[&str]| hook_events(&list.iter().map(|e| e.to_string()).collect::<Vec<_>>());
        assert_eq!(events(&["ping", "push"]), ["push"]);
        assert_eq!(events(&["Push", "release", "push", "PING"]), ["push", "release"]);
        assert_eq!(events(&[]), ["push"]);
        assert_eq!(events(&["ping"]), ["push"]);
    }

    #[test]
    fn hooks_are_matched_by_exact_url() {
        let hooks: Vec<Hook> = serde_json::from_value(json!([
            {"id": 1, "config": {"url": "https://a.example/hook/x/"}, "name": "web"},
            {"id": 2, "config": {}},
            {"id": 3, "config": {"url": "https://a.example/hook/x", "secret": "********"}},
        ]))
        .unwrap();
        assert_eq!(find_hook(&hooks, "https://a.example/hook/x").map(|h| h.id), Some(3));
        assert_eq!(find_hook(&hooks, "https://a.example/hook/y"), None);
    }

    #[test]
    fn next_links_are_followed_and_the_last_page_has_none() {
        let link = "<https://api.github.com/repositories/1/hooks?per_page=100&page=2>; rel=\"next\", \
                    <https://api.github.com/repositories/1/hooks?per_page=100&page=5>; rel=\"last\"";
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/hooks?per_page=100&page=2")
        );
        assert_eq!(
            next_link("<https://x/?page=1>; rel=\"prev\", <https://x/?page=1>; rel=\"first\""),
            None
        );
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn scope_hints_quote_the_headers() {
        assert_eq!(
            scope_hint(Some("repo, read:org"), Some("admin:repo_hook, write:repo_hook"), None),
            "the token has scopes repo, read:org; this call accepts admin:repo_hook, write:repo_hook"
        );
        assert_eq!(
            scope_hint(None, None, Some("repository_hooks=write")),
            "this call needs the permission repository_hooks=write"
        );
        assert_eq!(scope_hint(Some(""), None, None), "the token has no scopes");
        assert_eq!(scope_hint(None, None, None), "");
    }

    #[test]
    fn a_shown_request_hides_the_token_and_the_secret() {
        let desired = DesiredHook {
            events: vec!["push".into()],
            config: HookConfig::new("https://flux.example.com/hook/abc", "s3cret-hook"),
        };
        let request = request(
            "POST",
            "https://api.github.com/",
            "/repos/o/r/hooks",
            "ghp_t0ken",
            "flux-receiver/0.1.0",
            Some(serde_json::to_value(desired.create()).unwrap()),
        );
        assert_eq!(request.url, "https://api.github.com/repos/o/r/hooks");
        assert!(
            request
                .headers
                .contains(&("Authorization".into(), "Bearer ghp_t0ken".into()))
        );
        let shown = request.redacted();
        assert!(
            !shown.contains("ghp_t0ken") && !shown.contains("s3cret-hook"),
            "{shown}"
        );
        assert!(
            shown.starts_with("POST https://api.github.com/repos/o/r/hooks\n"),
            "{shown}"
        );
        assert!(shown.contains("Authorization: Bearer [redacted]\n"), "{shown}");
        assert!(shown.contains("X-GitHub-Api-Version: 2022-11-28\n"), "{shown}");
        assert!(shown.contains("\"secret\": \"[redacted]\""), "{shown}");
        assert!(
            shown.contains("\"url\": \"https://flux.example.com/hook/abc\""),
            "{shown}"
        );
        assert_eq!(format!("{request:?}"), shown);
    }
}

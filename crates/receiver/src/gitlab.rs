//! GitLab's project and group webhooks, as data: where they live (the
//! project's or group's path, percent-encoded as the API's `:id`), the
//! Receiver's events as GitLab's hook flags, the request bodies, the next
//! page of a list and a redacted rendering of a request for
//! `--dry-run-hook`. No I/O: the binary's client sends what this builds.
//!
//! The API is the one documented in GitLab's `doc/api/project_webhooks.md`
//! and `doc/api/group_webhooks.md`. Two of its rules shape the bodies:
//! `push_events` defaults to true on create, so every flag is sent, true
//! or false; and changing a hook's URL resets its secret token, so an
//! update always sends `url` and `token` together.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api_request::ApiRequest;

/// The `--gitlab-url` default.
pub const DEFAULT_URL: &str = "https://gitlab.com";

/// Where the REST API lives under a GitLab's URL.
pub const API_PATH: &str = "/api/v4";

/// How many hooks one list request asks for: GitLab's maximum.
pub const PER_PAGE: u32 = 100;

/// The header a personal, project or group access token is sent in.
pub const TOKEN_HEADER: &str = "PRIVATE-TOKEN";

/// Shown instead of a secret.
pub use crate::api_request::REDACTED;

/// How deep GitLab nests groups: a group and 19 subgroups.
const MAX_DEPTH: usize = 20;

/// Where a hook is registered: one project, or a group (and so every
/// project in it and its subgroups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookScope {
    /// `--gitlab-project GROUP/SUB/PROJECT`.
    Project {
        /// The project's full path, its namespace included.
        path: String,
    },
    /// `--gitlab-group GROUP/SUB`.
    Group {
        /// The group's full path.
        path: String,
    },
}

impl HookScope {
    /// Parses a project's full path: its namespace (a user or a group and
    /// its subgroups) and its own path, each segment as [`check_segment`]
    /// has them.
    pub fn parse_project(text: &str) -> Result<HookScope, String> {
        if !text.contains('/') {
            return Err("give the project's full path, GROUP/PROJECT or GROUP/SUBGROUP/PROJECT".into());
        }
        check_path(text)?;
        Ok(HookScope::Project { path: text.to_string() })
    }

    /// Parses a group's full path (`GROUP` or `GROUP/SUBGROUP/…`).
    pub fn parse_group(text: &str) -> Result<HookScope, String> {
        check_path(text)?;
        Ok(HookScope::Group { path: text.to_string() })
    }

    /// The full path, as given.
    pub fn path(&self) -> &str {
        match self {
            HookScope::Project { path } | HookScope::Group { path } => path,
        }
    }

    /// Whether this is a group: group-only events are allowed, and a 404
    /// may mean a tier without group webhooks.
    pub fn is_group(&self) -> bool {
        matches!(self, HookScope::Group { .. })
    }

    /// The flag the scope was given with, for messages.
    pub fn flag(&self) -> &'static str {
        match self {
            HookScope::Project { .. } => "--gitlab-project",
            HookScope::Group { .. } => "--gitlab-group",
        }
    }

    /// The API path of the scope's hooks, relative to `…/api/v4`:
    /// `/projects/group%2Fsub%2Fproj/hooks` or `/groups/group%2Fsub/hooks`.
    /// The whole path is the one `:id` segment, so its `/` are encoded.
    pub fn hooks_path(&self) -> String {
        match self {
            HookScope::Project { path } => format!("/projects/{}/hooks", encode(path)),
            HookScope::Group { path } => format!("/groups/{}/hooks", encode(path)),
        }
    }

    /// The API path of one hook.
    pub fn hook_path(&self, id: u64) -> String {
        format!("{}/{id}", self.hooks_path())
    }

    /// The API path of a hook's recent events (GitLab 17.3 and later).
    pub fn events_path(&self, id: u64) -> String {
        format!("{}/events", self.hook_path(id))
    }

    /// The API path that resends one of a hook's events (GitLab 17.4 and
    /// later).
    pub fn resend_path(&self, id: u64, event: u64) -> String {
        format!("{}/{event}/resend", self.events_path(id))
    }

    /// What the token's user must be, for error messages.
    pub fn needs(&self) -> &'static str {
        match self {
            HookScope::Project { .. } => "the token's user needs at least the Maintainer role in the project",
            HookScope::Group { .. } => "the token's user needs the Owner role in the group",
        }
    }
}

impl std::fmt::Display for HookScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HookScope::Project { path } => write!(f, "project {path}"),
            HookScope::Group { path } => write!(f, "group {path}"),
        }
    }
}

/// Checks a full path: 1 to 20 `/`-separated segments (GitLab nests
/// groups 20 deep), each checked by [`check_segment`].
fn check_path(text: &str) -> Result<(), String> {
    let segments: Vec<&str> = text.split('/').collect();
    if segments.len() > MAX_DEPTH + 1 {
        return Err(format!(
            "has {} segments; GitLab nests groups at most {MAX_DEPTH} deep",
            segments.len()
        ));
    }
    for segment in segments {
        check_segment(segment).map_err(|reason| {
            if segment.is_empty() {
                format!("has an empty segment: {reason}")
            } else {
                format!("segment '{}' {reason}", segment.escape_debug())
            }
        })?;
    }
    Ok(())
}

/// Checks one segment of a namespace or project path as GitLab's path
/// rules have them: 1 to 255 ASCII letters, digits, `_`, `-` and `.`, not
/// starting with `-` or `.`, not ending with `.`, `.git` or `.atom`.
/// (GitLab refuses more for new paths, e.g. a trailing `-`; older paths it
/// still serves may have one, so those are let through.)
pub fn check_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("must not be empty".into());
    }
    if segment.len() > 255 {
        return Err(format!(
            "is {} characters long; GitLab allows at most 255",
            segment.len()
        ));
    }
    if let Some(c) = segment
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "may contain only letters, digits, '_', '-' and '.', not '{}'",
            c.escape_debug()
        ));
    }
    if segment.starts_with('-') || segment.starts_with('.') {
        return Err("must not start with '-' or '.'".into());
    }
    let lower = segment.to_ascii_lowercase();
    if segment.ends_with('.') || lower.ends_with(".git") || lower.ends_with(".atom") {
        return Err("must not end with '.', '.git' or '.atom'".into());
    }
    Ok(())
}

/// Percent-encodes an `:id`: everything but RFC 3986's unreserved
/// characters, so `/` becomes `%2F` as GitLab's API wants.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One GitLab event: the `X-Gitlab-Event` a Receiver's `spec.events`
/// names it by, and the hook's flag that subscribes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The `X-Gitlab-Event` header's value, e.g. `Push Hook`.
    pub header: &'static str,
    /// The hook's boolean attribute, e.g. `push_events`.
    pub flag: &'static str,
    /// Whether only group hooks have it.
    pub group_only: bool,
}

const fn event(header: &'static str, flag: &'static str, group_only: bool) -> Event {
    Event {
        header,
        flag,
        group_only,
    }
}

/// Every event a hook can subscribe to, as GitLab documents them.
pub const EVENTS: &[Event] = &[
    event("Push Hook", "push_events", false),
    event("Tag Push Hook", "tag_push_events", false),
    event("Merge Request Hook", "merge_requests_events", false),
    event("Release Hook", "releases_events", false),
    event("Issue Hook", "issues_events", false),
    event("Confidential Issue Hook", "confidential_issues_events", false),
    event("Note Hook", "note_events", false),
    event("Confidential Note Hook", "confidential_note_events", false),
    event("Pipeline Hook", "pipeline_events", false),
    event("Job Hook", "job_events", false),
    event("Wiki Page Hook", "wiki_page_events", false),
    event("Deployment Hook", "deployment_events", false),
    event("Feature Flag Hook", "feature_flag_events", false),
    event("Resource Access Token Hook", "resource_access_token_events", false),
    event("Emoji Hook", "emoji_events", false),
    event("Member Hook", "member_events", true),
    event("Subgroup Hook", "subgroup_events", true),
];

/// The hook's flags for a Receiver's `events` (its `X-Gitlab-Event`
/// values, compared case-insensitively as the controller does): every
/// flag `scope` has, true for the events named and false for the rest,
/// because GitLab turns `push_events` on when a create leaves it out. No
/// events (the Receiver accepts all) subscribes to pushes only, rather
/// than to every comment and pipeline. An unknown event, or a group-only
/// one for a project, is an error naming it.
pub fn hook_flags(scope: &HookScope, events: &[String]) -> Result<BTreeMap<&'static str, bool>, String> {
    let mut flags: BTreeMap<&'static str, bool> = EVENTS
        .iter()
        .filter(|e| scope.is_group() || !e.group_only)
        .map(|e| (e.flag, false))
        .collect();
    let mut any = false;
    for name in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let Some(known) = EVENTS.iter().find(|e| e.header.eq_ignore_ascii_case(name)) else {
            return Err(format!(
                "'{}' is no GitLab event (X-Gitlab-Event): use one of {}",
                name.escape_debug(),
                EVENTS.iter().map(|e| e.header).collect::<Vec<_>>().join(", ")
            ));
        };
        if known.group_only && !scope.is_group() {
            return Err(format!(
                "'{}' is sent by group webhooks only: register it with --gitlab-group, or drop it",
                known.header
            ));
        }
        flags.insert(known.flag, true);
        any = true;
    }
    if !any {
        flags.insert("push_events", true);
    }
    Ok(flags)
}

/// What a hook should be: the same for a create and an update. Its
/// `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct DesiredHook {
    /// The Receiver's URL.
    pub url: String,
    /// The Receiver's token, which GitLab sends as `X-Gitlab-Token`.
    pub token: String,
    /// Every event flag (see [`hook_flags`]).
    pub flags: BTreeMap<&'static str, bool>,
}

impl DesiredHook {
    /// The body of `POST …/hooks` and of `PUT …/hooks/:hook_id` alike:
    /// `url` and `token` together (a new URL resets the token), every
    /// event flag, and TLS verified.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("url".into(), Value::String(self.url.clone()));
        body.insert("token".into(), Value::String(self.token.clone()));
        for (flag, on) in &self.flags {
            body.insert((*flag).into(), Value::Bool(*on));
        }
        body.insert("enable_ssl_verification".into(), Value::Bool(true));
        Value::Object(body)
    }
}

impl std::fmt::Debug for DesiredHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesiredHook")
            .field("url", &self.url)
            .field("token", &REDACTED)
            .field("flags", &self.flags)
            .finish()
    }
}

/// A hook as GitLab lists it, reduced to what matching and `doctor` need
/// (GitLab never returns its token).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hook {
    /// Its id, for updates and deletes.
    pub id: u64,
    /// Where it delivers: what a Receiver's hook is recognized by.
    pub url: String,
    /// `executable`, `temporarily_disabled` or `disabled`: GitLab turns
    /// off a hook that keeps failing.
    #[serde(default)]
    pub alert_status: Option<String>,
    /// Until when a temporarily disabled hook stays off.
    #[serde(default)]
    pub disabled_until: Option<String>,
    /// Everything else GitLab shows, its event flags (`push_events`, …)
    /// among them: see [`Hook::flag`].
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Hook {
    /// Event flag `flag` (`push_events`, …) as GitLab shows it; `None`
    /// when this GitLab does not show that flag.
    pub fn flag(&self, flag: &str) -> Option<bool> {
        self.other.get(flag).and_then(Value::as_bool)
    }
}

/// The event a delivery's `trigger` (`push_hooks`, `merge_request_hooks`,
/// …) is: its `X-Gitlab-Event` header is the trigger's words capitalized,
/// `Push Hook`, `Merge Request Hook`.
pub fn event_of_trigger(trigger: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|event| {
        let words = event.header.to_ascii_lowercase().replace(' ', "_");
        trigger.eq_ignore_ascii_case(&format!("{words}s"))
    })
}

/// The hook among `hooks` that delivers to exactly `url`.
pub fn find_hook<'a>(hooks: &'a [Hook], url: &str) -> Option<&'a Hook> {
    hooks.iter().find(|hook| hook.url == url)
}

/// One of a hook's recent deliveries, as `GET …/hooks/:id/events` lists
/// them (GitLab 17.3 and later, the last 7 days).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HookEvent {
    /// Its id, to resend it.
    pub id: u64,
    /// Where it was sent.
    #[serde(default)]
    pub url: Option<String>,
    /// What triggered it, e.g. `push_hooks`.
    #[serde(default)]
    pub trigger: Option<String>,
    /// The receiver's status code (GitLab sends it as a string, or
    /// `internal error` when it got no answer).
    #[serde(default)]
    pub response_status: Value,
    /// How long the delivery took, in seconds.
    #[serde(default)]
    pub execution_duration: Option<f64>,
    /// When it was sent.
    #[serde(default)]
    pub created_at: Option<String>,
}

impl HookEvent {
    /// The response status as text, whichever type GitLab sent.
    pub fn status(&self) -> String {
        match &self.response_status {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// Where the next page of a list is, from GitLab's pagination headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// `X-Next-Page`: the page number to ask for.
    Number(u32),
    /// `Link: <…>; rel="next"`: the whole URL (GitLab leaves out
    /// `X-Next-Page` on lists of more than 10,000).
    Url(String),
}

/// The next page after one answered with `x_next_page` and `link`: the
/// number when `X-Next-Page` has one; none when it is there but empty
/// (the last page); else `Link`'s `rel="next"`.
pub fn next_page(x_next_page: Option<&str>, link: Option<&str>) -> Option<NextPage> {
    if let Some(next) = x_next_page.map(str::trim) {
        return next.parse().ok().map(NextPage::Number);
    }
    link.and_then(crate::github::next_link).map(NextPage::Url)
}

/// One API request, built once and either sent or shown
/// (`--dry-run-hook`), with the API token and the hook's token redacted in
/// what is shown and in its `Debug`.
pub type Request = ApiRequest;

/// A request to `path` under `api_url` (`…/api/v4`, no trailing `/`),
/// authenticated with `token` in `PRIVATE-TOKEN`.
pub fn request(
    method: &'static str,
    api_url: &str,
    path: &str,
    token: &str,
    user_agent: &str,
    body: Option<Value>,
) -> Request {
    let mut headers = vec![
        ("Accept".to_string(), "application/json".to_string()),
        (TOKEN_HEADER.to_string(), token.to_string()),
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
        secret_headers: &[TOKEN_HEADER],
        secret_fields: &["/token"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trigger_names_its_event_and_a_hook_shows_its_flags() {
        assert_eq!(event_of_trigger("push_hooks").unwrap().header, "Push Hook");
        assert_eq!(
            event_of_trigger("merge_request_hooks").unwrap().header,
            "Merge Request Hook"
        );
        assert_eq!(event_of_trigger("tag_push_hooks").unwrap().flag, "tag_push_events");
        assert!(event_of_trigger("repository_update_hooks").is_none());
        let hook: Hook = serde_json::from_str(
            r#"{"id": 3, "url": "https://h/hook/x", "alert_status": "temporarily_disabled",
                "disabled_until": "2026-12-02T18:00:00Z", "push_events": true, "tag_push_events": false}"#,
        )
        .unwrap();
        assert_eq!(hook.alert_status.as_deref(), Some("temporarily_disabled"));
        assert_eq!(hook.flag("push_events"), Some(true));
        assert_eq!(hook.flag("tag_push_events"), Some(false));
        assert_eq!(hook.flag("emoji_events"), None);
    }
    use serde_json::json;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn gitlab_paths_parse_as_gitlab_names_them() {
        assert_eq!(
            HookScope::parse_project("group/sub.x/my_proj-1").unwrap(),
            HookScope::Project {
                path: "group/sub.x/my_proj-1".into()
            }
        );
        assert_eq!(
            HookScope::parse_group("group/sub").unwrap(),
            HookScope::Group {
                path: "group/sub".into()
            }
        );
        assert!(HookScope::parse_group("group").is_ok());
        let refused = [
            ("proj", "GROUP/PROJECT"),
            ("group//proj", "empty segment"),
            ("group/proj/", "empty segment"),
            ("/proj", "empty segment"),
            ("group/-proj", "must not start"),
            ("group/.proj", "must not start"),
            ("group/proj.git", ".git"),
            ("group/proj.atom", ".atom"),
            ("group/proj.", "end with '.'"),
            ("group/pr oj", "not ' '"),
            ("group/pr\noj", "not '\\n'"),
            ("grüp/proj", "not 'ü'"),
        ];
        for (text, reason) in refused {
            let err = HookScope::parse_project(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
        assert!(HookScope::parse_group("").unwrap_err().contains("empty"));
        let deep = vec!["g"; 22].join("/");
        assert!(HookScope::parse_project(&deep).unwrap_err().contains("20 deep"));
        assert!(HookScope::parse_project(&vec!["g"; 21].join("/")).is_ok());
        let long = format!("g/{}", "p".repeat(256));
        assert!(HookScope::parse_project(&long).unwrap_err().contains("at most 255"));
    }

    #[test]
    fn the_id_is_the_whole_path_percent_encoded() {
        let project = HookScope::parse_project("group/sub/proj").unwrap();
        assert_eq!(project.hooks_path(), "/projects/group%2Fsub%2Fproj/hooks");
        assert_eq!(project.hook_path(7), "/projects/group%2Fsub%2Fproj/hooks/7");
        assert_eq!(project.events_path(7), "/projects/group%2Fsub%2Fproj/hooks/7/events");
        assert_eq!(
            project.resend_path(7, 9),
            "/projects/group%2Fsub%2Fproj/hooks/7/events/9/resend"
        );
        assert_eq!(project.flag(), "--gitlab-project");
        assert_eq!(project.to_string(), "project group/sub/proj");
        let group = HookScope::parse_group("group/sub").unwrap();
        assert_eq!(group.hooks_path(), "/groups/group%2Fsub/hooks");
        assert_eq!(group.flag(), "--gitlab-group");
        assert!(group.needs().contains("Owner") && project.needs().contains("Maintainer"));
        assert_eq!(encode("a b/c%~"), "a%20b%2Fc%25~");
    }

    #[test]
    fn events_map_to_every_flag_explicitly() {
        let project = HookScope::parse_project("g/p").unwrap();
        let group = HookScope::parse_group("g").unwrap();
        let flags = hook_flags(&project, &strings(&["push hook", "Tag Push Hook", "Push Hook"])).unwrap();
        assert_eq!(flags.len(), 15, "every project flag: {flags:?}");
        let on: Vec<_> = flags.iter().filter(|(_, on)| **on).map(|(f, _)| *f).collect();
        assert_eq!(on, ["push_events", "tag_push_events"]);
        assert!(!flags.contains_key("member_events"));
        // None: pushes only, and push_events sent true, the rest false.
        let flags = hook_flags(&project, &[]).unwrap();
        assert_eq!(flags.iter().filter(|(_, on)| **on).count(), 1);
        assert!(flags["push_events"]);
        assert!(!flags["merge_requests_events"]);
        let flags = hook_flags(&group, &strings(&["Member Hook", "Subgroup Hook"])).unwrap();
        assert_eq!(flags.len(), 17);
        assert!(flags["member_events"] && flags["subgroup_events"] && !flags["push_events"]);
        let err = hook_flags(&project, &strings(&["Member Hook"])).unwrap_err();
        assert!(err.contains("--gitlab-group"), "{err}");
        let err = hook_flags(&project, &strings(&["push"])).unwrap_err();
        assert!(
            err.starts_with("'push' is no GitLab event") && err.contains("Push Hook"),
            "{err}"
        );
        for event in EVENTS {
            let flags = hook_flags(&group, &[event.header.to_string()]).unwrap();
            assert!(flags[event.flag], "{event:?}");
        }
    }

    #[test]
    fn the_body_sends_url_token_and_every_flag() {
        let project = HookScope::parse_project("g/p").unwrap();
        let desired = DesiredHook {
            url: "https://flux.example.com/hook/abc".into(),
            token: "s3cret-hook".into(),
            flags: hook_flags(&project, &strings(&["Tag Push Hook"])).unwrap(),
        };
        let body = desired.body();
        assert_eq!(body["url"], json!("https://flux.example.com/hook/abc"));
        assert_eq!(body["token"], json!("s3cret-hook"));
        assert_eq!(body["enable_ssl_verification"], json!(true));
        assert_eq!(
            body["push_events"],
            json!(false),
            "sent false: GitLab defaults it to true"
        );
        assert_eq!(body["tag_push_events"], json!(true));
        assert_eq!(body.as_object().unwrap().len(), 3 + 15);
        let shown = format!("{desired:?}");
        assert!(
            !shown.contains("s3cret-hook") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn hooks_are_matched_by_exact_url_and_keep_their_alert_status() {
        let hooks: Vec<Hook> = serde_json::from_value(json!([
            {"id": 1, "url": "https://a.example/hook/x/", "push_events": true},
            {"id": 3, "url": "https://a.example/hook/x", "alert_status": "temporarily_disabled",
             "disabled_until": "2026-12-02T18:00:00Z"},
        ]))
        .unwrap();
        let hook = find_hook(&hooks, "https://a.example/hook/x").unwrap();
        assert_eq!(hook.id, 3);
        assert_eq!(hook.alert_status.as_deref(), Some("temporarily_disabled"));
        assert_eq!(hook.disabled_until.as_deref(), Some("2026-12-02T18:00:00Z"));
        assert_eq!(find_hook(&hooks, "https://a.example/hook/y"), None);
        let events: Vec<HookEvent> = serde_json::from_value(json!([
            {"id": 5, "url": "https://a.example/hook/x", "trigger": "push_hooks", "response_status": "404",
             "execution_duration": 0.1},
            {"id": 6, "response_status": 200},
        ]))
        .unwrap();
        assert_eq!(events[0].status(), "404");
        assert_eq!(events[1].status(), "200");
    }

    #[test]
    fn the_next_page_comes_from_x_next_page_else_link() {
        assert_eq!(next_page(Some("2"), None), Some(NextPage::Number(2)));
        assert_eq!(next_page(Some(""), Some("<https://x/?page=9>; rel=\"next\"")), None);
        assert_eq!(
            next_page(
                None,
                Some("<https://x/?page=9>; rel=\"next\", <https://x/?page=1>; rel=\"first\"")
            ),
            Some(NextPage::Url("https://x/?page=9".into()))
        );
        assert_eq!(next_page(None, None), None);
    }

    #[test]
    fn a_shown_request_hides_both_tokens() {
        let project = HookScope::parse_project("g/p").unwrap();
        let desired = DesiredHook {
            url: "https://flux.example.com/hook/abc".into(),
            token: "s3cret-hook".into(),
            flags: hook_flags(&project, &[]).unwrap(),
        };
        let request = request(
            "POST",
            "https://gitlab.example.com/api/v4/",
            &project.hooks_path(),
            "glpat-t0ken",
            "flux-receiver/0.1.0",
            Some(desired.body()),
        );
        assert_eq!(request.url, "https://gitlab.example.com/api/v4/projects/g%2Fp/hooks");
        assert!(
            request
                .headers
                .contains(&("PRIVATE-TOKEN".into(), "glpat-t0ken".into()))
        );
        let shown = request.redacted();
        assert!(
            !shown.contains("glpat-t0ken") && !shown.contains("s3cret-hook"),
            "{shown}"
        );
        assert!(shown.starts_with("POST https://gitlab.example.com/api/v4/projects/g%2Fp/hooks\n"));
        assert!(shown.contains("PRIVATE-TOKEN: [redacted]\n"), "{shown}");
        assert!(shown.contains("\"token\": \"[redacted]\""), "{shown}");
        assert!(shown.contains("\"push_events\": true"), "{shown}");
        assert_eq!(format!("{request:?}"), shown);
        let mut bearer = request.clone();
        bearer.headers = vec![("Authorization".into(), "Bearer glpat-t0ken".into())];
        assert!(bearer.redacted().contains("Authorization: Bearer [redacted]\n"));
    }
}

//! A stateful fake of GitLab's webhook API, for the GitLab hook tests.
//!
//! No machine-readable GitLab API description can be had here to validate
//! against: GitLab's own (`doc/api/openapi/openapi_v2.yaml` in the GitLab
//! source, Swagger 2.0, which does list `/api/v4/projects/{id}/hooks` and
//! `/api/v4/groups/{id}/hooks`) ships in no npm, PyPI or Go package, and CI
//! reaches package registries only. So this fake checks the API as
//! documented in GitLab's `doc/api/project_webhooks.md` and
//! `doc/api/group_webhooks.md`, strictly:
//! - `PRIVATE-TOKEN` (or `Authorization: Bearer`) with the token, else 401
//!   `{"message":"401 Unauthorized"}`;
//! - the `:id` is the project's or group's path percent-encoded as one
//!   segment (an unencoded `/` finds no route: 404), and must exist;
//! - POST and PUT bodies are JSON objects of the documented attributes
//!   only, each of its documented type, `url` required: anything else is
//!   400 `{"error":"… is invalid"}` or `{"error":"url is missing"}` as
//!   GitLab's Grape validation answers (real GitLab ignores an unknown
//!   attribute; refusing it here catches a misspelt flag that GitLab would
//!   silently drop);
//! - a create leaving out `push_events` gets it true, as GitLab does; a PUT
//!   that changes `url` without a `token` resets the token, as GitLab does;
//! - lists are paginated with `page` and `per_page` (at most 100) and
//!   answered with `X-Total`, `X-Total-Pages`, `X-Per-Page`, `X-Page`,
//!   `X-Next-Page`, `X-Prev-Page` and `Link`;
//! - hooks are answered as the documented hook object, never with their
//!   token.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};

/// The API token the fake accepts.
pub const TOKEN: &str = "glpat-fakeTokenForTests0123";

/// The event flags both project and group hooks have.
pub const PROJECT_FLAGS: [&str; 15] = [
    "push_events",
    "tag_push_events",
    "merge_requests_events",
    "releases_events",
    "issues_events",
    "confidential_issues_events",
    "note_events",
    "confidential_note_events",
    "pipeline_events",
    "job_events",
    "wiki_page_events",
    "deployment_events",
    "feature_flag_events",
    "resource_access_token_events",
    "emoji_events",
];

/// The event flags only group hooks have.
pub const GROUP_FLAGS: [&str; 2] = ["member_events", "subgroup_events"];

/// The documented attributes of a create or update besides the event
/// flags, and their JSON types.
const OTHER_ATTRIBUTES: [(&str, Kind); 9] = [
    ("url", Kind::String),
    ("token", Kind::String),
    ("name", Kind::String),
    ("description", Kind::String),
    ("enable_ssl_verification", Kind::Bool),
    ("push_events_branch_filter", Kind::String),
    ("branch_filter_strategy", Kind::String),
    ("custom_webhook_template", Kind::String),
    ("custom_headers", Kind::Array),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    String,
    Bool,
    Array,
}

/// A hook as the fake keeps it: its token in clear, to check.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHook {
    /// Its id.
    pub id: u64,
    /// Where it delivers.
    pub url: String,
    /// Its secret token (`None` once reset or never set).
    pub token: Option<String>,
    /// Every attribute as last set, flags included.
    pub attributes: Map<String, Value>,
    /// Its `alert_status` and `disabled_until` when GitLab turned it off
    /// (an update leaves them: a test delivery answered 2xx clears them).
    pub alert: Option<(String, Option<String>)>,
}

/// A request the fake answered.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path and query, as sent (still percent-encoded).
    pub target: String,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

#[derive(Default)]
struct State {
    /// By scope: `projects/acme/app` or `groups/acme`, decoded.
    hooks: BTreeMap<String, Vec<StoredHook>>,
    next_id: u64,
    seen: Vec<Seen>,
    public: String,
    /// Each hook's recent events, by hook id: `(event id, response status,
    /// trigger)`.
    events: BTreeMap<u64, Vec<(u64, String, String, String)>>,
    /// Whether this is a GitLab older than 17.3, without the events API.
    no_events_api: bool,
    /// The events resent, as `(hook id, event id)`.
    resent: Vec<(u64, u64)>,
    /// The next answer to a request of this method, instead of the real one.
    refusal: Option<(&'static str, u16, Value)>,
}

/// The fake.
pub struct FakeGitlab {
    state: Arc<Mutex<State>>,
    /// Where to point `--gitlab-url` (the API is under `/api/v4`).
    pub url: String,
    _runtime: tokio::runtime::Runtime,
}

impl FakeGitlab {
    /// Starts the fake, with no projects and no groups.
    pub fn start() -> FakeGitlab {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let state = Arc::new(Mutex::new(State {
            next_id: 1,
            ..State::default()
        }));
        let addr = runtime.block_on(serve(state.clone())).expect("the fake binds");
        let url = format!("http://{addr}");
        state.lock().unwrap().public = url.clone();
        FakeGitlab {
            state,
            url,
            _runtime: runtime,
        }
    }

    /// Makes project `path` exist (with no hooks).
    pub fn add_project(&self, path: &str) {
        self.state
            .lock()
            .unwrap()
            .hooks
            .entry(format!("projects/{path}"))
            .or_default();
    }

    /// Makes group `path` exist (with no hooks).
    pub fn add_group(&self, path: &str) {
        self.state
            .lock()
            .unwrap()
            .hooks
            .entry(format!("groups/{path}"))
            .or_default();
    }

    /// Adds a hook delivering to `url` to `scope` (`projects/…` or
    /// `groups/…`, which must exist); its id.
    pub fn add_hook(&self, scope: &str, url: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        let mut attributes = Map::new();
        attributes.insert("url".into(), json!(url));
        attributes.insert("push_events".into(), json!(true));
        state.hooks.get_mut(scope).expect("the scope exists").push(StoredHook {
            id,
            url: url.to_string(),
            token: None,
            attributes,
            alert: None,
        });
        id
    }

    /// The hooks of `scope`.
    pub fn hooks(&self, scope: &str) -> Vec<StoredHook> {
        self.state.lock().unwrap().hooks.get(scope).cloned().unwrap_or_default()
    }

    /// Records a delivery of hook `hook` that was answered `status`; its
    /// event id.
    pub fn add_event(&self, hook: u64, status: &str) -> u64 {
        self.add_triggered_event(hook, status, "push_hooks")
    }

    /// [`FakeGitlab::add_event`] for a delivery triggered by `trigger`
    /// (`push_hooks`, `tag_push_hooks`, …); later ones are newer.
    pub fn add_triggered_event(&self, hook: u64, status: &str, trigger: &str) -> u64 {
        let now = jiff::Timestamp::now().round(jiff::Unit::Millisecond).unwrap();
        self.add_event_at(hook, status, trigger, &format!("{now:.3}"))
    }

    /// [`FakeGitlab::add_triggered_event`] made at `created_at` (RFC 3339,
    /// as GitLab writes it: `2026-12-02T07:00:00.000Z`).
    pub fn add_event_at(&self, hook: u64, status: &str, trigger: &str, created_at: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        state.events.entry(hook).or_default().push((
            id,
            status.to_string(),
            trigger.to_string(),
            created_at.to_string(),
        ));
        id
    }

    /// Sets hook `hook`'s `alert_status` (`temporarily_disabled`,
    /// `disabled`) and `disabled_until`, as GitLab does to a failing hook.
    pub fn set_alert(&self, hook: u64, status: &str, until: Option<&str>) {
        let mut state = self.state.lock().unwrap();
        let stored = state
            .hooks
            .values_mut()
            .flatten()
            .find(|h| h.id == hook)
            .expect("the hook exists");
        stored.alert = Some((status.to_string(), until.map(str::to_string)));
    }

    /// Answers `GET …/hooks/:id/events` 404, as GitLab before 17.3 does.
    pub fn without_events_api(&self) {
        self.state.lock().unwrap().no_events_api = true;
    }

    /// The events resent so far, as `(hook id, event id)`.
    pub fn resent(&self) -> Vec<(u64, u64)> {
        self.state.lock().unwrap().resent.clone()
    }

    /// The requests answered so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Answers the next `method` request with `status` and `body`.
    pub fn refuse_next(&self, method: &'static str, status: u16, body: Value) {
        self.state.lock().unwrap().refusal = Some((method, status, body));
    }

    /// Sends one request straight to the fake, for checking the fake
    /// itself: its status and JSON body.
    pub fn call(&self, method: &str, target: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Value) {
        let (status, _, body) = self.call_with_headers(method, target, headers, body);
        (status, body)
    }

    /// [`FakeGitlab::call`], with the answer's headers.
    pub fn call_with_headers(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, Vec<(String, String)>, Value) {
        self._runtime.block_on(async {
            let stream = tokio::net::TcpStream::connect(self.url.trim_start_matches("http://"))
                .await
                .unwrap();
            let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(connection);
            let mut request = Request::builder().method(method).uri(target).header("host", "fake");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let request = request
                .body(Full::new(Bytes::from(body.unwrap_or_default().to_string())))
                .unwrap();
            let response = sender.send_request(request).await.unwrap();
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }
}

async fn serve(state: Arc<Mutex<State>>) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| handle(state.clone(), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

type Answer = Response<Full<Bytes>>;

fn answer(status: u16, headers: &[(&str, String)], body: Option<Value>) -> Answer {
    let mut response = Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, value);
    }
    let bytes = match &body {
        Some(body) => {
            response = response.header("content-type", "application/json");
            serde_json::to_vec(body).unwrap()
        }
        None => Vec::new(),
    };
    response.body(Full::new(Bytes::from(bytes))).unwrap()
}

fn message(status: u16, text: &str) -> Answer {
    answer(status, &[], Some(json!({"message": text})))
}

fn invalid(text: String) -> Answer {
    answer(400, &[], Some(json!({"error": text})))
}

async fn handle(state: Arc<Mutex<State>>, request: Request<Incoming>) -> Result<Answer, std::convert::Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut state = state.lock().unwrap();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    state.seen.push(Seen {
        method: parts.method.to_string(),
        target: target.clone(),
        body: serde_json::from_slice(&body).ok(),
    });
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    if header("private-token") != TOKEN && header("authorization") != format!("Bearer {TOKEN}") {
        return Ok(message(401, "401 Unauthorized"));
    }
    if let Some((_, status, body)) = state.refusal.take_if(|(method, _, _)| *method == parts.method.as_str()) {
        return Ok(answer(status, &[], Some(body)));
    }
    let is_json = header("content-type").starts_with("application/json");
    Ok(route(
        &mut state,
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        &body,
        is_json,
    ))
}

/// Decodes `%XX`; `None` for a broken escape.
fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a path names.
enum Route {
    Hooks,
    Hook(u64),
    Events(u64),
    Resend(u64, u64),
}

/// `/api/v4/{projects|groups}/:id/hooks[…]` → (scope, route).
fn split(path: &str) -> Option<(String, Route)> {
    let segments: Vec<&str> = path.strip_prefix("/api/v4/")?.split('/').collect();
    let (kind, id, rest) = match segments.as_slice() {
        [kind @ ("projects" | "groups"), id, "hooks", rest @ ..] => (*kind, *id, rest),
        _ => return None,
    };
    let scope = format!("{kind}/{}", decode(id)?);
    let number = |text: &str| text.parse::<u64>().ok();
    let route = match rest {
        [] => Route::Hooks,
        [hook] => Route::Hook(number(hook)?),
        [hook, "events"] => Route::Events(number(hook)?),
        [hook, "events", event, "resend"] => Route::Resend(number(hook)?, number(event)?),
        _ => return None,
    };
    Some((scope, route))
}

/// A number in the query; the error is GitLab's 400 text.
fn query_param(query: Option<&str>, name: &str) -> Result<Option<u64>, String> {
    let Some(value) = query
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
    else {
        return Ok(None);
    };
    value.parse::<u64>().map(Some).map_err(|_| format!("{name} is invalid"))
}

fn route(state: &mut State, method: &str, path: &str, query: Option<&str>, body: &[u8], is_json: bool) -> Answer {
    let Some((scope, route)) = split(path) else {
        return message(404, "404 Not Found");
    };
    let group = scope.starts_with("groups/");
    if !state.hooks.contains_key(&scope) {
        return message(
            404,
            if group {
                "404 Group Not Found"
            } else {
                "404 Project Not Found"
            },
        );
    }
    let public = state.public.clone();
    match (method, route) {
        ("GET", Route::Hooks) => {
            let (page, per_page) = match (query_param(query, "page"), query_param(query, "per_page")) {
                (Ok(page), Ok(per_page)) => (page.unwrap_or(1).max(1), per_page.unwrap_or(20).clamp(1, 100)),
                (Err(e), _) | (_, Err(e)) => return invalid(e),
            };
            let hooks = &state.hooks[&scope];
            let total = hooks.len() as u64;
            let pages = total.div_ceil(per_page).max(1);
            let shown: Vec<Value> = hooks
                .iter()
                .skip(((page - 1) * per_page) as usize)
                .take(per_page as usize)
                .map(|hook| render(hook, &scope))
                .collect();
            let base = format!("{public}{path}");
            let link = |page: u64, rel: &str| format!("<{base}?page={page}&per_page={per_page}>; rel=\"{rel}\"");
            let mut links = Vec::new();
            if page > 1 {
                links.push(link(page - 1, "prev"));
            }
            if page < pages {
                links.push(link(page + 1, "next"));
            }
            links.push(link(1, "first"));
            links.push(link(pages, "last"));
            let next = if page < pages {
                (page + 1).to_string()
            } else {
                String::new()
            };
            let prev = if page > 1 {
                (page - 1).to_string()
            } else {
                String::new()
            };
            let headers = [
                ("x-total", total.to_string()),
                ("x-total-pages", pages.to_string()),
                ("x-per-page", per_page.to_string()),
                ("x-page", page.to_string()),
                ("x-next-page", next),
                ("x-prev-page", prev),
                ("link", links.join(", ")),
            ];
            answer(200, &headers, Some(Value::Array(shown)))
        }
        ("GET", Route::Hook(id)) => match state.hooks[&scope].iter().find(|h| h.id == id) {
            Some(hook) => answer(200, &[], Some(render(hook, &scope))),
            None => message(404, "404 Not Found"),
        },
        ("POST", Route::Hooks) => {
            let attributes = match attributes(body, is_json, group) {
                Ok(attributes) => attributes,
                Err(refused) => return invalid(refused),
            };
            let mut attributes = attributes;
            attributes.entry("push_events").or_insert(json!(true));
            let token = attributes.remove("token").and_then(|t| t.as_str().map(String::from));
            let hook = StoredHook {
                id: state.next_id,
                url: attributes["url"].as_str().unwrap_or_default().to_string(),
                token,
                attributes,
                alert: None,
            };
            state.next_id += 1;
            state.hooks.get_mut(&scope).unwrap().push(hook.clone());
            answer(201, &[], Some(render(&hook, &scope)))
        }
        ("PUT", Route::Hook(id)) => {
            let mut attributes = match attributes(body, is_json, group) {
                Ok(attributes) => attributes,
                Err(refused) => return invalid(refused),
            };
            let Some(hook) = state.hooks.get_mut(&scope).unwrap().iter_mut().find(|h| h.id == id) else {
                return message(404, "404 Not Found");
            };
            let url = attributes["url"].as_str().unwrap_or_default().to_string();
            let token = attributes.remove("token").and_then(|t| t.as_str().map(String::from));
            match token {
                Some(token) => hook.token = Some(token),
                // As GitLab: a new URL without a token resets the token.
                None if url != hook.url => hook.token = None,
                None => {}
            }
            hook.url = url;
            hook.attributes.extend(attributes);
            let hook = hook.clone();
            answer(200, &[], Some(render(&hook, &scope)))
        }
        ("DELETE", Route::Hook(id)) => {
            let hooks = state.hooks.get_mut(&scope).unwrap();
            let before = hooks.len();
            hooks.retain(|h| h.id != id);
            if hooks.len() == before {
                message(404, "404 Not Found")
            } else {
                answer(204, &[], None)
            }
        }
        ("GET", Route::Events(_)) if state.no_events_api => message(404, "404 Not Found"),
        ("GET", Route::Events(id)) => {
            let Some(hook) = state.hooks[&scope].iter().find(|h| h.id == id) else {
                return message(404, "404 Not Found");
            };
            let status = query
                .unwrap_or_default()
                .split('&')
                .find_map(|kv| kv.strip_prefix("status="));
            let wanted = |code: &str| match status {
                None => true,
                Some("successful") => code.starts_with('2'),
                Some("client_failure") => code.starts_with('4'),
                Some("server_failure") => code.starts_with('5'),
                Some(exact) => exact == code,
            };
            // As documented: the delivery's URL, trigger, status (a
            // string), headers and duration.
            let events: Vec<Value> = state
                .events
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|(_, code, _, _)| wanted(code))
                .map(|(event, code, trigger, created_at)| {
                    json!({"id": event, "url": hook.url, "trigger": trigger, "response_status": code,
                           "request_headers": {"X-Gitlab-Event": header_of(trigger)}, "request_data": "{}",
                           "response_headers": {}, "response_body": "", "execution_duration": 0.05,
                           "created_at": created_at})
                })
                .collect();
            answer(200, &[("x-next-page", String::new())], Some(Value::Array(events)))
        }
        ("POST", Route::Resend(id, event)) => {
            let known = state
                .events
                .get(&id)
                .is_some_and(|events| events.iter().any(|(e, _, _, _)| *e == event));
            if !state.hooks[&scope].iter().any(|h| h.id == id) || !known {
                return message(404, "404 Not Found");
            }
            state.resent.push((id, event));
            answer(201, &[], Some(json!({"response_status": 200})))
        }
        _ => message(405, "405 Method Not Allowed"),
    }
}

/// The body of a create or an update, checked: a JSON object of the
/// documented attributes, each of its type, with `url`.
fn attributes(body: &[u8], is_json: bool, group: bool) -> Result<Map<String, Value>, String> {
    if !is_json {
        return Err("the fake wants a JSON body (Content-Type: application/json)".into());
    }
    let Ok(Value::Object(attributes)) = serde_json::from_slice::<Value>(body) else {
        return Err("the body is invalid".into());
    };
    for (name, value) in &attributes {
        let flag = PROJECT_FLAGS.contains(&name.as_str()) || (group && GROUP_FLAGS.contains(&name.as_str()));
        let kind = if flag {
            Some(Kind::Bool)
        } else {
            OTHER_ATTRIBUTES.iter().find(|(n, _)| n == name).map(|(_, kind)| *kind)
        };
        let fits = match kind {
            Some(Kind::Bool) => value.is_boolean(),
            Some(Kind::String) => value.is_string(),
            Some(Kind::Array) => value.is_array(),
            None => false,
        };
        if !fits {
            return Err(format!("{name} is invalid"));
        }
    }
    match attributes.get("url").and_then(Value::as_str) {
        None => Err("url is missing".into()),
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            Err("url is blocked: Only allowed schemes are http, https".into())
        }
        Some(_) => Ok(attributes),
    }
}

/// A hook as GitLab shows it: the documented hook object, without its
/// token.
fn render(hook: &StoredHook, scope: &str) -> Value {
    let (kind, _) = scope.split_once('/').unwrap();
    let group = kind == "groups";
    let flag = |name: &str| hook.attributes.get(name).cloned().unwrap_or(json!(false));
    let mut shown = json!({
        "id": hook.id,
        "url": hook.url,
        "name": hook.attributes.get("name").cloned().unwrap_or(json!("")),
        "description": hook.attributes.get("description").cloned().unwrap_or(json!("")),
        "enable_ssl_verification": hook.attributes.get("enable_ssl_verification").cloned().unwrap_or(json!(true)),
        "push_events_branch_filter": hook.attributes.get("push_events_branch_filter").cloned().unwrap_or(Value::Null),
        "branch_filter_strategy": hook.attributes.get("branch_filter_strategy").cloned().unwrap_or(json!("wildcard")),
        "repository_update_events": false,
        "alert_status": hook.alert.as_ref().map_or("executable", |(status, _)| status.as_str()),
        "disabled_until": hook.alert.as_ref().and_then(|(_, until)| until.clone()),
        "url_variables": [],
        "custom_webhook_template": hook.attributes.get("custom_webhook_template").cloned().unwrap_or(Value::Null),
        "custom_headers": [],
        "created_at": "2026-12-02T07:00:00.000Z",
    });
    let object = shown.as_object_mut().unwrap();
    for name in PROJECT_FLAGS.iter().chain(if group { &GROUP_FLAGS[..] } else { &[] }) {
        object.insert(name.to_string(), flag(name));
    }
    if group {
        object.insert("group_id".into(), json!(1));
    } else {
        object.insert("project_id".into(), json!(1));
    }
    shown
}

/// The `X-Gitlab-Event` of a trigger: `tag_push_hooks` → `Tag Push Hook`.
fn header_of(trigger: &str) -> String {
    trigger
        .trim_end_matches('s')
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

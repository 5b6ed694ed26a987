//! A stateful fake of GitHub's webhook API behind prism, for the hook
//! tests: the fake holds each repository's and organization's hooks (so
//! idempotency means something), checks the headers GitHub requires, and
//! answers with every field GitHub's `hook` schema requires; prism, in
//! proxy mode with `--errors`, validates every request and answer against
//! GitHub's OpenAPI description (trimmed by testenv/prism/setup).

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// The token the fake accepts.
pub const TOKEN: &str = "ghp_fakeTokenForTests0123456789";

/// A hook as the fake keeps it: the secret in clear, to check.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHook {
    /// Its id.
    pub id: u64,
    /// Its events.
    pub events: Vec<String>,
    /// Whether it is active.
    pub active: bool,
    /// Its whole config as last sent (`secret` included).
    pub config: Value,
}

/// A request the fake answered.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path and query.
    pub target: String,
}

/// An answer to give once instead of the real one.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The method it replaces the answer to.
    pub method: &'static str,
    /// The status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, &'static str)>,
    /// The `message` of the body.
    pub message: &'static str,
}

/// One delivery of a hook, as the fake made it (or was told to record it):
/// the fields of GitHub's `hook-delivery` schema, and the exchange itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Its id; ids increase in the order deliveries are recorded, across
    /// all hooks, as GitHub's do.
    pub id: u64,
    /// The event's id: shared by a delivery and its redeliveries.
    pub guid: String,
    /// When it was made, RFC 3339 UTC to the second (`2026-12-02T16:20:04Z`).
    pub delivered_at: String,
    /// Whether it is a redelivery.
    pub redelivery: bool,
    /// Seconds it took.
    pub duration: f64,
    /// GitHub's summary: `OK` for 2xx, `Invalid HTTP Response: 404` for
    /// another answer, `failed to connect to host` or `timed out` for none.
    pub status: String,
    /// The receiver's status code, 0 when it did not answer.
    pub status_code: u16,
    /// The `X-GitHub-Event`.
    pub event: String,
    /// The payload's `action`, if it has one.
    pub action: Option<String>,
    /// The repository's id for a repository hook, `None` for an
    /// organization hook.
    pub repository_id: Option<u64>,
    /// Where it was sent: the hook's `config.url` at the time.
    pub url: String,
    /// The headers sent, signatures included.
    pub request_headers: Vec<(String, String)>,
    /// The payload sent (a JSON object).
    pub payload: Value,
    /// The headers of the receiver's answer (empty without one).
    pub response_headers: Vec<(String, String)>,
    /// The body of the receiver's answer.
    pub response_body: String,
}

impl Delivery {
    /// The value of request header `name` (case-insensitive).
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A delivery for [`FakeGithub::record_delivery`] to record without
/// sending anything: for answers no test receiver gives (413, 502, a
/// timeout) and for deliveries in the past.
#[derive(Debug, Clone)]
pub struct Planted {
    /// The `X-GitHub-Event`.
    pub event: String,
    /// The payload to keep (and send on redelivery); a JSON object.
    pub payload: Value,
    /// The status code to record; 0 records `failed to connect to host`.
    pub status_code: u16,
    /// When, RFC 3339 (`2026-12-02T15:00:00Z`).
    pub delivered_at: String,
    /// The event's id, to plant a redelivery of an earlier delivery; a
    /// new one when `None`.
    pub guid: Option<String>,
    /// Whether to record it as a redelivery.
    pub redelivery: bool,
}

impl Planted {
    /// A first delivery of `event` with an empty payload.
    pub fn new(event: &str, status_code: u16, delivered_at: &str) -> Planted {
        Planted {
            event: event.to_string(),
            payload: json!({}),
            status_code,
            delivered_at: delivered_at.to_string(),
            guid: None,
            redelivery: false,
        }
    }
}

#[derive(Default)]
struct State {
    /// By scope: `/repos/o/r` or `/orgs/o`.
    hooks: BTreeMap<String, Vec<StoredHook>>,
    next_id: u64,
    seen: Vec<Seen>,
    /// Where clients reach the fake (prism), for `Link` and hook URLs.
    public: String,
    refusal: Option<Refusal>,
    /// By scope and hook id, in the order they were recorded.
    deliveries: BTreeMap<(String, u64), Vec<Delivery>>,
    next_delivery: u64,
}

/// The fake, and prism in front of it.
pub struct FakeGithub {
    state: Arc<Mutex<State>>,
    /// Where to point `--github-api-url`: prism.
    pub api_url: String,
    prism: Child,
    prism_log: PathBuf,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// Where testenv/prism/setup put prism and the trimmed description, or
/// where FLUX_RECEIVER_PRISM and FLUX_RECEIVER_GITHUB_SPEC point.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let prism = std::env::var_os("FLUX_RECEIVER_PRISM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testenv/prism/node_modules/.bin/prism"));
    let spec = std::env::var_os("FLUX_RECEIVER_GITHUB_SPEC")
        .map(PathBuf::from)
        .or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
            Some(cache.join("flux-receiver/openapi/api-hooks.json"))
        })
        .ok_or("no HOME to find the trimmed description in")?;
    for (what, path) in [("prism", &prism), ("GitHub's trimmed OpenAPI description", &spec)] {
        if !path.exists() {
            return Err(format!("{what} is not at {} (run testenv/prism/setup)", path.display()));
        }
    }
    Ok((prism, spec))
}

impl FakeGithub {
    /// Starts the fake and prism; `None` (after [`super::skip`], which
    /// fails under CI) when prism or the description is missing.
    pub fn start() -> Option<FakeGithub> {
        let (prism_bin, spec) = match tools() {
            Ok(found) => found,
            Err(missing) => {
                super::skip(&missing);
                return None;
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let state = Arc::new(Mutex::new(State {
            next_id: 1,
            next_delivery: 1,
            ..State::default()
        }));
        let fake = runtime.block_on(serve(state.clone())).expect("the fake binds");
        let port = free_port();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let prism_log = dir.path().join("prism.log");
        let log = std::fs::File::create(&prism_log).expect("prism's log");
        let prism = Command::new(&prism_bin)
            .args(["proxy", &spec.to_string_lossy(), &format!("http://{fake}"), "--errors"])
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .env("NODE_OPTIONS", "--max-old-space-size=2048")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("prism's log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", prism_bin.display()));
        let api_url = format!("http://127.0.0.1:{port}");
        state.lock().unwrap().public = api_url.clone();
        let mut github = FakeGithub {
            state,
            api_url,
            prism,
            prism_log,
            _runtime: runtime,
            _dir: dir,
        };
        github.wait_for_prism(port);
        Some(github)
    }

    fn wait_for_prism(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.prism.try_wait() {
                panic!("prism exited with {status}: {}", self.prism_log());
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "prism did not listen within 60 s: {}",
                self.prism_log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What prism printed.
    pub fn prism_log(&self) -> String {
        let mut text = String::new();
        let _ = std::fs::File::open(&self.prism_log).and_then(|mut f| f.read_to_string(&mut text));
        text
    }

    /// Fails the test if prism found anything in a request or an answer
    /// that GitHub's description forbids (it logs each violation, and
    /// lists them in the `sl-violations` header of its answer).
    pub fn assert_no_violations(&self) {
        let log = self.prism_log();
        let bad: Vec<&str> = log
            .lines()
            .filter(|line| {
                // Prism marks each refused request or answer `✖  error`
                // and names violations (UNPROCESSABLE_ENTITY, VIOLATIONS).
                let line = line.to_ascii_lowercase();
                line.contains('✖') || line.contains("violation") || line.contains("unprocessable")
            })
            .collect();
        assert!(bad.is_empty(), "prism reported violations:\n{}", bad.join("\n"));
    }

    /// The hooks of `scope` (`/repos/o/r` or `/orgs/o`).
    pub fn hooks(&self, scope: &str) -> Vec<StoredHook> {
        self.state.lock().unwrap().hooks.get(scope).cloned().unwrap_or_default()
    }

    /// Adds a hook to `scope` delivering to `url`; its id.
    pub fn add_hook(&self, scope: &str, url: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        state.hooks.entry(scope.to_string()).or_default().push(StoredHook {
            id,
            events: vec!["push".into()],
            active: true,
            config: json!({"url": url, "content_type": "json", "insecure_ssl": "0"}),
        });
        id
    }

    /// Delivers `event` with `payload` (a JSON object) to hook `hook_id` of
    /// `scope` as GitHub does: a POST to the hook's current `config.url`
    /// with `Content-Type: application/json`, `User-Agent:
    /// GitHub-Hookshot/fake`, `X-GitHub-Event`, `X-GitHub-Delivery` (a new
    /// guid), `X-GitHub-Hook-ID` and, when the hook has a secret,
    /// `X-Hub-Signature-256` and `X-Hub-Signature` over the exact body.
    /// Records the delivery, and returns the status code (0 when nothing
    /// answered). Panics if there is no such hook.
    pub fn deliver(&self, scope: &str, hook_id: u64, event: &str, payload: &Value) -> u16 {
        let job = {
            let mut state = self.state.lock().unwrap();
            let guid = state.guid();
            Job::new(&state, scope, hook_id, event, guid, payload.clone(), false)
                .unwrap_or_else(|| panic!("no hook {hook_id} in {scope}"))
        };
        let delivery = job.send();
        let code = delivery.status_code;
        self.state.lock().unwrap().record(scope, hook_id, delivery);
        code
    }

    /// Records a delivery of hook `hook_id` of `scope` without sending it;
    /// the delivery as recorded (with its id and guid). Panics if there is
    /// no such hook or `delivered_at` is not RFC 3339.
    pub fn record_delivery(&self, scope: &str, hook_id: u64, planted: Planted) -> Delivery {
        let at: jiff::Timestamp = planted
            .delivered_at
            .parse()
            .unwrap_or_else(|e| panic!("{:?} is not RFC 3339: {e}", planted.delivered_at));
        let mut state = self.state.lock().unwrap();
        let guid = planted.guid.clone().unwrap_or_else(|| state.guid());
        let job = Job::new(
            &state,
            scope,
            hook_id,
            &planted.event,
            guid,
            planted.payload,
            planted.redelivery,
        )
        .unwrap_or_else(|| panic!("no hook {hook_id} in {scope}"));
        let code = planted.status_code;
        let delivery = Delivery {
            id: 0,
            delivered_at: rfc3339(at),
            duration: 0.01,
            status: status_text(code, "failed to connect to host"),
            status_code: code,
            request_headers: job.headers(&serde_json::to_vec(&job.payload).unwrap()),
            response_headers: Vec::new(),
            response_body: String::new(),
            ..job.delivery()
        };
        state.record(scope, hook_id, delivery)
    }

    /// The deliveries of hook `hook_id` of `scope`, oldest first (in the
    /// order recorded), redeliveries included.
    pub fn deliveries(&self, scope: &str, hook_id: u64) -> Vec<Delivery> {
        let state = self.state.lock().unwrap();
        state
            .deliveries
            .get(&(scope.to_string(), hook_id))
            .cloned()
            .unwrap_or_default()
    }

    /// Sets the secret GitHub keeps for hook `hook_id` of `scope` (`None`
    /// removes it), as someone editing the hook in GitHub's settings would:
    /// later deliveries are signed with it. Panics if there is no such hook.
    pub fn set_secret(&self, scope: &str, hook_id: u64, secret: Option<&str>) {
        let mut state = self.state.lock().unwrap();
        let hook = state
            .hooks
            .get_mut(scope)
            .and_then(|hooks| hooks.iter_mut().find(|h| h.id == hook_id))
            .unwrap_or_else(|| panic!("no hook {hook_id} in {scope}"));
        match secret {
            Some(secret) => hook.config["secret"] = json!(secret),
            None => {
                if let Some(config) = hook.config.as_object_mut() {
                    config.remove("secret");
                }
            }
        }
    }

    /// Calls GitHub's API through prism as a well-behaved client does
    /// (the token, `Accept`, `X-GitHub-Api-Version`, a `User-Agent`), so
    /// that prism checks the fake's answer: `target` is a path and query,
    /// such as `/repos/o/r/hooks`;
    /// `body`, when given, is sent as JSON.
    pub fn call(&self, method: &str, target: &str, body: Option<&Value>) -> super::HttpAnswer {
        let authorization = format!("Bearer {TOKEN}");
        let mut headers = vec![
            ("Authorization", authorization.as_str()),
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"),
            ("User-Agent", "flux-receiver/tests"),
        ];
        let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
        if !body.is_empty() {
            headers.push(("Content-Type", "application/json"));
        }
        super::http(method, &format!("{}{target}", self.api_url), &headers, &body)
    }

    /// The requests answered so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Answers the next `refusal.method` request with `refusal`.
    pub fn refuse_next(&self, refusal: Refusal) {
        self.state.lock().unwrap().refusal = Some(refusal);
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        let _ = self.prism.kill();
        let _ = self.prism.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
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
            response = response.header("content-type", "application/json; charset=utf-8");
            serde_json::to_vec(body).unwrap()
        }
        None => Vec::new(),
    };
    response.body(Full::new(Bytes::from(bytes))).unwrap()
}

fn error(status: u16, message: &str) -> Answer {
    answer(
        status,
        &[],
        Some(
            json!({"message": message, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()}),
        ),
    )
}

async fn handle(state: Arc<Mutex<State>>, request: Request<Incoming>) -> Result<Answer, std::convert::Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let routed = {
        let mut state = state.lock().unwrap();
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        state.seen.push(Seen {
            method: parts.method.to_string(),
            target: target.clone(),
        });
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        };
        if header("authorization") != format!("Bearer {TOKEN}") {
            return Ok(error(401, "Bad credentials"));
        }
        if header("x-github-api-version") != "2022-11-28"
            || header("accept") != "application/vnd.github+json"
            || !header("user-agent").starts_with("flux-receiver/")
        {
            return Ok(error(400, "the fake wants the headers GitHub documents"));
        }
        if let Some(refusal) = state.refusal.take_if(|r| r.method == parts.method.as_str()) {
            let headers: Vec<(&str, String)> = refusal.headers.iter().map(|(n, v)| (*n, v.to_string())).collect();
            let mut refused = error(refusal.status, refusal.message);
            for (name, value) in headers {
                refused.headers_mut().insert(name, value.parse().unwrap());
            }
            return Ok(refused);
        }
        route(
            &mut state,
            parts.method.as_str(),
            parts.uri.path(),
            parts.uri.query(),
            &body,
        )
    };
    match routed {
        Routed::Answer(answer) => Ok(answer),
        Routed::Deliver(job, then) => {
            // Sent before answering, off the runtime's only worker (the
            // receiver may be this very process): so when a client has
            // the answer, the delivery is recorded, and tests need not poll.
            let (scope, hook_id) = (job.scope.clone(), job.hook_id);
            let delivery = tokio::task::spawn_blocking(move || job.send())
                .await
                .expect("the delivery thread");
            state.lock().unwrap().record(&scope, hook_id, delivery);
            Ok(then)
        }
    }
}

/// What a request comes to: an answer, or a delivery to make and then an
/// answer (redelivery, ping).
enum Routed {
    Answer(Answer),
    Deliver(Job, Answer),
}

impl From<Answer> for Routed {
    fn from(answer: Answer) -> Routed {
        Routed::Answer(answer)
    }
}

/// `/repos/o/r/hooks[/id]` or `/orgs/o/hooks[/id]` → (scope, kind, id).
fn split(path: &str) -> Option<(String, &'static str, Option<u64>)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (scope, kind, rest) = match segments.as_slice() {
        ["repos", owner, repo, "hooks", rest @ ..] => (format!("/repos/{owner}/{repo}"), "Repository", rest),
        ["orgs", org, "hooks", rest @ ..] => (format!("/orgs/{org}"), "Organization", rest),
        _ => return None,
    };
    match rest {
        [] => Some((scope, kind, None)),
        [id] => Some((scope, kind, Some(id.parse().ok()?))),
        _ => None,
    }
}

fn route_hooks(state: &mut State, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> Answer {
    let Some((scope, kind, id)) = split(path) else {
        return error(404, "Not Found");
    };
    let public = state.public.clone();
    let json_body = || serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    match (method, id) {
        ("GET", None) => {
            let param = |name: &str| {
                query
                    .unwrap_or_default()
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .and_then(|v| v.parse::<usize>().ok())
            };
            let per_page = param("per_page").unwrap_or(30).clamp(1, 100);
            let page = param("page").unwrap_or(1).max(1);
            let hooks = state.hooks.get(&scope).cloned().unwrap_or_default();
            let shown: Vec<Value> = hooks
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|hook| render(hook, &public, &scope, kind))
                .collect();
            let mut headers = Vec::new();
            if page * per_page < hooks.len() {
                headers.push((
                    "link",
                    format!(
                        "<{public}{scope}/hooks?per_page={per_page}&page={}>; rel=\"next\"",
                        page + 1
                    ),
                ));
            }
            answer(200, &headers, Some(Value::Array(shown)))
        }
        ("POST", None) => {
            let body = json_body();
            let Some(url) = body.pointer("/config/url").and_then(Value::as_str) else {
                return error(422, "Validation Failed: config.url is required");
            };
            if body["name"] != "web" {
                return error(422, "Validation Failed: name must be web");
            }
            let hooks = state.hooks.entry(scope.clone()).or_default();
            if hooks.iter().any(|h| h.config["url"] == url) {
                return error(422, "Validation Failed: Hook already exists on this repository");
            }
            let hook = StoredHook {
                id: state.next_id,
                events: events_of(&body),
                active: body["active"].as_bool().unwrap_or(true),
                config: body["config"].clone(),
            };
            state.next_id += 1;
            state.hooks.entry(scope.clone()).or_default().push(hook.clone());
            let location = format!("{public}{scope}/hooks/{}", hook.id);
            answer(
                201,
                &[("location", location)],
                Some(render(&hook, &public, &scope, kind)),
            )
        }
        ("PATCH", Some(id)) => {
            let body = json_body();
            let Some(hook) = state
                .hooks
                .get_mut(&scope)
                .and_then(|hooks| hooks.iter_mut().find(|h| h.id == id))
            else {
                return error(404, "Not Found");
            };
            // As GitHub: a config replaces the old one whole, so one
            // without `secret` clears it.
            if let Some(config) = body.get("config") {
                hook.config = config.clone();
            }
            if body.get("events").is_some() {
                hook.events = events_of(&body);
            }
            if let Some(active) = body["active"].as_bool() {
                hook.active = active;
            }
            let hook = hook.clone();
            answer(200, &[], Some(render(&hook, &public, &scope, kind)))
        }
        ("DELETE", Some(id)) => {
            let hooks = state.hooks.entry(scope).or_default();
            let before = hooks.len();
            hooks.retain(|h| h.id != id);
            if hooks.len() == before {
                error(404, "Not Found")
            } else {
                answer(204, &[], None)
            }
        }
        _ => error(404, "Not Found"),
    }
}

/// What under a hook a path names.
enum Under {
    Deliveries,
    Delivery(u64),
    Attempts(u64),
    Pings,
}

/// `…/hooks/{id}/deliveries[/{delivery}[/attempts]]` or `…/hooks/{id}/pings`
/// → (scope, hook id, what).
fn split_under(path: &str) -> Option<(String, u64, Under)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (scope, rest) = match segments.as_slice() {
        ["repos", owner, repo, "hooks", rest @ ..] => (format!("/repos/{owner}/{repo}"), rest),
        ["orgs", org, "hooks", rest @ ..] => (format!("/orgs/{org}"), rest),
        _ => return None,
    };
    let (hook, under) = match rest {
        [hook, "deliveries"] => (hook, Under::Deliveries),
        [hook, "deliveries", id] => (hook, Under::Delivery(id.parse().ok()?)),
        [hook, "deliveries", id, "attempts"] => (hook, Under::Attempts(id.parse().ok()?)),
        [hook, "pings"] => (hook, Under::Pings),
        _ => return None,
    };
    Some((scope, hook.parse().ok()?, under))
}

/// The value of query parameter `name`.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .map(String::from)
}

fn route(state: &mut State, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> Routed {
    let Some((scope, hook_id, under)) = split_under(path) else {
        return route_hooks(state, method, path, query, body).into();
    };
    let Some(hook) = state
        .hooks
        .get(&scope)
        .and_then(|hooks| hooks.iter().find(|h| h.id == hook_id))
        .cloned()
    else {
        return error(404, "Not Found").into();
    };
    let key = (scope.clone(), hook_id);
    let recorded = state.deliveries.get(&key).cloned().unwrap_or_default();
    match (method, under) {
        ("GET", Under::Deliveries) => {
            let per_page = query_param(query, "per_page")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(30)
                .clamp(1, 100);
            let status = query_param(query, "status");
            // The description's classification: success is 200–399,
            // failure 400–599, so a delivery nothing answered (0) is
            // neither.
            let wanted = |code: u16| match status.as_deref() {
                Some("success") => (200..400).contains(&code),
                Some("failure") => (400..600).contains(&code),
                _ => true,
            };
            let mut shown: Vec<&Delivery> = recorded.iter().filter(|d| wanted(d.status_code)).collect();
            // Newest first.
            shown.sort_by_key(|d| std::cmp::Reverse((timestamp(&d.delivered_at), d.id)));
            let start = match query_param(query, "cursor") {
                None => 0,
                Some(cursor) => {
                    let at = cursor
                        .strip_prefix("v1_")
                        .and_then(|id| id.parse::<u64>().ok())
                        .and_then(|id| shown.iter().position(|d| d.id == id));
                    match at {
                        Some(at) => at,
                        None => return error(400, "Bad Request: unknown cursor").into(),
                    }
                }
            };
            let page: Vec<Value> = shown.iter().skip(start).take(per_page).map(|d| item(d)).collect();
            let mut headers = Vec::new();
            if let Some(next) = shown.get(start + per_page) {
                let filter = status.map(|s| format!("&status={s}")).unwrap_or_default();
                headers.push((
                    "link",
                    format!(
                        "<{}{scope}/hooks/{hook_id}/deliveries?per_page={per_page}&cursor=v1_{}{filter}>; rel=\"next\"",
                        state.public, next.id
                    ),
                ));
            }
            answer(200, &headers, Some(Value::Array(page))).into()
        }
        ("GET", Under::Delivery(id)) => match recorded.iter().find(|d| d.id == id) {
            Some(delivery) => answer(200, &[], Some(full(delivery))).into(),
            None => error(404, "Not Found").into(),
        },
        ("POST", Under::Attempts(id)) => match recorded.iter().find(|d| d.id == id) {
            // GitHub's documented behaviour: the stored payload, sent again
            // to the hook's *current* url with its *current* secret, as a
            // new delivery of the same event (same guid).
            Some(delivery) => {
                let job = Job::new(
                    state,
                    &scope,
                    hook_id,
                    &delivery.event,
                    delivery.guid.clone(),
                    delivery.payload.clone(),
                    true,
                )
                .expect("the hook exists");
                Routed::Deliver(job, answer(202, &[], Some(json!({}))))
            }
            None => error(404, "Not Found").into(),
        },
        ("POST", Under::Pings) => {
            let kind = if scope.starts_with("/repos/") {
                "Repository"
            } else {
                "Organization"
            };
            let payload = json!({
                "zen": "Keep it logically awesome.",
                "hook_id": hook_id,
                "hook": render(&hook, &state.public, &scope, kind),
            });
            let guid = state.guid();
            let job = Job::new(state, &scope, hook_id, "ping", guid, payload, false).expect("the hook exists");
            Routed::Deliver(job, answer(204, &[], None))
        }
        _ => error(404, "Not Found").into(),
    }
}

/// A delivery to make: everything read from the hook while the state was
/// locked, so that sending needs no lock.
struct Job {
    scope: String,
    hook_id: u64,
    url: String,
    secret: Option<String>,
    event: String,
    guid: String,
    payload: Value,
    redelivery: bool,
}

impl Job {
    /// A delivery of `event` by hook `hook_id` of `scope`, with the hook's
    /// current url and secret; `None` without such a hook.
    fn new(
        state: &State,
        scope: &str,
        hook_id: u64,
        event: &str,
        guid: String,
        payload: Value,
        redelivery: bool,
    ) -> Option<Job> {
        let hook = state.hooks.get(scope)?.iter().find(|h| h.id == hook_id)?;
        Some(Job {
            scope: scope.to_string(),
            hook_id,
            url: hook.config["url"].as_str().unwrap_or_default().to_string(),
            secret: hook.config["secret"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(String::from),
            event: event.to_string(),
            guid,
            payload,
            redelivery,
        })
    }

    /// The headers GitHub sends with `body`.
    fn headers(&self, body: &[u8]) -> Vec<(String, String)> {
        let (target_type, target_id) = match self.scope.strip_prefix("/repos/") {
            Some(_) => ("repository", scope_id(&self.scope)),
            None => ("organization", scope_id(&self.scope)),
        };
        let mut headers = vec![
            ("Accept", "*/*".to_string()),
            ("Content-Type", "application/json".to_string()),
            ("User-Agent", "GitHub-Hookshot/fake".to_string()),
            ("X-GitHub-Delivery", self.guid.clone()),
            ("X-GitHub-Event", self.event.clone()),
            ("X-GitHub-Hook-ID", self.hook_id.to_string()),
            ("X-GitHub-Hook-Installation-Target-ID", target_id.to_string()),
            ("X-GitHub-Hook-Installation-Target-Type", target_type.to_string()),
        ];
        // As GitHub: no secret, no signature.
        if let Some(secret) = &self.secret {
            headers.push(("X-Hub-Signature", format!("sha1={}", hmac_sha1(secret, body))));
            headers.push(("X-Hub-Signature-256", format!("sha256={}", hmac_sha256(secret, body))));
        }
        headers.into_iter().map(|(n, v)| (n.to_string(), v)).collect()
    }

    /// The delivery's fields that do not depend on the answer.
    fn delivery(&self) -> Delivery {
        Delivery {
            id: 0,
            guid: self.guid.clone(),
            delivered_at: rfc3339(jiff::Timestamp::now()),
            redelivery: self.redelivery,
            duration: 0.0,
            status: String::new(),
            status_code: 0,
            event: self.event.clone(),
            action: self.payload["action"].as_str().map(String::from),
            repository_id: self.scope.starts_with("/repos/").then(|| scope_id(&self.scope)),
            url: self.url.clone(),
            request_headers: Vec::new(),
            payload: self.payload.clone(),
            response_headers: Vec::new(),
            response_body: String::new(),
        }
    }

    /// Sends it (blocking) and describes what happened, id not yet given.
    fn send(self) -> Delivery {
        let body = serde_json::to_vec(&self.payload).expect("a payload serializes");
        let headers = self.headers(&body);
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let started = Instant::now();
        let delivery = self.delivery();
        let sent = super::try_http("POST", &self.url, &pairs, &body, Duration::from_secs(10));
        let duration = started.elapsed().as_secs_f64();
        let (code, response_headers, response_body, unanswered) = match sent {
            Ok(answer) => (
                answer.status,
                answer.headers,
                String::from_utf8_lossy(&answer.body).into_owned(),
                "",
            ),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                (0, Vec::new(), String::new(), "timed out")
            }
            Err(_) => (0, Vec::new(), String::new(), "failed to connect to host"),
        };
        Delivery {
            duration,
            status: status_text(code, unanswered),
            status_code: code,
            request_headers: headers,
            response_headers,
            response_body,
            ..delivery
        }
    }
}

impl State {
    /// A new event id, shaped like GitHub's (a UUID).
    fn guid(&mut self) -> String {
        use sha2::Digest;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let n = self.next_delivery;
        let digest = sha2::Sha256::digest(format!("{n}/{nanos}/{}", self.public));
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    /// Keeps `delivery` under its hook with the next id; the delivery kept.
    fn record(&mut self, scope: &str, hook_id: u64, mut delivery: Delivery) -> Delivery {
        delivery.id = self.next_delivery;
        self.next_delivery += 1;
        self.deliveries
            .entry((scope.to_string(), hook_id))
            .or_default()
            .push(delivery.clone());
        delivery
    }
}

/// GitHub's `status` for a status code; `unanswered` when it is 0.
fn status_text(code: u16, unanswered: &str) -> String {
    match code {
        0 => unanswered.to_string(),
        200..=299 => "OK".to_string(),
        _ => format!("Invalid HTTP Response: {code}"),
    }
}

/// RFC 3339 in UTC to the second, as GitHub writes `delivered_at`.
fn rfc3339(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn timestamp(text: &str) -> jiff::Timestamp {
    text.parse().expect("delivered_at is RFC 3339")
}

/// A stable id for a repository or an organization (FNV-1a of its scope).
fn scope_id(scope: &str) -> u64 {
    let hash = scope.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    hash % 1_000_000_000 + 1
}

/// The hex HMAC-SHA256 of `body` keyed with `secret`, as
/// `X-Hub-Signature-256` carries it after `sha256=`.
pub fn hmac_sha256(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac_sha1(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn headers_object(headers: &[(String, String)]) -> Value {
    Value::Object(headers.iter().map(|(n, v)| (n.clone(), json!(v))).collect())
}

/// A delivery as GitHub lists it (`hook-delivery-item`).
fn item(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "guid": delivery.guid,
        "delivered_at": delivery.delivered_at,
        "redelivery": delivery.redelivery,
        "duration": delivery.duration,
        "status": delivery.status,
        "status_code": delivery.status_code,
        "event": delivery.event,
        "action": delivery.action,
        "installation_id": null,
        "repository_id": delivery.repository_id,
    })
}

/// A delivery as GitHub shows one (`hook-delivery`): the item, the url,
/// and the request and response.
fn full(delivery: &Delivery) -> Value {
    let mut value = item(delivery);
    value["url"] = json!(delivery.url);
    value["request"] = json!({"headers": headers_object(&delivery.request_headers), "payload": delivery.payload});
    value["response"] =
        json!({"headers": headers_object(&delivery.response_headers), "payload": delivery.response_body});
    value
}

fn events_of(body: &Value) -> Vec<String> {
    body["events"]
        .as_array()
        .map(|events| events.iter().filter_map(|e| e.as_str().map(String::from)).collect())
        .unwrap_or_else(|| vec!["push".into()])
}

/// A hook as GitHub shows it: every field the `hook` schema requires, the
/// secret masked.
fn render(hook: &StoredHook, public: &str, scope: &str, kind: &str) -> Value {
    let mut config = hook.config.clone();
    if config.get("secret").is_some() {
        config["secret"] = json!("********");
    }
    let url = format!("{public}{scope}/hooks/{}", hook.id);
    json!({
        "type": kind,
        "id": hook.id,
        "name": "web",
        "active": hook.active,
        "events": hook.events,
        "config": config,
        "updated_at": "2026-12-02T07:00:00Z",
        "created_at": "2026-12-02T07:00:00Z",
        "url": url,
        "test_url": format!("{url}/test"),
        "ping_url": format!("{url}/pings"),
        "deliveries_url": format!("{url}/deliveries"),
        "last_response": {"code": null, "status": "unused", "message": null}
    })
}

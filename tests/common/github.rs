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

#[derive(Default)]
struct State {
    /// By scope: `/repos/o/r` or `/orgs/o`.
    hooks: BTreeMap<String, Vec<StoredHook>>,
    next_id: u64,
    seen: Vec<Seen>,
    /// Where clients reach the fake (prism), for `Link` and hook URLs.
    public: String,
    refusal: Option<Refusal>,
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
    Ok(route(
        &mut state,
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        &body,
    ))
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

fn route(state: &mut State, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> Answer {
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

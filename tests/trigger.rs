//! `trigger` against a local HTTP server that checks every provider's
//! authentication independently (RustCrypto HMACs computed here, not the
//! receiver crate's), with GitHub's documented signature vector.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use hmac::{KeyInit, Mac};
use serde_json::Value;

const TOKEN: &str = "It's a Secret to Everybody";

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// Serves answers in order (the last one repeats) and records requests.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(answers: Vec<(u16, &'static str)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook/0123abcd", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        thread::spawn(move || {
            for (index, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = HashMap::new();
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    let trimmed = line.trim_end();
                    if trimmed.is_empty() {
                        break;
                    }
                    let (key, value) = trimmed.split_once(':').unwrap();
                    headers.insert(key.to_ascii_lowercase(), value.trim().to_string());
                }
                let length: usize = headers.get("content-length").map_or(0, |l| l.parse().unwrap());
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                record.lock().unwrap().push(Seen { headers, body });
                let (status, text) = answers[index.min(answers.len() - 1)];
                let reply = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    if status == 200 { "OK" } else { "Error" },
                    text.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Server { url, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac_sha256(body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(TOKEN.as_bytes()).unwrap();
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

fn hmac_sha1(body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(TOKEN.as_bytes()).unwrap();
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// Triggers `provider` offline at a fresh server and returns what it saw.
fn trigger(provider: &str, extra: &[&str]) -> (std::process::Output, Vec<Seen>) {
    let server = Server::start(vec![(200, "")]);
    let mut args = vec![
        "trigger",
        "r",
        "--type",
        provider,
        "--token",
        TOKEN,
        "--url",
        &server.url,
        "--retries",
        "0",
    ];
    args.extend_from_slice(extra);
    let output = common::run(&args);
    (output, server.requests())
}

fn delivered(provider: &str, extra: &[&str]) -> Seen {
    let (output, seen) = trigger(provider, extra);
    assert!(
        output.status.success(),
        "{provider}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(seen.len(), 1);
    seen[0].clone()
}

fn json(seen: &Seen) -> Value {
    serde_json::from_slice(&seen.body).expect("a JSON body")
}

#[test]
fn github_matches_the_documented_vector() {
    // GitHub's vector signs a body that is not JSON: sent from a file,
    // which is sent as it is (an inline --payload must be JSON).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body");
    std::fs::write(&file, "Hello, World!").unwrap();
    let payload = format!("@{}", file.display());
    let seen = delivered("github", &["--event", "push", "--payload", &payload]);
    assert_eq!(seen.body, b"Hello, World!");
    assert_eq!(
        seen.headers["x-hub-signature-256"],
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    assert_eq!(
        seen.headers["x-hub-signature"],
        format!("sha1={}", hmac_sha1(b"Hello, World!"))
    );
    assert_eq!(seen.headers["x-github-event"], "push");
    assert!(!seen.headers["x-github-delivery"].is_empty());
}

#[test]
fn github_ping_by_default() {
    let seen = delivered("github", &[]);
    assert_eq!(seen.headers["x-github-event"], "ping");
    assert_eq!(
        seen.headers["x-hub-signature-256"],
        format!("sha256={}", hmac_sha256(&seen.body))
    );
    assert!(json(&seen)["zen"].is_string());
}

#[test]
fn gitlab_token_and_events() {
    let seen = delivered("gitlab", &["--event", "Tag Push Hook"]);
    assert_eq!(seen.headers["x-gitlab-token"], TOKEN);
    assert_eq!(seen.headers["x-gitlab-event"], "Tag Push Hook");
    assert_eq!(json(&seen)["object_kind"], "tag_push");
}

#[test]
fn bitbucket_server_signs_sha256() {
    let seen = delivered("bitbucket", &[]);
    assert_eq!(seen.headers["x-event-key"], "repo:refs_changed");
    assert_eq!(
        seen.headers["x-hub-signature"],
        format!("sha256={}", hmac_sha256(&seen.body))
    );
}

#[test]
fn harbor_sends_the_token_as_authorization() {
    let seen = delivered("harbor", &[]);
    assert_eq!(seen.headers["authorization"], TOKEN);
    assert!(json(&seen)["event_data"]["resources"][0]["tag"].is_string());
}

#[test]
fn generic_and_generic_hmac() {
    let seen = delivered("generic", &[]);
    assert!(!seen.headers.contains_key("x-signature"));
    let seen = delivered("generic-hmac", &["--payload", "{\"a\":1}"]);
    assert_eq!(
        seen.headers["x-signature"],
        format!("sha256={}", hmac_sha256(b"{\"a\":1}"))
    );
}

#[test]
fn nexus_signs_bare_sha1() {
    let seen = delivered("nexus", &[]);
    assert_eq!(seen.headers["x-nexus-webhook-signature"], hmac_sha1(&seen.body));
    let body = json(&seen);
    assert!(body["action"].is_string() && body["repositoryName"].is_string());
}

#[test]
fn registry_payloads_decode() {
    let dockerhub = json(&delivered("dockerhub", &[]));
    assert!(dockerhub["push_data"]["tag"].is_string() && dockerhub["repository"]["repo_url"].is_string());
    let quay = json(&delivered("quay", &[]));
    assert!(quay["docker_url"].is_string() && quay["updated_tags"].is_array());
    let acr = json(&delivered("acr", &[]));
    assert!(acr["action"].is_string() && acr["target"]["repository"].is_string() && acr["target"]["tag"].is_string());
}

#[test]
fn cdevents_headers_match_the_body() {
    let seen = delivered("cdevents", &[]);
    assert_eq!(seen.headers["ce-specversion"], "1.0");
    assert_eq!(json(&seen)["context"]["type"], seen.headers["ce-type"].as_str());
}

#[test]
fn generic_oidc_and_gcr_present_bearer_tokens() {
    let server = Server::start(vec![(200, "")]);
    let output = common::flux_receiver()
        .args(["trigger", "r", "--type", "generic-oidc", "--url", &server.url])
        .env("FLUX_RECEIVER_OIDC_TOKEN", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        server.requests()[0].headers["authorization"],
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    );

    let (output, seen) = trigger("gcr", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Google-signed"));
    assert!(seen.is_empty(), "nothing is sent without a token");
    let seen = delivered("gcr", &["--bearer", "google-token"]);
    assert_eq!(seen.headers["authorization"], "Bearer google-token");
    assert!(json(&seen)["message"]["data"].is_string());
}

/// Triggers `provider` at `server` with token `t` and a short retry delay.
fn send_with_retries(server: &Server, provider: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "trigger",
        "r",
        "--type",
        provider,
        "--token",
        "t",
        "--url",
        &server.url,
        "--retry-delay",
        "10ms",
    ];
    args.extend_from_slice(extra);
    common::run(&args)
}

#[test]
fn retries_then_succeeds() {
    let server = Server::start(vec![(503, "busy"), (404, "not yet"), (200, "")]);
    let output = send_with_retries(&server, "generic", &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_rejection_shows_status_and_body_and_is_not_retried() {
    // The server would accept a second attempt: none is made, and the
    // message says the first one failed rather than "after 4 attempts".
    let server = Server::start(vec![(400, "invalid signature"), (200, "")]);
    let output = send_with_retries(&server, "github", &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("failed on the first attempt (a 400 is not retried): 400") && last.contains("invalid signature"),
        "{stderr}"
    );
    assert!(!stderr.contains("attempts") && !stderr.contains("retrying"), "{stderr}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_rejection_after_retries_names_the_attempt() {
    let server = Server::start(vec![(503, "busy"), (401, "unauthorized"), (200, "")]);
    let output = send_with_retries(&server, "generic", &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("failed on attempt 2 (a 401 is not retried): 401"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn bad_gateway_unavailable_and_gateway_timeout_are_each_retried_three_times() {
    // `--retries` defaults to 3: four attempts in all, then the last answer.
    for status in [502, 503, 504] {
        let server = Server::start(vec![(status, "from the proxy")]);
        let output = send_with_retries(&server, "generic", &[]);
        assert_eq!(output.status.code(), Some(1), "{status}");
        assert_eq!(
            server.requests().len(),
            4,
            "{status}: the first attempt and three retries"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.matches("retrying in 10ms").count(), 3, "{status}: {stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains(&format!("failed after 4 attempts: {status}")),
            "{status}: {stderr}"
        );
    }
}

#[test]
fn request_timeouts_and_rate_limits_are_retried_too() {
    let server = Server::start(vec![(408, "timeout"), (429, "slow down"), (200, "")]);
    let output = send_with_retries(&server, "generic", &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn exhausted_retries_report_the_last_answer() {
    let server = Server::start(vec![(500, "first failure"), (503, "still down")]);
    let output = send_with_retries(&server, "generic", &["--retries", "2"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(server.requests().len(), 3, "the first attempt and two retries");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("after 3 attempts") && last.contains("503") && last.contains("still down"),
        "{stderr}"
    );
}

#[test]
fn payload_from_a_file_is_sent_verbatim_and_signed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload.json");
    let payload = br#"{"ref":"refs/heads/main","custom":true}"#;
    std::fs::write(&file, payload).unwrap();
    let at_file = format!("@{}", file.display());
    let seen = delivered("github", &["--event", "push", "--payload", &at_file]);
    assert_eq!(seen.body, payload);
    assert_eq!(
        seen.headers["x-hub-signature-256"],
        format!("sha256={}", hmac_sha256(payload))
    );

    let (output, seen) = trigger("github", &["--payload", "@/nonexistent/payload.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(seen.is_empty(), "nothing sent");
    assert!(String::from_utf8_lossy(&output.stderr).contains("'--payload <JSON|@FILE>'"));
}

#[test]
fn failures_say_what_the_status_means_to_the_controller() {
    for (status, meaning) in [
        (404, "no Receiver has this path"),
        (503, "suspended or not Ready"),
        (400, "bad signature"),
        (500, "a target could not be annotated"),
        (413, "3 MiB"),
        (403, "a proxy, ingress or gateway in front"),
        (401, "a proxy, ingress or gateway in front"),
    ] {
        let server = Server::start(vec![(status, "answer")]);
        let output = send_with_retries(&server, "generic", &["--retries", "0"]);
        assert_eq!(output.status.code(), Some(1), "{status}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains(&status.to_string()) && last.contains(meaning),
            "{status}: {stderr}"
        );
    }
}

#[test]
fn a_202_is_the_events_port_not_an_accepted_webhook() {
    let server = Server::start(vec![(202, "")]);
    let output = send_with_retries(&server, "generic", &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("202") && stderr.contains("events port (9090)"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
}

#[test]
fn success_says_the_controller_accepted_it() {
    let server = Server::start(vec![(200, "")]);
    let output = send_with_retries(&server, "generic", &[]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("200 OK (accepted"), "{stdout}");
}

#[test]
fn a_hostile_answer_cannot_make_us_print_the_token_or_act_on_the_terminal() {
    // An endpoint that echoes the GitLab token it was sent, with escape
    // sequences that would clear the screen, and a very long body.
    let hostile: &'static str =
        Box::leak(format!("token t0ken-s3cret \u{1b}[2J\u{1b}]0;owned\u{7}{}", "x".repeat(5000)).into_boxed_str());
    let server = Server::start(vec![(400, hostile)]);
    let mut args = vec![
        "trigger",
        "r",
        "--type",
        "gitlab",
        "--token",
        "t0ken-s3cret",
        "--url",
        &server.url,
    ];
    args.extend(["--retry-delay", "10ms"]);
    let output = common::run(&args);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(server.requests()[0].headers["x-gitlab-token"], "t0ken-s3cret");
    assert!(
        !stderr.contains("t0ken-s3cret") && stderr.contains("token [redacted]"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && stderr.contains("\\u{1b}[2J"),
        "{stderr:?}"
    );
    assert!(
        stderr.len() < 1000,
        "a short excerpt, not the body: {} bytes",
        stderr.len()
    );
}

//! `setup --github-repo/--github-org` and `delete --github-repo` end to
//! end: the cluster is the emulator, GitHub a stateful fake behind prism,
//! which checks every request and answer against GitHub's OpenAPI
//! description (tests/common/github.rs).

mod common;

use std::process::Output;

use kube_emulator::Options;
use serde_json::json;

use common::EmulatedCluster as Env;
use common::github::{FakeGithub, Refusal, TOKEN};

fn start() -> Env {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    env
}

/// Runs flux-receiver against the emulator, with `GITHUB_TOKEN` when given.
fn run(env: &Env, args: &[&str], token: Option<&str>) -> Output {
    let mut command = common::flux_receiver();
    command.env("KUBECONFIG", &env.kubeconfig).args(args).write_stdin("");
    if let Some(token) = token {
        command.env("GITHUB_TOKEN", token);
    }
    command.output().expect("flux-receiver runs")
}

fn setup_args<'a>(name: &'a str, scope: &[&'a str], api_url: &'a str) -> Vec<&'a str> {
    let mut args = vec![
        "setup",
        name,
        "--type",
        "github",
        "--resource",
        "GitRepository/app",
        "--yes",
    ];
    args.extend_from_slice(scope);
    args.extend_from_slice(&["--github-api-url", api_url]);
    args
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The Receiver's token, from its Secret.
fn token_of(env: &Env, name: &str) -> String {
    use base64::Engine;
    let secret = env
        .emulator
        .get_object("v1", "secrets", Some("flux-system"), name)
        .unwrap();
    let data = secret["data"]["token"].as_str().unwrap();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap()
}

/// The Payload URL setup printed.
fn payload_url(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("Payload URL"))
        .map(|url| url.trim().to_string())
        .unwrap_or_else(|| panic!("no Payload URL in {stdout}"))
}

#[test]
fn setup_creates_the_repository_hook_and_a_rerun_updates_it_without_a_duplicate() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start();
    // More hooks than one page holds: the Receiver's lands on page 2, and
    // the re-run only finds it by following Link rel="next".
    for n in 0..120 {
        github.add_hook("/repos/acme/app", &format!("https://ci.example.com/other/{n}"));
    }
    let args = setup_args("app", &["--github-repo", "acme/app"], &github.api_url);
    let output = run(&env, &args, Some(TOKEN));
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    let url = payload_url(&stdout);
    let secret = token_of(&env, "app");
    let hooks = github.hooks("/repos/acme/app");
    assert_eq!(hooks.len(), 121);
    let ours: Vec<_> = hooks.iter().filter(|h| h.config["url"] == url.as_str()).collect();
    assert_eq!(ours.len(), 1, "{hooks:?}");
    let hook = ours[0];
    assert_eq!(
        hook.config,
        json!({"url": url, "content_type": "json", "secret": secret, "insecure_ssl": "0"})
    );
    assert_eq!(hook.events, ["push"]);
    assert!(hook.active);
    let created = format!(
        "✔ GitHub webhook created: {}/repos/acme/app/hooks (id {})",
        github.api_url, hook.id
    );
    assert!(stdout.contains(&created), "{stdout}");
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));

    // A hand-edited hook (events changed, secret cleared) is put back.
    let output = run(&env, &args, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let updated = format!(
        "✔ GitHub webhook updated: {}/repos/acme/app/hooks (id {})",
        github.api_url, hook.id
    );
    assert!(text(&output.stdout).contains(&updated), "{}", text(&output.stdout));
    let hooks = github.hooks("/repos/acme/app");
    assert_eq!(hooks.len(), 121, "no duplicate");
    let again = hooks.iter().find(|h| h.id == hook.id).unwrap();
    assert_eq!(again.config["secret"], json!(secret), "the PATCH carries the secret");
    let pages = github
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.target.contains("page=2"))
        .count();
    assert_eq!(pages, 2, "each run followed the Link to page 2: {:?}", github.seen());
    github.assert_no_violations();
}

#[test]
fn setup_registers_an_organization_hook() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start();
    let args = setup_args(
        "org-hook",
        &["--github-org", "acme", "--event", "push,release"],
        &github.api_url,
    );
    let output = run(&env, &args, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("do not include ping"), "{stderr}");
    assert!(!stderr.contains("plain http"), "the fake is on loopback: {stderr}");
    let hooks = github.hooks("/orgs/acme");
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0].events, ["push", "release"]);
    assert_eq!(hooks[0].config["url"], json!(payload_url(&text(&output.stdout))));
    assert_eq!(hooks[0].config["secret"], json!(token_of(&env, "org-hook")));
    assert!(text(&output.stdout).contains(&format!("{}/orgs/acme/hooks (id", github.api_url)));
    assert!(github.hooks("/repos/acme/app").is_empty());
    github.assert_no_violations();
}

#[test]
fn a_dry_run_sends_nothing_and_shows_no_secret() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start();
    let mut args = setup_args("dry", &["--github-repo", "acme/app"], &github.api_url);
    args.push("--dry-run-hook");
    let output = run(&env, &args, Some(TOKEN));
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(github.seen().is_empty(), "{:?}", github.seen());
    let secret = token_of(&env, "dry");
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret), "{stdout}");
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "{stdout}");
    assert!(
        stdout.contains(&format!("GET {}/repos/acme/app/hooks?per_page=100\n", github.api_url)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("POST {}/repos/acme/app/hooks\n", github.api_url)),
        "{stdout}"
    );
    assert!(stdout.contains("Authorization: Bearer [redacted]"), "{stdout}");
    assert!(stdout.contains("\"secret\": \"[redacted]\""), "{stdout}");
    assert!(
        stdout.contains(&format!("\"url\": \"{}\"", payload_url(&stdout))),
        "{stdout}"
    );
}

#[test]
fn a_missing_token_is_one_line_and_nothing_is_written() {
    let env = start();
    let args = setup_args("no-token", &["--github-repo", "acme/app"], "http://127.0.0.1:9");
    let output = run(&env, &args, None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("GITHUB_TOKEN") && stderr.contains("GH_TOKEN"),
        "{stderr}"
    );
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "no-token")
            .is_none(),
        "nothing was written"
    );
    // Bad scope values name the flag and value, before anything else.
    let args = setup_args("no-token", &["--github-repo", "acme"], "http://127.0.0.1:9");
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("'acme'") && stderr.contains("--github-repo"),
        "{stderr}"
    );
    // Flags that cannot go together: one line each, exit 2, nothing written.
    let refused: [(&[&str], &str); 4] = [
        (&["--github-repo", "acme/app", "--github-org", "acme"], "--github-org"),
        (&["--github-repo", "acme/app", "--export"], "drop --export"),
        (&["--dry-run-hook"], "needs --github-repo"),
        (&["--github-org", "acme", "--type", "gitlab"], "needs --type github"),
    ];
    for (extra, reason) in refused {
        let mut args = vec!["setup", "no-token", "--resource", "GitRepository/app", "--yes"];
        if !extra.contains(&"--type") {
            args.extend_from_slice(&["--type", "github"]);
        }
        args.extend_from_slice(extra);
        let output = run(&env, &args, Some(TOKEN));
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "no-token")
            .is_none(),
        "nothing was written"
    );
}

#[test]
fn a_403_says_which_scope_the_token_lacks_in_one_line() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start();
    github.refuse_next(Refusal {
        method: "POST",
        status: 403,
        headers: vec![
            ("x-oauth-scopes", "repo"),
            ("x-accepted-oauth-scopes", "admin:repo_hook, write:repo_hook"),
        ],
        message: "Must have admin rights to Repository.",
    });
    let args = setup_args("forbidden", &["--github-repo", "acme/app"], &github.api_url);
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: step 5/5 (GitHub webhook) failed: GitHub answered 403"),
        "{stderr}"
    );
    assert!(last.contains("Must have admin rights to Repository."), "{stderr}");
    assert!(last.contains("needs admin:repo_hook (classic)"), "{stderr}");
    assert!(
        last.contains("the token has scopes repo; this call accepts admin:repo_hook, write:repo_hook"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN) && !stderr.contains(&token_of(&env, "forbidden")));
    assert!(github.hooks("/repos/acme/app").is_empty());
    github.assert_no_violations();
}

#[test]
fn delete_removes_the_receivers_hook_and_says_so_when_there_is_none() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start();
    let other = github.add_hook("/repos/acme/app", "https://ci.example.com/other");
    let output = run(
        &env,
        &setup_args("gone", &["--github-repo", "acme/app"], &github.api_url),
        Some(TOKEN),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(github.hooks("/repos/acme/app").len(), 2);

    let delete = [
        "delete",
        "gone",
        "--silent",
        "--github-repo",
        "acme/app",
        "--github-api-url",
        &github.api_url,
    ];
    let output = run(&env, &delete, Some(TOKEN));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("✔ Receiver flux-system/gone deleted"), "{stdout}");
    assert!(stdout.contains("✔ GitHub webhook deleted:"), "{stdout}");
    let left: Vec<u64> = github.hooks("/repos/acme/app").iter().map(|h| h.id).collect();
    assert_eq!(left, [other], "only the Receiver's hook is removed");

    // A Receiver without a hook there: said, and no error.
    let output = run(&env, &setup_args("plain", &[], &github.api_url), None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let delete = [
        "delete",
        "plain",
        "--silent",
        "--github-repo",
        "acme/app",
        "--github-api-url",
        &github.api_url,
    ];
    let output = run(&env, &delete, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("no GitHub webhook of repository acme/app delivers to"));
    assert_eq!(github.hooks("/repos/acme/app").len(), 1);
    github.assert_no_violations();
}

#[test]
fn prism_refuses_a_request_githubs_description_forbids_and_the_check_sees_it() {
    // What keeps the other tests honest: a body the description forbids
    // (an unknown property) never reaches the fake, and the log check fails.
    let Some(github) = FakeGithub::start() else { return };
    let auth = format!("Bearer {TOKEN}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Accept", "application/vnd.github+json"),
        ("X-GitHub-Api-Version", "2022-11-28"),
        ("User-Agent", "flux-receiver/test"),
    ];
    let body = br#"{"name": "web", "config": {"url": "https://flux.example.com/hook/x"}, "type": "Repository"}"#;
    let status = common::post(&format!("{}/repos/acme/app/hooks", github.api_url), &headers, body);
    assert_eq!(status, 422);
    assert!(github.seen().is_empty(), "{:?}", github.seen());
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| github.assert_no_violations()));
    assert!(
        checked.is_err(),
        "the violation is found in prism's log:\n{}",
        github.prism_log()
    );
}

#[test]
fn a_hook_without_an_address_github_can_reach_is_refused_before_anything_is_written() {
    let env = start();
    let mut args = setup_args("unreachable", &["--github-repo", "acme/app"], "http://127.0.0.1:9");
    args.push("--no-expose");
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--hostname"), "{stderr}");
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "unreachable")
            .is_none(),
        "nothing was written"
    );
}

/// A request [`Receiver`] got: headers and exact body.
type Received = (Vec<(String, String)>, Vec<u8>);

/// A webhook receiver on loopback for the fake to deliver to: `/ok`
/// answers 200, anything else 404; it keeps each request's headers and
/// exact body.
struct Receiver {
    url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start() -> Receiver {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let Some((name, value)) = line.trim_end().split_once(':') else {
                        break;
                    };
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                }
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                    .map(|(_, v)| v.parse().unwrap())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                kept.lock().unwrap().push((headers, body));
                let (status, text) = if path == "/ok" { (200, "OK") } else { (404, "Not Found") };
                let answer = format!("{text}\n");
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {text}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Receiver { url, seen }
    }

    /// The last request's header `name` and body.
    fn last(&self, name: &str) -> (String, Vec<u8>) {
        let seen = self.seen.lock().unwrap();
        let (headers, body) = seen.last().expect("a request arrived");
        let value = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"));
        (value, body.clone())
    }
}

fn hmac_sha256(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Follows `Link: <…>; rel="next"` from `first`, through prism; every page's items.
fn all_pages(github: &FakeGithub, first: &str) -> Vec<Vec<serde_json::Value>> {
    let mut pages = Vec::new();
    let mut target = Some(first.to_string());
    while let Some(next) = target.take() {
        let answer = github.call("GET", &next, None);
        assert_eq!(answer.status, 200, "{}", text(&answer.body));
        pages.push(answer.json().as_array().unwrap().clone());
        target = answer.header("link").map(|link| {
            let url = link.split_once('<').unwrap().1.split_once('>').unwrap().0;
            assert!(link.ends_with("rel=\"next\""), "{link}");
            url.strip_prefix(&github.api_url).unwrap().to_string()
        });
        assert!(pages.len() < 10, "paging does not end");
    }
    pages
}

#[test]
fn the_fakes_deliveries_are_listed_paged_filtered_shown_and_redelivered_as_githubs_description_says() {
    let Some(github) = FakeGithub::start() else { return };
    let receiver = Receiver::start();
    let scope = "/repos/acme/app";
    let hook = github.add_hook(scope, &format!("{}/stale", receiver.url));
    github.set_secret(scope, hook, Some("old-secret"));
    for n in 0..3 {
        let payload = json!({"ref": "refs/heads/main", "after": format!("{n:040}")});
        assert_eq!(github.deliver(scope, hook, "push", &payload), 404);
    }
    let (signature, body) = receiver.last("X-Hub-Signature-256");
    assert_eq!(signature, format!("sha256={}", hmac_sha256("old-secret", &body)));
    assert_eq!(receiver.last("X-GitHub-Hook-ID").0, hook.to_string());
    assert_eq!(receiver.last("X-GitHub-Event").0, "push");
    assert_eq!(receiver.last("Content-Type").0, "application/json");

    // A rotation: url and secret changed in one PATCH, through prism.
    let config = json!({"url": format!("{}/ok", receiver.url), "content_type": "json",
                        "secret": "new-secret", "insecure_ssl": "0"});
    let patched = github.call(
        "PATCH",
        &format!("{scope}/hooks/{hook}"),
        Some(&json!({"config": config})),
    );
    assert_eq!(patched.status, 200, "{}", text(&patched.body));
    assert_eq!(
        github.deliver(scope, hook, "ping", &json!({"zen": "z", "hook_id": hook})),
        200
    );
    let recorded = github.deliveries(scope, hook);
    assert_eq!(recorded.len(), 4);
    assert!(recorded.windows(2).all(|w| w[0].id < w[1].id), "{recorded:?}");
    assert_eq!(recorded[0].status, "Invalid HTTP Response: 404");
    assert_eq!(recorded[3].status, "OK");
    assert!(recorded[3].repository_id.is_some());

    // Newest first, two a page, the cursor in Link; nothing lost or repeated.
    let pages = all_pages(&github, &format!("{scope}/hooks/{hook}/deliveries?per_page=2"));
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
    let ids: Vec<u64> = pages.concat().iter().map(|d| d["id"].as_u64().unwrap()).collect();
    let mut newest_first: Vec<u64> = recorded.iter().map(|d| d.id).collect();
    newest_first.reverse();
    assert_eq!(ids, newest_first);
    let failures = all_pages(
        &github,
        &format!("{scope}/hooks/{hook}/deliveries?per_page=1&status=failure"),
    );
    assert_eq!(failures.len(), 3, "the filter survives paging");
    assert!(failures.concat().iter().all(|d| d["status_code"] == 404));
    let successes = all_pages(&github, &format!("{scope}/hooks/{hook}/deliveries?status=success"));
    assert_eq!(successes.concat().len(), 1);
    assert_eq!(successes[0][0]["event"], "ping");

    // One delivery, request and response.
    let first = &recorded[0];
    let shown = github.call("GET", &format!("{scope}/hooks/{hook}/deliveries/{}", first.id), None);
    assert_eq!(shown.status, 200, "{}", text(&shown.body));
    let shown = shown.json();
    assert_eq!(shown["guid"], json!(first.guid));
    assert_eq!(shown["request"]["payload"]["after"], json!(format!("{:040}", 0)));
    assert_eq!(shown["request"]["headers"]["X-GitHub-Event"], "push");
    assert_eq!(shown["response"]["payload"], "Not Found\n");
    assert_eq!(shown["url"], json!(format!("{}/stale", receiver.url)));

    // A redelivery: 202, then the same event sent again to the current
    // url, signed with the current secret.
    let attempt = github.call(
        "POST",
        &format!("{scope}/hooks/{hook}/deliveries/{}/attempts", first.id),
        None,
    );
    assert_eq!(attempt.status, 202, "{}", text(&attempt.body));
    assert_eq!(attempt.json(), json!({}));
    let again = github.deliveries(scope, hook).pop().unwrap();
    assert!(again.redelivery);
    assert_eq!(again.guid, first.guid);
    assert!(again.id > recorded[3].id);
    assert_eq!(
        (again.status_code, again.url.as_str()),
        (200, config["url"].as_str().unwrap())
    );
    assert_eq!(again.payload, first.payload);
    let (signature, body) = receiver.last("X-Hub-Signature-256");
    assert_eq!(signature, format!("sha256={}", hmac_sha256("new-secret", &body)));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        first.payload
    );

    // An organization hook nobody listens for, and a planted 503.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let org_hook = github.add_hook("/orgs/acme", &dead_url);
    assert_eq!(
        github.deliver("/orgs/acme", org_hook, "push", &json!({"action": null})),
        0
    );
    let planted = github.record_delivery(
        "/orgs/acme",
        org_hook,
        common::github::Planted::new("push", 503, "2026-01-01T00:00:00Z"),
    );
    let org = all_pages(&github, &format!("/orgs/acme/hooks/{org_hook}/deliveries"));
    let org = org.concat();
    assert_eq!(org.len(), 2);
    assert_eq!(
        org[0]["status"], "failed to connect to host",
        "the planted one is older: {org:?}"
    );
    assert_eq!(org[0]["status_code"], 0);
    assert_eq!(org[0]["repository_id"], serde_json::Value::Null);
    assert_eq!(org[1]["id"], json!(planted.id));
    assert_eq!(org[1]["status"], "Invalid HTTP Response: 503");
    let shown = github.call(
        "GET",
        &format!("/orgs/acme/hooks/{org_hook}/deliveries/{}", planted.id),
        None,
    );
    assert_eq!(shown.status, 200, "{}", text(&shown.body));
    let pinged = github.call("POST", &format!("/orgs/acme/hooks/{org_hook}/pings"), None);
    assert_eq!(pinged.status, 204, "{}", text(&pinged.body));
    assert_eq!(github.deliveries("/orgs/acme", org_hook).len(), 3);
    github.assert_no_violations();
}

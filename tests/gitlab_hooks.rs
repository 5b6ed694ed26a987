//! `setup --gitlab-project/--gitlab-group`, `delete --gitlab-project` and
//! the rotation of a GitLab hook, end to end: the cluster is the emulator,
//! GitLab a stateful fake (tests/common/gitlab.rs).
//!
//! No machine-readable GitLab API description was available to validate
//! against (GitLab's Swagger file ships in no package CI can fetch), so the
//! fake checks the documented hooks API strictly instead: GitLab's
//! `doc/api/project_webhooks.md` and `doc/api/group_webhooks.md`.

mod common;

use std::process::Output;

use kube_emulator::Options;
use serde_json::{Value, json};

use common::EmulatedCluster as Env;
use common::gitlab::{FakeGitlab, GROUP_FLAGS, PROJECT_FLAGS, TOKEN};

fn start() -> Env {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    env
}

/// Runs flux-receiver against the emulator, with `GITLAB_TOKEN` when given.
fn run(env: &Env, args: &[&str], token: Option<&str>) -> Output {
    let mut command = common::flux_receiver();
    command.env("KUBECONFIG", &env.kubeconfig).args(args).write_stdin("");
    if let Some(token) = token {
        command.env("GITLAB_TOKEN", token);
    }
    command.output().expect("flux-receiver runs")
}

fn setup_args<'a>(name: &'a str, scope: &[&'a str], gitlab_url: &'a str) -> Vec<&'a str> {
    let mut args = vec![
        "setup",
        name,
        "--type",
        "gitlab",
        "--resource",
        "GitRepository/app",
        "--yes",
    ];
    args.extend_from_slice(scope);
    args.extend_from_slice(&["--gitlab-url", gitlab_url]);
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

/// The URL setup printed.
fn hook_url(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("Payload URL"))
        .map(|url| url.trim().to_string())
        .unwrap_or_else(|| panic!("no URL in {stdout}"))
}

/// Neither the API token nor the hook's token is in the output.
fn assert_no_secret(output: &Output, secrets: &[&str]) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    for secret in secrets.iter().chain([&TOKEN]) {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret was printed:\n{stdout}\n{stderr}"
        );
    }
}

/// The bodies the fake got for `method`.
fn bodies(gitlab: &FakeGitlab, method: &str) -> Vec<Value> {
    gitlab
        .seen()
        .into_iter()
        .filter(|s| s.method == method)
        .filter_map(|s| s.body)
        .collect()
}

#[test]
fn setup_creates_the_project_hook_with_every_flag_and_a_rerun_updates_it_without_a_duplicate() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/sub/app");
    // More hooks than one page holds: the Receiver's lands on page 2, and
    // the re-run only finds it by following X-Next-Page.
    for n in 0..120 {
        gitlab.add_hook("projects/acme/sub/app", &format!("https://ci.example.com/other/{n}"));
    }
    let args = setup_args("app", &["--gitlab-project", "acme/sub/app"], &gitlab.url);
    let env = start();
    let output = run(&env, &args, Some(TOKEN));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let url = hook_url(&stdout);
    let secret = token_of(&env, "app");
    assert_no_secret(&output, &[&secret]);
    let hooks = gitlab.hooks("projects/acme/sub/app");
    assert_eq!(hooks.len(), 121);
    let ours: Vec<_> = hooks.iter().filter(|h| h.url == url).collect();
    assert_eq!(ours.len(), 1, "{hooks:?}");
    let hook = ours[0].clone();
    assert_eq!(hook.token.as_deref(), Some(secret.as_str()));
    // The create sent every flag, true or false, and verification on.
    let created = bodies(&gitlab, "POST");
    assert_eq!(created.len(), 1);
    let body = created[0].as_object().unwrap();
    for flag in PROJECT_FLAGS {
        assert!(
            body.get(flag).is_some_and(Value::is_boolean),
            "{flag} not sent: {body:?}"
        );
    }
    assert!(GROUP_FLAGS.iter().all(|f| !body.contains_key(*f)));
    // setup's default GitLab events: Push Hook, Tag Push Hook.
    let on: Vec<&str> = PROJECT_FLAGS.iter().copied().filter(|f| body[*f] == true).collect();
    assert_eq!(on, ["push_events", "tag_push_events"]);
    assert_eq!(body["enable_ssl_verification"], json!(true));
    assert_eq!(body["url"], json!(url));
    assert!(
        gitlab
            .seen()
            .iter()
            .all(|s| s.target.starts_with("/api/v4/projects/acme%2Fsub%2Fapp/hooks")),
        "{:?}",
        gitlab.seen()
    );
    let line = format!(
        "✔ GitLab webhook created: {}/api/v4/projects/acme%2Fsub%2Fapp/hooks (id {})",
        gitlab.url, hook.id
    );
    assert!(stdout.contains(&line), "{stdout}");

    // The re-run finds it on page 2 and PUTs url and token together.
    let output = run(&env, &args, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_no_secret(&output, &[&secret]);
    let line = format!(
        "✔ GitLab webhook updated: {}/api/v4/projects/acme%2Fsub%2Fapp/hooks (id {})",
        gitlab.url, hook.id
    );
    assert!(text(&output.stdout).contains(&line), "{}", text(&output.stdout));
    assert_eq!(gitlab.hooks("projects/acme/sub/app").len(), 121, "no duplicate");
    assert_eq!(bodies(&gitlab, "POST").len(), 1, "no second create");
    let put: Vec<_> = gitlab.seen().into_iter().filter(|s| s.method == "PUT").collect();
    assert_eq!(put.len(), 1);
    assert!(put[0].target.ends_with(&format!("/hooks/{}", hook.id)), "{put:?}");
    let body = put[0].body.as_ref().unwrap();
    assert_eq!(body["url"], json!(url));
    assert_eq!(body["token"], json!(secret), "the PUT carries the token with the URL");
    let page2 = gitlab
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.target.contains("page=2"))
        .count();
    assert_eq!(page2, 2, "each run read page 2: {:?}", gitlab.seen());
}

#[test]
fn setup_registers_a_group_hook_with_group_events() {
    let gitlab = FakeGitlab::start();
    gitlab.add_group("acme/platform");
    let env = start();
    let args = setup_args(
        "group-hook",
        &["--gitlab-group", "acme/platform", "--event", "Push Hook,Member Hook"],
        &gitlab.url,
    );
    let output = run(&env, &args, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("plain http"), "the fake is on loopback: {stderr}");
    let secret = token_of(&env, "group-hook");
    assert_no_secret(&output, &[&secret]);
    let hooks = gitlab.hooks("groups/acme/platform");
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0].url, hook_url(&text(&output.stdout)));
    assert_eq!(hooks[0].token.as_deref(), Some(secret.as_str()));
    let body = &bodies(&gitlab, "POST")[0];
    for flag in PROJECT_FLAGS.iter().chain(&GROUP_FLAGS) {
        let want = *flag == "push_events" || *flag == "member_events";
        assert_eq!(body[*flag], json!(want), "{flag}: {body}");
    }
    assert!(
        text(&output.stdout).contains(&format!("{}/api/v4/groups/acme%2Fplatform/hooks (id", gitlab.url)),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn a_dry_run_sends_nothing_and_shows_no_token() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    let mut args = setup_args("dry", &["--gitlab-project", "acme/app"], &gitlab.url);
    args.push("--dry-run-hook");
    let output = run(&env, &args, Some(TOKEN));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(gitlab.seen().is_empty(), "{:?}", gitlab.seen());
    let secret = token_of(&env, "dry");
    assert_no_secret(&output, &[&secret]);
    let hooks = format!("{}/api/v4/projects/acme%2Fapp/hooks", gitlab.url);
    assert!(
        stdout.contains(&format!("GET {hooks}?page=1&per_page=100\n")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("POST {hooks}\n")), "{stdout}");
    assert!(stdout.contains("PRIVATE-TOKEN: [redacted]\n"), "{stdout}");
    assert!(stdout.contains("\"token\": \"[redacted]\""), "{stdout}");
    assert!(stdout.contains("\"merge_requests_events\": false"), "{stdout}");
    assert!(
        stdout.contains(&format!("\"url\": \"{}\"", hook_url(&stdout))),
        "{stdout}"
    );
    // Without a token a dry run still shows what it would send.
    let output = run(&env, &args, None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("PRIVATE-TOKEN: [redacted]"));
    assert!(gitlab.seen().is_empty());
}

#[test]
fn bad_flags_are_one_line_exit_2_and_nothing_is_written() {
    let env = start();
    let secret_written = || {
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "refused")
            .is_some()
    };
    // No token anywhere.
    let args = setup_args("refused", &["--gitlab-project", "acme/app"], "http://127.0.0.1:9");
    let output = run(&env, &args, None);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("GITLAB_TOKEN") && stderr.contains("--gitlab-token-file"),
        "{stderr}"
    );
    assert!(!secret_written(), "nothing was written");
    let refused: [(&[&str], &str); 9] = [
        (&["--gitlab-project", "acme"], "'acme' for '--gitlab-project"),
        (&["--gitlab-project", "acme/app.git"], "--gitlab-project"),
        (&["--gitlab-group", "acme//x"], "'acme//x' for '--gitlab-group"),
        (
            &["--gitlab-project", "acme/app", "--gitlab-group", "acme"],
            "--gitlab-group",
        ),
        (
            &["--gitlab-project", "acme/app", "--github-repo", "acme/app"],
            "--github-repo",
        ),
        (&["--gitlab-project", "acme/app", "--export"], "drop --export"),
        (
            &["--gitlab-project", "acme/app", "--type", "github"],
            "needs --type gitlab, not --type github",
        ),
        (
            &["--gitlab-project", "acme/app", "--event", "Member Hook"],
            "--gitlab-group",
        ),
        (
            &["--gitlab-project", "acme/app", "--event", "push"],
            "'push' is no GitLab event",
        ),
    ];
    for (extra, reason) in refused {
        let mut args = vec!["setup", "refused", "--resource", "GitRepository/app", "--yes"];
        if !extra.contains(&"--type") {
            args.extend_from_slice(&["--type", "gitlab"]);
        }
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--gitlab-url", "http://127.0.0.1:9"]);
        let output = run(&env, &args, Some(TOKEN));
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
        assert_no_secret(&output, &[]);
    }
    assert!(!secret_written(), "nothing was written");
}

#[test]
fn a_403_insufficient_scope_names_the_api_scope_in_one_line() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    gitlab.refuse_next(
        "POST",
        403,
        json!({"error": "insufficient_scope",
               "error_description": "The request requires higher privileges than provided by the access token.",
               "scope": "api"}),
    );
    let args = setup_args("forbidden", &["--gitlab-project", "acme/app"], &gitlab.url);
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: step 5/5 (GitLab webhook) failed: GitLab answered 403 to POST"),
        "{stderr}"
    );
    assert!(last.contains("the token needs the `api` scope"), "{stderr}");
    assert_no_secret(&output, &[&token_of(&env, "forbidden")]);
    assert!(gitlab.hooks("projects/acme/app").is_empty());

    // An unknown project: 404, said as GitLab means it.
    let args = setup_args("forbidden", &["--gitlab-project", "acme/nowhere"], &gitlab.url);
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("(project acme/nowhere not found or the token's user is not a Maintainer of it)"),
        "{stderr}"
    );
    // A bad token: 401.
    let output = run(&env, &args, Some("glpat-wrong"));
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("401 Unauthorized (the token is invalid"));
    assert!(!text(&output.stderr).contains("glpat-wrong"));
}

#[test]
fn delete_removes_the_receivers_hook_and_says_so_when_there_is_none() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let other = gitlab.add_hook("projects/acme/app", "https://ci.example.com/other");
    let env = start();
    let output = run(
        &env,
        &setup_args("gone", &["--gitlab-project", "acme/app"], &gitlab.url),
        Some(TOKEN),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(gitlab.hooks("projects/acme/app").len(), 2);
    let delete = [
        "delete",
        "gone",
        "--silent",
        "--gitlab-project",
        "acme/app",
        "--gitlab-url",
        &gitlab.url,
    ];
    let output = run(&env, &delete, Some(TOKEN));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("✔ Receiver flux-system/gone deleted"), "{stdout}");
    assert!(stdout.contains("✔ GitLab webhook deleted:"), "{stdout}");
    assert_no_secret(&output, &[]);
    let left: Vec<u64> = gitlab.hooks("projects/acme/app").iter().map(|h| h.id).collect();
    assert_eq!(left, [other], "only the Receiver's hook is removed");

    // A Receiver without a hook there: said, and no error.
    let output = run(&env, &setup_args("plain", &[], &gitlab.url), None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let delete = [
        "delete",
        "plain",
        "--silent",
        "--gitlab-project",
        "acme/app",
        "--gitlab-url",
        &gitlab.url,
    ];
    // No token: refused before anything is deleted.
    let output = run(&env, &delete, None);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "plain"
            )
            .is_some()
    );
    let output = run(&env, &delete, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("no GitLab webhook of project acme/app delivers to"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(gitlab.hooks("projects/acme/app").len(), 1);
}

#[test]
fn rotate_moves_the_hook_to_the_new_url_and_token_in_one_put() {
    use flux_receiver::commands::gitlab_hook::GitlabPlan;
    use receiver::gitlab::HookScope;

    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let old = gitlab.add_hook("projects/acme/app", "https://flux.example.com/hook/old");
    let other = gitlab.add_hook("projects/acme/app", "https://ci.example.com/other");
    let plan = GitlabPlan::new(HookScope::parse_project("acme/app").unwrap(), &gitlab.url, TOKEN);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let events = vec!["Push Hook".to_string()];
    let rotate = |old_url: &str| {
        runtime.block_on(plan.rotate(old_url, "https://flux.example.com/hook/new", "new-s3cret", &events))
    };
    rotate("https://flux.example.com/hook/old").expect("rotated");
    let puts: Vec<_> = gitlab.seen().into_iter().filter(|s| s.method == "PUT").collect();
    assert_eq!(puts.len(), 1, "one request: {puts:?}");
    assert!(puts[0].target.ends_with(&format!("/projects/acme%2Fapp/hooks/{old}")));
    let body = puts[0].body.as_ref().unwrap();
    assert_eq!(body["url"], json!("https://flux.example.com/hook/new"));
    assert_eq!(body["token"], json!("new-s3cret"));
    let hooks = gitlab.hooks("projects/acme/app");
    let moved = hooks.iter().find(|h| h.id == old).unwrap();
    assert_eq!(moved.url, "https://flux.example.com/hook/new");
    assert_eq!(moved.token.as_deref(), Some("new-s3cret"));
    assert_eq!(
        hooks.iter().find(|h| h.id == other).unwrap().url,
        "https://ci.example.com/other"
    );
    // Resumed: the old URL is gone, the hook at the new one is updated.
    rotate("https://flux.example.com/hook/old").expect("resumed");
    assert_eq!(gitlab.hooks("projects/acme/app").len(), 2);
    // Neither URL: an error, nothing created.
    let err = runtime
        .block_on(plan.rotate(
            "https://elsewhere.example.com/hook/a",
            "https://elsewhere.example.com/hook/b",
            "x-s3cret",
            &events,
        ))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no GitLab webhook of project acme/app delivers to"),
        "{err}"
    );
    assert!(!err.contains("x-s3cret"));
    assert_eq!(gitlab.hooks("projects/acme/app").len(), 2);
}

#[test]
fn the_fake_refuses_what_gitlab_documents_as_wrong() {
    // What keeps the other tests honest.
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let auth = [("PRIVATE-TOKEN", TOKEN), ("Content-Type", "application/json")];
    let hooks = "/api/v4/projects/acme%2Fapp/hooks";
    let (status, body) = gitlab.call("GET", hooks, &[], None);
    assert_eq!((status, body), (401, json!({"message": "401 Unauthorized"})));
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(gitlab.call("GET", hooks, &[("Authorization", &bearer)], None).0, 200);
    // The path unencoded is no route.
    assert_eq!(
        gitlab.call("GET", "/api/v4/projects/acme/app/hooks", &auth, None).0,
        404
    );
    let (status, body) = gitlab.call("GET", "/api/v4/projects/acme%2Fnope/hooks", &auth, None);
    assert_eq!((status, body), (404, json!({"message": "404 Project Not Found"})));
    let post = |body: &str| gitlab.call("POST", hooks, &auth, Some(body));
    assert_eq!(
        post(r#"{"push_events": true}"#),
        (400, json!({"error": "url is missing"}))
    );
    assert_eq!(
        post(r#"{"url": "https://x.example/h", "push_event": true}"#),
        (400, json!({"error": "push_event is invalid"}))
    );
    assert_eq!(
        post(r#"{"url": "https://x.example/h", "push_events": "yes"}"#),
        (400, json!({"error": "push_events is invalid"}))
    );
    assert_eq!(
        post(r#"{"url": "https://x.example/h", "member_events": true}"#).0,
        400,
        "member_events is a group attribute"
    );
    let (status, created) = post(r#"{"url": "https://x.example/h", "token": "t0ken"}"#);
    assert_eq!(status, 201);
    assert_eq!(created["push_events"], json!(true), "GitLab's default");
    assert!(created.get("token").is_none(), "never returned");
    let id = created["id"].as_u64().unwrap();
    let put = |body: &str| gitlab.call("PUT", &format!("{hooks}/{id}"), &auth, Some(body));
    assert_eq!(put(r#"{"push_events": false}"#).0, 400, "url is required on PUT");
    assert_eq!(put(r#"{"url": "https://x.example/moved"}"#).0, 200);
    assert_eq!(
        gitlab.hooks("projects/acme/app")[0].token,
        None,
        "a new URL resets the token"
    );
    // Pagination headers, as GitLab sends them.
    for n in 0..3 {
        gitlab.add_hook("projects/acme/app", &format!("https://x.example/{n}"));
    }
    let (status, headers, listed) = gitlab.call_with_headers("GET", &format!("{hooks}?page=2&per_page=2"), &auth, None);
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(header("x-total"), Some("4"));
    assert_eq!(header("x-total-pages"), Some("2"));
    assert_eq!(header("x-page"), Some("2"));
    assert_eq!(header("x-next-page"), Some(""));
    assert_eq!(header("x-prev-page"), Some("1"));
    assert!(
        header("link").unwrap().contains("page=1&per_page=2>; rel=\"prev\""),
        "{headers:?}"
    );
    assert_eq!(gitlab.call("DELETE", &format!("{hooks}/{id}"), &auth, None).0, 204);
    assert_eq!(gitlab.call("DELETE", &format!("{hooks}/{id}"), &auth, None).0, 404);
}

#[test]
fn the_token_file_is_read_and_an_unreachable_url_is_refused_before_anything_is_written() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gitlab-token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let file = file.to_string_lossy().into_owned();
    // No address GitLab could reach: refused, nothing written or sent.
    let mut args = setup_args(
        "unreachable",
        &["--gitlab-project", "acme/app", "--gitlab-token-file", &file],
        &gitlab.url,
    );
    args.push("--no-expose");
    let output = run(&env, &args, None);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--hostname"), "{stderr}");
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "unreachable")
            .is_none()
    );
    assert!(gitlab.seen().is_empty());
    // With an address, the token from the file registers the hook.
    args.pop();
    let output = run(&env, &args, None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_no_secret(&output, &[&token_of(&env, "unreachable")]);
    assert_eq!(gitlab.hooks("projects/acme/app").len(), 1);
    // An unreadable file: exit 2, naming the flag.
    let missing = dir.path().join("nope").to_string_lossy().into_owned();
    let args = setup_args(
        "unreachable",
        &["--gitlab-project", "acme/app", "--gitlab-token-file", &missing],
        &gitlab.url,
    );
    let output = run(&env, &args, Some(TOKEN));
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("for '--gitlab-token-file <FILE>'"));
}

#[test]
fn a_hooks_events_are_listed_by_status_and_resent() {
    use flux_receiver::provider::gitlab::Client;
    use receiver::gitlab::HookScope;

    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let hook = gitlab.add_hook("projects/acme/app", "https://flux.example.com/hook/x");
    let ok = gitlab.add_event(hook, "200");
    let lost = gitlab.add_event(hook, "404");
    let client = Client::new(&gitlab.url, TOKEN, HookScope::parse_project("acme/app").unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let all = runtime.block_on(client.events(hook, None)).unwrap();
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [ok, lost]);
    assert_eq!(all[1].status(), "404");
    assert_eq!(all[1].trigger.as_deref(), Some("push_hooks"));
    let failed = runtime.block_on(client.events(hook, Some("client_failure"))).unwrap();
    assert_eq!(failed.iter().map(|e| e.id).collect::<Vec<_>>(), [lost]);
    assert!(gitlab.seen().iter().any(|s| s.target.ends_with(&format!(
        "/hooks/{hook}/events?page=1&per_page=100&status=client_failure"
    ))));
    assert_eq!(runtime.block_on(client.resend(hook, lost)).unwrap(), "200");
    assert_eq!(gitlab.resent(), [(hook, lost)]);
    let err = runtime.block_on(client.resend(hook, 999)).unwrap_err();
    assert!(err.contains("GitLab answered 404"), "{err}");
    let hooks = runtime.block_on(client.list()).unwrap();
    assert_eq!(hooks[0].alert_status.as_deref(), Some("executable"));
}

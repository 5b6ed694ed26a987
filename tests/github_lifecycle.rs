//! The GitHub webhook after `setup`: `rotate --github-repo` repoints it
//! and redelivers what failed in the window, `doctor --github-repo` reads
//! and explains its deliveries, `list`/`get --github-repo` say whether it
//! delivers to the current URL. The cluster is the emulator, whose webhook
//! server checks signatures as the controller does; GitHub is the stateful
//! fake behind prism (tests/common/github.rs), which delivers for real.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kube_emulator::Options;
use serde_json::json;

use common::EmulatedCluster as Env;
use common::github::{FakeGithub, Planted, TOKEN};

const REPO: &str = "/repos/acme/app";

fn start(options: Options) -> Env {
    let env = Env::start(options);
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    env
}

fn command(env: &Env, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flux-receiver"));
    command
        .env("KUBECONFIG", &env.kubeconfig)
        .env("GITHUB_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .args(args)
        .stdin(Stdio::null());
    command
}

fn run(env: &Env, args: &[&str]) -> Output {
    command(env, args).output().expect("flux-receiver runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn token_of(env: &Env, name: &str) -> String {
    use base64::Engine;
    let secret = env
        .emulator
        .get_object("v1", "secrets", Some("flux-system"), name)
        .unwrap();
    let data = secret["data"]["token"].as_str().unwrap();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap()
}

/// `setup NAME --github-repo acme/app` with the emulator's webhook server
/// as the host, so that the fake's deliveries reach it; the hook's id and
/// URL.
fn set_up(env: &Env, github: &FakeGithub, name: &str) -> (u64, String) {
    let hostname = env.emulator.webhook_url();
    let output = run(
        env,
        &[
            "setup",
            name,
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--event",
            "push,ping",
            "--hostname",
            &hostname,
            "--yes",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let hook = github
        .hooks(REPO)
        .into_iter()
        .find(|h| h.config["secret"] == json!(token_of(env, name)))
        .expect("setup registered the hook");
    (hook.id, hook.config["url"].as_str().unwrap().to_string())
}

fn push() -> serde_json::Value {
    json!({"ref": "refs/heads/main", "before": "0".repeat(40), "after": "1".repeat(40)})
}

#[test]
fn rotate_repoints_the_hook_in_one_request_and_redelivers_the_pushes_lost_in_the_window() {
    let Some(github) = FakeGithub::start() else { return };
    // A controller slow to pick up the new token opens the window a real
    // rotation has: the Secret holds the new token, the provider the old.
    let env = start(Options {
        controller_delay: Duration::from_millis(1500),
        ..Options::default()
    });
    let (id, old_url) = set_up(&env, &github, "app");
    assert_eq!(
        github.deliver(REPO, id, "push", &push()),
        200,
        "the registered hook works"
    );
    // Long before the rotation: not the rotation's to redeliver.
    github.record_delivery(REPO, id, Planted::new("push", 404, "2026-01-01T00:00:00Z"));
    let old_token = token_of(&env, "app");

    let child = command(
        &env,
        &[
            "rotate",
            "app",
            "--yes",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // A push in the window: the Secret already holds the new token.
    let deadline = Instant::now() + Duration::from_secs(20);
    while token_of(&env, "app") == old_token {
        assert!(Instant::now() < deadline, "rotate never wrote the token");
        std::thread::sleep(Duration::from_millis(20));
    }
    let lost = github.deliver(REPO, id, "push", &push());
    assert!(lost == 400 || lost == 404, "a push in the window fails: {lost}");
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");

    let new_token = token_of(&env, "app");
    let hooks = github.hooks(REPO);
    assert_eq!(hooks.len(), 1, "repointed, not added: {hooks:?}");
    let new_url = hooks[0].config["url"].as_str().unwrap().to_string();
    assert_ne!(new_url, old_url);
    assert!(new_url.ends_with(&receiver::webhook_path(&new_token, "app", "flux-system")));
    assert_eq!(hooks[0].config["secret"], json!(new_token));
    let patches: Vec<_> = github.seen().into_iter().filter(|s| s.method == "PATCH").collect();
    // setup's create was a POST: the rotation's one request is the only PATCH.
    assert_eq!(patches.len(), 1, "{patches:?}");
    assert!(
        stdout.contains(&format!(
            "✔ GitHub webhook repointed: {}{REPO}/hooks (id {id})",
            github.api_url
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("✔ redelivered 1 deliveries that failed during the rotation: push\n"),
        "{stdout}"
    );
    assert!(stdout.contains("accepted by the Receiver: 1 of 1\n"), "{stdout}");
    assert!(!stderr.contains("update the provider's webhook now"), "{stderr}");

    // The redelivery went to the new URL, signed with the new token, and
    // the Receiver took it.
    let deliveries = github.deliveries(REPO, id);
    let redelivered: Vec<_> = deliveries.iter().filter(|d| d.redelivery).collect();
    assert_eq!(redelivered.len(), 1, "{deliveries:#?}");
    assert_eq!(redelivered[0].url, new_url);
    assert_eq!(redelivered[0].status_code, 200);
    let original = deliveries
        .iter()
        .find(|d| !d.redelivery && d.guid == redelivered[0].guid)
        .unwrap();
    assert_eq!(original.url, old_url, "the lost push went to the old URL");
    for secret in [&old_token, &new_token, &TOKEN.to_string()] {
        assert!(!stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()));
    }
    github.assert_no_violations();
}

#[test]
fn rotate_refuses_before_changing_anything_when_no_hook_delivers_to_the_receiver() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start(Options::default());
    let (id, _) = set_up(&env, &github, "app");
    // Someone pointed the hook elsewhere by hand.
    let output = github.call(
        "PATCH",
        &format!("{REPO}/hooks/{id}"),
        Some(&json!({"config": {"url": "https://elsewhere.example.com/hook/x", "content_type": "json"}})),
    );
    assert_eq!(output.status, 200, "{}", text(&output.body));
    let token = token_of(&env, "app");
    let output = run(
        &env,
        &[
            "rotate",
            "app",
            "--yes",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no GitHub webhook of repository acme/app delivers to")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert_eq!(token_of(&env, "app"), token, "the token was kept");

    // Not a github Receiver: a usage error naming the type.
    assert!(
        run(
            &env,
            &[
                "create",
                "lab",
                "--type",
                "gitlab",
                "--resource",
                "GitRepository/app",
                "--secret-ref",
                "app"
            ]
        )
        .status
        .success()
    );
    let output = run(&env, &["rotate", "lab", "--yes", "--github-repo", "acme/app"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("of type gitlab"),
        "{}",
        text(&output.stderr)
    );
    // Nor is deleting it with a GitHub flag: refused, and nothing deleted.
    let output = run(
        &env,
        &[
            "delete",
            "lab",
            "--silent",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("nothing was deleted"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "lab"
            )
            .is_some()
    );

    // A dry run shows the PATCH it would send, secret hidden, and sends nothing.
    let before = github.seen().len();
    let output = command(
        &env,
        &[
            "rotate",
            "app",
            "--dry-run",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    )
    .env_remove("GITHUB_TOKEN")
    .output()
    .unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains(&format!("PATCH {}{REPO}/hooks/<id>", github.api_url)),
        "{stdout}"
    );
    assert!(stdout.contains("\"secret\": \"[redacted]\""), "{stdout}");
    assert_eq!(github.seen().len(), before, "a dry run sends nothing");
}

#[test]
fn doctor_reads_the_deliveries_and_explains_each_failing_code() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start(Options::default());
    let (id, url) = set_up(&env, &github, "app");
    assert_eq!(github.deliver(REPO, id, "push", &push()), 200);
    let doctor = |env: &Env| {
        run(
            env,
            &[
                "doctor",
                "app",
                "--github-repo",
                "acme/app",
                "--github-api-url",
                &github.api_url,
            ],
        )
    };
    let output = doctor(&env);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{:?} {stdout}{}",
        output.status,
        text(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "✔   GitHub webhook {id} of repository acme/app delivers to the current URL"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("its last 1 deliveries: 1 accepted"), "{stdout}");

    // A wrong secret (edited by hand at GitHub): the controller answers 400.
    github.set_secret(REPO, id, Some("not-the-token"));
    assert_eq!(github.deliver(REPO, id, "push", &push()), 400);
    // An ingress answering for a controller that is down.
    github.record_delivery(REPO, id, Planted::new("push", 502, "2026-01-01T00:00:00Z"));
    let output = doctor(&env);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("✗   its last 3 deliveries: 1 accepted; the newest (push at"),
        "{stdout}"
    );
    assert!(stdout.contains("answered 400"), "{stdout}");
    assert!(
        stdout.contains("✗   1 of them answered 400: the controller refused it: the signature"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: flux-receiver setup app -n flux-system --github-repo acme/app sets the webhook's secret"),
        "{stdout}"
    );
    assert!(
        stdout.contains("⚠   1 of them answered 502: the ingress or load balancer"),
        "{stdout}"
    );

    // What GitHub says is shown escaped: an event name with an escape
    // sequence cannot act on the terminal.
    github.record_delivery(REPO, id, Planted::new("push\u{1b}[2J", 404, "2030-01-01T00:00:00Z"));
    let stdout = text(&doctor(&env).stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(stdout.contains("push\\u{1b}[2J"), "{stdout}");

    // The hook moved away: doctor says none delivers to the URL.
    let moved = github.call(
        "PATCH",
        &format!("{REPO}/hooks/{id}"),
        Some(&json!({"config": {"url": format!("{url}-old"), "content_type": "json"}})),
    );
    assert_eq!(moved.status, 200);
    let stdout = text(&doctor(&env).stdout);
    assert!(
        stdout.contains(&format!(
            "✗   no GitHub webhook of repository acme/app delivers to {url};"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{id} → {url}-old")), "{stdout}");
    github.assert_no_violations();
}

#[test]
fn list_and_get_say_whether_a_hook_delivers_to_the_current_url() {
    let Some(github) = FakeGithub::start() else { return };
    let env = start(Options::default());
    let (id, url) = set_up(&env, &github, "app");
    // A github Receiver without a hook, and one of another type.
    let hostname = env.emulator.webhook_url();
    for (name, type_) in [("bare", "github"), ("lab", "gitlab")] {
        let output = run(
            &env,
            &[
                "setup",
                name,
                "--type",
                type_,
                "--resource",
                "GitRepository/app",
                "--hostname",
                &hostname,
                "--yes",
            ],
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let args = ["list", "--github-repo", "acme/app", "--github-api-url", &github.api_url];
    let output = run(&env, &args);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let row = |name: &str| {
        stdout
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row {name} in {stdout}"))
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert!(stdout.lines().next().unwrap().ends_with("GITHUB HOOK"), "{stdout}");
    assert_eq!(row("app"), id.to_string());
    assert_eq!(row("bare"), "none");
    assert_eq!(row("lab"), "-");
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&run(&env, &json_args).stdout).unwrap();
    let app = rows.as_array().unwrap().iter().find(|r| r["name"] == "app").unwrap();
    assert_eq!(app["githubHook"], json!({"scope": "repository acme/app", "id": id}));
    // One listing of the hooks for the whole table.
    let lists = github
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.target.starts_with(&format!("{REPO}/hooks?")))
        .count();
    assert_eq!(
        lists,
        1 + 2,
        "setup's own listing, then one per list run: {:?}",
        github.seen()
    );

    let output = run(
        &env,
        &[
            "get",
            "app",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "GitHub webhook: ✔ hook {id} of repository acme/app delivers to this URL"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&url), "{stdout}");
    let output = run(
        &env,
        &[
            "get",
            "bare",
            "--github-repo",
            "acme/app",
            "--github-api-url",
            &github.api_url,
        ],
    );
    assert!(
        text(&output.stdout).contains("GitHub webhook: ✗ no hook of repository acme/app delivers to this URL"),
        "{}",
        text(&output.stdout)
    );
    github.assert_no_violations();
}

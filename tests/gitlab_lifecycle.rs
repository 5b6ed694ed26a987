//! The GitLab webhook after `setup`: `doctor --gitlab-project` reads the
//! hook's alert status and recent events and explains their status codes,
//! `list`/`get --gitlab-project` say whether a hook delivers to the
//! Receiver's current URL. The cluster is the emulator; GitLab is the
//! stateful fake of tests/common/gitlab.rs, with planted events.

mod common;

use std::process::Output;

use kube_emulator::Options;
use serde_json::json;

use common::EmulatedCluster as Env;
use common::gitlab::{FakeGitlab, TOKEN};

const SCOPE: &str = "projects/acme/app";

fn start() -> Env {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    env
}

/// Runs flux-receiver against the emulator, with `GITLAB_TOKEN` when given.
fn run(env: &Env, args: &[&str], token: Option<&str>) -> Output {
    let mut command = common::flux_receiver();
    command
        .env("KUBECONFIG", &env.kubeconfig)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .args(args)
        .write_stdin("");
    if let Some(token) = token {
        command.env("GITLAB_TOKEN", token);
    }
    command.output().expect("flux-receiver runs")
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

/// Neither the API token nor `secrets` is in the output.
fn assert_no_secret(output: &Output, secrets: &[&str]) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    for secret in secrets.iter().chain([&TOKEN]) {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret was printed:\n{stdout}\n{stderr}"
        );
    }
}

/// `setup NAME --type TYPE` accepting Push Hook only, with `scope` flags
/// (a GitLab hook when given); succeeds.
fn set_up(env: &Env, gitlab: &FakeGitlab, name: &str, type_: &str, scope: &[&str]) {
    let hostname = env.emulator.webhook_url();
    let mut args = vec![
        "setup",
        name,
        "--type",
        type_,
        "--resource",
        "GitRepository/app",
        "--hostname",
        &hostname,
        "--yes",
    ];
    if type_ == "gitlab" {
        args.extend(["--event", "Push Hook"]);
    }
    args.extend_from_slice(scope);
    if !scope.is_empty() {
        args.extend(["--gitlab-url", &gitlab.url]);
    }
    let output = run(env, &args, Some(TOKEN));
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// The hook of the project, set up for `app`: its id and URL.
fn the_hook(gitlab: &FakeGitlab) -> (u64, String) {
    let hooks = gitlab.hooks(SCOPE);
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    (hooks[0].id, hooks[0].url.clone())
}

fn doctor(env: &Env, gitlab: &FakeGitlab) -> Output {
    run(
        env,
        &[
            "doctor",
            "app",
            "--gitlab-project",
            "acme/app",
            "--gitlab-url",
            &gitlab.url,
        ],
        Some(TOKEN),
    )
}

#[test]
fn doctor_reads_the_events_and_explains_each_failing_code_and_a_disabled_hook() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    set_up(&env, &gitlab, "app", "gitlab", &["--gitlab-project", "acme/app"]);
    let (id, _) = the_hook(&gitlab);
    let secret = token_of(&env, "app");
    gitlab.add_event(id, "200");

    let output = doctor(&env, &gitlab);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{:?} {stdout}{}",
        output.status,
        text(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "✔   GitLab webhook {id} of project acme/app delivers to the current URL"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("✔   its last 1 deliveries: 1 accepted; the newest (Push Hook at"),
        "{stdout}"
    );
    assert!(
        gitlab
            .seen()
            .iter()
            .any(|s| s.target == format!("/api/v4/projects/acme%2Fapp/hooks/{id}/events?per_page=20")),
        "{:?}",
        gitlab.seen()
    );
    assert_no_secret(&output, &[&secret]);

    // A controller that was down (an ingress's 503), then a stale path.
    gitlab.add_event(id, "503");
    gitlab.add_event(id, "404");
    let output = doctor(&env, &gitlab);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("✗   its last 3 deliveries: 1 accepted; the newest (Push Hook at"),
        "{stdout}"
    );
    assert!(stdout.contains("was answered 404"), "{stdout}");
    assert!(
        stdout.contains("✗   1 of them answered 404: no Receiver serves that path"),
        "{stdout}"
    );
    assert!(stdout.contains("⚠   1 of them answered 503:"), "{stdout}");
    assert_no_secret(&output, &[&secret]);

    // A tag push, which the Receiver does not accept (400), and a delivery
    // GitLab got no answer to.
    gitlab.add_event(id, "internal error");
    gitlab.add_triggered_event(id, "400", "tag_push_hooks");
    let stdout = text(&doctor(&env, &gitlab).stdout);
    assert!(
        stdout.contains(
            "✗   1 of them answered 400: the controller refused event 'Tag Push Hook' (X-Gitlab-Event): it is not \
             in the Receiver's spec.events"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("--event 'Tag Push Hook'"), "{stdout}");
    assert!(
        stdout.contains("⚠   1 of them answered nothing (internal error):"),
        "{stdout}"
    );
    // A push refused 400: the token does not match.
    gitlab.add_event(id, "400");
    let stdout = text(&doctor(&env, &gitlab).stdout);
    assert!(
        stdout.contains("answered 400: the controller refused it: the webhook's X-Gitlab-Token does not match"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: flux-receiver setup app -n flux-system --gitlab-project acme/app sets the webhook's"),
        "{stdout}"
    );

    // GitLab turned the failing hook off.
    gitlab.set_alert(id, "temporarily_disabled", Some("2026-12-02T18:00:00.000Z"));
    let output = doctor(&env, &gitlab);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "✗   GitLab webhook {id} is temporarily disabled after failing deliveries until \
             2026-12-02T18:00:00.000Z"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("re-enable it in the project's Webhooks settings"),
        "{stdout}"
    );
    gitlab.set_alert(id, "disabled", None);
    let stdout = text(&doctor(&env, &gitlab).stdout);
    assert!(
        stdout.contains(&format!("✗   GitLab webhook {id} is disabled after failing deliveries")),
        "{stdout}"
    );
    assert_no_secret(&output, &[&secret]);
}

#[test]
fn doctor_warns_on_an_old_gitlab_and_names_a_stale_hook_and_off_flags() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    set_up(&env, &gitlab, "app", "gitlab", &["--gitlab-project", "acme/app"]);
    let (id, url) = the_hook(&gitlab);
    let secret = token_of(&env, "app");

    // No token: a usage error before anything is asked.
    let before = gitlab.seen().len();
    let output = run(
        &env,
        &[
            "doctor",
            "app",
            "--gitlab-project",
            "acme/app",
            "--gitlab-url",
            &gitlab.url,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("GITLAB_TOKEN"),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    assert_eq!(gitlab.seen().len(), before);

    gitlab.without_events_api();
    let output = doctor(&env, &gitlab);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "an old GitLab is no failure: {stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains("⚠   GitLab older than 17.3 keeps no delivery log readable by the API"),
        "{stdout}"
    );

    // Pushes turned off by hand.
    let path = format!("/api/v4/projects/acme%2Fapp/hooks/{id}");
    let body = json!({"url": url, "token": secret, "push_events": false}).to_string();
    let (status, _) = gitlab.call(
        "PUT",
        &path,
        &[("PRIVATE-TOKEN", TOKEN), ("Content-Type", "application/json")],
        Some(&body),
    );
    assert_eq!(status, 200);
    let stdout = text(&doctor(&env, &gitlab).stdout);
    assert!(
        stdout.contains(&format!(
            "⚠   GitLab webhook {id} does not send Push Hook (its flags push_events are off)"
        )),
        "{stdout}"
    );

    // The hook moved to an old path: none delivers to the URL.
    let stale = gitlab.add_hook(SCOPE, &format!("{url}-old"));
    let (status, _) = gitlab.call("DELETE", &path, &[("PRIVATE-TOKEN", TOKEN)], None);
    assert_eq!(status, 204);
    let output = doctor(&env, &gitlab);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "✗   no GitLab webhook of project acme/app delivers to {url}; 1 deliver to other /hook/ paths"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{stale} → {url}-old")), "{stdout}");
    assert!(
        stdout.contains("fix: flux-receiver setup app -n flux-system --gitlab-project acme/app registers it"),
        "{stdout}"
    );
    assert_no_secret(&output, &[&secret]);
}

#[test]
fn list_and_get_say_whether_a_gitlab_hook_delivers_to_the_current_url() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    set_up(&env, &gitlab, "app", "gitlab", &["--gitlab-project", "acme/app"]);
    let (id, url) = the_hook(&gitlab);
    let secret = token_of(&env, "app");
    // A gitlab Receiver without a hook, and one of another type.
    set_up(&env, &gitlab, "bare", "gitlab", &[]);
    set_up(&env, &gitlab, "hub", "github", &[]);

    let args = ["list", "--gitlab-project", "acme/app", "--gitlab-url", &gitlab.url];
    let lists = || {
        gitlab
            .seen()
            .iter()
            .filter(|s| s.method == "GET" && s.target.starts_with("/api/v4/projects/acme%2Fapp/hooks?"))
            .count()
    };
    let before = lists();
    let output = run(&env, &args, Some(TOKEN));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_no_secret(&output, &[&secret]);
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
    assert!(stdout.lines().next().unwrap().ends_with("GITLAB HOOK"), "{stdout}");
    assert_eq!(row("app"), id.to_string());
    assert_eq!(row("bare"), "none");
    assert_eq!(row("hub"), "-");
    assert_eq!(lists() - before, 1, "one listing for the table: {:?}", gitlab.seen());

    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&run(&env, &json_args, Some(TOKEN)).stdout).unwrap();
    let by_name = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_name("app")["gitlabHook"],
        json!({"scope": "project acme/app", "id": id})
    );
    assert_eq!(
        by_name("bare")["gitlabHook"],
        json!({"scope": "project acme/app", "id": null})
    );
    assert!(by_name("hub").get("gitlabHook").is_none());
    assert!(by_name("app").get("githubHook").is_none());
    let mut yaml_args = args.to_vec();
    yaml_args.extend(["-o", "yaml"]);
    let yaml = text(&run(&env, &yaml_args, Some(TOKEN)).stdout);
    assert!(yaml.contains("gitlabHook:"), "{yaml}");

    let get = |name: &str| {
        run(
            &env,
            &["get", name, "--gitlab-project", "acme/app", "--gitlab-url", &gitlab.url],
            Some(TOKEN),
        )
    };
    let output = get("app");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "GitLab webhook: ✔ hook {id} of project acme/app delivers to this URL"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&url), "{stdout}");
    assert_no_secret(&output, &[&secret]);
    let stdout = text(&get("bare").stdout);
    assert!(
        stdout.contains("GitLab webhook: ✗ no hook of project acme/app delivers to this URL"),
        "{stdout}"
    );

    // Without a token: a usage error, nothing listed.
    let output = run(&env, &args, None);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
}

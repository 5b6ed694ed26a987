//! `rotate --gitlab-project`: the GitLab hook found by the Receiver's URL
//! before anything changes, then moved to the new URL and token in one PUT
//! once the controller serves the new path, then the events that failed
//! meanwhile resent. The cluster is the emulator,
//! GitLab the fake that checks the documented hooks API
//! (tests/common/gitlab.rs).

mod common;

use std::process::Output;

use kube_emulator::Options;
use serde_json::json;

use common::EmulatedCluster as Env;
use common::gitlab::{FakeGitlab, TOKEN};

fn start() -> Env {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    env
}

fn run(env: &Env, args: &[&str]) -> Output {
    common::flux_receiver()
        .env("KUBECONFIG", &env.kubeconfig)
        .env("GITLAB_TOKEN", TOKEN)
        .args(args)
        .write_stdin("")
        .output()
        .expect("flux-receiver runs")
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

#[test]
fn rotate_moves_the_gitlab_hook_to_the_new_url_and_token_in_one_put() {
    let gitlab = FakeGitlab::start();
    gitlab.add_project("acme/app");
    let env = start();
    let scope = ["--gitlab-project", "acme/app", "--gitlab-url", gitlab.url.as_str()];
    let mut setup = vec![
        "setup",
        "app",
        "--type",
        "gitlab",
        "--resource",
        "GitRepository/app",
        "--yes",
    ];
    setup.extend(scope);
    let output = run(&env, &setup);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let before = gitlab.hooks("projects/acme/app");
    assert_eq!(before.len(), 1, "{before:?}");
    let old_token = token_of(&env, "app");
    assert_eq!(before[0].token.as_deref(), Some(old_token.as_str()));

    // A dry run prints the PUT, token hidden, and sends nothing.
    let seen = gitlab.seen().len();
    let mut dry = vec!["rotate", "app", "--dry-run"];
    dry.extend(scope);
    let output = common::flux_receiver()
        .env("KUBECONFIG", &env.kubeconfig)
        .env_remove("GITLAB_TOKEN")
        .args(&dry)
        .write_stdin("")
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("PUT ") && stdout.contains("\"token\": \"[redacted]\""),
        "{stdout}"
    );
    assert_eq!(gitlab.seen().len(), seen, "a dry run sends nothing");
    assert_eq!(token_of(&env, "app"), old_token);

    // A push refused as the rotation began is resent; an old failure and a
    // success are not.
    let hook = before[0].id;
    gitlab.add_event_at(hook, "404", "push_hooks", "2026-01-01T00:00:00.000Z");
    let lost = gitlab.add_event(hook, "404");
    gitlab.add_event(hook, "200");
    let mut rotate = vec!["rotate", "app", "--yes"];
    rotate.extend(scope);
    let output = run(&env, &rotate);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    let new_token = token_of(&env, "app");
    assert_ne!(new_token, old_token);
    let after = gitlab.hooks("projects/acme/app");
    assert_eq!(after.len(), 1, "moved, not added: {after:?}");
    assert_eq!(after[0].id, before[0].id);
    assert_ne!(after[0].url, before[0].url);
    assert!(
        after[0]
            .url
            .ends_with(&receiver::webhook_path(&new_token, "app", "flux-system"))
    );
    assert_eq!(after[0].token.as_deref(), Some(new_token.as_str()));
    let puts: Vec<_> = gitlab.seen().into_iter().filter(|s| s.method == "PUT").collect();
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(
        stdout.contains("✔ GitLab webhook moved to the new URL and token"),
        "{stdout}"
    );
    assert!(!stderr.contains("update the provider's webhook now"), "{stderr}");
    assert_eq!(gitlab.resent(), [(hook, lost)]);
    assert!(
        stdout.contains("✔ resent 1 deliveries that failed during the rotation\n  accepted by the Receiver: 1 of 1\n"),
        "{stdout}"
    );
    for secret in [old_token.as_str(), new_token.as_str(), TOKEN] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }

    // No hook at the Receiver's URL any more: refused before the token changes.
    let (status, _) = gitlab.call(
        "PUT",
        &format!("/api/v4/projects/acme%2Fapp/hooks/{}", after[0].id),
        &[("PRIVATE-TOKEN", TOKEN), ("Content-Type", "application/json")],
        Some(r#"{"url": "https://elsewhere.example.com/hook/x"}"#),
    );
    assert_eq!(status, 200);
    let output = run(&env, &rotate);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("no GitLab webhook of") && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(token_of(&env, "app"), new_token, "the token was kept");
}

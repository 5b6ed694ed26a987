//! What the real notification-controller (v1.9.3) needs, end to end against
//! the emulator, which behaves the same way: token Secrets carry the watch
//! label and a token change requests a reconcile of every Receiver using
//! it; kinds without a default apiVersion get one in the cluster; `Kind/*`
//! goes with matchLabels; `trigger` explains the controller's answers.

mod common;

use std::process::Output;

use kube_emulator::Options;
use serde_json::{Value, json};

use common::EmulatedCluster as Env;

const RECEIVERS: &str = "notification.toolkit.fluxcd.io/v1";
const WATCH_LABEL: &str = "reconcile.fluxcd.io/watch";
const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        text(&output.stderr),
        text(&output.stdout)
    );
}

impl Env {
    fn receiver(&self, name: &str) -> Value {
        self.emulator
            .get_object(RECEIVERS, "receivers", Some("flux-system"), name)
            .unwrap()
    }

    fn secret(&self, name: &str) -> Value {
        self.emulator
            .get_object("v1", "secrets", Some("flux-system"), name)
            .unwrap()
    }

    fn git_repository(&self, name: &str, labels: Value) {
        self.emulator.put_object(
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                        "metadata": {"name": name, "namespace": "flux-system", "labels": labels},
                                        "spec": {"url": "https://example.com/x.git"}}),
        );
    }

    fn requested(&self, api_version: &str, plural: &str, name: &str) -> bool {
        let object = self
            .emulator
            .get_object(api_version, plural, Some("flux-system"), name)
            .unwrap();
        object["metadata"]["annotations"][REQUESTED_AT].is_string()
    }

    /// A generic Receiver over `resources` using Secret `token`.
    fn generic_receiver(&self, name: &str, resources: &[&str]) -> Output {
        let mut args = vec![
            "create",
            name,
            "--type",
            "generic",
            "--secret-ref",
            "token",
            "--timeout=20s",
        ];
        for resource in resources {
            args.extend(["--resource", resource]);
        }
        self.run(&args)
    }
}

#[test]
fn secret_labels_the_token_secret_in_the_cluster_only() {
    let env = Env::start(Options::default());
    let output = env.run(&["secret", "token", "--type", "github"]);
    assert_success(&output);
    assert_eq!(env.secret("token")["metadata"]["labels"][WATCH_LABEL], "Enabled");

    let export = env.run(&["secret", "token", "--type", "github", "--token", "t", "--export"]);
    assert_success(&export);
    assert!(
        !text(&export.stdout).contains(WATCH_LABEL),
        "--export stays what flux prints"
    );
}

#[test]
fn rotate_labels_the_secret_and_moves_every_receiver_using_it() {
    let env = Env::start(Options::default());
    // A Secret written by hand, without the label the controller watches by.
    env.emulator.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "token", "namespace": "flux-system"},
                                   "stringData": {"token": "old-token"}}));
    env.git_repository("app", json!({}));
    assert_success(&env.generic_receiver("first", &["GitRepository/app"]));
    assert_success(&env.generic_receiver("second", &["GitRepository/app"]));

    let output = env.run_with_stdin(&["rotate", "first", "--yes", "--token-stdin"], "new-token\n");
    assert_success(&output);
    assert_eq!(env.secret("token")["metadata"]["labels"][WATCH_LABEL], "Enabled");
    for name in ["first", "second"] {
        let receiver = env.receiver(name);
        let requested = receiver["metadata"]["annotations"][REQUESTED_AT].clone();
        assert!(requested.is_string(), "{name} was asked to reconcile: {receiver}");
        // rotate waits for the new path, which the label-triggered reconcile
        // may serve before the controller gets to the request: the request
        // is handled soon after, not necessarily before rotate returns.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let receiver = loop {
            let receiver = env.receiver(name);
            if receiver["status"]["lastHandledReconcileAt"] == requested || std::time::Instant::now() > deadline {
                break receiver;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(receiver["status"]["lastHandledReconcileAt"], requested);
        assert_eq!(
            receiver["status"]["webhookPath"],
            receiver::webhook_path("new-token", name, "flux-system").as_str()
        );
    }
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "also moved: Receiver flux-system/second now serves {}",
            receiver::webhook_path("new-token", "second", "flux-system")
        )),
        "{stdout}"
    );
}

#[test]
fn a_forced_token_change_requests_a_reconcile_of_the_receivers_using_it() {
    let env = Env::start(Options::default());
    env.git_repository("app", json!({}));
    assert_success(&env.run_with_stdin(&["secret", "token", "--type", "generic", "--token-stdin"], "old\n"));
    assert_success(&env.generic_receiver("hook", &["GitRepository/app"]));
    assert!(env.receiver("hook")["metadata"]["annotations"][REQUESTED_AT].is_null());

    let output = env.run_with_stdin(
        &["secret", "token", "--type", "generic", "--token-stdin", "--force"],
        "new\n",
    );
    assert_success(&output);
    let path = receiver::webhook_path("new", "hook", "flux-system");
    let receiver = env.receiver("hook");
    assert!(receiver["metadata"]["annotations"][REQUESTED_AT].is_string());
    assert_eq!(receiver["status"]["webhookPath"], path.as_str());
    assert!(
        text(&output.stdout).contains(&format!("Receiver flux-system/hook now serves {path}")),
        "{}",
        text(&output.stdout)
    );

    // The same token again changes nothing and asks nothing.
    let before = env.receiver("hook")["metadata"]["annotations"][REQUESTED_AT].clone();
    let output = env.run_with_stdin(&["secret", "token", "--type", "generic", "--token-stdin"], "new\n");
    assert_success(&output);
    assert_eq!(env.receiver("hook")["metadata"]["annotations"][REQUESTED_AT], before);
}

#[test]
fn create_writes_the_api_version_the_controller_cannot_default() {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "token", "namespace": "flux-system"},
                                   "stringData": {"token": "t"}}));
    env.git_repository("app", json!({}));
    env.emulator.put_object(
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"path": "./"}}),
    );
    let output = env.generic_receiver("hook", &["GitRepository/app", "Kustomization/app"]);
    assert_success(&output);
    assert!(!text(&output.stderr).contains("warning"), "{}", text(&output.stderr));
    let resources = env.receiver("hook")["spec"]["resources"].clone();
    assert_eq!(
        resources,
        json!([{"kind": "GitRepository", "name": "app"},
               {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "name": "app"}])
    );
    let webhooks = env.emulator.webhook_url();
    let output = env.run(&["trigger", "hook", "--hostname", &webhooks, "--retries", "0"]);
    assert_success(&output);
    assert!(env.requested("kustomize.toolkit.fluxcd.io/v1", "kustomizations", "app"));

    // A Receiver written without it (as `--export` or flux writes it) is
    // Ready but every webhook fails; trigger says why.
    env.emulator
        .put_object(json!({"apiVersion": RECEIVERS, "kind": "Receiver",
                                   "metadata": {"name": "bare", "namespace": "flux-system"},
                                   "spec": {"type": "generic", "secretRef": {"name": "token"},
                                            "resources": [{"kind": "Kustomization", "name": "app"}]}}));
    assert_success(&env.run(&["reconcile", "bare", "--timeout=20s"]));
    let output = env.run(&["trigger", "bare", "--hostname", &webhooks, "--retries", "0"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("500") && stderr.contains("needs an apiVersion the Receiver does not give"),
        "{stderr}"
    );
}

#[test]
fn wildcards_with_match_labels_trigger_the_labelled_objects() {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "token", "namespace": "flux-system"},
                                   "stringData": {"token": "t"}}));
    env.git_repository("team-a", json!({"team": "a"}));
    env.git_repository("team-b", json!({"team": "b"}));
    let output = env.run(&[
        "create",
        "hook",
        "--type",
        "generic",
        "--secret-ref",
        "token",
        "--timeout=20s",
        "--resource",
        "GitRepository/*",
        "--match-label",
        "team=a",
    ]);
    assert_success(&output);
    assert_eq!(
        env.receiver("hook")["spec"]["resources"],
        json!([{"kind": "GitRepository", "name": "*", "matchLabels": {"team": "a"}}])
    );
    let webhooks = env.emulator.webhook_url();
    assert_success(&env.run(&["trigger", "hook", "--hostname", &webhooks, "--retries", "0"]));
    assert!(env.requested("source.toolkit.fluxcd.io/v1", "gitrepositories", "team-a"));
    assert!(!env.requested("source.toolkit.fluxcd.io/v1", "gitrepositories", "team-b"));

    // Without labels it is accepted, with a warning, and the webhook fails.
    let output = env.generic_receiver("bare", &["GitRepository/*"]);
    assert_success(&output);
    assert!(
        text(&output.stderr).contains("has no matchLabels"),
        "{}",
        text(&output.stderr)
    );
    let output = env.run(&["trigger", "bare", "--hostname", &webhooks, "--retries", "0"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
}

#[test]
fn trigger_explains_a_path_no_receiver_serves() {
    let env = Env::start(Options::default());
    let url = format!("{}/hook/0000", env.emulator.webhook_url());
    let output = env.run(&[
        "trigger",
        "x",
        "--type",
        "generic",
        "--token",
        "t",
        "--url",
        &url,
        "--retries",
        "0",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("404") && stderr.contains("no Receiver has this path"),
        "{stderr}"
    );
}

#[test]
fn doctor_flags_resources_the_controller_cannot_resolve_and_explains_a_failed_send() {
    let env = Env::start(Options::default());
    env.emulator.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "token", "namespace": "flux-system"},
                                   "stringData": {"token": "t"}}));
    env.emulator.put_object(
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"path": "./"}}),
    );
    env.emulator
        .put_object(json!({"apiVersion": RECEIVERS, "kind": "Receiver",
                                   "metadata": {"name": "bare", "namespace": "flux-system"},
                                   "spec": {"type": "generic", "secretRef": {"name": "token"},
                                            "resources": [{"kind": "Kustomization", "name": "app"},
                                                          {"kind": "GitRepository", "name": "*"}]}}));
    assert_success(&env.run(&["reconcile", "bare", "--timeout=20s"]));
    let webhooks = env.emulator.webhook_url();
    let output = env.run(&["doctor", "bare", "--send", "--hostname", &webhooks]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("resource Kustomization/app in 'flux-system' has no apiVersion")
            && stdout.contains("add `apiVersion: kustomize.toolkit.fluxcd.io/v1` to the resource"),
        "{stdout}"
    );
    assert!(
        stdout.contains("resource GitRepository/* in 'flux-system' has no matchLabels"),
        "{stdout}"
    );
    assert!(
        stdout.contains("500") && stdout.contains("a target could not be annotated"),
        "{stdout}"
    );
}

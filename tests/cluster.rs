//! End-to-end: the real binary against the Kubernetes API emulator, with its
//! emulated notification-controller. kubectl, where installed, double-checks
//! what was written as an independent client.

mod common;

use std::process::Output;
use std::time::Duration;

use kube_emulator::{Fault, Options};
use serde_json::{Value, json};

use common::EmulatedCluster as Env;

/// Helpers this file's tests share.
impl Env {
    fn with_flux() -> Env {
        Env::start(Options::default())
    }

    fn token_secret(&self, namespace: &str, name: &str, token: &str) {
        use base64_engine::encode;
        self.emulator.put_object(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": namespace},
            "data": {"token": encode(token)}
        }));
    }

    fn secret_token(&self, namespace: &str, name: &str) -> Option<String> {
        let secret = self.emulator.get_object("v1", "secrets", Some(namespace), name)?;
        let data = secret["data"]["token"].as_str()?;
        Some(base64_engine::decode(data))
    }

    fn requests_by_verb(&self) -> Vec<String> {
        self.emulator
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.verb, r.resource))
            .collect()
    }

    /// How many requests were `verb resource`, e.g. "patch receivers".
    fn count(&self, request: &str) -> usize {
        self.requests_by_verb().iter().filter(|r| *r == request).count()
    }
}

/// Base64 for Secret data in fixtures, via the base64 crate (kube uses it too).
mod base64_engine {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    pub fn encode(text: impl AsRef<[u8]>) -> String {
        STANDARD.encode(text)
    }

    pub fn decode_bytes(text: &str) -> Vec<u8> {
        STANDARD.decode(text).expect("base64")
    }

    pub fn decode(text: &str) -> String {
        String::from_utf8(decode_bytes(text)).expect("UTF-8")
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        stderr(output),
        stdout(output)
    );
}

fn assert_failure(output: &Output, needle: &str) {
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected failure: {}\n{}",
        stderr(output),
        stdout(output)
    );
    let err = stderr(output);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains(needle),
        "expected '{needle}' in: {err}"
    );
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
}

const CREATE: [&str; 11] = [
    "create",
    "github-receiver",
    "--type",
    "github",
    "--event",
    "ping,push",
    "--secret-ref",
    "webhook-token",
    "--resource",
    "GitRepository/my-nginx",
    "--timeout=20s",
];

#[test]
fn create_waits_for_ready_and_prints_the_path() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "secret-token-dont-share");
    env.emulator.reset_requests();
    let output = env.run(&CREATE);
    assert_success(&output);
    let expected = receiver::webhook_path("secret-token-dont-share", "github-receiver", "flux-system");
    let out = stdout(&output);
    assert!(out.contains("✔ Receiver flux-system/github-receiver is ready"), "{out}");
    assert!(out.contains(&format!("webhook path: {expected}")), "{out}");
    // The object in the cluster is exactly what --export prints.
    let stored = env
        .emulator
        .get_object(
            "notification.toolkit.fluxcd.io/v1",
            "receivers",
            Some("flux-system"),
            "github-receiver",
        )
        .unwrap();
    assert_eq!(
        stored["spec"],
        json!({
            "type": "github", "events": ["ping", "push"],
            "resources": [{"kind": "GitRepository", "name": "my-nginx"}],
            "secretRef": {"name": "webhook-token"}
        })
    );
    // The permission reviews (one per grant create needs, sent together),
    // then apply, watch, then the address look-ups (Secret annotation,
    // Services).
    let requests = env.requests_by_verb();
    let reviews = requests
        .iter()
        .take_while(|r| *r == "create selfsubjectaccessreviews")
        .count();
    assert_eq!(reviews, 3, "{requests:?}");
    let requests = &requests[reviews..];
    assert!(requests.len() <= 4, "too many requests: {requests:?}");
    assert_eq!(requests[0], "patch receivers");
}

#[test]
fn create_reports_a_receiver_that_is_not_ready() {
    let env = Env::with_flux();
    let output = env.run(&CREATE);
    assert_failure(&output, "is not ready: TokenNotFound");
}

#[test]
fn create_prints_the_full_url_from_hostname_secret_annotation_or_service() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "t0k3n");
    let path = receiver::webhook_path("t0k3n", "github-receiver", "flux-system");

    let mut args = CREATE.to_vec();
    args.extend(["--hostname", "flux.example.com"]);
    let out = stdout(&env.run(&args));
    assert!(
        out.contains(&format!("webhook URL:  https://flux.example.com{path}")),
        "{out}"
    );

    // A LoadBalancer Service exposing the controller.
    let output = env.run(&["expose", "--timeout=20s"]);
    assert_success(&output);
    let out = stdout(&env.run(&CREATE));
    assert!(
        out.contains("webhook URL:  http://") && out.contains(&path) && out.contains("LoadBalancer Service 'receiver'"),
        "{out}"
    );

    // The Secret's annotation wins over the Service.
    let output = env.run(&[
        "secret",
        "webhook-token",
        "--type",
        "github",
        "--hostname",
        "hooks.example.org",
        "--receiver-name",
        "github-receiver",
    ]);
    assert_success(&output);
    let out = stdout(&env.run(&CREATE));
    assert!(
        out.contains(&format!("webhook URL:  https://hooks.example.org{path}")),
        "{out}"
    );
}

#[test]
fn create_no_wait_returns_after_the_apply() {
    let env = Env::start(Options {
        controller_delay: Duration::from_secs(30),
        ..Options::default()
    });
    env.token_secret("flux-system", "webhook-token", "t");
    let mut args = CREATE.to_vec();
    args.push("--no-wait");
    let output = env.run(&args);
    assert_success(&output);
    assert!(stdout(&output).contains("applied"));
}

#[test]
fn create_times_out_with_the_last_known_state() {
    let env = Env::start(Options {
        controller_delay: Duration::from_secs(30),
        ..Options::default()
    });
    env.token_secret("flux-system", "webhook-token", "t");
    let mut args = CREATE.to_vec();
    args.push("--timeout=2s");
    let output = env.run(&args);
    assert_failure(&output, "timed out after 2s");
}

#[test]
fn secret_generates_keeps_and_never_silently_replaces_the_token() {
    let env = Env::with_flux();
    let output = env.run(&[
        "secret",
        "webhook-token",
        "--type",
        "github",
        "--hostname",
        "flux.example.com",
    ]);
    assert_success(&output);
    let generated = env
        .secret_token("flux-system", "webhook-token")
        .expect("a token was written");
    assert_eq!(generated.len(), 64);
    assert!(
        !stdout(&output).contains(&generated) && !stderr(&output).contains(&generated),
        "token leaked"
    );
    assert!(stdout(&output).contains("created") && stdout(&output).contains("generated"));

    // Re-running without a token keeps it.
    let output = env.run(&["secret", "webhook-token", "--type", "github"]);
    assert_success(&output);
    assert!(stdout(&output).contains("kept"), "{}", stdout(&output));
    assert_eq!(
        env.secret_token("flux-system", "webhook-token").as_deref(),
        Some(generated.as_str())
    );

    // A different token is refused without --force, and nothing changes.
    let output = env.run_with_stdin(
        &["secret", "webhook-token", "--type", "github", "--token-stdin"],
        "other-token\n",
    );
    assert_failure(&output, "--force");
    assert!(stderr(&output).contains("hook URL"));
    assert_eq!(
        env.secret_token("flux-system", "webhook-token").as_deref(),
        Some(generated.as_str())
    );

    // With --force it is replaced, and shown only when asked.
    let output = env.run_with_stdin(
        &[
            "secret",
            "webhook-token",
            "--type",
            "github",
            "--token-stdin",
            "--force",
            "--show-token",
        ],
        "other-token\n",
    );
    assert_success(&output);
    assert_eq!(
        env.secret_token("flux-system", "webhook-token").as_deref(),
        Some("other-token")
    );
    assert!(stdout(&output).contains("token: other-token"));
}

#[test]
fn secret_with_the_same_token_is_unchanged_and_warns_about_the_command_line() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "same");
    // The first write only adds the watch label the controller needs.
    let output = env.run(&["secret", "webhook-token", "--type", "github", "--token", "same"]);
    assert_success(&output);
    assert!(stdout(&output).contains("updated"), "{}", stdout(&output));
    let output = env.run(&["secret", "webhook-token", "--type", "github", "--token", "same"]);
    assert_success(&output);
    assert!(stderr(&output).contains("warning: --token is visible"));
    assert!(!stdout(&output).contains("same\n") && !stdout(&output).contains("token: same"));
    assert!(stdout(&output).contains("unchanged"), "{}", stdout(&output));
    assert_eq!(
        env.secret_token("flux-system", "webhook-token").as_deref(),
        Some("same")
    );
}

#[test]
fn a_new_secret_is_created_only_if_none_appeared_meanwhile() {
    // The first write of a Secret is a create (POST), which the server
    // refuses if someone else created it meanwhile; an apply would silently
    // overwrite that token. Here another writer does create it between our
    // read (404) and our create: the create gets 409 AlreadyExists, the
    // Secret is read again and the other writer's token kept.
    let env = Env::with_flux();
    let theirs = json!({"apiVersion": "v1", "kind": "Secret",
                        "metadata": {"name": "fresh", "namespace": "flux-system"},
                        "stringData": {"token": "their-token"}});
    env.emulator
        .inject_fault("get", "secrets", Fault::CreatedMeanwhile(Box::new(theirs)), 1);
    let output = env.run(&["secret", "fresh", "--type", "github"]);
    assert_success(&output);
    assert_eq!(env.secret_token("flux-system", "fresh").as_deref(), Some("their-token"));
    assert!(stdout(&output).contains("token: kept"), "{}", stdout(&output));
    let secret_calls: Vec<(String, u16)> = env
        .emulator
        .requests()
        .iter()
        .filter(|r| r.resource == "secrets")
        .map(|r| (r.verb.clone(), r.status))
        .collect();
    let expected = [("get", 404), ("create", 409), ("get", 200), ("patch", 200)];
    assert_eq!(
        secret_calls,
        expected.map(|(verb, status)| (verb.to_string(), status)),
        "read, lose the race, read again, keep their token"
    );
}

#[test]
fn secret_decides_again_when_the_secret_changed_under_it() {
    // A 409 on the write means someone else changed the Secret after we
    // read it: read it again and decide again, never overwrite blindly.
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "kept");
    env.emulator.inject_fault("patch", "secrets", Fault::Conflict, 1);
    let output = env.run(&[
        "secret",
        "webhook-token",
        "--type",
        "github",
        "--hostname",
        "flux.example.com",
    ]);
    assert_success(&output);
    assert_eq!(env.count("get secrets"), 2, "read again after the conflict");
    assert_eq!(env.count("patch secrets"), 2);
    assert_eq!(
        env.secret_token("flux-system", "webhook-token").as_deref(),
        Some("kept")
    );
}

#[test]
fn a_token_that_is_not_text_is_never_mistaken_for_no_token() {
    let env = Env::with_flux();
    let binary = [0xff_u8, 0xfe, 0x00, 0x80];
    env.emulator.put_object(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "webhook-token", "namespace": "flux-system"},
        "data": {"token": base64_engine::encode(binary)}
    }));
    let stored = || {
        let secret = env
            .emulator
            .get_object("v1", "secrets", Some("flux-system"), "webhook-token")
            .unwrap();
        base64_engine::decode_bytes(secret["data"]["token"].as_str().unwrap())
    };
    let output = env.run(&["secret", "webhook-token", "--type", "github"]);
    assert_failure(&output, "not UTF-8");
    assert_eq!(stored(), binary);
    let output = env.run(&["secret", "webhook-token", "--type", "github", "--token", "new-token"]);
    assert_failure(&output, "--force");
    assert_eq!(stored(), binary);
    let output = env.run(&[
        "secret",
        "webhook-token",
        "--type",
        "github",
        "--token",
        "new-token",
        "--force",
    ]);
    assert_success(&output);
    assert_eq!(stored(), b"new-token");
}

#[test]
fn expose_waits_for_a_load_balancer_and_mentions_the_stock_service() {
    let env = Env::with_flux();
    let output = env.run(&["expose", "--timeout=20s"]);
    assert_success(&output);
    let out = stdout(&output);
    assert!(
        out.contains("✔ Service flux-system/receiver exposes the webhook port"),
        "{out}"
    );
    assert!(out.contains("base URL: http://"), "{out}");
    assert!(stderr(&output).contains("webhook-receiver"));
    let service = env
        .emulator
        .get_object("v1", "services", Some("flux-system"), "receiver")
        .unwrap();
    assert_eq!(service["spec"]["selector"], json!({"app": "notification-controller"}));
    assert_eq!(service["spec"]["ports"][0]["targetPort"], json!(9292));
}

#[test]
fn expose_node_port_reports_a_node_address() {
    let env = Env::with_flux();
    let output = env.run(&["expose", "--type", "NodePort", "--name", "webhook"]);
    assert_success(&output);
    let out = stdout(&output);
    let service = env
        .emulator
        .get_object("v1", "services", Some("flux-system"), "webhook")
        .unwrap();
    let node_port = service["spec"]["ports"][0]["nodePort"].as_i64().expect("a node port");
    assert!(out.contains(&format!(":{node_port}")), "{out}");
}

#[test]
fn expose_without_flux_says_flux_is_not_installed() {
    let env = Env::start(Options {
        with_flux: false,
        ..Options::default()
    });
    let output = env.run(&["expose"]);
    assert_failure(&output, "Flux is not installed in namespace 'flux-system'");
}

#[test]
fn create_without_the_crd_says_flux_is_not_installed() {
    let env = Env::start(Options {
        with_flux: false,
        ..Options::default()
    });
    let output = env.run(&CREATE);
    assert_failure(&output, "Flux is not installed");
}

#[test]
fn forbidden_names_verb_resource_and_namespace() {
    let env = Env::with_flux();
    env.emulator.deny("patch", "receivers");
    let output = env.run(&[
        "create",
        "rx",
        "--type",
        "github",
        "--secret-ref",
        "s",
        "--resource",
        "GitRepository/a",
    ]);
    // Asked ahead with SelfSubjectAccessReview: refused before any write.
    assert_failure(
        &output,
        "forbidden: you may not patch receivers.notification.toolkit.fluxcd.io in namespace 'flux-system', \
         which create needs; nothing was written",
    );
    assert_eq!(env.count("patch receivers"), 0, "nothing is sent once a review says no");
}

#[test]
fn a_forbidden_read_names_verb_resource_and_namespace_and_is_not_retried() {
    let env = Env::with_flux();
    env.emulator.deny("list", "receivers");
    let output = env.run(&["list"]);
    assert_failure(&output, "forbidden: cannot list receivers in namespace 'flux-system'");
    assert_eq!(env.count("list receivers"), 1, "a permanent error is not retried");
}

#[test]
fn missing_namespace() {
    let env = Env::with_flux();
    let output = env.run(&[
        "create",
        "rx",
        "-n",
        "nowhere",
        "--type",
        "github",
        "--secret-ref",
        "s",
        "--resource",
        "GitRepository/a",
    ]);
    assert_failure(&output, "namespace 'nowhere' not found");
}

#[test]
fn no_kubeconfig_and_unreachable_server() {
    let output = common::run(&["expose"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no kubeconfig found"));

    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: x\n").unwrap();
    let output = common::flux_receiver()
        .env("KUBECONFIG", &kubeconfig)
        .args(["expose"])
        .output()
        .unwrap();
    assert_failure(&output, "cannot reach the Kubernetes API server at http://127.0.0.1:9");
}

#[test]
fn transient_failures_are_retried_within_the_timeout() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "t");
    env.emulator.inject_fault("patch", "receivers", Fault::InternalError, 2);
    env.emulator
        .inject_fault("watch", "receivers", Fault::DropConnection, 1);
    // Rules fire in the order they were armed: two 500s, then a 429.
    env.emulator
        .inject_fault("patch", "receivers", Fault::TooManyRequests { retry_after_secs: 1 }, 1);
    let output = env.run(&CREATE);
    assert_success(&output);
    assert_eq!(env.count("patch receivers"), 4, "two 500s, a 429, then success");
    assert!(env.count("watch receivers") >= 2, "the dropped watch was opened again");
}

#[test]
fn slow_answers_time_out_and_are_retried() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "t");
    env.emulator
        .inject_fault("patch", "receivers", Fault::Slow(Duration::from_secs(3)), 1);
    let mut args = CREATE.to_vec();
    args.extend(["--timeout=6s", "--verbose"]); // one attempt may take 1.5 s
    let output = env.run(&args);
    assert_success(&output);
    // The emulator never records the abandoned request (the client hung up
    // before it answered), so the client's own trace shows the retry.
    let trace = stderr(&output);
    assert!(
        trace
            .lines()
            .any(|l| l.contains("patch receivers") && l.contains("(attempt 2)")),
        "the slow attempt was abandoned and retried:\n{trace}"
    );
}

#[test]
fn retries_stop_at_the_timeout() {
    let env = Env::with_flux();
    env.emulator
        .inject_fault("patch", "receivers", Fault::InternalError, 1000);
    let mut args = CREATE.to_vec();
    args.push("--timeout=2s");
    let output = env.run(&args);
    assert_failure(&output, "within --timeout 2s");
    let patches = env.count("patch receivers");
    assert!(
        (2..20).contains(&patches),
        "retried with backoff, then stopped: {patches} attempts"
    );
}

#[test]
fn kubectl_sees_what_flux_receiver_wrote() {
    if kube_emulator::kubectl_on_path().is_none() {
        return common::skip("kubectl is not installed");
    }
    let env = Env::with_flux();
    assert_success(&env.run(&["secret", "webhook-token", "--type", "github"]));
    assert_success(&env.run(&CREATE));
    let output = std::process::Command::new("kubectl")
        .args([
            "--kubeconfig",
            env.kubeconfig.to_str().unwrap(),
            "--request-timeout=10s",
        ])
        .args([
            "get",
            "receivers.notification.toolkit.fluxcd.io",
            "-n",
            "flux-system",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    let item = &list["items"][0];
    assert_eq!(item["metadata"]["name"], "github-receiver");
    assert_eq!(item["status"]["conditions"][0]["status"], "True");
}

#[test]
fn trigger_end_to_end_annotates_the_resources() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "secret-token-dont-share");
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "my-nginx", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    assert_success(&env.run(&CREATE));
    let webhooks = env.emulator.webhook_url();

    let requested_at = || {
        let repository = env
            .emulator
            .get_object(
                "source.toolkit.fluxcd.io/v1",
                "gitrepositories",
                Some("flux-system"),
                "my-nginx",
            )
            .unwrap();
        repository["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"].clone()
    };
    // As in Flux, a signed ping the Receiver accepts is handled like any
    // other event: 200, and the GitRepository is asked to reconcile.
    let output = env.run(&["trigger", "github-receiver", "--hostname", &webhooks]);
    assert_success(&output);
    assert!(requested_at().is_string());
    let output = env.run(&["trigger", "github-receiver", "--hostname", &webhooks, "--event", "push"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("accepted the github webhook: 200"),
        "{}",
        stdout(&output)
    );
    assert!(requested_at().is_string());

    // A wrong token fails the signature check: 400 with the controller's reason.
    let output = env.run(&[
        "trigger",
        "github-receiver",
        "--hostname",
        &webhooks,
        "--event",
        "push",
        "--token",
        "wrong",
        "--retries",
        "0",
    ]);
    assert_failure(&output, "400");
    // An event the Receiver does not accept is refused.
    let output = env.run(&[
        "trigger",
        "github-receiver",
        "--hostname",
        &webhooks,
        "--event",
        "release",
        "--retries",
        "0",
    ]);
    assert_failure(&output, "not accepted");
}

#[test]
fn trigger_retries_each_gateway_failure_exactly_as_often_as_promised() {
    // `--retries` defaults to 3: a 502, 503 or 504 (from the controller or
    // a proxy in front of it) is sent again three times, four attempts in
    // all, and not a fifth time.
    let env = Env::with_flux();
    env.token_secret("flux-system", "webhook-token", "secret-token-dont-share");
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "my-nginx", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    assert_success(&env.run(&CREATE));
    let webhooks = env.emulator.webhook_url();
    let trigger = || {
        let seen = env.emulator.webhook_requests().len();
        let output = env.run(&[
            "trigger",
            "github-receiver",
            "--hostname",
            &webhooks,
            "--retry-delay",
            "10ms",
        ]);
        let statuses: Vec<u16> = env.emulator.webhook_requests()[seen..]
            .iter()
            .map(|r| r.status)
            .collect();
        (output, statuses)
    };
    for (fault, code) in [
        (Fault::BadGateway, 502),
        (Fault::ServiceUnavailable, 503),
        (Fault::GatewayTimeout, 504),
    ] {
        env.emulator.inject_webhook_fault(fault.clone(), 3);
        let (output, statuses) = trigger();
        assert_success(&output);
        assert_eq!(
            statuses,
            [code, code, code, 200],
            "{code}: the fourth attempt gets through"
        );

        env.emulator.inject_webhook_fault(fault, 4);
        let (output, statuses) = trigger();
        assert_failure(&output, &format!("failed after 4 attempts: {code}"));
        assert_eq!(statuses, [code; 4], "{code}: no fifth attempt");
    }
}

#[test]
fn trigger_reaches_every_type_the_emulator_can_verify() {
    let env = Env::with_flux();
    env.token_secret("flux-system", "token", "t0k3n");
    env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    let webhooks = env.emulator.webhook_url();
    for provider in [
        "generic",
        "generic-hmac",
        "github",
        "gitlab",
        "bitbucket",
        "harbor",
        "dockerhub",
        "quay",
        "nexus",
        "acr",
        "cdevents",
    ] {
        let name = format!("r-{provider}");
        assert_success(&env.run(&[
            "create",
            &name,
            "--type",
            provider,
            "--secret-ref",
            "token",
            "--resource",
            "GitRepository/app",
            "--timeout=20s",
        ]));
        let output = env.run(&["trigger", &name, "--hostname", &webhooks, "--retries", "0"]);
        assert_success(&output);
    }
}

/// A web server that is no Kubernetes: an HTML page for every request
/// (404 for anything under /api and /apis, 200 elsewhere), and a
/// kubeconfig pointing at it.
fn web_server() -> (tempfile::TempDir, std::path::PathBuf) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let status = if request_line.contains(" /api") {
                "404 Not Found"
            } else {
                "200 OK"
            };
            let body = "<html><body><h1>Welcome to nginx!</h1></body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: web\n  cluster: {{server: 'http://{address}'}}\n\
             users:\n- name: web\n  user: {{token: t}}\ncontexts:\n- name: web\n  context: {{cluster: web, user: web}}\n\
             current-context: web\n"
        ),
    )
    .unwrap();
    (dir, kubeconfig)
}

#[test]
fn a_server_that_is_not_kubernetes_is_named_as_such_not_as_a_missing_flux() {
    let (_dir, kubeconfig) = web_server();
    for args in [&["list"][..], &CREATE[..], &["get", "rx"][..]] {
        let output = common::flux_receiver()
            .env("KUBECONFIG", &kubeconfig)
            .args(args)
            .output()
            .unwrap();
        assert_failure(&output, "is not a Kubernetes API server");
        let err = stderr(&output);
        assert!(
            !err.contains("Flux is not installed") && err.contains("http://127.0.0.1:"),
            "{args:?}: {err}"
        );
        assert!(err.contains("answered: 404 <html>"), "{args:?}: {err}");
    }
}

#[test]
fn an_api_server_that_stops_answering_during_a_wait_is_blamed_not_the_controller() {
    let env = Env::start(Options {
        controller_delay: Duration::from_secs(3),
        ..Options::default()
    });
    env.emulator
        .inject_fault("watch", "receivers", Fault::Slow(Duration::from_secs(30)), 100);
    let mut args = CREATE.to_vec();
    args.extend(["--timeout", "3s"]);
    let output = env.run(&args);
    assert_failure(
        &output,
        "the API server stopped answering while waiting for flux-system/",
    );
    assert!(!stderr(&output).contains("not ready"), "{}", stderr(&output));
}

//! One list of scenarios, run against the emulator and against the real
//! control plane (`testenv/run`, which sets `FLUX_RECEIVER_E2E_KUBECONFIG`
//! and `FLUX_RECEIVER_E2E_WEBHOOK`; without them this test fails). What can
//! be observed from outside (the Ready condition, whether `webhookPath` is
//! flux's, the HTTP status of each webhook, the annotations written) is
//! recorded for both and compared: where they differ, the emulator is wrong.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::post;
use kube_emulator::Options;
use serde_json::{Value, json};

/// Where the scenarios run.
enum Backend {
    Emulated(common::EmulatedCluster),
    Real { kubeconfig: PathBuf, webhook: String },
}

impl Backend {
    fn kubeconfig(&self) -> PathBuf {
        match self {
            Backend::Emulated(cluster) => cluster.kubeconfig.clone(),
            Backend::Real { kubeconfig, .. } => kubeconfig.clone(),
        }
    }

    fn webhook(&self) -> String {
        match self {
            Backend::Emulated(cluster) => cluster.emulator.webhook_url(),
            Backend::Real { webhook, .. } => webhook.clone(),
        }
    }

    /// Creates or replaces an object.
    fn put(&self, object: Value) {
        match self {
            Backend::Emulated(cluster) => cluster.emulator.put_object(object),
            Backend::Real { kubeconfig, .. } => {
                let mut child = Command::new("kubectl")
                    .arg("--kubeconfig")
                    .arg(kubeconfig)
                    .args(["apply", "-f", "-"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("kubectl runs");
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(object.to_string().as_bytes())
                    .unwrap();
                let output = child.wait_with_output().unwrap();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            }
        }
    }

    /// Reads an object, if it exists.
    fn get(&self, api_version: &str, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        match self {
            Backend::Emulated(cluster) => cluster.emulator.get_object(api_version, plural, Some(namespace), name),
            Backend::Real { kubeconfig, .. } => {
                let group = api_version.split_once('/').map(|(group, _)| group).unwrap_or("");
                let resource = if group.is_empty() {
                    plural.to_string()
                } else {
                    format!("{plural}.{group}")
                };
                let output = Command::new("kubectl")
                    .arg("--kubeconfig")
                    .arg(kubeconfig)
                    .args(["get", &resource, name, "-n", namespace, "-o", "json"])
                    .output()
                    .expect("kubectl runs");
                output
                    .status
                    .success()
                    .then(|| serde_json::from_slice(&output.stdout).unwrap())
            }
        }
    }

    fn run(&self, namespace: &str, args: &[&str]) -> Output {
        common::flux_receiver()
            .env("KUBECONFIG", self.kubeconfig())
            .args(args)
            .args(["-n", namespace, "--timeout", "30s"])
            .output()
            .expect("flux-receiver runs")
    }
}

/// What one backend showed, scenario by scenario.
type Observations = Vec<(String, String)>;

fn git_repository(namespace: &str, name: &str, labels: Value) -> Value {
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"interval": "1h", "url": format!("https://example.com/{name}.git")}
    })
}

fn receiver(namespace: &str, name: &str, type_: &str, resources: Value) -> Value {
    json!({
        "apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": type_, "secretRef": {"name": "token"}, "resources": resources}
    })
}

/// The status a failed `trigger` reports, or 200 when it succeeded.
fn trigger_status(output: &Output) -> String {
    if output.status.success() {
        return "200".into();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // "the webhook to URL failed after 4 attempts: 404 …" or "… failed on
    // the first attempt (a 400 is not retried): 400 …": the status follows.
    let last = stderr.lines().last().unwrap_or_default();
    let after = last.split(" failed ").nth(1).unwrap_or(last);
    after
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 3)
        .unwrap_or("none")
        .to_string()
}

/// Waits (at most 30 s) for the Receiver to be reconciled; returns it.
fn reconciled(backend: &Backend, namespace: &str, name: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(receiver) = backend.get("notification.toolkit.fluxcd.io/v1", "receivers", namespace, name) {
            let conditions = receiver["status"]["conditions"].as_array().cloned().unwrap_or_default();
            let ready = conditions.iter().find(|c| c["type"] == "Ready");
            let settled = ready.is_some_and(|c| c["status"] == "False")
                || (ready.is_some_and(|c| c["status"] == "True") && receiver["status"]["webhookPath"].is_string());
            if settled {
                return receiver;
            }
        }
        assert!(
            Instant::now() < deadline,
            "Receiver {namespace}/{name} was never reconciled"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The Ready condition as `status/reason`.
fn ready(receiver: &Value) -> String {
    let conditions = receiver["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let ready = conditions
        .iter()
        .find(|c| c["type"] == "Ready")
        .cloned()
        .unwrap_or_default();
    format!(
        "{}/{}",
        ready["status"].as_str().unwrap_or("-"),
        ready["reason"].as_str().unwrap_or("-")
    )
}

fn annotated(backend: &Backend, api_version: &str, plural: &str, namespace: &str, name: &str) -> bool {
    backend
        .get(api_version, plural, namespace, name)
        .is_some_and(|o| o["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"].is_string())
}

/// Runs every scenario on one backend and records what it showed.
fn observe(backend: &Backend, prefix: &str) -> Observations {
    let mut seen = Observations::new();
    let mut record = |scenario: &str, what: String| seen.push((scenario.to_string(), what));
    let webhook = backend.webhook();

    // Each provider: created by the tool, triggered, refused with a wrong token.
    let types = [
        "generic",
        "generic-hmac",
        "github",
        "gitlab",
        "bitbucket",
        "harbor",
        "nexus",
        "quay",
        "dockerhub",
        "acr",
        "cdevents",
    ];
    for type_ in types {
        let ns = format!("{prefix}-{type_}");
        backend.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        backend.put(git_repository(&ns, "app", json!({})));
        let secret = backend.run(&ns, &["secret", "token", "--type", type_]);
        assert!(secret.status.success(), "{}", String::from_utf8_lossy(&secret.stderr));
        let create = backend.run(
            &ns,
            &[
                "create",
                "rx",
                "--type",
                type_,
                "--secret-ref",
                "token",
                "--resource",
                "GitRepository/app",
            ],
        );
        record(&format!("{type_}: create exit"), format!("{:?}", create.status.code()));
        let r = reconciled(backend, &ns, "rx");
        record(&format!("{type_}: Ready"), ready(&r));
        let token = backend.get("v1", "secrets", &ns, "token").unwrap()["data"]["token"].clone();
        let token = {
            use base64::Engine;
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(token.as_str().unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        let path = String::from_utf8_lossy(&backend.run(&ns, &["url", "rx", "--token", &token]).stdout)
            .trim()
            .to_string();
        record(
            &format!("{type_}: webhookPath is sha256(token+name+namespace)"),
            (r["status"]["webhookPath"] == path.as_str()).to_string(),
        );
        let trigger = backend.run(&ns, &["trigger", "rx", "--hostname", &webhook, "--retries", "0"]);
        record(&format!("{type_}: trigger"), trigger_status(&trigger));
        record(
            &format!("{type_}: source annotated"),
            annotated(backend, "source.toolkit.fluxcd.io/v1", "gitrepositories", &ns, "app").to_string(),
        );
        let wrong = backend.run(
            &ns,
            &[
                "trigger",
                "rx",
                "--hostname",
                &webhook,
                "--retries",
                "0",
                "--token",
                "wrong-token-0123456789",
            ],
        );
        record(&format!("{type_}: trigger with a wrong token"), trigger_status(&wrong));
    }

    // Plain HTTP against one generic Receiver: unknown paths, suspension,
    // targets the controller cannot resolve, a body too large.
    let ns = format!("{prefix}-http");
    backend.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
    backend.put(git_repository(&ns, "app", json!({"team": "a"})));
    backend.put(git_repository(&ns, "other", json!({"team": "b"})));
    backend.put(json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "app", "namespace": ns},
        "spec": {"interval": "1h", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "app"}}
    }));
    assert!(
        backend
            .run(&ns, &["secret", "token", "--type", "generic"])
            .status
            .success()
    );
    let cases = [
        ("plain", json!([{"kind": "GitRepository", "name": "app"}])),
        ("missing target", json!([{"kind": "GitRepository", "name": "absent"}])),
        (
            "Kustomization without apiVersion",
            json!([{"kind": "Kustomization", "name": "app"}]),
        ),
        (
            "Kustomization with apiVersion",
            json!([{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "name": "app"}]),
        ),
        (
            "wildcard with matchLabels",
            json!([{"kind": "GitRepository", "name": "*", "matchLabels": {"team": "a"}}]),
        ),
        (
            "wildcard matching nothing",
            json!([{"kind": "GitRepository", "name": "*", "matchLabels": {"team": "z"}}]),
        ),
        (
            "wildcard without matchLabels",
            json!([{"kind": "GitRepository", "name": "*"}]),
        ),
    ];
    for (index, (case, resources)) in cases.iter().enumerate() {
        let name = format!("r{index}");
        backend.put(receiver(&ns, &name, "generic", resources.clone()));
        let r = reconciled(backend, &ns, &name);
        record(&format!("http {case}: Ready"), ready(&r));
        let path = r["status"]["webhookPath"].as_str().unwrap_or_default().to_string();
        record(
            &format!("http {case}: POST"),
            post(&format!("{webhook}{path}"), &[], b"{}").to_string(),
        );
    }
    record(
        "http wildcard: labelled source annotated",
        annotated(backend, "source.toolkit.fluxcd.io/v1", "gitrepositories", &ns, "app").to_string(),
    );
    record(
        "http wildcard: unlabelled source annotated",
        annotated(backend, "source.toolkit.fluxcd.io/v1", "gitrepositories", &ns, "other").to_string(),
    );
    let path = reconciled(backend, &ns, "r0")["status"]["webhookPath"]
        .as_str()
        .unwrap()
        .to_string();
    record(
        "http unknown path",
        post(&format!("{webhook}/hook/0123"), &[], b"{}").to_string(),
    );
    record(
        "http trailing slash",
        post(&format!("{webhook}{path}/"), &[], b"{}").to_string(),
    );
    record(
        "http query string",
        post(&format!("{webhook}{path}?x=1"), &[], b"{}").to_string(),
    );
    let large = vec![b' '; 3 * 1024 * 1024 + 16];
    record(
        "http body over 3 MiB",
        post(&format!("{webhook}{path}"), &[], &large).to_string(),
    );
    assert!(backend.run(&ns, &["suspend", "r0"]).status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut status = 0;
    while Instant::now() < deadline {
        status = post(&format!("{webhook}{path}"), &[], b"{}");
        if status != 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    record("http suspended", status.to_string());
    seen
}

/// Named `real::…` like the real-cluster suite, so the inner loop can skip
/// both with `--skip real::`.
mod real {
    use super::*;

    #[test]
    fn the_emulator_shows_what_the_real_controller_shows() {
        let (Some(kubeconfig), Ok(webhook)) = (
            std::env::var_os("FLUX_RECEIVER_E2E_KUBECONFIG"),
            std::env::var("FLUX_RECEIVER_E2E_WEBHOOK"),
        ) else {
            panic!("FLUX_RECEIVER_E2E_KUBECONFIG and FLUX_RECEIVER_E2E_WEBHOOK are not set: run under testenv/run");
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let real = Backend::Real {
            kubeconfig: PathBuf::from(kubeconfig),
            webhook: webhook.trim().to_string(),
        };
        let emulated = Backend::Emulated(common::EmulatedCluster::start(Options::default()));
        let prefix = format!("parity-{nanos:08x}");
        let from_real = observe(&real, &prefix);
        let from_emulator = observe(&emulated, &prefix);
        let differences: Vec<String> = from_real
            .iter()
            .zip(&from_emulator)
            .filter(|(real, emulated)| real != emulated)
            .map(|((scenario, real), (_, emulated))| format!("{scenario}: real {real}, emulator {emulated}"))
            .collect();
        assert_eq!(from_real.len(), from_emulator.len());
        assert!(
            differences.is_empty(),
            "the emulator differs from the real controller:\n{}",
            differences.join("\n")
        );
    }
}

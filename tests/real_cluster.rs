//! The end-to-end scenarios against a real cluster with Flux installed,
//! opt-in: set `FLUX_RECEIVER_E2E_KUBECONFIG` to its kubeconfig (see the
//! README for kind + `flux install`). Each test works in a namespace of its
//! own, deleted afterwards. Without the variable every test is skipped with
//! a message.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

const VARIABLE: &str = "FLUX_RECEIVER_E2E_KUBECONFIG";

/// A namespace of the test's own in the real cluster, deleted on drop.
struct Namespace {
    kubeconfig: PathBuf,
    name: String,
}

impl Namespace {
    fn create(test: &str) -> Option<Namespace> {
        let Some(kubeconfig) = std::env::var_os(VARIABLE).map(PathBuf::from) else {
            eprintln!("skipped: set {VARIABLE} to a cluster with Flux installed to run this test");
            return None;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("frx-{test}-{nanos:08x}");
        let namespace = Namespace { kubeconfig, name };
        assert!(
            namespace
                .kubectl(&["create", "namespace", &namespace.name])
                .status
                .success()
        );
        Some(namespace)
    }

    fn kubectl(&self, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .output()
            .expect("kubectl runs")
    }

    fn run(&self, args: &[&str]) -> Output {
        common::flux_receiver()
            .env("KUBECONFIG", &self.kubeconfig)
            .args(args)
            .args(["-n", &self.name, "--timeout", "2m"])
            .output()
            .expect("flux-receiver runs")
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = self.kubectl(&["delete", "namespace", &self.name, "--wait=false"]);
    }
}

fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn secret_create_list_reconcile_delete() {
    let Some(ns) = Namespace::create("flow") else { return };
    ok(&ns.run(&[
        "secret",
        "webhook-token",
        "--type",
        "github",
        "--hostname",
        "flux.example.com",
        "--receiver-name",
        "github-receiver",
    ]));
    let created = ok(&ns.run(&[
        "create",
        "github-receiver",
        "--type",
        "github",
        "--event",
        "ping,push",
        "--secret-ref",
        "webhook-token",
        "--resource",
        "GitRepository/app",
    ]));
    assert!(
        created.contains("is ready") && created.contains("https://flux.example.com/hook/"),
        "{created}"
    );
    let listed = ok(&ns.run(&["list", "-o", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(rows[0]["name"], "github-receiver");
    assert_eq!(rows[0]["ready"], "True");
    ok(&ns.run(&["reconcile", "github-receiver"]));
    ok(&ns.run(&["delete", "github-receiver", "--silent"]));
}

#[test]
fn a_receiver_without_its_secret_is_reported_not_ready() {
    let Some(ns) = Namespace::create("notready") else {
        return;
    };
    let output = ns.run(&[
        "create",
        "r",
        "--type",
        "github",
        "--secret-ref",
        "missing",
        "--resource",
        "GitRepository/app",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not ready"));
}

#[test]
fn tokens_are_never_replaced_silently() {
    let Some(ns) = Namespace::create("token") else { return };
    ok(&ns.run(&["secret", "webhook-token", "--type", "github"]));
    let output = common::flux_receiver()
        .env("KUBECONFIG", &ns.kubeconfig)
        .args([
            "secret",
            "webhook-token",
            "--type",
            "github",
            "--token-stdin",
            "-n",
            &ns.name,
        ])
        .write_stdin("another-token\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
}

//! kubectl, an independent client, against the emulator: get, list,
//! server-side apply and delete. Skipped with a message where kubectl is
//! not installed. The emulator serves no OpenAPI documents, so apply runs
//! with `--validate=false` (the server still validates what it stores).

use std::process::Command;

use kube_emulator::{BackgroundEmulator, Options};

struct Kubectl {
    _emulator: BackgroundEmulator,
    kubeconfig: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Kubectl {
    fn start() -> Option<Kubectl> {
        if kube_emulator::kubectl_on_path().is_none() {
            eprintln!("skipped: kubectl is not installed");
            return None;
        }
        let emulator = BackgroundEmulator::start(Options {
            seed_receivers: 3,
            ..Options::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("config");
        emulator.write_kubeconfig(&kubeconfig).unwrap();
        Some(Kubectl {
            _emulator: emulator,
            kubeconfig,
            _dir: dir,
        })
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> String {
        let output = self.output(args, stdin);
        assert!(
            output.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn output(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        use std::io::Write;
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--request-timeout=10s")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }
}

#[test]
fn kubectl_gets_and_lists() {
    let Some(kubectl) = Kubectl::start() else { return };
    let receivers = kubectl.run(&["get", "receivers", "-A", "-o", "name"], None);
    assert_eq!(receivers.lines().count(), 3, "{receivers}");
    let secrets: serde_json::Value =
        serde_json::from_str(&kubectl.run(&["get", "secrets", "-n", "tenant-01", "-o", "json"], None)).unwrap();
    assert_eq!(secrets["items"][0]["metadata"]["name"], "receiver-00001-token");
    let table = kubectl.run(&["get", "deploy", "-n", "flux-system"], None);
    assert!(table.contains("notification-controller"), "{table}");
}

#[test]
fn kubectl_applies_server_side_and_deletes() {
    let Some(kubectl) = Kubectl::start() else { return };
    let manifest = "apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: applied
  namespace: flux-system
spec:
  type: generic
  secretRef:
    name: token
  resources:
  - kind: GitRepository
    name: app
";
    let applied = kubectl.run(
        &["apply", "--server-side", "--validate=false", "-f", "-"],
        Some(manifest),
    );
    assert!(
        applied.contains("receiver.notification.toolkit.fluxcd.io/applied serverside-applied"),
        "{applied}"
    );
    let got = kubectl.run(
        &[
            "get",
            "receiver",
            "applied",
            "-n",
            "flux-system",
            "-o",
            "jsonpath={.spec.type}",
        ],
        None,
    );
    assert_eq!(got, "generic");
    let deleted = kubectl.run(&["delete", "receiver", "applied", "-n", "flux-system"], None);
    assert!(deleted.contains("deleted"), "{deleted}");
}

#[test]
fn kubectl_server_side_apply_conflicts_between_managers() {
    let Some(kubectl) = Kubectl::start() else { return };
    let manifest = |event: &str| {
        format!(
            "apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: shared
  namespace: flux-system
spec:
  type: github
  events:
  - {event}
  secretRef:
    name: token
  resources:
  - kind: GitRepository
    name: app
"
        )
    };
    let apply = ["apply", "--server-side", "--validate=false", "-f", "-"];
    kubectl.run(
        &[&apply[..], &["--field-manager=first"]].concat(),
        Some(&manifest("ping")),
    );
    let refused = kubectl.output(
        &[&apply[..], &["--field-manager=second"]].concat(),
        Some(&manifest("push")),
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Apply failed with 1 conflict: conflict with \"first\": .spec.events"),
        "{stderr}"
    );
    let events = [
        "get",
        "receiver",
        "shared",
        "-n",
        "flux-system",
        "-o",
        "jsonpath={.spec.events}",
    ];
    assert_eq!(kubectl.run(&events, None), r#"["ping"]"#);
    kubectl.run(
        &[&apply[..], &["--field-manager=second", "--force-conflicts"]].concat(),
        Some(&manifest("push")),
    );
    assert_eq!(kubectl.run(&events, None), r#"["push"]"#);
    let managers = kubectl.run(
        &[
            "get",
            "receiver",
            "shared",
            "-n",
            "flux-system",
            "--show-managed-fields",
            "-o",
            "jsonpath={range .metadata.managedFields[*]}{.manager}={.operation} {end}",
        ],
        None,
    );
    assert_eq!(managers.trim(), "first=Apply second=Apply");
}

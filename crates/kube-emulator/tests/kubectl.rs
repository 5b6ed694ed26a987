//! kubectl, an independent client, against the emulator: get and list
//! with the server's columns (Table answers), apply (client- and
//! server-side) validated by the server through OpenAPI v3, explain,
//! and what kubectl cannot do here (its `create <kind>` generators send
//! protobuf). Skipped with a message where kubectl is not installed, except
//! under CI, where that fails.
//!
//! What works: get/list/watch (tables, -o yaml|json|jsonpath|name, -w),
//! describe, apply (client-side, --server-side, --validate=strict|warn|false),
//! create -f, delete, label, annotate, patch, edit, wait, explain,
//! api-resources, rollout status. What does not: `create namespace|secret|…`
//! (protobuf: 415 says to pipe `--dry-run=client -o yaml` into apply),
//! `--dry-run=server` and `diff` of a change (no dryRun: refused, never
//! written), `scale` (no scale subresource), events, `auth can-i`, `top`.
use std::process::Command;

// The one skip rule of every test crate: visible, and a failure under CI.
#[path = "../../../tests/common/outcome.rs"]
mod outcome;

use kube_emulator::{BackgroundEmulator, Options};

struct Kubectl {
    emulator: BackgroundEmulator,
    kubeconfig: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Kubectl {
    fn start() -> Option<Kubectl> {
        if kube_emulator::kubectl_on_path().is_none() {
            outcome::skip("kubectl is not installed");
            return None;
        }
        let emulator = BackgroundEmulator::start(Options {
            seed_receivers: 3,
            ..Options::default()
        })
        .unwrap();
        emulator.put_object(serde_json::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "receiver", "namespace": "flux-system"},
            "spec": {"type": "LoadBalancer", "selector": {"app": "notification-controller"},
                     "ports": [{"name": "http", "port": 80, "targetPort": 9292}]}
        }));
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("config");
        emulator.write_kubeconfig(&kubeconfig).unwrap();
        Some(Kubectl {
            emulator,
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
            // A cache of its own: another emulator may have had this port.
            .arg("--cache-dir")
            .arg(self._dir.path().join("cache"))
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

/// The words of each line of kubectl's table output.
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| {
            // Columns are separated by two or more spaces; cells may hold one.
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn kubectl_get_prints_the_server_columns() {
    let Some(kubectl) = Kubectl::start() else { return };
    // The load balancer is provisioned shortly after the Service is written.
    let mut services = Vec::new();
    for _ in 0..100 {
        services = rows(&kubectl.run(&["get", "svc", "-n", "flux-system"], None));
        if services
            .iter()
            .any(|row| row.contains(&kube_emulator::LOAD_BALANCER_IP.to_string()))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        services[0],
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    );
    let receiver = services.iter().find(|row| row[0] == "receiver").unwrap();
    assert_eq!(receiver[1], "LoadBalancer");
    assert!(receiver[2].starts_with("10.96."), "{receiver:?}");
    assert_eq!(receiver[3], kube_emulator::LOAD_BALANCER_IP);
    assert!(
        receiver[4].starts_with("80:3") && receiver[4].ends_with("/TCP"),
        "{receiver:?}"
    );
    let stock = services.iter().find(|row| row[0] == "webhook-receiver").unwrap();
    assert_eq!(stock[1..5], ["ClusterIP", stock[2].as_str(), "<none>", "80/TCP"]);
    let wide = rows(&kubectl.run(
        &["get", "svc", "webhook-receiver", "-n", "flux-system", "-o", "wide"],
        None,
    ));
    assert_eq!(wide[0].last().unwrap(), "SELECTOR");
    assert_eq!(wide[1].last().unwrap(), "app=notification-controller");

    // Custom resources: the CRD's printer columns, with the Ready condition.
    let receivers = rows(&kubectl.run(&["get", "receivers", "-n", "tenant-01"], None));
    assert_eq!(receivers[0], ["NAME", "AGE", "READY", "STATUS"]);
    assert_eq!(receivers[1][0], "receiver-00001");
    assert_eq!(receivers[1][2], "True");
    assert!(
        receivers[1][3].starts_with("Receiver initialized for path: /hook/"),
        "{receivers:?}"
    );

    let namespaces = rows(&kubectl.run(&["get", "ns", "flux-system"], None));
    assert_eq!(namespaces[0], ["NAME", "STATUS", "AGE"]);
    assert_eq!(namespaces[1][..2], ["flux-system", "Active"]);
    let secrets = rows(&kubectl.run(&["get", "secrets", "-n", "tenant-01"], None));
    assert_eq!(secrets[0], ["NAME", "TYPE", "DATA", "AGE"]);
    assert_eq!(secrets[1][..3], ["receiver-00001-token", "Opaque", "1"]);
    let nodes = rows(&kubectl.run(&["get", "nodes"], None));
    assert_eq!(nodes[0], ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    assert_eq!(nodes[1][..3], ["emulator-node", "Ready", "<none>"]);
    let deployments = rows(&kubectl.run(&["get", "deploy", "-n", "flux-system"], None));
    assert_eq!(deployments[0], ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert_eq!(deployments[1][..4], ["notification-controller", "1/1", "1", "1"]);
    let crds = rows(&kubectl.run(&["get", "crd", "receivers.notification.toolkit.fluxcd.io"], None));
    assert_eq!(crds[0], ["NAME", "CREATED AT"]);
    let all = kubectl.run(&["get", "all", "-n", "flux-system"], None);
    assert!(
        all.contains("service/receiver") && all.contains("deployment.apps/notification-controller"),
        "{all}"
    );
    assert!(kubectl.emulator.requests().iter().all(|r| r.status != 406));
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
    let applied = kubectl.run(&["apply", "--server-side", "-f", "-"], Some(manifest));
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
    let apply = ["apply", "--server-side", "-f", "-"];
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

const RECEIVER: &str = "apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: checked
  namespace: flux-system
spec:
  type: generic
  secretRef:
    name: token
  resources:
  - kind: GitRepository
    name: app
";

/// [`RECEIVER`] with a field Flux's schema does not have.
fn with_unknown_field() -> String {
    RECEIVER.replace("  type: generic\n", "  type: generic\n  colour: blue\n")
}

#[test]
fn kubectl_apply_validates_through_the_server() {
    let Some(kubectl) = Kubectl::start() else { return };
    // kubectl validates by default (strict): it finds in OpenAPI v3 that the
    // server takes fieldValidation, and leaves the check to it.
    let applied = kubectl.run(&["apply", "-f", "-"], Some(RECEIVER));
    assert!(
        applied.contains("receiver.notification.toolkit.fluxcd.io/checked created"),
        "{applied}"
    );
    let openapi = kubectl
        .emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/openapi/v3"))
        .count();
    assert!(openapi >= 2, "the index and a group-version document");
    let writes: Vec<String> = kubectl
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.resource == "receivers" && r.method != "GET")
        .map(|r| r.path)
        .collect();
    assert!(
        writes.iter().all(|p| p.contains("fieldValidation=Strict")),
        "{writes:?}"
    );

    let unknown = with_unknown_field();
    for args in [
        &["apply", "-f", "-"][..],
        &["apply", "--server-side", "-f", "-"],
        &["create", "-f", "-"],
    ] {
        let refused = kubectl.output(args, Some(&unknown));
        assert!(!refused.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("strict decoding error: unknown field \"spec.colour\"")
                || stderr.contains(".spec.colour: field not declared in schema"),
            "{args:?}: {stderr}"
        );
    }
    let spec = [
        "get",
        "receiver",
        "checked",
        "-n",
        "flux-system",
        "-o",
        "jsonpath={.spec}",
    ];
    assert!(!kubectl.run(&spec, None).contains("colour"));

    // Warn: applied without the field, and kubectl says so.
    let warned = kubectl.output(&["apply", "--validate=warn", "-f", "-"], Some(&unknown));
    assert!(warned.status.success());
    let stderr = String::from_utf8_lossy(&warned.stderr);
    assert!(stderr.contains("Warning: unknown field \"spec.colour\""), "{stderr}");
    assert!(
        !kubectl.run(&spec, None).contains("colour"),
        "unknown fields are dropped"
    );

    let explained = kubectl.run(&["explain", "receiver.spec.resources"], None);
    assert!(
        explained.contains("KIND:       Receiver") && explained.contains("matchLabels"),
        "{explained}"
    );
}

#[test]
fn kubectl_create_generators_are_told_to_pipe_yaml() {
    let Some(kubectl) = Kubectl::start() else { return };
    // `kubectl create namespace` sends protobuf, which the emulator does not
    // decode: the 415 says what works instead, and that does.
    let refused = kubectl.output(&["create", "namespace", "team-a"], None);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("UnsupportedMediaType") && stderr.contains("--dry-run=client -o yaml | kubectl apply -f -"),
        "{stderr}"
    );
    let manifest = kubectl.run(
        &["create", "namespace", "team-a", "--dry-run=client", "-o", "yaml"],
        None,
    );
    let created = kubectl.run(&["apply", "-f", "-"], Some(&manifest));
    assert!(created.contains("namespace/team-a created"), "{created}");

    // A dry run the emulator cannot do is refused, never written.
    let dry = kubectl.output(&["apply", "--dry-run=server", "-f", "-"], Some(RECEIVER));
    assert!(!dry.status.success());
    assert!(String::from_utf8_lossy(&dry.stderr).contains("does not implement dryRun"));
    assert!(
        kubectl
            .emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "checked"
            )
            .is_none()
    );
}

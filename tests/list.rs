//! `list`, `get`, and the lifecycle commands against the emulator, with
//! golden files for every output format. The fixture holds one Receiver in
//! each state worth showing: ready, Secret missing, suspended, and token
//! rotated but not yet reconciled (drift).

mod common;

use std::time::{Duration, Instant};

use kube_emulator::{BackgroundEmulator, Options};
use serde_json::{Value, json};

use common::EmulatedCluster as Env;

/// Helpers this file's tests share.
impl Env {
    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn receiver(&self, namespace: &str, name: &str) -> Value {
        self.emulator
            .get_object("notification.toolkit.fluxcd.io/v1", "receivers", Some(namespace), name)
            .expect("exists")
    }

    /// Waits until the controller has written a status for the current generation.
    fn settled(&self, namespace: &str, name: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let receiver = self.receiver(namespace, name);
            if receiver["status"]["observedGeneration"] == receiver["metadata"]["generation"] {
                return receiver;
            }
            assert!(Instant::now() < deadline, "{namespace}/{name} never settled");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn secret(namespace: &str, name: &str, token: &str, annotations: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret",
           "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
           "stringData": {"token": token}})
}

fn receiver(namespace: &str, name: &str, type_: &str, secret: &str, labels: Value) -> Value {
    json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
           "metadata": {"name": name, "namespace": namespace, "labels": labels},
           "spec": {"type": type_, "events": ["push"], "secretRef": {"name": secret},
                    "resources": [{"kind": "GitRepository", "name": "app"}, {"kind": "Kustomization", "name": "app", "namespace": "flux-system"}]}})
}

/// The fixture: four Receivers in two namespaces, and a LoadBalancer.
fn fixture() -> Env {
    let env = Env::start(Options::default());
    let e = &env.emulator;
    e.put_object(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}));
    e.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                        "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"url": "https://example.com/app.git"}}));
    // Ready, with the URL annotation flux writes.
    e.put_object(secret(
        "flux-system",
        "github-token",
        "t1",
        json!({"notification.toolkit.fluxcd.io/webhook": "https://flux.example.com/hook/x"}),
    ));
    e.put_object(receiver(
        "flux-system",
        "github-receiver",
        "github",
        "github-token",
        json!({"team": "platform"}),
    ));
    // Its Secret does not exist.
    e.put_object(receiver(
        "flux-system",
        "gitlab-receiver",
        "gitlab",
        "gitlab-token",
        json!({"team": "apps"}),
    ));
    // Ready, then suspended.
    e.put_object(secret("team-a", "generic-token", "t3", json!({})));
    e.put_object(receiver("team-a", "paused", "generic", "generic-token", json!({})));
    // Ready, suspended, then its token rotated: the controller still serves the old path.
    e.put_object(secret("team-a", "drift-token", "old", json!({})));
    e.put_object(receiver("team-a", "drifted", "github", "drift-token", json!({})));
    for (namespace, name) in [
        ("flux-system", "github-receiver"),
        ("flux-system", "gitlab-receiver"),
        ("team-a", "paused"),
        ("team-a", "drifted"),
    ] {
        env.settled(namespace, name);
    }
    for name in ["paused", "drifted"] {
        let mut object = env.receiver("team-a", name);
        object["spec"]["suspend"] = json!(true);
        e.put_object(object);
    }
    e.put_object(secret("team-a", "drift-token", "new", json!({})));
    env.ok(&["expose", "--timeout", "10s"]);
    env
}

#[test]
fn every_output_format_matches_its_golden_file() {
    let env = fixture();
    common::assert_golden("list-table.txt", env.ok(&["list"]).as_bytes());
    common::assert_golden("list-all-namespaces.txt", env.ok(&["list", "-A"]).as_bytes());
    common::assert_golden("list-status.txt", env.ok(&["list", "-A", "-o", "status"]).as_bytes());
    common::assert_golden("list-wide.txt", env.ok(&["get", "-A", "-o", "wide"]).as_bytes());
    common::assert_golden("list.json", env.ok(&["list", "-A", "-o", "json"]).as_bytes());
    common::assert_golden("list.yaml", env.ok(&["list", "-A", "-o", "yaml"]).as_bytes());
    common::assert_golden(
        "get-github-receiver.txt",
        env.ok(&["get", "github-receiver"]).as_bytes(),
    );
    common::assert_golden("export-all-flux-system.yaml", env.ok(&["export", "--all"]).as_bytes());
}

#[test]
fn problems_are_flagged_and_explained() {
    let env = fixture();
    let output = env.run(&["list", "-A"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let drift_old = receiver::webhook_path("old", "drifted", "team-a");
    let drift_new = receiver::webhook_path("new", "drifted", "team-a");
    assert!(
        stderr.contains(&format!(
            "team-a/drifted: the controller still serves {drift_old}, but the Secret's token now yields {drift_new}"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("flux-system/gitlab-receiver: Secret 'gitlab-token' does not exist"),
        "{stderr}"
    );
    let rows: Value = serde_json::from_str(&env.ok(&["list", "-A", "-o", "json"])).unwrap();
    let drifted = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "drifted")
        .unwrap();
    assert_eq!(drifted["problem"]["kind"], "drift");
    assert_eq!(drifted["suspended"], true);
}

#[test]
fn urls_come_from_the_hostname_flag_the_annotation_or_the_load_balancer() {
    let env = fixture();
    let rows: Value = serde_json::from_str(&env.ok(&["list", "-A", "-o", "json"])).unwrap();
    let url = |name: &str| rows.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["url"].clone();
    assert_eq!(
        url("github-receiver"),
        json!(format!(
            "https://flux.example.com{}",
            receiver::webhook_path("t1", "github-receiver", "flux-system")
        ))
    );
    assert_eq!(
        url("paused"),
        json!(format!(
            "http://198.51.100.10{}",
            receiver::webhook_path("t3", "paused", "team-a")
        ))
    );
    assert_eq!(url("gitlab-receiver"), Value::Null);
    let overridden: Value =
        serde_json::from_str(&env.ok(&["list", "-A", "-o", "json", "--hostname", "hooks.example.org"])).unwrap();
    assert!(
        overridden[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://hooks.example.org/hook/")
    );
}

#[test]
fn selectors_filter() {
    let env = fixture();
    let rows: Value = serde_json::from_str(&env.ok(&["list", "-A", "-o", "json", "-l", "team=platform"])).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["name"], "github-receiver");
}

#[test]
fn several_contexts_with_one_unreachable() {
    let env = fixture();
    let good = env.emulator.kubeconfig_yaml();
    let server = good
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_string();
    let kubeconfig = env.dir.path().join("two-contexts");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: up\n  cluster:\n    server: {server}\n- name: down\n  cluster:\n    server: http://127.0.0.1:9\n\
             contexts:\n- name: up\n  context:\n    cluster: up\n    user: u\n- name: down\n  context:\n    cluster: down\n    user: u\n\
             current-context: up\nusers:\n- name: u\n  user:\n    token: x\n"
        ),
    )
    .unwrap();
    let output = common::flux_receiver()
        .env("KUBECONFIG", &kubeconfig)
        .args(["list", "-A", "--all-contexts"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("CONTEXT   NAMESPACE"), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("up ")).count(), 4, "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("context down: cannot reach the Kubernetes API server"),
        "{stderr}"
    );

    // A cluster that accepts the connection and never answers is reported
    // once its time is up; the others are shown.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_server = format!("http://{}", hung.local_addr().unwrap());
    let text = std::fs::read_to_string(&kubeconfig)
        .unwrap()
        .replace("http://127.0.0.1:9", &hung_server);
    std::fs::write(&kubeconfig, text).unwrap();
    let output = common::flux_receiver()
        .env("KUBECONFIG", &kubeconfig)
        .args(["list", "-A", "--context", "up", "--context", "down", "--timeout", "3s"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().filter(|l| l.starts_with("up ")).count(), 4, "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("context down: "), "{stderr}");
    drop(hung);

    // A context the kubeconfig does not have is a usage error, not a warning.
    let output = common::flux_receiver()
        .env("KUBECONFIG", &kubeconfig)
        .args(["list", "--context", "up", "--context", "upp"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("'upp' for '--context <CONTEXT>'"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn suspend_resume_reconcile_delete() {
    let env = fixture();
    env.ok(&["suspend", "github-receiver"]);
    assert_eq!(env.receiver("flux-system", "github-receiver")["spec"]["suspend"], true);
    env.ok(&["resume", "github-receiver", "--timeout", "10s"]);
    let resumed = env.receiver("flux-system", "github-receiver");
    assert!(resumed["spec"].get("suspend").is_none());
    let out = env.ok(&["reconcile", "github-receiver", "--timeout", "10s"]);
    assert!(out.contains("reconciled"), "{out}");
    let reconciled = env.receiver("flux-system", "github-receiver");
    assert_eq!(
        reconciled["status"]["lastHandledReconcileAt"],
        reconciled["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"]
    );

    let refused = env.run(&["delete", "github-receiver"]);
    assert_eq!(refused.status.code(), Some(2), "no terminal, no --silent: refuse");
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "github-receiver"
            )
            .is_some()
    );
    env.ok(&["delete", "github-receiver", "--silent"]);
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "github-receiver"
            )
            .is_none()
    );
}

#[test]
fn reconcile_of_a_suspended_receiver_says_so() {
    let env = fixture();
    let before = env.receiver("team-a", "paused");
    let output = env.run(&["reconcile", "paused", "-n", "team-a"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("suspended"));
    // Checked before writing, as flux does: nothing was annotated.
    assert_eq!(
        env.receiver("team-a", "paused")["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );
}

#[test]
fn export_keeps_labels_and_annotations_and_says_when_nothing_is_there() {
    let env = fixture();
    env.ok(&["reconcile", "github-receiver", "--timeout", "10s"]);
    let exported = env.ok(&["export", "github-receiver"]);
    assert!(
        exported.starts_with("---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\n"),
        "{exported}"
    );
    assert!(exported.contains("    reconcile.fluxcd.io/requestedAt: "), "{exported}");
    assert!(exported.contains("    team: platform\n"), "{exported}");
    assert!(
        !exported.contains("status:") && !exported.contains("resourceVersion"),
        "{exported}"
    );

    env.emulator
        .put_object(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "empty"}}));
    let output = env.run(&["export", "--all", "-n", "empty"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no objects found in empty namespace"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn list_pages_through_many_receivers_with_few_requests() {
    let emulator = BackgroundEmulator::start(Options {
        seed_receivers: 1200,
        ..Options::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    emulator.write_kubeconfig(&kubeconfig).unwrap();
    emulator.reset_requests();
    let output = common::flux_receiver()
        .env("KUBECONFIG", &kubeconfig)
        .args(["list", "-A", "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let rows: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1200);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["ready"] == "True" && r["problem"].is_null())
    );
    let requests: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.verb, r.resource))
        .collect();
    // 3 pages of Receivers, 3 of Secrets, then the address look-ups.
    assert_eq!(
        requests.iter().filter(|r| *r == "list receivers").count(),
        3,
        "{requests:?}"
    );
    assert_eq!(
        requests.iter().filter(|r| *r == "list secrets").count(),
        3,
        "{requests:?}"
    );
    assert!(requests.len() <= 10, "{requests:?}");
}

/// An emulator whose controller never gets round to reconciling, so each
/// Receiver shows exactly the status the test wrote.
fn frozen() -> Env {
    Env::start(Options {
        controller_delay: Duration::from_secs(600),
        ..Options::default()
    })
}

#[test]
fn rows_for_unreconciled_receivers_other_secret_types_and_tokenless_secrets() {
    let env = frozen();
    let e = &env.emulator;
    // Never reconciled: flux shows READY False, "waiting to be reconciled".
    e.put_object(receiver("flux-system", "fresh", "github", "fresh-token", json!({})));
    e.put_object(secret("flux-system", "fresh-token", "t", json!({})));
    // A token Secret that is not Opaque is still found.
    let mut typed = receiver("flux-system", "typed", "gitlab", "typed-token", json!({}));
    let served = receiver::webhook_path("t2", "typed", "flux-system");
    typed["status"] = json!({"webhookPath": served,
        "conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded",
                        "message": format!("Receiver initialized for path: {served}"),
                        "lastTransitionTime": "2026-01-01T00:00:00Z"}]});
    e.put_object(typed);
    let mut typed_secret = secret("flux-system", "typed-token", "t2", json!({}));
    typed_secret["type"] = json!("example.com/webhook-token");
    e.put_object(typed_secret);
    // A Secret without a token.
    e.put_object(receiver(
        "flux-system",
        "tokenless",
        "generic",
        "empty-token",
        json!({}),
    ));
    e.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                        "metadata": {"name": "empty-token", "namespace": "flux-system"},
                        "stringData": {"other": "x"}}));

    let status = env.ok(&["list", "-o", "status"]);
    let fresh = status.lines().find(|l| l.starts_with("fresh ")).unwrap();
    assert!(
        fresh.contains("False") && fresh.ends_with("waiting to be reconciled"),
        "{status}"
    );

    let output = env.run(&["list", "-o", "json"]);
    assert!(output.status.success());
    let rows: Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("typed")["problem"],
        Value::Null,
        "a non-Opaque Secret is not missing"
    );
    assert_eq!(row("tokenless")["problem"]["kind"], "tokenMissing");
    let stderr = String::from_utf8(env.run(&["list"]).stderr).unwrap();
    assert!(
        stderr.contains(
            "flux-system/tokenless: Secret 'empty-token' has no 'token' key, so the Receiver has no hook; \
             add one with `flux-receiver secret empty-token --type generic -n flux-system`"
        ),
        "{stderr}"
    );
}

#[test]
fn fixes_below_the_table_name_the_type_the_namespace_and_resume_for_a_suspended_receiver() {
    let env = fixture();
    let stderr = String::from_utf8(env.run(&["list", "-A"]).stderr).unwrap();
    assert!(
        stderr.contains("create it with `flux-receiver secret gitlab-token --type gitlab -n flux-system`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("it is suspended: `flux-receiver resume drifted -n team-a` applies it"),
        "{stderr}"
    );
}

#[test]
fn get_with_a_name_honours_the_output_format_and_refuses_what_cannot_apply() {
    let env = fixture();
    let rows: Value = serde_json::from_str(&env.ok(&["get", "paused", "-n", "team-a", "-o", "json"])).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["name"], "paused");
    assert_eq!(rows[0]["suspended"], true);
    let yaml = env.ok(&["get", "paused", "-n", "team-a", "-o", "yaml"]);
    assert!(yaml.contains("name: paused\n"), "{yaml}");
    let hosted = env.ok(&["get", "github-receiver", "--hostname", "hooks.example.org"]);
    assert!(hosted.contains("https://hooks.example.org/hook/"), "{hosted}");

    let missing = env.run(&["get", "nothing-here", "-o", "json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("Receiver flux-system/nothing-here not found"));
    for args in [
        vec!["get", "paused", "-A"],
        vec!["get", "paused", "-l", "team=platform"],
        vec!["get", "paused", "--context", "a", "--context", "b"],
    ] {
        let output = env.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1, "{args:?}");
    }
}

#[test]
fn urls_from_a_node_port_or_an_ingress_and_a_hint_when_nothing_exposes_the_hook() {
    let env = Env::start(Options::default());
    env.emulator.put_object(secret("flux-system", "token", "t", json!({})));
    env.emulator
        .put_object(receiver("flux-system", "hooked", "github", "token", json!({})));
    env.settled("flux-system", "hooked");
    let path = receiver::webhook_path("t", "hooked", "flux-system");
    let url = |env: &Env| {
        let rows: Value = serde_json::from_str(&env.ok(&["list", "-o", "json"])).unwrap();
        rows[0]["url"].clone()
    };

    // Nothing exposes it: the path alone, and a hint on how to expose it.
    let output = env.run(&["list"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("   {path}\n")));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("run `flux-receiver expose`, pass --hostname"),
        "{stderr}"
    );

    // An Ingress in front of Flux's stock webhook-receiver Service.
    env.emulator.put_object(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "webhooks", "namespace": "flux-system"},
        "spec": {"tls": [{"hosts": ["hooks.example.org"]}],
                 "rules": [{"host": "hooks.example.org", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "webhook-receiver", "port": {"number": 80}}}}]}}]}
    }));
    assert_eq!(url(&env), json!(format!("https://hooks.example.org{path}")));

    // A NodePort Service comes first, through a node's address.
    env.ok(&["expose", "--type", "NodePort", "--timeout", "10s"]);
    let found = url(&env);
    let found = found.as_str().unwrap();
    assert!(found.starts_with("http://") && found.ends_with(&path), "{found}");
    assert!(!found.contains("hooks.example.org"), "{found}");
}

#[test]
fn secrets_that_cannot_be_read_leave_the_rows_and_say_so() {
    let env = fixture();
    env.emulator.deny("list", "secrets");
    let output = env.run(&["list", "-A"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 5, "a header and four rows:\n{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Secrets not checked") && stderr.contains("forbidden"),
        "{stderr}"
    );
}

#[test]
fn what_the_cluster_stored_is_shown_escaped() {
    // A Receiver written by someone else, with an event and a label that
    // carry escape sequences and line breaks: tables, get and the
    // one-line messages show them escaped, never raw.
    let env = Env::start(Options::default());
    env.emulator
        .put_object(secret("flux-system", "hostile", "t", json!({})));
    env.emulator.put_object(
        json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
        "metadata": {"name": "hostile", "namespace": "flux-system"},
        "spec": {"type": "generic", "events": ["push\u{1b}[2J", "a\nb"], "secretRef": {"name": "hostile"},
                 "resources": [{"kind": "GitRepository", "name": "app"}]}}),
    );
    env.settled("flux-system", "hostile");
    for args in [&["get", "-A", "-o", "wide"][..], &["list"][..], &["get", "hostile"][..]] {
        let output = env.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(!stdout.contains('\u{1b}'), "{args:?} printed an escape raw: {stdout:?}");
        if args.contains(&"wide") || args.contains(&"get") {
            assert!(
                stdout.contains("push\\u{1b}[2J") && stdout.contains("a\\nb"),
                "{args:?}: {stdout}"
            );
        }
    }
}

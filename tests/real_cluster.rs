//! The end-to-end scenarios against the real control plane: a real
//! kube-apiserver with RBAC and the real notification-controller, started by
//! `testenv/run` (see testenv/README.md), which sets
//! `FLUX_RECEIVER_E2E_KUBECONFIG` and `FLUX_RECEIVER_E2E_WEBHOOK`. Without
//! them every test here fails: run `testenv/run cargo test`, or leave them
//! out of the inner loop with `cargo test --workspace -- --skip real::`.
//!
//! Each test works in a namespace of its own. The test control plane has no
//! kube-controller-manager, so a deleted namespace would stay Terminating:
//! namespaces are left in place and die with the control plane.

mod common;

mod real {
    use std::io::Write;
    use std::path::PathBuf;
    use std::process::{Command, Output};
    use std::time::{Duration, Instant};

    use super::common;

    /// `post` with a text body.
    fn post(url: &str, headers: &[(&str, &str)], body: &str) -> u16 {
        common::post(url, headers, body.as_bytes())
    }

    const KUBECONFIG: &str = "FLUX_RECEIVER_E2E_KUBECONFIG";
    const WEBHOOK: &str = "FLUX_RECEIVER_E2E_WEBHOOK";

    /// A namespace of the test's own in the real cluster.
    struct Namespace {
        kubeconfig: PathBuf,
        webhook: String,
        name: String,
    }

    impl Namespace {
        fn create(test: &str) -> Namespace {
            let (Some(kubeconfig), Ok(webhook)) = (std::env::var_os(KUBECONFIG), std::env::var(WEBHOOK)) else {
                panic!("{KUBECONFIG} and {WEBHOOK} are not set: run the tests under testenv/run (see the README)");
            };
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            let namespace = Namespace {
                kubeconfig: PathBuf::from(kubeconfig),
                webhook: webhook.trim().to_owned(),
                name: format!("{test}-{nanos:08x}"),
            };
            ok_kubectl(&namespace.kubectl(&["create", "namespace", &namespace.name]));
            namespace
        }

        fn kubectl(&self, args: &[&str]) -> Output {
            self.kubectl_with_stdin(args, "")
        }

        fn kubectl_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
            let mut child = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(&self.kubeconfig)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("kubectl runs");
            child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
            child.wait_with_output().unwrap()
        }

        /// Applies YAML in this namespace.
        fn apply(&self, yaml: &str) {
            ok_kubectl(&self.kubectl_with_stdin(&["apply", "-n", &self.name, "-f", "-"], yaml));
        }

        /// A GitRepository the controller can annotate (nothing reconciles it).
        fn git_repository(&self, name: &str, labels: &str) {
            self.apply(&format!(
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nspec:\n  interval: 1h\n  url: https://example.com/{name}.git\n"
            ));
        }

        /// The `reconcile.fluxcd.io/requestedAt` annotation of an object.
        fn requested_at(&self, resource: &str, name: &str) -> String {
            let output = self.kubectl(&[
                "get",
                resource,
                name,
                "-n",
                &self.name,
                "-o",
                r"jsonpath={.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}",
            ]);
            ok_kubectl(&output)
        }

        /// Runs flux-receiver in this namespace against the real cluster.
        fn run(&self, args: &[&str]) -> Output {
            self.run_in(&self.name, args)
        }

        fn run_in(&self, namespace: &str, args: &[&str]) -> Output {
            common::flux_receiver()
                .env("KUBECONFIG", &self.kubeconfig)
                .args(args)
                .args(["-n", namespace, "--timeout", "1m"])
                .output()
                .expect("flux-receiver runs")
        }

        /// A token Secret `secret` and a Receiver `name` of `kind` using it
        /// for `resource`, both written by flux-receiver; returns `create`'s stdout.
        fn secret_and_receiver(&self, name: &str, kind: &str, secret: &str, resource: &str) -> String {
            ok(&self.run(&["secret", secret, "--type", kind]));
            ok(&self.run(&[
                "create",
                name,
                "--type",
                kind,
                "--secret-ref",
                secret,
                "--resource",
                resource,
            ]))
        }

        /// `trigger` with the controller's real webhook address and no retries.
        fn trigger(&self, name: &str, extra: &[&str]) -> Output {
            let mut args = vec!["trigger", name, "--hostname", &self.webhook, "--retries", "0"];
            args.extend_from_slice(extra);
            self.run(&args)
        }

        /// The Receiver's served path, from its status.
        fn webhook_path(&self, name: &str) -> String {
            ok_kubectl(&self.kubectl(&[
                "get",
                "receiver",
                name,
                "-n",
                &self.name,
                "-o",
                "jsonpath={.status.webhookPath}",
            ]))
        }

        /// The token in a Secret, decoded.
        fn token(&self, secret: &str) -> String {
            let encoded = ok_kubectl(&self.kubectl(&[
                "get",
                "secret",
                secret,
                "-n",
                &self.name,
                "-o",
                "jsonpath={.data.token}",
            ]));
            use base64::Engine;
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap()).unwrap()
        }
    }

    fn ok(output: &Output) -> String {
        assert!(
            output.status.success(),
            "exit {:?}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn ok_kubectl(output: &Output) -> String {
        ok(output)
    }

    fn stderr(output: &Output) -> String {
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    /// Waits until `check` holds, for at most 30 s.
    fn eventually(what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !check() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The seed guide's whole chain: secret, create, expose, list, then a
    /// webhook to the controller's receiver port reconciles the source.
    #[test]
    fn the_seed_guides_chain_reconciles_the_source() {
        let ns = Namespace::create("chain");
        ns.git_repository("app", "");
        ok(&ns.run(&["secret", "webhook-token", "--type", "github"]));
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
        assert!(created.contains("is ready"), "{created}");
        // The Service goes where Flux runs: flux-system, as in the guide. No
        // load balancer is provisioned on loopback: do not wait for one.
        ok(&ns.run_in("flux-system", &["expose", "--no-wait"]));
        let listed = ok(&ns.run(&["list", "-o", "json", "--hostname", &ns.webhook]));
        let rows: serde_json::Value = serde_json::from_str(&listed).unwrap();
        assert_eq!(rows[0]["name"], "github-receiver", "{listed}");
        assert_eq!(rows[0]["ready"], "True", "{listed}");
        let path = ns.webhook_path("github-receiver");
        assert!(path.starts_with("/hook/"), "{path}");
        assert!(listed.contains(&format!("{}{path}", ns.webhook)), "{listed}");
        // The path is flux's: sha256(token + name + namespace).
        let offline = ok(&ns.run(&["url", "github-receiver", "--token", &ns.token("webhook-token")]));
        assert_eq!(offline.trim(), path);

        assert_eq!(ns.requested_at("gitrepository", "app"), "");
        ok(&ns.trigger("github-receiver", &["--event", "push"]));
        eventually("the GitRepository to be annotated", || {
            !ns.requested_at("gitrepository", "app").is_empty()
        });
        // kubectl reads what we wrote.
        let receiver = ok_kubectl(&ns.kubectl(&["get", "receiver", "github-receiver", "-n", &ns.name, "-o", "json"]));
        let receiver: serde_json::Value = serde_json::from_str(&receiver).unwrap();
        assert_eq!(receiver["spec"]["secretRef"]["name"], "webhook-token");
        assert_eq!(receiver["spec"]["events"], serde_json::json!(["ping", "push"]));
    }

    /// Every type that can be exercised offline: `trigger` is accepted and
    /// reconciles; a wrong token is refused (wrong signature where the type
    /// signs, wrong path where the token is only in the URL).
    #[test]
    fn every_offline_type_triggers_and_refuses_a_wrong_token() {
        let ns = Namespace::create("types");
        let signed = ["generic-hmac", "github", "gitlab", "bitbucket", "harbor", "nexus"];
        let unsigned = ["generic", "quay", "dockerhub", "acr", "cdevents"];
        for kind in signed.iter().chain(&unsigned) {
            let repository = format!("repo-{kind}");
            ns.git_repository(&repository, "");
            let name = format!("r-{kind}");
            ns.secret_and_receiver(&name, kind, &name, &format!("GitRepository/{repository}"));
            let before = ns.requested_at("gitrepository", &repository);
            let output = ns.trigger(&name, &[]);
            ok(&output);
            eventually(&format!("{kind}: the GitRepository to be annotated"), || {
                ns.requested_at("gitrepository", &repository) != before
            });

            let wrong = "not-the-token-0123456789abcdef";
            let output = if signed.contains(kind) {
                // The right path, signed with the wrong token.
                ns.trigger(&name, &["--token", wrong])
            } else {
                let path = ok(&ns.run(&["url", &name, "--token", wrong]));
                let url = format!("{}{}", ns.webhook, path.trim());
                ns.run(&["trigger", &name, "--retries", "0", "--token", wrong, "--url", &url])
            };
            assert!(!output.status.success(), "{kind}: a wrong token was accepted");
            let expected = if signed.contains(kind) { "400" } else { "404" };
            assert!(stderr(&output).contains(expected), "{kind}: {}", stderr(&output));
        }
    }

    /// A body GitHub would send with a bad signature gets 400 from the
    /// controller, and a request to an unknown path 404.
    #[test]
    fn the_controller_refuses_bad_signatures_and_unknown_paths() {
        let ns = Namespace::create("refuse");
        ns.git_repository("app", "");
        ns.secret_and_receiver("gh", "github", "tk", "GitRepository/app");
        let url = format!("{}{}", ns.webhook, ns.webhook_path("gh"));
        let headers = [
            ("X-GitHub-Event", "push"),
            (
                "X-Hub-Signature-256",
                "sha256=0000000000000000000000000000000000000000000000000000000000000000",
            ),
        ];
        assert_eq!(post(&url, &headers, "{}"), 400);
        assert_eq!(post(&format!("{}/hook/0000", ns.webhook), &headers, "{}"), 404);
        // A query string or a trailing slash is another path to the controller.
        assert_eq!(post(&format!("{url}/"), &headers, "{}"), 404);
        assert_eq!(ns.requested_at("gitrepository", "app"), "");
    }

    /// `rotate`: the old path answers 404 and the new one 200, within --timeout.
    #[test]
    fn rotate_moves_the_served_path() {
        let ns = Namespace::create("rotate");
        ns.git_repository("app", "");
        ns.secret_and_receiver("rx", "generic", "tk", "GitRepository/app");
        let old = ns.webhook_path("rx");
        ok(&ns.run(&["rotate", "rx", "--yes"]));
        let new = ns.webhook_path("rx");
        assert_ne!(old, new, "rotate returned before the controller served the new path");
        assert_eq!(post(&format!("{}{old}", ns.webhook), &[], "{}"), 404);
        assert_eq!(post(&format!("{}{new}", ns.webhook), &[], "{}"), 200);
    }

    /// `suspend` makes the hook answer 503, `resume` 200 again.
    #[test]
    fn suspend_answers_503_until_resumed() {
        let ns = Namespace::create("suspend");
        ns.git_repository("app", "");
        ns.secret_and_receiver("rx", "generic", "tk", "GitRepository/app");
        let url = format!("{}{}", ns.webhook, ns.webhook_path("rx"));
        assert_eq!(post(&url, &[], "{}"), 200);
        ok(&ns.run(&["suspend", "rx"]));
        eventually("the suspended hook to answer 503", || post(&url, &[], "{}") == 503);
        let refused = ns.trigger("rx", &[]);
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("503"), "{}", stderr(&refused));
        ok(&ns.run(&["resume", "rx"]));
        assert_eq!(post(&url, &[], "{}"), 200);
    }

    /// `reconcile` is observed by the real controller, `get -o yaml` reads
    /// the Receiver, `delete` removes it, and a missing Secret is reported.
    #[test]
    fn reconcile_get_delete_and_not_ready() {
        let ns = Namespace::create("life");
        ns.git_repository("app", "");
        ns.secret_and_receiver("rx", "github", "tk", "GitRepository/app");
        ok(&ns.run(&["reconcile", "rx"]));
        let handled = ok_kubectl(&ns.kubectl(&[
            "get",
            "receiver",
            "rx",
            "-n",
            &ns.name,
            "-o",
            "jsonpath={.status.lastHandledReconcileAt}",
        ]));
        assert_eq!(
            handled,
            ns.requested_at("receiver", "rx"),
            "the controller handled our request"
        );
        let yaml = ok(&ns.run(&["get", "rx", "-o", "yaml"]));
        assert!(yaml.contains("name: r"), "{yaml}");
        ok(&ns.run(&["delete", "rx", "--silent"]));
        let gone = ns.kubectl(&["get", "receiver", "rx", "-n", &ns.name]);
        assert!(!gone.status.success());

        let output = ns.run(&[
            "create",
            "broken",
            "--type",
            "github",
            "--secret-ref",
            "missing",
            "--resource",
            "GitRepository/app",
        ]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(stderr(&output).contains("not ready"), "{}", stderr(&output));
    }

    /// `doctor` passes on a healthy Receiver and fails on a broken one.
    #[test]
    fn doctor_on_a_healthy_and_a_broken_receiver() {
        let ns = Namespace::create("doctor");
        ns.git_repository("app", "");
        ok(&ns.run(&["secret", "tk", "--type", "github"]));
        ok(&ns.run(&[
            "create",
            "rx",
            "--type",
            "github",
            "--event",
            "ping,push",
            "--secret-ref",
            "tk",
            "--resource",
            "GitRepository/app",
        ]));
        ok(&ns.run(&["doctor", "rx", "--hostname", &ns.webhook, "--send"]));
        // Broken: its source is gone.
        ok_kubectl(&ns.kubectl(&["delete", "gitrepository", "app", "-n", &ns.name]));
        let broken = ns.run(&["doctor", "rx", "--hostname", &ns.webhook]);
        assert!(!broken.status.success(), "{}", String::from_utf8_lossy(&broken.stdout));
    }

    /// `setup` creates the Secret, the Receiver and the Service, and what it
    /// prints reaches the real controller.
    #[test]
    fn setup_wires_a_working_hook() {
        let ns = Namespace::create("setup");
        ns.git_repository("app", "");
        let output = ok(&ns.run(&[
            "setup",
            "gh",
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--hostname",
            &ns.webhook,
            "--yes",
        ]));
        let path = ns.webhook_path("gh");
        assert!(output.contains(&format!("{}{path}", ns.webhook)), "{output}");
        ok(&ns.trigger("gh", &["--event", "push"]));
        eventually("the GitRepository to be annotated", || {
            !ns.requested_at("gitrepository", "app").is_empty()
        });
        // A re-run converges: the URL does not move.
        ok(&ns.run(&[
            "setup",
            "gh",
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--hostname",
            &ns.webhook,
            "--yes",
        ]));
        assert_eq!(ns.webhook_path("gh"), path);
    }

    /// The README's order, a Secret and a Receiver by hand and then `setup`:
    /// the served path stays, `url` reads it back, and another Secret is
    /// refused until --force.
    #[test]
    fn setup_over_a_receiver_made_by_hand_keeps_the_url() {
        let ns = Namespace::create("setup-hand");
        ns.git_repository("app", "");
        ns.secret_and_receiver("gh", "github", "hand-token", "GitRepository/app");
        let path = ns.webhook_path("gh");
        // No load balancers here: the controller's address is the hostname.
        let setup = [
            "setup",
            "gh",
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--hostname",
            &ns.webhook,
            "--yes",
        ];
        ok(&ns.run(&setup));
        assert_eq!(ns.webhook_path("gh"), path);
        assert_eq!(ok(&ns.run(&["url", "gh"])), format!("{}{path}\n", ns.webhook));
        ok(&ns.trigger("gh", &["--event", "push"]));

        let mut moved = setup.to_vec();
        moved.extend(["--secret-name", "other-token"]);
        let refused = ns.run(&moved);
        assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
        assert_eq!(ns.webhook_path("gh"), path);
        moved.push("--force");
        ok(&ns.run(&moved));
        let new_path = ns.webhook_path("gh");
        assert_eq!(
            new_path,
            receiver::webhook_path(&ns.token("other-token"), "gh", &ns.name)
        );
        assert_eq!(ok(&ns.run(&["url", "gh"])), format!("{}{new_path}\n", ns.webhook));
    }

    /// A Receiver may reference a source in another namespace; the real
    /// controller annotates it there.
    #[test]
    fn cross_namespace_references_reconcile() {
        let ns = Namespace::create("cross");
        let other = Namespace::create("cross-src");
        other.git_repository("app", "");
        ok(&ns.run(&["secret", "tk", "--type", "generic"]));
        ok(&ns.run(&[
            "create",
            "rx",
            "--type",
            "generic",
            "--secret-ref",
            "tk",
            "--resource",
            &format!("GitRepository/{}/app", other.name),
        ]));
        ok(&ns.trigger("rx", &[]));
        eventually("the other namespace's GitRepository to be annotated", || {
            !other.requested_at("gitrepository", "app").is_empty()
        });
    }

    /// `name: '*'` with matchLabels annotates the matching objects only.
    #[test]
    fn a_wildcard_with_labels_reconciles_the_matches() {
        let ns = Namespace::create("wild");
        ns.git_repository("match", "team: a");
        ns.git_repository("other", "team: b");
        ok(&ns.run(&["secret", "tk", "--type", "generic"]));
        ns.apply(
            "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: rx\nspec:\n  type: generic\n  secretRef:\n    name: tk\n  resources:\n  - kind: GitRepository\n    name: '*'\n    matchLabels:\n      team: a\n",
        );
        eventually("the Receiver to get its path", || !ns.webhook_path("rx").is_empty());
        ok(&ns.trigger("rx", &[]));
        eventually("the labelled GitRepository to be annotated", || {
            !ns.requested_at("gitrepository", "match").is_empty()
        });
        assert_eq!(ns.requested_at("gitrepository", "other"), "");
    }

    /// `create --resource 'Kind/*' --match-label` writes a wildcard the real
    /// controller resolves.
    #[test]
    fn create_with_a_wildcard_and_match_labels() {
        let ns = Namespace::create("wildflag");
        ns.git_repository("match", "team: a");
        ns.git_repository("other", "team: b");
        ok(&ns.run(&["secret", "tk", "--type", "generic"]));
        ok(&ns.run(&[
            "create",
            "rx",
            "--type",
            "generic",
            "--secret-ref",
            "tk",
            "--resource",
            "GitRepository/*",
            "--match-label",
            "team=a",
        ]));
        ok(&ns.trigger("rx", &[]));
        eventually("the labelled GitRepository to be annotated", || {
            !ns.requested_at("gitrepository", "match").is_empty()
        });
        assert_eq!(ns.requested_at("gitrepository", "other"), "");
    }

    /// A Kustomization has no default apiVersion in the controller: what
    /// flux's YAML says (no apiVersion) answers 500, what `create` writes
    /// in the cluster (with one) reconciles.
    #[test]
    fn kinds_without_a_default_api_version() {
        let ns = Namespace::create("apiversion");
        ns.git_repository("app", "");
        ns.apply(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\nspec:\n  interval: 1h\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: app\n",
        );
        ok(&ns.run(&["secret", "tk", "--type", "generic"]));
        let export = common::flux_receiver()
            .args([
                "create",
                "exported",
                "--type",
                "generic",
                "--secret-ref",
                "tk",
                "--resource",
                "Kustomization/app",
                "--export",
                "-n",
                &ns.name,
            ])
            .output()
            .unwrap();
        let yaml = ok(&export);
        assert!(!yaml.contains("apiVersion: kustomize"), "--export stays flux's: {yaml}");
        assert!(stderr(&export).contains("Kustomization/app"), "{}", stderr(&export));
        ns.apply(&yaml);
        eventually("the exported Receiver to get its path", || {
            !ns.webhook_path("exported").is_empty()
        });
        let url = format!("{}{}", ns.webhook, ns.webhook_path("exported"));
        assert_eq!(
            post(&url, &[], "{}"),
            500,
            "the controller cannot resolve a Kustomization without apiVersion"
        );

        ok(&ns.run(&[
            "create",
            "rx",
            "--type",
            "generic",
            "--secret-ref",
            "tk",
            "--resource",
            "Kustomization/app",
        ]));
        let url = format!("{}{}", ns.webhook, ns.webhook_path("rx"));
        assert_eq!(post(&url, &[], "{}"), 200);
        assert!(!ns.requested_at("kustomization", "app").is_empty());
    }

    /// `secret` labels the token Secret so the real controller watches it.
    #[test]
    fn token_secrets_are_watched_by_the_controller() {
        let ns = Namespace::create("watch");
        ok(&ns.run(&["secret", "tk", "--type", "generic"]));
        let label = ok_kubectl(&ns.kubectl(&[
            "get",
            "secret",
            "tk",
            "-n",
            &ns.name,
            "-o",
            r"jsonpath={.metadata.labels.reconcile\.fluxcd\.io/watch}",
        ]));
        assert_eq!(label, "Enabled");
    }
}

//! Issue 12's end to end on the real control plane (`testenv/run`, see
//! testenv/README.md): `setup --github-repo` registers the hook at the
//! fake GitHub (behind prism, which checks every request against GitHub's
//! OpenAPI description), and the fake then delivers, as GitHub would, to
//! the registered URL with the registered secret: the real
//! notification-controller must accept it and annotate the source.

mod common;

mod real {
    use std::process::Output;
    use std::time::{Duration, Instant};

    use serde_json::{Value, json};

    use super::common;
    use common::github::{FakeGithub, TOKEN};
    use common::testenv::{Namespace, ok};

    const SCOPE: &str = "/repos/acme/app";

    /// `setup app --github-repo acme/app` against the fake, the Receiver's
    /// address being the controller's loopback webhook port.
    fn setup(ns: &Namespace, github: &FakeGithub) -> Output {
        common::flux_receiver()
            .env("KUBECONFIG", &ns.kubeconfig)
            .env("GITHUB_TOKEN", TOKEN)
            .args(["setup", "app", "--type", "github", "--resource", "GitRepository/app"])
            .args(["--github-repo", "acme/app", "--github-api-url", &github.api_url])
            .args(["--hostname", &common::testenv::webhook(), "--yes"])
            .args(["-n", &ns.name, "--timeout", "1m"])
            .output()
            .expect("flux-receiver runs")
    }

    /// The Payload URL setup printed.
    fn payload_url(stdout: &str) -> String {
        stdout
            .lines()
            .find_map(|line| line.trim().strip_prefix("Payload URL"))
            .map(|url| url.trim().to_string())
            .unwrap_or_else(|| panic!("no Payload URL in {stdout}"))
    }

    /// The token of the Secret the Receiver uses.
    fn receiver_token(ns: &Namespace) -> String {
        use base64::Engine;
        let receiver = ns.object("receiver", "app");
        let secret = receiver["spec"]["secretRef"]["name"].as_str().expect("a secretRef");
        let data = ns.object("secret", secret)["data"]["token"]
            .as_str()
            .unwrap()
            .to_string();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap()
    }

    fn requested_at(ns: &Namespace) -> Option<String> {
        let repository = ns.object("gitrepository", "app");
        repository["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"]
            .as_str()
            .map(String::from)
    }

    /// Waits (30 s at most) for the GitRepository's `requestedAt` to be
    /// set and differ from `before`; the new value.
    fn annotated_after(ns: &Namespace, before: Option<&str>, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match requested_at(ns) {
                Some(now) if Some(now.as_str()) != before => return now,
                _ => {}
            }
            assert!(Instant::now() < deadline, "{what} did not annotate the GitRepository");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The one hook of acme/app.
    fn the_hook(github: &FakeGithub) -> common::github::StoredHook {
        let hooks = github.hooks(SCOPE);
        assert_eq!(hooks.len(), 1, "exactly one hook: {hooks:?}");
        hooks[0].clone()
    }

    #[test]
    fn setup_registers_a_github_hook_whose_deliveries_the_real_controller_accepts() {
        let Some(github) = FakeGithub::start() else { return };
        let (Some(pings), Some(pushes)) = (common::webhook_examples("ping"), common::webhook_examples("push")) else {
            return;
        };
        let ns = Namespace::create("github-e2e");
        ns.git_repository("app");

        let output = setup(&ns, &github);
        let stdout = ok(&output);
        let url = payload_url(&stdout);
        let served = ns.object("receiver", "app")["status"]["webhookPath"]
            .as_str()
            .expect("the Receiver is served")
            .to_string();
        assert_eq!(url, format!("{}{served}", common::testenv::webhook()));
        let token = receiver_token(&ns);
        let hook = the_hook(&github);
        assert_eq!(hook.config["url"], json!(url));
        assert_eq!(hook.config["secret"], json!(token));
        assert_eq!(hook.config["content_type"], "json");
        assert!(hook.active);

        // GitHub's creation ping, then a push to main: GitHub's own
        // example payloads, sent by the fake to the registered URL and
        // signed with the registered secret.
        let mut ping = pings
            .into_iter()
            .find(|p| p["hook"]["type"] == "Repository")
            .expect("a repository hook's ping");
        ping["hook_id"] = json!(hook.id);
        ping["hook"]["id"] = json!(hook.id);
        ping["hook"]["config"]["url"] = json!(url);
        assert_eq!(github.deliver(SCOPE, hook.id, "ping", &ping), 200);
        let after_ping = annotated_after(&ns, None, "the ping");
        let mut push: Value = pushes
            .into_iter()
            .find(|p| p["ref"].as_str().is_some_and(|r| r.starts_with("refs/heads/")))
            .expect("a branch push");
        push["ref"] = json!("refs/heads/main");
        assert_eq!(github.deliver(SCOPE, hook.id, "push", &push), 200);
        let after_push = annotated_after(&ns, Some(&after_ping), "the push");
        let deliveries = github.deliveries(SCOPE, hook.id);
        let answers: Vec<(&str, u16, &str)> = deliveries
            .iter()
            .map(|d| (d.event.as_str(), d.status_code, d.status.as_str()))
            .collect();
        assert_eq!(answers, [("ping", 200, "OK"), ("push", 200, "OK")]);
        assert!(deliveries.iter().all(|d| d.url == url));

        // Signed with another secret: the controller refuses it (400) and
        // annotates nothing.
        github.set_secret(SCOPE, hook.id, Some("not-the-receivers-token"));
        assert_eq!(github.deliver(SCOPE, hook.id, "push", &push), 400);
        assert_eq!(requested_at(&ns).as_deref(), Some(after_push.as_str()));

        // setup again: the same hook, updated (its secret put back), not a
        // second one; and the URL did not move.
        let again = ok(&setup(&ns, &github));
        assert_eq!(payload_url(&again), url);
        assert!(
            again.contains(&format!(
                "GitHub webhook updated: {}{SCOPE}/hooks (id {})",
                github.api_url, hook.id
            )),
            "{again}"
        );
        let updated = the_hook(&github);
        assert_eq!(updated.id, hook.id);
        assert_eq!(updated.config["url"], json!(url));
        assert_eq!(updated.config["secret"], json!(token));
        assert_eq!(receiver_token(&ns), token);
        // A redelivery of the refused push now goes through: GitHub
        // redelivers with the hook's current secret.
        let refused = github.deliveries(SCOPE, hook.id).pop().unwrap();
        assert_eq!(refused.status_code, 400);
        let attempt = github.call(
            "POST",
            &format!("{SCOPE}/hooks/{}/deliveries/{}/attempts", hook.id, refused.id),
            None,
        );
        assert_eq!(attempt.status, 202);
        let redelivered = github.deliveries(SCOPE, hook.id).pop().unwrap();
        assert!(redelivered.redelivery);
        assert_eq!(
            (redelivered.guid.as_str(), redelivered.status_code),
            (refused.guid.as_str(), 200)
        );
        annotated_after(&ns, Some(&after_push), "the redelivered push");
        github.assert_no_violations();
    }

    #[test]
    fn rotate_repoints_the_hook_and_its_redelivery_reaches_the_real_controller() {
        let Some(github) = FakeGithub::start() else { return };
        let Some(pushes) = common::webhook_examples("push") else {
            return;
        };
        let ns = Namespace::create("github-rotate");
        ns.git_repository("app");
        let old_url = payload_url(&ok(&setup(&ns, &github)));
        let old_token = receiver_token(&ns);
        let hook = the_hook(&github);
        let mut push: Value = pushes
            .into_iter()
            .find(|p| p["ref"].as_str().is_some_and(|r| r.starts_with("refs/heads/")))
            .expect("a branch push");
        push["ref"] = json!("refs/heads/main");
        // A push GitHub could not deliver as the rotation began (the real
        // controller closes the window too fast to aim one into it
        // reliably; the emulator's test, tests/github_lifecycle.rs, does).
        let now = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap().to_string();
        let lost = github.record_delivery(
            SCOPE,
            hook.id,
            common::github::Planted {
                payload: push.clone(),
                ..common::github::Planted::new("push", 404, &now)
            },
        );
        let before = requested_at(&ns);

        let output = common::flux_receiver()
            .env("KUBECONFIG", &ns.kubeconfig)
            .env("GITHUB_TOKEN", TOKEN)
            .args(["rotate", "app", "--yes", "-n", &ns.name, "--timeout", "1m"])
            .args(["--github-repo", "acme/app", "--github-api-url", &github.api_url])
            .args(["--hostname", &common::testenv::webhook()])
            .output()
            .expect("flux-receiver runs");
        let stdout = ok(&output);
        let new_token = receiver_token(&ns);
        assert_ne!(new_token, old_token);
        let served = ns.object("receiver", "app")["status"]["webhookPath"]
            .as_str()
            .unwrap()
            .to_string();
        let new_url = format!("{}{served}", common::testenv::webhook());
        assert_ne!(new_url, old_url);
        let repointed = the_hook(&github);
        assert_eq!(repointed.id, hook.id);
        assert_eq!(repointed.config["url"], json!(new_url));
        assert_eq!(repointed.config["secret"], json!(new_token));
        assert!(
            stdout.contains("✔ redelivered 1 deliveries that failed during the rotation: push"),
            "{stdout}"
        );
        assert!(stdout.contains("accepted by the Receiver: 1 of 1"), "{stdout}");
        let redelivered = github.deliveries(SCOPE, hook.id).pop().unwrap();
        assert!(redelivered.redelivery);
        assert_eq!(redelivered.guid, lost.guid);
        assert_eq!(
            (redelivered.url.as_str(), redelivered.status_code),
            (new_url.as_str(), 200)
        );
        annotated_after(&ns, before.as_deref(), "the redelivered push");
        // The old URL is dead at the real controller: 404.
        let body = serde_json::to_vec(&push).unwrap();
        let signature = format!("sha256={}", common::github::hmac_sha256(&old_token, &body));
        let headers = [("X-GitHub-Event", "push"), ("X-Hub-Signature-256", signature.as_str())];
        assert_eq!(common::post(&old_url, &headers, &body), 404);
        github.assert_no_violations();
    }
}

//! `setup`, `rotate` and `doctor` end to end against the emulator, with
//! golden files for the tables they print.

mod common;

use std::time::Duration;

use kube_emulator::Options;
use serde_json::json;

use common::EmulatedCluster as Env;

/// An emulated cluster with the GitRepository the examples reference.
fn start(options: Options) -> Env {
    let env = Env::start(options.clone());
    if options.with_flux {
        env.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                       "metadata": {"name": "my-nginx", "namespace": "flux-system"}, "spec": {"url": "https://example.com/x.git"}}));
    }
    env
}

/// Helpers this file's tests share.
impl Env {
    fn token(&self, name: &str) -> String {
        use base64::Engine;
        let secret = self
            .emulator
            .get_object("v1", "secrets", Some("flux-system"), name)
            .unwrap();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(secret["data"]["token"].as_str().unwrap())
                .unwrap(),
        )
        .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SETUP: [&str; 7] = [
    "setup",
    "github-receiver",
    "--type",
    "github",
    "--resource",
    "GitRepository/my-nginx",
    "--yes",
];

#[test]
fn setup_does_the_seed_guide_and_converges() {
    let env = start(Options::default());
    let output = env.run_with_stdin(&SETUP, "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let token = env.token("github-receiver");
    let path = receiver::webhook_path(&token, "github-receiver", "flux-system");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!("Payload URL   http://198.51.100.10{path}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Content type  application/json") && stdout.contains("Events        Just the push event"),
        "{stdout}"
    );
    assert!(!stdout.contains(&token), "the token is shown only with --show-token");
    assert!(
        env.emulator
            .get_object("v1", "services", Some("flux-system"), "receiver")
            .is_some()
    );

    // Again: same token, the Service reused, nothing new.
    let output = env.run_with_stdin(&SETUP, "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(env.token("github-receiver"), token);
    assert!(
        text(&output.stderr).contains("reusing LoadBalancer Service 'receiver'"),
        "{}",
        text(&output.stderr)
    );

    // With --show-token, the table holds what to paste as the secret.
    let mut args = SETUP.to_vec();
    args.push("--show-token");
    let output = env.run_with_stdin(&args, "");
    assert!(text(&output.stdout).contains(&format!("Secret        {token}")));
}

#[test]
fn setup_keeps_a_token_secret_created_between_its_read_and_its_create() {
    // Another writer creates the token Secret after setup found none: the
    // create gets 409, setup reads it again and the Receiver serves the
    // path of *their* token, which setup did not overwrite.
    let env = start(Options::default());
    let theirs = json!({"apiVersion": "v1", "kind": "Secret",
                        "metadata": {"name": "github-receiver", "namespace": "flux-system"},
                        "stringData": {"token": "their-token"}});
    env.emulator.inject_fault(
        "get",
        "secrets",
        kube_emulator::Fault::CreatedMeanwhile(Box::new(theirs)),
        1,
    );
    let output = env.run_with_stdin(&SETUP, "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(env.token("github-receiver"), "their-token");
    let path = receiver::webhook_path("their-token", "github-receiver", "flux-system");
    assert!(text(&output.stdout).contains(&path), "{}", text(&output.stdout));
    let lost = env
        .emulator
        .requests()
        .iter()
        .any(|r| r.verb == "create" && r.resource == "secrets" && r.status == 409);
    assert!(lost, "the race was run: setup's create found the Secret there");
}

#[test]
fn setup_paste_table_golden() {
    let env = start(Options::default());
    let output = env.run_with_stdin(
        &[
            "setup",
            "github-receiver",
            "--type",
            "github",
            "--resource",
            "GitRepository/my-nginx",
            "--yes",
            "--token-stdin",
            "--show-token",
        ],
        "secret-token-dont-share\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    common::assert_golden("setup-github.txt", &output.stdout);
}

#[test]
fn setup_names_the_failed_step_and_resumes() {
    let env = start(Options::default());
    // Someone else changes the Receiver between setup's steps: step 2 fails
    // after step 1 wrote the Secret.
    env.emulator
        .inject_fault("patch", "receivers", kube_emulator::Fault::Conflict, 1);
    let output = env.run_with_stdin(&SETUP, "");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("step 2/4 (Receiver) failed: cannot patch receivers"),
        "{}",
        text(&output.stderr)
    );
    let token = env.token("github-receiver");
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "github-receiver"
            )
            .is_none(),
        "nothing after the failed step was written"
    );
    // A re-run resumes: the Secret (and its token) from the first run is
    // kept, the rest is created.
    let output = env.run_with_stdin(&SETUP, "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("Secret flux-system/github-receiver unchanged"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(env.token("github-receiver"), token);
    let path = receiver::webhook_path(&token, "github-receiver", "flux-system");
    assert!(text(&output.stdout).contains(&path), "{}", text(&output.stdout));
}

#[test]
fn setup_without_a_permission_it_needs_later_writes_nothing() {
    let env = start(Options::default());
    env.emulator.deny("watch", "receivers");
    let output = env.run_with_stdin(&SETUP, "");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: forbidden: you may not watch receivers.notification.toolkit.fluxcd.io in namespace 'flux-system', \
         which setup needs; nothing was written (`flux-receiver rbac setup` lists every rule it needs)"
    );
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "github-receiver")
            .is_none(),
        "no Secret written"
    );
}

#[test]
fn setup_without_flags_and_without_a_terminal_says_what_is_missing() {
    let env = start(Options::default());
    let output = env.run_with_stdin(&["setup", "rx"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("missing required argument: --type <TYPE>"));
}

#[test]
fn setup_export_is_one_multi_document_manifest() {
    let output = common::flux_receiver()
        .args([
            "setup",
            "github-receiver",
            "--type",
            "github",
            "--resource",
            "GitRepository/my-nginx",
            "--token-stdin",
            "--export",
        ])
        .write_stdin("test-token\n")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    common::assert_golden("setup-export.yaml", &output.stdout);
}

#[test]
fn rotate_moves_the_url_and_says_so() {
    let env = start(Options::default());
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    let old = env.token("github-receiver");

    let dry = env.run_with_stdin(
        &["rotate", "github-receiver", "--dry-run", "--token-stdin"],
        "new-token\n",
    );
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let new_path = receiver::webhook_path("new-token", "github-receiver", "flux-system");
    assert!(text(&dry.stdout).contains(&new_path) && text(&dry.stdout).contains("dry run"));
    assert_eq!(env.token("github-receiver"), old, "a dry run changes nothing");

    let refused = env.run_with_stdin(&["rotate", "github-receiver", "--token-stdin"], "new-token\n");
    assert_eq!(refused.status.code(), Some(2), "no terminal and no --yes");

    let output = env.run_with_stdin(
        &[
            "rotate",
            "github-receiver",
            "--token-stdin",
            "--yes",
            "--show-old-token",
        ],
        "new-token\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(env.token("github-receiver"), "new-token");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!("old token (for a rollback): {old}")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("http://198.51.100.10{new_path}")), "{stdout}");
    assert!(text(&output.stderr).contains("update the provider's webhook now"));
    let served = env
        .emulator
        .get_object(
            "notification.toolkit.fluxcd.io/v1",
            "receivers",
            Some("flux-system"),
            "github-receiver",
        )
        .unwrap();
    assert_eq!(served["status"]["webhookPath"], new_path.as_str());
}

#[test]
fn rotate_stops_at_once_when_the_secret_changed_meanwhile() {
    let env = start(Options::default());
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    let old = env.token("github-receiver");
    env.emulator
        .inject_fault("patch", "secrets", kube_emulator::Fault::Conflict, 100);
    let output = env.run_with_stdin(&["rotate", "github-receiver", "--yes", "--token-stdin"], "new-token\n");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("changed by someone else meanwhile"), "{stderr}");
    let patches = env
        .emulator
        .requests()
        .iter()
        .filter(|r| r.verb == "patch" && r.resource == "secrets")
        .count();
    assert_eq!(patches, 1, "a stale write is not repeated");
    assert_eq!(env.token("github-receiver"), old);
}

#[test]
fn rotate_table_golden() {
    let env = start(Options::default());
    let mut setup = SETUP.to_vec();
    setup.push("--token-stdin");
    assert!(env.run_with_stdin(&setup, "golden-old-token\n").status.success());
    let output = env.run_with_stdin(
        &["rotate", "github-receiver", "--yes", "--token-stdin", "--show-token"],
        "golden-new-token\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    common::assert_golden("rotate-github.txt", &output.stdout);
    let output = env.run_with_stdin(&["rotate", "github-receiver", "--dry-run"], "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("the new URL above is for a sample token"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn doctor_passes_a_healthy_setup_and_sends_a_signed_ping() {
    let env = start(Options::default());
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    let webhooks = env.emulator.webhook_url();
    let output = env.run_with_stdin(&["doctor", "--send", "--hostname", &webhooks], "");
    assert!(
        output.status.success(),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("✔ Flux CRDs installed"), "{stdout}");
    assert!(stdout.contains("✔   a signed test event to"), "{stdout}");
    assert!(!stdout.contains('✗'), "{stdout}");
}

#[test]
fn doctor_healthy_table_golden() {
    let env = start(Options::default());
    let mut setup = SETUP.to_vec();
    setup.push("--token-stdin");
    assert!(env.run_with_stdin(&setup, "golden-token\n").status.success());
    let output = env.run_with_stdin(&["doctor", "github-receiver"], "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    common::assert_golden("doctor-healthy.txt", &output.stdout);
}

#[test]
fn doctor_finds_every_broken_link() {
    let env = start(Options::default());
    // A Receiver whose Secret is missing and whose resource does not exist, no exposure.
    let output = env.run_with_stdin(
        &[
            "create",
            "broken",
            "--type",
            "github",
            "--secret-ref",
            "missing",
            "--resource",
            "GitRepository/nothing",
            "--event",
            "pushh",
            "--no-wait",
        ],
        "",
    );
    assert!(output.status.success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    let output = env.run_with_stdin(&["doctor"], "");
    assert_eq!(output.status.code(), Some(1));
    common::assert_golden("doctor-broken.txt", &output.stdout);
    assert!(text(&output.stderr).contains("checks failed"));
}

#[test]
fn doctor_without_flux() {
    let env = start(Options {
        with_flux: false,
        ..Options::default()
    });
    let output = env.run_with_stdin(&["doctor"], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("✗ Flux CRDs are not installed"));
}

#[test]
fn setup_refuses_gcr_before_asking_anything() {
    let env = start(Options::default());
    // No --resource either: the gcr refusal comes first, naming the flag.
    let output = env.run_with_stdin(&["setup", "rx", "--type", "gcr"], "");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("invalid value 'gcr' for '--type <TYPE>'"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn setup_with_a_hostname_still_exposes_and_every_secret_is_in_the_table() {
    let env = start(Options::default());
    let output = env.run_with_stdin(
        &[
            "setup",
            "nexus-receiver",
            "--type",
            "nexus",
            "--resource",
            "GitRepository/my-nginx",
            "--hostname",
            "flux.example.com",
            "--yes",
        ],
        "",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("Payload URL   https://flux.example.com/hook/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Secret Key    (hidden; re-run with --show-token"),
        "{stdout}"
    );
    assert!(
        env.emulator
            .get_object("v1", "services", Some("flux-system"), "receiver")
            .is_some(),
        "--hostname names the URL; the Service still reaches the controller"
    );
}

#[test]
fn setup_warns_that_a_cluster_ip_is_not_reachable_from_outside() {
    let env = start(Options::default());
    let output = env.run_with_stdin(
        &[
            "setup",
            "github-receiver",
            "--type",
            "github",
            "--resource",
            "GitRepository/my-nginx",
            "--service-type",
            "ClusterIP",
            "--yes",
        ],
        "",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("reachable only from inside the cluster"), "{stderr}");
}

/// The README's order: a Secret and a Receiver made by hand, then `setup`.
fn made_by_hand(env: &Env) -> String {
    let secret = env.run(&["secret", "webhook-token", "--type", "github"]);
    assert!(secret.status.success(), "{}", text(&secret.stderr));
    let create = env.run(&[
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
    ]);
    assert!(create.status.success(), "{}", text(&create.stderr));
    served_path(env, "github-receiver")
}

fn served_path(env: &Env, name: &str) -> String {
    let receiver = env
        .emulator
        .get_object(
            "notification.toolkit.fluxcd.io/v1",
            "receivers",
            Some("flux-system"),
            name,
        )
        .unwrap();
    receiver["status"]["webhookPath"].as_str().unwrap().to_string()
}

#[test]
fn setup_over_a_receiver_made_by_hand_keeps_its_secret_and_url() {
    let env = start(Options::default());
    let path = made_by_hand(&env);
    let token = env.token("webhook-token");

    let output = env.run(&SETUP);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(served_path(&env, "github-receiver"), path, "the URL does not move");
    assert_eq!(env.token("webhook-token"), token, "the token is kept");
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "github-receiver")
            .is_none(),
        "no second Secret"
    );
    assert!(text(&output.stdout).contains(&path), "{}", text(&output.stdout));
    assert!(
        text(&output.stderr).contains("keeping Secret flux-system/webhook-token"),
        "{}",
        text(&output.stderr)
    );
    // The hint for reading the token names the Secret actually used.
    assert!(
        text(&output.stdout).contains("get secret webhook-token"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn setup_refuses_to_move_a_working_url_without_force() {
    let env = start(Options::default());
    let path = made_by_hand(&env);
    let token = env.token("webhook-token");

    let mut other_secret = SETUP.to_vec();
    other_secret.extend(["--secret-name", "another-token"]);
    let refused = env.run(&other_secret);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("--secret-name another-token") && stderr.contains(&path) && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        env.emulator
            .get_object("v1", "secrets", Some("flux-system"), "another-token")
            .is_none(),
        "nothing half-done"
    );

    let mut other_type = vec!["setup", "github-receiver", "--type", "gitlab"];
    other_type.extend(["--resource", "GitRepository/my-nginx", "--yes"]);
    let refused = env.run(&other_type);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("--type gitlab would replace its type github"),
        "{}",
        text(&refused.stderr)
    );
    let receiver = env
        .emulator
        .get_object(
            "notification.toolkit.fluxcd.io/v1",
            "receivers",
            Some("flux-system"),
            "github-receiver",
        )
        .unwrap();
    assert_eq!(receiver["spec"]["type"], "github");
    assert_eq!(served_path(&env, "github-receiver"), path);
    assert_eq!(env.token("webhook-token"), token);

    // With --force the URL moves, and setup says so.
    other_secret.push("--force");
    let moved = env.run(&other_secret);
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    let new_path = served_path(&env, "github-receiver");
    assert_ne!(new_path, path);
    assert_eq!(
        new_path,
        receiver::webhook_path(&env.token("another-token"), "github-receiver", "flux-system")
    );
    assert!(
        text(&moved.stderr).contains(&format!("the hook path moved from {path} to {new_path}")),
        "{}",
        text(&moved.stderr)
    );
    assert_eq!(env.token("webhook-token"), token, "the old Secret is left alone");
}

#[test]
fn rotate_names_every_receiver_that_moves_and_how_to_read_the_secret() {
    let env = start(Options::default());
    made_by_hand(&env);
    let second = env.run(&[
        "create",
        "second-receiver",
        "--type",
        "github",
        "--secret-ref",
        "webhook-token",
        "--resource",
        "GitRepository/my-nginx",
    ]);
    assert!(second.status.success(), "{}", text(&second.stderr));

    let output = env.run_with_stdin(
        &["rotate", "github-receiver", "--token-stdin", "--yes"],
        "fresh-token\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        stderr.contains("also moves (same Secret webhook-token): Receiver flux-system/second-receiver"),
        "named before acting, even with --yes: {stderr}"
    );
    let second_path = receiver::webhook_path("fresh-token", "second-receiver", "flux-system");
    assert!(
        stdout.contains(&format!(
            "also moved: Receiver flux-system/second-receiver now serves {second_path}"
        )),
        "{stdout}"
    );
    assert!(
        stderr.contains("kubectl -n flux-system get secret webhook-token -o jsonpath='{.data.token}' | base64 -d"),
        "{stderr}"
    );
    assert!(!stdout.contains("fresh-token") && !stderr.contains("fresh-token"));

    let shown = env.run_with_stdin(
        &["rotate", "github-receiver", "--token-stdin", "--yes", "--show-token"],
        "fresher-token\n",
    );
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    assert!(text(&shown.stdout).contains("token: fresher-token"));
    assert!(!text(&shown.stderr).contains("kubectl"), "{}", text(&shown.stderr));
}

#[test]
fn url_reads_the_served_path_and_address_from_the_cluster() {
    let env = start(Options::default());
    let path = made_by_hand(&env);
    // No address yet: the path alone.
    let output = env.run(&["url", "github-receiver"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), format!("{path}\n"));
    let with_host = env.run(&["url", "github-receiver", "--hostname", "flux.example.com"]);
    assert_eq!(text(&with_host.stdout), format!("https://flux.example.com{path}\n"));

    // Once exposed, the full URL.
    assert!(env.run(&["expose"]).status.success());
    let output = env.run(&["url", "github-receiver"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), format!("http://198.51.100.10{path}\n"));

    // Offline with a token, as before.
    let token = env.token("webhook-token");
    let offline = common::run(&["url", "github-receiver", "--token", &token]);
    assert_eq!(text(&offline.stdout), format!("{path}\n"));

    let missing = env.run(&["url", "nobody"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("Receiver flux-system/nobody not found"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn a_setup_rerun_without_hostname_keeps_the_address_of_the_url() {
    let env = start(Options::default());
    let mut first = SETUP.to_vec();
    first.extend(["--hostname", "flux.example.com"]);
    let output = env.run(&first);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let again = env.run(&SETUP);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let path = served_path(&env, "github-receiver");
    assert!(
        text(&again.stdout).contains(&format!("Payload URL   https://flux.example.com{path}")),
        "{}",
        text(&again.stdout)
    );
    let secret = env
        .emulator
        .get_object("v1", "secrets", Some("flux-system"), "github-receiver")
        .unwrap();
    assert_eq!(
        secret["metadata"]["annotations"]["notification.toolkit.fluxcd.io/webhook"],
        format!("https://flux.example.com{path}").as_str()
    );
}

#[test]
fn rotate_shows_the_new_token_it_stored_even_when_the_wait_fails() {
    // A controller slower than --timeout: the token is stored, the wait
    // for the new path runs out.
    let env = start(Options {
        controller_delay: Duration::from_secs(4),
        ..Options::default()
    });
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    let output = env.run_with_stdin(
        &[
            "rotate",
            "github-receiver",
            "--token-stdin",
            "--yes",
            "--show-token",
            "--timeout",
            "2s",
        ],
        "new-token\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(env.token("github-receiver"), "new-token");
    assert!(
        text(&output.stdout).contains("new token (already in Secret flux-system/github-receiver): new-token"),
        "{}",
        text(&output.stdout)
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.lines().last().unwrap_or_default().starts_with("error: "),
        "{stderr}"
    );
}

#[test]
fn an_interrupt_after_the_token_is_stored_says_so_shows_it_and_how_to_resume() {
    // A controller that takes 3 s per reconcile: rotate is still waiting
    // for the new path when the interrupt comes.
    let env = start(Options {
        controller_delay: Duration::from_secs(3),
        ..Options::default()
    });
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flux-receiver"))
        .env("KUBECONFIG", &env.kubeconfig)
        .env("HOME", common::empty_home())
        .args([
            "rotate",
            "github-receiver",
            "--token-stdin",
            "--yes",
            "--show-token",
            "--timeout",
            "60s",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"new-token\n").unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while env.token("github-receiver") != "new-token" {
        assert!(std::time::Instant::now() < deadline, "rotate never stored the token");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stdout.contains("new token (already in Secret flux-system/github-receiver): new-token"),
        "{stdout}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: interrupted by SIGINT after writing patch secrets 'github-receiver'")
            && last.contains("do not rotate again")
            && last.contains("reconcile github-receiver"),
        "{stderr}"
    );
}

#[test]
fn setup_shows_the_token_it_stored_even_when_the_receiver_is_not_ready_in_time() {
    // A controller slower than --timeout: the Secret and the Receiver are
    // written, the wait for Ready runs out; the token asked for is shown,
    // and a re-run (which keeps the token) finishes.
    let env = start(Options {
        controller_delay: Duration::from_secs(4),
        ..Options::default()
    });
    let mut args = SETUP.to_vec();
    args.extend(["--token-stdin", "--show-token", "--timeout", "2s"]);
    let output = env.run_with_stdin(&args, "setup-token\n");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(env.token("github-receiver"), "setup-token");
    assert_eq!(
        stdout, "token (in Secret flux-system/github-receiver): setup-token\n",
        "{stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: step 4/4 (waiting for Ready) failed") && last.ends_with("re-run setup to resume"),
        "{stderr}"
    );
    let mut rerun = SETUP.to_vec();
    rerun.extend(["--show-token", "--timeout", "30s"]);
    let output = env.run_with_stdin(&rerun, "");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("Secret        setup-token"), "{stdout}");
    assert_eq!(stdout.matches("setup-token").count(), 1, "{stdout}");
}

#[test]
fn doctor_says_which_permissions_the_caller_lacks_and_which_commands_fail() {
    let env = start(Options::default());
    assert!(env.run_with_stdin(&SETUP, "").status.success());
    env.emulator.deny("patch", "receivers");
    env.emulator.deny("create", "secrets");
    let output = env.run_with_stdin(&["doctor"], "");
    let stdout = text(&output.stdout);
    // A missing permission is a warning: the webhook itself is healthy.
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let report: Vec<&str> = stdout.lines().take(4).collect();
    assert_eq!(
        report,
        [
            "⚠ you lack 2 permissions that commands need in namespace 'flux-system' (SelfSubjectAccessReview):",
            "    cannot create secrets in namespace 'flux-system': secret, setup fail without it",
            "    cannot patch receivers.notification.toolkit.fluxcd.io in namespace 'flux-system': create, secret, \
             setup, suspend, resume, reconcile, rotate fail without it",
            "    fix: ask a cluster administrator to bind the rules `flux-receiver rbac secret -n flux-system --export` \
             prints (one command at a time, or all without COMMAND)",
        ],
        "{stdout}"
    );
    // Doctor's own checks still ran.
    assert!(stdout.contains("✔   Ready"), "{stdout}");
    // The reviews went to the API server, one per grant.
    env.emulator.allow("patch", "receivers");
    env.emulator.allow("create", "secrets");
    let output = env.run_with_stdin(&["doctor"], "");
    assert!(
        text(&output.stdout).starts_with("✔ your permissions suffice for every command in namespace 'flux-system' ("),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn a_secret_that_is_not_a_token_secret_is_not_taken_over() {
    let env = start(Options::default());
    env.emulator.put_object(serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "github-receiver", "namespace": "flux-system"},
        "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5"}
    }));
    let output = env.run_with_stdin(&SETUP, "");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Secret flux-system/github-receiver already exists as type kubernetes.io/tls"),
        "{stderr}"
    );
    assert!(
        env.emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "github-receiver"
            )
            .is_none(),
        "nothing after the refused step was written"
    );

    env.emulator.put_object(serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "app-settings", "namespace": "flux-system"},
        "data": {"password": "aHVudGVyMg=="}
    }));
    let refused = env.run(&["secret", "app-settings", "--type", "github"]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("already exists with no token but other keys (password)") && stderr.contains("--force"),
        "{stderr}"
    );
    let kept = env
        .emulator
        .get_object("v1", "secrets", Some("flux-system"), "app-settings")
        .unwrap();
    assert!(kept["data"].get("token").is_none(), "{kept}");
    // With --force the token joins the other keys.
    let forced = env.run(&["secret", "app-settings", "--type", "github", "--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let shared = env
        .emulator
        .get_object("v1", "secrets", Some("flux-system"), "app-settings")
        .unwrap();
    assert!(
        shared["data"].get("token").is_some() && shared["data"].get("password").is_some(),
        "{shared}"
    );
}

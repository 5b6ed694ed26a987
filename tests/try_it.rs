//! The README's "Try it without a cluster", run as written: the emulator is
//! this test's own (started in-process instead of by `cargo run -p
//! kube-emulator`), everything else runs through bash with the binary under
//! test standing for `cargo run -q --`, and it must end with a `trigger`
//! the emulated controller accepts, quickly.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kube_emulator::{BackgroundEmulator, Options};

/// The README's kubeconfig path, replaced by the test's own.
const README_KUBECONFIG: &str = "/tmp/emulator.kubeconfig";

/// Lines the test does itself (start, wait for, stop the emulator).
const OWN_LINES: [&str; 3] = ["cargo run -q -p kube-emulator --", "while [ ! -e ", "kill %1"];

/// The first `sh` block under the "Try it without a cluster" heading.
fn walk_through() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split_once("## Try it without a cluster")
        .expect("the README has the section")
        .1;
    let block = section.split_once("```sh\n").expect("a sh block").1;
    block.split_once("\n```").expect("a closed block").0.to_string()
}

#[test]
fn the_readme_walk_through_ends_with_a_trigger_the_emulator_accepts() {
    if kube_emulator::kubectl_for_test().is_none() {
        return;
    }
    let script = walk_through();
    for own in OWN_LINES {
        assert!(
            script.lines().any(|line| line.starts_with(own)),
            "the walk-through no longer has a line starting {own:?}: update this test"
        );
    }
    let emulator = BackgroundEmulator::start(Options::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("emulator.kubeconfig");
    emulator.write_kubeconfig(&kubeconfig).unwrap();
    let kubeconfig = kubeconfig.to_str().unwrap();
    let script: Vec<String> = script
        .lines()
        .filter(|line| !OWN_LINES.iter().any(|own| line.starts_with(own)))
        .map(|line| {
            line.replace(README_KUBECONFIG, kubeconfig)
                .replace("cargo run -q --", env!("CARGO_BIN_EXE_flux-receiver"))
        })
        .collect();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();

    let started = Instant::now();
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script.join("\n")])
        .env_remove("KUBECONFIG")
        .env_remove("FLUX_SYSTEM_NAMESPACE")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("FLUXCD_PLUGINS")
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the walk-through failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("{}/hook/", emulator.webhook_url())),
        "list shows the hook URL at the webhook receiver: {stdout}"
    );
    assert!(
        stdout.contains("accepted the github webhook: 200 OK"),
        "{stdout}\n{stderr}"
    );
    let statuses: Vec<u16> = emulator.webhook_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200], "one attempt, accepted");
    let repository = emulator
        .get_object(
            "source.toolkit.fluxcd.io/v1",
            "gitrepositories",
            Some("flux-system"),
            "my-nginx",
        )
        .unwrap();
    assert!(repository["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"].is_string());
    let receivers = stdout
        .lines()
        .find(|line| line.starts_with("flux-system") && line.contains("github-receiver"))
        .unwrap_or_default();
    assert!(receivers.contains("True"), "kubectl prints Ready: {stdout}");
    assert!(
        elapsed < Duration::from_secs(20),
        "no retries on the way: {elapsed:?}\n{stderr}"
    );
}

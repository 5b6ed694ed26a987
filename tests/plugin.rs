//! Running as a Flux CLI plugin: flux finds `flux-receiver` in its plugin
//! directory and runs it for `flux receiver …` with the arguments unchanged.
//! A stand-in `flux` script does that dispatch here (the real flux CLI is not
//! installed on test machines).

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::process::Command;

/// A plugin directory with the binary, and a `flux` that dispatches to it.
fn fake_flux() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).unwrap();
    symlink(env!("CARGO_BIN_EXE_flux-receiver"), plugins.join("flux-receiver")).unwrap();
    let flux = dir.path().join("flux");
    // Not `exec`: like the real flux, the dispatcher stays the plugin's parent.
    std::fs::write(
        &flux,
        "#!/bin/sh\nname=$1; shift\n\"$FLUXCD_PLUGINS/flux-$name\" \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&flux, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, plugins)
}

#[test]
fn help_names_flux_receiver_when_run_by_flux() {
    let (dir, plugins) = fake_flux();
    let output = Command::new(dir.path().join("flux"))
        .args(["receiver", "create", "--help"])
        .env("FLUXCD_PLUGINS", &plugins)
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("Usage: flux receiver create [OPTIONS]"), "{help}");

    let standalone = common::run(&["create", "--help"]);
    assert!(
        String::from_utf8(standalone.stdout)
            .unwrap()
            .contains("Usage: flux-receiver create [OPTIONS]")
    );
}

#[test]
fn arguments_pass_through_unchanged() {
    let (dir, plugins) = fake_flux();
    let args = [
        "create",
        "github-receiver",
        "--type",
        "github",
        "--event",
        "ping,push",
        "--secret-ref",
        "webhook-token",
    ];
    let output = Command::new(dir.path().join("flux"))
        .arg("receiver")
        .args(args)
        .args(["--resource", "GitRepository/my-nginx", "--export"])
        .env("FLUXCD_PLUGINS", &plugins)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    assert!(output.status.success());
    common::assert_golden("flux-create-receiver-seed-guide.yaml", &output.stdout);
}

#[test]
fn flux_delegated_completion_matches_standalone() {
    let (dir, plugins) = fake_flux();
    let via_flux = Command::new(dir.path().join("flux"))
        .args(["receiver", "__complete", "create", "r", "--type", "g"])
        .env("FLUXCD_PLUGINS", &plugins)
        .output()
        .unwrap();
    let standalone = common::run(&["__complete", "create", "r", "--type", "g"]);
    assert_eq!(via_flux.stdout, standalone.stdout);
    let text = String::from_utf8(standalone.stdout).unwrap();
    assert!(text.starts_with("generic\t") && text.ends_with(":4\n"), "{text}");
}

#[test]
fn the_plugin_manifest_describes_this_binary() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/flux-plugin.yaml")).unwrap();
    assert!(manifest.contains("apiVersion: cli.fluxcd.io/v1beta1"));
    assert!(manifest.contains("kind: Plugin"));
    assert!(manifest.contains("name: receiver"));
    assert!(manifest.contains("bin: flux-receiver"));
    assert!(manifest.contains(&format!("version: {}", env!("CARGO_PKG_VERSION"))));
}

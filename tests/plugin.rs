//! Running as a Flux CLI plugin: flux finds `flux-receiver` in its plugin
//! directory and runs it for `flux receiver …` with the arguments unchanged.
//! A stand-in `flux` script does that dispatch here the way flux does on
//! Unix (the real flux CLI is not installed on test machines): it execs
//! `<plugin dir>/flux-receiver`, replacing itself, so the plugin has no flux
//! parent and `argv[0]` is the path in the plugin directory.

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

/// A plugin directory with the binary, and a `flux` that dispatches to it.
fn fake_flux() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).unwrap();
    symlink(env!("CARGO_BIN_EXE_flux-receiver"), plugins.join("flux-receiver")).unwrap();
    let flux = dir.path().join("flux");
    // `flux __complete receiver …` is delegated as `flux-receiver __complete …`.
    std::fs::write(
        &flux,
        "#!/bin/sh\n\
         if [ \"$1\" = __complete ]; then shift; name=$1; shift; exec \"$FLUXCD_PLUGINS/flux-$name\" __complete \"$@\"; fi\n\
         name=$1; shift\n\
         exec \"$FLUXCD_PLUGINS/flux-$name\" \"$@\"\n",
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
fn flux_delegated_completion_answers_with_the_protocol() {
    let (dir, plugins) = fake_flux();
    let via_flux = Command::new(dir.path().join("flux"))
        .args(["__complete", "receiver", "create", "r", "--type", "gi"])
        .env("FLUXCD_PLUGINS", &plugins)
        .output()
        .unwrap();
    let text = String::from_utf8(via_flux.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("github\t") && lines[1].starts_with("gitlab\t"),
        "{text}"
    );
    assert_eq!(lines[2], ":4");
}

/// Runs the plugin file `path` directly with `args`, as flux's exec does,
/// and returns stdout.
fn run_as(path: &Path, args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut command = Command::new(path);
    command.args(args).env_remove("FLUXCD_PLUGINS");
    for (name, value) in env {
        command.env(name, value);
    }
    String::from_utf8(command.output().unwrap().stdout).unwrap()
}

#[test]
fn the_default_plugin_dir_is_under_home() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join(".fluxcd").join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    symlink(env!("CARGO_BIN_EXE_flux-receiver"), plugins.join("flux-receiver")).unwrap();
    let help = run_as(
        &plugins.join("flux-receiver"),
        &["list", "--help"],
        &[("HOME", home.path())],
    );
    assert!(help.contains("Usage: flux receiver list [OPTIONS]"), "{help}");
}

#[test]
fn outside_the_plugin_dir_it_is_flux_receiver() {
    let (dir, plugins) = fake_flux();
    // The same binary, by a path outside the plugin directory, while flux's
    // plugin directory is set: not run by flux.
    let elsewhere = dir.path().join("flux-receiver");
    symlink(env!("CARGO_BIN_EXE_flux-receiver"), &elsewhere).unwrap();
    let help = run_as(&elsewhere, &["list", "--help"], &[("FLUXCD_PLUGINS", &plugins)]);
    assert!(help.contains("Usage: flux-receiver list [OPTIONS]"), "{help}");
    // In the plugin directory but under another name: flux would run it as
    // another plugin, or not at all.
    let other = plugins.join("flux-other");
    symlink(env!("CARGO_BIN_EXE_flux-receiver"), &other).unwrap();
    let help = run_as(&other, &["list", "--help"], &[("FLUXCD_PLUGINS", &plugins)]);
    assert!(help.contains("Usage: flux-receiver list [OPTIONS]"), "{help}");
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

/// Every place in `text` where `flux-receiver` is followed by one of its
/// subcommands: a command spelled out for the user to run.
fn spelled_out_commands(text: &str) -> Vec<String> {
    use clap::CommandFactory;
    let command = flux_receiver::cli::Cli::command();
    let subcommands: Vec<&str> = command.get_subcommands().map(|sub| sub.get_name()).collect();
    text.match_indices("flux-receiver ")
        .filter_map(|(at, found)| {
            let rest = &text[at + found.len()..];
            let word: String = rest.chars().take_while(|c| c.is_ascii_lowercase()).collect();
            subcommands
                .contains(&word.as_str())
                .then(|| format!("flux-receiver {word}"))
        })
        .collect()
}

/// Every suggestion the program makes spells its name with
/// `plugin::display_name`, never as a literal: scanned in the source, code
/// lines only (comments are for readers of the code). The examples are the
/// exception: they are written as `flux-receiver …` and renamed when help
/// is printed (`examples::as_invoked`), and the completion scripts are not
/// messages.
#[test]
fn no_suggestion_in_the_source_spells_the_name_out() {
    fn walk(dir: &Path, found: &mut Vec<String>, files: &mut usize) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found, files);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("src/examples.rs") {
                *files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for (number, line) in text.lines().enumerate() {
                    if line.trim_start().starts_with("//") {
                        continue;
                    }
                    for command in spelled_out_commands(line) {
                        found.push(format!("{}:{}: {command}", path.display(), number + 1));
                    }
                }
            }
        }
    }
    let (mut found, mut files) = (Vec::new(), 0);
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
        &mut files,
    );
    assert!(files > 30, "{files} files scanned");
    assert!(
        found.is_empty(),
        "spelled out instead of plugin::display_name():\n{}",
        found.join("\n")
    );
    // The scan sees what it looks for.
    assert_eq!(
        spelled_out_commands(r#""fix: `flux-receiver resume {name}`, see flux-receiver.fish""#),
        ["flux-receiver resume"]
    );
}

/// `flux receiver ARGS` through the stand-in flux, against `kubeconfig`.
fn via_flux(dir: &Path, plugins: &Path, kubeconfig: &Path, args: &[&str]) -> std::process::Output {
    Command::new(dir.join("flux"))
        .arg("receiver")
        .args(args)
        .env("FLUXCD_PLUGINS", plugins)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", common::empty_home())
        .env("NO_COLOR", "1")
        .env_remove("FLUX_SYSTEM_NAMESPACE")
        .output()
        .unwrap()
}

#[test]
fn every_suggested_command_says_flux_receiver_when_run_by_flux() {
    let (dir, plugins) = fake_flux();
    let env = common::EmulatedCluster::start(kube_emulator::Options::default());
    let run = |args: &[&str]| {
        let output = via_flux(dir.path(), &plugins, &env.kubeconfig, args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(spelled_out_commands(&text), Vec::<String>::new(), "{args:?}:\n{text}");
        (output.status.code(), text)
    };
    // Nothing exposes the webhook, and the Receiver's Secret is missing.
    let (code, created) = run(&[
        "create",
        "broken",
        "--type",
        "github",
        "--secret-ref",
        "missing",
        "--resource",
        "GitRepository/nothing",
        "--no-wait",
    ]);
    assert_eq!(code, Some(0), "{created}");
    assert_eq!(run(&["secret", "token", "--type", "github"]).0, Some(0));
    let (code, created) = run(&[
        "create",
        "unexposed",
        "--type",
        "github",
        "--secret-ref",
        "token",
        "--resource",
        "GitRepository/nothing",
    ]);
    assert_eq!(code, Some(0), "{created}");
    assert!(
        created.contains("run `flux receiver expose`, or pass --hostname"),
        "{created}"
    );
    let (_, listed) = run(&["list"]);
    assert!(
        listed.contains("create it with `flux receiver secret missing --type github -n flux-system`"),
        "{listed}"
    );
    assert!(listed.contains("run `flux receiver expose`"), "{listed}");
    let (code, doctor) = run(&["doctor"]);
    assert_eq!(code, Some(1), "{doctor}");
    assert!(
        doctor.contains("`flux receiver expose` (LoadBalancer or NodePort)"),
        "{doctor}"
    );
    assert!(
        doctor.contains("flux receiver secret missing -n flux-system --type github"),
        "{doctor}"
    );
    let (code, triggered) = run(&["trigger", "unexposed", "--retries", "0"]);
    assert_eq!(code, Some(1), "{triggered}");
    assert!(
        triggered.contains("expose it with `flux receiver expose`"),
        "{triggered}"
    );
    let (code, refused) = run(&["setup", "rx", "--type", "gcr", "--resource", "GitRepository/x", "--yes"]);
    assert_eq!(code, Some(2), "{refused}");
    assert!(
        refused.contains("use `flux receiver secret --type gcr` and `flux receiver create`"),
        "{refused}"
    );
    // Help's examples too.
    let (_, help) = run(&["create", "--help"]);
    assert!(
        help.contains("\n  flux receiver create github-receiver --type github"),
        "{help}"
    );
}

//! The committed completion scripts must be what `flux-receiver completion
//! SHELL` prints, and the man pages what clap_mangen renders from the clap
//! definition today. Regenerate both with
//! `FLUX_RECEIVER_BLESS=1 cargo test --test generated`.

mod common;

use std::path::Path;
use std::process::Command;

use common::BLESS;
use flux_receiver::generate::{SHELLS, completion_file_name, man_pages};

fn check(path: &Path, generated: &[u8], stale: &mut Vec<String>) {
    if common::blessing() {
        std::fs::write(path, generated).expect("generated files are writable");
        return;
    }
    if std::fs::read(path).ok().as_deref() != Some(generated) {
        stale.push(path.display().to_string());
    }
}

/// What the built binary prints for `completion SHELL`.
fn completion_output(shell: &str) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_flux-receiver"))
        .args(["completion", shell])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "completion {shell}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn assert_fresh(stale: &[String]) {
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; regenerate them with `{BLESS}=1 cargo test --test generated`"
    );
}

#[test]
fn completion_scripts_are_what_the_binary_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for shell in SHELLS {
        let path = root.join("completions").join(completion_file_name(shell));
        check(&path, &completion_output(&shell.to_string()), &mut stale);
    }
    assert_fresh(&stale);
}

#[test]
fn man_pages_are_what_clap_mangen_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    let pages = man_pages();
    for (name, roff) in &pages {
        check(&root.join("man").join(name), roff, &mut stale);
    }
    // A page whose subcommand is gone must not linger either.
    for entry in std::fs::read_dir(root.join("man")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(page, _)| *page == name) {
            stale.push(format!("man/{name} (no such subcommand)"));
        }
    }
    assert_fresh(&stale);
}

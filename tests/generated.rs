//! The committed completion scripts and man pages must match what the clap
//! definition generates today. Regenerate with
//! `FLUX_RECEIVER_BLESS=1 cargo test --test generated`.

use std::path::Path;

use flux_receiver::generate::{SHELLS, completion_file_name, completion_script, man_pages};

const BLESS: &str = "FLUX_RECEIVER_BLESS";

fn check(path: &Path, generated: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(path, generated).expect("generated files are writable");
        return;
    }
    if std::fs::read(path).ok().as_deref() != Some(generated) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for shell in SHELLS {
        let path = root.join("completions").join(completion_file_name(shell));
        check(&path, &completion_script(shell), &mut stale);
    }
    let pages = man_pages();
    assert!(pages.len() >= 6, "a page for the tool and each subcommand");
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
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run {BLESS}=1 cargo test --test generated"
    );
}

#[test]
fn every_script_delegates_to_the_dynamic_engine() {
    for shell in SHELLS {
        let script = String::from_utf8(completion_script(shell)).unwrap();
        assert!(
            script.contains("__complete"),
            "{shell} completion does not call __complete"
        );
    }
}

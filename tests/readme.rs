//! The README as a test: every `sh` and `console` block runs, in the order
//! a newcomer reads them, and where the README shows output (a `console`
//! block's lines after `$ command`) that output is compared, so the README
//! cannot rot.
//!
//! The blocks run in bash with `set -euo pipefail`, one after another in one
//! session (exported variables carry over), with an empty HOME and no
//! kubeconfig but the one the README exports: a block that mentions `cargo`
//! runs in the clone, as the README says; every other block in a scratch
//! directory, so that files the README writes (`token.txt`) never land in
//! the clone. The cluster of the first sections (“a cluster with Flux”) is
//! an emulator the test starts, bootstrapped like `flux bootstrap` leaves
//! a cluster; “Try it without a cluster” starts its own, as written.
//!
//! Two lines are not run as written, each for a stated reason (see
//! [`rewrite`]); any other line runs verbatim.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kube_emulator::Options;
use serde_json::json;

/// A fenced block of the README.
#[derive(Debug)]
struct Block {
    /// The info string: `sh`, `console`, `yaml`, … (empty for a bare fence).
    lang: String,
    /// The lines between the fences.
    lines: Vec<String>,
    /// The 1-based line of the opening fence, for messages.
    line: usize,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (number, line) in readme.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_string(),
                    lines: Vec::new(),
                    line: number + 1,
                });
            }
            (Some(_), Some("")) => blocks.push(open.take().expect("a block is open")),
            (Some(block), _) => block.lines.push(line.to_string()),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md ends inside a code block");
    blocks
}

/// One command of a `console` block and the stdout the README shows for it.
#[derive(Debug)]
struct Shown {
    command: String,
    expected: Vec<String>,
}

/// `$ command` lines (continued by a trailing backslash) and what follows each.
fn console_commands(block: &Block) -> Vec<Shown> {
    let mut shown: Vec<Shown> = Vec::new();
    let mut continuing = false;
    for line in &block.lines {
        if continuing {
            let current = shown.last_mut().expect("a command is being continued");
            current.command.push('\n');
            current.command.push_str(line);
            continuing = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            shown.push(Shown {
                command: command.to_string(),
                expected: Vec::new(),
            });
            continuing = command.ends_with('\\');
        } else {
            let current = shown
                .last_mut()
                .unwrap_or_else(|| panic!("README.md:{}: a console block must start with `$ `", block.line));
            current.expected.push(line.to_string());
        }
    }
    shown
}

/// Whether `actual` is what the README shows: line for line, where `…` in
/// a line stands for any text (a generated token's path, a port) and a line
/// that is only `…` for any number of lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((line, rest)) if line == "…" => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(first, others)| line_matches(line, first) && matches(rest, others)),
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let mut pieces = expected.split('…');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (index, piece) in pieces.iter().enumerate() {
        if index == pieces.len() - 1 {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// The two lines not run as written, and what runs instead.
fn rewrite(command: &str) -> String {
    command
        .lines()
        .map(|line| match line.trim() {
            // The test command is what runs this very test: it is checked
            // to be exactly what CI runs instead of being run inside itself.
            "testenv/run cargo test --workspace --locked" => {
                "grep -qxF 'testenv/run cargo test --workspace --locked' .ci/run".to_string()
            }
            // An install in release would build everything a second time:
            // the same install, of the debug build these tests already made,
            // into the scratch home.
            install if install.starts_with("cargo install --locked --path ") => {
                format!("{install} --debug --root \"$HOME/.cargo\" --quiet")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A bash session the README's blocks run in.
struct Session {
    clone: PathBuf,
    scratch: tempfile::TempDir,
    home: tempfile::TempDir,
    state: PathBuf,
    target_dir: PathBuf,
}

impl Session {
    fn new(kubeconfig: &Path) -> Session {
        let clone = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let scratch = tempfile::tempdir().expect("a scratch directory");
        let home = tempfile::tempdir().expect("a scratch home");
        let state = home.path().join(".readme-session");
        // The directory this test's binaries were built in, so that cargo
        // in the README finds them fresh instead of building again.
        let target_dir = Path::new(env!("CARGO_BIN_EXE_flux-receiver"))
            .ancestors()
            .nth(2)
            .expect("the binary is in <target>/debug")
            .to_path_buf();
        std::fs::write(&state, format!("export KUBECONFIG='{}'\n", kubeconfig.display())).unwrap();
        Session {
            clone,
            scratch,
            home,
            state,
            target_dir,
        }
    }

    /// Runs `script` after what ran before, keeping its exported variables.
    fn run(&self, script: &str) -> Output {
        let cwd = if script.contains("cargo ") {
            self.clone.as_path()
        } else {
            self.scratch.path()
        };
        let wrapped = format!(
            "set -euo pipefail\nsource '{state}'\n{script}\nexport -p > '{state}'\n",
            state = self.state.display()
        );
        let path = format!(
            "{}:{}",
            self.home.path().join(".cargo/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("bash")
            .arg("-c")
            .arg(wrapped)
            .current_dir(cwd)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", path)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_HOME", cargo_home())
            .env("RUSTUP_HOME", rustup_home())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .env("TERM", "dumb")
            .output()
            .expect("bash runs")
    }
}

/// Cargo's own home, which the scratch HOME would otherwise hide (the
/// registry and the toolchain are not what the README is about).
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home_dir().join(".cargo"))
}

fn rustup_home() -> PathBuf {
    std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home_dir().join(".rustup"))
}

fn home_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_in_the_readme_works_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    // The cluster the first sections assume: Flux bootstrapped, so its
    // GitRepository flux-system exists.
    let cluster = common::EmulatedCluster::start(Options::default());
    cluster.emulator.put_object(json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": "flux-system", "namespace": "flux-system"},
        "spec": {"url": "ssh://git@github.com/example/fleet", "interval": "1m"}
    }));
    let session = Session::new(&cluster.kubeconfig);
    let before = git_status(&session.clone);
    let mut ran = 0;
    for block in blocks(&readme) {
        match block.lang.as_str() {
            "sh" => {
                let script = rewrite(&block.lines.join("\n"));
                let output = session.run(&script);
                assert!(
                    output.status.success(),
                    "README.md:{}: this block failed ({}):\n{script}\n--- stdout\n{}--- stderr\n{}",
                    block.line,
                    output.status,
                    text(&output.stdout),
                    text(&output.stderr)
                );
                ran += 1;
            }
            "console" => {
                for shown in console_commands(&block) {
                    let output = session.run(&rewrite(&shown.command));
                    let stdout = text(&output.stdout);
                    let actual: Vec<&str> = stdout.lines().collect();
                    assert!(
                        output.status.success() && matches(&shown.expected, &actual),
                        "README.md:{}: `{}` ({}) printed\n{stdout}--- stderr\n{}--- but the README shows\n{}",
                        block.line,
                        shown.command,
                        output.status,
                        text(&output.stderr),
                        shown.expected.join("\n")
                    );
                    ran += 1;
                }
            }
            _ => {}
        }
    }
    assert!(
        ran >= 10,
        "only {ran} README commands ran: is the README's format what this test reads?"
    );
    assert_eq!(
        git_status(&session.clone),
        before,
        "the README's commands changed files in the clone"
    );
}

fn git_status(clone: &Path) -> String {
    let output = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(clone)
        .output()
        .expect("git runs");
    text(&output.stdout)
}

#[test]
fn the_matcher_takes_ellipses_for_any_text_and_nothing_else() {
    let expected = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(matches(&expected(&["a /hook/…", "b"]), &["a /hook/123", "b"]));
    assert!(!matches(&expected(&["a /hook/…", "b"]), &["a /hook/123", "c"]));
    assert!(!matches(&expected(&["a /hook/…"]), &["b /hook/123"]));
    assert!(matches(&expected(&["x…y…z"]), &["x1y2z"]));
    assert!(!matches(&expected(&["x…y…z"]), &["x1y2"]));
    assert!(matches(
        &expected(&["first", "…", "last"]),
        &["first", "1", "2", "last"]
    ));
    assert!(!matches(&expected(&["first", "…", "last"]), &["first", "1"]));
    assert!(!matches(&expected(&["only"]), &["only", "extra"]));
    assert!(matches(&expected(&["exact"]), &["exact"]));
    assert!(!matches(&expected(&["exact"]), &["exact!"]));
}

#[test]
fn the_two_rewrites_are_the_only_ones() {
    assert_eq!(rewrite("flux-receiver list"), "flux-receiver list");
    assert_eq!(
        rewrite("testenv/run cargo test --workspace --locked"),
        "grep -qxF 'testenv/run cargo test --workspace --locked' .ci/run"
    );
    assert!(rewrite("cargo install --locked --path .").ends_with("--debug --root \"$HOME/.cargo\" --quiet"));
    assert_eq!(rewrite("cargo install --path ."), "cargo install --path .");
}

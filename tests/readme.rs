//! The README as a test: every `sh` and `console` block runs, in the order
//! a newcomer reads them, and where the README shows output (a `console`
//! block's lines after `$ command`) that output is compared, so the README
//! cannot rot.
//!
//! The blocks run in bash with `set -euo pipefail`, one after another in one
//! session (exported variables carry over), with an empty HOME: a block that
//! names the clone's files (`cargo`, `man/`) runs in the clone, as the
//! README says; every other block in a scratch directory, so that files the
//! README writes (`token.txt`) never land in the clone, which is checked.
//! The cluster is the emulator the README itself starts; whatever the
//! blocks leave running is stopped with them.
//!
//! A few lines are not run as written, each for a stated reason (see
//! [`rewrite`] and [`covered_elsewhere`]); any other line runs verbatim.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::os::unix::process::CommandExt;

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

/// The lines not run as written, and what runs instead.
fn rewrite(command: &str) -> String {
    let lines = command
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
                let (command, comment) = install.split_once(" #").unwrap_or((install, ""));
                let comment = if comment.is_empty() {
                    String::new()
                } else {
                    format!(" #{comment}")
                };
                format!(
                    "{} --debug --root \"$HOME/.cargo\" --quiet{comment}",
                    command.trim_end()
                )
            }
            // flux runs a plugin by exec'ing its file in the plugin
            // directory, argv[0] that path (fluxcd/flux2 cmd/flux/plugin.go);
            // this is that exec, until the real flux CLI is in testenv/.
            plugin if plugin.starts_with("flux receiver ") => {
                format!("{AS_PLUGIN} {}", &plugin["flux receiver ".len()..])
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    if lines.contains(AS_PLUGIN) {
        format!(
            "{AS_PLUGIN}() {{ (exec -a \"$HOME/.fluxcd/plugins/flux-receiver\" \"$HOME/.fluxcd/plugins/flux-receiver\" \"$@\"); }}\n{lines}"
        )
    } else {
        lines
    }
}

/// What `flux receiver` becomes: a function doing flux's exec.
const AS_PLUGIN: &str = "flux_runs_the_plugin";

/// Writes the session's variables (shell ones too: a README sets
/// `webhook=…` for the next block, as a reader's shell keeps it), except
/// bash's own and read-only ones, which cannot be declared again.
const SAVE_STATE: &str = "for variable in $(compgen -v); do case $variable in BASH*|COMP*|DIRSTACK|EUID|FUNCNAME|GROUPS|HIST*|HOSTNAME|IFS|LINENO|OPT*|PIPESTATUS|PPID|PS*|PWD|OLDPWD|RANDOM|SECONDS|SHELLOPTS|SHLVL|SRANDOM|UID|EPOCH*|_) ;; *) declare -p \"$variable\" | grep -v '^declare -[a-zA-Z]*r' || true ;; esac; done";

/// A bash session the README's blocks run in.
struct Session {
    clone: PathBuf,
    scratch: tempfile::TempDir,
    home: tempfile::TempDir,
    state: PathBuf,
    target_dir: PathBuf,
    /// The process group of every block, so that what a block leaves
    /// running in the background (the emulator) is stopped with the test.
    groups: std::cell::RefCell<Vec<i32>>,
}

impl Session {
    fn new() -> Session {
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
        std::fs::write(&state, "").unwrap();
        Session {
            clone,
            scratch,
            home,
            state,
            target_dir,
            groups: Default::default(),
        }
    }

    /// Runs `script` after what ran before, keeping its exported variables.
    fn run(&self, script: &str) -> Output {
        let cwd = if script.contains("cargo ") || script.contains("man/") {
            self.clone.as_path()
        } else {
            self.scratch.path()
        };
        let wrapped = format!(
            "set -euo pipefail\nsource '{state}'\n{script}\n{SAVE_STATE} > '{state}'\n",
            state = self.state.display()
        );
        let path = format!(
            "{}:{}",
            self.home.path().join(".cargo/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // Output goes to files, not pipes: a background process the block
        // leaves running holds its stdout, and a pipe would never end.
        let stdout = self.home.path().join(".readme-stdout");
        let stderr = self.home.path().join(".readme-stderr");
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(wrapped)
            .current_dir(cwd)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", path)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            // Whatever the install line says, it never lands outside the scratch home.
            .env("CARGO_INSTALL_ROOT", self.home.path().join(".cargo"))
            .env("CARGO_HOME", cargo_home())
            .env("RUSTUP_HOME", rustup_home())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .env("TERM", "dumb")
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .process_group(0)
            .spawn()
            .expect("bash runs");
        self.groups.borrow_mut().push(child.id() as i32);
        let started = std::time::Instant::now();
        let status = child.wait().expect("bash ends");
        // Shown with --nocapture: where the README's time goes.
        println!(
            "{:>6.1} s  {}",
            started.elapsed().as_secs_f64(),
            script.lines().next().unwrap_or_default()
        );
        Output {
            status,
            stdout: std::fs::read(&stdout).unwrap(),
            stderr: std::fs::read(&stderr).unwrap(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for group in self.groups.borrow().iter() {
            // kill(1) with a negative pid signals the whole group; a group
            // with nothing left in it is not an error worth reporting.
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{group}")])
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}

/// Blocks a more thorough test runs: the completion lines are run shell
/// by shell (bash, zsh, fish, elvish, each in a fresh home, then a new
/// shell completes) by `tests/install.rs`, which also checks that this
/// block is exactly what `completion --help` shows.
fn covered_elsewhere(block: &str) -> bool {
    Some(block.trim_end()) == flux_receiver::examples::of("completion").map(str::trim_end)
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
    let session = Session::new();
    let before = git_status(&session.clone);
    let mut ran = 0;
    for block in blocks(&readme) {
        let body = block.lines.join("\n");
        match block.lang.as_str() {
            "sh" if covered_elsewhere(&body) => {}
            "sh" => {
                let script = rewrite(&body);
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
            // Output without its command cannot be checked: show it as a
            // console block, `$ command` first.
            _ => assert!(
                !block.lines.iter().any(|line| line.starts_with("$ ")),
                "README.md:{}: a block with `$ ` lines must be a console block, so that it is run",
                block.line
            ),
        }
    }
    assert!(
        ran >= 20,
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
fn the_rewrites_touch_only_their_lines() {
    assert_eq!(rewrite("flux-receiver list"), "flux-receiver list");
    assert_eq!(
        rewrite("testenv/run cargo test --workspace --locked"),
        "grep -qxF 'testenv/run cargo test --workspace --locked' .ci/run"
    );
    assert!(rewrite("cargo install --locked --path .").ends_with("--debug --root \"$HOME/.cargo\" --quiet"));
    assert_eq!(
        rewrite("cargo install --locked --path .   # into ~/.cargo/bin"),
        "cargo install --locked --path . --debug --root \"$HOME/.cargo\" --quiet # into ~/.cargo/bin"
    );
    assert_eq!(rewrite("cargo install --path ."), "cargo install --path .");
    assert!(rewrite("flux receiver list").ends_with("\nflux_runs_the_plugin list"));
    assert_eq!(rewrite("echo flux receiver list"), "echo flux receiver list");
}

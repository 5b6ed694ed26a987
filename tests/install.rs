//! The completion install lines (`completion --help`, the README, the
//! scripts' headers: one source, `src/examples.rs`) work on a fresh
//! account: run in a shell with an empty home, then a new shell started as
//! a user's would be, with its usual startup files, completes
//! `flux-receiver`. bash, zsh, fish and elvish are driven for real; under
//! CI (`CI` set) a missing one fails the test rather than skipping it.
//! PowerShell is not installed on the test machines; its lines are only
//! read (`tests/help.rs`).

#[path = "common/outcome.rs"]
mod outcome;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap_complete::Shell;
use flux_receiver::examples::{self, completion_install};

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_flux-receiver"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `tool` from the system directories; `None`, with a note, where it is
/// missing outside CI. Under CI a missing tool fails the test.
fn require(tool: &str) -> Option<PathBuf> {
    let found = ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(tool))
        .find(|path| path.exists());
    if found.is_none() {
        // The suite's one rule: a failure under CI, a logged skip elsewhere.
        outcome::skip(&format!("{tool} is not installed (.ci/run installs it)"));
    }
    found
}

/// A command for `program` as on a fresh account: `home` as HOME, the
/// binary on the PATH, none of the variables that move a shell's files
/// elsewhere, no cluster.
fn fresh(program: &Path, home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir().display()))
        .env("TERM", "xterm")
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .current_dir(home)
        .stdin(Stdio::null());
    command
}

/// Runs `line` with `shell` (`-c`, the way each takes a command) in
/// `home`; the failure's stderr, if any.
fn run_line(shell: &Path, flags: &[&str], line: &str, home: &Path) -> Result<(), String> {
    let output = fresh(shell, home).args(flags).args(["-c", line]).output().unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{line}: {}", String::from_utf8_lossy(&output.stderr)))
    }
}

/// Installs `shell`'s completion in a new empty home by running its lines
/// in the shell itself (with its startup files skipped: `flags`), and
/// checks that they also run in bash, where a user may paste them.
fn install(shell: Shell, program: &Path, flags: &[&str]) -> tempfile::TempDir {
    let lines = completion_install(shell);
    assert!(!lines.is_empty());
    let home = tempfile::tempdir().unwrap();
    for line in &lines {
        run_line(program, flags, line, home.path()).unwrap();
    }
    if let Some(bash) = require("bash") {
        let elsewhere = tempfile::tempdir().unwrap();
        for line in &lines {
            run_line(&bash, &["--norc", "--noprofile"], line, elsewhere.path())
                .unwrap_or_else(|err| panic!("{shell}'s line pasted into bash: {err}"));
        }
    }
    home
}

#[test]
fn bash_loads_it_in_every_new_shell() {
    let Some(bash) = require("bash") else { return };
    let home = install(Shell::Bash, &bash, &["--norc", "--noprofile"]);
    // A new interactive shell reads ~/.bashrc; TAB after `flux-receiver cr`.
    let check = r#"
        complete -p flux-receiver
        COMP_WORDS=(flux-receiver cr); COMP_CWORD=1
        COMP_LINE='flux-receiver cr'; COMP_POINT=${#COMP_LINE}
        __flux_receiver_complete
        printf 'candidate %s\n' "${COMPREPLY[@]}"
    "#;
    let output = fresh(&bash, home.path()).args(["-i", "-c", check]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("-F __flux_receiver_complete flux-receiver"), "{stdout}");
    assert!(stdout.contains("candidate create\n"), "{stdout}");
}

/// Types `line` and TAB into a new interactive zsh (on a pseudo-terminal,
/// zsh/zpty) that reads the startup files in `$1`'s HOME as any login
/// would, and prints the command line after completion between tags.
const ZSH_NEW_SHELL: &str = r#"
zmodload zsh/zpty
zpty z zsh -i
zpty -w z "PS1='' PS2='' RPS1=''; unsetopt zle_bracketed_paste beep"
zpty -w z "finish() { zle complete-word; print -r -- \"<BUFFER>\$BUFFER</BUFFER>\"; zle send-break }; zle -N finish; bindkey '^T' finish"
zpty -w z "print '<READY>'"
zpty -r z line '*<READY>*'
zpty -w -n z "$1"$'\x14'
out=""
for i in {1..100}; do zpty -r -t z chunk && out+=$chunk; [[ $out == *'</BUFFER>'* ]] && break; sleep 0.1; done
zpty -d z
print -r -- "$out"
"#;

/// The command line after TAB at the end of `flux-receiver cr` in a new
/// interactive zsh in `home`.
fn zsh_tab_in_new_shell(zsh: &Path, home: &Path) -> Option<String> {
    let output = fresh(zsh, home)
        .args(["-f", "-c", ZSH_NEW_SHELL, "zsh", "flux-receiver cr"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout.rfind("<BUFFER>")? + "<BUFFER>".len();
    stdout[start..].split("</BUFFER>").next().map(str::to_string)
}

#[test]
fn zsh_loads_it_in_every_new_shell() {
    let Some(zsh) = require("zsh") else { return };
    let home = install(Shell::Zsh, &zsh, &["-f"]);
    assert_eq!(
        zsh_tab_in_new_shell(&zsh, home.path()).as_deref(),
        Some("flux-receiver create ")
    );
    // Ubuntu's /etc/zsh/zshrc runs compinit for every user; zsh itself
    // does not, nor do most other systems: there the lines must run it.
    // Skipping the global one makes this machine such a system, whatever
    // it is.
    let home = install(Shell::Zsh, &zsh, &["-f"]);
    std::fs::write(home.path().join(".zshenv"), "skip_global_compinit=1\n").unwrap();
    assert_eq!(
        zsh_tab_in_new_shell(&zsh, home.path()).as_deref(),
        Some("flux-receiver create ")
    );
}

#[test]
fn fish_loads_it_the_first_time_it_completes() {
    let Some(fish) = require("fish") else { return };
    let home = install(Shell::Fish, &fish, &["--no-config"]);
    // With its configuration (not --no-config): fish autoloads completions
    // from ~/.config/fish/completions when asked to complete the command.
    let output = fresh(&fish, home.path())
        .args(["-c", "complete -C'flux-receiver cr'"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("create\t"), "{stdout:?}");
}

#[test]
fn elvish_loads_it_in_every_new_shell() {
    let (Some(elvish), Some(script)) = (require("elvish"), require("script")) else {
        return;
    };
    let home = install(Shell::Elvish, &elvish, &["-norc"]);
    // elvish's edit: module exists only in an interactive shell, which
    // needs a terminal: util-linux's `script` gives it one. The shell reads
    // ~/.config/elvish/rc.elv; what it completes goes to a file.
    let out = home.path().join("out.txt");
    let program = home.path().join("program.elv");
    std::fs::write(
        &program,
        format!(
            "$edit:completion:arg-completer[flux-receiver] flux-receiver cr | each {{|c| echo $c[stem] }} > '{}'\n",
            out.display()
        ),
    )
    .unwrap();
    let mut child = fresh(&script, home.path())
        .args(["-qec", &elvish.display().to_string(), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // stdin stays open until elvish exits: an early EOF would end the session.
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "eval (slurp < '{}')\nexit", program.display()).unwrap();
    let give_up = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > give_up {
            child.kill().unwrap();
            panic!("elvish did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stdin);
    let completed = std::fs::read_to_string(&out).expect("the new elvish had the completer");
    assert_eq!(completed, "create\n");
}

#[test]
fn the_lines_that_used_to_be_shown_fail_on_a_fresh_account() {
    // The harness can tell: the old fish line had no mkdir -p, the old zsh
    // line was zsh syntax.
    let Some(bash) = require("bash") else { return };
    let home = tempfile::tempdir().unwrap();
    let old_fish = "flux-receiver completion fish > ~/.config/fish/completions/flux-receiver.fish";
    assert!(run_line(&bash, &["--norc"], old_fish, home.path()).is_err());
    let old_zsh = "set -u; flux-receiver completion zsh > \"${fpath[1]}/_flux-receiver\"";
    assert!(run_line(&bash, &["--norc"], old_zsh, home.path()).is_err());
}

#[test]
fn the_readme_shows_the_lines_help_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = format!("```sh\n{}\n```\n", examples::of("completion").unwrap());
    assert!(
        readme.contains(&block),
        "README's completion block differs from `completion --help`:\n{block}"
    );
}

#[test]
fn each_script_names_its_own_install_lines() {
    for shell in flux_receiver::generate::SHELLS {
        let script = String::from_utf8(flux_receiver::generate::completion_script(shell)).unwrap();
        for line in completion_install(shell) {
            assert!(
                script.contains(&format!("#   {line}\n")),
                "{shell}'s script lacks {line}"
            );
        }
    }
}

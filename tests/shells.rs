//! The completion scripts driven by real shells (bash with Debian's
//! bash-completion, zsh, fish, elvish), each calling the real binary's `__complete`.
//! A shell that is not installed fails the test under CI (which installs
//! them all) and is a visible skip elsewhere (see `common::skip`).
//! PowerShell cannot be installed here (see the README's Tests section):
//! its script gets only the static checks at the end of this file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_flux-receiver"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions").join(name)
}

fn path_with_binary() -> String {
    format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default())
}

fn shell(name: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.exists())
}

fn run_shell(shell: &Path, args: &[&str]) -> Vec<String> {
    let output = Command::new(shell)
        .args(args)
        .env("PATH", path_with_binary())
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .expect("the shell runs");
    assert!(
        output.status.success(),
        "{}: {}",
        shell.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Completes with bash as a user's TAB would: COMP_WORDS split the way
/// bash splits them (`=` and `:` are word breaks), bash-completion loaded
/// when installed.
fn bash(words: &[&str]) -> Option<Vec<String>> {
    bash_line(&words.join(" "), words)
}

/// As [`bash`], with the command line as typed (`--type=gi`) given apart
/// from the words bash splits it into.
fn bash_line(line: &str, words: &[&str]) -> Option<Vec<String>> {
    let Some(bash) = shell("bash") else {
        common::skip("bash is not installed");
        return None;
    };
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        r#"
        [ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
        . '{script}'
        COMP_WORDS=({words})
        COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
        COMP_LINE='{line}'
        COMP_POINT=${{#COMP_LINE}}
        __flux_receiver_complete
        printf '%s\n' "${{COMPREPLY[@]}}"
        "#,
        script = script("flux-receiver.bash").display(),
        words = quoted.join(" "),
    );
    Some(
        run_shell(&bash, &["-c", &program])
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

#[test]
fn bash_completes_subcommands_types_events_and_kinds() {
    let Some(subcommands) = bash(&["flux-receiver", "cr"]) else {
        return;
    };
    assert_eq!(subcommands, ["create"]);
    assert_eq!(
        bash(&["flux-receiver", "create", "r", "--type", "gi"]).unwrap(),
        ["github", "gitlab"]
    );
    assert_eq!(
        bash(&["flux-receiver", "create", "r", "--type", "gitlab", "--event", "Tag"]).unwrap(),
        ["Tag\\ Push\\ Hook"]
    );
    assert_eq!(
        bash(&["flux-receiver", "create", "r", "--resource", "Kust"]).unwrap(),
        ["Kustomization/"]
    );
    assert_eq!(bash(&["flux-receiver", "list", "-o", "w"]).unwrap(), ["wide"]);
    // `--type=gi` reaches bash as three words; the candidates lose the
    // `--type=` prefix bash will keep.
    let typed = "flux-receiver create r --type=gi";
    assert_eq!(
        bash_line(typed, &["flux-receiver", "create", "r", "--type", "=", "gi"]).unwrap(),
        ["github", "gitlab"]
    );
    let typed = "flux-receiver create r --type bitbucket --event repo:r";
    let words = [
        "flux-receiver",
        "create",
        "r",
        "--type",
        "bitbucket",
        "--event",
        "repo",
        ":",
        "r",
    ];
    assert_eq!(bash_line(typed, &words).unwrap(), ["refs_changed"]);
    let typed = "flux-receiver list -o=w";
    assert_eq!(
        bash_line(typed, &["flux-receiver", "list", "-o", "=", "w"]).unwrap(),
        ["wide"]
    );
    // A comma list: the candidate is the whole word, so bash replaces it whole.
    assert_eq!(
        bash(&["flux-receiver", "create", "r", "--type", "github", "--event", "ping,p"]).unwrap(),
        ["ping,push"]
    );
}

/// Drives an interactive zsh in a pseudo-terminal (zsh/zpty) with the real
/// completion system (compinit, _describe, _files, compset): types `$2`,
/// runs complete-word as TAB would, and prints the resulting command line
/// between <BUFFER> tags. `$1` is the directory holding `_flux-receiver`.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''; unsetopt zle_bracketed_paste beep; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "finish() { zle complete-word; print -r -- \"<BUFFER>\$BUFFER</BUFFER>\"; zle send-break }; zle -N finish; bindkey '^T' finish"
zpty -w z "print '<READY>'"
zpty -r z line '*<READY>*'
zpty -w -n z "$2"$'\x14'
out=""
for i in {1..100}; do zpty -r -t z chunk && out+=$chunk; [[ $out == *'</BUFFER>'* ]] && break; sleep 0.1; done
zpty -d z
print -r -- "$out"
"#;

/// The command line after one TAB at the end of `line`, in real zsh.
fn zsh_tab(zsh: &Path, line: &str) -> String {
    let fpath = script("_flux-receiver").parent().unwrap().display().to_string();
    let output = run_shell(zsh, &["-f", "-c", ZSH_DRIVER, "zsh", &fpath, line]).join("\n");
    let start = output
        .rfind("<BUFFER>")
        .unwrap_or_else(|| panic!("no buffer in {output:?}"));
    let end = output.rfind("</BUFFER>").unwrap();
    output[start + "<BUFFER>".len()..end].to_string()
}

#[test]
fn zsh_inserts_what_the_engine_answers() {
    let Some(zsh) = shell("zsh") else {
        common::skip("zsh is not installed");
        return;
    };
    let line = "flux-receiver create r --type";
    // Two candidates: their common prefix.
    assert_eq!(zsh_tab(&zsh, &format!("{line} gi")), format!("{line} git"));
    assert_eq!(zsh_tab(&zsh, &format!("{line} githu")), format!("{line} github "));
    // Bare values for --flag=value, the flag kept on the line.
    assert_eq!(zsh_tab(&zsh, &format!("{line}=githu")), format!("{line}=github "));
    assert_eq!(zsh_tab(&zsh, "flux-receiver list -o=w"), "flux-receiver list -o=wide ");
    // NoSpace after a kind: the name follows.
    assert_eq!(
        zsh_tab(&zsh, "flux-receiver create r --resource Kust"),
        "flux-receiver create r --resource Kustomization/"
    );
    // A colon inside a value is not a separator.
    let events = "flux-receiver create r --type bitbucket --event";
    assert_eq!(
        zsh_tab(&zsh, &format!("{events} repo:r")),
        format!("{events} repo:refs_changed ")
    );
}

#[test]
fn fish_completes_like_the_others() {
    let Some(fish) = shell("fish") else {
        common::skip("fish is not installed");
        return;
    };
    let complete = |line: &str| {
        let program = format!(
            "source '{}'; complete -C'{line}'",
            script("flux-receiver.fish").display()
        );
        run_shell(&fish, &["--no-config", "-c", &program])
    };
    let types = complete("flux-receiver create r --type gi");
    assert_eq!(types.len(), 2, "{types:?}");
    assert!(types[0].starts_with("github\tGitHub webhooks"), "{types:?}");
    let events = complete("flux-receiver create r --type gitlab --event Tag");
    assert_eq!(events, ["Tag Push Hook\tgitlab event"]);
    // fish matches the whole token, so the script puts `--type=` back.
    let types = complete("flux-receiver create r --type=gi");
    assert!(types[0].starts_with("--type=github\t"), "{types:?}");
    assert_eq!(complete("flux-receiver list -o=w").len(), 1);
    assert!(complete("flux-receiver list -o=w")[0].starts_with("-o=wide\t"));
    assert_eq!(
        complete("flux-receiver create r --type github --event ping,p"),
        ["ping,push\tgithub event"]
    );
    let kinds = complete("flux-receiver create r --resource OCI");
    assert!(kinds[0].starts_with("OCIRepository/"), "{kinds:?}");
    // NoSpace with one candidate: a second, dotted candidate keeps fish
    // from adding a space after `OCIRepository/`.
    assert_eq!(kinds, ["OCIRepository/", "OCIRepository/."], "{kinds:?}");
}

/// Runs `__complete` with `args` against `kubeconfig` and returns its
/// output, failing the test if it had to be killed: it must give up on the
/// cluster by itself (after a second), not hang the user's TAB.
fn complete_or_kill(kubeconfig: &Path, args: &[&str]) -> String {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_flux-receiver"))
        .arg("__complete")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Far beyond the one-second budget: only a hang gets here.
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > give_up {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("__complete {args:?} still running after 10 s: it had to be killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success());
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    stdout
}

#[test]
fn cluster_look_ups_degrade_to_nothing() {
    let missing = complete_or_kill(Path::new("/nonexistent/kubeconfig"), &["delete", ""]);
    assert_eq!(missing, ":4\n");
}

/// A kubeconfig whose user gets credentials from an `exec` plugin that
/// never answers in time, as a cloud CLI waiting on the network does. kube
/// runs such plugins synchronously, blocking its runtime's timers.
#[test]
fn a_hanging_credential_plugin_does_not_hang_completion() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("credential-plugin");
    std::fs::write(&plugin, "#!/bin/sh\nsleep 30\n").unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: c
  context:
    cluster: c
    user: u
current-context: c
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {}
      interactiveMode: Never
",
            plugin.display()
        ),
    )
    .unwrap();
    assert_eq!(complete_or_kill(&kubeconfig, &["get", ""]), ":4\n");
    assert_eq!(
        complete_or_kill(&kubeconfig, &["create", "r", "--resource", "GitRepository/"]),
        ":4\n"
    );
}

/// Runs elvish's completer for `flux-receiver` on each line, in a real
/// interactive elvish (its `edit:` module exists only there, so it runs on
/// a pseudo-terminal from util-linux's `script`). Each line's candidates
/// come back as `stem|code-suffix|`, in order.
fn elvish_candidates(lines: &[&[&str]]) -> Option<Vec<Vec<String>>> {
    use std::io::Write;
    let (Some(elvish), Some(script_tool)) = (shell("elvish"), shell("script")) else {
        common::skip("elvish or script (util-linux) is not installed");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let mut program = format!(
        "eval (slurp < '{}')\nset paths = ['{}' $@paths]\n{{\n",
        script("flux-receiver.elv").display(),
        bin_dir().display()
    );
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        program.push_str(&format!(
            "  $edit:completion:arg-completer[flux-receiver] {} | each {{|c| echo $c[stem]'|'$c[code-suffix]'|' }}\n  echo ---\n",
            quoted.join(" ")
        ));
    }
    program.push_str(&format!("}} > '{}'\n", out.display()));
    let program_file = dir.path().join("program.elv");
    std::fs::write(&program_file, program).unwrap();
    let command = format!("{} -norc", elvish.display());
    let mut child = Command::new(script_tool)
        .args(["-qec", &command, "/dev/null"])
        .env("PATH", path_with_binary())
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // stdin stays open until elvish exits: an early EOF would end the session.
    let mut stdin = child.stdin.take().unwrap();
    // Two lines, so that elvish exits even when the program fails.
    writeln!(stdin, "eval (slurp < '{}')\nexit", program_file.display()).unwrap();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < give_up, "elvish did not finish");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(stdin);
    let text = std::fs::read_to_string(&out).expect("elvish ran the completer");
    let mut groups = vec![Vec::new()];
    for line in text.lines() {
        if line == "---" {
            groups.push(Vec::new());
        } else {
            groups.last_mut().unwrap().push(line.to_string());
        }
    }
    groups.pop();
    Some(groups)
}

#[test]
fn elvish_completes_like_the_others() {
    let Some(groups) = elvish_candidates(&[
        &["flux-receiver", "create", "r", "--type", "gi"],
        &["flux-receiver", "create", "r", "--type=gi"],
        &["flux-receiver", "create", "r", "--resource", "OCI"],
        &["flux-receiver", "create", "r", "--type", "gitlab", "--event", "Tag"],
    ]) else {
        return;
    };
    assert_eq!(groups.len(), 4, "{groups:?}");
    assert_eq!(groups[0], ["github| |", "gitlab| |"]);
    // The flag goes back in front of bare values, as elvish matches whole words.
    assert_eq!(groups[1], ["--type=github| |", "--type=gitlab| |"]);
    // NoSpace: no suffix after a kind, the name comes next.
    assert_eq!(groups[2], ["OCIRepository/||"]);
    assert_eq!(groups[3], ["Tag Push Hook| |"]);
}

/// PowerShell is in no package registry CI reaches (Microsoft's own
/// packages, NuGet's global tool; npm's `pwsh` downloads it at install), so
/// its script cannot be run here. It is parsed instead, with PowerShell's
/// tree-sitter grammar: a brace, parenthesis or quote out of place fails.
#[test]
fn the_powershell_script_parses_and_registers_the_completer() {
    let text = std::fs::read_to_string(script("_flux-receiver.ps1")).unwrap();
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).unwrap();
    let tree = parser.parse(&text, None).expect("the parser returns a tree");
    let mut errors = Vec::new();
    let mut pending = vec![tree.root_node()];
    while let Some(node) = pending.pop() {
        if node.is_error() || node.is_missing() {
            let row = node.start_position().row + 1;
            errors.push(format!("line {row}: {:?}", node.utf8_text(text.as_bytes()).unwrap()));
        }
        pending.extend((0..node.child_count()).filter_map(|i| node.child(i as u32)));
    }
    assert!(errors.is_empty(), "_flux-receiver.ps1 does not parse: {errors:?}");
    assert!(text.contains("Register-ArgumentCompleter -Native -CommandName 'flux-receiver' -ScriptBlock {"));
    assert!(text.contains("& $program __complete @arguments $current"));
}

//! Examples under `--help` can be copied: at any terminal width they are
//! printed exactly as written in `src/examples.rs`, every line is a whole
//! command or ends with ` \`, and each command, run by bash as a user would
//! paste it, calls `flux-receiver` with arguments the parser accepts.

mod common;

use std::path::Path;
use std::process::Command;

use clap::{CommandFactory, Parser};
use flux_receiver::cli::Cli;
use flux_receiver::examples;

/// Every visible subcommand's name.
fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name().to_string())
        .collect()
}

/// `flux-receiver SUBCOMMAND FLAG` at `columns` wide.
fn help(subcommand: &str, flag: &str, columns: usize) -> String {
    let output = common::flux_receiver()
        .args([subcommand, flag])
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap();
    assert!(output.status.success(), "{subcommand} {flag}");
    String::from_utf8(output.stdout).unwrap()
}

/// The examples block as printed: what follows the `Examples:` heading,
/// with the indent taken off.
fn printed_examples(help: &str) -> Option<String> {
    let (_, block) = help.split_once("\nExamples:\n")?;
    Some(
        block
            .lines()
            .map(|line| line.strip_prefix(examples::INDENT).unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[test]
fn examples_are_printed_as_written_at_any_width() {
    let mut with_examples = 0;
    for name in subcommands() {
        for columns in [80, 60, 30] {
            for flag in ["--help", "-h"] {
                let help = help(&name, flag, columns);
                assert!(!help.contains("@@"), "{name} {flag}: a placeholder is left:\n{help}");
                let Some(expected) = examples::of(&name) else {
                    assert!(!help.contains("Examples:"), "{name}");
                    continue;
                };
                // The block is the end of the help, byte for byte.
                let block = format!("\nExamples:\n{}\n", examples::indented(expected));
                assert!(
                    help.ends_with(&block),
                    "{name} {flag} at {columns} columns does not end with its examples as written:\n{help}"
                );
                assert_eq!(printed_examples(&help).as_deref(), Some(expected));
            }
        }
        with_examples += usize::from(examples::of(&name).is_some());
    }
    assert!(with_examples >= 10, "only {with_examples} subcommands have examples");
    for name in examples::commands() {
        assert!(
            subcommands().iter().any(|sub| sub == name),
            "examples for no subcommand {name}"
        );
    }
}

/// The commands of an examples block: comments and blank lines dropped,
/// lines ending in ` \` joined with the next. Panics on a continuation
/// that continues into nothing.
fn commands(block: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current: Option<String> = None;
    for line in block.lines() {
        if current.is_none() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        assert!(!line.trim().is_empty(), "a continuation ends in a blank line:\n{block}");
        let text = current
            .take()
            .map_or(line.to_string(), |start| format!("{start}\n{line}"));
        if line.ends_with(" \\") {
            current = Some(text);
        } else {
            commands.push(text);
        }
    }
    assert!(current.is_none(), "the last line continues into nothing:\n{block}");
    commands
}

/// The paragraphs (one example each) of `name`'s examples that are POSIX
/// shell: all but `completion`'s PowerShell lines, which are checked apart.
fn posix_paragraphs(name: &str) -> impl Iterator<Item = &'static str> {
    examples::of(name)
        .unwrap()
        .split("\n\n")
        .filter(|paragraph| !paragraph.starts_with("# PowerShell"))
}

#[test]
fn every_example_line_is_a_whole_command_or_continues() {
    let bash = Path::new("/bin/bash");
    for name in examples::commands() {
        for command in posix_paragraphs(name).flat_map(commands) {
            // Each command on its own is complete shell: no quote or
            // parenthesis left open for the next line to close.
            let status = Command::new(bash).args(["-n", "-c", &command]).status().unwrap();
            assert!(status.success(), "{name}: not a complete command:\n{command}");
        }
    }
}

/// The argument lists `flux-receiver` was called with when bash ran
/// `block` in an empty home, with a stand-in `flux-receiver` (a shell
/// function) that records its arguments and prints a hook URL for `url`;
/// bash's complaint when it failed.
fn invocations(block: &str) -> Result<Vec<Vec<String>>, String> {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record");
    let program = format!(
        "set -eu\n\
         flux-receiver() {{ printf '%s\\0' \"$@\" >> \"$RECORD\"; printf '\\036' >> \"$RECORD\"; \
         if [ \"$1\" = url ]; then echo https://flux.example.com/hook/0123abcd; fi; }}\n\
         {block}\n"
    );
    let output = Command::new("/bin/bash")
        .args(["-c", &program])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("RECORD", &record)
        .output()
        .unwrap();
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = std::fs::read_to_string(&record).unwrap_or_default();
    Ok(text
        .split('\u{1e}')
        .filter(|call| !call.is_empty())
        .map(|call| call.trim_end_matches('\0').split('\0').map(str::to_string).collect())
        .collect())
}

/// Whether the parser accepts `flux-receiver ARGS`.
fn accepted(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("flux-receiver".to_string()).chain(args.iter().cloned());
    Cli::try_parse_from(argv).map(drop).map_err(|err| err.to_string())
}

/// How many times `block` runs `flux-receiver` itself (not in quotes, as
/// the shell-rc lines of `completion` write it).
fn expected_calls(block: &str) -> usize {
    block
        .lines()
        .map(|line| usize::from(line.starts_with("flux-receiver ")) + line.matches("$(flux-receiver ").count())
        .sum()
}

#[test]
fn every_example_calls_flux_receiver_with_arguments_it_accepts() {
    let mut calls = 0;
    for name in examples::commands() {
        for paragraph in posix_paragraphs(name) {
            let invocations = invocations(paragraph).unwrap_or_else(|err| panic!("bash fails on:\n{paragraph}\n{err}"));
            assert_eq!(invocations.len(), expected_calls(paragraph), "{name}:\n{paragraph}");
            for args in &invocations {
                if let Err(err) = accepted(args) {
                    panic!("{name}: `flux-receiver {}` is rejected: {err}", args.join(" "));
                }
                calls += 1;
            }
            // An example shows its own subcommand (after what feeds it).
            if let Some(last) = invocations.last() {
                assert_eq!(last[0], name, "{name}'s example runs {last:?}");
            }
        }
    }
    assert!(calls >= 20, "only {calls} example commands ran");
}

#[test]
fn the_powershell_lines_are_whole_commands_too() {
    let block = examples::of("completion").unwrap();
    let (_, powershell) = block.split_once("# PowerShell").unwrap();
    let lines: Vec<&str> = powershell.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    // PowerShell continues lines with a backtick; none does.
    assert!(lines.iter().all(|line| !line.ends_with('`') && !line.ends_with('\\')));
    assert!(lines[1].contains("'flux-receiver completion powershell | Out-String | iex'"));
    assert!(accepted(&["completion".into(), "powershell".into()]).is_ok());
}

#[test]
fn broken_examples_are_caught() {
    // What clap's rewrapping made of trigger's example at 60 columns: the
    // URL on a line of its own, without a backslash, runs as a command.
    let rewrapped = "flux-receiver trigger r --type github --event push \\\n  --url\nhttps://flux.example.com/hook/0";
    assert!(invocations(rewrapped).is_err());
    // The old zsh install line, pasted into bash.
    assert!(invocations("flux-receiver completion zsh > \"${fpath[1]}/_flux-receiver\"").is_err());
    // A quote left open for the next line to close.
    let open_quote = Command::new("/bin/bash")
        .args(["-n", "-c", "flux-receiver create r --event 'Tag"])
        .status()
        .unwrap();
    assert!(!open_quote.success());
    // Arguments the parser rejects.
    let calls = invocations("flux-receiver create r --type github --resource GitRepository/x --event").unwrap();
    assert!(accepted(&calls[0]).is_err());
    let calls = invocations("flux-receiver create rx --type github --resource GitRepository/x").unwrap();
    assert_eq!(accepted(&calls[0]), Ok(()));
}

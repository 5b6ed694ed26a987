//! The committed man pages, as a reader sees them: rendered by groff at 80
//! columns. Examples must come out exactly as written (no justification,
//! no hyphenation, real hyphen-minus signs), synopses must name commands
//! that exist, every page referred to must exist, and the sections clap
//! cannot write must be there. groff is required under CI (`CI` set); on
//! a machine without it these tests say so and pass.

#[path = "common/outcome.rs"]
mod outcome;

use std::path::{Path, PathBuf};
use std::process::Command;

use flux_receiver::error::EXIT_STATUSES;
use flux_receiver::examples;
use flux_receiver::manpage::OTHER_PAGES;

fn man_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("man")
}

/// `tool` on the PATH; `None`, with a note, where it is missing outside
/// CI. Under CI a missing tool fails the test: nothing may pass unrun.
fn require(tool: &str) -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file());
    if found.is_none() {
        // The suite's one rule: a failure under CI, a logged skip elsewhere.
        outcome::skip(&format!("{tool} is not installed (.ci/run installs it)"));
    }
    found
}

/// The page `file` as groff prints it on an 80-column terminal, without
/// bold or underlining, and groff's warnings (all of them enabled).
fn rendered_and_warnings(groff: &Path, file: &Path) -> (String, String) {
    let output = Command::new(groff)
        .args(["-man", "-Tutf8", "-rLL=80n", "-P-cbu", "-ww"])
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn rendered(groff: &Path, file: &Path) -> String {
    rendered_and_warnings(groff, file).0
}

#[test]
fn groff_has_nothing_to_warn_about() {
    let Some(groff) = require("groff") else { return };
    for entry in std::fs::read_dir(man_dir()).unwrap() {
        let path = entry.unwrap().path();
        let (_, warnings) = rendered_and_warnings(&groff, &path);
        // "can't break line": an unbreakable word wider than the page.
        assert!(warnings.is_empty(), "groff warns about {}: {warnings}", path.display());
    }
}

/// Every committed page, `(subcommand or "" for the tool, rendered text)`.
fn pages(groff: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = std::fs::read_dir(man_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let subcommand = stem.strip_prefix("flux-receiver").unwrap().trim_start_matches('-');
            (subcommand.to_string(), rendered(groff, &path))
        })
        .collect();
    pages.sort();
    assert!(pages.len() > 10, "{} pages", pages.len());
    pages
}

/// The body of section `title` (the lines up to the next heading).
fn section<'a>(page: &'a str, title: &str) -> Option<Vec<&'a str>> {
    let mut lines = page.lines().skip_while(|line| *line != title);
    lines.next()?;
    Some(
        lines
            .take_while(|line| line.is_empty() || line.starts_with(' '))
            .collect(),
    )
}

/// `lines` with the indentation they share taken off, trailing blank
/// lines dropped.
fn dedented(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = lines.iter().map(|line| line.get(indent..).unwrap_or("")).collect();
    text.join("\n").trim_end().to_string()
}

#[test]
fn examples_are_printed_as_written() {
    let Some(groff) = require("groff") else { return };
    let mut checked = 0;
    for (subcommand, page) in pages(&groff) {
        let expected = examples::of(&subcommand);
        let Some(body) = section(&page, "EXAMPLES") else {
            assert_eq!(expected, None, "{subcommand}: no EXAMPLES section");
            continue;
        };
        assert_eq!(
            Some(dedented(&body).as_str()),
            expected,
            "{subcommand}'s examples in its man page"
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} pages with examples");
}

#[test]
fn nothing_is_hyphenated_or_made_a_typographic_dash() {
    let Some(groff) = require("groff") else { return };
    for (subcommand, page) in pages(&groff) {
        // U+2010 is what hyphenation adds and what a bare `-` becomes;
        // U+2212 and the dashes are what `\-` must not become.
        for dash in ['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}'] {
            assert!(
                !page.contains(dash),
                "{subcommand}: {dash:?} in\n{}",
                page.lines()
                    .filter(|line| line.contains(dash))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

#[test]
fn synopses_name_commands_that_exist() {
    let Some(groff) = require("groff") else { return };
    for (subcommand, page) in pages(&groff) {
        let synopsis = dedented(&section(&page, "SYNOPSIS").unwrap());
        let command = if subcommand.is_empty() {
            "flux-receiver ".to_string()
        } else {
            format!("flux-receiver {subcommand} ")
        };
        assert!(synopsis.starts_with(&command), "{subcommand}: {synopsis}");
        // And the command it names parses (with --help, so that required
        // arguments need not be made up).
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = Command::new(env!("CARGO_BIN_EXE_flux-receiver"))
            .args(&words)
            .arg("--help")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}--help fails");
    }
}

/// Every `name(section)` reference in `text`.
fn references(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|word| {
            let (name, rest) = word.split_once('(')?;
            let section = rest.strip_suffix(')')?;
            (!name.is_empty() && section.chars().all(|c| c.is_ascii_digit()) && !section.is_empty())
                .then(|| format!("{name}({section})"))
        })
        .collect()
}

#[test]
fn every_page_referred_to_exists() {
    let Some(groff) = require("groff") else { return };
    let exists = |reference: &str| {
        let (name, section) = reference.trim_end_matches(')').split_once('(').unwrap();
        man_dir().join(format!("{name}.{section}")).is_file() || OTHER_PAGES.contains(&reference)
    };
    let mut see_also_count = 0;
    for (subcommand, page) in pages(&groff) {
        let see_also = section(&page, "SEE ALSO").unwrap_or_else(|| panic!("{subcommand}: no SEE ALSO"));
        let named = references(&see_also.join("\n"));
        assert!(
            named.iter().any(|r| r.starts_with("flux-receiver")),
            "{subcommand}: {named:?}"
        );
        see_also_count += named.len();
        // Anywhere on the page (SUBCOMMANDS included), not only SEE ALSO.
        for reference in references(&page) {
            assert!(
                exists(&reference),
                "{subcommand} names {reference}, which is not a page"
            );
        }
    }
    assert!(see_also_count > 20);
    // The check itself: the page clap_mangen used to list.
    assert!(!exists("flux-receiver-help(1)"));
}

#[test]
fn every_page_has_exit_status_and_environment() {
    let Some(groff) = require("groff") else { return };
    for (subcommand, page) in pages(&groff) {
        let exit_status = dedented(&section(&page, "EXIT STATUS").unwrap_or_else(|| panic!("{subcommand}")));
        for (code, _) in EXIT_STATUSES {
            assert!(
                exit_status.lines().any(|line| line.starts_with(&format!("{code} "))),
                "{subcommand}: exit code {code} missing:\n{exit_status}"
            );
        }
        let environment = dedented(&section(&page, "ENVIRONMENT").unwrap_or_else(|| panic!("{subcommand}")));
        for variable in ["KUBECONFIG", "FLUX_SYSTEM_NAMESPACE", "FLUXCD_PLUGINS", "NO_COLOR"] {
            assert!(
                environment.lines().any(|line| line.starts_with(variable)),
                "{subcommand}: {variable} missing"
            );
        }
    }
}

/// Every environment variable the program's own code reads, found in its
/// source: `env::var("X")`, `var_os("X")` and clap's `env = "X"`.
fn variables_read_in_source() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for pattern in ["env::var(\"", "var_os(\"", "env = \""] {
                    for (at, _) in text.match_indices(pattern) {
                        let rest = &text[at + pattern.len()..];
                        found.push(rest[..rest.find('"').unwrap()].to_string());
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_tool_page_documents_every_variable_the_code_reads() {
    let read = variables_read_in_source();
    assert!(read.len() >= 5, "{read:?}");
    let page = std::fs::read_to_string(man_dir().join("flux-receiver.1")).unwrap();
    let environment = page.split(".SH ENVIRONMENT").nth(1).unwrap();
    let environment = environment.split("\n.SH ").next().unwrap();
    for variable in read {
        let roff_name = variable.replace('-', "\\-");
        assert!(
            environment.contains(&format!("\\fB{roff_name}\\fR")),
            "{variable} is read but not in ENVIRONMENT"
        );
    }
}

#[test]
fn the_readme_lists_the_same_exit_codes() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (code, meaning) in EXIT_STATUSES {
        let row = format!("| {code} | {meaning} |");
        assert!(
            readme.lines().any(|line| line.replace('`', "") == row),
            "README has no row {row}"
        );
    }
}

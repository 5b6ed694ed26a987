//! Shell completion with Cobra's `__complete` protocol.
//!
//! flux delegates completion of `flux receiver …` to the plugin by running
//! `flux-receiver __complete <args…> <word being completed>` and reading one
//! candidate per line (`value` or `value<TAB>description`) and a final
//! `:<directive>` line. The scripts in `completions/` call the very same
//! entry point, so `flux-receiver` and `flux receiver` complete alike.
//!
//! The engine walks the clap definition ([`crate::cli::Cli`]) to find which
//! subcommand, flag or positional the word belongs to; candidates come from
//! the definition itself (subcommands, flags, possible values), from the
//! `receiver` crate's catalogs (types, events, kinds), and for names from the
//! cluster, with a one-second budget and silence on any failure.

mod scripts;
mod values;

pub use scripts::script;

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

/// The hidden subcommand name Cobra uses.
pub const COMPLETE: &str = "__complete";
/// Cobra's variant without descriptions.
pub const COMPLETE_NO_DESC: &str = "__completeNoDesc";

/// Cobra's directive bits.
pub mod directive {
    /// An error occurred; ignore the candidates.
    pub const ERROR: u32 = 1;
    /// Do not add a space after the completion.
    pub const NO_SPACE: u32 = 2;
    /// Do not fall back to file completion when there are no candidates.
    pub const NO_FILE_COMP: u32 = 4;
    /// Keep the candidates in the order given.
    pub const KEEP_ORDER: u32 = 32;
    /// Let the shell complete file names.
    pub const DEFAULT: u32 = 0;
}

/// One completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What is inserted.
    pub value: String,
    /// Shown beside it by shells that can.
    pub description: Option<String>,
}

impl Candidate {
    /// A candidate with a description.
    pub fn described(value: impl Into<String>, description: impl Into<String>) -> Candidate {
        let description: String = description.into();
        Candidate {
            value: value.into(),
            description: (!description.is_empty()).then_some(description),
        }
    }

    /// A candidate without a description.
    pub fn plain(value: impl Into<String>) -> Candidate {
        Candidate {
            value: value.into(),
            description: None,
        }
    }
}

/// Candidates plus the directive for the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// The candidates, already filtered by the typed prefix.
    pub candidates: Vec<Candidate>,
    /// Cobra directive bits.
    pub directive: u32,
}

impl Completions {
    fn new(candidates: Vec<Candidate>, directive: u32) -> Completions {
        Completions { candidates, directive }
    }

    /// The protocol's text: a line per candidate and `:<directive>`.
    pub fn render(&self, with_descriptions: bool) -> String {
        let mut text = String::new();
        for candidate in &self.candidates {
            text.push_str(&candidate.value);
            if let (true, Some(description)) = (with_descriptions, &candidate.description) {
                text.push('\t');
                // One line per candidate: descriptions never span lines.
                text.push_str(description.lines().next().unwrap_or_default());
            }
            text.push('\n');
        }
        text.push_str(&format!(":{}\n", self.directive));
        text
    }
}

/// What the word being completed is.
enum Slot<'a> {
    /// A subcommand name or a positional value of `command`.
    Word,
    /// The value of `arg`; `prefix` is put before each candidate (`--flag=`).
    Value { arg: &'a Arg, prefix: String },
    /// A flag name.
    Flag,
}

/// What was typed before the word being completed.
pub struct Line<'a> {
    command: &'a Command,
    /// Values given so far, by argument id (for context-dependent values).
    values: Vec<(String, String)>,
    positionals: usize,
}

impl Line<'_> {
    /// The last value given for the argument with `id`.
    pub fn value_of(&self, id: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(key, _)| key == id)
            .map(|(_, value)| value.as_str())
    }

    /// The subcommand path's last name (`create`), or "" at the root.
    pub fn subcommand(&self) -> &str {
        if self.command.get_name() == crate::generate::BIN_NAME {
            ""
        } else {
            self.command.get_name()
        }
    }
}

/// Completes `words`: everything after `__complete`, the last being the
/// (possibly empty) word under the cursor.
pub fn complete(words: &[String]) -> Completions {
    let mut root = Cli::command();
    root.build();
    let (typed, current) = match words.split_last() {
        Some((current, typed)) => (typed, current.as_str()),
        None => (&[][..], ""),
    };
    let (line, pending) = walk(&root, typed);
    let slot = match pending {
        Some(arg) => Slot::Value {
            arg,
            prefix: String::new(),
        },
        None => match current.strip_prefix("--").and_then(|rest| rest.split_once('=')) {
            Some((name, _)) => match find_long(line.command, name) {
                Some(arg) if takes_value(arg) => Slot::Value {
                    arg,
                    prefix: format!("--{name}="),
                },
                _ => return Completions::new(Vec::new(), directive::NO_FILE_COMP),
            },
            None if current.starts_with('-') => Slot::Flag,
            None => Slot::Word,
        },
    };
    let completions = match slot {
        Slot::Flag => Completions::new(flags(line.command, current), directive::NO_FILE_COMP),
        Slot::Value { arg, prefix } => {
            let partial = &current[prefix.len().min(current.len())..];
            let mut completions = values::for_arg(arg, &line, partial);
            completions
                .candidates
                .iter_mut()
                .for_each(|c| c.value.insert_str(0, &prefix));
            completions
        }
        Slot::Word => word(&line, current),
    };
    filter(completions, current)
}

/// Keeps the candidates that extend what was typed.
fn filter(mut completions: Completions, current: &str) -> Completions {
    completions.candidates.retain(|c| c.value.starts_with(current));
    completions
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'a>(command: &'a Command, name: &str) -> Option<&'a Arg> {
    command.get_arguments().find(|arg| {
        arg.get_long_and_visible_aliases()
            .is_some_and(|longs| longs.contains(&name))
    })
}

fn find_short(command: &Command, short: char) -> Option<&Arg> {
    command.get_arguments().find(|arg| arg.get_short() == Some(short))
}

/// Follows the typed words through the command tree. Returns where we are
/// and the flag still waiting for its value, if the last word was one.
fn walk<'a>(root: &'a Command, typed: &[String]) -> (Line<'a>, Option<&'a Arg>) {
    let mut line = Line {
        command: root,
        values: Vec::new(),
        positionals: 0,
    };
    let mut pending: Option<&Arg> = None;
    let mut only_positionals = false;
    for word in typed {
        if let Some(arg) = pending.take() {
            line.values.push((arg.get_id().to_string(), word.clone()));
            continue;
        }
        if word == "--" {
            only_positionals = true;
            continue;
        }
        if !only_positionals && let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            if let Some(arg) = find_long(line.command, name) {
                match (takes_value(arg), inline) {
                    (true, Some(value)) => line.values.push((arg.get_id().to_string(), value.to_string())),
                    (true, None) => pending = Some(arg),
                    (false, _) => line.values.push((arg.get_id().to_string(), "true".into())),
                }
            }
            continue;
        }
        if !only_positionals && word.len() > 1 && word.starts_with('-') {
            let shorts: Vec<char> = word[1..].chars().collect();
            for (index, short) in shorts.iter().enumerate() {
                let Some(arg) = find_short(line.command, *short) else {
                    break;
                };
                if takes_value(arg) {
                    let rest: String = shorts[index + 1..].iter().collect();
                    let rest = rest.strip_prefix('=').unwrap_or(&rest).to_string();
                    if rest.is_empty() {
                        pending = Some(arg);
                    } else {
                        line.values.push((arg.get_id().to_string(), rest));
                    }
                    break;
                }
                line.values.push((arg.get_id().to_string(), "true".into()));
            }
            continue;
        }
        let subcommand = (line.positionals == 0)
            .then(|| {
                line.command
                    .get_subcommands()
                    .find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))
            })
            .flatten();
        match subcommand {
            Some(sub) => {
                line = Line {
                    command: sub,
                    values: line.values,
                    positionals: 0,
                }
            }
            None => {
                if let Some(positional) = line.command.get_positionals().nth(line.positionals) {
                    line.values.push((positional.get_id().to_string(), word.clone()));
                }
                line.positionals += 1;
            }
        }
    }
    (line, pending)
}

/// Flags of the current command (globals included), long names first.
fn flags(command: &Command, current: &str) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for arg in command
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
    {
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if let Some(long) = arg.get_long() {
            candidates.push(Candidate::described(format!("--{long}"), help.clone()));
        }
        if current.len() <= 1
            && let Some(short) = arg.get_short()
        {
            candidates.push(Candidate::described(format!("-{short}"), help));
        }
    }
    if current.starts_with("--") || current.len() <= 1 {
        candidates.push(Candidate::described("--help", "Print help"));
    }
    candidates
}

/// A subcommand name, or the next positional's values.
fn word(line: &Line<'_>, current: &str) -> Completions {
    let visible: Vec<&Command> = line
        .command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    if line.positionals == 0 && !visible.is_empty() {
        let candidates = visible
            .iter()
            .map(|s| Candidate::described(s.get_name(), s.get_about().map(|a| a.to_string()).unwrap_or_default()))
            .collect();
        return Completions::new(candidates, directive::NO_FILE_COMP);
    }
    match line.command.get_positionals().nth(line.positionals) {
        Some(arg) => values::for_arg(arg, line, current),
        None => Completions::new(Vec::new(), directive::NO_FILE_COMP),
    }
}

/// Runs the protocol: prints the completions for `args` (after `__complete`).
pub fn run(args: &[String], with_descriptions: bool) -> std::process::ExitCode {
    let text = complete(args).render(with_descriptions);
    let _ = crate::output::print(&text);
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete_line(line: &str) -> Completions {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        if line.ends_with(' ') {
            words.pop();
            words.push(String::new());
        }
        complete(&words)
    }

    fn values(line: &str) -> Vec<String> {
        complete_line(line).candidates.into_iter().map(|c| c.value).collect()
    }

    #[test]
    fn subcommands_at_the_root() {
        let all = values("");
        assert!(all.contains(&"create".to_string()) && all.contains(&"list".to_string()));
        assert!(!all.contains(&"__complete".to_string()) && !all.contains(&"help".to_string()));
        assert_eq!(values("cr"), ["create"]);
    }

    #[test]
    fn flags_of_a_subcommand_include_globals() {
        let flags = values("create --");
        for flag in [
            "--type",
            "--resource",
            "--event",
            "--namespace",
            "--export",
            "--kubeconfig",
        ] {
            assert!(flags.contains(&flag.to_string()), "{flag} missing from {flags:?}");
        }
        assert_eq!(values("create --ty"), ["--type"]);
    }

    #[test]
    fn types_with_descriptions() {
        let completions = complete_line("create r --type gi");
        let values: Vec<_> = completions.candidates.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["github", "gitlab"]);
        assert!(
            completions.candidates[0]
                .description
                .as_deref()
                .unwrap()
                .contains("GitHub")
        );
        assert_eq!(completions.directive, directive::NO_FILE_COMP);
        assert_eq!(self::values("create r --type=gi"), ["--type=github", "--type=gitlab"]);
    }

    #[test]
    fn events_follow_the_type_on_the_line() {
        assert_eq!(values("create r --type gitlab --event T"), ["Tag Push Hook"]);
        assert!(values("create r --type github --event ").contains(&"push".to_string()));
        assert_eq!(
            values("create r --type=bitbucket --event repo:r"),
            ["repo:refs_changed"]
        );
    }

    #[test]
    fn resource_kinds_then_no_space() {
        let completions = complete_line("create r --resource Git");
        assert_eq!(
            completions
                .candidates
                .iter()
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>(),
            ["GitRepository/"]
        );
        assert_eq!(completions.directive & directive::NO_SPACE, directive::NO_SPACE);
    }

    #[test]
    fn output_values_and_shells() {
        assert_eq!(values("list -o w"), ["wide"]);
        assert_eq!(values("list --output=j"), ["--output=json"]);
        assert_eq!(values("completion f"), ["fish"]);
        assert_eq!(values("expose --type N"), ["NodePort"]);
    }

    #[test]
    fn paths_complete_as_files() {
        assert_eq!(complete_line("secret s --token-file ").directive, directive::DEFAULT);
        assert_eq!(complete_line("--kubeconfig ").directive, directive::DEFAULT);
        assert_eq!(
            complete_line("create r --secret-ref ").directive & directive::NO_FILE_COMP,
            directive::NO_FILE_COMP
        );
    }

    #[test]
    fn rendering_follows_the_protocol() {
        let completions = Completions::new(vec![Candidate::described("a", "first"), Candidate::plain("b")], 4);
        assert_eq!(completions.render(true), "a\tfirst\nb\n:4\n");
        assert_eq!(completions.render(false), "a\nb\n:4\n");
    }
}

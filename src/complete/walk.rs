//! Following the typed words through the clap command tree.

use clap::{Arg, ArgAction, Command};

/// What was typed before the word being completed.
pub struct Line<'a> {
    /// The (sub)command the words lead to.
    pub command: &'a Command,
    /// Values given so far, by argument id (for context-dependent values,
    /// and to know which flags are already set).
    values: Vec<(String, String)>,
    /// How many positionals of `command` were given.
    pub positionals: usize,
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

    /// Whether the argument with `id` was given on the line.
    pub fn has(&self, id: &str) -> bool {
        self.values.iter().any(|(key, _)| key == id)
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

/// Whether `arg` takes a value (`--type T`) rather than being a switch.
pub fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

/// Whether `arg` may be given more than once to any effect: appended
/// values and counters. A second `--export` is pointless, a second
/// `--event` is not.
pub fn repeatable(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append | ArgAction::Count)
}

/// The flag with long name (or visible alias) `name`.
pub fn find_long<'a>(command: &'a Command, name: &str) -> Option<&'a Arg> {
    command.get_arguments().find(|arg| {
        arg.get_long_and_visible_aliases()
            .is_some_and(|longs| longs.contains(&name))
    })
}

/// The flag with short name `short`.
pub fn find_short(command: &Command, short: char) -> Option<&Arg> {
    command.get_arguments().find(|arg| arg.get_short() == Some(short))
}

/// The flag named by a word that carries its value after `=`: `--type=gi`
/// or `-n=fl` (for `-abc=v` the last letter before `=`, as Cobra reads
/// it). Returns the flag, if it exists and takes a value, and the text
/// after `=`; `None` when the word is not of that form.
pub fn flag_with_value<'a, 'w>(command: &'a Command, word: &'w str) -> Option<(Option<&'a Arg>, &'w str)> {
    let (flag, value) = word.split_once('=')?;
    let arg = if let Some(long) = flag.strip_prefix("--") {
        find_long(command, long)
    } else {
        let short = flag.strip_prefix('-')?.chars().last()?;
        find_short(command, short)
    };
    Some((arg.filter(|a| takes_value(a)), value))
}

/// Follows the typed words through the command tree. Returns where we are
/// and the flag still waiting for its value, if the last word was one.
pub fn walk<'a>(root: &'a Command, typed: &[String]) -> (Line<'a>, Option<&'a Arg>) {
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

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

mod cluster;
mod flags;
mod scripts;
mod values;
pub mod walk;

pub use scripts::script;

use clap::{Arg, Command, CommandFactory};

use walk::Line;

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

/// Who asks for the completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// A shell, through the scripts in `completions/`.
    Shell,
    /// flux completing `flux receiver …`: it lists its own persistent
    /// flags ([`crate::plugin::FLUX_PERSISTENT_FLAGS`]) before ours, so
    /// our global flags among them are left out.
    Flux,
}

/// Completes `words` for a shell: everything after `__complete`, the last
/// being the (possibly empty) word under the cursor.
pub fn complete(words: &[String]) -> Completions {
    complete_for(words, Asker::Shell)
}

/// [`complete`], for `asker`.
pub fn complete_for(words: &[String], asker: Asker) -> Completions {
    let mut root = Cli::command();
    root.build();
    let (typed, current) = match words.split_last() {
        Some((current, typed)) => (typed, current.as_str()),
        None => (&[][..], ""),
    };
    let (line, pending) = walk::walk(&root, typed);
    if let Some(arg) = pending {
        return value(arg, &line, current);
    }
    if current.starts_with('-') {
        // Like Cobra, `--type=gi` and `-n=fl` complete the bare value
        // (`github`): each shell script puts the `--type=` back itself.
        return match walk::flag_with_value(line.command, current) {
            Some((Some(arg), partial)) => value(arg, &line, partial),
            Some((None, _)) => Completions::new(Vec::new(), directive::NO_FILE_COMP),
            None => filter(
                Completions::new(flags::candidates(&line, current, asker), directive::NO_FILE_COMP),
                current,
            ),
        };
    }
    filter(word(&line, current), current)
}

/// Candidates for the value of `arg`, `partial` being what was typed of
/// it. For comma lists (`--event push,ta`) the last item is completed and
/// each candidate is the whole word (`push,tag_push`), since shells replace
/// the whole word; items already in the list are not offered again.
fn value(arg: &Arg, line: &Line<'_>, partial: &str) -> Completions {
    let comma = crate::cli::is_comma_list(arg).then(|| partial.rfind(',')).flatten();
    let (head, item) = match comma {
        Some(index) => (&partial[..=index], &partial[index + 1..]),
        None => ("", partial),
    };
    let mut completions = filter(values::for_arg(arg, line, item), item);
    if !head.is_empty() {
        let given: Vec<&str> = head.split(',').collect();
        completions.candidates.retain(|c| !given.contains(&c.value.as_str()));
        for candidate in &mut completions.candidates {
            candidate.value.insert_str(0, head);
        }
    }
    completions
}

/// Keeps the candidates that extend what was typed.
fn filter(mut completions: Completions, current: &str) -> Completions {
    completions.candidates.retain(|c| c.value.starts_with(current));
    completions
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
    let asker = if crate::plugin::run_by_flux() {
        Asker::Flux
    } else {
        Asker::Shell
    };
    let text = complete_for(args, asker).render(with_descriptions);
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
        // Cobra answers `--type=gi` with bare values; the scripts re-add `--type=`.
        assert_eq!(self::values("create r --type=gi"), ["github", "gitlab"]);
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
    fn kinds_ignore_case_and_keep_what_was_typed() {
        assert_eq!(values("create r --resource gitr"), ["gitrepository/"]);
        assert_eq!(values("create r --resource=Kust"), ["Kustomization/"]);
        // A kind typed in lowercase is still a kind: no candidates here only
        // because there is no cluster, but the look-up is not refused.
        assert_eq!(complete_line("create r --resource nosuchkind/").candidates, []);
    }

    #[test]
    fn comma_lists_complete_their_last_item() {
        let words = ["create", "r", "--type", "gitlab", "--event", "Push Hook,T"].map(String::from);
        let gitlab: Vec<String> = complete(&words).candidates.into_iter().map(|c| c.value).collect();
        assert_eq!(gitlab, ["Push Hook,Tag Push Hook"]);
        let events = values("create r --type github --event push,");
        assert!(events.contains(&"push,ping".to_string()), "{events:?}");
        assert!(!events.contains(&"push,push".to_string()), "{events:?}");
        assert!(events.iter().all(|e| e.starts_with("push,")), "{events:?}");
        let kinds = complete_line("create r --resource GitRepository/a,Kust");
        assert_eq!(kinds.candidates[0].value, "GitRepository/a,Kustomization/");
        assert_eq!(kinds.directive & directive::NO_SPACE, directive::NO_SPACE);
    }

    #[test]
    fn flags_already_given_are_not_offered_again_unless_repeatable() {
        let flags = values("create r --type github --event push --export --");
        assert!(!flags.contains(&"--type".to_string()), "{flags:?}");
        assert!(!flags.contains(&"--export".to_string()), "{flags:?}");
        assert!(flags.contains(&"--event".to_string()), "{flags:?}");
        assert!(flags.contains(&"--resource".to_string()), "{flags:?}");
        let flags = values("list -n default -");
        assert!(!flags.contains(&"-n".to_string()) && !flags.contains(&"--namespace".to_string()));
        assert!(flags.contains(&"-o".to_string()), "{flags:?}");
        let flags = values("list --context a --");
        assert!(flags.contains(&"--context".to_string()), "{flags:?}");
    }

    #[test]
    fn flux_is_not_offered_the_flags_it_lists_itself() {
        let words = |line: &str| line.split(' ').map(str::to_string).collect::<Vec<_>>();
        let by_flux: Vec<String> = complete_for(&words("create r -"), Asker::Flux)
            .candidates
            .into_iter()
            .map(|c| c.value)
            .collect();
        for ours_only in ["--type", "--flux-namespace", "--help", "-h"] {
            assert!(by_flux.contains(&ours_only.to_string()), "{ours_only}: {by_flux:?}");
        }
        for flux_lists_it in [
            "--namespace",
            "-n",
            "--kubeconfig",
            "--context",
            "--timeout",
            "--verbose",
        ] {
            assert!(
                !by_flux.contains(&flux_lists_it.to_string()),
                "{flux_lists_it}: {by_flux:?}"
            );
            assert!(
                values("create r -").contains(&flux_lists_it.to_string()),
                "{flux_lists_it}"
            );
        }
        // Values are ours to complete whoever asks.
        assert_eq!(
            complete_for(&words("create r -n fl"), Asker::Flux),
            complete(&words("create r -n fl"))
        );
    }

    #[test]
    fn help_once_and_version_only_at_the_root() {
        let flags = values("create r --");
        assert_eq!(flags.iter().filter(|f| *f == "--help").count(), 1, "{flags:?}");
        assert!(!flags.contains(&"--version".to_string()), "{flags:?}");
        let root = values("--");
        assert_eq!(root.iter().filter(|f| *f == "--help").count(), 1, "{root:?}");
        assert!(root.contains(&"--version".to_string()), "{root:?}");
    }

    #[test]
    fn output_values_and_shells() {
        assert_eq!(values("list -o w"), ["wide"]);
        assert_eq!(values("list --output=j"), ["json"]);
        assert_eq!(values("list -o=w"), ["wide"]);
        assert_eq!(values("list -Ao=w"), ["wide"]);
        assert!(values("list --output=").contains(&"yaml".to_string()));
        assert_eq!(complete_line("list --all-namespaces=t").candidates, []);
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

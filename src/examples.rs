//! The examples under each subcommand's `--help` and in its man page.
//!
//! Examples are there to be copied, so they are printed exactly as written
//! here, at any terminal width. clap rewraps help text to the terminal (the
//! `wrap_help` feature), which would break an argument from its flag, so
//! the examples are not clap help text: a subcommand's `after_help` holds
//! only a placeholder, one word that clap never breaks ([`attach`]), and
//! [`expand`] replaces it with the block when help is printed. The man
//! pages print the same blocks in no-fill mode (see [`crate::manpage`]).
//!
//! Each block is shell: `#` comments, commands, blank lines between
//! examples. Lines fit 80 columns once indented; a command that does not is
//! continued with ` \`, so that every line is either a whole command or
//! visibly continues.

use clap::Command;
use clap_complete::Shell;

/// The examples of `create`.
const CREATE: &str = "\
# The seed guide's GitHub receiver, printed for a GitOps repository
flux-receiver create github-receiver --type github --event ping,push \\
  --secret-ref webhook-token --resource GitRepository/my-nginx --export

# Trigger objects in another namespace, and only for tag pushes
flux-receiver create gitlab-receiver --type gitlab --event 'Tag Push Hook' \\
  --secret-ref gitlab-token --resource GitRepository/apps/app \\
  --resource Kustomization/apps/app";

const SECRET: &str = "\
# A GitHub token Secret with a generated token and the hook URL annotation
flux-receiver secret github-receiver --type github \\
  --hostname flux.example.com --export

# A gcr Secret; the audience defaults to the webhook URL
flux-receiver secret gcr-receiver --type gcr --hostname flux.example.com \\
  --email-claim sa@project.iam.gserviceaccount.com --export";

const URL: &str = "\
# The URL github-receiver is served at, read from the cluster
flux-receiver url github-receiver

# The path a token yields, offline (no cluster needed)
flux-receiver url github-receiver --token-file token.txt

# The full URL to paste into the provider
flux-receiver url github-receiver --token-file token.txt \\
  --hostname flux.example.com";

const EXPOSE: &str = "\
# The seed guide's LoadBalancer Service, as a manifest
flux-receiver expose --export

# A NodePort Service named webhook on port 8080
flux-receiver expose --name webhook --type NodePort --port 8080 --export";

const LIST: &str = "\
# Every Receiver in every namespace, with the URL to paste into the provider
flux-receiver list -A

# flux get receivers, as flux prints it
flux-receiver list -o status

# Several clusters at once
flux-receiver list -A --context prod-eu --context prod-us";

const GET: &str = "\
# One Receiver in detail: its URL, Secret, events and conditions
flux-receiver get github-receiver

# Without a name, the same as list
flux-receiver get -A";

const EXPORT: &str = "\
# Every Receiver in the namespace, for a GitOps repository
flux-receiver export --all > receivers.yaml";

const TRIGGER: &str = "\
# A signed GitHub ping to the Receiver, everything read from the cluster
flux-receiver trigger github-receiver

# A push, without a cluster: type, token and URL given
url=$(flux-receiver url github-receiver --token-file token.txt \\
  --hostname flux.example.com)
flux-receiver trigger github-receiver --type github --event push \\
  --token-file token.txt --url \"$url\"";

const SETUP: &str = "\
# Interactive on a terminal: asks for what is missing
flux-receiver setup github-receiver

# Fully flag-driven, for CI
flux-receiver setup github-receiver --type github \\
  --resource GitRepository/my-nginx --yes

# Everything as one multi-document manifest
flux-receiver setup github-receiver --type github \\
  --resource GitRepository/my-nginx --export";

const ROTATE: &str = "\
# Which hook URLs would move, without changing anything
flux-receiver rotate github-receiver --dry-run

# Rotate, and print the new token to paste into the provider
flux-receiver rotate github-receiver --yes --show-token";

const DOCTOR: &str = "\
# Check every Receiver in the namespace
flux-receiver doctor

# Check one, and send it a signed test event through its URL
flux-receiver doctor github-receiver --send";

const RBAC: &str = "\
# What every command needs, as a table
flux-receiver rbac

# The Roles (and ClusterRole) list needs in namespace apps, to bind to a user
flux-receiver rbac list -n apps --export

# The same with the optional rules too (Secrets, Services, nodes...)
flux-receiver rbac list -n apps --export --optional";

/// The install lines, one paragraph per shell, each headed `# <shell>`.
/// They must work on a fresh machine (no directory made yet) and paste
/// into any POSIX shell as well as their own, except PowerShell's.
/// `tests/install.rs` runs them; the README shows this very block.
const COMPLETION: &str = "\
# bash: every new shell loads it
echo 'source <(flux-receiver completion bash)' >> ~/.bashrc

# zsh: every new shell loads it (compinit first, which it needs)
echo 'autoload -Uz compinit && compinit' >> ~/.zshrc
echo 'source <(flux-receiver completion zsh)' >> ~/.zshrc

# fish: loaded the first time flux-receiver is completed
mkdir -p ~/.config/fish/completions
flux-receiver completion fish > ~/.config/fish/completions/flux-receiver.fish

# elvish: every new shell loads it
mkdir -p ~/.config/elvish
echo 'eval (flux-receiver completion elvish|slurp)' >> ~/.config/elvish/rc.elv

# PowerShell: every new session loads it
New-Item -ItemType Directory -Force (Split-Path $PROFILE) | Out-Null
Add-Content $PROFILE 'flux-receiver completion powershell | Out-String | iex'";

/// The examples of `completion` when flux runs us as `flux receiver`.
/// flux completes `flux receiver …` itself, with its own scripts (Cobra's),
/// which ask the plugin for candidates (`flux __complete receiver …` runs
/// `flux-receiver __complete …`). The scripts `completion` prints complete
/// the command `flux-receiver` (found on `PATH`), not `flux receiver`, so
/// what completes what the user types is flux's: these are flux's lines,
/// for the shells flux supports (elvish is not one).
const COMPLETION_UNDER_FLUX: &str = "\
# flux completes `flux receiver` itself, asking this plugin: load flux's
# completion (the scripts printed here complete `flux-receiver` on its own)
# bash: every new shell loads it
echo 'source <(flux completion bash)' >> ~/.bashrc

# zsh: every new shell loads it (compinit first, which it needs)
echo 'autoload -Uz compinit && compinit' >> ~/.zshrc
echo 'source <(flux completion zsh)' >> ~/.zshrc

# fish: loaded the first time flux is completed
mkdir -p ~/.config/fish/completions
flux completion fish > ~/.config/fish/completions/flux.fish

# PowerShell: every new session loads it
New-Item -ItemType Directory -Force (Split-Path $PROFILE) | Out-Null
Add-Content $PROFILE 'flux completion powershell | Out-String | iex'";

/// Every subcommand's examples, by subcommand name.
const ALL: [(&str, &str); 13] = [
    ("create", CREATE),
    ("secret", SECRET),
    ("url", URL),
    ("expose", EXPOSE),
    ("list", LIST),
    ("export", EXPORT),
    ("trigger", TRIGGER),
    ("setup", SETUP),
    ("rotate", ROTATE),
    ("doctor", DOCTOR),
    ("rbac", RBAC),
    ("completion", COMPLETION),
    ("get", GET),
];

/// The name the examples call the program by; [`expand`] renames it.
const PROGRAM: &str = crate::generate::BIN_NAME;

/// Columns every example line fits in once indented under `Examples:`.
pub const WIDTH: usize = 80;

/// How far examples are indented under their heading in `--help`.
pub const INDENT: &str = "  ";

/// The examples of subcommand `name`, as written: no heading, no indent.
pub fn of(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(command, _)| *command == name).map(|(_, text)| *text)
}

/// The subcommands that have examples.
pub fn commands() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|(command, _)| *command)
}

/// The placeholder for `name`'s examples: one word, so clap's wrapping
/// leaves it whole, and unlike anything help text says.
fn placeholder(name: &str) -> String {
    format!("@@examples:{name}@@")
}

/// `command` with each subcommand's examples placeholder as its
/// `after_help`, for [`expand`] to fill in once clap has rendered help.
pub fn attach(command: Command) -> Command {
    commands().fold(command, |command, name| {
        command.mut_subcommand(name, |sub| sub.after_help(placeholder(name)))
    })
}

/// Rendered help text with every placeholder replaced by its examples
/// under a heading styled like clap's own (`heading` wraps a string in the
/// header style), with the program named `program`.
pub fn expand(help: &str, program: &str, heading: impl Fn(&str) -> String) -> String {
    let mut text = help.to_string();
    for name in commands() {
        let placeholder = placeholder(name);
        if text.contains(&placeholder) {
            let examples = match name {
                "completion" if program != PROGRAM => COMPLETION_UNDER_FLUX,
                _ => of(name).unwrap_or_default(),
            };
            let block = indented(&as_invoked(examples, program));
            text = text.replace(&placeholder, &format!("{}\n{block}", heading("Examples:")));
        }
    }
    text
}

/// `text` indented as under a heading in `--help`.
pub fn indented(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{INDENT}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with the commands it shows spelled as the user runs us (`flux
/// receiver create …` under flux). Only the program name followed by a
/// space is a command; file names such as `flux-receiver.fish` stay.
pub fn as_invoked(text: &str, program: &str) -> String {
    if program == PROGRAM {
        return text.to_string();
    }
    text.replace(&format!("{PROGRAM} "), &format!("{program} "))
}

/// The lines that install `shell`'s completion, as `completion --help`
/// shows them.
pub fn completion_install(shell: Shell) -> Vec<&'static str> {
    let wanted = shell.to_string();
    COMPLETION
        .split("\n\n")
        .find(|paragraph| {
            paragraph
                .strip_prefix("# ")
                .and_then(|heading| heading.split([':', ' ', '\n']).next())
                .is_some_and(|name| name.eq_ignore_ascii_case(&wanted))
        })
        .map(|paragraph| paragraph.lines().filter(|line| !line.starts_with('#')).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_line_fits_the_width_once_indented() {
        for name in commands() {
            for line in of(name).unwrap().lines() {
                assert!(
                    INDENT.len() + line.chars().count() <= WIDTH,
                    "{name}: {line:?} is wider than {WIDTH} columns"
                );
            }
        }
    }

    #[test]
    fn under_flux_completion_is_flux_s_own() {
        for line in COMPLETION_UNDER_FLUX.lines() {
            assert!(INDENT.len() + line.chars().count() <= WIDTH, "{line:?}");
        }
        let help = format!("Usage: x\n\n{}\n", placeholder("completion"));
        let expanded = expand(&help, "flux receiver", |h| h.to_string());
        assert!(
            expanded.contains("  echo 'source <(flux completion bash)' >> ~/.bashrc\n"),
            "{expanded}"
        );
        assert!(!expanded.contains("receiver completion"), "{expanded}");
        let standalone = expand(&help, PROGRAM, |h| h.to_string());
        assert!(
            standalone.contains("source <(flux-receiver completion bash)"),
            "{standalone}"
        );
    }

    #[test]
    fn every_shell_has_install_lines() {
        for shell in crate::generate::SHELLS {
            let lines = completion_install(shell);
            assert!(!lines.is_empty(), "{shell} has no install lines");
            assert!(
                lines.iter().any(|line| line.contains(&format!("completion {shell}"))),
                "{shell}: {lines:?}"
            );
        }
    }

    #[test]
    fn placeholders_become_the_examples_under_a_heading() {
        let help = format!("Usage: x\n\n{}\n", placeholder("expose"));
        let expanded = expand(&help, "flux receiver", |h| format!("<{h}>"));
        assert_eq!(
            expanded,
            "Usage: x\n\n<Examples:>\n  # The seed guide's LoadBalancer Service, as a manifest\n  \
             flux receiver expose --export\n\n  # A NodePort Service named webhook on port 8080\n  \
             flux receiver expose --name webhook --type NodePort --port 8080 --export\n"
        );
        assert_eq!(
            as_invoked(
                "flux-receiver completion fish > ~/f/flux-receiver.fish",
                "flux receiver"
            ),
            "flux receiver completion fish > ~/f/flux-receiver.fish"
        );
    }
}

//! The completion scripts: thin shell glue around `flux-receiver
//! __complete`, so every shell gets the same candidates as flux itself.
//!
//! The files in `scripts/` are the one source; they name the directive bits
//! as `@NO_SPACE@` and so on, filled in here from [`super::directive`] so
//! that the scripts and the engine cannot disagree on a bit, and their
//! install lines as `@INSTALL@`, filled in from the very lines
//! `completion --help` shows ([`crate::examples::completion_install`]). What
//! `flux-receiver completion SHELL` prints is committed in `completions/`.

use clap_complete::Shell;

use super::directive;

const BASH: &str = include_str!("scripts/flux-receiver.bash");
const ZSH: &str = include_str!("scripts/_flux-receiver");
const FISH: &str = include_str!("scripts/flux-receiver.fish");
const POWERSHELL: &str = include_str!("scripts/_flux-receiver.ps1");
const ELVISH: &str = include_str!("scripts/flux-receiver.elv");

/// The completion script for `shell` (bash for shells without one).
pub fn script(shell: Shell) -> String {
    let template = match shell {
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
        Shell::PowerShell => POWERSHELL,
        Shell::Elvish => ELVISH,
        _ => BASH,
    };
    let install: String = crate::examples::completion_install(shell)
        .iter()
        .map(|line| format!("#   {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    let template = template.replace("@INSTALL@", &install);
    [
        ("@ERROR@", directive::ERROR),
        ("@NO_SPACE@", directive::NO_SPACE),
        ("@NO_FILE_COMP@", directive::NO_FILE_COMP),
        ("@KEEP_ORDER@", directive::KEEP_ORDER),
    ]
    .iter()
    .fold(template, |text, (name, bit)| text.replace(name, &bit.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for shell in crate::generate::SHELLS {
            let text = script(shell);
            // A placeholder is `@NAME@`: an upper-case word between two `@`.
            let leftover = text
                .split('@')
                .skip(1)
                .step_by(2)
                .find(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            assert_eq!(leftover, None, "{shell} has an unfilled placeholder");
        }
    }
}

//! The completion scripts: thin shell glue around `flux-receiver
//! __complete`, so every shell gets the same candidates as flux itself.

use clap_complete::Shell;

const BASH: &str = include_str!("scripts/flux-receiver.bash");
const ZSH: &str = include_str!("scripts/_flux-receiver");
const FISH: &str = include_str!("scripts/flux-receiver.fish");
const POWERSHELL: &str = include_str!("scripts/_flux-receiver.ps1");
const ELVISH: &str = include_str!("scripts/flux-receiver.elv");

/// The completion script for `shell`.
pub fn script(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
        Shell::PowerShell => POWERSHELL,
        Shell::Elvish => ELVISH,
        _ => BASH,
    }
}

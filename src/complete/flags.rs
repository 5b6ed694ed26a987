//! Flag-name candidates, as Cobra offers them.

use super::Candidate;
use super::walk::{Line, repeatable};

/// The flags of the current command (globals and `--help` included) that
/// may still be given: like Cobra, a flag already on the line is offered
/// again only if repeating it adds something (`--event`, `--resource`,
/// `--label`, `--context`). Short names are offered only for a lone `-`,
/// as Cobra does, since `--` asks for long names.
pub fn candidates(line: &Line<'_>, current: &str) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for arg in line
        .command
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .filter(|a| !line.has(a.get_id().as_str()) || repeatable(a))
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
    candidates
}

//! Flag-name candidates, as Cobra offers them.

use super::walk::{Line, repeatable};
use super::{Asker, Candidate};
use crate::plugin::{FLUX_PERSISTENT_FLAGS, FLUX_PERSISTENT_SHORTS};

/// The flags of the current command (globals and `--help` included) that
/// may still be given: like Cobra, a flag already on the line is offered
/// again only if repeating it adds something (`--event`, `--resource`,
/// `--label`, `--context`). Short names are offered only for a lone `-`,
/// as Cobra does, since `--` asks for long names.
///
/// For flux, our global flags that flux lists itself, with the same
/// meaning (`--namespace`, `-n`, `--kubeconfig`, `--context`, `--timeout`,
/// `--verbose`), are left out: they would be offered twice. A flag of ours
/// that only shares a name with one of flux's (`secret --token`, the
/// webhook token, against flux's API server token) is still offered, with
/// what it means here.
pub fn candidates(line: &Line<'_>, current: &str, asker: Asker) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for arg in line
        .command
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .filter(|a| !line.has(a.get_id().as_str()) || repeatable(a))
    {
        let flux_lists_it = asker == Asker::Flux && arg.is_global_set();
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if let Some(long) = arg
            .get_long()
            .filter(|long| !(flux_lists_it && FLUX_PERSISTENT_FLAGS.contains(long)))
        {
            candidates.push(Candidate::described(format!("--{long}"), help.clone()));
        }
        if current.len() <= 1
            && let Some(short) = arg
                .get_short()
                .filter(|short| !(flux_lists_it && FLUX_PERSISTENT_SHORTS.contains(short)))
        {
            candidates.push(Candidate::described(format!("-{short}"), help));
        }
    }
    candidates
}

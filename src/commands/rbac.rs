//! `flux-receiver rbac [COMMAND]`: the RBAC rules each command needs, as a
//! table or (`--export`) as Role/ClusterRole manifests. Offline: the rules
//! come from [`receiver::rbac`], nothing is sent to the cluster.

use receiver::rbac::{self, COMMANDS, Namespaces};

use crate::cli::{GlobalArgs, RbacArgs};
use crate::error::CliResult;
use crate::output;
use crate::render::table::{self, Column};

const COLUMNS: [Column; 6] = [
    Column::whole("COMMAND"),
    Column::whole("API GROUP"),
    Column::wrapping("RESOURCE"),
    Column::whole("VERBS"),
    Column::whole("SCOPE"),
    Column::wrapping("NEEDED"),
];

/// Runs `rbac`.
pub fn run(global: &GlobalArgs, args: &RbacArgs) -> CliResult {
    let commands: Vec<&str> = match &args.command {
        Some(command) => vec![command.as_str()],
        None => COMMANDS.to_vec(),
    };
    let namespaces = Namespaces {
        target: (!args.all_namespaces).then_some(global.namespace.as_str()),
        // expose works in -n unless --flux-namespace moved Flux.
        flux: if commands == ["expose"] {
            global.controller_namespace()
        } else {
            &global.flux_namespace
        },
    };
    if args.export {
        return output::print(&rbac::manifests(&commands, &namespaces, &args.role_name, args.optional));
    }
    let rows: Vec<Vec<String>> = rbac::table_rows(&commands, &namespaces)
        .into_iter()
        .map(Vec::from)
        .collect();
    output::print(&table::render(&COLUMNS, &rows))
}

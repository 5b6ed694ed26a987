//! `flux-receiver create NAME`: build a Receiver and print or apply it.

use receiver::manifest::{self, ReceiverOptions};

use crate::cli::{CreateArgs, GlobalArgs};
use crate::commands::{cluster_mode_unavailable, label_map};
use crate::error::CliResult;
use crate::output;

/// Runs `create`.
pub fn run(global: &GlobalArgs, args: &CreateArgs) -> CliResult {
    let options = ReceiverOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels: label_map(&args.labels)?,
        provider: Some(args.provider),
        events: args.events.clone(),
        resources: args.resources.clone(),
        secret_ref: args.secret_ref.clone(),
        interval: args.interval,
        resource_filter: args.resource_filter.clone(),
    };
    let receiver = manifest::receiver(&options)?;
    if args.export {
        return output::print(&manifest::export(&receiver));
    }
    Err(cluster_mode_unavailable("create"))
}

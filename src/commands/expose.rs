//! `flux-receiver expose`: a Service in front of the webhook port.

use receiver::manifest::{self, ServiceOptions};

use crate::cli::{ExposeArgs, GlobalArgs};
use crate::commands::{cluster_mode_unavailable, label_map};
use crate::error::CliResult;
use crate::output;

/// Runs `expose`.
pub fn run(global: &GlobalArgs, args: &ExposeArgs) -> CliResult {
    let service = manifest::service(&ServiceOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels: label_map(&args.labels)?,
        service_type: args.service_type.into(),
        port: args.port,
        target_port: args.target_port,
    });
    if args.export {
        return output::print(&manifest::export(&service));
    }
    Err(cluster_mode_unavailable("expose"))
}

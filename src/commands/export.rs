//! `flux-receiver export NAME | --all`: Receivers from the cluster in
//! flux's export format (`---` documents, status and server fields dropped).

use kube::api::{Api, ListParams};
use receiver::{Receiver, ReceiverSpec, manifest};

use crate::cli::{ExportArgs, GlobalArgs};
use crate::cluster::Cluster;
use crate::cluster::error::Action;
use crate::cluster::list;
use crate::commands::block_on;
use crate::error::{CliError, CliResult};
use crate::output;

/// Runs `export`.
pub fn run(global: &GlobalArgs, args: &ExportArgs) -> CliResult {
    block_on(async {
        let cluster = Cluster::connect(global).await?;
        let namespace = global.namespace.as_str();
        let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
        let mut receivers = Vec::new();
        match &args.name {
            Some(name) => {
                let found = cluster
                    .call(&Action::object("get", "receivers", namespace, name), || {
                        api.get_opt(name)
                    })
                    .await?;
                receivers
                    .push(found.ok_or_else(|| CliError::failure(format!("Receiver {namespace}/{name} not found")))?);
            }
            None => {
                let action = Action::collection("list", "receivers", Some(namespace));
                list::for_each(&cluster, &api, &action, &ListParams::default(), |r| receivers.push(r)).await?;
            }
        }
        if receivers.is_empty() {
            // flux export --all says the same of an empty namespace.
            return Err(CliError::failure(format!("no objects found in {namespace} namespace")));
        }
        let text: String = receivers.iter().map(|r| manifest::export(&clean(r))).collect();
        output::print(&text)
    })
}

/// Only what a user would write: name, namespace, labels, annotations and
/// spec, as `flux export` keeps them (labels and annotations verbatim, so a
/// re-applied export round-trips; empty maps are left out).
fn clean(receiver: &Receiver) -> Receiver {
    let spec: ReceiverSpec = receiver.spec.clone();
    let mut exported = Receiver::new(receiver.metadata.name.as_deref().unwrap_or_default(), spec);
    exported.metadata.namespace = receiver.metadata.namespace.clone();
    exported.metadata.labels = receiver.metadata.labels.clone().filter(|l| !l.is_empty());
    exported.metadata.annotations = receiver.metadata.annotations.clone().filter(|a| !a.is_empty());
    exported
}

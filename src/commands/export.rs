//! `flux-receiver export NAME | --all`: Receivers from the cluster in
//! flux's export format (`---` documents, status and server fields dropped).

use kube::api::{Api, ListParams};
use receiver::{GoDuration, Receiver, ReceiverSpec, manifest};

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
///
/// flux reads `spec.interval` into a Go duration and writes it back with
/// `Duration.String()`: the CRD's default `10m` is exported as `10m0s`,
/// `90s` as `1m30s`. Written the same way here, so both exports are the
/// same bytes (`tests/flux_interop.rs`).
fn clean(receiver: &Receiver) -> Receiver {
    let mut spec: ReceiverSpec = receiver.spec.clone();
    spec.interval = spec
        .interval
        .map(|interval| interval.parse::<GoDuration>().map_or(interval, |d| d.to_string()));
    let mut exported = Receiver::new(receiver.metadata.name.as_deref().unwrap_or_default(), spec);
    exported.metadata.namespace = receiver.metadata.namespace.clone();
    exported.metadata.labels = receiver.metadata.labels.clone().filter(|l| !l.is_empty());
    exported.metadata.annotations = receiver.metadata.annotations.clone().filter(|a| !a.is_empty());
    exported
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_interval(interval: Option<&str>) -> Receiver {
        let spec: ReceiverSpec = serde_json::from_value(serde_json::json!({
            "type": "generic",
            "interval": interval,
            "resources": [{"kind": "GitRepository", "name": "app"}],
        }))
        .unwrap();
        Receiver::new("rx", spec)
    }

    #[test]
    fn intervals_are_written_as_go_writes_durations() {
        for (stored, exported) in [
            ("10m", "10m0s"),
            ("90s", "1m30s"),
            ("1.5h", "1h30m0s"),
            ("500ms", "500ms"),
        ] {
            assert_eq!(
                clean(&with_interval(Some(stored))).spec.interval.as_deref(),
                Some(exported)
            );
        }
        assert_eq!(clean(&with_interval(None)).spec.interval, None);
    }
}

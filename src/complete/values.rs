//! Candidate values for one argument.

use std::time::Duration;

use clap::{Arg, ValueHint};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::PartialObjectMeta;
use receiver::{GoDuration, ProviderType, Receiver, ResourceKind};

use super::{Candidate, Completions, Line, directive};
use crate::cli::GlobalArgs;
use crate::cluster::{self, Cluster, flux_objects};
use crate::commands::block_on;

/// How long a completion may spend asking the cluster before it gives up
/// quietly: a shell must never hang on TAB.
const CLUSTER_BUDGET: Duration = Duration::from_secs(1);

/// Candidates for `arg`, given what is on the line.
pub fn for_arg(arg: &Arg, line: &Line<'_>, partial: &str) -> Completions {
    let none = |directive| Completions {
        candidates: Vec::new(),
        directive,
    };
    let names = |candidates: Vec<String>| Completions {
        candidates: candidates.into_iter().map(Candidate::plain).collect(),
        directive: directive::NO_FILE_COMP,
    };
    match arg.get_id().as_str() {
        "provider" if line.subcommand() != "expose" => Completions {
            candidates: ProviderType::ALL
                .iter()
                .map(|p| Candidate::described(p.as_str(), p.info().description))
                .collect(),
            directive: directive::NO_FILE_COMP,
        },
        "events" => events(line),
        "resources" => resources(line, partial),
        "namespace" | "flux_namespace" => names(cluster_names(line, Lookup::Namespaces)),
        "context" => names(contexts(line)),
        "secret_ref" => names(cluster_names(line, Lookup::Secrets)),
        "name"
            if matches!(
                line.subcommand(),
                "get" | "delete" | "suspend" | "resume" | "reconcile" | "export"
            ) =>
        {
            names(cluster_names(line, Lookup::Receivers))
        }
        _ => {
            let possible = arg.get_possible_values();
            if !possible.is_empty() {
                return Completions {
                    candidates: possible
                        .iter()
                        .filter(|v| !v.is_hide_set())
                        .map(|v| {
                            Candidate::described(v.get_name(), v.get_help().map(|h| h.to_string()).unwrap_or_default())
                        })
                        .collect(),
                    directive: directive::NO_FILE_COMP,
                };
            }
            match arg.get_value_hint() {
                ValueHint::FilePath | ValueHint::AnyPath | ValueHint::DirPath => none(directive::DEFAULT),
                _ => none(directive::NO_FILE_COMP),
            }
        }
    }
}

/// Events of the `--type` on the line, or every provider's when none is.
fn events(line: &Line<'_>) -> Completions {
    let providers: Vec<ProviderType> = match line.value_of("provider").and_then(|t| t.parse().ok()) {
        Some(provider) => vec![provider],
        None => ProviderType::ALL.to_vec(),
    };
    let mut candidates = Vec::new();
    for provider in providers {
        for event in provider.info().common_events {
            if !candidates.iter().any(|c: &Candidate| c.value == *event) {
                candidates.push(Candidate::described(*event, format!("{provider} event")));
            }
        }
    }
    Completions {
        candidates,
        directive: directive::NO_FILE_COMP | directive::KEEP_ORDER,
    }
}

/// `Kind/` first (no space after, the name follows), then the names of
/// that kind in the cluster.
fn resources(line: &Line<'_>, partial: &str) -> Completions {
    match partial.split_once('/') {
        None => Completions {
            candidates: ResourceKind::ALL
                .iter()
                .map(|k| Candidate::described(format!("{k}/"), k.api_version()))
                .collect(),
            directive: directive::NO_FILE_COMP | directive::NO_SPACE,
        },
        Some((kind, _)) => match kind.parse::<ResourceKind>() {
            Ok(kind) => Completions {
                candidates: cluster_names(line, Lookup::Objects(kind))
                    .into_iter()
                    .map(|name| Candidate::plain(format!("{kind}/{name}")))
                    .collect(),
                directive: directive::NO_FILE_COMP,
            },
            Err(_) => Completions {
                candidates: Vec::new(),
                directive: directive::NO_FILE_COMP,
            },
        },
    }
}

/// The kubeconfig's contexts (read locally, no cluster needed).
fn contexts(line: &Line<'_>) -> Vec<String> {
    cluster::context_names(&global_args(line)).unwrap_or_default()
}

/// What to look up in the cluster.
enum Lookup {
    Namespaces,
    Receivers,
    Secrets,
    Objects(ResourceKind),
}

/// Names from the cluster, or none if it does not answer within a second.
fn cluster_names(line: &Line<'_>, lookup: Lookup) -> Vec<String> {
    let global = global_args(line);
    let lookup_names = async {
        let cluster = Cluster::connect(&global).await.ok()?;
        let namespace = global.namespace.as_str();
        let client = cluster.client.clone();
        let params = ListParams::default().limit(500);
        let names = match lookup {
            Lookup::Namespaces => names_of(Api::<Namespace>::all(client).list_metadata(&params).await.ok()?.items),
            Lookup::Receivers => names_of(
                Api::<Receiver>::namespaced(client, namespace)
                    .list_metadata(&params)
                    .await
                    .ok()?
                    .items,
            ),
            Lookup::Secrets => names_of(
                Api::<Secret>::namespaced(client, namespace)
                    .list_metadata(&params)
                    .await
                    .ok()?
                    .items,
            ),
            Lookup::Objects(kind) => {
                let resource = flux_objects::api_resource(kind, None);
                names_of(
                    Api::<DynamicObject>::namespaced_with(client, namespace, &resource)
                        .list_metadata(&params)
                        .await
                        .ok()?
                        .items,
                )
            }
        };
        Some(names)
    };
    block_on(async { tokio::time::timeout(CLUSTER_BUDGET, lookup_names).await.ok().flatten() }).unwrap_or_default()
}

fn names_of<K>(items: Vec<PartialObjectMeta<K>>) -> Vec<String> {
    items.into_iter().filter_map(|item| item.metadata.name).collect()
}

/// The connection flags typed on the line so far.
fn global_args(line: &Line<'_>) -> GlobalArgs {
    GlobalArgs {
        namespace: line
            .value_of("namespace")
            .map(str::to_string)
            .or_else(|| std::env::var("FLUX_SYSTEM_NAMESPACE").ok())
            .unwrap_or_else(|| "flux-system".into()),
        kubeconfig: line.value_of("kubeconfig").map(Into::into),
        context: line
            .value_of("context")
            .map(|c| vec![c.to_string()])
            .unwrap_or_default(),
        timeout: GoDuration(CLUSTER_BUDGET),
        flux_namespace: line.value_of("flux_namespace").unwrap_or("flux-system").to_string(),
        verbose: false,
    }
}

//! Candidate values for one argument.

use clap::{Arg, ValueHint};
use receiver::{GoDuration, ProviderType, ResourceKind};

use super::cluster::{self as lookup, Lookup};
use super::walk::Line;
use super::{Candidate, Completions, directive};
use crate::cli::GlobalArgs;
use crate::cluster;

/// Candidates for one item of `arg` (for comma lists, the item after the
/// last comma), given what is on the line.
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
        // The receiver type; `expose --type` is a Service type (id
        // `service_type`) and gets its values from clap below.
        "provider" => Completions {
            candidates: ProviderType::ALL
                .iter()
                .map(|p| Candidate::described(p.as_str(), p.info().description))
                .collect(),
            directive: directive::NO_FILE_COMP,
        },
        "events" => events(line),
        "resources" => resources(line, partial),
        "namespace" | "flux_namespace" => names(lookup::names(global_args(line), Lookup::Namespaces)),
        "context" => names(contexts(line)),
        "secret_ref" => names(lookup::names(global_args(line), Lookup::Secrets)),
        "name"
            if matches!(
                line.subcommand(),
                "get" | "delete" | "suspend" | "resume" | "reconcile" | "export"
            ) =>
        {
            names(lookup::names(global_args(line), Lookup::Receivers))
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
/// that kind in the cluster. Kinds are matched without regard to case, as
/// `--resource` parses them; candidates keep what was typed as it was
/// typed, because shells only accept candidates that extend the word.
fn resources(line: &Line<'_>, partial: &str) -> Completions {
    match partial.split_once('/') {
        None => Completions {
            candidates: ResourceKind::ALL
                .iter()
                .filter_map(|kind| {
                    let kind_name = kind.as_str();
                    let head = kind_name.get(..partial.len())?;
                    head.eq_ignore_ascii_case(partial).then(|| {
                        let spelled = format!("{partial}{}/", &kind_name[partial.len()..]);
                        Candidate::described(spelled, kind.api_version())
                    })
                })
                .collect(),
            directive: directive::NO_FILE_COMP | directive::NO_SPACE,
        },
        Some((typed_kind, _)) => match typed_kind.parse::<ResourceKind>() {
            Ok(kind) => Completions {
                candidates: lookup::names(global_args(line), Lookup::Objects(kind))
                    .into_iter()
                    .map(|name| Candidate::plain(format!("{typed_kind}/{name}")))
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
        timeout: GoDuration(lookup::BUDGET),
        flux_namespace: line.value_of("flux_namespace").unwrap_or("flux-system").to_string(),
        verbose: false,
    }
}

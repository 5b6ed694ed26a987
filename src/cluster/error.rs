//! Turning kube errors into decisions (retry or fail) and into one line a
//! person can act on.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

use kube::core::Status;

use crate::error::CliError;

/// What a request was doing, for messages: `get secrets 'x' in namespace 'y'`.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    /// The API verb (get, list, watch, patch, create, update, delete).
    pub verb: &'a str,
    /// The plural resource name (`receivers`, `secrets`).
    pub resource: &'a str,
    /// The namespace, for namespaced requests.
    pub namespace: Option<&'a str>,
    /// The object name, for single-object requests.
    pub name: Option<&'a str>,
}

impl<'a> Action<'a> {
    /// An action on one named object in a namespace.
    pub fn object(verb: &'a str, resource: &'a str, namespace: &'a str, name: &'a str) -> Action<'a> {
        Action {
            verb,
            resource,
            namespace: Some(namespace),
            name: Some(name),
        }
    }

    /// Whether the action changes the cluster.
    pub fn writes(&self) -> bool {
        matches!(self.verb, "create" | "patch" | "apply" | "update" | "delete")
    }

    /// An action on all objects of a resource in a namespace.
    pub fn collection(verb: &'a str, resource: &'a str, namespace: Option<&'a str>) -> Action<'a> {
        Action {
            verb,
            resource,
            namespace,
            name: None,
        }
    }
}

impl fmt::Display for Action<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.resource)?;
        if let Some(name) = self.name {
            write!(f, " '{name}'")?;
        }
        if let Some(namespace) = self.namespace {
            write!(f, " in namespace '{namespace}'")?;
        }
        Ok(())
    }
}

/// What to do about a failed request.
pub enum Outcome {
    /// Try again, after the server's Retry-After if it gave one.
    Retry {
        /// What went wrong, for the final message if retries run out.
        message: String,
        /// The server's requested pause.
        after: Option<Duration>,
    },
    /// Give up now with this error.
    Fail(CliError),
}

/// Whether the server's answer was not a Kubernetes one: an error body that
/// is no `Status` (kube reconstructs one with this reason), or a success
/// body that is not the expected JSON.
pub fn not_a_status(err: &kube::Error) -> bool {
    match err {
        kube::Error::Api(status) => status.reason == "Failed to parse error data",
        kube::Error::SerdeError(_) => true,
        _ => false,
    }
}

/// What a server that is not Kubernetes answered, short: its status and
/// the start of its body (a web page, say), escaped.
pub fn answer_excerpt(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) => {
            let body = crate::printable::escape_controls(status.message.trim());
            let short: String = body.chars().take(80).collect();
            let more = if body.chars().count() > 80 { "…" } else { "" };
            format!("{} {short}{more}", status.code)
        }
        other => sentence(other),
    }
}

/// Decides whether `err` is worth retrying and words it for a person.
pub fn classify(err: &kube::Error, action: &Action<'_>, server: &str) -> Outcome {
    match err {
        kube::Error::Api(status) => classify_status(status, action),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            if let Some(io_error) = find_io_error(err)
                && matches!(
                    io_error.kind(),
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound
                )
            {
                return Outcome::Fail(CliError::failure(format!(
                    "cannot reach the Kubernetes API server at {server}: {io_error}"
                )));
            }
            let detail = sentence(err);
            if detail.contains("dns error") || detail.contains("failed to lookup address") {
                return Outcome::Fail(CliError::failure(format!(
                    "cannot reach the Kubernetes API server at {server}: {detail}"
                )));
            }
            Outcome::Retry {
                message: format!("{action}: connection to {server} failed: {detail}"),
                after: None,
            }
        }
        kube::Error::ReadEvents(_) => Outcome::Retry {
            message: format!("{action}: {}", sentence(err)),
            after: None,
        },
        other => Outcome::Fail(CliError::failure(format!("{action}: {}", sentence(other)))),
    }
}

fn classify_status(status: &Status, action: &Action<'_>) -> Outcome {
    let retry_after = status
        .details
        .as_ref()
        .map(|d| d.retry_after_seconds)
        .filter(|seconds| *seconds > 0)
        .map(|seconds| Duration::from_secs(u64::from(seconds)));
    let message = status.message.trim();
    match status.code {
        429 | 500 | 502 | 503 | 504 => Outcome::Retry {
            message: format!("{action}: the API server answered {} ({message})", status.code),
            after: retry_after,
        },
        // Repeating the same write cannot succeed: a stale resourceVersion
        // stays stale, and another field manager keeps its fields. Callers
        // that can recover read the object again themselves.
        409 if status.reason == "Conflict" => Outcome::Fail(CliError::failure(format!(
            "cannot {action}: it was changed by someone else meanwhile ({message}); re-run to start from its current state"
        ))),
        401 => Outcome::Fail(CliError::failure(format!(
            "unauthorized: the API server rejected the credentials ({action}); check the kubeconfig user"
        ))),
        403 => Outcome::Fail(CliError::failure(format!("forbidden: cannot {action} ({message})"))),
        404 => Outcome::Fail(not_found(status, action)),
        _ => Outcome::Fail(CliError::failure(format!(
            "cannot {action}: {message} ({})",
            status.code
        ))),
    }
}

/// A 404 means one of three things: the namespace is missing, the object is,
/// or the API server does not serve the resource at all (a CRD that is not
/// installed: the body is then not a Status, or a Status without details).
fn not_found(status: &Status, action: &Action<'_>) -> CliError {
    let details_kind = status
        .details
        .as_ref()
        .map(|d| d.kind.as_str())
        .filter(|k| !k.is_empty());
    match details_kind {
        Some("namespaces") => CliError::failure(format!(
            "namespace '{}' not found (create it, or choose another with -n)",
            action.namespace.unwrap_or_default()
        )),
        Some(_) => CliError::failure(format!("{} not found", target(action))),
        None if action.resource == "receivers" || status.reason == "Failed to parse error data" => {
            missing_resource_type(action)
        }
        None => CliError::failure(format!("{} not found", target(action))),
    }
}

fn target(action: &Action<'_>) -> String {
    let kind = action.resource.trim_end_matches('s');
    match (action.namespace, action.name) {
        (Some(namespace), Some(name)) => format!("{kind} '{namespace}/{name}'"),
        (None, Some(name)) => format!("{kind} '{name}'"),
        _ => action.resource.to_string(),
    }
}

/// The error for a resource type the cluster does not serve.
pub fn missing_resource_type(action: &Action<'_>) -> CliError {
    if action.resource == "receivers" {
        CliError::failure(
            "Flux is not installed: the cluster does not serve receivers.notification.toolkit.fluxcd.io/v1 \
             (install Flux with `flux install`, or pick the right cluster with --context)",
        )
    } else {
        CliError::failure(format!(
            "the cluster does not serve {} (is the CRD installed?)",
            action.resource
        ))
    }
}

fn find_io_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a io::Error> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io_error) = e.downcast_ref::<io::Error>() {
            return Some(io_error);
        }
        current = e.source();
    }
    None
}

/// An error and its causes as one sentence: "a: b: c", without repeats.
pub fn sentence(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        // Some errors span lines (a YAML error adds the offending lines
        // under its first): the first says what is wrong.
        let text = e.to_string();
        let text = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        let text = crate::printable::escape_controls(text).into_owned();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

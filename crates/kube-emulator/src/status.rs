//! Error answers as the API server words them: `kind: Status` bodies.

use serde_json::{Value, json};

use crate::resources::ResourceType;

/// An API error: code, reason and message, plus what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub code: u16,
    /// The machine-readable reason (NotFound, AlreadyExists, …).
    pub reason: &'static str,
    /// The human message.
    pub message: String,
    /// `details` (name, group, kind).
    pub details: Option<Value>,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u32>,
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: String, details: Option<Value>) -> ApiError {
        ApiError {
            code,
            reason,
            message,
            details,
            retry_after: None,
        }
    }

    /// 404 for an object.
    pub fn not_found(resource: &ResourceType, name: &str) -> ApiError {
        let details = json!({"name": name, "group": resource.group, "kind": resource.plural});
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", qualified(resource)),
            Some(details),
        )
    }

    /// 404 for a missing namespace.
    pub fn namespace_not_found(namespace: &str) -> ApiError {
        let details = json!({"name": namespace, "kind": "namespaces"});
        ApiError::new(
            404,
            "NotFound",
            format!("namespaces \"{namespace}\" not found"),
            Some(details),
        )
    }

    /// 409 for a create of an existing name.
    pub fn already_exists(resource: &ResourceType, name: &str) -> ApiError {
        let details = json!({"name": name, "group": resource.group, "kind": resource.plural});
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", qualified(resource)),
            Some(details),
        )
    }

    /// 409 for a stale resourceVersion.
    pub fn conflict(resource: &ResourceType, name: &str) -> ApiError {
        let details = json!({"name": name, "group": resource.group, "kind": resource.plural});
        let message = format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            qualified(resource)
        );
        ApiError::new(409, "Conflict", message, Some(details))
    }

    /// 409 for a server-side apply that would change fields other managers
    /// own, worded as the API server words it: each conflict is the
    /// manager (as [`crate::managed::Entry::describe`] prints it) and the path.
    pub fn apply_conflict(conflicts: &[(String, Vec<String>)]) -> ApiError {
        let causes: Vec<Value> = conflicts
            .iter()
            .map(|(manager, path)| {
                json!({"reason": "FieldManagerConflict", "message": format!("conflict with {manager}"),
                       "field": crate::managed::display(path)})
            })
            .collect();
        let message = match conflicts {
            [(manager, path)] => format!(
                "Apply failed with 1 conflict: conflict with {manager}: {}",
                crate::managed::display(path)
            ),
            _ => {
                let mut managers: Vec<&String> = conflicts.iter().map(|(manager, _)| manager).collect();
                managers.sort();
                managers.dedup();
                let lines: Vec<String> = managers
                    .into_iter()
                    .flat_map(|manager| {
                        let paths = conflicts
                            .iter()
                            .filter(move |(m, _)| m == manager)
                            .map(|(_, path)| format!("- {}", crate::managed::display(path)));
                        std::iter::once(format!("conflicts with {manager}:")).chain(paths)
                    })
                    .collect();
                format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
            }
        };
        ApiError::new(409, "Conflict", message, Some(json!({"causes": causes})))
    }

    /// 422 for an invalid object.
    pub fn invalid(resource: &ResourceType, name: &str, problem: &str) -> ApiError {
        let details = json!({"name": name, "group": resource.group, "kind": resource.kind});
        let message = format!("{} \"{name}\" is invalid: {problem}", resource.kind);
        ApiError::new(422, "Invalid", message, Some(details))
    }

    /// 400 for a malformed request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message.into(), None)
    }

    /// 403 as RBAC words it.
    pub fn forbidden(verb: &str, resource: &ResourceType, name: Option<&str>, namespace: Option<&str>) -> ApiError {
        let subject = match name {
            Some(name) => format!("{} \"{name}\"", qualified(resource)),
            None => qualified(resource),
        };
        let scope = match namespace {
            Some(namespace) => format!(" in the namespace \"{namespace}\""),
            None => " at the cluster scope".into(),
        };
        let message = format!(
            "{subject} is forbidden: User \"emulator\" cannot {verb} resource \"{}\" in API group \"{}\"{scope}",
            resource.plural, resource.group
        );
        let details = json!({"name": name.unwrap_or_default(), "group": resource.group, "kind": resource.plural});
        ApiError::new(403, "Forbidden", message, Some(details))
    }

    /// 405 for an unsupported verb.
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource".into(),
            None,
        )
    }

    /// 415 for a create or replace body in a format other than JSON or
    /// YAML. For protobuf, which a real API server decodes for built-in
    /// kinds but the emulator does not, the message says what works instead:
    /// kubectl sends protobuf from its `create <kind>` generators only.
    pub fn unsupported_body_type(content_type: &str) -> ApiError {
        let mut message = format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({content_type})"
        );
        if content_type.contains("protobuf") {
            message.push_str(
                "; kube-emulator does not decode protobuf, which `kubectl create namespace|secret|service|deployment …` \
                 sends: pipe it through YAML instead, `kubectl create … --dry-run=client -o yaml | kubectl apply -f -`",
            );
        }
        ApiError::new(415, "UnsupportedMediaType", message, None)
    }

    /// 415 for an unsupported patch type.
    pub fn unsupported_media_type(content_type: &str) -> ApiError {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml ({content_type})"
            ),
            None,
        )
    }

    /// 500, injected.
    pub fn internal() -> ApiError {
        ApiError::new(
            500,
            "InternalError",
            "Internal error occurred: injected fault".into(),
            None,
        )
    }

    /// 503, injected.
    pub fn service_unavailable() -> ApiError {
        ApiError::new(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request (injected fault)".into(),
            None,
        )
    }

    /// 504, injected: the API server's answer to a request that did not
    /// complete in time.
    pub fn timeout() -> ApiError {
        ApiError::new(
            504,
            "Timeout",
            "Timeout: request did not complete within the allotted timeout (injected fault)".into(),
            None,
        )
    }

    /// 429, injected.
    pub fn too_many_requests(retry_after: u32) -> ApiError {
        let mut error = ApiError::new(
            429,
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later".into(),
            Some(json!({"retryAfterSeconds": retry_after})),
        );
        error.retry_after = Some(retry_after);
        error
    }

    /// 410 for a watch from a compacted version.
    pub fn gone(version: &str) -> ApiError {
        ApiError::new(410, "Expired", format!("too old resource version: {version}"), None)
    }

    /// The `Status` body.
    pub fn body(&self) -> Value {
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason, "code": self.code
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status
    }
}

/// `secrets` or `receivers.notification.toolkit.fluxcd.io`.
fn qualified(resource: &ResourceType) -> String {
    if resource.group.is_empty() {
        resource.plural.to_string()
    } else {
        format!("{}.{}", resource.plural, resource.group)
    }
}

//! The Flux CRDs as the emulator installs them: names, the status
//! subresource, printer columns as Flux declares them, and schemas.
//!
//! The Receiver's schema declares every field of Flux's `ReceiverSpec` and
//! `ReceiverStatus` (the emulator's controller reads them); the other kinds
//! are only referenced by Receivers, so their spec and status keep whatever
//! they are given, which a CRD says with `x-kubernetes-preserve-unknown-fields`.

use serde_json::{Value, json};

use crate::resources::ResourceType;

/// A JSONPath to the Ready condition's `field`.
fn ready(field: &str) -> String {
    format!(".status.conditions[?(@.type==\"Ready\")].{field}")
}

/// `additionalPrinterColumns` of a Flux kind: the Age, Ready and Status
/// every Flux kind prints, after the URL for GitRepositories.
fn printer_columns(kind: &str) -> Value {
    let mut columns = Vec::new();
    if kind == "GitRepository" {
        columns.push(json!({"name": "URL", "type": "string", "jsonPath": ".spec.url"}));
    }
    columns.push(json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}));
    columns.push(json!({"name": "Ready", "type": "string", "jsonPath": ready("status")}));
    columns.push(json!({"name": "Status", "type": "string", "jsonPath": ready("message")}));
    Value::Array(columns)
}

fn string() -> Value {
    json!({"type": "string"})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// Flux's `Receiver` v1 schema.
fn receiver_schema() -> Value {
    let reference = json!({
        "type": "object", "required": ["kind", "name"],
        "properties": {
            "apiVersion": string(), "kind": string(), "name": {"type": "string", "minLength": 1, "maxLength": 253},
            "namespace": {"type": "string", "minLength": 1, "maxLength": 63},
            "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
            "filter": string()
        }
    });
    let oidc_provider = json!({
        "type": "object", "required": ["issuerURL"],
        "properties": {
            "issuerURL": string(), "audience": string(),
            "variables": {"type": "array", "items": {"type": "object", "required": ["name", "expression"],
                          "properties": {"name": string(), "expression": string()}}},
            "validations": {"type": "array", "items": {"type": "object", "required": ["expression", "message"],
                            "properties": {"expression": string(), "message": string()}}}
        }
    });
    let types: Vec<&str> = receiver::ProviderType::ALL.iter().map(|p| p.as_str()).collect();
    let condition = json!({
        "type": "object", "required": ["lastTransitionTime", "message", "reason", "status", "type"],
        "properties": {
            "lastTransitionTime": {"type": "string", "format": "date-time"}, "message": string(),
            "observedGeneration": {"type": "integer", "format": "int64"}, "reason": string(),
            "status": {"type": "string", "enum": ["True", "False", "Unknown"]}, "type": string()
        }
    });
    json!({
        "type": "object",
        "properties": {
            "spec": {
                "type": "object", "required": ["resources", "type"],
                "properties": {
                    "type": {"type": "string", "enum": types},
                    "interval": {"type": "string", "default": "10m"},
                    "events": strings(),
                    "resources": {"type": "array", "items": reference},
                    "resourceFilter": string(),
                    "secretRef": {"type": "object", "required": ["name"], "properties": {"name": string()}},
                    "oidcProviders": {"type": "array", "items": oidc_provider},
                    "suspend": {"type": "boolean"}
                }
            },
            "status": {
                "type": "object",
                "properties": {
                    "conditions": {"type": "array", "items": condition},
                    "lastHandledReconcileAt": string(),
                    "observedGeneration": {"type": "integer", "format": "int64"},
                    "webhookPath": string()
                }
            }
        }
    })
}

/// The schema of a Flux kind the emulator does not model.
fn opaque_schema() -> Value {
    let anything = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    json!({"type": "object", "properties": {"spec": anything, "status": anything}})
}

/// The CRD of a Flux kind.
pub fn crd(resource: &ResourceType) -> Value {
    let schema = match resource.kind {
        "Receiver" => receiver_schema(),
        _ => opaque_schema(),
    };
    json!({
        "metadata": {"name": format!("{}.{}", resource.plural, resource.group),
                     "labels": {"app.kubernetes.io/part-of": "flux"}},
        "spec": {"group": resource.group, "scope": "Namespaced",
                 "names": {"plural": resource.plural, "singular": resource.singular(), "kind": resource.kind,
                           "listKind": format!("{}List", resource.kind)},
                 "versions": [{"name": resource.version, "served": true, "storage": true,
                               "subresources": {"status": {}},
                               "additionalPrinterColumns": printer_columns(resource.kind),
                               "schema": {"openAPIV3Schema": schema}}]},
        "status": {"conditions": [{"type": "Established", "status": "True"}]}
    })
}

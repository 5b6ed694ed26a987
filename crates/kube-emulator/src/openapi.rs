//! OpenAPI v3, as the API server publishes it for what it serves:
//! `/openapi/v3` lists one document per group-version (with a hash that
//! changes with its content, for clients' caches), and each document has
//! the paths of the group-version's resources and the schemas of its kinds
//! (see [`crate::schemas`]).
//!
//! kubectl reads these to decide how to validate: every write operation
//! here takes `fieldValidation`, so `kubectl apply` (which validates by
//! default) leaves validation to the server, as it does against a real one.
//! Only what the emulator implements is declared: no `dryRun`, no
//! `deletecollection`, and strategic merge patch only for built-in kinds.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::resources::{self, ResourceType};
use crate::schemas;
use crate::state::State;

/// The document path of a group-version: `api/v1`, `apis/apps/v1`.
fn document_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The group-versions served, in discovery order.
fn group_versions(with_flux: bool) -> Vec<(&'static str, &'static str)> {
    let mut found: Vec<(&str, &str)> = Vec::new();
    for r in resources::served(with_flux) {
        if !found.contains(&(r.group, r.version)) {
            found.push((r.group, r.version));
        }
    }
    found
}

/// `/openapi/v3`: where each group-version's document is.
pub fn index(state: &State) -> Value {
    let mut paths = Map::new();
    for (group, version) in group_versions(state.with_flux) {
        let Some(document) = document(state, group, version) else {
            continue;
        };
        let bytes = serde_json::to_vec(&document).expect("JSON values serialize");
        let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02X}")).collect();
        let path = document_path(group, version);
        paths.insert(
            path.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
        );
    }
    json!({ "paths": paths })
}

/// `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`; `None`
/// when the group-version is not served.
pub fn document(state: &State, group: &str, version: &str) -> Option<Value> {
    let served: Vec<&ResourceType> = resources::served(state.with_flux)
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if served.is_empty() {
        return None;
    }
    let mut components = Map::new();
    let mut paths = Map::new();
    for resource in served {
        let Some(schema) = schemas::of(state, resource) else {
            continue;
        };
        let reference = json!({"$ref": format!("#/components/schemas/{}", schema.name)});
        components.extend(schema.components);
        add_paths(&mut paths, resource, &reference);
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": components}
    }))
}

fn query_parameter(name: &str, type_: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description,
           "schema": {"type": type_, "uniqueItems": true}})
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": "string", "uniqueItems": true}})
}

/// The query parameters of writes the emulator honours.
fn write_parameters(patch: bool) -> Vec<Value> {
    let mut parameters = vec![
        query_parameter(
            "fieldManager",
            "string",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
        ),
        query_parameter(
            "fieldValidation",
            "string",
            "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) \
             containing unknown fields: Ignore, Warn (the default) or Strict.",
        ),
    ];
    if patch {
        parameters.push(query_parameter(
            "force",
            "boolean",
            "Force is going to \"force\" Apply requests: it re-acquires conflicting fields owned by other people.",
        ));
    }
    parameters
}

fn json_content(schema: &Value) -> Value {
    json!({"application/json": {"schema": schema}, "application/yaml": {"schema": schema}})
}

/// One operation, tagged with the kind it acts on as kubectl looks for it.
fn operation(resource: &ResourceType, action: &str, id: &str, parameters: Vec<Value>, response: &Value) -> Value {
    json!({
        "operationId": id,
        "parameters": parameters,
        "responses": {"200": {"description": "OK", "content": json_content(response)}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": schemas::group_version_kind(resource),
    })
}

fn with_body(mut operation: Value, content: Value) -> Value {
    operation["requestBody"] = json!({"content": content, "required": true});
    operation
}

/// The paths of one resource: its collection(s), its objects and their
/// status subresource.
fn add_paths(paths: &mut Map<String, Value>, resource: &ResourceType, reference: &Value) {
    let prefix = format!("/{}", document_path(resource.group, resource.version));
    let scope = if resource.namespaced {
        format!("{prefix}/namespaces/{{namespace}}/{}", resource.plural)
    } else {
        format!("{prefix}/{}", resource.plural)
    };
    let mut scope_parameters = Vec::new();
    if resource.namespaced {
        scope_parameters.push(path_parameter(
            "namespace",
            "object name and auth scope, such as for teams and projects",
        ));
    }
    let id = |verb: &str, suffix: &str| format!("{verb}{}{}", resource.kind, suffix);
    let list = json!({"type": "object"});
    let object_body = json_content(reference);
    let patch_body = {
        let patch = json!({"type": "object"});
        let mut content = json!({
            "application/json-patch+json": {"schema": patch},
            "application/merge-patch+json": {"schema": patch},
            "application/apply-patch+yaml": {"schema": patch},
        });
        if !resource.group.ends_with(".fluxcd.io") {
            content["application/strategic-merge-patch+json"] = json!({"schema": patch});
        }
        content
    };

    paths.insert(
        scope.clone(),
        json!({
            "parameters": scope_parameters,
            "get": operation(resource, "list", &id("list", "List"), vec![
                query_parameter("labelSelector", "string", "A selector to restrict the list of returned objects by their labels."),
                query_parameter("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields."),
                query_parameter("limit", "integer", "limit is a maximum number of responses to return for a list call."),
                query_parameter("continue", "string", "The continue option should be set when retrieving more results from the server."),
                query_parameter("watch", "boolean", "Watch for changes to the described resources."),
            ], &list),
            "post": with_body(operation(resource, "post", &id("create", ""), write_parameters(false), reference), object_body.clone()),
        }),
    );
    if resource.namespaced {
        paths.insert(
            format!("{prefix}/{}", resource.plural),
            json!({"get": operation(resource, "list", &id("list", "ForAllNamespaces"), Vec::new(), &list)}),
        );
    }
    let mut object_parameters = vec![path_parameter("name", &format!("name of the {}", resource.kind))];
    object_parameters.extend(scope_parameters);
    paths.insert(
        format!("{scope}/{{name}}"),
        json!({
            "parameters": object_parameters,
            "get": operation(resource, "get", &id("read", ""), Vec::new(), reference),
            "put": with_body(operation(resource, "put", &id("replace", ""), write_parameters(false), reference), object_body.clone()),
            "patch": with_body(operation(resource, "patch", &id("patch", ""), write_parameters(true), reference), patch_body.clone()),
            "delete": operation(resource, "delete", &id("delete", ""), Vec::new(), &json!({"type": "object"})),
        }),
    );
    if resource.status_subresource {
        paths.insert(
            format!("{scope}/{{name}}/status"),
            json!({
                "parameters": object_parameters,
                "get": operation(resource, "get", &id("read", "Status"), Vec::new(), reference),
                "put": with_body(operation(resource, "put", &id("replace", "Status"), write_parameters(false), reference), object_body),
                "patch": with_body(operation(resource, "patch", &id("patch", "Status"), write_parameters(true), reference), patch_body),
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_patch_of_a_kind_takes_field_validation() {
        let state = State::new(true, std::time::Duration::ZERO);
        crate::fixtures::install(&state);
        let document = document(&state, "notification.toolkit.fluxcd.io", "v1").unwrap();
        let paths = document["paths"].as_object().unwrap();
        let patches: Vec<&Value> = paths.values().filter_map(|p| p.get("patch")).collect();
        assert_eq!(patches.len(), 2, "the Receiver and its status");
        for patch in patches {
            assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Receiver");
            let names: Vec<&str> = patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert!(names.contains(&"fieldValidation"), "{names:?}");
        }
        let schemas = document["components"]["schemas"].as_object().unwrap();
        let receiver = &schemas["io.fluxcd.toolkit.notification.v1.Receiver"];
        assert_eq!(receiver["properties"]["spec"]["required"], json!(["resources", "type"]));
        assert!(schemas.contains_key(schemas::OBJECT_META));
    }

    #[test]
    fn the_index_names_every_group_version_with_a_hash() {
        let state = State::new(true, std::time::Duration::ZERO);
        crate::fixtures::install(&state);
        let index = index(&state);
        let url = index["paths"]["api/v1"]["serverRelativeURL"].as_str().unwrap();
        assert!(url.starts_with("/openapi/v3/api/v1?hash="), "{url}");
        assert!(index["paths"]["apis/notification.toolkit.fluxcd.io/v1"].is_object());
    }
}

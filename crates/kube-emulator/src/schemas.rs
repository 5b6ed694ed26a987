//! The OpenAPI schema of every kind served, and what the API server does
//! with it on writes: fields a schema does not declare are dropped, and
//! reported as `fieldValidation` asks (Strict: refused, Warn: a warning,
//! Ignore: silently).
//!
//! Built-in kinds' schemas come from k8s-openapi, which generates them from
//! Kubernetes' own OpenAPI document; custom resources' from the
//! `openAPIV3Schema` of their CRD in the store, as the API server derives
//! them, with `metadata` always the ObjectMeta schema.

use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Node, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::resources::ResourceType;
use crate::state::State;
use crate::store::Key;

/// Where schemas are referenced from, as in the API server's documents.
const COMPONENTS: &str = "#/components/schemas/";

/// The name of ObjectMeta's schema.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// A kind's schema: its name in `components.schemas`, and every schema
/// (its own included) it refers to, by name.
#[derive(Debug, Clone)]
pub struct KindSchema {
    /// `io.k8s.api.core.v1.Secret`, `io.fluxcd.toolkit.notification.v1.Receiver`.
    pub name: String,
    /// The schemas, the kind's own included.
    pub components: Map<String, Value>,
}

impl KindSchema {
    /// The kind's own schema.
    pub fn root(&self) -> &Value {
        &self.components[&self.name]
    }
}

/// The built-in kinds' schemas and the definitions they refer to, generated
/// once.
fn builtins() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let mut generator = SchemaGenerator::new(SchemaSettings::openapi3());
        fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
            generator.subschema_for::<T>();
        }
        add::<Namespace>(&mut generator);
        add::<Secret>(&mut generator);
        add::<Service>(&mut generator);
        add::<Node>(&mut generator);
        add::<Deployment>(&mut generator);
        add::<Ingress>(&mut generator);
        add::<CustomResourceDefinition>(&mut generator);
        add::<ObjectMeta>(&mut generator);
        generator.take_definitions(true)
    })
}

/// The name the API server gives a kind's schema: Kubernetes' package path
/// for built-ins, the reversed group for custom resources.
pub fn schema_name(resource: &ResourceType) -> String {
    let package = match resource.group {
        "" => "io.k8s.api.core".to_string(),
        "apps" => "io.k8s.api.apps".to_string(),
        "networking.k8s.io" => "io.k8s.api.networking".to_string(),
        "apiextensions.k8s.io" => "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions".to_string(),
        group => group.split('.').rev().collect::<Vec<_>>().join("."),
    };
    format!("{package}.{}.{}", resource.version, resource.kind)
}

/// The `x-kubernetes-group-version-kind` of a kind.
pub fn group_version_kind(resource: &ResourceType) -> Value {
    json!({"group": resource.group, "version": resource.version, "kind": resource.kind})
}

/// The schema of `resource`, with what it refers to; `None` for a custom
/// resource whose CRD is gone from the store.
pub fn of(state: &State, resource: &ResourceType) -> Option<KindSchema> {
    let name = schema_name(resource);
    let all = builtins();
    let mut components = Map::new();
    let mut own = match all.get(&name) {
        Some(schema) => schema.clone(),
        None => custom_resource_schema(state, resource)?,
    };
    own["x-kubernetes-group-version-kind"] = json!([group_version_kind(resource)]);
    components.insert(name.clone(), own);
    // Everything reachable from the kind's schema, by reference.
    let mut pending = vec![name.clone()];
    while let Some(next) = pending.pop() {
        let mut references = Vec::new();
        collect_references(&components[&next], &mut references);
        for reference in references {
            if !components.contains_key(&reference)
                && let Some(schema) = all.get(&reference)
            {
                components.insert(reference.clone(), schema.clone());
                pending.push(reference);
            }
        }
    }
    Some(KindSchema { name, components })
}

fn collect_references(schema: &Value, found: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(COMPONENTS))
            {
                found.push(name.to_string());
            }
            map.values().for_each(|value| collect_references(value, found));
        }
        Value::Array(items) => items.iter().for_each(|value| collect_references(value, found)),
        _ => {}
    }
}

/// A custom resource's schema from its CRD's served version, as the API
/// server publishes it: apiVersion, kind, ObjectMeta, and the rest as the
/// CRD declares it (anything, for a CRD without a schema).
fn custom_resource_schema(state: &State, resource: &ResourceType) -> Option<Value> {
    let crd = crd_of(state, resource)?;
    let declared = crd["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == resource.version)?["schema"]["openAPIV3Schema"]
        .clone();
    let mut schema = match declared {
        Value::Object(_) => declared,
        _ => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
    };
    schema["properties"]["apiVersion"] = json!({"type": "string",
        "description": "APIVersion defines the versioned schema of this representation of an object."});
    schema["properties"]["kind"] = json!({"type": "string",
        "description": "Kind is a string value representing the REST resource this object represents."});
    schema["properties"]["metadata"] = json!({"allOf": [{"$ref": format!("{COMPONENTS}{OBJECT_META}")}],
        "description": "Standard object's metadata."});
    schema["type"] = json!("object");
    Some(schema)
}

/// The CRD that defines `resource`, from the store.
pub fn crd_of(state: &State, resource: &ResourceType) -> Option<Value> {
    let store = state.store.lock().unwrap();
    store
        .get(&Key {
            collection: "apiextensions.k8s.io/customresourcedefinitions".into(),
            namespace: String::new(),
            name: format!("{}.{}", resource.plural, resource.group),
        })
        .cloned()
}

/// How a write asks unknown fields to be handled (`fieldValidation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    /// Refuse the write.
    Strict,
    /// Drop them with a warning (the default since Kubernetes 1.27).
    Warn,
    /// Drop them silently.
    Ignore,
}

impl FieldValidation {
    /// The query parameter's value; `None` for one the server does not know.
    pub fn parse(value: Option<&str>) -> Option<FieldValidation> {
        match value {
            None | Some("") | Some("Warn") => Some(FieldValidation::Warn),
            Some("Strict") => Some(FieldValidation::Strict),
            Some("Ignore") => Some(FieldValidation::Ignore),
            Some(_) => None,
        }
    }
}

/// Drops from `value` every field `schema` does not declare; returns their
/// paths (`spec.foo`, `spec.resources[0].bar`), in document order.
pub fn prune(schema: &KindSchema, value: &mut Value) -> Vec<String> {
    let mut unknown = Vec::new();
    walk(&schema.components, schema.root(), value, "", &mut unknown);
    unknown
}

/// A schema with references and single-element `allOf`s (how the API
/// server attaches a description to a reference) resolved.
fn resolve<'a>(components: &'a Map<String, Value>, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix(COMPONENTS)) {
            match components.get(name) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if schema.get("properties").is_none()
            && let Some([only]) = schema["allOf"].as_array().map(Vec::as_slice)
        {
            schema = only;
        } else {
            return schema;
        }
    }
    schema
}

fn walk(components: &Map<String, Value>, schema: &Value, value: &mut Value, path: &str, unknown: &mut Vec<String>) {
    let schema = resolve(components, schema);
    let preserve = schema["x-kubernetes-preserve-unknown-fields"] == true;
    match value {
        Value::Object(fields) => {
            let properties = schema["properties"].as_object();
            let additional = &schema["additionalProperties"];
            // An object schema declaring nothing (FieldsV1, RawExtension)
            // holds anything, as its Go type does.
            if properties.is_none() && !additional.is_object() {
                return;
            }
            let mut dropped = Vec::new();
            for (key, field) in fields.iter_mut() {
                let field_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match properties.and_then(|p| p.get(key)) {
                    Some(declared) => walk(components, declared, field, &field_path, unknown),
                    None if additional.is_object() => walk(components, additional, field, &field_path, unknown),
                    None if preserve || *additional == true => {}
                    None => {
                        unknown.push(field_path);
                        dropped.push(key.clone());
                    }
                }
            }
            for key in dropped {
                fields.remove(&key);
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter_mut().enumerate() {
                    walk(components, item_schema, item, &format!("{path}[{index}]"), unknown);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_schema() -> KindSchema {
        let state = State::new(true, std::time::Duration::ZERO);
        let resource = crate::resources::ALL.iter().find(|r| r.plural == "secrets").unwrap();
        of(&state, resource).unwrap()
    }

    #[test]
    fn built_in_schemas_are_kubernetes_own_with_their_references() {
        let schema = secret_schema();
        assert_eq!(schema.name, "io.k8s.api.core.v1.Secret");
        assert_eq!(
            schema.root()["properties"]["data"]["additionalProperties"]["format"],
            "byte"
        );
        assert_eq!(
            schema.root()["x-kubernetes-group-version-kind"],
            json!([{"group": "", "version": "v1", "kind": "Secret"}])
        );
        assert!(schema.components.contains_key(OBJECT_META));
        assert!(
            schema
                .components
                .contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry")
        );
    }

    #[test]
    fn unknown_fields_are_dropped_and_named() {
        let schema = secret_schema();
        let mut secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "x", "labels": {"a": "b"}, "colour": "blue",
                         "managedFields": [{"manager": "m", "fieldsV1": {"f:data": {}}, "extra": 1}]},
            "data": {"token": "dA=="}, "spec": {"nope": true}
        });
        let unknown = prune(&schema, &mut secret);
        assert_eq!(unknown, ["metadata.colour", "metadata.managedFields[0].extra", "spec"]);
        assert_eq!(
            secret,
            json!({"apiVersion": "v1", "kind": "Secret",
                   "metadata": {"name": "x", "labels": {"a": "b"},
                                "managedFields": [{"manager": "m", "fieldsV1": {"f:data": {}}}]},
                   "data": {"token": "dA=="}})
        );
    }

    #[test]
    fn field_validation_values() {
        assert_eq!(FieldValidation::parse(None), Some(FieldValidation::Warn));
        assert_eq!(FieldValidation::parse(Some("Strict")), Some(FieldValidation::Strict));
        assert_eq!(FieldValidation::parse(Some("Ignore")), Some(FieldValidation::Ignore));
        assert_eq!(FieldValidation::parse(Some("strict")), None);
    }
}

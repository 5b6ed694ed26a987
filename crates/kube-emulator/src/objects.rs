//! Object semantics: create, update, patch, status writes and deletes with
//! the API server's bookkeeping (uid, resourceVersion, generation,
//! creationTimestamp), defaulting and validation.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::apply;
use crate::managed;
use crate::patch;
use crate::resources::ResourceType;
use crate::state::State;
use crate::status::ApiError;
use crate::store::{Key, Store};

/// The store key of a resource's objects.
pub fn collection(resource: &ResourceType) -> String {
    format!("{}/{}", resource.group, resource.plural)
}

/// The key of one object.
pub fn key(resource: &ResourceType, namespace: Option<&str>, name: &str) -> Key {
    Key {
        collection: collection(resource),
        namespace: namespace.unwrap_or_default().to_string(),
        name: name.to_string(),
    }
}

/// Reads an object.
pub fn get(state: &State, resource: &ResourceType, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
    let store = state.store.lock().unwrap();
    store
        .get(&key(resource, namespace, name))
        .cloned()
        .ok_or_else(|| ApiError::not_found(resource, name))
}

/// Now, as Kubernetes timestamps are written.
pub fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn check_namespace(store: &Store, resource: &ResourceType, namespace: Option<&str>) -> Result<(), ApiError> {
    if let (true, Some(namespace)) = (resource.namespaced, namespace) {
        let namespaces = Key {
            collection: "/namespaces".into(),
            namespace: String::new(),
            name: namespace.into(),
        };
        if store.get(&namespaces).is_none() {
            return Err(ApiError::namespace_not_found(namespace));
        }
    }
    Ok(())
}

fn validate(resource: &ResourceType, object: &Value, name: &str) -> Result<(), ApiError> {
    let name_ok = match resource.plural {
        "namespaces" => receiver::names::validate_dns1123_label(name),
        "services" => receiver::names::validate_dns1035_label(name),
        _ => receiver::names::validate_dns1123_subdomain(name),
    };
    if let Err(err) = name_ok {
        return Err(ApiError::invalid(
            resource,
            name,
            &format!("metadata.name: Invalid value: \"{name}\": {err}"),
        ));
    }
    if resource.plural == "receivers" {
        let spec = &object["spec"];
        let type_ = spec["type"].as_str().unwrap_or_default();
        if type_.parse::<receiver::ProviderType>().is_err() {
            let allowed: Vec<String> = receiver::ProviderType::ALL.iter().map(|p| format!("\"{p}\"")).collect();
            return Err(ApiError::invalid(
                resource,
                name,
                &format!(
                    "spec.type: Unsupported value: \"{type_}\": supported values: {}",
                    allowed.join(", ")
                ),
            ));
        }
        if spec["resources"].as_array().is_none_or(|r| r.is_empty()) {
            return Err(ApiError::invalid(resource, name, "spec.resources: Required value"));
        }
    }
    Ok(())
}

/// Type-specific defaulting, as admission would do it.
fn default(state: &State, resource: &ResourceType, object: &mut Value, previous: Option<&Value>) {
    match resource.plural {
        "secrets" => {
            if let Some(Value::Object(string_data)) = object.as_object_mut().and_then(|o| o.remove("stringData")) {
                let engine = base64::engine::general_purpose::STANDARD;
                let data = object["data"].as_object().cloned().unwrap_or_default();
                let mut data: Map<String, Value> = data;
                for (key, value) in string_data {
                    data.insert(key, Value::String(engine.encode(value.as_str().unwrap_or_default())));
                }
                object["data"] = Value::Object(data);
            }
            if object.get("type").is_none() {
                object["type"] = json!("Opaque");
            }
        }
        "services" => {
            let spec = &mut object["spec"];
            if spec.get("type").is_none() {
                spec["type"] = json!("ClusterIP");
            }
            let cluster_ip = previous
                .and_then(|p| p["spec"]["clusterIP"].as_str())
                .map(str::to_string);
            if spec.get("clusterIP").is_none() {
                spec["clusterIP"] = json!(cluster_ip.unwrap_or_else(|| state.cluster_ip()));
            }
            let exposed = matches!(spec["type"].as_str(), Some("NodePort" | "LoadBalancer"));
            let old_ports = previous.map(|p| p["spec"]["ports"].clone()).unwrap_or(Value::Null);
            if let Some(ports) = spec["ports"].as_array_mut() {
                for (index, port) in ports.iter_mut().enumerate() {
                    if port.get("protocol").is_none() {
                        port["protocol"] = json!("TCP");
                    }
                    if port.get("targetPort").is_none() {
                        port["targetPort"] = port["port"].clone();
                    }
                    if exposed && port.get("nodePort").is_none() {
                        let kept = old_ports[index]["nodePort"].as_u64();
                        port["nodePort"] = json!(kept.unwrap_or_else(|| u64::from(state.node_port())));
                    }
                }
            }
        }
        "namespaces" if object["status"].get("phase").is_none() => object["status"] = json!({"phase": "Active"}),
        _ => {}
    }
}

/// Everything but metadata and status: a change here bumps `generation`.
fn desired_state(object: &Value) -> Value {
    let mut rest = object.clone();
    if let Some(map) = rest.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    rest
}

/// Who writes, for `metadata.managedFields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer<'a> {
    /// A field manager writing through the API (create, replace, merge or
    /// JSON patch): it owns what it changes.
    Manager(&'a str),
    /// Server-side apply has already worked out the managedFields.
    Applied,
    /// A write that bypasses the API (fixtures, tests): ownership untouched.
    Untracked,
}

/// An object written, and whether the write created it.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The object as stored.
    pub object: Value,
    /// Whether it did not exist before (201 rather than 200).
    pub created: bool,
}

/// Creates `object` (its name, or generateName, decides the name).
pub fn create(
    state: &State,
    resource: &ResourceType,
    namespace: Option<&str>,
    object: Value,
    writer: Writer,
) -> Result<Value, ApiError> {
    let mut store = state.store.lock().unwrap();
    create_locked(state, &mut store, resource, namespace, object, writer)
}

/// [`create`] with the store already locked by the caller.
fn create_locked(
    state: &State,
    store: &mut Store,
    resource: &ResourceType,
    namespace: Option<&str>,
    mut object: Value,
    writer: Writer,
) -> Result<Value, ApiError> {
    if !object.is_object() {
        return Err(ApiError::bad_request("the body must be an object"));
    }
    let name = match object["metadata"]["name"].as_str() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => match object["metadata"]["generateName"].as_str() {
            Some(prefix) => format!("{prefix}{:05x}", store.version() % 0xfffff),
            None => {
                return Err(ApiError::invalid(
                    resource,
                    "",
                    "metadata.name: Required value: name or generateName is required",
                ));
            }
        },
    };
    if let (Some(given), Some(namespace)) = (object["metadata"]["namespace"].as_str(), namespace)
        && given != namespace
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    check_namespace(store, resource, namespace)?;
    validate(resource, &object, &name)?;
    let key = key(resource, namespace.filter(|_| resource.namespaced), &name);
    if store.get(&key).is_some() {
        return Err(ApiError::already_exists(resource, &name));
    }
    object["apiVersion"] = json!(resource.api_version());
    object["kind"] = json!(resource.kind);
    let uid = store.next_uid();
    let metadata = &mut object["metadata"];
    metadata["name"] = json!(name);
    if resource.namespaced {
        metadata["namespace"] = json!(namespace.unwrap_or_default());
    }
    metadata["uid"] = json!(uid);
    if resource.has_generation() {
        metadata["generation"] = json!(1);
    }
    metadata["creationTimestamp"] = json!(now());
    if let Some(map) = object["metadata"].as_object_mut() {
        map.remove("resourceVersion");
        map.remove("generateName");
        if writer != Writer::Applied {
            // Clients do not get to write ownership directly.
            map.remove("managedFields");
        }
    }
    if resource.status_subresource
        && !matches!(resource.plural, "namespaces" | "nodes")
        && let Some(map) = object.as_object_mut()
    {
        map.remove("status");
    }
    default(state, resource, &mut object, None);
    if let Writer::Manager(manager) = writer {
        managed::record_update(None, &mut object, manager, &resource.api_version(), &now());
    }
    Ok(store.put(key, object))
}

/// Replaces an object (PUT), checking the resourceVersion precondition;
/// with `status_only` only the status changes.
pub fn update(
    state: &State,
    resource: &ResourceType,
    namespace: Option<&str>,
    name: &str,
    object: Value,
    status_only: bool,
    writer: Writer,
) -> Result<Value, ApiError> {
    let mut store = state.store.lock().unwrap();
    update_locked(
        state,
        &mut store,
        resource,
        namespace,
        name,
        object,
        status_only,
        writer,
    )
}

/// [`update`] with the store already locked by the caller.
#[allow(clippy::too_many_arguments)] // update's own arguments plus the held store
fn update_locked(
    state: &State,
    store: &mut Store,
    resource: &ResourceType,
    namespace: Option<&str>,
    name: &str,
    mut object: Value,
    status_only: bool,
    writer: Writer,
) -> Result<Value, ApiError> {
    let key = key(resource, namespace, name);
    let current = store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(resource, name))?;
    if let Some(version) = object["metadata"]["resourceVersion"].as_str().filter(|v| !v.is_empty())
        && Some(version) != current["metadata"]["resourceVersion"].as_str()
    {
        return Err(ApiError::conflict(resource, name));
    }
    if object["metadata"]["name"].as_str().is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name on the URL",
        ));
    }
    let next = if status_only {
        let mut next = current.clone();
        next["status"] = object["status"].take();
        next
    } else {
        validate(resource, &object, name)?;
        object["apiVersion"] = json!(resource.api_version());
        object["kind"] = json!(resource.kind);
        let mut kept = vec!["uid", "creationTimestamp", "generation", "namespace", "name"];
        if writer != Writer::Applied {
            kept.push("managedFields");
        }
        for field in kept {
            object["metadata"][field] = current["metadata"][field].clone();
        }
        if resource.status_subresource {
            object["status"] = current["status"].clone();
        }
        default(state, resource, &mut object, Some(&current));
        if resource.has_generation() && desired_state(&object) != desired_state(&current) {
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1);
            object["metadata"]["generation"] = json!(generation + 1);
        }
        // Fields copied from an object that lacks them are absent, not null.
        if let Some(map) = object.as_object_mut() {
            map.retain(|_, value| !value.is_null());
        }
        if let Some(map) = object["metadata"].as_object_mut() {
            map.retain(|_, value| !value.is_null());
        }
        if let Writer::Manager(manager) = writer {
            managed::record_update(Some(&current), &mut object, manager, &resource.api_version(), &now());
        }
        object
    };
    if next == current {
        return Ok(current);
    }
    Ok(store.put(key, next))
}

/// How a PATCH body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json` (and strategic merge, treated alike).
    Merge,
    /// `application/json-patch+json`.
    Json,
    /// `application/apply-patch+yaml`: server-side apply.
    Apply,
}

/// One PATCH request.
#[derive(Debug, Clone, Copy)]
pub struct PatchRequest<'a> {
    /// How to read the body.
    pub patch_type: PatchType,
    /// The patch (or applied configuration).
    pub body: &'a Value,
    /// Whether it targets the status subresource.
    pub status_only: bool,
    /// The field manager writing.
    pub manager: &'a str,
    /// `force=true`: server-side apply takes conflicting fields over.
    pub force: bool,
}

/// Patches an object; server-side apply creates it when absent.
///
/// The read, the patch and the write happen under one lock of the store,
/// so concurrent patches without a resourceVersion precondition all land
/// instead of racing into spurious conflicts.
pub fn patch(
    state: &State,
    resource: &ResourceType,
    namespace: Option<&str>,
    name: &str,
    request: &PatchRequest,
) -> Result<Written, ApiError> {
    let body = request.body;
    let applying = request.patch_type == PatchType::Apply;
    if applying {
        apply::check_type(resource, body)?;
    }
    let mut store = state.store.lock().unwrap();
    let current = store.get(&key(resource, namespace, name)).cloned();
    let time = now();
    let apply_request = apply::Apply {
        manager: request.manager,
        force: request.force,
        time: &time,
    };
    let Some(current) = current else {
        if applying && !request.status_only {
            let mut object = apply::apply(resource, None, body, &apply_request)?;
            object["metadata"]["name"] = json!(name);
            let object = create_locked(state, &mut store, resource, namespace, object, Writer::Applied)?;
            return Ok(Written { object, created: true });
        }
        return Err(ApiError::not_found(resource, name));
    };
    // A resourceVersion in the patch is a precondition, as on the real server.
    let wanted = match request.patch_type {
        PatchType::Json => None,
        _ => body["metadata"]["resourceVersion"].as_str().filter(|v| !v.is_empty()),
    };
    if wanted.is_some_and(|v| Some(v) != current["metadata"]["resourceVersion"].as_str()) {
        return Err(ApiError::conflict(resource, name));
    }
    let (mut next, writer) = match request.patch_type {
        PatchType::Apply => (
            apply::apply(resource, Some(&current), body, &apply_request)?,
            Writer::Applied,
        ),
        PatchType::Merge => {
            let mut next = current.clone();
            patch::merge(&mut next, body);
            (next, Writer::Manager(request.manager))
        }
        PatchType::Json => {
            let mut next = current.clone();
            patch::json_patch(&mut next, body).map_err(ApiError::bad_request)?;
            (next, Writer::Manager(request.manager))
        }
    };
    next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"].clone();
    let object = update_locked(
        state,
        &mut store,
        resource,
        namespace,
        name,
        next,
        request.status_only,
        writer,
    )?;
    Ok(Written { object, created: false })
}

/// Deletes an object, returning it.
pub fn delete(state: &State, resource: &ResourceType, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
    let mut store = state.store.lock().unwrap();
    store
        .delete(&key(resource, namespace, name))
        .ok_or_else(|| ApiError::not_found(resource, name))
}

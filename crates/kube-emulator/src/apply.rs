//! Server-side apply: the applied configuration is merged into the live
//! object under field ownership. A field another manager owns with a
//! different value is a conflict unless forced (then it changes hands); a
//! field this manager applied before and leaves out now is removed, unless
//! someone else still owns it. Lists are atomic.

use serde_json::{Value, json};

use crate::managed::{self, Entry, FieldPath, FieldSet, Operation};
use crate::resources::ResourceType;
use crate::status::ApiError;

/// One apply request.
pub struct Apply<'a> {
    /// The field manager applying.
    pub manager: &'a str,
    /// Whether conflicting fields are taken over instead of refused.
    pub force: bool,
    /// When this happens (RFC 3339), for the manager's entry.
    pub time: &'a str,
}

/// Checks that the applied configuration is of the URL's type: its
/// apiVersion and kind must be set and match.
pub fn check_type(resource: &ResourceType, applied: &Value) -> Result<(), ApiError> {
    let expected_version = resource.api_version();
    let given = (applied["apiVersion"].as_str(), applied["kind"].as_str());
    match given {
        (Some(version), _) if version != expected_version => Err(ApiError::bad_request(format!(
            "the API version in the data ({version}) does not match the expected API version ({expected_version})"
        ))),
        (_, Some(kind)) if kind != resource.kind => Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            resource.kind
        ))),
        (Some(_), Some(_)) => Ok(()),
        _ => Err(ApiError::bad_request(
            "apiVersion and kind must be set in an applied configuration",
        )),
    }
}

/// Drops explicit nulls: an apply configuration does not delete by null.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Merges the applied configuration into `target`: maps key by key,
/// everything else (scalars, lists) replaced.
fn merge(target: &mut Value, applied: &Value) {
    match (target.as_object_mut(), applied) {
        (Some(map), Value::Object(applied)) => {
            for (key, value) in applied {
                match map.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        map.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        _ => *target = applied.clone(),
    }
}

/// Applies `applied` over `live` (`None` when the object does not exist
/// yet) for `resource`; the object to store, with its managedFields.
pub fn apply(
    resource: &ResourceType,
    live: Option<&Value>,
    applied: &Value,
    request: &Apply,
) -> Result<Value, ApiError> {
    let applied = without_nulls(applied);
    let declared = managed::tracked(&applied);
    let wanted = managed::leaves(&declared);
    let mut object = live.cloned().unwrap_or_else(|| json!({}));
    let current = managed::tracked(&object);
    let mut entries = live.map(managed::entries).unwrap_or_default();
    let mine = |e: &Entry| e.manager == request.manager;

    // Fields others own that this apply would change.
    let mut conflicts: Vec<(String, FieldPath)> = Vec::new();
    for entry in entries.iter().filter(|e| !mine(e)) {
        for path in &wanted {
            let contested = entry.fields.iter().any(|owned| managed::overlaps(owned, path));
            if contested && managed::lookup(&current, path) != managed::lookup(&declared, path) {
                conflicts.push((entry.describe(), path.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !request.force {
        return Err(ApiError::apply_conflict(&conflicts));
    }
    // Forced (or this manager's own Update) fields change hands; fields
    // with equal values stay shared.
    for entry in &mut entries {
        let own_update = mine(entry) && entry.operation == Operation::Update;
        entry.fields.retain(|owned| {
            !wanted.iter().any(|path| {
                managed::overlaps(owned, path)
                    && (own_update || managed::lookup(&current, path) != managed::lookup(&declared, path))
            })
        });
    }
    // Fields this manager applied before and no longer declares go away,
    // unless another manager (or this one through an update) still owns them.
    let previous: FieldSet = entries
        .iter()
        .find(|e| mine(e) && e.operation == Operation::Apply)
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for dropped in previous
        .iter()
        .filter(|p| !wanted.iter().any(|w| managed::overlaps(w, p)))
    {
        let kept = entries
            .iter()
            .filter(|e| !(mine(e) && e.operation == Operation::Apply))
            .any(|e| e.fields.iter().any(|owned| managed::overlaps(owned, dropped)));
        if !kept {
            managed::remove(&mut object, dropped);
        }
    }
    let mut body = applied;
    if let Some(metadata) = body["metadata"].as_object_mut() {
        metadata.remove("managedFields");
        metadata.remove("resourceVersion");
    }
    merge(&mut object, &body);
    entries.retain(|e| !(mine(e) && e.operation == Operation::Apply));
    entries.push(Entry {
        manager: request.manager.to_string(),
        operation: Operation::Apply,
        api_version: resource.api_version(),
        time: request.time.to_string(),
        fields: wanted,
    });
    managed::set_entries(&mut object, &entries);
    Ok(object)
}

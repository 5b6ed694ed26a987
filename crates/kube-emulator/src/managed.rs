//! Field ownership: `metadata.managedFields` as the API server keeps it.
//!
//! Each entry names a manager, how it wrote (`Apply` or `Update`) and the
//! set of fields it owns, in the `FieldsV1` form (`{"f:spec": {"f:type":
//! {}}}`). Sets here hold leaf paths: maps are walked key by key, while
//! lists are leaves of their own, as the API server treats lists that are
//! not `listType=map` (atomic: one owner replaces the whole list).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// A field path: map keys from the root (`["spec", "events"]`).
pub type FieldPath = Vec<String>;

/// The fields a manager owns.
pub type FieldSet = BTreeSet<FieldPath>;

/// Metadata the server sets or reads from the URL: nobody owns these.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "managedFields",
    "generateName",
    "selfLink",
];

/// How a manager wrote its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Server-side apply: the manager declares the whole set it wants.
    Apply,
    /// Any other write (create, replace, merge or JSON patch).
    Update,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The field manager's name (`kubectl`, `flux-receiver`, …).
    pub manager: String,
    /// How it wrote.
    pub operation: Operation,
    /// The apiVersion it wrote with.
    pub api_version: String,
    /// When its set last changed (RFC 3339).
    pub time: String,
    /// The fields it owns.
    pub fields: FieldSet,
}

impl Entry {
    /// How the API server names this manager in conflict messages: appliers
    /// by name only, updaters with the apiVersion they wrote.
    pub fn describe(&self) -> String {
        match self.operation {
            Operation::Apply => format!("{:?}", self.manager),
            Operation::Update => format!("{:?} using {}", self.manager, self.api_version),
        }
    }
}

/// The object without what nobody owns: apiVersion, kind, server-set
/// metadata and status.
pub fn tracked(object: &Value) -> Value {
    let mut tracked = object.clone();
    if let Some(map) = tracked.as_object_mut() {
        for field in ["apiVersion", "kind", "status"] {
            map.remove(field);
        }
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            for field in SERVER_METADATA {
                metadata.remove(*field);
            }
            if metadata.is_empty() {
                map.remove("metadata");
            }
        }
    }
    tracked
}

/// The leaf paths of a value: every scalar and list, reached through maps.
/// An empty map owns nothing: it only says "no fields of mine here".
pub fn leaves(value: &Value) -> FieldSet {
    fn walk(value: &Value, path: &mut FieldPath, out: &mut FieldSet) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(key.clone());
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ if !path.is_empty() => {
                out.insert(path.clone());
            }
            _ => {}
        }
    }
    let mut out = FieldSet::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// The value at `path`, if present.
pub fn lookup<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.as_object()?.get(key))
}

/// Removes the field at `path`, if present.
pub fn remove(value: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let parent = parents
        .iter()
        .try_fold(value, |value, key| value.as_object_mut()?.get_mut(key));
    if let Some(Value::Object(map)) = parent {
        map.remove(last);
    }
}

/// Whether two paths touch the same field: equal, or one inside the other.
pub fn overlaps(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// `.spec.events`, as conflict messages print paths.
pub fn display(path: &[String]) -> String {
    path.iter().map(|key| format!(".{key}")).collect()
}

/// The `FieldsV1` form of a set.
pub fn to_fields_v1(fields: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in fields {
        let mut node = &mut root;
        for key in path {
            node = node
                .entry(format!("f:{key}"))
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("FieldsV1 nodes are objects");
        }
    }
    Value::Object(root)
}

/// A set from its `FieldsV1` form. The `.` marker (the map itself) owns
/// nothing more here, as maps own nothing; list item keys (`k:`, `v:`,
/// `i:`) mark their list as owned, lists being atomic here.
pub fn from_fields_v1(value: &Value) -> FieldSet {
    fn walk(node: &Map<String, Value>, path: &mut FieldPath, out: &mut FieldSet) {
        let mut children = false;
        for (key, child) in node {
            match (key.strip_prefix("f:"), child.as_object()) {
                (Some(name), Some(child)) => {
                    children = true;
                    path.push(name.to_string());
                    walk(child, path, out);
                    path.pop();
                }
                _ if key == "." => children = true,
                _ if !path.is_empty() => {
                    out.insert(path.clone());
                }
                _ => {}
            }
        }
        if !children && !path.is_empty() {
            out.insert(path.clone());
        }
    }
    let mut out = FieldSet::new();
    if let Some(node) = value.as_object() {
        walk(node, &mut Vec::new(), &mut out);
    }
    out
}

/// The entries recorded on an object.
pub fn entries(object: &Value) -> Vec<Entry> {
    let Some(list) = object["metadata"]["managedFields"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|entry| {
            let operation = match entry["operation"].as_str()? {
                "Apply" => Operation::Apply,
                "Update" => Operation::Update,
                _ => return None,
            };
            Some(Entry {
                manager: entry["manager"].as_str()?.to_string(),
                operation,
                api_version: entry["apiVersion"].as_str().unwrap_or_default().to_string(),
                time: entry["time"].as_str().unwrap_or_default().to_string(),
                fields: from_fields_v1(&entry["fieldsV1"]),
            })
        })
        .collect()
}

/// Records `entries` on an object, leaving out managers that own nothing.
pub fn set_entries(object: &mut Value, entries: &[Entry]) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|entry| !entry.fields.is_empty())
        .map(|entry| {
            json!({"manager": entry.manager, "operation": entry.operation.as_str(),
                   "apiVersion": entry.api_version, "time": entry.time,
                   "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(&entry.fields)})
        })
        .collect();
    if list.is_empty() {
        if let Some(metadata) = object["metadata"].as_object_mut() {
            metadata.remove("managedFields");
        }
    } else {
        object["metadata"]["managedFields"] = Value::Array(list);
    }
}

/// Records a non-apply write by `manager`: it owns every field it set or
/// changed, and those fields (and the ones it removed) leave every other
/// manager, as an update takes fields over without conflicts.
pub fn record_update(old: Option<&Value>, new: &mut Value, manager: &str, api_version: &str, time: &str) {
    let mut entries = old.map(entries).unwrap_or_default();
    let (before, after) = (old.map(tracked).unwrap_or(Value::Null), tracked(new));
    let (old_leaves, new_leaves) = (leaves(&before), leaves(&after));
    let changed: FieldSet = new_leaves
        .iter()
        .filter(|path| lookup(&before, path) != lookup(&after, path))
        .cloned()
        .collect();
    let removed: FieldSet = old_leaves
        .iter()
        .filter(|path| lookup(&after, path).is_none())
        .cloned()
        .collect();
    if changed.is_empty() && removed.is_empty() {
        set_entries(new, &entries);
        return;
    }
    let touched = |path: &FieldPath| changed.iter().chain(&removed).any(|c| overlaps(c, path));
    for entry in &mut entries {
        let before = entry.fields.len();
        entry.fields.retain(|path| !touched(path));
        if entry.fields.len() != before {
            entry.time = time.to_string();
        }
    }
    match entries
        .iter_mut()
        .find(|e| e.manager == manager && e.operation == Operation::Update)
    {
        Some(entry) => {
            entry.fields.extend(changed);
            entry.api_version = api_version.to_string();
            entry.time = time.to_string();
        }
        None if !changed.is_empty() => entries.push(Entry {
            manager: manager.to_string(),
            operation: Operation::Update,
            api_version: api_version.to_string(),
            time: time.to_string(),
            fields: changed,
        }),
        None => {}
    }
    set_entries(new, &entries);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> FieldPath {
        text.split('.').map(str::to_string).collect()
    }

    #[test]
    fn fields_v1_round_trips_leaf_sets() {
        let fields: FieldSet = [path("spec.type"), path("spec.events"), path("metadata.labels.app")].into();
        let encoded = to_fields_v1(&fields);
        assert_eq!(
            encoded,
            json!({"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:events": {}, "f:type": {}}})
        );
        assert_eq!(from_fields_v1(&encoded), fields);
        // The server's "." marker adds nothing; list item keys own the list.
        assert_eq!(
            from_fields_v1(&json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}},
                                   "f:spec": {"f:ports": {"k:{\"port\":80}": {".": {}, "f:port": {}}}}})),
            [path("metadata.labels.a"), path("spec.ports")].into()
        );
    }

    #[test]
    fn leaves_stop_at_lists_and_skip_empty_maps_and_server_metadata() {
        let object = json!({"apiVersion": "v1", "kind": "Secret",
                            "metadata": {"name": "s", "resourceVersion": "3", "labels": {"a": "1"}},
                            "data": {"token": "dA=="}, "spec": {"events": ["ping"], "empty": {}}, "status": {"x": 1}});
        let expected: FieldSet = [path("metadata.labels.a"), path("data.token"), path("spec.events")].into();
        assert_eq!(leaves(&tracked(&object)), expected);
    }

    #[test]
    fn an_update_takes_changed_fields_from_other_managers() {
        let mut old = json!({"metadata": {"name": "r"}, "spec": {"type": "github", "suspend": false}});
        record_update(None, &mut old, "creator", "v1", "t0");
        let mut new = old.clone();
        new["spec"]["suspend"] = json!(true);
        record_update(Some(&old), &mut new, "suspender", "v1", "t1");
        let entries = entries(&new);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].fields, [path("spec.type")].into());
        assert_eq!(entries[1].manager, "suspender");
        assert_eq!(entries[1].fields, [path("spec.suspend")].into());
        assert_eq!(entries[1].describe(), "\"suspender\" using v1");
    }

    #[test]
    fn an_unchanged_write_records_nothing_new() {
        let mut old = json!({"metadata": {"name": "r"}, "spec": {"type": "github"}});
        record_update(None, &mut old, "creator", "v1", "t0");
        let mut same = old.clone();
        record_update(Some(&old), &mut same, "other", "v1", "t1");
        assert_eq!(same, old);
    }
}

//! Patches: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
//! Server-side apply lives in `apply`.

use serde_json::Value;

/// Applies a JSON merge patch: objects merge key by key, `null` deletes,
/// anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(patch) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            let map = target.as_object_mut().expect("just made an object");
            for (key, value) in patch {
                if value.is_null() {
                    map.remove(key);
                } else {
                    merge(map.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// Applies an RFC 6902 JSON patch.
pub fn json_patch(target: &mut Value, operations: &Value) -> Result<(), String> {
    let operations = operations.as_array().ok_or("a JSON patch must be an array")?;
    for operation in operations {
        let op = operation["op"].as_str().ok_or("operation without 'op'")?;
        let path = operation["path"].as_str().ok_or("operation without 'path'")?;
        match op {
            "add" | "replace" => {
                let value = operation.get("value").ok_or("add/replace without 'value'")?.clone();
                if op == "replace" {
                    // RFC 6902: replace is a remove followed by an add.
                    remove(target, path)?;
                }
                set(target, path, value)?;
            }
            "remove" => {
                remove(target, path)?;
            }
            "test" => {
                if target.pointer(path) != operation.get("value") {
                    return Err(format!("test failed at {path}"));
                }
            }
            "copy" | "move" => {
                let from = operation["from"].as_str().ok_or("copy/move without 'from'")?;
                let value = target
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("{op}: {from} does not exist"))?;
                if op == "move" {
                    remove(target, from)?;
                }
                set(target, path, value)?;
            }
            other => return Err(format!("unknown operation '{other}'")),
        }
    }
    Ok(())
}

fn split(path: &str) -> Result<(String, String), String> {
    let (parent, last) = path.rsplit_once('/').ok_or_else(|| format!("invalid path '{path}'"))?;
    Ok((parent.to_string(), last.replace("~1", "/").replace("~0", "~")))
}

fn set(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = split(path)?;
    match target
        .pointer_mut(&parent)
        .ok_or_else(|| format!("path {parent} does not exist"))?
    {
        Value::Object(map) => {
            map.insert(last, value);
        }
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => {
            let index: usize = last.parse().map_err(|_| format!("invalid index '{last}'"))?;
            if index > items.len() {
                return Err(format!("index {index} out of range"));
            }
            items.insert(index, value);
        }
        _ => return Err(format!("{parent} is not a container")),
    }
    Ok(())
}

fn remove(target: &mut Value, path: &str) -> Result<(), String> {
    let (parent, last) = split(path)?;
    match target
        .pointer_mut(&parent)
        .ok_or_else(|| format!("path {parent} does not exist"))?
    {
        Value::Object(map) => map
            .remove(&last)
            .map(|_| ())
            .ok_or_else(|| format!("{path} does not exist")),
        Value::Array(items) => {
            let index: usize = last.parse().map_err(|_| format!("invalid index '{last}'"))?;
            (index < items.len())
                .then(|| items.remove(index))
                .map(|_| ())
                .ok_or_else(|| format!("{path} does not exist"))
        }
        _ => Err(format!("{parent} is not a container")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn json_patch_operations() {
        let mut doc = json!({"metadata": {"labels": {"a": "1"}}, "list": [1, 2]});
        json_patch(
            &mut doc,
            &json!([
                {"op": "add", "path": "/metadata/labels/b", "value": "2"},
                {"op": "remove", "path": "/metadata/labels/a"},
                {"op": "add", "path": "/list/-", "value": 3},
                {"op": "replace", "path": "/list/0", "value": 0},
                {"op": "test", "path": "/list/2", "value": 3}
            ]),
        )
        .unwrap();
        assert_eq!(doc, json!({"metadata": {"labels": {"b": "2"}}, "list": [0, 2, 3]}));
        assert!(json_patch(&mut doc, &json!([{"op": "test", "path": "/list/0", "value": 9}])).is_err());
    }
}

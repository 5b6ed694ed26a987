//! The ping and push `trigger` sends as GitHub, checked against GitHub's
//! own example payloads (npm @octokit/webhooks-examples 7.6.1, MIT, put in
//! the cache by testenv/prism/setup): the same top-level keys, and the same
//! JSON type for every key both have, at every depth. A sample that drifts
//! from GitHub's shape would pass our emulator and still mislead a Receiver
//! filter or a reader of the controller's logs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};

use serde_json::Value;

/// What `trigger --type github --event EVENT` sends, as a server saw it.
fn sent(event: &str) -> (BTreeMap<String, String>, Value) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook/0123abcd", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut headers = BTreeMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            headers.insert(name.to_ascii_lowercase(), value.trim().to_string());
        }
        let length: usize = headers["content-length"].parse().unwrap();
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        (headers, body)
    });
    let output = common::run(&[
        "trigger",
        "r",
        "--type",
        "github",
        "--token",
        "t",
        "--url",
        &url,
        "--retries",
        "0",
        "--event",
        event,
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (headers, body) = server.join().unwrap();
    (headers, serde_json::from_slice(&body).expect("the sample is JSON"))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every path of `value` (`repository.owner.login`, `commits[].id`) and
/// the types it has there, merged into `into`.
fn shapes(value: &Value, path: &str, into: &mut BTreeMap<String, BTreeSet<&'static str>>) {
    into.entry(path.to_string()).or_default().insert(kind(value));
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                shapes(value, &path, into);
            }
        }
        Value::Array(items) => {
            for item in items {
                shapes(item, &format!("{path}[]"), into);
            }
        }
        _ => {}
    }
}

/// The differences between `ours` and the examples: top-level keys every
/// example has that ours lacks, top-level keys no example has, and every
/// path both have where our type is not one of the examples' (a path that
/// is `null` in every example says nothing of its type).
fn differences(ours: &Value, examples: &[Value]) -> Vec<String> {
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<BTreeSet<String>>();
    let ours_keys = keys(ours);
    let every: BTreeSet<String> = examples
        .iter()
        .map(keys)
        .reduce(|a, b| a.intersection(&b).cloned().collect())
        .unwrap();
    let any: BTreeSet<String> = examples.iter().flat_map(keys).collect();
    let mut found = Vec::new();
    for key in every.difference(&ours_keys) {
        found.push(format!("missing top-level key {key}"));
    }
    for key in ours_keys.difference(&any) {
        found.push(format!("top-level key {key} is in no example"));
    }
    let mut theirs = BTreeMap::new();
    for example in examples {
        shapes(example, "", &mut theirs);
    }
    let mut mine = BTreeMap::new();
    shapes(ours, "", &mut mine);
    for (path, types) in &mine {
        let Some(expected) = theirs.get(path) else { continue };
        if expected.iter().eq(["null"].iter()) {
            continue;
        }
        if !types.is_subset(expected) {
            found.push(format!("{path}: ours is {types:?}, GitHub's {expected:?}"));
        }
    }
    found
}

#[test]
fn the_differences_check_sees_a_missing_key_an_extra_key_and_a_wrong_type() {
    let example = serde_json::json!({"a": 1, "b": {"c": "x", "d": null}, "e": [{"f": true}]});
    assert!(differences(&example, std::slice::from_ref(&example)).is_empty());
    let ours = serde_json::json!({"b": {"c": 2, "d": "anything"}, "e": [{"f": "no"}], "z": 0});
    assert_eq!(
        differences(&ours, &[example]),
        [
            "missing top-level key a",
            "top-level key z is in no example",
            "b.c: ours is {\"number\"}, GitHub's {\"string\"}",
            "e[].f: ours is {\"string\"}, GitHub's {\"boolean\"}",
        ]
    );
}

#[test]
fn the_ping_trigger_sends_has_the_shape_of_githubs_repository_hook_pings() {
    let Some(examples) = common::webhook_examples("ping") else {
        return;
    };
    // Ours is a repository hook's ping (setup --github-repo): compare with
    // those, not the organization's (which has no repository).
    let repository: Vec<Value> = examples
        .into_iter()
        .filter(|e| e["hook"]["type"] == "Repository")
        .collect();
    assert!(!repository.is_empty());
    let (headers, ours) = sent("ping");
    assert_eq!(headers["x-github-event"], "ping");
    let found = differences(&ours, &repository);
    assert!(found.is_empty(), "{}\nours: {ours:#}", found.join("\n"));
    assert_eq!(ours["hook"]["id"], ours["hook_id"], "the ping names its hook twice");
}

#[test]
fn the_push_trigger_sends_has_the_shape_of_githubs_pushes_and_what_flux_reads() {
    let Some(examples) = common::webhook_examples("push") else {
        return;
    };
    let (headers, ours) = sent("push");
    assert_eq!(headers["x-github-event"], "push");
    let found = differences(&ours, &examples);
    assert!(found.is_empty(), "{}\nours: {ours:#}", found.join("\n"));
    // What a Receiver's CEL filter or a reader of the controller's log
    // looks at: a branch push to the default branch, of a named repository.
    assert_eq!(ours["ref"], "refs/heads/main");
    assert!(
        ours["repository"]["full_name"]
            .as_str()
            .is_some_and(|n| n.contains('/'))
    );
    assert_eq!(ours["repository"]["default_branch"], "main");
    assert_eq!(ours["head_commit"]["id"], ours["after"]);
}

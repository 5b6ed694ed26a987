//! `receiver::yaml::to_string`, the emitter of every `--export`: for any
//! JSON value, the document it writes is read back by an independent YAML
//! parser (serde-saphyr) as the very same JSON value.
//!
//! An input that is a JSON document is that value (the seed corpus holds
//! Receivers, Secrets and awkward strings); any other input is turned into a
//! value with `arbitrary`, so that mutations still make well-formed data.
#![no_main]

use std::sync::LazyLock;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use regex::Regex;
use serde_json::{Map, Number, Value};
use serde_saphyr::NonFiniteFloatPolicy;

/// How deep generated collections nest; Kubernetes objects rarely go past 6.
const MAX_DEPTH: u32 = 6;
/// Items or entries per generated collection.
const MAX_LEN: u32 = 5;

fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kinds = if depth >= MAX_DEPTH { 5 } else { 7 };
    Ok(match u.choose_index(kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => match u.arbitrary::<bool>()? {
            true => Value::from(u.arbitrary::<i64>()?),
            false => Value::from(u.arbitrary::<u64>()?),
        },
        // NaN and the infinities are not JSON numbers.
        3 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::String(u.arbitrary()?),
        5 => {
            let len = u.int_in_range(0..=MAX_LEN)?;
            Value::Array((0..len).map(|_| value(u, depth + 1)).collect::<Result<_>>()?)
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=MAX_LEN)? {
                let key: String = u.arbitrary()?;
                map.insert(key, value(u, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

/// A float in YAML 1.2's core schema that serde-saphyr reads as infinity
/// when out of range: one starting with a digit, after an optional sign
/// (`.5e999` it keeps as a string).
static YAML12_FLOAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$").unwrap());

/// The one place where YAML 1.2 reads a plain scalar otherwise than go-yaml,
/// whose output the emitter reproduces: a float literal beyond float64's
/// range (`1e999`) is a string to go-yaml (`ParseFloat` fails, so flux
/// writes it plain and Kubernetes reads it back as that string) but infinity
/// to YAML 1.2, which serde-saphyr is told to hand over as `.inf`. Mapping
/// keys are read as strings whatever they look like.
fn read_by_yaml12(value: &Value) -> Value {
    match value {
        Value::String(text) if YAML12_FLOAT.is_match(text) => match text.parse::<f64>() {
            Ok(f64::INFINITY) => Value::String(".inf".into()),
            Ok(f64::NEG_INFINITY) => Value::String("-.inf".into()),
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(read_by_yaml12).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), read_by_yaml12(v))).collect()),
        other => other.clone(),
    }
}

fuzz_target!(|data: &[u8]| {
    let value = match serde_json::from_slice::<Value>(data) {
        Ok(value) => value,
        Err(_) => match value(&mut Unstructured::new(data), 0) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    let document = receiver::yaml::to_string(&value);
    assert!(document.ends_with('\n') && !document.starts_with("---"), "{document:?}");
    // YAML 1.2's core schema: serde-saphyr by default also takes YAML 1.1's
    // booleans, in any case (`oN`), where go-yaml knows only on, On and ON.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        non_finite_float_policy: NonFiniteFloatPolicy::AsString,
    };
    let parsed: Value = match serde_saphyr::from_str_with_options(&document, options) {
        Ok(parsed) => parsed,
        Err(error) => panic!("the emitted YAML does not parse: {error}\nvalue: {value}\ndocument:\n{document}"),
    };
    assert_eq!(
        parsed,
        read_by_yaml12(&value),
        "the YAML reads back as another value\ndocument:\n{document}"
    );
});

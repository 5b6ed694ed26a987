//! The HTTP side: routing Kubernetes API paths to object operations, lists
//! with selectors and pagination, watches, discovery, RBAC and faults.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::objects::{self, PatchType};
use crate::openapi;
use crate::resources::{self, ResourceType};
use crate::schemas::{self, FieldValidation};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::state::{Fault, RequestRecord, State};
use crate::status::ApiError;
use crate::store::Key;
use crate::table;

/// The response body type: whole, or streamed for watches.
pub type Body = BoxBody<Bytes, Infallible>;

/// Why a request got no answer at all (an injected dropped connection).
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

fn json_response(code: u16, value: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(full(serde_json::to_vec(value).expect("JSON values serialize")))
        .expect("valid response")
}

fn error_response(error: &ApiError) -> Response<Body> {
    let mut response = json_response(error.code, &error.body());
    if let Some(seconds) = error.retry_after {
        response.headers_mut().insert("retry-after", seconds.into());
    }
    response
}

fn page_not_found() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header("content-type", "text/plain; charset=utf-8")
        .body(full("404 page not found\n"))
        .expect("valid response")
}

/// Where a path points.
enum Route {
    Version,
    CoreVersions,
    Groups,
    Group(String),
    ResourceList {
        group: String,
        version: String,
    },
    OpenApiIndex,
    OpenApi {
        group: String,
        version: String,
    },
    /// `kubectl auth can-i`'s question: POST a SelfSubjectAccessReview.
    AccessReview,
    Object(Target),
    Unknown,
}

/// A resource path: type, namespace, name, subresource.
struct Target {
    resource: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    status: bool,
}

fn route(state: &State, path: &str) -> Route {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segments.as_slice() {
        ["version"] => return Route::Version,
        ["api"] => return Route::CoreVersions,
        ["apis"] => return Route::Groups,
        ["apis", group] => return Route::Group(group.to_string()),
        ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] => return Route::AccessReview,
        ["openapi", "v3"] => return Route::OpenApiIndex,
        ["openapi", "v3", "api", version] => {
            return Route::OpenApi {
                group: String::new(),
                version: version.to_string(),
            };
        }
        ["openapi", "v3", "apis", group, version] => {
            return Route::OpenApi {
                group: group.to_string(),
                version: version.to_string(),
            };
        }
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return Route::Unknown,
    };
    if rest.is_empty() {
        return Route::ResourceList {
            group: group.into(),
            version: version.into(),
        };
    }
    let find = |plural: &str| resources::find(state.with_flux, group, version, plural);
    let (namespace, plural, name, sub) = match rest {
        ["namespaces", namespace, plural, tail @ ..] if find(plural).is_some_and(|r| r.namespaced) => (
            Some(namespace.to_string()),
            *plural,
            tail.first().copied(),
            tail.get(1).copied(),
        ),
        [plural, tail @ ..] => (None, *plural, tail.first().copied(), tail.get(1).copied()),
        [] => return Route::Unknown,
    };
    let Some(resource) = find(plural) else {
        return Route::Unknown;
    };
    if sub.is_some_and(|s| s != "status") || (!resource.namespaced && namespace.is_some()) {
        return Route::Unknown;
    }
    Route::Object(Target {
        resource,
        namespace,
        name: name.map(str::to_string),
        status: sub == Some("status"),
    })
}

fn query(request: &Request<Incoming>) -> Vec<(String, String)> {
    let raw = request.uri().query().unwrap_or_default();
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Percent-decoding (and `+` as space) for query values.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn verb_of(method: &Method, target: &Target, query: &[(String, String)]) -> &'static str {
    let watching = matches!(param(query, "watch"), Some("true" | "1"));
    match (method, target.name.is_some()) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if watching => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => "unknown",
    }
}

/// The answer to a SelfSubjectAccessReview: allowed unless [`deny`]
/// denies the verb on the resource, which is all the emulator's
/// authorization is. Every user may ask, as on a real cluster.
///
/// [`deny`]: crate::Emulator::deny
fn access_review(state: &State, body: &[u8]) -> Response<Body> {
    let Ok(mut review) = serde_json::from_slice::<Value>(body) else {
        return error_response(&ApiError::bad_request("the body is not a SelfSubjectAccessReview"));
    };
    let attributes = &review["spec"]["resourceAttributes"];
    let (Some(verb), Some(resource)) = (attributes["verb"].as_str(), attributes["resource"].as_str()) else {
        return error_response(&ApiError::bad_request(
            "spec.resourceAttributes needs a verb and a resource",
        ));
    };
    let allowed = !state.is_denied(verb, resource);
    review["status"] = json!({"allowed": allowed});
    if !allowed {
        review["status"]["reason"] = json!("denied by the emulator's deny list");
    }
    json_response(201, &review)
}

/// Serves one request.
pub async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let query = query(&request);
    let mut record = RequestRecord {
        verb: "discovery".into(),
        method: method.to_string(),
        path: path_and_query,
        resource: String::new(),
        namespace: None,
        status: 0,
    };

    // Not part of the Kubernetes API: the request log, for benchmarks that
    // run the emulator as a separate process.
    if path == "/emulator/requests" {
        if method == Method::DELETE {
            state.requests.lock().unwrap().clear();
            return Ok(json_response(200, &json!({})));
        }
        let log: Vec<Value> = state
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| json!({"verb": r.verb, "resource": r.resource, "namespace": r.namespace, "status": r.status, "path": r.path}))
            .collect();
        return Ok(json_response(200, &json!({"count": log.len(), "requests": log})));
    }
    let target = match route(&state, &path) {
        Route::Version => return Ok(finish(&state, record, json_response(200, &version()))),
        Route::CoreVersions => return Ok(finish(&state, record, json_response(200, &resources::core_versions()))),
        Route::Groups => {
            return Ok(finish(
                &state,
                record,
                json_response(200, &resources::group_list(state.with_flux)),
            ));
        }
        Route::Group(group) => {
            let response = match resources::group(state.with_flux, &group) {
                Some(document) => json_response(200, &document),
                None => page_not_found(),
            };
            return Ok(finish(&state, record, response));
        }
        Route::ResourceList { group, version } => {
            let response = match resources::resource_list(state.with_flux, &group, &version) {
                Some(list) => json_response(200, &list),
                None => page_not_found(),
            };
            return Ok(finish(&state, record, response));
        }
        Route::OpenApiIndex => return Ok(finish(&state, record, json_response(200, &openapi::index(&state)))),
        Route::OpenApi { group, version } => {
            let response = match openapi::document(&state, &group, &version) {
                Some(document) => json_response(200, &document),
                None => page_not_found(),
            };
            return Ok(finish(&state, record, response));
        }
        Route::AccessReview => {
            record.verb = "create".into();
            record.resource = "selfsubjectaccessreviews".into();
            let response = if method == Method::POST {
                match request.into_body().collect().await {
                    Ok(body) => access_review(&state, &body.to_bytes()),
                    Err(_) => error_response(&ApiError::bad_request("unreadable body")),
                }
            } else {
                error_response(&ApiError::bad_request("only POST creates a SelfSubjectAccessReview"))
            };
            return Ok(finish(&state, record, response));
        }
        Route::Unknown => return Ok(finish(&state, record, page_not_found())),
        Route::Object(target) => target,
    };
    let verb = verb_of(&method, &target, &query);
    record.verb = verb.to_string();
    record.resource = target.resource.plural.to_string();
    record.namespace = target.namespace.clone();

    if state.is_denied(verb, target.resource.plural) {
        let error = ApiError::forbidden(
            verb,
            target.resource,
            target.name.as_deref(),
            target.namespace.as_deref(),
        );
        return Ok(finish(&state, record, error_response(&error)));
    }
    let mut created_meanwhile = None;
    match state.take_fault(verb, target.resource.plural) {
        Some(Fault::InternalError) => return Ok(finish(&state, record, error_response(&ApiError::internal()))),
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            return Ok(finish(
                &state,
                record,
                error_response(&ApiError::too_many_requests(retry_after_secs)),
            ));
        }
        Some(Fault::BadGateway) => return Ok(finish(&state, record, bad_gateway())),
        Some(Fault::ServiceUnavailable) => {
            return Ok(finish(&state, record, error_response(&ApiError::service_unavailable())));
        }
        Some(Fault::GatewayTimeout) => return Ok(finish(&state, record, error_response(&ApiError::timeout()))),
        Some(Fault::DropConnection) => {
            state.record(record);
            return Err(Dropped);
        }
        Some(Fault::Conflict) => {
            let error = ApiError::conflict(target.resource, target.name.as_deref().unwrap_or_default());
            return Ok(finish(&state, record, error_response(&error)));
        }
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::CreatedMeanwhile(object)) => created_meanwhile = Some(*object),
        None => {}
    }

    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, user_agent, accept) = (header("content-type"), header("user-agent"), header("accept"));
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(finish(
                &state,
                record,
                error_response(&ApiError::bad_request("unreadable body")),
            ));
        }
    };
    let input = Input {
        content_type: &content_type,
        user_agent: &user_agent,
        accept: &accept,
        body: &body,
    };
    let mut warnings = Vec::new();
    let response = match dispatch(&state, verb, &target, &query, &input, &mut warnings).await {
        Ok(mut response) => {
            for warning in warnings {
                let text = format!("299 - {}", serde_json::to_string(&warning).expect("strings serialize"));
                if let Ok(value) = text.parse() {
                    response.headers_mut().append("warning", value);
                }
            }
            response
        }
        Err(error) => error_response(&error),
    };
    if let Some(object) = created_meanwhile {
        create_as_another_writer(&state, object);
    }
    Ok(finish(&state, record, response))
}

/// The field manager of the writer [`Fault::CreatedMeanwhile`] stands for.
const ANOTHER_WRITER: &str = "another-writer";

/// Creates `object` as someone other than the client would, through the
/// same object semantics; if it exists already, that writer lost its race
/// and nothing changes.
fn create_as_another_writer(state: &State, object: Value) {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    let resource = resources::by_kind(state.with_flux, api_version, kind)
        .unwrap_or_else(|| panic!("CreatedMeanwhile: {api_version} {kind} is not served"));
    let namespace = object["metadata"]["namespace"].as_str().map(str::to_string);
    let _ = objects::create(
        state,
        resource,
        namespace.as_deref(),
        object,
        objects::Writer::Manager(ANOTHER_WRITER),
    );
}

/// A 502 as a proxy or load balancer writes it: HTML, not a `Status`.
pub(crate) fn bad_gateway_page() -> &'static str {
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n"
}

fn bad_gateway() -> Response<Body> {
    Response::builder()
        .status(StatusCode::BAD_GATEWAY)
        .header("content-type", "text/html")
        .body(full(bad_gateway_page()))
        .expect("valid response")
}

fn finish(state: &State, mut record: RequestRecord, response: Response<Body>) -> Response<Body> {
    record.status = response.status().as_u16();
    state.record(record);
    response
}

fn version() -> Value {
    json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0-emulator", "gitCommit": "emulator",
           "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23",
           "compiler": "gc", "platform": "linux/amd64"})
}

/// Reads a create, replace or patch body: JSON, or YAML where the content
/// type says so (every JSON document is YAML too, so JSON is tried first).
/// Anything else, protobuf included, is 415 as on a server that does not
/// decode it.
fn parse_body(content_type: &str, body: &[u8]) -> Result<Value, ApiError> {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let yaml = media_type.ends_with("yaml");
    if !(yaml || media_type.is_empty() || media_type.ends_with("json")) {
        return Err(ApiError::unsupported_body_type(content_type));
    }
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(e) if !yaml => Err(ApiError::bad_request(format!("invalid JSON body: {e}"))),
        Err(_) => {
            let text =
                std::str::from_utf8(body).map_err(|e| ApiError::bad_request(format!("invalid YAML body: {e}")))?;
            serde_saphyr::from_str(text).map_err(|e| ApiError::bad_request(format!("invalid YAML body: {e}")))
        }
    }
}

/// The field manager of a write: `fieldManager`, or else, as the API
/// server does, the client's user agent up to its first `/` (`unknown`
/// without one).
fn field_manager(query: &[(String, String)], user_agent: &str) -> String {
    match param(query, "fieldManager").filter(|m| !m.is_empty()) {
        Some(manager) => manager.to_string(),
        None => match user_agent.split('/').next().unwrap_or_default() {
            "" => "unknown".to_string(),
            prefix => prefix.to_string(),
        },
    }
}

/// What the body of a request is, who sends it and what it accepts.
struct Input<'a> {
    content_type: &'a str,
    user_agent: &'a str,
    accept: &'a str,
    body: &'a [u8],
}

/// Drops the fields `body` has that the kind's schema does not declare,
/// then refuses the write (`fieldValidation=Strict`), warns about each
/// (Warn, the default) or says nothing (Ignore), as the API server does.
fn validate_fields(
    state: &State,
    resource: &ResourceType,
    query: &[(String, String)],
    body: &mut Value,
    applying: bool,
    warnings: &mut Vec<String>,
) -> Result<(), ApiError> {
    let directive = param(query, "fieldValidation");
    let validation = FieldValidation::parse(directive).ok_or_else(|| {
        ApiError::bad_request(format!(
            "fieldValidation: Unsupported value: \"{}\": supported values: \"Ignore\", \"Strict\", \"Warn\"",
            directive.unwrap_or_default()
        ))
    })?;
    let Some(schema) = schemas::of(state, resource) else {
        return Ok(());
    };
    let unknown = schemas::prune(&schema, body);
    if unknown.is_empty() {
        return Ok(());
    }
    match validation {
        FieldValidation::Strict if applying => Err(ApiError::bad_request(format!(
            "failed to create typed patch object ({}, Kind={}): {}",
            resource.api_version(),
            resource.kind,
            unknown
                .iter()
                .map(|field| format!(".{field}: field not declared in schema"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        FieldValidation::Strict => Err(ApiError::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
            unknown
                .iter()
                .map(|field| format!("unknown field \"{field}\""))
                .collect::<Vec<_>>()
                .join(", "),
            kind = resource.kind,
            version = resource.version,
        ))),
        FieldValidation::Warn => {
            warnings.extend(unknown.iter().map(|field| format!("unknown field \"{field}\"")));
            Ok(())
        }
        FieldValidation::Ignore => Ok(()),
    }
}

async fn dispatch(
    state: &Arc<State>,
    verb: &str,
    target: &Target,
    query: &[(String, String)],
    input: &Input<'_>,
    warnings: &mut Vec<String>,
) -> Result<Response<Body>, ApiError> {
    let namespace = target.namespace.as_deref();
    // Refused rather than ignored: a dry run the emulator cannot do must not write.
    if param(query, "dryRun").is_some_and(|d| !d.is_empty()) {
        return Err(ApiError::bad_request("the emulator does not implement dryRun"));
    }
    let as_table = table::wanted(input.accept);
    let include = table::Include::parse(param(query, "includeObject"));
    let resource = target.resource;
    let content_type = input.content_type;
    let manager = field_manager(query, input.user_agent);
    let writer = objects::Writer::Manager(&manager);
    match (verb, target.name.as_deref()) {
        ("get", Some(name)) => {
            let object = objects::get(state, resource, namespace, name)?;
            if as_table {
                let metadata = json!({"resourceVersion": object["metadata"]["resourceVersion"]});
                return Ok(json_response(
                    200,
                    &table::table(state, resource, std::slice::from_ref(&object), metadata, include),
                ));
            }
            Ok(json_response(200, &object))
        }
        ("list", None) => {
            let list = list(state, target, query)?;
            if as_table {
                let items = list["items"].as_array().cloned().unwrap_or_default();
                return Ok(json_response(
                    200,
                    &table::table(state, resource, &items, list["metadata"].clone(), include),
                ));
            }
            Ok(json_response(200, &list))
        }
        ("watch", None) => watch(state.clone(), target, query, as_table.then_some(include)),
        ("create", None) => {
            let mut object = parse_body(content_type, input.body)?;
            validate_fields(state, resource, query, &mut object, false, warnings)?;
            Ok(json_response(
                201,
                &objects::create(state, resource, namespace, object, writer)?,
            ))
        }
        ("update", Some(name)) => {
            let mut object = parse_body(content_type, input.body)?;
            validate_fields(state, resource, query, &mut object, false, warnings)?;
            Ok(json_response(
                200,
                &objects::update(state, resource, namespace, name, object, target.status, writer)?,
            ))
        }
        ("patch", Some(name)) => {
            let patch_type = if content_type.starts_with("application/apply-patch") {
                PatchType::Apply
            } else if content_type.starts_with("application/json-patch+json") {
                PatchType::Json
            } else if content_type.starts_with("application/merge-patch+json")
                || content_type.starts_with("application/strategic-merge-patch+json")
            {
                PatchType::Merge
            } else {
                return Err(ApiError::unsupported_media_type(content_type));
            };
            let force = matches!(param(query, "force"), Some("true" | "1"));
            if patch_type == PatchType::Apply && param(query, "fieldManager").is_none_or(str::is_empty) {
                return Err(ApiError::bad_request(
                    "fieldManager: Required value: is required for apply requests",
                ));
            }
            let mut body = parse_body(content_type, input.body)?;
            // A JSON patch is a list of operations, not an object to check.
            if patch_type != PatchType::Json {
                validate_fields(
                    state,
                    resource,
                    query,
                    &mut body,
                    patch_type == PatchType::Apply,
                    warnings,
                )?;
            }
            let request = objects::PatchRequest {
                patch_type,
                body: &body,
                status_only: target.status,
                manager: &manager,
                force,
            };
            let written = objects::patch(state, resource, namespace, name, &request)?;
            Ok(json_response(if written.created { 201 } else { 200 }, &written.object))
        }
        ("delete", Some(name)) => Ok(json_response(200, &objects::delete(state, resource, namespace, name)?)),
        _ => Err(ApiError::method_not_allowed()),
    }
}

fn selectors(target: &Target, query: &[(String, String)]) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(param(query, "labelSelector").unwrap_or("")).map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(
        param(query, "fieldSelector").unwrap_or(""),
        &objects::collection(target.resource),
    )
    .map_err(ApiError::bad_request)?;
    Ok((labels, fields))
}

/// A continue token: the key of the last object of the previous page.
fn continue_token(key: &Key) -> String {
    let raw = format!("{}\u{0}{}", key.namespace, key.name);
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn parse_continue(collection: &str, token: &str) -> Result<Key, ApiError> {
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let text = bytes
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::bad_request("invalid continue token"))?;
    let (namespace, name) = text
        .split_once('\u{0}')
        .ok_or_else(|| ApiError::bad_request("invalid continue token"))?;
    Ok(Key {
        collection: collection.to_string(),
        namespace: namespace.into(),
        name: name.into(),
    })
}

fn list(state: &State, target: &Target, query: &[(String, String)]) -> Result<Value, ApiError> {
    let (labels, fields) = selectors(target, query)?;
    let limit: usize = param(query, "limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let collection = objects::collection(target.resource);
    let after = param(query, "continue")
        .filter(|c| !c.is_empty())
        .map(|c| parse_continue(&collection, c))
        .transpose()?;
    let store = state.store.lock().unwrap();
    let mut items = Vec::new();
    let mut last_key = None;
    let mut more = false;
    for (key, object) in store.list(&collection, target.namespace.as_deref(), after.as_ref()) {
        if !(labels.matches(object) && fields.matches(object)) {
            continue;
        }
        if items.len() == limit {
            more = true;
            break;
        }
        items.push(object.clone());
        last_key = Some(key.clone());
    }
    let mut metadata = json!({"resourceVersion": store.version().to_string()});
    if more && let Some(key) = &last_key {
        metadata["continue"] = json!(continue_token(key));
    }
    Ok(json!({
        "kind": format!("{}List", target.resource.kind),
        "apiVersion": target.resource.api_version(),
        "metadata": metadata,
        "items": items
    }))
}

fn watch_line(kind: &str, object: &Value) -> Bytes {
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object})).expect("JSON serializes");
    line.push(b'\n');
    Bytes::from(line)
}

/// Streams changes; as Tables of one row each when `table` says so, as
/// kubectl's `get --watch` asks.
fn watch(
    state: Arc<State>,
    target: &Target,
    query: &[(String, String)],
    table: Option<table::Include>,
) -> Result<Response<Body>, ApiError> {
    let (labels, fields) = selectors(target, query)?;
    let collection = objects::collection(target.resource);
    let namespace = target.namespace.clone();
    let timeout = param(query, "timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .map_or(Duration::from_secs(1800), Duration::from_secs);
    let bookmarks = matches!(param(query, "allowWatchBookmarks"), Some("true" | "1"));
    let start = param(query, "resourceVersion")
        .filter(|v| !v.is_empty() && *v != "0")
        .map(str::to_string);
    let resource = target.resource;
    let shown = {
        let state = state.clone();
        move |object: &Value| match table {
            Some(include) => {
                let metadata = json!({"resourceVersion": object["metadata"]["resourceVersion"]});
                table::table(&state, resource, std::slice::from_ref(object), metadata, include)
            }
            None => object.clone(),
        }
    };

    let matches = {
        let collection = collection.clone();
        move |key: &Key, object: &Value| {
            key.collection == collection
                && namespace.as_deref().is_none_or(|ns| key.namespace == ns)
                && labels.matches(object)
                && fields.matches(object)
        }
    };
    let (mut live, backlog) = {
        let store = state.store.lock().unwrap();
        let live = store.subscribe();
        let backlog: Vec<Bytes> = match &start {
            None => store
                .list(&collection, target.namespace.as_deref(), None)
                .filter(|(key, object)| matches(key, object))
                .map(|(_, object)| watch_line("ADDED", &shown(object)))
                .collect(),
            Some(version) => {
                let version: u64 = version
                    .parse()
                    .map_err(|_| ApiError::bad_request("invalid resourceVersion"))?;
                match store.events_after(version) {
                    Some(events) => events
                        .iter()
                        .filter(|e| matches(&e.key, &e.object))
                        .map(|e| watch_line(e.kind.as_str(), &shown(&e.object)))
                        .collect(),
                    None => vec![watch_line("ERROR", &ApiError::gone(&version.to_string()).body())],
                }
            }
        };
        (live, backlog)
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1024);
    tokio::spawn(async move {
        for line in backlog {
            if sender.send(line).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut ticker = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                event = live.recv() => match event {
                    Ok(event) if matches(&event.key, &event.object) => {
                        if sender.send(watch_line(event.kind.as_str(), &shown(&event.object))).await.is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let _ = sender.send(watch_line("ERROR", &ApiError::gone("lagged").body())).await;
                        return;
                    }
                    Err(_) => return,
                },
                _ = ticker.tick(), if bookmarks => {
                    let version = state.store.lock().unwrap().version();
                    let bookmark = json!({"kind": resource.kind, "apiVersion": resource.api_version(),
                                          "metadata": {"resourceVersion": version.to_string()}});
                    if sender.send(watch_line("BOOKMARK", &bookmark)).await.is_err() {
                        return;
                    }
                }
                _ = tokio::time::sleep_until(deadline) => return,
                _ = sender.closed() => return,
            }
        }
    });
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|bytes| (Ok::<_, Infallible>(Frame::data(bytes)), receiver))
    });
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("valid response"))
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(decode("metadata.name%3Dx"), "metadata.name=x");
        assert_eq!(decode("a+b"), "a b");
        assert_eq!(decode("100%"), "100%");
    }
}

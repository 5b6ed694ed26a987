//! The notification-controller's webhook endpoint, emulated: it finds the
//! Receiver serving the path, authenticates the request the way Flux does
//! for the Receiver's type, and annotates the referenced objects with
//! `reconcile.fluxcd.io/requestedAt`.
//!
//! As in Flux, a request that authenticates (a GitHub `ping` included)
//! annotates the resources and gets 200; signatures are checked by
//! [`crate::signatures`], independently of flux-receiver's signing code.
//!
//! Targets resolve as in Flux: only some kinds have a default apiVersion,
//! `*` needs matchLabels, and a target that cannot be annotated makes the
//! answer 500 (the ones before it stay annotated).
//!
//! Approximations: gcr and generic-oidc tokens cannot be verified offline
//! (no Google keys, no issuer), so gcr requests are refused and generic-oidc
//! accepts any bearer token shaped like a JWT.

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use receiver::resource_ref::WILDCARD;
use receiver::{ProviderType, ResourceKind};
use serde_json::{Value, json};

use crate::controller::RECEIVERS;
use crate::objects::now;
use crate::resources;
use crate::server::{Dropped, bad_gateway_page};
use crate::signatures;
use crate::state::{Fault, RequestRecord, State, WEBHOOK_FAULT};
use crate::store::Key;

/// A webhook answer: status and text.
type Answer = (u16, String);

fn respond((status, text): Answer) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::from(text)))
        .expect("valid response")
}

/// The largest body the real controller reads (`http.MaxBytesReader`,
/// 3 MiB); past it, 413.
const MAX_BODY: usize = 3 * 1024 * 1024;

/// Serves one webhook request, or fails it as an injected fault says, and
/// logs it.
pub async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = request.method().to_string();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let result = serve(&state, request).await;
    state.webhook_requests.lock().unwrap().push(RequestRecord {
        verb: "webhook".into(),
        method,
        path,
        resource: String::new(),
        namespace: None,
        status: result.as_ref().map_or(0, |response| response.status().as_u16()),
    });
    result
}

async fn serve(state: &State, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    // The controller looks Receivers up by the whole request URI: a query
    // string makes another path (404), as a trailing slash does.
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(respond((413, "request body too large".into())));
        }
        Err(_) => Bytes::new(),
    };
    let (verb, resource) = WEBHOOK_FAULT;
    let injected = match state.take_fault(verb, resource) {
        Some(Fault::InternalError) => Some((500, "Internal Server Error (injected fault)".to_string())),
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let mut response = respond((429, "too many requests (injected fault)".into()));
            response.headers_mut().insert("retry-after", retry_after_secs.into());
            return Ok(response);
        }
        Some(Fault::BadGateway) => Some((502, bad_gateway_page().to_string())),
        Some(Fault::ServiceUnavailable) => Some((503, "service unavailable (injected fault)".into())),
        Some(Fault::GatewayTimeout) => Some((504, "gateway timeout (injected fault)".into())),
        Some(Fault::DropConnection) => return Err(Dropped),
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        // Refused when injected: nothing to conflict on or create here.
        Some(Fault::Conflict | Fault::CreatedMeanwhile(_)) | None => None,
    };
    if let Some(answer) = injected {
        return Ok(respond(answer));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    if method != Method::POST || !path.starts_with(receiver::path::HOOK_PREFIX) {
        return Ok(respond((404, "not found".into())));
    }
    Ok(respond(receive(state, &path, &header, &body)))
}

fn receive(state: &State, path: &str, header: &dyn Fn(&str) -> Option<String>, body: &[u8]) -> Answer {
    let found = {
        let store = state.store.lock().unwrap();
        store
            .list(RECEIVERS, None, None)
            .find(|(_, r)| r["status"]["webhookPath"] == path)
            .map(|(k, r)| (k.clone(), r.clone()))
    };
    let Some((key, receiver)) = found else {
        return (404, format!("no receiver serves {path}"));
    };
    let ready = receiver["status"]["conditions"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"));
    if receiver["spec"]["suspend"] == true || !ready {
        return (503, "receiver is suspended or not ready".into());
    }
    let token = token_of(state, &key, &receiver);
    let provider: ProviderType = match receiver["spec"]["type"].as_str().unwrap_or_default().parse() {
        Ok(provider) => provider,
        Err(e) => return (400, e.to_string()),
    };
    let events: Vec<String> = receiver["spec"]["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str())
        .map(str::to_lowercase)
        .collect();
    let accepted = |event: &str| events.is_empty() || events.contains(&event.to_lowercase());
    match authenticate(provider, token.as_deref().unwrap_or_default(), header, body) {
        Err(message) => (400, message),
        Ok(Some(event)) if !accepted(&event) => (400, format!("event '{event}' is not accepted")),
        Ok(_) => match annotate(state, &key, &receiver) {
            Ok(annotated) => (200, format!("{annotated} resources annotated")),
            Err(message) => (500, message),
        },
    }
}

fn token_of(state: &State, key: &Key, receiver: &Value) -> Option<String> {
    let name = receiver["spec"]["secretRef"]["name"].as_str()?;
    let store = state.store.lock().unwrap();
    let secret = store.get(&Key {
        collection: "/secrets".into(),
        namespace: key.namespace.clone(),
        name: name.into(),
    })?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(secret["data"]["token"].as_str()?)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Checks a webhook request as Flux does for `provider`: `token` is the
/// Secret's, `header` looks a request header up by name (the server asks a
/// `HeaderMap`, so case-insensitively, and a value that is not visible
/// ASCII is absent). Returns the event name, if the provider sends one.
///
/// Public (as `authenticate_webhook`) for the fuzz targets, which feed it
/// arbitrary headers and bodies.
pub fn authenticate(
    provider: ProviderType,
    token: &str,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<Option<String>, String> {
    let key = token.as_bytes();
    let json = || serde_json::from_slice::<Value>(body).map_err(|e| format!("cannot decode the payload: {e}"));
    let require = |value: &Value, pointer: &str| {
        value
            .pointer(pointer)
            .filter(|v| !v.is_null())
            .map(|_| ())
            .ok_or_else(|| format!("payload lacks {pointer}"))
    };
    match provider {
        ProviderType::Generic => Ok(None),
        ProviderType::GenericHmac => {
            let signature = header("X-Signature").ok_or("missing X-Signature")?;
            signatures::verify_prefixed(&signature, key, body).map(|_| None)
        }
        // go-github's ValidatePayload: X-Hub-Signature-256, else the older
        // X-Hub-Signature; either may name any of the algorithms.
        ProviderType::Github => {
            let signature = header("X-Hub-Signature-256")
                .or_else(|| header("X-Hub-Signature"))
                .ok_or("missing X-Hub-Signature-256")?;
            signatures::verify_prefixed(&signature, key, body)?;
            Ok(Some(header("X-GitHub-Event").unwrap_or_default()))
        }
        ProviderType::Bitbucket => {
            let signature = header("X-Hub-Signature-256")
                .or_else(|| header("X-Hub-Signature"))
                .ok_or("missing X-Hub-Signature")?;
            signatures::verify_prefixed(&signature, key, body)?;
            Ok(Some(header("X-Event-Key").unwrap_or_default()))
        }
        ProviderType::Gitlab => {
            let given = header("X-Gitlab-Token").ok_or("missing X-Gitlab-Token")?;
            if !signatures::tokens_equal(&given, token) {
                return Err("the X-Gitlab-Token does not match".into());
            }
            Ok(Some(header("X-Gitlab-Event").unwrap_or_default()))
        }
        ProviderType::Harbor => {
            let given = header("Authorization").ok_or("missing Authorization")?;
            if !signatures::tokens_equal(&given, token) {
                return Err("the Authorization header does not match".into());
            }
            Ok(None)
        }
        ProviderType::Nexus => {
            let given = header("X-Nexus-Webhook-Signature").ok_or("missing X-Nexus-Webhook-Signature")?;
            signatures::verify_nexus(&given, key, body)?;
            let payload = json()?;
            require(&payload, "/action")?;
            require(&payload, "/repositoryName")?;
            Ok(None)
        }
        ProviderType::Dockerhub => {
            let payload = json()?;
            require(&payload, "/push_data/tag")?;
            require(&payload, "/repository/repo_url")?;
            Ok(None)
        }
        ProviderType::Quay => {
            let payload = json()?;
            require(&payload, "/docker_url")?;
            require(&payload, "/updated_tags")?;
            Ok(None)
        }
        ProviderType::Acr => {
            let payload = json()?;
            for pointer in ["/action", "/target/repository", "/target/tag"] {
                require(&payload, pointer)?;
            }
            Ok(None)
        }
        ProviderType::Cdevents => {
            let event = header("Ce-Type").ok_or("missing Ce-Type")?;
            check_cdevent(&json()?, &event)?;
            Ok(Some(event))
        }
        ProviderType::GenericOidc => {
            let bearer = header("Authorization").and_then(|a| a.strip_prefix("Bearer ").map(str::to_string));
            match bearer {
                Some(token) if token.split('.').count() == 3 => Ok(None),
                _ => Err("missing or malformed bearer token".into()),
            }
        }
        ProviderType::Gcr => Err("Google-signed tokens cannot be verified by the emulator".into()),
    }
}

/// Checks a CDEvent body as far as the emulator can without the CDEvents
/// schemas Flux validates against: a `context` object with the required
/// string fields, a `dev.cdevents.` type equal to the `Ce-Type` header, and
/// a `subject` object.
fn check_cdevent(payload: &Value, ce_type: &str) -> Result<(), String> {
    let context = payload["context"]
        .as_object()
        .ok_or("the CDEvent has no context object")?;
    for field in ["version", "id", "source", "type", "timestamp"] {
        if !context.get(field).is_some_and(Value::is_string) {
            return Err(format!("the CDEvent context lacks {field}"));
        }
    }
    let type_ = context["type"].as_str().unwrap_or_default();
    if !type_.starts_with("dev.cdevents.") {
        return Err(format!("{type_:?} is not a CDEvent type"));
    }
    if type_ != ce_type {
        return Err("the CDEvent's context.type does not match Ce-Type".into());
    }
    if !payload["subject"].is_object() {
        return Err("the CDEvent has no subject object".into());
    }
    Ok(())
}

/// Sets requestedAt on each referenced object, in order; how many were
/// annotated, or (as Flux, which answers 500) why a reference could not be
/// resolved: an unknown kind, a kind without a default apiVersion given
/// none, an apiVersion not served, `*` without matchLabels, or an object
/// that does not exist. A wildcard matching nothing is fine.
fn annotate(state: &State, key: &Key, receiver: &Value) -> Result<usize, String> {
    let requested_at = now();
    let mut annotated = 0;
    let mut store = state.store.lock().unwrap();
    for reference in receiver["spec"]["resources"].as_array().into_iter().flatten() {
        let kind = reference["kind"].as_str().unwrap_or_default();
        let name = reference["name"].as_str().unwrap_or_default();
        let described = format!("{kind}/{name}");
        let known = ResourceKind::ALL.into_iter().find(|k| k.as_str() == kind);
        let api_version = match (reference["apiVersion"].as_str(), known) {
            (Some(given), _) => given.to_string(),
            (None, Some(known)) => match known.controller_default_api_version() {
                Some(default) => default.to_string(),
                None => {
                    return Err(format!(
                        "unable to resolve apiVersion for {described}: no default for kind {kind}"
                    ));
                }
            },
            (None, None) => {
                return Err(format!(
                    "unable to resolve apiVersion for {described}: unknown kind {kind}"
                ));
            }
        };
        let Some(resource) =
            resources::served(true).find(|r| r.kind == kind && r.flux && r.api_version() == api_version)
        else {
            return Err(format!("no matches for kind {kind} in version {api_version}"));
        };
        let namespace = reference["namespace"].as_str().unwrap_or(&key.namespace).to_string();
        let collection = format!("{}/{}", resource.group, resource.plural);
        let targets: Vec<(Key, Value)> = if name == WILDCARD {
            // Flux lists by label only when matchLabels is set at all.
            let Some(selector) = reference["matchLabels"].as_object().cloned() else {
                return Err(format!("{described}.{namespace} not found: '*' needs matchLabels"));
            };
            store
                .list(&collection, Some(&namespace), None)
                .filter(|(_, object)| {
                    selector
                        .iter()
                        .all(|(label, value)| object["metadata"]["labels"][label] == *value)
                })
                .map(|(k, o)| (k.clone(), o.clone()))
                .collect()
        } else {
            let target = Key {
                collection: collection.clone(),
                namespace: namespace.clone(),
                name: name.to_string(),
            };
            match store.get(&target) {
                Some(object) => vec![(target, object.clone())],
                None => return Err(format!("{described}.{namespace} not found")),
            }
        };
        for (target, mut object) in targets {
            object["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"] = json!(requested_at);
            store.put(target, object);
            annotated += 1;
        }
    }
    Ok(annotated)
}

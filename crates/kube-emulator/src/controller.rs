//! The emulated notification-controller, plus the bits of a cloud that
//! fill in Service load balancer addresses.
//!
//! It follows the store's events: a Receiver that changes (a new spec, or
//! the `reconcile.fluxcd.io/requestedAt` annotation), or whose Secret does
//! when the Secret has the label `reconcile.fluxcd.io/watch: Enabled` (the
//! only Secrets Flux watches), is reconciled after the configured delay, exactly as Flux derives
//! its status: `Ready=True`, reason `Succeeded`, message `Receiver
//! initialized for path: /hook/…` and `status.webhookPath` when the Secret
//! has a `token`; `Ready=False`, reason `TokenNotFound` otherwise.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use receiver::api::WATCH_LABEL;

use crate::objects::now;
use crate::state::State;
use crate::store::{EventType, Key};

/// The receivers collection key.
pub const RECEIVERS: &str = "notification.toolkit.fluxcd.io/receivers";
const SECRETS: &str = "/secrets";
const SERVICES: &str = "/services";
const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

/// The address the emulated cloud gives LoadBalancer Services (TEST-NET-2:
/// nothing answers there, which is fine for address resolution).
pub const LOAD_BALANCER_IP: &str = "198.51.100.10";
/// How long the emulated cloud takes to provision a load balancer.
const LOAD_BALANCER_DELAY: Duration = Duration::from_millis(50);

/// Starts following the store.
pub fn spawn(state: Arc<State>) {
    let mut events = state.store.lock().unwrap().subscribe();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => on_event(&state, &event.key, event.kind, &event.object),
                Err(RecvError::Lagged(_)) => resync(&state),
                Err(RecvError::Closed) => return,
            }
        }
    });
}

fn on_event(state: &Arc<State>, key: &Key, kind: EventType, object: &Value) {
    match key.collection.as_str() {
        RECEIVERS if state.with_flux && kind != EventType::Deleted && wants_reconcile(object) => {
            schedule(state, key.clone())
        }
        // Like Flux, Secrets are watched only with the watch label; other
        // token changes wait for a requested reconcile (or the interval,
        // which the emulator does not run).
        SECRETS if state.with_flux && object["metadata"]["labels"][WATCH_LABEL.0] == WATCH_LABEL.1 => {
            let store = state.store.lock().unwrap();
            let affected: Vec<Key> = store
                .list(RECEIVERS, Some(&key.namespace), None)
                .filter(|(_, receiver)| receiver["spec"]["secretRef"]["name"].as_str() == Some(key.name.as_str()))
                .map(|(key, _)| key.clone())
                .collect();
            drop(store);
            affected.into_iter().for_each(|key| schedule(state, key));
        }
        SERVICES if kind != EventType::Deleted && needs_load_balancer(object) => {
            let (state, key) = (state.clone(), key.clone());
            tokio::spawn(async move {
                tokio::time::sleep(LOAD_BALANCER_DELAY).await;
                provision_load_balancer(&state, &key);
            });
        }
        _ => {}
    }
}

/// Whether a Receiver event is one Flux reconciles on: a generation not
/// yet observed, or a requestedAt not yet handled. Its own status writes
/// are neither.
fn wants_reconcile(receiver: &Value) -> bool {
    let status = &receiver["status"];
    receiver["metadata"]["generation"] != status["observedGeneration"]
        || receiver["metadata"]["annotations"][REQUESTED_AT] != status["lastHandledReconcileAt"]
}

fn resync(state: &Arc<State>) {
    let keys: Vec<Key> = state
        .store
        .lock()
        .unwrap()
        .list(RECEIVERS, None, None)
        .map(|(key, _)| key.clone())
        .collect();
    keys.into_iter().for_each(|key| schedule(state, key));
}

fn schedule(state: &Arc<State>, key: Key) {
    let state = state.clone();
    tokio::spawn(async move {
        if !state.controller_delay.is_zero() {
            tokio::time::sleep(state.controller_delay).await;
        }
        reconcile(&state, &key);
    });
}

/// Reconciles one Receiver now (also used when seeding).
pub fn reconcile(state: &State, key: &Key) {
    let mut store = state.store.lock().unwrap();
    let Some(receiver) = store.get(key).cloned() else {
        return;
    };
    if receiver["spec"]["suspend"].as_bool() == Some(true) {
        return;
    }
    let secret_name = receiver["spec"]["secretRef"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let token: Result<String, String> = if receiver["spec"]["type"] == "generic-oidc" {
        Ok(String::new())
    } else {
        let secret_key = Key {
            collection: SECRETS.into(),
            namespace: key.namespace.clone(),
            name: secret_name.clone(),
        };
        match store.get(&secret_key) {
            None => Err(format!(
                "unable to read token from secret '{}/{secret_name}' error: secrets \"{secret_name}\" not found",
                key.namespace
            )),
            Some(secret) => secret["data"]["token"]
                .as_str()
                .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .filter(|token| !token.is_empty())
                .ok_or_else(|| {
                    format!(
                        "invalid '{}/{secret_name}' secret data: required field 'token'",
                        key.namespace
                    )
                }),
        }
    };
    let generation = receiver["metadata"]["generation"].clone();
    let (status, reason, message, path) = match token {
        Ok(token) => {
            let path = receiver::webhook_path(&token, &key.name, &key.namespace);
            (
                "True",
                "Succeeded",
                format!("Receiver initialized for path: {path}"),
                Some(path),
            )
        }
        Err(message) => ("False", "TokenNotFound", message, None),
    };
    let old = &receiver["status"];
    let old_condition = old["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
        .cloned();
    let transition = match &old_condition {
        Some(c) if c["status"] == status => c["lastTransitionTime"].clone(),
        _ => json!(now()),
    };
    let mut next = json!({
        "conditions": [{"type": "Ready", "status": status, "reason": reason, "message": message,
                        "observedGeneration": generation, "lastTransitionTime": transition}],
        "observedGeneration": generation
    });
    if let Some(path) = path {
        next["webhookPath"] = json!(path);
    }
    if let Some(requested) = receiver["metadata"]["annotations"][REQUESTED_AT].as_str() {
        next["lastHandledReconcileAt"] = json!(requested);
    }
    if *old != next {
        let mut updated = receiver;
        updated["status"] = next;
        store.put(key.clone(), updated);
    }
}

fn needs_load_balancer(service: &Value) -> bool {
    service["spec"]["type"] == "LoadBalancer"
        && service["status"]["loadBalancer"]["ingress"]
            .as_array()
            .is_none_or(|ingress| ingress.is_empty())
}

fn provision_load_balancer(state: &State, key: &Key) {
    let mut store = state.store.lock().unwrap();
    let Some(mut service) = store.get(key).cloned() else {
        return;
    };
    if needs_load_balancer(&service) {
        service["status"]["loadBalancer"] = json!({"ingress": [{"ip": LOAD_BALANCER_IP}]});
        store.put(key.clone(), service);
    }
}

//! Waiting for an object to reach a state, with a watch rather than polling.
//!
//! The watch starts at the resourceVersion of the object we already hold
//! (usually the answer to our own apply), so no event is missed and no extra
//! GET is spent; the first event after the controller's status write ends the
//! wait.

use std::fmt::Debug;
use std::pin::pin;

use futures::TryStreamExt;
use kube::api::{Api, WatchEvent, WatchParams};
use kube::{Resource, ResourceExt};
use serde::de::DeserializeOwned;

use super::Cluster;
use super::error::{Action, Outcome, classify};
use crate::error::{CliError, CliResult};

/// Why a wait ended without the wanted state.
pub enum WaitEnd<K> {
    /// `--timeout` ran out; the last version seen.
    TimedOut(K),
    /// The object was deleted while we waited.
    Deleted,
}

/// Watches `start`'s object until `done` returns `Some`, or the deadline.
///
/// `done` is checked on `start` first, so an object already in the wanted
/// state costs no request at all.
pub async fn watch_until<K, R>(
    cluster: &Cluster,
    api: &Api<K>,
    resource: &str,
    start: K,
    mut done: impl FnMut(&K) -> Option<R>,
) -> CliResult<Result<R, WaitEnd<K>>>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    if let Some(result) = done(&start) {
        return Ok(Ok(result));
    }
    let name = start.name_any();
    let namespace = start.namespace().unwrap_or_default();
    let action = Action::object("watch", resource, &namespace, &name);
    let mut latest = start;
    loop {
        let remaining = cluster.remaining();
        if remaining.is_zero() {
            return Ok(Err(WaitEnd::TimedOut(latest)));
        }
        let version = latest.resource_version().unwrap_or_else(|| "0".into());
        // The server ends a watch after timeoutSeconds; we then watch again.
        let params = WatchParams::default()
            .fields(&format!("metadata.name={name}"))
            .timeout(remaining.as_secs().clamp(1, 290) as u32);
        let stream = match cluster.call(&action, || api.watch(&params, &version)).await {
            Ok(stream) => stream,
            // The wait failed on the API server's side, not the
            // controller's: say so, rather than "not ready in time".
            Err(err) => {
                return Err(CliError::failure(format!(
                    "the API server stopped answering while waiting for {namespace}/{name}, so whether the controller \
                     reconciled it is not known: {err}"
                )));
            }
        };
        let mut stream = pin!(stream);
        loop {
            let next = tokio::time::timeout(cluster.remaining(), stream.try_next()).await;
            match next {
                Err(_) => return Ok(Err(WaitEnd::TimedOut(latest))),
                Ok(Ok(Some(WatchEvent::Added(object) | WatchEvent::Modified(object)))) => {
                    if let Some(result) = done(&object) {
                        return Ok(Ok(result));
                    }
                    latest = object;
                }
                Ok(Ok(Some(WatchEvent::Deleted(_)))) => return Ok(Err(WaitEnd::Deleted)),
                Ok(Ok(Some(WatchEvent::Bookmark(bookmark)))) => {
                    latest.meta_mut().resource_version = Some(bookmark.metadata.resource_version);
                }
                Ok(Ok(Some(WatchEvent::Error(status)))) if status.code == 410 => {
                    // Our version is too old to watch from: read the object afresh.
                    let get = Action::object("get", resource, &namespace, &name);
                    latest = cluster.call(&get, || api.get(&name)).await?;
                    if let Some(result) = done(&latest) {
                        return Ok(Ok(result));
                    }
                    break;
                }
                Ok(Ok(Some(WatchEvent::Error(status)))) => {
                    return Err(CliError::failure(format!("{action}: {}", status.message)));
                }
                Ok(Ok(None)) => break,
                Ok(Err(err)) => match classify(&err, &action, &cluster.server) {
                    Outcome::Retry { message, .. } => {
                        cluster.trace(format!("watch interrupted, watching again: {message}"));
                        break;
                    }
                    Outcome::Fail(err) => return Err(err),
                },
            }
        }
    }
}

//! Names from the cluster, under a hard deadline.
//!
//! A shell waits for `__complete` before it shows anything, so a look-up
//! that hangs hangs the user's TAB. A tokio timeout is not enough: kube's
//! `exec` credential plugins (cloud CLIs that may prompt, refresh or wait on
//! the network) are run synchronously, which blocks the runtime's only
//! thread and with it the timer. So the look-up runs on a thread of its own
//! and the caller waits on a channel with a deadline it keeps itself. A
//! look-up still running then is abandoned: the thread is detached, and the
//! process exits when `main` returns without joining it.

use std::sync::mpsc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::PartialObjectMeta;
use receiver::{Receiver, ResourceKind};

use crate::cli::GlobalArgs;
use crate::cluster::{Cluster, flux_objects};
use crate::commands::block_on_reading;

/// How long a completion may spend asking the cluster before it gives up
/// quietly: a shell must never hang on TAB.
pub const BUDGET: Duration = Duration::from_secs(1);

/// What to look up in the cluster.
#[derive(Debug, Clone, Copy)]
pub enum Lookup {
    /// Namespace names.
    Namespaces,
    /// Receiver names in the namespace.
    Receivers,
    /// Secret names in the namespace.
    Secrets,
    /// Names of Flux objects of one kind in the namespace.
    Objects(ResourceKind),
}

/// Names from the cluster, or none if it fails or does not answer within
/// [`BUDGET`].
pub fn names(global: GlobalArgs, lookup: Lookup) -> Vec<String> {
    within(BUDGET, move || block_on_reading(list(global, lookup)))
        .flatten()
        .unwrap_or_default()
}

/// Runs `work` on its own thread and waits at most `budget` for its
/// result. `None` when it took longer (it is left to finish, or not, on
/// its own) or panicked.
pub fn within<T: Send + 'static>(budget: Duration, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (sender, receiver) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("completion-lookup".into())
        .spawn(move || {
            // The receiver is gone if we were too late: nothing to do then.
            let _ = sender.send(work());
        });
    spawned.ok()?;
    receiver.recv_timeout(budget).ok()
}

async fn list(global: GlobalArgs, lookup: Lookup) -> Option<Vec<String>> {
    let cluster = Cluster::connect(&global).await.ok()?;
    let namespace = global.namespace.as_str();
    let client = cluster.client.clone();
    let params = ListParams::default().limit(500);
    let names = match lookup {
        Lookup::Namespaces => names_of(Api::<Namespace>::all(client).list_metadata(&params).await.ok()?.items),
        Lookup::Receivers => names_of(
            Api::<Receiver>::namespaced(client, namespace)
                .list_metadata(&params)
                .await
                .ok()?
                .items,
        ),
        Lookup::Secrets => names_of(
            Api::<Secret>::namespaced(client, namespace)
                .list_metadata(&params)
                .await
                .ok()?
                .items,
        ),
        Lookup::Objects(kind) => {
            let resource = flux_objects::api_resource(kind, None);
            names_of(
                Api::<DynamicObject>::namespaced_with(client, namespace, &resource)
                    .list_metadata(&params)
                    .await
                    .ok()?
                    .items,
            )
        }
    };
    Some(names)
}

fn names_of<K>(items: Vec<PartialObjectMeta<K>>) -> Vec<String> {
    items.into_iter().filter_map(|item| item.metadata.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stuck_look_up_is_abandoned() {
        let (release, stuck) = mpsc::channel::<()>();
        // Blocks until released, like a credential plugin that never answers.
        let result = within(Duration::from_millis(50), move || stuck.recv().is_ok());
        assert_eq!(result, None);
        drop(release);
    }

    #[test]
    fn a_prompt_answer_is_returned() {
        // A generous budget: this checks the hand-over, not the speed.
        assert_eq!(within(Duration::from_secs(60), || 42), Some(42));
    }
}

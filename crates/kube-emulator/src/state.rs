//! Shared state: the store plus what tests configure (RBAC denials, faults)
//! and what they read back (the request log).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::store::Store;

/// A failure to inject into matching requests: API calls
/// ([`Emulator::inject_fault`](crate::Emulator::inject_fault)) or webhooks
/// ([`Emulator::inject_webhook_fault`](crate::Emulator::inject_webhook_fault)).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer 500 InternalError.
    InternalError,
    /// Answer 429 TooManyRequests with a Retry-After.
    TooManyRequests {
        /// Seconds the client is asked to wait.
        retry_after_secs: u32,
    },
    /// Answer 502 Bad Gateway with an HTML page, as a proxy or load
    /// balancer in front does when its backend is gone.
    BadGateway,
    /// Answer 503 ServiceUnavailable (on webhooks: what the controller
    /// answers while a Receiver is not ready, or a proxy with no backend).
    ServiceUnavailable,
    /// Answer 504: the API server's `Timeout` Status, or on webhooks a
    /// proxy's gateway timeout.
    GatewayTimeout,
    /// Answer normally, but only after this long.
    Slow(Duration),
    /// Close the connection without answering.
    DropConnection,
    /// Answer 409 Conflict as for a stale resourceVersion, so clients'
    /// retry-on-conflict paths (read again, reapply) can be exercised.
    /// API calls only.
    Conflict,
    /// Answer normally, then let another writer (field manager
    /// `another-writer`) create this object, as if it did so between the
    /// client's read and its write: a client that read "not found" and then
    /// creates gets 409 AlreadyExists. API calls only.
    CreatedMeanwhile(Box<serde_json::Value>),
}

impl Fault {
    /// Whether the fault means anything on the webhook endpoint (it has no
    /// resourceVersions to conflict on, nor objects to create).
    pub(crate) fn applies_to_webhooks(&self) -> bool {
        !matches!(self, Fault::Conflict | Fault::CreatedMeanwhile(_))
    }
}

/// The verb and resource webhook faults are filed under.
pub(crate) const WEBHOOK_FAULT: (&str, &str) = ("post", "webhook");

/// One request the emulator served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The Kubernetes verb: get, list, watch, create, update, patch, delete
    /// (or "discovery"; "webhook" for the webhook endpoint).
    pub verb: String,
    /// The HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The plural resource ("receivers"), empty for discovery.
    pub resource: String,
    /// The namespace, if any.
    pub namespace: Option<String>,
    /// The status code answered (0 for a dropped connection).
    pub status: u16,
}

/// A fault waiting for matching requests.
#[derive(Debug, Clone)]
pub(crate) struct FaultRule {
    /// The Kubernetes verb it matches (get, list, patch, …).
    pub verb: String,
    /// The plural resource it matches (receivers, secrets, …).
    pub resource: String,
    /// What matching requests get.
    pub fault: Fault,
    /// How many more matching requests it fails; used up at zero.
    pub remaining: usize,
}

/// Everything the server and the controller share.
pub struct State {
    /// The objects.
    pub store: Mutex<Store>,
    /// Whether Flux is installed.
    pub with_flux: bool,
    /// How long the controller waits before reconciling.
    pub controller_delay: Duration,
    pub(crate) requests: Mutex<Vec<RequestRecord>>,
    /// Webhook requests, apart from the API's (benchmarks count those).
    pub(crate) webhook_requests: Mutex<Vec<RequestRecord>>,
    pub(crate) denied: Mutex<Vec<(String, String)>>,
    pub(crate) faults: Mutex<Vec<FaultRule>>,
    next_node_port: AtomicU32,
    next_cluster_ip: AtomicU32,
}

impl State {
    /// Empty state.
    pub fn new(with_flux: bool, controller_delay: Duration) -> State {
        State {
            store: Mutex::new(Store::default()),
            with_flux,
            controller_delay,
            requests: Mutex::new(Vec::new()),
            webhook_requests: Mutex::new(Vec::new()),
            denied: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            next_node_port: AtomicU32::new(30080),
            next_cluster_ip: AtomicU32::new(100),
        }
    }

    /// Whether RBAC denies `verb` on `resource`.
    pub(crate) fn is_denied(&self, verb: &str, resource: &str) -> bool {
        self.denied
            .lock()
            .unwrap()
            .iter()
            .any(|(v, r)| (v == verb || v == "*") && (r == resource || r == "*"))
    }

    /// Takes one fault for a request, if any is armed.
    pub(crate) fn take_fault(&self, verb: &str, resource: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let rule = faults
            .iter_mut()
            .find(|f| f.remaining > 0 && f.verb == verb && f.resource == resource)?;
        rule.remaining -= 1;
        Some(rule.fault.clone())
    }

    /// Records a served request.
    pub(crate) fn record(&self, record: RequestRecord) {
        self.requests.lock().unwrap().push(record);
    }

    /// A node port from the NodePort range.
    pub(crate) fn node_port(&self) -> u32 {
        self.next_node_port.fetch_add(1, Ordering::Relaxed)
    }

    /// A cluster IP from 10.96.0.0/16.
    pub(crate) fn cluster_ip(&self) -> String {
        let n = self.next_cluster_ip.fetch_add(1, Ordering::Relaxed);
        format!("10.96.{}.{}", n / 256, n % 256)
    }
}

//! A Kubernetes API server emulator with an emulated Flux
//! notification-controller, for tests and for trying flux-receiver without
//! a cluster.
//!
//! It speaks the Kubernetes API over plain HTTP closely enough that kube-rs
//! and kubectl work against it for what flux-receiver uses: discovery,
//! get/list/watch/create/update/patch (merge, JSON, server-side apply
//! with field ownership in `managedFields`)/delete, the status subresource, label and field selectors,
//! pagination, `Status` errors, OpenAPI v3 with server-side field
//! validation, and Table answers with the server's columns. Tests can deny
//! verbs (RBAC), inject faults into API calls and webhooks (500, 502, 503,
//! 504, 429, slow answers, dropped connections, conflicts, and another
//! writer creating an object between a client's read and its write), count
//! requests and read or write objects directly.
//!
//! Never linked into the flux-receiver binary.

mod apply;
mod controller;
mod crds;
mod fixtures;
mod kubeconfig;
mod managed;
mod objects;
mod openapi;
mod patch;
mod resources;
mod schemas;
mod selectors;
mod server;
pub mod signatures;
mod state;
mod status;
mod store;
mod table;
mod webhook;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use controller::LOAD_BALANCER_IP;
pub use kubeconfig::CONTEXT;
pub use state::{Fault, RequestRecord};
pub use webhook::authenticate as authenticate_webhook;

use state::{FaultRule, State};

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Install Flux: CRDs, the notification-controller Deployment and Service, the controller.
    pub with_flux: bool,
    /// How long the controller waits before writing a Receiver's status.
    pub controller_delay: Duration,
    /// Receivers (with Secrets) to seed over 100 namespaces.
    pub seed_receivers: usize,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            with_flux: true,
            controller_delay: Duration::ZERO,
            seed_receivers: 0,
            port: 0,
        }
    }
}

/// A running emulator (on the caller's tokio runtime).
pub struct Emulator {
    addr: SocketAddr,
    webhook_addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Emulator {
    /// Starts serving on 127.0.0.1.
    pub async fn start(options: Options) -> std::io::Result<Emulator> {
        let state = Arc::new(State::new(options.with_flux, options.controller_delay));
        fixtures::install(&state);
        fixtures::seed_receivers(&state, options.seed_receivers);
        controller::spawn(state.clone());
        let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, mut stop) = oneshot::channel();
        let serving = state.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    _ = &mut stop => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let state = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| server::handle(state.clone(), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let webhook_addr = serve_webhooks(state.clone()).await?;
        Ok(Emulator {
            addr,
            webhook_addr,
            state,
            shutdown: Some(shutdown),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Where the emulated notification-controller serves webhooks
    /// (`http://127.0.0.1:<port>`; hook paths go after it).
    pub fn webhook_url(&self) -> String {
        format!("http://{}", self.webhook_addr)
    }

    /// A kubeconfig pointing here.
    pub fn kubeconfig_yaml(&self) -> String {
        kubeconfig::kubeconfig(self.addr)
    }

    /// Writes the webhook receiver's base URL ([`Emulator::webhook_url`]
    /// and a newline) to [`webhook_file`]`(path)`, then
    /// [`Emulator::kubeconfig_yaml`] to `path`, each atomically, as the
    /// real control plane harness (`testenv/start`) does: whoever waits for
    /// the kubeconfig finds the webhook address already there.
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(&webhook_file(path), format!("{}\n", self.webhook_url()).as_bytes())?;
        write_atomically(path, self.kubeconfig_yaml().as_bytes())
    }

    /// Requests served so far.
    pub fn request_count(&self) -> u64 {
        self.state.requests.lock().unwrap().len() as u64
    }

    /// The requests served so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The webhook requests received so far, in order (verb `webhook`;
    /// status 0 where the connection was dropped).
    pub fn webhook_requests(&self) -> Vec<RequestRecord> {
        self.state.webhook_requests.lock().unwrap().clone()
    }

    /// Forgets the requests served so far.
    pub fn reset_requests(&self) {
        self.state.requests.lock().unwrap().clear();
    }

    /// Denies `verb` on `resource` (plural; `*` for any) with 403 Forbidden.
    pub fn deny(&self, verb: &str, resource: &str) {
        self.state
            .denied
            .lock()
            .unwrap()
            .push((verb.to_string(), resource.to_string()));
    }

    /// Lifts a [`deny`](Self::deny) of `verb` on `resource`, as an admin
    /// granting the missing permission would.
    pub fn allow(&self, verb: &str, resource: &str) {
        self.state
            .denied
            .lock()
            .unwrap()
            .retain(|(v, r)| !(v == verb && r == resource));
    }

    /// Makes the next `times` requests for `verb` on `resource` (plural)
    /// fail with `fault`; later ones are served as usual.
    pub fn inject_fault(&self, verb: &str, resource: &str, fault: Fault, times: usize) {
        self.state.faults.lock().unwrap().push(FaultRule {
            verb: verb.to_string(),
            resource: resource.to_string(),
            fault,
            remaining: times,
        });
    }

    /// Makes the next `times` webhook requests fail with `fault` (then
    /// they are served as usual): the controller or a proxy in front of it
    /// answering 502, 503, 504, 500 or 429, a slow answer, or none.
    ///
    /// # Panics
    /// For [`Fault::Conflict`] and [`Fault::CreatedMeanwhile`], which only API calls can get.
    pub fn inject_webhook_fault(&self, fault: Fault, times: usize) {
        assert!(fault.applies_to_webhooks(), "{fault:?} is for API calls only");
        let (verb, resource) = state::WEBHOOK_FAULT;
        self.inject_fault(verb, resource, fault, times);
    }

    /// An object, by apiVersion, plural, namespace and name.
    pub fn get_object(&self, api_version: &str, plural: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let resource = resources::find(self.state.with_flux, group, version, plural)?;
        objects::get(&self.state, resource, namespace, name).ok()
    }

    /// Creates or replaces an object, bypassing RBAC and faults; the
    /// controller sees it as it sees any write.
    ///
    /// # Panics
    /// When the object's apiVersion and kind are not served, or it is invalid.
    pub fn put_object(&self, object: Value) {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind = object["kind"].as_str().unwrap_or_default();
        let resource = resources::by_kind(self.state.with_flux, api_version, kind)
            .unwrap_or_else(|| panic!("{api_version} {kind} is not served"));
        let namespace = object["metadata"]["namespace"].as_str().map(str::to_string);
        let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
        let result = match objects::get(&self.state, resource, namespace.as_deref(), &name) {
            Ok(_) => objects::update(
                &self.state,
                resource,
                namespace.as_deref(),
                &name,
                object,
                false,
                objects::Writer::Untracked,
            ),
            Err(_) => objects::create(
                &self.state,
                resource,
                namespace.as_deref(),
                object,
                objects::Writer::Untracked,
            ),
        };
        result.unwrap_or_else(|e| panic!("put_object: {}", e.message));
    }

    /// Deletes an object; whether it existed.
    pub fn delete_object(&self, api_version: &str, plural: &str, namespace: Option<&str>, name: &str) -> bool {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        resources::find(self.state.with_flux, group, version, plural)
            .is_some_and(|resource| objects::delete(&self.state, resource, namespace, name).is_ok())
    }

    /// Stops serving.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Where [`Emulator::write_kubeconfig`] writes the webhook receiver's base
/// URL: `FILE.webhook` next to the kubeconfig `FILE`.
pub fn webhook_file(kubeconfig: &Path) -> PathBuf {
    let mut name = kubeconfig.as_os_str().to_owned();
    name.push(".webhook");
    PathBuf::from(name)
}

/// Writes `contents` to a temporary file beside `path`, then renames it
/// over `path`, so a reader never sees half a file.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, contents)?;
    std::fs::rename(&temporary, path)
}

/// Serves the webhook endpoint on a port of its own, as the controller's
/// container port 9292 is apart from the API server.
async fn serve_webhooks(state: Arc<State>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| webhook::handle(state.clone(), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// An [`Emulator`] on a thread of its own with its own runtime, for plain
/// `#[test]` functions that run the flux-receiver binary as a subprocess.
pub struct BackgroundEmulator {
    emulator: Emulator,
    runtime: Option<tokio::runtime::Runtime>,
}

impl BackgroundEmulator {
    /// Starts an emulator on a new two-thread runtime.
    pub fn start(options: Options) -> std::io::Result<BackgroundEmulator> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let emulator = runtime.block_on(Emulator::start(options))?;
        Ok(BackgroundEmulator {
            emulator,
            runtime: Some(runtime),
        })
    }
}

impl std::ops::Deref for BackgroundEmulator {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        &self.emulator
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.emulator.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The `kubectl` on `PATH`, for tests that use it as an independent client.
pub fn kubectl_on_path() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("kubectl"))
        .find(|path| path.is_file())
}

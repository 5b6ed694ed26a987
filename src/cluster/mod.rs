//! Talking to the Kubernetes API server.
//!
//! One [`Cluster`] per command run: a kube client, the deadline `--timeout`
//! sets for the whole command, and [`Cluster::call`], which runs a request
//! with retries (5xx, 429, time-outs, dropped connections) inside that
//! deadline and turns failures into one-line messages that name the verb,
//! the resource and the namespace.

pub mod access;
pub mod address;
pub mod error;
pub mod flux_objects;
pub mod inventory;
pub mod list;
pub mod served;
pub mod wait;

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::cli::GlobalArgs;
use crate::error::{CliError, CliResult};
use error::{Action, Outcome};

/// The field manager flux-receiver applies objects with (server-side apply).
pub const FIELD_MANAGER: &str = "flux-receiver";

/// Shortest and longest pause between retries.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// A connection to one cluster plus the time budget of the current command.
pub struct Cluster {
    /// The kube client.
    pub client: Client,
    /// The API server URL, for messages.
    pub server: String,
    deadline: Instant,
    timeout: Duration,
    verbose: bool,
}

impl Cluster {
    /// Connects using `--kubeconfig`/`$KUBECONFIG`/`~/.kube/config` and
    /// `--context`, or the in-cluster service account when there is no
    /// kubeconfig at all. Nothing is sent to the server yet.
    pub async fn connect(global: &GlobalArgs) -> CliResult<Cluster> {
        if global.context.len() > 1 {
            return Err(CliError::usage(
                "--context may be given once for this command (only list and get query several clusters)",
            ));
        }
        Cluster::connect_to(global, global.context.first().map(String::as_str)).await
    }

    /// Connects to one named context (or the current one).
    pub async fn connect_to(global: &GlobalArgs, context: Option<&str>) -> CliResult<Cluster> {
        let options = KubeConfigOptions {
            context: context.map(str::to_string),
            ..Default::default()
        };
        let mut config = match &global.kubeconfig {
            Some(path) => from_file(path, &options).await?,
            None => match Config::from_kubeconfig(&options).await {
                Ok(config) => config,
                Err(kubeconfig_error) => match Config::incluster() {
                    Ok(config) if context.is_none() => config,
                    _ => return Err(no_kubeconfig(kubeconfig_error, context)),
                },
            },
        };
        // Retries happen in `call`, bounded by --timeout; kube's own policy
        // would back off for up to 1000 s and ignore the deadline.
        config.default_retry = false;
        let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
        let client = Client::try_from(config)
            .map_err(|e| CliError::failure(format!("cannot set up a client for {server}: {e}")))?;
        let timeout = global.timeout.as_std();
        Ok(Cluster {
            client,
            server,
            deadline: Instant::now() + timeout,
            timeout,
            verbose: global.verbose,
        })
    }

    /// Time left before `--timeout` runs out.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The `--timeout` value, for messages.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Prints a request-level trace line with `--verbose`.
    pub fn trace(&self, message: impl AsRef<str>) {
        if self.verbose {
            eprintln!("  … {}", message.as_ref());
        }
    }

    /// How long one attempt may take before it counts as timed out and is
    /// retried: a quarter of `--timeout`, between 1 s and 30 s.
    fn attempt_timeout(&self) -> Duration {
        (self.timeout / 4).clamp(Duration::from_secs(1), Duration::from_secs(30))
    }

    /// Whether the server answers `GET /version` as a Kubernetes API server
    /// does: asked only when an answer was not the JSON Kubernetes sends,
    /// to tell a CRD that is not installed from a server that is no
    /// Kubernetes at all (a web server, a proxy's error page).
    async fn speaks_kubernetes(&self) -> bool {
        let budget = self.remaining().min(self.attempt_timeout());
        matches!(
            tokio::time::timeout(budget, self.client.apiserver_version()).await,
            Ok(Ok(version)) if !version.git_version.is_empty() || !version.major.is_empty()
        )
    }

    /// Runs `request` until it succeeds, fails permanently, or the deadline
    /// passes. Transient failures (5xx, 429, time-outs, dropped connections)
    /// are retried with exponential backoff, honouring a server's Retry-After.
    pub async fn call<T, F, Fut>(&self, action: &Action<'_>, mut request: F) -> CliResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        let mut backoff = BACKOFF_MIN;
        let mut attempt = 1;
        loop {
            self.trace(format!("{action} (attempt {attempt})"));
            let budget = self.remaining().min(self.attempt_timeout());
            let outcome = match tokio::time::timeout(budget, request()).await {
                Ok(Ok(value)) => {
                    if action.writes() {
                        crate::interrupt::wrote(action.to_string());
                    }
                    return Ok(value);
                }
                Ok(Err(err)) if error::not_a_status(&err) && !self.speaks_kubernetes().await => {
                    return Err(CliError::failure(format!(
                        "the server at {} is not a Kubernetes API server (GET /version gave no Kubernetes version; \
                         {action} answered: {}): check the kubeconfig's server or --context",
                        self.server,
                        error::answer_excerpt(&err)
                    )));
                }
                Ok(Err(err)) => error::classify(&err, action, &self.server),
                Err(_) => Outcome::Retry {
                    message: format!("{action}: no answer within {budget:?}"),
                    after: None,
                },
            };
            match outcome {
                Outcome::Fail(err) => return Err(err),
                Outcome::Retry { message, after } => {
                    let pause = after.unwrap_or(backoff);
                    if pause >= self.remaining() {
                        return Err(CliError::failure(format!(
                            "gave up after {attempt} attempts within --timeout {}: {message}",
                            receiver::GoDuration(self.timeout)
                        )));
                    }
                    self.trace(format!("retrying in {pause:?}: {message}"));
                    tokio::time::sleep(pause).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    attempt += 1;
                }
            }
        }
    }
}

/// The names of every context in the kubeconfig (for `--all-contexts`).
pub fn context_names(global: &GlobalArgs) -> CliResult<Vec<String>> {
    let kubeconfig = match &global.kubeconfig {
        Some(path) => Kubeconfig::read_from(path),
        None => Kubeconfig::read(),
    }
    .map_err(|e| CliError::failure(format!("cannot read the kubeconfig: {}", error::sentence(&e))))?;
    Ok(kubeconfig.contexts.into_iter().map(|c| c.name).collect())
}

async fn from_file(path: &Path, options: &KubeConfigOptions) -> CliResult<Config> {
    let kubeconfig = Kubeconfig::read_from(path).map_err(|e| {
        CliError::usage(format!(
            "invalid value '{}' for '--kubeconfig <FILE>': {}",
            path.display(),
            error::sentence(&e)
        ))
    })?;
    // The file named by the flag is the flag's value: what is wrong with
    // it is a usage error, like a bad --token-file.
    Config::from_custom_kubeconfig(kubeconfig, options).await.map_err(|e| {
        CliError::usage(format!(
            "invalid value '{}' for '--kubeconfig <FILE>': {}",
            path.display(),
            error::sentence(&e)
        ))
    })
}

/// The failure when there is no cluster to talk to; commands that can also
/// work offline add how, with [`CliError::or_offline`].
pub const NO_KUBECONFIG: &str = "no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or run inside a cluster";

fn no_kubeconfig(err: kube::config::KubeconfigError, context: Option<&str>) -> CliError {
    use kube::config::KubeconfigError as K;
    match (err, context) {
        (K::LoadContext(_), Some(context)) => CliError::usage(format!(
            "invalid value '{context}' for '--context <CONTEXT>': no such context in the kubeconfig"
        )),
        (K::ReadConfig(..) | K::FindPath, _) => CliError::failure(NO_KUBECONFIG),
        (err, _) => CliError::failure(format!("cannot load the kubeconfig: {}", error::sentence(&err))),
    }
}

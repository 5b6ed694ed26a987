//! The command-line interface, defined once.
//!
//! Parsing, `--help`, the man pages and the shell completions all come from
//! these types. Flags mirror `flux create receiver` and `flux create secret
//! receiver` so that Flux users need not relearn anything. Values are
//! validated while parsing (with the `receiver` crate's rules), so a bad
//! value is a usage error before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use receiver::manifest::ServiceType;
use receiver::names;
use receiver::{GoDuration, ProviderType, ResourceRef};

const ABOUT: &str = "Create, expose and list Flux webhook Receivers and their hook URLs";

const LONG_ABOUT: &str = "\
Create, expose and list Flux webhook Receivers and their hook URLs.

A Flux Receiver makes the notification-controller reconcile your sources the
moment GitHub, GitLab, Bitbucket or a container registry sends a webhook,
instead of waiting for the next poll. flux-receiver generates the token
Secret, the Receiver and the Service that exposes the webhook port, and prints
the URL to paste into the provider.

Flags mirror `flux create receiver`; with --export every command prints the
manifests (byte-identical to flux's) instead of applying them.";

/// `flux-receiver`: the top-level command.
#[derive(Debug, Parser)]
#[command(name = "flux-receiver", version, about = ABOUT, long_about = LONG_ABOUT, args_override_self = true)]
pub struct Cli {
    /// Flags every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags shared by every subcommand, as the flux CLI has them.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The namespace scope for this operation
    #[arg(
        short = 'n',
        long,
        global = true,
        default_value = "flux-system",
        env = "FLUX_SYSTEM_NAMESPACE",
        value_parser = parse_namespace,
        value_name = "NAMESPACE"
    )]
    pub namespace: String,

    /// Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
    #[arg(long, global = true, value_hint = ValueHint::FilePath, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (list and get accept several)
    #[arg(long, global = true, value_name = "CONTEXT", action = clap::ArgAction::Append)]
    pub context: Vec<String>,

    /// How long to wait for the cluster (Go duration, e.g. 30s, 5m)
    #[arg(long, global = true, default_value = "5m", value_parser = parse_duration, value_name = "DURATION", allow_hyphen_values = true)]
    pub timeout: GoDuration,

    /// Namespace of the Flux controllers, where webhook Services are looked up
    #[arg(long, global = true, default_value = "flux-system", value_parser = parse_namespace, value_name = "NAMESPACE")]
    pub flux_namespace: String,

    /// Print what is being done, request by request
    #[arg(long, global = true)]
    pub verbose: bool,
}

/// The default of `-n` and `--flux-namespace`: where `flux install` puts Flux.
pub const FLUX_SYSTEM: &str = "flux-system";

impl GlobalArgs {
    /// The namespace of Flux's notification-controller for commands that
    /// act on nothing else (`expose`): `--flux-namespace` when it was moved
    /// from its default, or else `-n`, as with `kubectl -n flux-system expose`.
    pub fn controller_namespace(&self) -> &str {
        if self.flux_namespace != FLUX_SYSTEM {
            &self.flux_namespace
        } else {
            &self.namespace
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update a Receiver (or print it with --export)
    Create(CreateArgs),
    /// Create or update a webhook token Secret (or print it with --export)
    Secret(SecretArgs),
    /// Print a Receiver's hook URL (or path) from the cluster, or offline from a token
    Url(UrlArgs),
    /// Expose the notification-controller's webhook port as a Service
    Expose(ExposeArgs),
    /// List Receivers with their full, pasteable hook URLs
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one Receiver in detail (without a name: the same as list)
    Get(GetArgs),
    /// Delete a Receiver (asks first on a terminal)
    Delete(DeleteArgs),
    /// Suspend a Receiver: its webhook answers 503 until resumed
    Suspend(NameArgs),
    /// Resume a suspended Receiver and wait for it to reconcile
    Resume(NameArgs),
    /// Ask the controller to reconcile a Receiver now, and wait for it
    Reconcile(NameArgs),
    /// Print Receivers in flux's export format
    Export(ExportArgs),
    /// Send a sample webhook to a Receiver, signed as its provider signs it
    Trigger(TriggerArgs),
    /// The whole setup in one command: token Secret, Receiver, Service, and what to paste into the provider
    Setup(SetupArgs),
    /// Replace a Receiver's token and wait until the new hook URL is served
    Rotate(RotateArgs),
    /// Check every link from the provider to the Receiver and say how to fix what is broken
    Doctor(DoctorArgs),
    /// Print the Kubernetes RBAC rules each command needs (or a Role/ClusterRole with --export)
    Rbac(RbacArgs),
    /// Print a shell completion script
    Completion(CompletionArgs),
}

/// Output formats of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// NAME, TYPE, READY and the full hook URL
    Table,
    /// flux get receivers: NAME, SUSPENDED, READY, MESSAGE
    Status,
    /// Everything: events, resources, Secret, URL, message
    Wide,
    /// One JSON object per Receiver, in an array
    Json,
    /// The same as YAML
    Yaml,
}

/// `list`: which Receivers and how to show them.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// List Receivers in all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table, value_name = "FORMAT")]
    pub output: OutputFormat,

    /// Only Receivers with these labels (key=value, key!=value, key, !key; comma-separated)
    #[arg(short = 'l', long, value_name = "SELECTOR", value_parser = parse_selector)]
    pub selector: Option<String>,

    /// Host (or base URL) the webhooks are reachable at, overriding what the cluster says
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// Query every context in the kubeconfig (each cluster gets at most 20s, or --timeout if shorter)
    #[arg(long)]
    pub all_contexts: bool,

    /// With --github-repo/--github-org: a HOOK column saying whether a GitHub webhook delivers to each
    /// Receiver's current URL.
    #[command(flatten)]
    pub github: GithubArgs,

    /// With --gitlab-project/--gitlab-group: the same for GitLab.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
}

/// `get [NAME]`.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// Name of the Receiver (omit to list them all)
    #[arg(value_parser = parse_object_name)]
    pub name: Option<String>,

    /// How to list when no name is given.
    #[command(flatten)]
    pub list: ListArgs,
}

/// A command that acts on one named Receiver.
#[derive(Debug, Clone, Args)]
pub struct NameArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name)]
    pub name: String,
}

/// `delete NAME`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name)]
    pub name: String,

    /// Delete without asking for confirmation
    #[arg(short = 's', long)]
    pub silent: bool,

    /// The GitHub hook to remove with it.
    #[command(flatten)]
    pub github: GithubArgs,

    /// The GitLab hook to remove with it.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
}

/// Where the Receiver's webhook is registered at GitHub: `setup` creates or
/// updates it, `rotate` repoints it, `delete` removes it, `doctor`, `list`
/// and `get` read it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "GitHub webhook")]
pub struct GithubArgs {
    /// GitHub repository holding the Receiver's webhook: setup registers it, rotate repoints it, delete removes it, doctor, list and get read it (token: --github-token-file, GITHUB_TOKEN or GH_TOKEN)
    #[arg(long, value_name = "OWNER/REPO", value_parser = parse_github_repo, conflicts_with = "github_org")]
    pub github_repo: Option<receiver::github::HookScope>,

    /// GitHub organization holding the Receiver's webhook (for all its repositories), instead of --github-repo
    #[arg(long, value_name = "ORG", value_parser = parse_github_org)]
    pub github_org: Option<receiver::github::HookScope>,

    /// GitHub's REST API (for GitHub Enterprise Server: https://HOST/api/v3)
    #[arg(long, value_name = "URL", default_value = receiver::github::DEFAULT_API_URL, value_parser = parse_api_url)]
    pub github_api_url: String,

    /// Read the GitHub token from a file (default: GITHUB_TOKEN, then GH_TOKEN)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub github_token_file: Option<PathBuf>,
}

impl GithubArgs {
    /// The repository or organization asked for, if any.
    pub fn scope(&self) -> Option<&receiver::github::HookScope> {
        self.github_repo.as_ref().or(self.github_org.as_ref())
    }
}

/// Where the Receiver's webhook is registered at GitLab: `setup` creates or
/// updates it, `rotate` repoints it, `delete` removes it, `doctor`, `list`
/// and `get` read it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "GitLab webhook")]
pub struct GitlabArgs {
    /// GitLab project (full path) holding the Receiver's webhook: setup registers it, rotate repoints it, delete removes it, doctor, list and get read it (token: --gitlab-token-file or GITLAB_TOKEN)
    #[arg(long, value_name = "GROUP/PROJECT", value_parser = parse_gitlab_project,
          conflicts_with_all = ["gitlab_group", "github_repo", "github_org"])]
    pub gitlab_project: Option<receiver::gitlab::HookScope>,

    /// GitLab group (full path) holding the Receiver's webhook (for all its projects), instead of --gitlab-project
    #[arg(long, value_name = "GROUP", value_parser = parse_gitlab_group, conflicts_with_all = ["github_repo", "github_org"])]
    pub gitlab_group: Option<receiver::gitlab::HookScope>,

    /// The GitLab (for self-managed GitLab: https://HOST; the API is URL/api/v4)
    #[arg(long, value_name = "URL", default_value = receiver::gitlab::DEFAULT_URL, value_parser = parse_api_url)]
    pub gitlab_url: String,

    /// Read the GitLab token from a file (default: GITLAB_TOKEN)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub gitlab_token_file: Option<PathBuf>,
}

impl GitlabArgs {
    /// The project or group asked for, if any.
    pub fn scope(&self) -> Option<&receiver::gitlab::HookScope> {
        self.gitlab_project.as_ref().or(self.gitlab_group.as_ref())
    }
}

/// `trigger NAME`.
#[derive(Debug, Clone, Args)]
pub struct TriggerArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name)]
    pub name: String,

    /// Receiver type (default: read from the Receiver)
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_provider)]
    pub provider: Option<ProviderType>,

    /// The webhook token (default: read from the Receiver's Secret)
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file", value_parser = parse_token)]
    pub token: Option<String>,

    /// Read the webhook token from a file
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub token_file: Option<PathBuf>,

    /// The full hook URL (default: resolved from the cluster like list does)
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub url: Option<String>,

    /// Host (or base URL) the webhook is reachable at, combined with the Receiver's path
    #[arg(long, value_name = "HOST", value_parser = parse_hostname, conflicts_with = "url")]
    pub hostname: Option<String>,

    /// Event to announce (default: the provider's usual test event)
    #[arg(long, value_name = "EVENT", value_parser = parse_event)]
    pub event: Option<String>,

    /// Body to send instead of the sample: inline JSON, or @file
    #[arg(long, value_name = "JSON|@FILE")]
    pub payload: Option<String>,

    /// generic-oidc: the OIDC token to present
    #[arg(long, value_name = "TOKEN", env = "FLUX_RECEIVER_OIDC_TOKEN", hide_env_values = true, value_parser = parse_token)]
    pub oidc_token: Option<String>,

    /// gcr: a Google-signed OIDC token to present as Bearer
    #[arg(long, value_name = "TOKEN", value_parser = parse_token)]
    pub bearer: Option<String>,

    /// Extra attempts on 404, 408, 429 and 5xx answers or connection errors
    #[arg(long, default_value_t = 3)]
    pub retries: u32,

    /// Pause between attempts (Go duration)
    #[arg(long, default_value = "2s", value_parser = parse_duration, value_name = "DURATION", allow_hyphen_values = true)]
    pub retry_delay: GoDuration,
}

/// `setup NAME`.
#[derive(Debug, Clone, Args)]
pub struct SetupArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_created_name)]
    pub name: String,

    /// Receiver type (asked on a terminal when missing)
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_provider)]
    pub provider: Option<ProviderType>,

    /// Event to accept (repeatable, comma lists; default: the provider's usual ones)
    #[arg(long = "event", value_name = "EVENT", value_parser = event_list, allow_hyphen_values = true)]
    pub events: Vec<CommaList<String>>,

    /// Object to reconcile: Kind/name, Kind/namespace/name, Kind/* (with --match-label), optionally after group/version/ (repeatable, comma lists; asked when missing)
    #[arg(long = "resource", value_name = "KIND/NAME", value_parser = resource_list)]
    pub resources: Vec<CommaList<ResourceRef>>,

    /// Label the objects of every Kind/* resource must carry, key=value (repeatable, comma lists)
    #[arg(long = "match-label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub match_labels: Vec<CommaList<(String, String)>>,

    /// Name of the token Secret (default: the Receiver's name)
    #[arg(long, value_name = "NAME", value_parser = parse_object_name)]
    pub secret_name: Option<String>,

    /// Read the token from a file (default: keep the Secret's, or generate one)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "token_stdin")]
    pub token_file: Option<PathBuf>,

    /// Read the token from standard input
    #[arg(long)]
    pub token_stdin: bool,

    /// Host (or base URL) the webhook is reachable at (e.g. behind an Ingress)
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// Do not create a Service (the webhook is exposed some other way)
    #[arg(long)]
    pub no_expose: bool,

    /// Name of the Service to create when none exposes the webhook yet
    #[arg(long, default_value = "receiver", value_parser = parse_service_name)]
    pub service_name: String,

    /// Type of that Service
    #[arg(long, value_enum, default_value_t = ExposeType::LoadBalancer, value_name = "TYPE")]
    pub service_type: ExposeType,

    /// Label to set on every object, key=value (repeatable, comma lists)
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub labels: Vec<CommaList<(String, String)>>,

    /// Do not ask anything; fail on missing values instead
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Let a re-run change what the hook URL is made of: replace the Secret's different token, or move an existing Receiver to another Secret or type
    #[arg(long)]
    pub force: bool,

    /// Print the token in the table of what to paste
    #[arg(long)]
    pub show_token: bool,

    /// Print all manifests as one multi-document YAML instead of applying them
    #[arg(long)]
    pub export: bool,

    /// The GitHub hook to create or update once the Receiver is ready.
    #[command(flatten)]
    pub github: GithubArgs,

    /// The GitLab hook to create or update once the Receiver is ready.
    #[command(flatten)]
    pub gitlab: GitlabArgs,

    /// Print the GitHub or GitLab requests instead of sending them (tokens and secrets hidden); the cluster is still set up
    #[arg(long, alias = "dry-run", conflicts_with = "export", help_heading = "GitHub webhook")]
    pub dry_run_hook: bool,
}

/// `rotate NAME`.
#[derive(Debug, Clone, Args)]
pub struct RotateArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name)]
    pub name: String,

    /// Read the new token from a file (default: 32 random bytes, hex)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "token_stdin")]
    pub token_file: Option<PathBuf>,

    /// Read the new token from standard input
    #[arg(long)]
    pub token_stdin: bool,

    /// Host (or base URL) the webhook is reachable at, for the printed URLs
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// Show the new URL without changing anything
    #[arg(long)]
    pub dry_run: bool,

    /// Rotate without asking for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Print the old token once, so the provider can be rolled back
    #[arg(long)]
    pub show_old_token: bool,

    /// Print the new token
    #[arg(long)]
    pub show_token: bool,

    /// The GitHub hook to repoint (URL and secret in one request) once the
    /// controller serves the new path, then redeliver what failed meanwhile.
    #[command(flatten)]
    pub github: GithubArgs,

    /// The GitLab hook to repoint (URL and token in one request) once the
    /// controller serves the new path.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
}

/// `doctor [NAME]`.
#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// Name of the Receiver (default: every Receiver in the namespace)
    #[arg(value_parser = parse_object_name)]
    pub name: Option<String>,

    /// Also send a signed test event through each Receiver's URL
    #[arg(long)]
    pub send: bool,

    /// Host (or base URL) the webhook is reachable at
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// generic-oidc with --send: the OIDC token to present
    #[arg(
        long,
        value_name = "TOKEN",
        env = "FLUX_RECEIVER_OIDC_TOKEN",
        hide_env_values = true,
        requires = "send"
    )]
    pub oidc_token: Option<String>,

    /// The GitHub hook whose recent deliveries to read and explain.
    #[command(flatten)]
    pub github: GithubArgs,

    /// The GitLab hook whose state and recent deliveries to read and explain.
    #[command(flatten)]
    pub gitlab: GitlabArgs,
}

/// `export NAME | --all`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name, required_unless_present = "all", conflicts_with = "all")]
    pub name: Option<String>,

    /// Export every Receiver in the namespace
    #[arg(long)]
    pub all: bool,
}

/// `create NAME`: a Receiver.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_created_name)]
    pub name: String,

    /// Receiver type (the webhook provider)
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_provider, required = true)]
    pub provider: ProviderType,

    /// Name of the Secret holding the webhook token (not for generic-oidc)
    #[arg(long, value_name = "SECRET", value_parser = parse_object_name)]
    pub secret_ref: Option<String>,

    /// Object to reconcile: Kind/name, Kind/namespace/name, Kind/* (with --match-label), optionally after group/version/ (repeatable, comma lists)
    #[arg(long = "resource", value_name = "KIND/NAME", value_parser = resource_list, required = true)]
    pub resources: Vec<CommaList<ResourceRef>>,

    /// Label the objects of every Kind/* resource must carry, key=value (repeatable, comma lists)
    #[arg(long = "match-label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub match_labels: Vec<CommaList<(String, String)>>,

    /// Event to accept, e.g. push (repeatable, comma lists; default: all)
    #[arg(long = "event", value_name = "EVENT", value_parser = event_list, allow_hyphen_values = true)]
    pub events: Vec<CommaList<String>>,

    /// Label to set, key=value (repeatable, comma lists)
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub labels: Vec<CommaList<(String, String)>>,

    /// How often the controller re-reads the token Secret (Go duration)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true)]
    pub interval: Option<GoDuration>,

    /// CEL expression every triggered resource must satisfy
    #[arg(long, value_name = "CEL", value_parser = parse_non_empty)]
    pub resource_filter: Option<String>,

    /// Host (or base URL) the webhook is reachable at, for the printed URL
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// Apply without waiting for the controller to report the Receiver ready
    #[arg(long, conflicts_with = "export")]
    pub no_wait: bool,

    /// Print the Receiver as YAML instead of applying it
    #[arg(long)]
    pub export: bool,
}

/// `secret NAME`: a webhook token Secret.
#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    /// Name of the Secret
    #[arg(value_parser = parse_created_name)]
    pub name: String,

    /// Receiver type the token is for
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_provider, required = true)]
    pub provider: ProviderType,

    /// Host the webhook is reachable at, e.g. flux.example.com; adds the hook URL annotation
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,

    /// The webhook token (default: keep the Secret's, or 32 random bytes, hex). Prefer --token-file: command lines are visible to other users
    #[arg(long, value_name = "TOKEN", group = "token_source", value_parser = parse_token, allow_hyphen_values = true)]
    pub token: Option<String>,

    /// Read the webhook token from a file (one trailing newline is ignored)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, group = "token_source")]
    pub token_file: Option<PathBuf>,

    /// Read the webhook token from standard input
    #[arg(long, group = "token_source")]
    pub token_stdin: bool,

    /// Ask for the webhook token at a hidden prompt
    #[arg(long, group = "token_source", conflicts_with = "export")]
    pub token_prompt: bool,

    /// Replace an existing Secret's different token without asking (this changes the hook URL)
    #[arg(long, conflicts_with = "export")]
    pub force: bool,

    /// Print the token after writing the Secret
    #[arg(long, conflicts_with = "export")]
    pub show_token: bool,

    /// Name of the Receiver the hook URL is computed for (default: the Secret's name, as flux assumes)
    #[arg(long, value_name = "NAME", value_parser = parse_object_name)]
    pub receiver_name: Option<String>,

    /// gcr: the IAM service account email Pub/Sub pushes as (empty: not given, as in flux)
    #[arg(long, value_name = "EMAIL", value_parser = parse_text)]
    pub email_claim: Option<String>,

    /// gcr: the expected token audience (default: the webhook URL; empty: not given, as in flux)
    #[arg(long, value_name = "AUDIENCE", value_parser = parse_text)]
    pub audience_claim: Option<String>,

    /// Label to set, key=value (repeatable, comma lists)
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub labels: Vec<CommaList<(String, String)>>,

    /// Print the Secret as YAML (including the token) instead of applying it
    #[arg(long)]
    pub export: bool,
}

/// `url NAME`: the webhook path or URL for a token.
#[derive(Debug, Clone, Args)]
pub struct UrlArgs {
    /// Name of the Receiver
    #[arg(value_parser = parse_object_name)]
    pub name: String,

    /// Compute the path offline from this token instead of reading the cluster
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file", value_parser = parse_token)]
    pub token: Option<String>,

    /// Compute the path offline from the token in a file (one trailing newline is ignored)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub token_file: Option<PathBuf>,

    /// Receiver type, offline; generic-oidc needs no token
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_provider)]
    pub provider: Option<ProviderType>,

    /// Host (or base URL) the webhook is reachable at; prints the full URL
    #[arg(long, value_name = "HOST", value_parser = parse_hostname)]
    pub hostname: Option<String>,
}

/// `expose`: a Service in front of the controller's webhook port.
#[derive(Debug, Clone, Args)]
pub struct ExposeArgs {
    /// Name of the Service
    #[arg(long, default_value = "receiver", value_parser = parse_service_name)]
    pub name: String,

    /// Service type
    #[arg(long = "type", value_name = "TYPE", value_enum, default_value_t = ExposeType::LoadBalancer)]
    pub service_type: ExposeType,

    /// Port the Service listens on
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,

    /// The controller's webhook port
    #[arg(long, default_value_t = receiver::manifest::WEBHOOK_PORT, value_parser = clap::value_parser!(u16).range(1..))]
    pub target_port: u16,

    /// Label to set, key=value (repeatable, comma lists)
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = label_list)]
    pub labels: Vec<CommaList<(String, String)>>,

    /// Apply without waiting for a load balancer address
    #[arg(long, conflicts_with = "export")]
    pub no_wait: bool,

    /// Print the Service as YAML instead of applying it
    #[arg(long)]
    pub export: bool,
}

/// Service types, spelled as Kubernetes spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExposeType {
    /// A cloud load balancer with an external address
    #[value(name = "LoadBalancer")]
    LoadBalancer,
    /// A port on every node
    #[value(name = "NodePort")]
    NodePort,
    /// Cluster-internal, for an Ingress or Gateway in front
    #[value(name = "ClusterIP")]
    ClusterIp,
}

impl From<ExposeType> for ServiceType {
    fn from(value: ExposeType) -> Self {
        match value {
            ExposeType::LoadBalancer => ServiceType::LoadBalancer,
            ExposeType::NodePort => ServiceType::NodePort,
            ExposeType::ClusterIp => ServiceType::ClusterIP,
        }
    }
}

/// `rbac [COMMAND]`.
#[derive(Debug, Clone, Args)]
pub struct RbacArgs {
    /// The command to print the rules of (default: every command)
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(receiver::rbac::COMMANDS))]
    pub command: Option<String>,

    /// Print a Role per namespace and a ClusterRole instead of the table
    #[arg(long)]
    pub export: bool,

    /// With --export, also grant the optional rules (the command works without them)
    #[arg(long)]
    pub optional: bool,

    /// Rules for the command's namespace apply in all namespaces (as `list -A` needs)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Name of the Role and ClusterRole
    #[arg(long, default_value = "flux-receiver", value_parser = parse_object_name, value_name = "NAME")]
    pub role_name: String,
}

/// `completion SHELL`.
#[derive(Debug, Clone, Args)]
pub struct CompletionArgs {
    /// The shell to print the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// One occurrence of a list flag (`--event push,ping`): its items, read as
/// flux reads them (see [`receiver::comma_list`]). A flag's occurrences are
/// joined with [`items`].
#[derive(Debug, Clone, PartialEq)]
pub struct CommaList<T>(pub Vec<T>);

/// Every item of every occurrence of a list flag, in order.
pub fn items<T: Clone>(lists: &[CommaList<T>]) -> Vec<T> {
    lists.iter().flat_map(|list| list.0.iter().cloned()).collect()
}

/// Whether `arg` takes comma lists, so that completion can complete the
/// item after the last comma. Read from the flag's value type, so a new
/// list flag needs no entry anywhere else.
pub fn is_comma_list(arg: &clap::Arg) -> bool {
    use std::any::TypeId;
    let id = arg.get_value_parser().type_id();
    [
        TypeId::of::<CommaList<String>>(),
        TypeId::of::<CommaList<ResourceRef>>(),
        TypeId::of::<CommaList<(String, String)>>(),
    ]
    .iter()
    .any(|list| id == *list)
}

/// Reads one occurrence of a list flag and checks each item with `item`;
/// a bad item is named when the list has more than one.
fn comma_list<T>(text: &str, item: impl Fn(&str) -> Result<T, String>) -> Result<CommaList<T>, String> {
    let texts = receiver::comma_list::parse(text).map_err(|e| e.to_string())?;
    let several = texts.len() > 1;
    texts
        .iter()
        .map(|text| item(text).map_err(|e| if several { format!("'{text}': {e}") } else { e }))
        .collect::<Result<_, _>>()
        .map(CommaList)
}

fn event_list(text: &str) -> Result<CommaList<String>, String> {
    comma_list(text, parse_event)
}

fn resource_list(text: &str) -> Result<CommaList<ResourceRef>, String> {
    comma_list(text, parse_resource)
}

fn label_list(text: &str) -> Result<CommaList<(String, String)>, String> {
    comma_list(text, parse_label)
}

// Value parsers: each turns one flag value into a checked value, or into the
// message clap prints after "invalid value '<value>' for '<flag>': ".

fn parse_namespace(text: &str) -> Result<String, String> {
    names::validate_dns1123_label(text).map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

fn parse_object_name(text: &str) -> Result<String, String> {
    names::validate_dns1123_subdomain(text).map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

/// A name `flux create` would accept for a new object.
fn parse_created_name(text: &str) -> Result<String, String> {
    names::validate_created_name(text).map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

fn parse_service_name(text: &str) -> Result<String, String> {
    names::validate_dns1035_label(text).map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

fn parse_provider(text: &str) -> Result<ProviderType, String> {
    text.parse()
        .map_err(|e: receiver::provider::UnknownProvider| e.to_string())
}

fn parse_resource(text: &str) -> Result<ResourceRef, String> {
    text.parse()
        .map_err(|e: receiver::resource_ref::ResourceRefError| e.to_string())
}

fn parse_label(text: &str) -> Result<(String, String), String> {
    names::parse_label(text).map_err(|e| e.to_string())
}

fn parse_duration(text: &str) -> Result<GoDuration, String> {
    text.parse()
        .map_err(|e: receiver::duration::DurationError| e.to_string())
}

fn parse_event(text: &str) -> Result<String, String> {
    let event = parse_text(text)?.trim().to_string();
    if event.is_empty() {
        return Err("event names must not be empty".into());
    }
    Ok(event)
}

fn parse_non_empty(text: &str) -> Result<String, String> {
    if parse_text(text)?.trim().is_empty() {
        return Err("must not be empty".into());
    }
    Ok(text.to_string())
}

/// Free text stored in the cluster (claims, filters, events): anything but
/// control characters, which no provider sends and which would be stored
/// and later printed as they are.
fn parse_text(text: &str) -> Result<String, String> {
    if text.contains(char::is_control) {
        return Err("must not contain control characters (a line break, a tab, an escape)".into());
    }
    Ok(text.to_string())
}

fn parse_token(text: &str) -> Result<String, String> {
    receiver::token::normalize(text).map_err(|e| e.to_string())
}

fn parse_url(text: &str) -> Result<String, String> {
    receiver::address::parse_webhook_url(text).map_err(|e| e.to_string())
}

fn parse_selector(text: &str) -> Result<String, String> {
    for term in text.split(',') {
        let term = term.trim();
        let (key, value) = if let Some((key, value)) = term.split_once("!=") {
            (key, Some(value))
        } else if let Some((key, value)) = term.split_once("==") {
            (key, Some(value))
        } else if let Some((key, value)) = term.split_once('=') {
            (key, Some(value))
        } else {
            (term.strip_prefix('!').unwrap_or(term), None)
        };
        names::validate_label_key(key.trim()).map_err(|e| format!("invalid key in '{term}': {e}"))?;
        if let Some(value) = value {
            names::validate_label_value(value.trim()).map_err(|e| format!("invalid value in '{term}': {e}"))?;
        }
    }
    Ok(text.to_string())
}

fn parse_hostname(text: &str) -> Result<String, String> {
    receiver::address::parse_hostname(text).map_err(|e| e.to_string())
}

fn parse_github_repo(text: &str) -> Result<receiver::github::HookScope, String> {
    receiver::github::HookScope::parse_repo(text)
}

fn parse_github_org(text: &str) -> Result<receiver::github::HookScope, String> {
    receiver::github::HookScope::parse_org(text)
}

fn parse_gitlab_project(text: &str) -> Result<receiver::gitlab::HookScope, String> {
    receiver::gitlab::HookScope::parse_project(text)
}

fn parse_gitlab_group(text: &str) -> Result<receiver::gitlab::HookScope, String> {
    receiver::gitlab::HookScope::parse_group(text)
}

/// An API base URL: http(s), a host, an optional path (`/api/v3`); kept
/// without a trailing `/`.
fn parse_api_url(text: &str) -> Result<String, String> {
    receiver::address::parse_webhook_url(text)
        .map(|url| url.trim_end_matches('/').to_string())
        .map_err(|e| e.to_string())
}

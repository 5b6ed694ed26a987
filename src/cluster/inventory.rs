//! Everything `list` shows, gathered in a fixed number of requests however
//! many Receivers there are: Receivers page by page, the Secrets they use in
//! one paginated list (never one GET per Receiver), and the cluster's webhook
//! address once.

use std::collections::{HashMap, HashSet};

use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use receiver::{Receiver, webhook_path, webhook_url};
use serde::Serialize;

use super::Cluster;
use super::address::{self, WebhookBase};
use super::error::Action;
use super::list;
use crate::error::CliResult;

/// What to list.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// One Receiver by name, or `None` for all.
    pub name: Option<&'a str>,
    /// One namespace, or `None` for all.
    pub namespace: Option<&'a str>,
    /// A label selector (`team=platform,env!=dev`).
    pub selector: Option<&'a str>,
    /// `--hostname`, which overrides every discovered address.
    pub hostname: Option<&'a str>,
    /// Where the controller and its Services live.
    pub flux_namespace: &'a str,
}

/// Something wrong with a Receiver's hook that its Ready condition may not show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Problem {
    /// The referenced Secret does not exist.
    SecretMissing {
        /// The Secret's name.
        secret: String,
    },
    /// The Secret exists but has no `token`.
    TokenMissing {
        /// The Secret's name.
        secret: String,
    },
    /// The controller serves a path other than the Secret's current token
    /// yields: the token was rotated and the Receiver not yet reconciled, and
    /// the provider's webhook will break once it is.
    Drift {
        /// `status.webhookPath`.
        served: String,
        /// The path the Secret's token yields now.
        expected: String,
    },
}

/// One Receiver as the tables show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverRow {
    /// The kubeconfig context, when several clusters are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `spec.type`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The Ready condition's status: True, False or Unknown (False before the
    /// controller's first reconciliation, as flux shows it).
    pub ready: String,
    /// `spec.suspend`.
    pub suspended: bool,
    /// The Ready condition's message.
    pub message: String,
    /// `spec.events`.
    pub events: Vec<String>,
    /// `spec.resources` as `Kind/[namespace/]name`.
    pub resources: Vec<String>,
    /// `spec.secretRef.name`.
    pub secret: Option<String>,
    /// `status.webhookPath`.
    pub webhook_path: Option<String>,
    /// The full pasteable URL, when an address is known.
    pub url: Option<String>,
    /// A problem with the hook, if any.
    pub problem: Option<Problem>,
    /// With `--github-repo`/`--github-org`: the GitHub webhook delivering
    /// to `url`, for a github Receiver whose URL is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github_hook: Option<ProviderHook>,
    /// With `--gitlab-project`/`--gitlab-group`: the GitLab webhook
    /// delivering to `url`, for a gitlab Receiver whose URL is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gitlab_hook: Option<ProviderHook>,
}

/// Whether a provider's webhook (GitHub's or GitLab's) delivers to a
/// Receiver's current URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProviderHook {
    /// `repository o/r`, `organization o`, `project g/p` or `group g`.
    pub scope: String,
    /// The hook's id; `None` when no hook of the scope delivers there.
    pub id: Option<u64>,
}

/// The facts about a Secret that matter for rows; the token itself is kept
/// only long enough to compute paths and is never serialized.
struct SecretFacts {
    token: Option<String>,
    base: Option<WebhookBase>,
}

/// What `gather` found.
pub struct Inventory {
    /// One row per Receiver, sorted by namespace and name.
    pub rows: Vec<ReceiverRow>,
    /// Whether some rows lack a URL because no address is known.
    pub missing_address: bool,
    /// Caveats to print below the table (e.g. Secrets unreadable).
    pub notes: Vec<String>,
}

/// Gathers the rows for `query`.
pub async fn gather(cluster: &Cluster, query: &Query<'_>) -> CliResult<Inventory> {
    let receivers: Api<Receiver> = match query.namespace {
        Some(namespace) => Api::namespaced(cluster.client.clone(), namespace),
        None => Api::all(cluster.client.clone()),
    };
    let mut params = ListParams::default();
    if let Some(selector) = query.selector {
        params = params.labels(selector);
    }
    if let Some(name) = query.name {
        params = params.fields(&format!("metadata.name={name}"));
    }
    // Each object is reduced to its row as its page arrives, so memory
    // holds rows, never the Receivers themselves.
    let mut rows = Vec::new();
    let action = Action::collection("list", "receivers", query.namespace);
    list::for_each(cluster, &receivers, &action, &params, |receiver: Receiver| {
        rows.push(base_row(&receiver))
    })
    .await?;

    let wanted: HashSet<(String, String)> = rows
        .iter()
        .filter_map(|r| Some((r.namespace.clone(), r.secret.clone()?)))
        .collect();
    let mut notes = Vec::new();
    let secrets = if wanted.is_empty() {
        Some(HashMap::new())
    } else {
        match secret_facts(cluster, query.namespace, &wanted).await {
            Ok(facts) => Some(facts),
            Err(err) => {
                notes.push(format!("Secrets not checked ({err}): tokens and drift are unknown"));
                None
            }
        }
    };
    let cluster_base = match query.hostname {
        Some(host) => Some(address::from_hostname(host)),
        None if rows.is_empty() => None,
        None => address::discover(cluster, query.flux_namespace, address::Sources::ServicesAndRoutes).await,
    };

    let mut missing_address = false;
    for row in &mut rows {
        finish_row(row, secrets.as_ref(), query.hostname.is_some(), cluster_base.as_ref());
        missing_address |= row.url.is_none() && row.webhook_path.is_some();
    }
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(Inventory {
        rows,
        missing_address,
        notes,
    })
}

/// Reads the Secrets the Receivers reference, keeping only those.
async fn secret_facts(
    cluster: &Cluster,
    namespace: Option<&str>,
    wanted: &HashSet<(String, String)>,
) -> CliResult<HashMap<(String, String), SecretFacts>> {
    let api: Api<Secret> = match namespace {
        Some(namespace) => Api::namespaced(cluster.client.clone(), namespace),
        None => Api::all(cluster.client.clone()),
    };
    // Webhook token Secrets are Opaque; skipping the other types keeps large
    // Helm release and service-account Secrets off the wire.
    let params = ListParams::default().fields("type=Opaque");
    let mut facts = HashMap::new();
    let action = Action::collection("list", "secrets", namespace);
    list::for_each(cluster, &api, &action, &params, |secret: Secret| {
        let key = (secret.namespace().unwrap_or_default(), secret.name_any());
        if wanted.contains(&key) {
            facts.insert(key, SecretFacts::of(&secret));
        }
    })
    .await?;
    // A token Secret of another type is rare but valid: the few referenced
    // Secrets the list did not return are read one by one, so only a truly
    // missing Secret is reported missing.
    let unseen: Vec<&(String, String)> = wanted.iter().filter(|key| !facts.contains_key(*key)).collect();
    for (namespace, name) in unseen.into_iter().take(MAX_SINGLE_SECRET_READS) {
        let api: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
        let action = Action::object("get", "secrets", namespace, name);
        if let Some(secret) = cluster.call(&action, || api.get_opt(name)).await? {
            facts.insert((namespace.clone(), name.clone()), SecretFacts::of(&secret));
        }
    }
    Ok(facts)
}

/// How many referenced Secrets missing from the Opaque list are read one by
/// one before the rest are simply reported missing: the request count stays
/// bounded when many Receivers point at Secrets that do not exist.
const MAX_SINGLE_SECRET_READS: usize = 50;

impl SecretFacts {
    fn of(secret: &Secret) -> SecretFacts {
        SecretFacts {
            token: receiver::token::token_of(secret),
            base: address::from_secret(secret),
        }
    }
}

/// READY and MESSAGE for a Receiver without a Ready condition, as flux's
/// `statusAndMessage` prints them.
const NOT_RECONCILED: (&str, &str) = ("False", "waiting to be reconciled");

/// The row as far as the Receiver alone tells it.
fn base_row(receiver: &Receiver) -> ReceiverRow {
    let status = receiver.status.as_ref();
    let condition = status.and_then(|s| s.ready_condition());
    ReceiverRow {
        context: None,
        namespace: receiver.namespace().unwrap_or_default(),
        name: receiver.name_any(),
        type_: receiver.spec.type_.clone(),
        // As `flux get receivers` shows it: the condition as the controller
        // last wrote it (a suspended Receiver keeps its last verdict), and
        // flux's own words for a Receiver the controller has not seen yet.
        ready: condition.map_or(NOT_RECONCILED.0, |c| c.status.as_str()).to_string(),
        suspended: receiver.spec.is_suspended(),
        message: condition.map_or(NOT_RECONCILED.1, |c| c.message.as_str()).to_string(),
        events: receiver.spec.events.clone(),
        resources: receiver.spec.resources.iter().map(ToString::to_string).collect(),
        secret: receiver.spec.secret_ref.as_ref().map(|s| s.name.clone()),
        webhook_path: status.and_then(|s| s.webhook_path.clone()).filter(|p| !p.is_empty()),
        url: None,
        problem: None,
        github_hook: None,
        gitlab_hook: None,
    }
}

/// Adds what needs the Secrets and the cluster's address: the problem, if
/// any, and the full URL.
fn finish_row(
    row: &mut ReceiverRow,
    secrets: Option<&HashMap<(String, String), SecretFacts>>,
    hostname_given: bool,
    cluster_base: Option<&WebhookBase>,
) {
    let facts = row
        .secret
        .as_ref()
        .and_then(|secret| secrets?.get(&(row.namespace.clone(), secret.clone())));
    let drift = |token: &str| {
        let expected = webhook_path(token, &row.name, &row.namespace);
        row.webhook_path
            .as_ref()
            .filter(|served| **served != expected)
            .map(|served| Problem::Drift {
                served: served.clone(),
                expected,
            })
    };
    row.problem = match (&row.secret, secrets, facts) {
        (Some(secret), Some(_), None) => Some(Problem::SecretMissing { secret: secret.clone() }),
        (Some(secret), Some(_), Some(SecretFacts { token: None, .. })) => {
            Some(Problem::TokenMissing { secret: secret.clone() })
        }
        (Some(_), Some(_), Some(SecretFacts { token: Some(token), .. })) => drift(token),
        (None, _, _) if row.type_ == receiver::ProviderType::GenericOidc.as_str() => drift(""),
        _ => None,
    };
    // --hostname overrides (it is `cluster_base` then); else the Secret's
    // own annotation; else the cluster's address.
    let secret_base = facts.and_then(|f| f.base.as_ref()).filter(|_| !hostname_given);
    let base = secret_base.or(cluster_base);
    row.url = row
        .webhook_path
        .as_ref()
        .zip(base)
        .map(|(path, base)| webhook_url(&base.url, path));
}

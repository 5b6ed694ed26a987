//! `flux-receiver secret NAME`: a webhook token Secret.
//!
//! In a cluster the command never loses a token: an existing Secret keeps
//! its token unless a new one is given, and a *different* token replaces it
//! only with `--force` or a yes at the prompt, because the hook URL moves
//! with the token and the provider's webhook would point at a dead path.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use receiver::Receiver;
use receiver::api::WATCH_LABEL;
use receiver::manifest::{self, SecretOptions};
use receiver::signature::tokens_equal;
use receiver::token::{StoredToken, stored_token};

use crate::cli::{GlobalArgs, SecretArgs};
use crate::cluster::address;
use crate::cluster::error::Action;
use crate::cluster::{Cluster, FIELD_MANAGER, access};
use crate::commands::lifecycle::{PickUp, pick_up_token};
use crate::commands::{block_on, confirm_or_refuse, label_map, namespaces};
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::progress;
use crate::{output, printable};

/// Runs `secret`.
pub fn run(global: &GlobalArgs, args: &SecretArgs) -> CliResult {
    let labels = label_map(&args.labels)?;
    let source = TokenSource::from_args(args);
    let supplied = source.read()?;
    let mut options = SecretOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels,
        provider: Some(args.provider),
        token: String::new(),
        hostname: args.hostname.clone(),
        receiver_name: args.receiver_name.clone(),
        email_claim: gcr_claim(args, "--email-claim", &args.email_claim),
        audience_claim: gcr_claim(args, "--audience-claim", &args.audience_claim),
    };
    if args.export {
        options.token = match supplied {
            Some(token) => token,
            None => generate()?,
        };
        return output::print(&manifest::export_secret(&manifest::secret(&options)?));
    }
    if matches!(source, TokenSource::Flag(_)) {
        progress::warn(
            "--token is visible to other users of this machine (ps, shell history); prefer --token-file or --token-stdin",
        );
    }
    // Validate the combination offline before any request.
    manifest::secret(&SecretOptions {
        token: "validation".into(),
        ..options.clone()
    })?;
    block_on(apply(global, args, options, supplied))
}

/// A claim flag's value for gcr. Other types have no claims: as flux does,
/// the flag is ignored (so the output stays flux's), with a warning.
fn gcr_claim(args: &SecretArgs, flag: &str, value: &Option<String>) -> Option<String> {
    // An empty value is no value, as flux's string flags have it.
    let value = &value.clone().filter(|v| !v.is_empty());
    if value.is_some() && args.provider != receiver::ProviderType::Gcr {
        progress::warn(&format!("{flag} is only used by receiver type 'gcr'; ignored"));
        return None;
    }
    value.clone()
}

fn generate() -> CliResult<String> {
    receiver::token::generate().map_err(|e| CliError::failure(e.to_string()))
}

/// How the token in the written Secret came about.
enum TokenFate {
    Generated,
    Supplied,
    Kept,
    Replaced,
}

async fn apply(global: &GlobalArgs, args: &SecretArgs, options: SecretOptions, supplied: Option<String>) -> CliResult {
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("add --export to print the manifest"))?;
    access::preflight(&cluster, "secret", &namespaces(global), |_| false).await?;
    let ensured = ensure(&cluster, options, supplied, args.force, false).await?;
    report(&ensured, args.show_token)?;
    if ensured.token_changed() {
        pick_up(&cluster, &ensured.options).await?;
    }
    Ok(())
}

/// After a token change in an existing Secret: asks every Receiver using it
/// to reconcile now (the controller would otherwise wait for their next
/// interval) and says what each serves.
async fn pick_up(cluster: &Cluster, options: &SecretOptions) -> CliResult {
    let (namespace, name) = (options.namespace.as_str(), options.name.as_str());
    let api: Api<Receiver> = Api::namespaced(cluster.client.clone(), namespace);
    let params = ListParams::default();
    let users: Vec<Receiver> = cluster
        .call(&Action::collection("list", "receivers", Some(namespace)), || {
            api.list(&params)
        })
        .await?
        .items
        .into_iter()
        .filter(|r| r.spec.secret_ref.as_ref().is_some_and(|s| s.name == name))
        .collect();
    let mut text = String::new();
    for (user, outcome) in pick_up_token(cluster, &users, &options.token).await? {
        let user = user.metadata.name.unwrap_or_default();
        match outcome {
            PickUp::Serving(path) => text.push_str(&format!("  Receiver {namespace}/{user} now serves {path}\n")),
            PickUp::Suspended => progress::warn(&format!(
                "Receiver {namespace}/{user} is suspended: it serves the new path once resumed"
            )),
            PickUp::TimedOut => progress::warn(&format!(
                "Receiver {namespace}/{user} did not serve the new path in time; check `{bin} doctor {user} -n {namespace}`",
                bin = crate::plugin::display_name()
            )),
            PickUp::Deleted => {}
        }
    }
    output::print(&text)
}

/// What [`ensure`] did.
pub(crate) struct Ensured {
    /// created, updated or unchanged.
    pub verb: &'static str,
    fate: TokenFate,
    /// The options as written, with the token that is now in the Secret.
    pub options: SecretOptions,
}

impl Ensured {
    /// Whether an existing Secret got a different token (or its first one),
    /// so the Receivers using it must pick it up.
    pub fn token_changed(&self) -> bool {
        self.verb != "created" && !matches!(self.fate, TokenFate::Kept)
    }
}

/// How many times [`ensure`] starts over when the Secret changes under it
/// before giving up: each round re-reads it, so only a Secret rewritten
/// continuously by someone else exhausts this.
const ENSURE_ROUNDS: usize = 5;

/// Creates or updates the Secret of `options` without ever replacing a
/// different token unless `force` (or a yes at the prompt): an existing
/// token is kept when none is supplied, and one is generated when there is
/// none at all. With `keep_address` (setup's re-runs) an existing URL
/// annotation keeps its address when `options` names none.
///
/// Every write is conditional on what was read: a new Secret is created
/// with POST (which fails if one appeared meanwhile), an existing one is
/// applied over its resourceVersion. When either precondition fails the
/// decision is taken again on the Secret as it now is, so a token written
/// concurrently is seen, never overwritten.
pub(crate) async fn ensure(
    cluster: &Cluster,
    mut options: SecretOptions,
    supplied: Option<String>,
    force: bool,
    keep_address: bool,
) -> CliResult<Ensured> {
    let (namespace, name) = (options.namespace.clone(), options.name.clone());
    let (namespace, name) = (namespace.as_str(), name.as_str());
    let api: Api<Secret> = Api::namespaced(cluster.client.clone(), namespace);
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for _ in 0..ENSURE_ROUNDS {
        let existing = cluster
            .call(&Action::object("get", "secrets", namespace, name), || api.get_opt(name))
            .await?;
        let stored = existing.as_ref().map_or(StoredToken::Absent, stored_token);
        // A Secret of that name that holds no token may be someone else's
        // (a TLS certificate, an app's settings): not taken over silently.
        if let Some(secret) = &existing
            && matches!(stored, StoredToken::Absent)
        {
            refuse_foreign(secret, namespace, name, force)?;
        }
        // A re-run of `setup` without --hostname keeps the address the
        // Secret's URL annotation already names, so the URL does not move.
        if keep_address && options.hostname.is_none() {
            options.hostname = existing.as_ref().and_then(address::from_secret).map(|base| base.url);
        }
        // Decide the token and how it came about in one place.
        let (fate, token) = match (&supplied, stored) {
            (Some(new), StoredToken::Text(old)) if tokens_equal(new, &old) => (TokenFate::Kept, old),
            // A different token, or bytes that are not text (which differ
            // from any token given as text), is replaced only when confirmed.
            (Some(new), StoredToken::Text(_) | StoredToken::Unreadable) => {
                confirm_replacement(namespace, name, force)?;
                (TokenFate::Replaced, new.clone())
            }
            (Some(new), StoredToken::Absent) => (TokenFate::Supplied, new.clone()),
            (None, StoredToken::Text(old)) => (TokenFate::Kept, old),
            (None, StoredToken::Absent) => (TokenFate::Generated, generate()?),
            (None, StoredToken::Unreadable) => {
                return Err(CliError::failure(format!(
                    "Secret {namespace}/{name} holds a token that is not UTF-8 text, which flux-receiver cannot keep \
                     as is; to replace it, pass the new token with --token-file (and --force)"
                )));
            }
        };
        options.token = token;
        let mut desired = as_applied(manifest::secret(&options)?);
        // Only in the cluster (--export stays what flux prints): without this
        // label the controller does not see a changed token by itself.
        desired
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(WATCH_LABEL.0.into(), WATCH_LABEL.1.into());
        progress::action(&format!("applying Secret {namespace}/{name}"));
        let written = match &existing {
            None => {
                let action = Action::object("create", "secrets", namespace, name);
                let create = PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                };
                cluster
                    .call(&action, || async {
                        unless_conflict(api.create(&create, &desired).await)
                    })
                    .await?
            }
            Some(old) => {
                desired.metadata.resource_version = old.metadata.resource_version.clone();
                let action = Action::object("patch", "secrets", namespace, name);
                let patch = Patch::Apply(&desired);
                cluster
                    .call(&action, || async {
                        unless_conflict(api.patch(name, &params, &patch).await)
                    })
                    .await?
            }
        };
        let Some(written) = written else {
            cluster.trace("the Secret changed while we worked; reading it again");
            continue;
        };
        // Judged on what a user sees: the first apply by this field manager
        // adds a managedFields entry (a new resourceVersion) and changes nothing else.
        let verb = match &existing {
            None => "created",
            Some(old) if same_content(old, &written) => "unchanged",
            _ => "updated",
        };
        return Ok(Ensured { verb, fate, options });
    }
    Err(CliError::failure(format!(
        "Secret {namespace}/{name} kept changing while we wrote it ({ENSURE_ROUNDS} attempts); nothing was replaced, re-run when it settles"
    )))
}

/// A write's answer, with 409 (AlreadyExists on create, a stale
/// resourceVersion on apply) as `None`: the caller reads the Secret again.
fn unless_conflict(result: Result<Secret, kube::Error>) -> Result<Option<Secret>, kube::Error> {
    match result {
        Ok(secret) => Ok(Some(secret)),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(None),
        Err(err) => Err(err),
    }
}

/// Whether two versions of a Secret hold the same data, type, labels and annotations.
fn same_content(old: &Secret, new: &Secret) -> bool {
    old.data == new.data
        && old.type_ == new.type_
        && old.metadata.labels == new.metadata.labels
        && old.metadata.annotations == new.metadata.annotations
}

/// The keys a webhook token Secret holds: the token, and gcr's claims.
const TOKEN_SECRET_KEYS: [&str; 3] = ["token", "email", "audience"];

/// Refuses to put a token into an existing Secret that holds none and is
/// plainly not a token Secret: one of another type (which cannot change), or
/// an Opaque one holding other keys, unless `--force` says it may be shared.
fn refuse_foreign(secret: &Secret, namespace: &str, name: &str, force: bool) -> CliResult {
    let secret_type = secret.type_.as_deref().unwrap_or("Opaque");
    let bin = crate::plugin::display_name();
    if secret_type != "Opaque" {
        return Err(CliError::failure(format!(
            "Secret {namespace}/{name} already exists as type {}, which cannot hold a webhook token; \
             choose another name (--secret-name with setup, NAME with {bin} secret)",
            printable::escape_controls(secret_type)
        )));
    }
    let others: Vec<String> = secret
        .data
        .iter()
        .flat_map(|data| data.keys())
        .chain(secret.string_data.iter().flat_map(|data| data.keys()))
        .filter(|key| !TOKEN_SECRET_KEYS.contains(&key.as_str()))
        .map(|key| printable::escape_controls(key).into_owned())
        .collect();
    if others.is_empty() || force {
        return Ok(());
    }
    Err(CliError::failure(format!(
        "Secret {namespace}/{name} already exists with no token but other keys ({}): it looks like another \
         Secret, so nothing was written; choose another name, or pass --force to add a token to it",
        others.join(", ")
    )))
}

/// Refuses, or asks on a terminal, before a different token replaces the old one.
fn confirm_replacement(namespace: &str, name: &str, force: bool) -> CliResult {
    if force {
        return Ok(());
    }
    let consequence = format!(
        "Secret {namespace}/{name} already holds a different token; replacing it changes the hook URL of every \
         Receiver using it, and the provider's webhook will point at a dead path until it is updated"
    );
    confirm_or_refuse(
        true,
        &consequence,
        "Replace the token?",
        format!("kept the existing token of Secret {namespace}/{name}"),
        "re-run with --force to replace it",
    )
}

/// The exported form keeps flux's `stringData`; the applied form uses `data`,
/// which server-side apply tracks field by field.
fn as_applied(mut secret: Secret) -> Secret {
    let string_data = secret.string_data.take().unwrap_or_default();
    let data: BTreeMap<String, ByteString> = string_data
        .into_iter()
        .map(|(key, value)| (key, ByteString(value.into_bytes())))
        .collect();
    secret.data = Some(data);
    secret
}

fn report(ensured: &Ensured, show: bool) -> CliResult {
    let Ensured { verb, fate, options } = ensured;
    let (namespace, name) = (&options.namespace, &options.name);
    let mut text = format!("✔ Secret {namespace}/{name} {verb}\n");
    let token_note = match fate {
        TokenFate::Generated => "generated (32 random bytes, hex)",
        TokenFate::Supplied => "as given",
        TokenFate::Kept => "kept",
        TokenFate::Replaced => "replaced: update the provider's webhook secret and URL now",
    };
    if show {
        text.push_str(&format!("  token: {}\n", options.token));
    } else {
        text.push_str(&format!("  token: {token_note} (print it with --show-token)\n"));
    }
    if let Some(url) = options.webhook_url() {
        let receiver = options.receiver_name.as_deref().unwrap_or(&options.name);
        text.push_str(&format!("  webhook URL: {url} (for Receiver '{receiver}')\n"));
    }
    output::print(&text)
}

impl<'a> TokenSource<'a> {
    /// The token source chosen by `secret`'s flags.
    pub fn from_args(args: &'a SecretArgs) -> TokenSource<'a> {
        if args.token_stdin {
            TokenSource::Stdin
        } else if args.token_prompt {
            TokenSource::Prompt
        } else {
            TokenSource::from_flags(args.token.as_deref(), args.token_file.as_deref())
        }
    }
}

//! What the caller may do, asked of the API server itself with
//! SelfSubjectAccessReview (as `kubectl auth can-i` asks). Every
//! authenticated user may create these reviews (the built-in
//! `system:basic-user` ClusterRole grants it), so the question needs no rule
//! of its own.

use futures::future::join_all;
use k8s_openapi::api::authorization::v1::{ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec};
use kube::api::{Api, PostParams};
use receiver::rbac::{self, Grant, Namespaces};

use super::Cluster;
use super::error::Action;
use crate::error::{CliError, CliResult};

/// Whether the caller holds `grant`, by the API server's own
/// authorizer (RBAC, webhooks, whatever the cluster runs).
pub async fn allowed(cluster: &Cluster, grant: &Grant) -> CliResult<bool> {
    let api: Api<SelfSubjectAccessReview> = Api::all(cluster.client.clone());
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                group: Some(grant.group.to_string()),
                resource: Some(grant.resource.clone()),
                verb: Some(grant.verb.to_string()),
                namespace: grant.namespace.clone(),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    // Creating a review stores nothing, so it is not a write: an interrupt
    // after it has nothing to report.
    let action = Action::collection("ask", "selfsubjectaccessreviews", None);
    let params = PostParams::default();
    let answer = cluster.call(&action, || api.create(&params, &review)).await?;
    Ok(answer.status.is_some_and(|status| status.allowed))
}

/// Refuses `command` before it writes anything when the caller lacks a
/// grant the command needs later (a `watch` for the wait after an apply,
/// say), so that a missing permission never leaves half a setup behind.
/// `needless` drops the grants this run does not need (`--no-wait` needs no
/// watch). When the reviews themselves fail (an API server without the
/// authorization API, a proxy refusing them), the command goes ahead and
/// its requests answer for themselves.
pub async fn preflight(
    cluster: &Cluster,
    command: &str,
    namespaces: &Namespaces<'_>,
    needless: impl Fn(&Grant) -> bool,
) -> CliResult {
    let grants: Vec<Grant> = rbac::required_grants(&[command], namespaces)
        .into_keys()
        .filter(|grant| !needless(grant))
        .collect();
    let answers = join_all(grants.iter().map(|grant| allowed(cluster, grant))).await;
    let mut missing = Vec::new();
    for (grant, answer) in grants.iter().zip(answers) {
        match answer {
            Ok(true) => {}
            Ok(false) => missing.push(grant.to_string()),
            Err(err) => {
                cluster.trace(format!("permissions not checked ahead: {err}"));
                return Ok(());
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::failure(format!(
        "forbidden: you may not {}, which {command} needs; nothing was written (`{} rbac {command}` lists every rule it needs)",
        missing.join(", nor "),
        crate::plugin::display_name()
    )))
}

//! The Flux objects a Receiver references, addressed by kind.

use kube::api::{Api, ApiResource, DynamicObject};
use receiver::ResourceKind;

use super::Cluster;
use super::error::Action;
use crate::error::CliResult;

/// The API resource of `kind`, at `api_version` when the reference names
/// one, else the kind's current version.
pub fn api_resource(kind: ResourceKind, api_version: Option<&str>) -> ApiResource {
    let api_version = api_version.unwrap_or(kind.api_version()).to_string();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version.as_str()));
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: api_version.clone(),
        kind: kind.as_str().into(),
        plural: kind.plural(),
    }
}

/// Whether the object `kind`/`name` exists in `namespace` (one GET).
pub async fn exists(
    cluster: &Cluster,
    kind: ResourceKind,
    api_version: Option<&str>,
    namespace: &str,
    name: &str,
) -> CliResult<bool> {
    let api: Api<DynamicObject> =
        Api::namespaced_with(cluster.client.clone(), namespace, &api_resource(kind, api_version));
    let plural = kind.plural();
    let action = Action::object("get", &plural, namespace, name);
    Ok(cluster.call(&action, || api.get_opt(name)).await?.is_some())
}

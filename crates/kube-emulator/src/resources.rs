//! The resource types the emulator serves, and their discovery documents.

use serde_json::{Value, json};

/// One servable resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// API group ("" for core).
    pub group: &'static str,
    /// API version.
    pub version: &'static str,
    /// Plural resource name.
    pub plural: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Short names kubectl accepts.
    pub short_names: &'static [&'static str],
    /// Whether `status` is a subresource (writes to the main resource leave it alone).
    pub status_subresource: bool,
    /// Whether the type is a Flux CRD (absent without Flux).
    pub flux: bool,
}

impl ResourceType {
    /// `group/version`, or `version` for core.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether objects carry `metadata.generation`. The API server counts
    /// generations only for types with a spec it tracks (workloads, CRDs
    /// and custom resources); the core types served here (Secret, Namespace,
    /// Service, Node) have none.
    pub fn has_generation(&self) -> bool {
        !self.group.is_empty()
    }

    /// The singular name (lowercase kind).
    pub fn singular(&self) -> String {
        self.kind.to_ascii_lowercase()
    }
}

const fn core(
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    status: bool,
) -> ResourceType {
    ResourceType {
        group: "",
        version: "v1",
        plural,
        kind,
        namespaced,
        short_names: short,
        status_subresource: status,
        flux: false,
    }
}

const fn flux(group: &'static str, version: &'static str, plural: &'static str, kind: &'static str) -> ResourceType {
    ResourceType {
        group,
        version,
        plural,
        kind,
        namespaced: true,
        short_names: &[],
        status_subresource: true,
        flux: true,
    }
}

/// Every type the emulator knows.
pub const ALL: &[ResourceType] = &[
    core("namespaces", "Namespace", false, &["ns"], true),
    core("secrets", "Secret", true, &[], false),
    core("services", "Service", true, &["svc"], true),
    core("nodes", "Node", false, &["no"], true),
    ResourceType {
        group: "apps",
        version: "v1",
        plural: "deployments",
        kind: "Deployment",
        namespaced: true,
        short_names: &["deploy"],
        status_subresource: true,
        flux: false,
    },
    ResourceType {
        group: "networking.k8s.io",
        version: "v1",
        plural: "ingresses",
        kind: "Ingress",
        namespaced: true,
        short_names: &["ing"],
        status_subresource: true,
        flux: false,
    },
    ResourceType {
        group: "apiextensions.k8s.io",
        version: "v1",
        plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition",
        namespaced: false,
        short_names: &["crd", "crds"],
        status_subresource: true,
        flux: false,
    },
    flux("notification.toolkit.fluxcd.io", "v1", "receivers", "Receiver"),
    flux("source.toolkit.fluxcd.io", "v1", "gitrepositories", "GitRepository"),
    flux("source.toolkit.fluxcd.io", "v1", "buckets", "Bucket"),
    flux("source.toolkit.fluxcd.io", "v1", "helmcharts", "HelmChart"),
    flux("source.toolkit.fluxcd.io", "v1", "helmrepositories", "HelmRepository"),
    flux("source.toolkit.fluxcd.io", "v1", "ocirepositories", "OCIRepository"),
    flux("kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "Kustomization"),
    flux("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease"),
    flux("image.toolkit.fluxcd.io", "v1", "imagerepositories", "ImageRepository"),
    flux("image.toolkit.fluxcd.io", "v1", "imagepolicies", "ImagePolicy"),
    flux(
        "image.toolkit.fluxcd.io",
        "v1",
        "imageupdateautomations",
        "ImageUpdateAutomation",
    ),
];

/// The types served, with or without Flux.
pub fn served(with_flux: bool) -> impl Iterator<Item = &'static ResourceType> {
    ALL.iter().filter(move |r| with_flux || !r.flux)
}

/// Finds a served type by group, version and plural.
pub fn find(with_flux: bool, group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    served(with_flux).find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Finds a served type by apiVersion and kind (for objects in apply bodies).
pub fn by_kind(with_flux: bool, api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    served(with_flux).find(|r| r.api_version() == api_version && r.kind == kind)
}

/// `/api`.
pub fn core_versions() -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
}

/// The served API groups (core excluded), each an `APIGroup` entry: name,
/// versions and preferred version.
fn groups(with_flux: bool) -> Vec<Value> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in served(with_flux).filter(|r| !r.group.is_empty()) {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => versions.push(r.version),
            Some(_) => {}
            None => groups.push((r.group, vec![r.version])),
        }
    }
    groups
        .into_iter()
        .map(|(group, versions)| {
            let versions: Vec<Value> = versions
                .iter()
                .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
                .collect();
            json!({"name": group, "versions": versions, "preferredVersion": versions[0]})
        })
        .collect()
}

/// `/apis`: the groups and their versions.
pub fn group_list(with_flux: bool) -> Value {
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups(with_flux)})
}

/// `/apis/<group>`: one group's `APIGroup` document; `None` when not served.
pub fn group(with_flux: bool, name: &str) -> Option<Value> {
    let mut group = groups(with_flux).into_iter().find(|g| g["name"] == name)?;
    group["kind"] = json!("APIGroup");
    group["apiVersion"] = json!("v1");
    Some(group)
}

/// `/api/v1` or `/apis/<group>/<version>`; `None` when not served.
pub fn resource_list(with_flux: bool, group: &str, version: &str) -> Option<Value> {
    let resources: Vec<Value> = served(with_flux)
        .filter(|r| r.group == group && r.version == version)
        .flat_map(|r| {
            let mut entries = vec![json!({
                "name": r.plural, "singularName": r.singular(), "namespaced": r.namespaced, "kind": r.kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                "shortNames": r.short_names,
            })];
            // `kubectl get all` lists the kinds in the "all" category.
            if matches!(r.plural, "services" | "deployments") {
                entries[0]["categories"] = json!(["all"]);
            }
            if r.status_subresource {
                entries.push(
                    json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                                    "kind": r.kind, "verbs": ["get", "patch", "update"]}),
                );
            }
            entries
        })
        .collect();
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}))
}

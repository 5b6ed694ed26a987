//! `Kind/[namespace/]name` references to the Flux objects a Receiver triggers.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::names::{validate_dns1123_label, validate_dns1123_subdomain};

/// The kinds a Receiver may reference, with their canonical spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// source.toolkit.fluxcd.io Bucket.
    Bucket,
    /// source.toolkit.fluxcd.io GitRepository.
    GitRepository,
    /// kustomize.toolkit.fluxcd.io Kustomization.
    Kustomization,
    /// helm.toolkit.fluxcd.io HelmRelease.
    HelmRelease,
    /// source.toolkit.fluxcd.io HelmChart.
    HelmChart,
    /// source.toolkit.fluxcd.io HelmRepository.
    HelmRepository,
    /// image.toolkit.fluxcd.io ImageRepository.
    ImageRepository,
    /// image.toolkit.fluxcd.io ImagePolicy.
    ImagePolicy,
    /// image.toolkit.fluxcd.io ImageUpdateAutomation.
    ImageUpdateAutomation,
    /// source.toolkit.fluxcd.io OCIRepository.
    OciRepository,
    /// source.extensions.fluxcd.io ArtifactGenerator.
    ArtifactGenerator,
    /// source.toolkit.fluxcd.io ExternalArtifact.
    ExternalArtifact,
}

impl ResourceKind {
    /// Every kind, in the order the Receiver API documents them.
    pub const ALL: [ResourceKind; 12] = [
        ResourceKind::Bucket,
        ResourceKind::GitRepository,
        ResourceKind::Kustomization,
        ResourceKind::HelmRelease,
        ResourceKind::HelmChart,
        ResourceKind::HelmRepository,
        ResourceKind::ImageRepository,
        ResourceKind::ImagePolicy,
        ResourceKind::ImageUpdateAutomation,
        ResourceKind::OciRepository,
        ResourceKind::ArtifactGenerator,
        ResourceKind::ExternalArtifact,
    ];

    /// The canonical kind name, as written in `spec.resources[].kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "Bucket",
            ResourceKind::GitRepository => "GitRepository",
            ResourceKind::Kustomization => "Kustomization",
            ResourceKind::HelmRelease => "HelmRelease",
            ResourceKind::HelmChart => "HelmChart",
            ResourceKind::HelmRepository => "HelmRepository",
            ResourceKind::ImageRepository => "ImageRepository",
            ResourceKind::ImagePolicy => "ImagePolicy",
            ResourceKind::ImageUpdateAutomation => "ImageUpdateAutomation",
            ResourceKind::OciRepository => "OCIRepository",
            ResourceKind::ArtifactGenerator => "ArtifactGenerator",
            ResourceKind::ExternalArtifact => "ExternalArtifact",
        }
    }

    /// The API group/version the kind is served at (for cluster look-ups).
    pub fn api_version(self) -> &'static str {
        match self {
            ResourceKind::Bucket
            | ResourceKind::GitRepository
            | ResourceKind::HelmChart
            | ResourceKind::HelmRepository
            | ResourceKind::OciRepository
            | ResourceKind::ExternalArtifact => "source.toolkit.fluxcd.io/v1",
            ResourceKind::Kustomization => "kustomize.toolkit.fluxcd.io/v1",
            ResourceKind::HelmRelease => "helm.toolkit.fluxcd.io/v2",
            ResourceKind::ImageRepository | ResourceKind::ImagePolicy | ResourceKind::ImageUpdateAutomation => {
                "image.toolkit.fluxcd.io/v1"
            }
            ResourceKind::ArtifactGenerator => "source.extensions.fluxcd.io/v1beta1",
        }
    }

    /// The apiVersion the notification-controller fills in when a
    /// Receiver's resource names this kind without one: only Bucket,
    /// GitRepository, HelmChart, HelmRepository, OCIRepository,
    /// ImageRepository and ArtifactGenerator have a default (v1.9.3). For
    /// the other kinds a resource without `apiVersion` cannot be resolved,
    /// and every webhook answers 500.
    pub fn controller_default_api_version(self) -> Option<&'static str> {
        match self {
            ResourceKind::Bucket
            | ResourceKind::GitRepository
            | ResourceKind::HelmChart
            | ResourceKind::HelmRepository
            | ResourceKind::OciRepository
            | ResourceKind::ImageRepository
            | ResourceKind::ArtifactGenerator => Some(self.api_version()),
            ResourceKind::Kustomization
            | ResourceKind::HelmRelease
            | ResourceKind::ImagePolicy
            | ResourceKind::ImageUpdateAutomation
            | ResourceKind::ExternalArtifact => None,
        }
    }

    /// The API group of [`ResourceKind::api_version`].
    pub fn group(self) -> &'static str {
        self.api_version().split_once('/').map_or("", |(group, _)| group)
    }

    /// The lowercase plural resource name (`gitrepositories`).
    pub fn plural(self) -> String {
        let lower = self.as_str().to_ascii_lowercase();
        match lower.strip_suffix('y') {
            Some(stem) => format!("{stem}ies"),
            None => format!("{lower}s"),
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a kind name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown kind '{given}'{}, must be one of: {}",
    crate::suggest::did_you_mean(*.suggestion),
    crate::suggest::one_of(ResourceKind::ALL.map(ResourceKind::as_str)))]
pub struct UnknownKind {
    /// What the user typed.
    pub given: String,
    /// The closest valid kind, if any is close.
    pub suggestion: Option<ResourceKind>,
}

impl FromStr for ResourceKind {
    type Err = UnknownKind;

    /// Case-insensitive, so `gitrepository` becomes `GitRepository`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ResourceKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let suggestion = crate::suggest::closest(text, ResourceKind::ALL.map(ResourceKind::as_str))
                    .and_then(|name| name.parse().ok());
                UnknownKind {
                    given: text.to_string(),
                    suggestion,
                }
            })
    }
}

/// The name that, together with `matchLabels`, selects every object of a
/// kind carrying those labels.
pub const WILDCARD: &str = "*";

/// A `--resource` value: which object a Receiver triggers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceRef {
    /// The object's apiVersion (`group/version`), when given as
    /// `group/version/Kind/name`.
    pub api_version: Option<String>,
    /// The object's kind.
    pub kind: ResourceKind,
    /// The object's name, or [`WILDCARD`].
    pub name: String,
    /// Its namespace, when it differs from the Receiver's.
    pub namespace: Option<String>,
}

/// Why a `Kind/[namespace/]name` reference was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResourceRefError {
    /// Not of the form `Kind/name`.
    #[error("must be in the form Kind/name, Kind/namespace/name, or either after group/version/")]
    Format,
    /// The apiVersion's group is not the kind's.
    #[error("invalid apiVersion '{given}' for {kind}: {kind} is served by {expected}")]
    ApiVersion {
        /// The apiVersion given.
        given: String,
        /// The kind it was given for.
        kind: ResourceKind,
        /// The group/version the kind is served at.
        expected: &'static str,
    },
    /// The kind is not one a Receiver can reference.
    #[error(transparent)]
    Kind(#[from] UnknownKind),
    /// The name is not a valid object name.
    #[error("invalid name '{name}': {reason}")]
    Name {
        /// The rejected name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The namespace is not a valid namespace name.
    #[error("invalid namespace '{namespace}': {reason}")]
    Namespace {
        /// The rejected namespace.
        namespace: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl FromStr for ResourceRef {
    type Err = ResourceRefError;

    /// Parses `Kind/name`, `Kind/namespace/name`, or either after an
    /// apiVersion (`kustomize.toolkit.fluxcd.io/v1/Kustomization/app`).
    /// The name may be `*` (every object with the Receiver's matchLabels).
    ///
    /// `Kind/name` is read as `flux create receiver` reads it: the name is
    /// everything after the slash, dots included (flux writes
    /// `GitRepository/app.team-a` as the name `app.team-a`). A namespace is
    /// an extension flux has no syntax for, so it takes a form flux refuses
    /// (three parts) rather than one it would read differently.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split('/').collect();
        let versioned = |group: &str, version: &str| {
            (!group.is_empty() && !version.is_empty()).then(|| format!("{group}/{version}"))
        };
        let (api_version, kind, namespace, name) = match parts[..] {
            [kind, name] => (None, kind, None, name),
            [kind, namespace, name] => (None, kind, Some(namespace), name),
            [group, version, kind, name] => (
                Some(versioned(group, version).ok_or(ResourceRefError::Format)?),
                kind,
                None,
                name,
            ),
            [group, version, kind, namespace, name] => (
                Some(versioned(group, version).ok_or(ResourceRefError::Format)?),
                kind,
                Some(namespace),
                name,
            ),
            _ => return Err(ResourceRefError::Format),
        };
        if kind.is_empty() || name.is_empty() || namespace.is_some_and(str::is_empty) {
            return Err(ResourceRefError::Format);
        }
        let kind: ResourceKind = kind.parse()?;
        if let Some(given) = &api_version {
            let (group, version) = given.split_once('/').unwrap_or_default();
            let version_ok =
                version.starts_with('v') && version.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if group != kind.group() || !version_ok {
                return Err(ResourceRefError::ApiVersion {
                    given: given.clone(),
                    kind,
                    expected: kind.api_version(),
                });
            }
        }
        if name != WILDCARD {
            validate_dns1123_subdomain(name).map_err(|e| ResourceRefError::Name {
                name: name.to_string(),
                reason: e.to_string(),
            })?;
        }
        if let Some(namespace) = namespace {
            validate_dns1123_label(namespace).map_err(|e| ResourceRefError::Namespace {
                namespace: namespace.to_string(),
                reason: e.to_string(),
            })?;
        }
        Ok(ResourceRef {
            api_version,
            kind,
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
        })
    }
}

impl ResourceRef {
    /// Whether the name is [`WILDCARD`].
    pub fn is_wildcard(&self) -> bool {
        self.name == WILDCARD
    }

    /// The apiVersion to write to the Receiver: the one given, else (when
    /// `pin`) the kind's for kinds the controller cannot default, else none.
    pub fn api_version_to_write(&self, pin: bool) -> Option<String> {
        self.api_version.clone().or_else(|| {
            (pin && self.kind.controller_default_api_version().is_none()).then(|| self.kind.api_version().to_string())
        })
    }
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(api_version) = &self.api_version {
            write!(f, "{api_version}/")?;
        }
        write!(f, "{}/", self.kind)?;
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        }
        write!(f, "{}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises_kinds() {
        let r: ResourceRef = "gitrepository/my-nginx".parse().unwrap();
        assert_eq!(
            r,
            ResourceRef {
                api_version: None,
                kind: ResourceKind::GitRepository,
                name: "my-nginx".into(),
                namespace: None
            }
        );
        let r: ResourceRef = "OCIRepository/apps/app".parse().unwrap();
        assert_eq!((r.name.as_str(), r.namespace.as_deref()), ("app", Some("apps")));
        assert_eq!(r.to_string(), "OCIRepository/apps/app");
        // As flux reads it: a dot is part of the name.
        let r: ResourceRef = "Kustomization/my.app.team-a".parse().unwrap();
        assert_eq!((r.name.as_str(), r.namespace.as_deref()), ("my.app.team-a", None));
    }

    #[test]
    fn rejects_bad_references() {
        assert_eq!("GitRepository".parse::<ResourceRef>(), Err(ResourceRefError::Format));
        assert_eq!("/x".parse::<ResourceRef>(), Err(ResourceRefError::Format));
        assert_eq!("GitRepository/".parse::<ResourceRef>(), Err(ResourceRefError::Format));
        assert_eq!("a/b/c/d/e/f".parse::<ResourceRef>(), Err(ResourceRefError::Format));
        assert_eq!("GitRepository//x".parse::<ResourceRef>(), Err(ResourceRefError::Format));
        assert!(matches!(
            "GitRepo/x".parse::<ResourceRef>(),
            Err(ResourceRefError::Kind(_))
        ));
        assert!(matches!(
            "GitRepository/X".parse::<ResourceRef>(),
            Err(ResourceRefError::Name { .. })
        ));
        assert!(matches!(
            "GitRepository/Bad/x".parse::<ResourceRef>(),
            Err(ResourceRefError::Namespace { .. })
        ));
    }

    #[test]
    fn suggests_close_kinds() {
        let err = "GitRepositry".parse::<ResourceKind>().unwrap_err();
        assert_eq!(err.suggestion, Some(ResourceKind::GitRepository));
        assert!(err.to_string().contains("did you mean 'GitRepository'?"));
    }

    #[test]
    fn api_version_prefix_and_wildcard() {
        let r: ResourceRef = "kustomize.toolkit.fluxcd.io/v1/Kustomization/team-a/app"
            .parse()
            .unwrap();
        assert_eq!(r.api_version.as_deref(), Some("kustomize.toolkit.fluxcd.io/v1"));
        assert_eq!(
            (r.kind, r.name.as_str(), r.namespace.as_deref()),
            (ResourceKind::Kustomization, "app", Some("team-a"))
        );
        assert_eq!(r.to_string(), "kustomize.toolkit.fluxcd.io/v1/Kustomization/team-a/app");
        // Another version of the kind's group is fine; another group is a typo.
        assert!(
            "helm.toolkit.fluxcd.io/v2beta2/HelmRelease/x"
                .parse::<ResourceRef>()
                .is_ok()
        );
        let err = "source.toolkit.fluxcd.io/v1/Kustomization/x"
            .parse::<ResourceRef>()
            .unwrap_err();
        assert!(err.to_string().contains("kustomize.toolkit.fluxcd.io/v1"), "{err}");
        assert!(matches!(
            "kustomize.toolkit.fluxcd.io/V1/Kustomization/x".parse::<ResourceRef>(),
            Err(ResourceRefError::ApiVersion { .. })
        ));
        assert!(matches!(
            "a/Kustomization/x".parse::<ResourceRef>(),
            Err(ResourceRefError::Kind(_))
        ));
        assert_eq!(
            "/v1/Kustomization/x".parse::<ResourceRef>(),
            Err(ResourceRefError::Format)
        );

        let r: ResourceRef = "GitRepository/*".parse().unwrap();
        assert!(r.is_wildcard());
        assert_eq!(r.to_string(), "GitRepository/*");
        let r: ResourceRef = "GitRepository/apps/*".parse().unwrap();
        assert_eq!((r.name.as_str(), r.namespace.as_deref()), ("*", Some("apps")));
        assert!("GitRepository/a*".parse::<ResourceRef>().is_err());
    }

    #[test]
    fn only_source_and_image_repository_kinds_have_controller_defaults() {
        let defaulted: Vec<&str> = ResourceKind::ALL
            .into_iter()
            .filter(|k| k.controller_default_api_version().is_some())
            .map(ResourceKind::as_str)
            .collect();
        assert_eq!(
            defaulted,
            [
                "Bucket",
                "GitRepository",
                "HelmChart",
                "HelmRepository",
                "ImageRepository",
                "OCIRepository",
                "ArtifactGenerator"
            ]
        );
        let k: ResourceRef = "Kustomization/x".parse().unwrap();
        assert_eq!(k.api_version_to_write(false), None);
        assert_eq!(
            k.api_version_to_write(true).as_deref(),
            Some("kustomize.toolkit.fluxcd.io/v1")
        );
        let g: ResourceRef = "GitRepository/x".parse().unwrap();
        assert_eq!(g.api_version_to_write(true), None);
        assert_eq!(ResourceKind::HelmRelease.group(), "helm.toolkit.fluxcd.io");
    }

    #[test]
    fn plurals() {
        assert_eq!(ResourceKind::GitRepository.plural(), "gitrepositories");
        assert_eq!(ResourceKind::ImagePolicy.plural(), "imagepolicies");
        assert_eq!(ResourceKind::Kustomization.plural(), "kustomizations");
        assert_eq!(ResourceKind::OciRepository.plural(), "ocirepositories");
    }
}

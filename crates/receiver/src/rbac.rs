//! The Kubernetes RBAC rules each flux-receiver command needs: least
//! privilege, as a table and as Role/ClusterRole manifests.
//!
//! The table is derived from the requests each command makes (run any
//! command with `--verbose` to see them, one `(attempt …)` line each) and is
//! checked against a real API server by tests that run each command bound
//! to exactly these rules, then with each rule taken away.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::manifest::export;

/// Where a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The command's namespace (`-n`); all namespaces with `list -A`.
    Target,
    /// The Flux namespace (`--flux-namespace`), where the controller and
    /// its webhook Services live.
    Flux,
    /// Cluster-scoped objects.
    Cluster,
}

/// One rule: verbs on one resource of one API group, in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The API group (`""` for the core group).
    pub group: &'static str,
    /// The plural resource name.
    pub resource: Cow<'static, str>,
    /// The verbs, in the order Kubernetes lists them.
    pub verbs: &'static [&'static str],
    /// Where the rule applies.
    pub scope: Scope,
    /// `None` when the command fails without the rule; else what is lost
    /// without it (the command still succeeds).
    pub optional: Option<&'static str>,
}

const FLUX: &str = "notification.toolkit.fluxcd.io";
const ADDRESS: &str = "finding the webhook address";

const fn rule(group: &'static str, resource: &'static str, verbs: &'static [&'static str], scope: Scope) -> Rule {
    Rule {
        group,
        resource: Cow::Borrowed(resource),
        verbs,
        scope,
        optional: None,
    }
}

const fn optional(
    group: &'static str,
    resource: &'static str,
    verbs: &'static [&'static str],
    scope: Scope,
    lost: &'static str,
) -> Rule {
    Rule {
        group,
        resource: Cow::Borrowed(resource),
        verbs,
        scope,
        optional: Some(lost),
    }
}

/// Address discovery (`list`, `get`, `url`, `trigger`, `doctor`): Services,
/// Ingresses and HTTPRoutes in the Flux namespace, nodes for a NodePort.
const DISCOVERY: [Rule; 4] = [
    optional("", "services", &["list"], Scope::Flux, ADDRESS),
    optional("networking.k8s.io", "ingresses", &["list"], Scope::Flux, ADDRESS),
    optional(
        "gateway.networking.k8s.io",
        "httproutes",
        &["list"],
        Scope::Flux,
        ADDRESS,
    ),
    optional(
        "",
        "nodes",
        &["list"],
        Scope::Cluster,
        "the address of a NodePort Service",
    ),
];

/// The commands that talk to the cluster, in the order `--help` lists them.
pub const COMMANDS: [&str; 15] = [
    "create",
    "secret",
    "setup",
    "expose",
    "list",
    "get",
    "delete",
    "suspend",
    "resume",
    "reconcile",
    "export",
    "url",
    "trigger",
    "rotate",
    "doctor",
];

/// The rules `command` needs, or `None` for a command that is not one of
/// [`COMMANDS`].
pub fn rules(command: &str) -> Option<Vec<Rule>> {
    use Scope::{Cluster, Flux, Target};
    let secret_read = optional("", "secrets", &["get"], Target, "the token check and the URL");
    let mut rules = match command {
        // Server-side apply creates an object that is not there yet, and
        // the API server asks for `create` then (measured on a real one).
        "create" => vec![
            rule(FLUX, "receivers", &["create", "patch", "watch"], Target),
            optional("", "secrets", &["get"], Target, "the URL from the Secret's annotation"),
            optional("", "services", &["list"], Flux, ADDRESS),
            optional("", "nodes", &["list"], Cluster, "the address of a NodePort Service"),
        ],
        "secret" => vec![
            rule("", "secrets", &["get", "create", "patch"], Target),
            rule(FLUX, "receivers", &["list", "patch", "watch"], Target),
        ],
        "setup" => vec![
            rule(FLUX, "receivers", &["get", "create", "patch", "watch"], Target),
            rule("", "secrets", &["get", "create", "patch"], Target),
            rule("", "services", &["list", "get", "create", "patch", "watch"], Flux),
            rule("apps", "deployments", &["get"], Flux),
            optional("", "nodes", &["list"], Cluster, "the address of a NodePort Service"),
        ],
        "expose" => vec![
            rule("", "services", &["get", "create", "patch", "watch"], Flux),
            rule("apps", "deployments", &["get"], Flux),
            optional("", "nodes", &["list"], Cluster, "the address of a NodePort Service"),
        ],
        "list" => {
            let mut rules = vec![
                rule(FLUX, "receivers", &["list"], Target),
                optional("", "secrets", &["get", "list"], Target, "the token check and the URL"),
            ];
            rules.extend(DISCOVERY);
            rules
        }
        "get" => {
            let mut rules = vec![rule(FLUX, "receivers", &["get", "list"], Target), secret_read];
            rules.extend(DISCOVERY);
            rules.extend(referenced_objects("the check that referenced objects exist"));
            rules
        }
        "delete" => vec![rule(FLUX, "receivers", &["delete"], Target)],
        "suspend" => vec![rule(FLUX, "receivers", &["patch"], Target)],
        "resume" | "reconcile" => vec![rule(FLUX, "receivers", &["get", "patch", "watch"], Target)],
        "export" => vec![rule(FLUX, "receivers", &["get", "list"], Target)],
        "url" => {
            let mut rules = vec![
                rule(FLUX, "receivers", &["get"], Target),
                rule("", "secrets", &["get"], Target),
            ];
            rules.extend(DISCOVERY);
            rules
        }
        "trigger" => {
            let mut rules = vec![
                rule(FLUX, "receivers", &["get"], Target),
                rule("", "secrets", &["get"], Target),
            ];
            rules.extend(DISCOVERY);
            rules
        }
        "rotate" => {
            let mut rules = vec![
                rule(FLUX, "receivers", &["get", "list", "patch", "watch"], Target),
                rule("", "secrets", &["get", "patch"], Target),
            ];
            rules.extend(DISCOVERY);
            rules
        }
        "doctor" => {
            let mut rules = vec![
                rule(FLUX, "receivers", &["get", "list"], Target),
                rule("", "secrets", &["get"], Target),
                rule("apps", "deployments", &["get"], Flux),
            ];
            rules.extend(DISCOVERY);
            rules.extend(referenced_objects("the check that referenced objects exist"));
            rules
        }
        _ => return None,
    };
    rules.sort_by(|a, b| {
        (a.scope, a.optional.is_some(), a.group, &a.resource).cmp(&(
            b.scope,
            b.optional.is_some(),
            b.group,
            &b.resource,
        ))
    });
    Some(rules)
}

/// `get` on every kind a Receiver may reference (one rule per kind).
fn referenced_objects(lost: &'static str) -> Vec<Rule> {
    crate::ResourceKind::ALL
        .iter()
        .map(|kind| Rule {
            resource: Cow::Owned(kind.plural()),
            ..optional(kind.group(), "", &["get"], Scope::Target, lost)
        })
        .collect()
}

/// The namespaces rules apply in, for the table and the manifests.
#[derive(Debug, Clone)]
pub struct Namespaces<'a> {
    /// The command's namespace; `None` for all namespaces.
    pub target: Option<&'a str>,
    /// The Flux namespace.
    pub flux: &'a str,
}

impl Namespaces<'_> {
    /// Where a rule in `scope` applies: a namespace, or `None` cluster-wide.
    pub fn of(&self, scope: Scope) -> Option<&str> {
        match scope {
            Scope::Target => self.target,
            Scope::Flux => Some(self.flux),
            Scope::Cluster => None,
        }
    }
}

/// The rules as a table: COMMAND, API GROUP, RESOURCE, VERBS, SCOPE,
/// NEEDED, one row per rule.
pub fn table_rows(commands: &[&str], namespaces: &Namespaces<'_>) -> Vec<[String; 6]> {
    let mut rows: Vec<[String; 6]> = Vec::new();
    for command in commands {
        for rule in rules(command).unwrap_or_default() {
            let group = if rule.group.is_empty() {
                "\"\" (core)"
            } else {
                rule.group
            };
            let scope = match namespaces.of(rule.scope) {
                Some(namespace) => format!("namespace {namespace}"),
                None if rule.scope == Scope::Cluster => "cluster".to_string(),
                None => "all namespaces".to_string(),
            };
            let needed = match rule.optional {
                None => "required".to_string(),
                Some(lost) => format!("optional: {lost}"),
            };
            let verbs = rule.verbs.join(",");
            // Rows that differ only in the resource share one line
            // (the many Flux kinds `get` and `doctor` look up).
            if let Some(last) = rows.last_mut()
                && last[0] == *command
                && last[1] == group
                && last[3] == verbs
                && last[4] == scope
                && last[5] == needed
            {
                last[2] = format!("{},{}", last[2], rule.resource);
                continue;
            }
            rows.push([
                command.to_string(),
                group.to_string(),
                rule.resource.to_string(),
                verbs,
                scope,
                needed,
            ]);
        }
    }
    rows
}

/// The rules of `commands` as manifests: a Role per namespace and a
/// ClusterRole for cluster-scoped rules (and for namespaced ones with all
/// namespaces), named `name`. Optional rules are left out unless
/// `with_optional`. Verbs of the same resource are merged.
pub fn manifests(commands: &[&str], namespaces: &Namespaces<'_>, name: &str, with_optional: bool) -> String {
    // namespace (None: cluster) -> (group, resource) -> verbs
    type Grants = BTreeMap<Option<String>, BTreeMap<(&'static str, String), Vec<&'static str>>>;
    let mut grants: Grants = BTreeMap::new();
    for command in commands {
        for rule in rules(command).unwrap_or_default() {
            if rule.optional.is_some() && !with_optional {
                continue;
            }
            let namespace = namespaces.of(rule.scope).map(str::to_string);
            let verbs = grants
                .entry(namespace)
                .or_default()
                .entry((rule.group, rule.resource.to_string()))
                .or_default();
            for verb in rule.verbs {
                if !verbs.contains(verb) {
                    verbs.push(verb);
                }
            }
        }
    }
    let mut out = String::new();
    // Roles first, then the ClusterRole, as kubectl applies them in order.
    for (namespace, resources) in grants.iter().rev() {
        let policy: Vec<PolicyRule> = resources
            .iter()
            .map(|((group, resource), verbs)| PolicyRule {
                api_groups: Some(vec![group.to_string()]),
                resources: Some(vec![resource.to_string()]),
                verbs: order(verbs),
                ..Default::default()
            })
            .collect();
        match namespace {
            Some(namespace) => out.push_str(&export(&Role {
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    namespace: Some(namespace.clone()),
                    ..Default::default()
                },
                rules: Some(policy),
            })),
            None => out.push_str(&export(&ClusterRole {
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    ..Default::default()
                },
                rules: Some(policy),
                ..Default::default()
            })),
        }
    }
    out
}

/// One verb on one resource in one place: what a SelfSubjectAccessReview
/// asks about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    /// The namespace; `None` for a cluster-scoped resource or all namespaces.
    pub namespace: Option<String>,
    /// The API group (`""` for the core group).
    pub group: &'static str,
    /// The plural resource name.
    pub resource: String,
    /// The API verb.
    pub verb: &'static str,
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resource = match self.group {
            "" => self.resource.clone(),
            group => format!("{}.{group}", self.resource),
        };
        match &self.namespace {
            Some(namespace) => write!(f, "{} {resource} in namespace '{namespace}'", self.verb),
            None => write!(f, "{} {resource} cluster-wide", self.verb),
        }
    }
}

/// Every grant the required rules of `commands` hold, each with the
/// commands that fail without it, in a stable order.
pub fn required_grants<'c>(commands: &[&'c str], namespaces: &Namespaces<'_>) -> BTreeMap<Grant, Vec<&'c str>> {
    let mut grants: BTreeMap<Grant, Vec<&'c str>> = BTreeMap::new();
    for command in commands {
        for rule in rules(command).unwrap_or_default() {
            if rule.optional.is_some() {
                continue;
            }
            for verb in rule.verbs {
                let grant = Grant {
                    namespace: namespaces.of(rule.scope).map(str::to_string),
                    group: rule.group,
                    resource: rule.resource.to_string(),
                    verb,
                };
                let needers = grants.entry(grant).or_default();
                if !needers.contains(command) {
                    needers.push(command);
                }
            }
        }
    }
    grants
}

/// Verbs in Kubernetes' customary order.
fn order(verbs: &[&str]) -> Vec<String> {
    const ORDER: [&str; 7] = ["get", "list", "watch", "create", "update", "patch", "delete"];
    let mut verbs: Vec<&str> = verbs.to_vec();
    verbs.sort_by_key(|v| ORDER.iter().position(|o| o == v).unwrap_or(ORDER.len()));
    verbs.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_rules_and_others_none() {
        for command in COMMANDS {
            assert!(!rules(command).unwrap().is_empty(), "{command}");
        }
        assert!(rules("completion").is_none());
    }

    #[test]
    fn list_needs_only_reads() {
        for rule in rules("list").unwrap() {
            assert!(rule.verbs.iter().all(|v| ["get", "list"].contains(v)), "{rule:?}");
        }
    }

    #[test]
    fn manifests_are_a_role_per_namespace_and_a_cluster_role() {
        let namespaces = Namespaces {
            target: Some("apps"),
            flux: "flux-system",
        };
        let yaml = manifests(&["setup"], &namespaces, "flux-receiver", true);
        assert_eq!(yaml.matches("kind: Role\n").count(), 2, "{yaml}");
        assert_eq!(yaml.matches("kind: ClusterRole\n").count(), 1, "{yaml}");
        assert!(yaml.contains("namespace: apps"), "{yaml}");
        let required = manifests(&["setup"], &namespaces, "flux-receiver", false);
        assert!(!required.contains("ClusterRole"), "{required}");
    }

    #[test]
    fn required_grants_name_the_commands_that_need_them() {
        let namespaces = Namespaces {
            target: Some("apps"),
            flux: "flux-system",
        };
        let grants = required_grants(&COMMANDS, &namespaces);
        let patch_receivers = Grant {
            namespace: Some("apps".into()),
            group: FLUX,
            resource: "receivers".into(),
            verb: "patch",
        };
        assert_eq!(
            grants[&patch_receivers],
            ["create", "secret", "setup", "suspend", "resume", "reconcile", "rotate"]
        );
        assert_eq!(
            patch_receivers.to_string(),
            "patch receivers.notification.toolkit.fluxcd.io in namespace 'apps'"
        );
        // Optional rules are no grant a command fails without.
        assert!(!grants.keys().any(|g| g.resource == "nodes"), "{grants:?}");
        let all = Namespaces {
            target: None,
            flux: "flux-system",
        };
        let list = required_grants(&["list"], &all);
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(
            list.keys().next().unwrap().to_string(),
            "list receivers.notification.toolkit.fluxcd.io cluster-wide"
        );
    }
}

//! Least privilege on the real control plane (`testenv/run`; these tests
//! fail without it): each command runs as a user bound to exactly the rules
//! `flux-receiver rbac COMMAND --export` prints, and works; then, for each
//! rule the run exercises (each verb on each resource), as a user bound to
//! everything but that rule, and fails with exit 1 and one line naming the
//! verb, the resource and the namespace, having written nothing.
//!
//! The restricted users need no certificates: the admin kubeconfig with
//! `as:` set on its user entry impersonates them (kube-rs sends the
//! Impersonate-User header). Every case gets a user of its own, so no
//! grant from one case lingers into another.

mod common;

mod real {
    use std::path::PathBuf;
    use std::process::Output;
    use std::time::{Duration, Instant};

    use super::common::testenv::{self, Namespace, ok, stderr};

    /// A verb on a resource in a namespace, as the error names it.
    #[derive(Clone, Copy, Debug)]
    struct Use {
        verb: &'static str,
        resource: &'static str,
        flux_namespace: bool,
    }

    const fn at_target(verb: &'static str, resource: &'static str) -> Use {
        Use {
            verb,
            resource,
            flux_namespace: false,
        }
    }

    /// One command run: what the admin prepares, the arguments, the
    /// requests it makes that need a grant, and the objects it writes.
    struct Case {
        command: &'static str,
        args: Vec<String>,
        uses: Vec<Use>,
        writes: Vec<(&'static str, String)>,
    }

    /// The Flux namespace of the test control plane.
    const FLUX_NAMESPACE: &str = "flux-system";

    /// A kubeconfig that impersonates `user` with the admin's credentials.
    fn impersonating(ns: &Namespace, user: &str) -> PathBuf {
        let raw = ok(&ns.kubectl(&["config", "view", "--raw", "-o", "json"]));
        let mut config: serde_json::Value = serde_json::from_str(&raw).unwrap();
        for entry in config["users"].as_array_mut().unwrap() {
            entry["user"]["as"] = serde_json::Value::String(user.to_string());
        }
        let path = std::env::temp_dir().join(format!("{user}.kubeconfig"));
        // A kubeconfig in JSON is valid YAML.
        std::fs::write(&path, serde_json::to_vec(&config).unwrap()).unwrap();
        path
    }

    /// `yaml` (Roles, ClusterRoles named `user`) applied, with a binding of
    /// each to `user`, less the rule `without` when given.
    fn grant(ns: &Namespace, user: &str, roles: &str, without: Option<Use>) {
        let mut docs: Vec<serde_json::Value> = Vec::new();
        for doc in roles.split("---\n").filter(|d| !d.trim().is_empty()) {
            let applied = ok(&ns.kubectl_with_stdin(&["create", "--dry-run=client", "-o", "json", "-f", "-"], doc));
            docs.push(serde_json::from_str(&applied).unwrap());
        }
        let mut manifests = String::new();
        for mut doc in docs {
            let namespace = doc["metadata"]["namespace"].as_str().map(str::to_string);
            if let Some(removed) = without {
                let target = if removed.flux_namespace {
                    FLUX_NAMESPACE
                } else {
                    &ns.name
                };
                if namespace.as_deref() == Some(target) {
                    for rule in doc["rules"].as_array_mut().unwrap() {
                        if rule["resources"][0] == removed.resource {
                            let verbs = rule["verbs"].as_array_mut().unwrap();
                            verbs.retain(|v| v != removed.verb);
                        }
                    }
                    doc["rules"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|r| !r["verbs"].as_array().unwrap().is_empty());
                }
            }
            doc["metadata"]["name"] = serde_json::Value::String(user.to_string());
            let kind = doc["kind"].as_str().unwrap().to_string();
            manifests.push_str(&format!("---\n{doc}\n"));
            let binding = match &namespace {
                Some(namespace) => serde_json::json!({
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": {"name": user, "namespace": namespace},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": user},
                    "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
                }),
                None => serde_json::json!({
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": {"name": user},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": user},
                    "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
                }),
            };
            manifests.push_str(&format!("---\n{binding}\n"));
        }
        ok(&ns.kubectl_with_stdin(&["apply", "-f", "-"], &manifests));
    }

    /// Waits until the authorizer has seen the grants: `user` may `check`.
    fn wait_until_allowed(ns: &Namespace, user: &str, check: Use) {
        let namespace = if check.flux_namespace { FLUX_NAMESPACE } else { &ns.name };
        let start = Instant::now();
        loop {
            let answer = ns.kubectl(&[
                "auth",
                "can-i",
                check.verb,
                check.resource,
                "-n",
                namespace,
                "--as",
                user,
            ]);
            if answer.status.success() {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{user} never got {check:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The objects `case` writes, as the admin sees them (None: absent).
    fn snapshot(ns: &Namespace, case: &Case) -> Vec<Option<String>> {
        case.writes
            .iter()
            .map(|(resource, name)| {
                let out = ns.kubectl(&[
                    "get",
                    resource,
                    name,
                    "-n",
                    &ns.name,
                    "-o",
                    "json",
                    "--ignore-not-found",
                ]);
                let text = ok(&out);
                (!text.trim().is_empty()).then(|| {
                    let object: serde_json::Value = serde_json::from_str(&text).unwrap();
                    object["metadata"]["resourceVersion"].to_string()
                })
            })
            .collect()
    }

    fn run_as(ns: &Namespace, user: &str, case: &Case) -> Output {
        super::common::flux_receiver()
            .env("KUBECONFIG", impersonating(ns, user))
            .args(&case.args)
            .args(["-n", &ns.name, "--timeout", "20s"])
            .output()
            .expect("flux-receiver runs")
    }

    fn rules_of(ns: &Namespace, command: &str, user: &str) -> String {
        ok(&super::common::flux_receiver()
            .args(["rbac", command, "--export", "--role-name", user, "-n", &ns.name])
            .args(["--flux-namespace", FLUX_NAMESPACE])
            .output()
            .unwrap())
    }

    fn args(words: &str) -> Vec<String> {
        words.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn each_command_works_with_exactly_its_rules_and_fails_cleanly_without_each() {
        let ns = Namespace::create("rbac");
        let hostname = testenv::webhook();
        // What the cases read: a token Secret and a Receiver using it.
        ns.git_repository("app");
        ok(&ns.ours(&[
            "setup",
            "existing",
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--no-expose",
            "--hostname",
            &hostname,
        ]));
        ok(&ns.ours(&["secret", "shared", "--type", "github", "--hostname", &hostname]));

        let receivers = "receivers";
        let secrets = "secrets";
        let mut cases = vec![
            Case {
                command: "list",
                args: args("list"),
                uses: vec![at_target("list", receivers)],
                writes: vec![],
            },
            Case {
                command: "get",
                args: args("get existing"),
                uses: vec![at_target("get", receivers)],
                writes: vec![],
            },
            Case {
                command: "doctor",
                args: args(&format!("doctor existing --hostname {hostname}")),
                uses: vec![
                    at_target("get", receivers),
                    Use {
                        verb: "get",
                        resource: "deployments",
                        flux_namespace: true,
                    },
                ],
                writes: vec![],
            },
        ];
        let mut n = 0;
        let mut fresh = |prefix: &str| {
            n += 1;
            format!("{prefix}-{n}")
        };
        // Cases that write get new names per run (a failed run writes
        // nothing, so the name stays free; see `writes`).
        let name = fresh("created");
        cases.push(Case {
            command: "create",
            args: args(&format!(
                "create {name} --type github --secret-ref shared --resource GitRepository/app --hostname {hostname}"
            )),
            uses: vec![
                at_target("create", receivers),
                at_target("patch", receivers),
                at_target("watch", receivers),
            ],
            writes: vec![(receivers, name)],
        });
        let name = fresh("token");
        cases.push(Case {
            command: "secret",
            args: args(&format!("secret {name} --type github --hostname {hostname}")),
            uses: vec![at_target("get", secrets), at_target("create", secrets)],
            writes: vec![(secrets, name)],
        });
        let name = fresh("set-up");
        cases.push(Case {
            command: "setup",
            args: args(&format!(
                "setup {name} --type github --resource GitRepository/app --no-expose --hostname {hostname}"
            )),
            uses: vec![
                at_target("get", receivers),
                at_target("get", secrets),
                at_target("create", secrets),
                at_target("create", receivers),
                at_target("patch", receivers),
                at_target("watch", receivers),
            ],
            writes: vec![(secrets, name.clone()), (receivers, name)],
        });
        let existing = || vec![(receivers, "existing".to_string())];
        cases.push(Case {
            command: "suspend",
            args: args("suspend existing"),
            uses: vec![at_target("patch", receivers)],
            writes: existing(),
        });
        cases.push(Case {
            command: "resume",
            args: args("resume existing"),
            uses: vec![at_target("patch", receivers), at_target("watch", receivers)],
            writes: existing(),
        });
        cases.push(Case {
            command: "reconcile",
            args: args("reconcile existing"),
            uses: vec![
                at_target("get", receivers),
                at_target("patch", receivers),
                at_target("watch", receivers),
            ],
            writes: existing(),
        });
        cases.push(Case {
            command: "export",
            args: args("export existing"),
            uses: vec![at_target("get", receivers)],
            writes: vec![],
        });
        cases.push(Case {
            command: "url",
            args: args(&format!("url existing --hostname {hostname}")),
            uses: vec![at_target("get", receivers), at_target("get", secrets)],
            writes: vec![],
        });
        cases.push(Case {
            command: "trigger",
            args: args(&format!("trigger existing --hostname {hostname}")),
            uses: vec![at_target("get", receivers), at_target("get", secrets)],
            writes: vec![],
        });
        // expose works in -n when --flux-namespace is left alone: a
        // stand-in controller Deployment there gives it a selector (no
        // kubelet runs it).
        ns.apply(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: notification-controller\nspec:\n  selector:\n    matchLabels:\n      app: notification-controller\n  template:\n    metadata:\n      labels:\n        app: notification-controller\n    spec:\n      containers:\n      - name: manager\n        image: example.invalid/notification-controller\n",
        );
        cases.push(Case {
            command: "expose",
            args: args("expose --type ClusterIP --no-wait"),
            uses: vec![
                at_target("get", "deployments"),
                at_target("create", "services"),
                at_target("patch", "services"),
            ],
            writes: vec![("services", "receiver".into())],
        });
        cases.push(Case {
            command: "rotate",
            args: args("rotate existing --yes"),
            uses: vec![
                at_target("get", receivers),
                at_target("get", secrets),
                at_target("list", receivers),
                at_target("patch", secrets),
                at_target("patch", receivers),
                at_target("watch", receivers),
            ],
            writes: vec![(secrets, "existing".into()), (receivers, "existing".into())],
        });
        cases.push(Case {
            command: "delete",
            args: args("delete existing --silent"),
            uses: vec![at_target("delete", receivers)],
            writes: vec![(receivers, "existing".into())],
        });

        let mut ran = 0;
        for case in &cases {
            let user = format!("rbac-{}-{}", ns.name, fresh(case.command));
            let roles = rules_of(&ns, case.command, &user);
            for removed in &case.uses {
                let user = format!("rbac-{}-{}", ns.name, fresh(case.command));
                grant(&ns, &user, &roles, Some(*removed));
                if let Some(kept) = case
                    .uses
                    .iter()
                    .find(|u| u.verb != removed.verb || u.resource != removed.resource)
                {
                    wait_until_allowed(&ns, &user, *kept);
                }
                let before = snapshot(&ns, case);
                let out = run_as(&ns, &user, case);
                let err = stderr(&out);
                let namespace = if removed.flux_namespace {
                    FLUX_NAMESPACE
                } else {
                    &ns.name
                };
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{} without {removed:?}: {err}",
                    case.command
                );
                // One error line, the last; before it at most progress lines
                // (`► applying …`) of the steps that had begun.
                let last = err.lines().last().unwrap_or_default();
                assert!(
                    last.starts_with("error: "),
                    "{} without {removed:?}: {err}",
                    case.command
                );
                assert!(
                    err.lines().rev().skip(1).all(|line| line.starts_with(['►', '◎', '✔'])),
                    "{} without {removed:?}: {err}",
                    case.command
                );
                for word in [removed.verb, removed.resource, namespace] {
                    assert!(last.contains(word), "{} without {removed:?}: {err}", case.command);
                }
                assert_eq!(
                    snapshot(&ns, case),
                    before,
                    "{} without {removed:?} wrote something",
                    case.command
                );
                ran += 1;
            }
            grant(&ns, &user, &roles, None);
            for check in &case.uses {
                wait_until_allowed(&ns, &user, *check);
            }
            let out = run_as(&ns, &user, case);
            assert!(
                out.status.success(),
                "{} with exactly its rules:\n{}{}",
                case.command,
                String::from_utf8_lossy(&out.stdout),
                stderr(&out)
            );
            ran += 1;
        }
        assert!(ran >= 5, "{ran} runs");
    }

    #[test]
    fn doctor_names_the_permissions_a_read_only_user_lacks() {
        let ns = Namespace::create("rbac-doctor");
        let hostname = testenv::webhook();
        ns.git_repository("app");
        ok(&ns.ours(&[
            "setup",
            "app",
            "--type",
            "github",
            "--resource",
            "GitRepository/app",
            "--no-expose",
            "--hostname",
            &hostname,
        ]));
        let user = format!("rbac-{}-reader", ns.name);
        grant(&ns, &user, &rules_of(&ns, "doctor", &user), None);
        wait_until_allowed(&ns, &user, at_target("get", "receivers"));
        let case = Case {
            command: "doctor",
            args: args(&format!("doctor app --hostname {hostname}")),
            uses: vec![],
            writes: vec![],
        };
        let out = run_as(&ns, &user, &case);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{report}{}", stderr(&out));
        let first = report.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("⚠ you lack ") && first.contains(&format!("in namespace '{}'", ns.name)),
            "{report}"
        );
        for missing in [
            format!(
                "cannot create secrets in namespace '{}': secret, setup fail without it",
                ns.name
            ),
            format!(
                "cannot delete receivers.notification.toolkit.fluxcd.io in namespace '{}': delete fail",
                ns.name
            ),
        ] {
            assert!(report.contains(&missing), "{missing}:\n{report}");
        }
        // What the user may do is not reported missing.
        assert!(!report.contains("cannot get receivers"), "{report}");
        assert!(report.contains("✔   Ready"), "{report}");

        // Bound to every command's rules, nothing is missing.
        let admin = format!("rbac-{}-admin", ns.name);
        let all = ok(&super::common::flux_receiver()
            .args([
                "rbac",
                "--export",
                "--role-name",
                &admin,
                "-n",
                &ns.name,
                "--flux-namespace",
                FLUX_NAMESPACE,
            ])
            .output()
            .unwrap());
        grant(&ns, &admin, &all, None);
        wait_until_allowed(&ns, &admin, at_target("delete", "receivers"));
        let out = run_as(&ns, &admin, &case);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            report.starts_with(&format!(
                "✔ your permissions suffice for every command in namespace '{}'",
                ns.name
            )),
            "{report}{}",
            stderr(&out)
        );
    }
}

/// The README's table of rules is the one `rbac` prints (rows as
/// `receiver::rbac::table_rows` gives them, scopes named by their flags).
#[test]
fn the_readme_table_is_the_rule_table() {
    let namespaces = receiver::rbac::Namespaces {
        target: Some("`-n`"),
        flux: "`--flux-namespace`",
    };
    let mut table =
        String::from("| command | API group | resource | verbs | where | needed |\n|---|---|---|---|---|---|\n");
    for row in receiver::rbac::table_rows(&receiver::rbac::COMMANDS, &namespaces) {
        let cells: Vec<String> = row.iter().map(|cell| cell.replace(',', ", ")).collect();
        table.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md lacks the rule table; it is now:\n{table}"
    );
}

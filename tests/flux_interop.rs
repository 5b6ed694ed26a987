//! flux-receiver and the real flux CLI (flux2 v2.9.4) on the same real
//! control plane (`testenv/run`: kube-apiserver, etcd, the Flux CRDs and
//! the notification-controller): each reads, acts on and re-applies what
//! the other wrote. kubectl is the independent reader.
//!
//! The tests are in `mod real`: they need `FLUX_RECEIVER_E2E_KUBECONFIG`
//! and `FLUX_RECEIVER_E2E_FLUX`, and fail without them.

mod common;

mod real {
    use std::time::{Duration, Instant};

    use serde_json::Value;

    use super::common::testenv::{self, Namespace, ok, stderr};

    /// flux's `get receivers` table: one map of column to cell per row
    /// (flux pads cells and ends each with a tab).
    fn flux_table(text: &str) -> Vec<Vec<(String, String)>> {
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap_or_default()
            .split('\t')
            .map(|h| h.trim().to_string())
            .collect();
        lines
            .map(|line| {
                header
                    .iter()
                    .cloned()
                    .zip(line.split('\t').map(|cell| cell.trim().to_string()))
                    .collect()
            })
            .collect()
    }

    fn cell<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
        row.iter()
            .find(|(header, _)| header == column)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no {column} in {row:?}"))
    }

    /// The row of `flux get receivers -A` for `name` in `namespace`.
    fn flux_row(table: &[Vec<(String, String)>], namespace: &str, name: &str) -> Vec<(String, String)> {
        table
            .iter()
            .find(|row| cell(row, "NAMESPACE") == namespace && cell(row, "NAME") == name)
            .unwrap_or_else(|| panic!("{namespace}/{name} not listed by flux: {table:?}"))
            .clone()
    }

    /// flux-receiver's `list -o json` rows, by name.
    fn our_rows(ns: &Namespace) -> Vec<Value> {
        let listed = ok(&ns.ours(&["list", "-o", "json"]));
        serde_json::from_str::<Value>(&listed)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn our_row(ns: &Namespace, name: &str) -> Value {
        our_rows(ns)
            .into_iter()
            .find(|row| row["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed by flux-receiver"))
    }

    /// What re-applying must leave alone: generation, labels and spec.
    fn unchanged_part(ns: &Namespace, name: &str) -> (Value, Value, Value) {
        let object = ns.object("receiver", name);
        (
            object["metadata"]["generation"].clone(),
            object["metadata"]["labels"].clone(),
            object["spec"].clone(),
        )
    }

    /// Who manages a Receiver's spec, by kubectl (sorted).
    fn managers(ns: &Namespace, name: &str) -> Vec<String> {
        let object = ok(&ns.kubectl(&[
            "get",
            "receiver",
            name,
            "-n",
            &ns.name,
            "-o",
            "json",
            "--show-managed-fields",
        ]));
        let object: Value = serde_json::from_str(&object).unwrap();
        let mut managers: Vec<String> = object["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["fieldsV1"].get("f:spec").is_some())
            .map(|entry| entry["manager"].as_str().unwrap().to_string())
            .collect();
        managers.sort();
        managers
    }

    /// Waits until `check` holds, for at most 30 s.
    fn eventually(what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !check() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Receivers made by flux-receiver are listed Ready by `flux get
    /// receivers -A` (cluster from `KUBECONFIG` or `--kubeconfig`); flux's
    /// `suspend`, `resume` and `reconcile` act on them and flux-receiver's
    /// `list` and `get` show the result; flux-receiver's `suspend` shows
    /// in flux's table.
    #[test]
    fn flux_lists_and_drives_receivers_made_by_flux_receiver() {
        let ns = Namespace::create("interop-drive");
        ns.git_repository("app");
        ok(&ns.ours(&["secret", "hook-token", "--type", "github"]));
        for name in ["gh-one", "gh-two"] {
            ok(&ns.ours(&[
                "create",
                name,
                "--type",
                "github",
                "--event",
                "ping,push",
                "--secret-ref",
                "hook-token",
                "--resource",
                "GitRepository/app",
            ]));
        }
        let by_env = ok(&testenv::flux(Some(&ns.kubeconfig))
            .args(["get", "receivers", "-A"])
            .output()
            .unwrap());
        let by_flag = ok(&testenv::flux(None)
            .args(["get", "receivers", "-A", "--kubeconfig"])
            .arg(&ns.kubeconfig)
            .output()
            .unwrap());
        for listed in [&by_env, &by_flag] {
            let table = flux_table(listed);
            for name in ["gh-one", "gh-two"] {
                let row = flux_row(&table, &ns.name, name);
                assert_eq!(cell(&row, "READY"), "True", "{listed}");
                assert_eq!(cell(&row, "SUSPENDED"), "False", "{listed}");
                let path = our_row(&ns, name)["webhookPath"].as_str().unwrap().to_string();
                assert_eq!(cell(&row, "MESSAGE"), format!("Receiver initialized for path: {path}"));
            }
        }

        // flux suspends: flux-receiver sees it, kubectl too.
        let generation = ns.object("receiver", "gh-one")["metadata"]["generation"].clone();
        ok(&ns.flux(&["suspend", "receiver", "gh-one"]));
        assert_eq!(ns.object("receiver", "gh-one")["spec"]["suspend"], true);
        assert_eq!(our_row(&ns, "gh-one")["suspended"], true);
        assert_eq!(our_row(&ns, "gh-two")["suspended"], false);
        let shown = ok(&ns.ours(&["get", "gh-one"]));
        assert!(shown.contains("Suspended:    true"), "{shown}");
        let status = ok(&ns.ours(&["list", "-o", "status"]));
        assert!(
            status
                .lines()
                .any(|l| l.split_whitespace().take(3).eq(["gh-one", "True", "True"])),
            "{status}"
        );
        // flux-receiver refuses to reconcile what flux suspended.
        let refused = ns.ours(&["reconcile", "gh-one"]);
        assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
        assert!(stderr(&refused).contains("suspended"), "{}", stderr(&refused));

        // flux resumes: not suspended, Ready again, for the next generation.
        ok(&ns.flux(&["resume", "receiver", "gh-one"]));
        let resumed = ns.object("receiver", "gh-one");
        assert_ne!(resumed["spec"]["suspend"], true, "{resumed}");
        let row = our_row(&ns, "gh-one");
        assert_eq!(
            (row["suspended"].clone(), row["ready"].clone()),
            (false.into(), "True".into())
        );
        assert_eq!(
            resumed["status"]["observedGeneration"], resumed["metadata"]["generation"],
            "{resumed}"
        );
        assert_ne!(resumed["metadata"]["generation"], generation);

        // flux reconciles: the controller handled flux's request, and
        // nothing in the spec moved.
        let before = ns.object("receiver", "gh-two");
        ok(&ns.flux(&["reconcile", "receiver", "gh-two"]));
        let after = ns.object("receiver", "gh-two");
        let requested = &after["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"];
        assert!(requested.is_string(), "{after}");
        assert_eq!(&after["status"]["lastHandledReconcileAt"], requested);
        assert_eq!(after["metadata"]["generation"], before["metadata"]["generation"]);
        assert_eq!(our_row(&ns, "gh-two")["ready"], "True");

        // The other way round: flux-receiver suspends, flux's table says so.
        ok(&ns.ours(&["suspend", "gh-two"]));
        let table = flux_table(&ok(&ns.flux(&["get", "receivers"])));
        let row = table
            .iter()
            .find(|row| cell(row, "NAME") == "gh-two")
            .expect("flux lists gh-two");
        assert_eq!(cell(row, "SUSPENDED"), "True", "{table:?}");
        // and flux resumes what flux-receiver suspended.
        ok(&ns.flux(&["resume", "receiver", "gh-two"]));
        assert_eq!(our_row(&ns, "gh-two")["suspended"], false);
        // flux's reconcile of a suspended Receiver is refused by flux, too.
        ok(&ns.ours(&["suspend", "gh-one"]));
        let refused = ns.flux(&["reconcile", "receiver", "gh-one"]);
        assert!(!refused.status.success(), "{}", stderr(&refused));
        assert!(stderr(&refused).contains("suspended"), "{}", stderr(&refused));
    }

    /// A Secret from `flux create secret receiver` and a Receiver from
    /// `flux create receiver` (in the cluster, not `--export`) are listed
    /// by flux-receiver with the URL the controller serves, on the host of
    /// the Secret's annotation. flux's annotation is right only for the
    /// Receiver named like the Secret (flux hashes the Secret's name); for
    /// another Receiver on the same Secret flux-receiver shows the path
    /// that Receiver is really served at.
    #[test]
    fn receivers_and_secrets_made_by_flux_are_listed_with_their_urls() {
        let ns = Namespace::create("interop-urls");
        ok(&ns.flux(&[
            "create",
            "secret",
            "receiver",
            "gh-hook",
            "--type",
            "github",
            "--hostname",
            "flux.example.com",
            "--token",
            "flux-made-token",
        ]));
        for name in ["gh-hook", "gh-other"] {
            ok(&ns.flux(&[
                "create",
                "receiver",
                name,
                "--type",
                "github",
                "--event",
                "ping,push",
                "--secret-ref",
                "gh-hook",
                "--resource",
                "GitRepository/app",
            ]));
        }
        let secret = ns.object("secret", "gh-hook");
        let annotated = secret["metadata"]["annotations"]["notification.toolkit.fluxcd.io/webhook"]
            .as_str()
            .unwrap()
            .to_string();
        for name in ["gh-hook", "gh-other"] {
            let served = ns.object("receiver", name)["status"]["webhookPath"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(served, receiver::webhook_path("flux-made-token", name, &ns.name));
            let row = our_row(&ns, name);
            let url = format!("https://flux.example.com{served}");
            assert_eq!(row["url"], url.as_str(), "{row}");
            assert_eq!(row["ready"], "True", "{row}");
            assert_eq!(row["secret"], "gh-hook");
            assert_eq!(row["problem"], Value::Null, "{row}");
            assert_eq!(ok(&ns.ours(&["url", name])), format!("{url}\n"));
            if name == "gh-hook" {
                assert_eq!(annotated, url);
            } else {
                assert_ne!(
                    annotated, url,
                    "flux's annotation hashes the Secret's name, not this Receiver's"
                );
            }
        }
        // The table shows the same URLs.
        let table = ok(&ns.ours(&["list"]));
        assert!(table.contains(&annotated), "{table}");
    }

    /// Re-applying a Receiver with the other tool, same flags, changes
    /// nothing: both succeed (no field-manager conflict), and generation,
    /// labels and spec stay as they were, either way round. The one
    /// exception is on purpose (README): for a kind the controller cannot
    /// default, flux-receiver writes `apiVersion` and flux's update takes
    /// it away again.
    #[test]
    fn re_applying_with_the_other_tool_changes_nothing() {
        let ns = Namespace::create("interop-apply");
        ok(&ns.ours(&["secret", "hook-token", "--type", "gitlab"]));
        let flags = [
            "--type",
            "gitlab",
            "--event",
            "Push Hook,Tag Push Hook",
            "--secret-ref",
            "hook-token",
            "--resource",
            "GitRepository/app",
            "--resource",
            "OCIRepository/oci",
            "--label",
            "team=a",
        ];
        let flux_create = |name: &str| {
            let mut args = vec!["create", "receiver", name];
            args.extend_from_slice(&flags);
            ok(&ns.flux(&args));
        };
        let our_create = |name: &str| {
            let mut args = vec!["create", name];
            args.extend_from_slice(&flags);
            ok(&ns.ours(&args));
        };

        // Made by flux, re-applied by flux-receiver (twice), then by flux again.
        flux_create("by-flux");
        let made = unchanged_part(&ns, "by-flux");
        our_create("by-flux");
        assert_eq!(unchanged_part(&ns, "by-flux"), made);
        our_create("by-flux");
        assert_eq!(unchanged_part(&ns, "by-flux"), made);
        flux_create("by-flux");
        assert_eq!(unchanged_part(&ns, "by-flux"), made);

        // Made by flux-receiver, re-applied by flux, then by flux-receiver again.
        our_create("by-ours");
        let made = unchanged_part(&ns, "by-ours");
        flux_create("by-ours");
        assert_eq!(unchanged_part(&ns, "by-ours"), made);
        our_create("by-ours");
        assert_eq!(unchanged_part(&ns, "by-ours"), made);
        // Both made the same object.
        assert_eq!((made.1.clone(), made.2.clone()), {
            let (_, labels, spec) = unchanged_part(&ns, "by-flux");
            (labels, spec)
        });
        // The field managers: flux-receiver's apply shares flux's fields
        // (same values: no conflict, nothing forced away); flux's update
        // of what flux-receiver wrote changed nothing, so it left no entry.
        assert_eq!(managers(&ns, "by-flux"), ["flux", "flux-receiver"]);
        assert_eq!(managers(&ns, "by-ours"), ["flux-receiver"]);

        // A Kustomization: the controller needs its apiVersion.
        let kustomization = [
            "--type",
            "generic",
            "--secret-ref",
            "hook-token",
            "--resource",
            "Kustomization/app",
        ];
        let mut args = vec!["create", "receiver", "kust"];
        args.extend_from_slice(&kustomization);
        ok(&ns.flux(&args));
        let (generation, _, spec) = unchanged_part(&ns, "kust");
        assert_eq!(spec["resources"][0].get("apiVersion"), None);
        let mut ours = vec!["create", "kust"];
        ours.extend_from_slice(&kustomization);
        ok(&ns.ours(&ours));
        let (new_generation, _, new_spec) = unchanged_part(&ns, "kust");
        let mut expected = spec.clone();
        expected["resources"][0]["apiVersion"] = "kustomize.toolkit.fluxcd.io/v1".into();
        assert_eq!(new_spec, expected);
        assert_eq!(new_generation, generation.as_i64().unwrap() + 1);
        ok(&ns.flux(&args));
        assert_eq!(
            unchanged_part(&ns, "kust").2,
            spec,
            "flux's update drops the apiVersion again"
        );
    }

    /// `flux export receiver` and flux-receiver's `export` print the same
    /// bytes for Receivers written by either tool: labels, events, several
    /// resources, a suspended one, intervals (which flux writes as Go
    /// durations: the CRD's default `10m` is `10m0s`).
    #[test]
    fn flux_and_flux_receiver_export_the_same_bytes() {
        let ns = Namespace::create("interop-export");
        ok(&ns.ours(&["secret", "hook-token", "--type", "github"]));
        ok(&ns.ours(&[
            "create",
            "ours-plain",
            "--type",
            "github",
            "--secret-ref",
            "hook-token",
            "--resource",
            "GitRepository/app",
            "--no-wait",
        ]));
        ok(&ns.ours(&[
            "create",
            "ours-full",
            "--type",
            "github",
            "--event",
            "ping,push",
            "--secret-ref",
            "hook-token",
            "--resource",
            "GitRepository/app,Kustomization/apps/app",
            "--label",
            "team=a,tier=web",
            "--interval",
            "90s",
            "--no-wait",
        ]));
        ok(&ns.flux(&[
            "create",
            "receiver",
            "flux-made",
            "--type",
            "github",
            "--event",
            "push",
            "--secret-ref",
            "hook-token",
            "--resource",
            "OCIRepository/oci",
        ]));
        ok(&ns.flux(&["suspend", "receiver", "flux-made"]));
        ns.apply(&format!(
            "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: by-kubectl\n  namespace: {}\n  annotations:\n    team.example.com/owner: web\nspec:\n  type: generic\n  interval: 1h30m\n  secretRef:\n    name: hook-token\n  resourceFilter: 'true'\n  resources:\n  - kind: GitRepository\n    name: '*'\n    matchLabels:\n      team: a\n",
            ns.name
        ));
        eventually("the Receivers to be defaulted", || {
            ["ours-plain", "ours-full", "flux-made", "by-kubectl"]
                .iter()
                .all(|name| ns.object("receiver", name)["spec"]["interval"].is_string())
        });
        for name in ["ours-plain", "ours-full", "flux-made", "by-kubectl"] {
            let flux = ok(&ns.flux(&["export", "receiver", name]));
            assert_eq!(ok(&ns.ours(&["export", name])), flux, "{name}");
        }
        let flux = ok(&ns.flux(&["export", "receiver", "--all"]));
        assert!(
            flux.contains("interval: 1m30s") && flux.contains("interval: 1h30m0s"),
            "{flux}"
        );
        assert_eq!(ok(&ns.ours(&["export", "--all"])), flux);
    }
}

//! The real flux CLI as the oracle for `--export`: generated flag sets for
//! `create` and `secret` run through both `flux-receiver` and
//! `flux create receiver` / `flux create secret receiver` (flux2 v2.9.4,
//! built by `testenv/build`); both must print the same bytes, or both
//! refuse. Cases come from a seeded generator (the seed is printed, and
//! `FLUX_RECEIVER_ORACLE_SEED` replays it) after the committed corpus of
//! cases that once disagreed (`tests/oracle/corpus`, one JSON array of
//! arguments per line). A failing case is shrunk to a small one.
//!
//! Where flux-receiver accepts more than flux on purpose, the case must be
//! one of [`Extension`]'s, each listed in the README: flux refusing it is
//! then the expected outcome, and the test still checks that flux does.
//!
//! The tests are in `mod real` with the real control plane's: they need
//! `FLUX_RECEIVER_E2E_FLUX`, which `testenv/run` sets, and fail without it.

mod common;

mod real {
    use std::path::PathBuf;
    use std::process::Output;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

    use super::common;

    const FLUX: &str = "FLUX_RECEIVER_E2E_FLUX";
    const SEED: &str = "FLUX_RECEIVER_ORACLE_SEED";
    /// Generated cases per command and run (on top of the corpus).
    const CASES: u32 = 2000;

    fn flux_binary() -> PathBuf {
        let path = std::env::var_os(FLUX).map(PathBuf::from).unwrap_or_else(|| {
            panic!("{FLUX} is not set: run the tests under testenv/run, which builds the real flux")
        });
        assert!(path.is_file(), "{FLUX}={} is not a file", path.display());
        path
    }

    /// Which command a case is for.
    #[derive(Clone, Copy, Debug)]
    enum Command {
        Receiver,
        Secret,
    }

    impl Command {
        fn ours(self) -> &'static str {
            match self {
                Command::Receiver => "create",
                Command::Secret => "secret",
            }
        }

        fn flux(self) -> &'static [&'static str] {
            match self {
                Command::Receiver => &["create", "receiver"],
                Command::Secret => &["create", "secret", "receiver"],
            }
        }
    }

    /// What flux-receiver accepts beyond flux, on purpose (README, "Where
    /// flux-receiver differs from flux").
    #[derive(Debug, PartialEq)]
    enum Extension {
        /// `--resource group/version/Kind/name` sets `apiVersion`.
        ResourceApiVersion,
        /// `secret` without `--hostname` writes no URL annotation (flux
        /// requires the flag; the address is often known only later).
        SecretWithoutHostname,
        /// `--resource Kind/namespace/name` sets the namespace.
        ResourceNamespace,
        /// `--type generic-oidc`, which the controller serves and flux's
        /// `create` does not offer.
        GenericOidc,
    }

    /// Where flux accepts what the cluster cannot use, and flux-receiver
    /// refuses or writes what it can (README, same section).
    #[derive(Debug, PartialEq)]
    enum FluxIsWrong {
        /// `--hostname https://host`: flux prepends another `https://`; a
        /// host with a space, a user, a query, a bad port or a bare IPv6
        /// address makes a URL no provider accepts ([`not_a_host`]).
        Hostname,
        /// A `--secret-ref` (or `-n`) no Secret (or namespace) can be named.
        ObjectName,
        /// A `--token` with control characters (a tab), which flux-receiver
        /// refuses: no provider's form can take it; or an empty one (an
        /// unset variable, most likely), for which flux silently generates
        /// a token and flux-receiver refuses.
        Token,
        /// An event that is empty or has surrounding spaces: the controller
        /// compares events as they are, so it would match no delivery;
        /// flux-receiver trims it (or refuses an empty one). Or one with a
        /// control character (a tab), which no provider sends and which
        /// flux-receiver refuses.
        Event,
        /// A resource kind not in the Receiver CRD's enum (the API server
        /// refuses it; flux-receiver writes a known kind in its own case or
        /// refuses), or a name that is empty (the CRD's minLength) or that
        /// no object can have.
        Resource,
    }

    /// The Receiver CRD's `spec.resources[].kind` enum (v1.9.3).
    const CRD_KINDS: [&str; 12] = [
        "Bucket",
        "GitRepository",
        "Kustomization",
        "HelmRelease",
        "HelmChart",
        "HelmRepository",
        "ImageRepository",
        "ImagePolicy",
        "ImageUpdateAutomation",
        "OCIRepository",
        "ArtifactGenerator",
        "ExternalArtifact",
    ];

    /// The items given to `flag`, read as comma lists the way both tools
    /// read them (a value that is no list counts as one item).
    fn flag_values(args: &[String], flag: &str) -> Vec<String> {
        args.windows(2)
            .filter(|pair| pair[0] == flag)
            .flat_map(|pair| receiver::comma_list::parse(&pair[1]).unwrap_or_else(|_| vec![pair[1].clone()]))
            .collect()
    }

    /// A `--hostname` flux turns into a URL no provider takes: one with a
    /// scheme (flux prepends another), a space, a user, a query or
    /// fragment, a port that is no port, an IPv6 address without brackets,
    /// or a leading `/` (no host before the path). Decided from the text here, not by flux-receiver's parser.
    fn not_a_host(host: &str) -> bool {
        let port_is_bad = match host.rsplit_once(':') {
            Some((before, _)) if !before.ends_with(']') && before.contains(':') => true,
            Some((_, port)) => !port.parse::<u16>().is_ok_and(|p| p > 0),
            None => false,
        };
        host.contains("://")
            || host.starts_with('/')
            || host.contains(char::is_whitespace)
            || host.contains(['@', '?', '#'])
            || port_is_bad
    }

    fn flux_is_wrong(args: &[String]) -> Option<FluxIsWrong> {
        if flag_values(args, "--hostname").iter().any(|h| not_a_host(h)) {
            return Some(FluxIsWrong::Hostname);
        }
        if args
            .windows(2)
            .any(|pair| pair[0] == "--token" && (pair[1].contains(char::is_control) || pair[1].is_empty()))
        {
            return Some(FluxIsWrong::Token);
        }
        if flag_values(args, "--event")
            .iter()
            .any(|e| e.trim() != e || e.is_empty() || e.contains(char::is_control))
        {
            return Some(FluxIsWrong::Event);
        }
        let bad_name = |name: &String| receiver::names::validate_dns1123_subdomain(name).is_err();
        let bad_namespace = |name: &String| receiver::names::validate_dns1123_label(name).is_err();
        if flag_values(args, "--secret-ref").iter().any(bad_name) || flag_values(args, "-n").iter().any(bad_namespace) {
            return Some(FluxIsWrong::ObjectName);
        }
        let unusable = |resource: &String| match resource.split_once('/') {
            // As flux reads it (utils.ParseObjectKindName): two parts only.
            Some((kind, name)) if !name.contains('/') => {
                !CRD_KINDS.contains(&kind)
                    || (name != "*" && receiver::names::validate_dns1123_subdomain(name).is_err())
            }
            _ => false,
        };
        flag_values(args, "--resource")
            .iter()
            .any(unusable)
            .then_some(FluxIsWrong::Resource)
    }

    fn extension(command: Command, args: &[String]) -> Option<Extension> {
        if flag_values(args, "--type").iter().any(|t| t == "generic-oidc") {
            return Some(Extension::GenericOidc);
        }
        if matches!(command, Command::Secret) && !args.iter().any(|arg| arg == "--hostname") {
            return Some(Extension::SecretWithoutHostname);
        }
        for resource in flag_values(args, "--resource") {
            match resource.matches('/').count() {
                3 | 4 => return Some(Extension::ResourceApiVersion),
                2 => return Some(Extension::ResourceNamespace),
                _ => {}
            }
        }
        None
    }

    fn run_flux(command: Command, args: &[String]) -> Output {
        std::process::Command::new(flux_binary())
            .args(command.flux())
            .args(args)
            .env_clear()
            .env("HOME", common::empty_home())
            .env("PATH", "/usr/bin:/bin")
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .output()
            .expect("flux runs")
    }

    fn run_ours(command: Command, args: &[String]) -> Output {
        common::flux_receiver()
            .arg(command.ours())
            .args(args)
            .output()
            .expect("flux-receiver runs")
    }

    /// Judges one case: the same bytes, or both refusing (or an extension
    /// flux refuses and we accept).
    fn judge(command: Command, args: &[String]) -> Result<(), String> {
        let flux = run_flux(command, args);
        let ours = run_ours(command, args);
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let wrong = flux_is_wrong(args).is_some();
        let verdict = match (flux.status.success(), ours.status.success(), extension(command, args)) {
            (true, true, _) if flux.stdout == ours.stdout => return Ok(()),
            (false, false, _) => return Ok(()),
            (false, true, Some(_)) => return Ok(()),
            (true, _, _) if wrong => return Ok(()),
            (true, true, _) => "both accept, output differs",
            (true, false, _) => "flux accepts, flux-receiver refuses",
            (false, true, _) => "flux refuses, flux-receiver accepts",
        };
        Err(format!(
            "{verdict}: {:?}\n--- flux ({}):\n{}{}\n--- flux-receiver ({}):\n{}{}",
            args,
            flux.status,
            text(&flux.stdout),
            text(&flux.stderr),
            ours.status,
            text(&ours.stdout),
            text(&ours.stderr)
        ))
    }

    fn seed() -> u64 {
        match std::env::var(SEED) {
            Ok(seed) => seed
                .parse()
                .unwrap_or_else(|_| panic!("{SEED} must be a number, not {seed:?}")),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("the clock is after 1970")
                .as_nanos() as u64,
        }
    }

    fn runner(seed: u64) -> TestRunner {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let config = Config {
            cases: CASES,
            max_shrink_iters: 200,
            failure_persistence: None,
            ..Config::default()
        };
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    /// The committed cases for `command` (`create …` or `secret …` lines).
    fn corpus(command: Command) -> Vec<Vec<String>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/corpus");
        std::fs::read_to_string(path)
            .expect("tests/oracle/corpus exists")
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|line| serde_json::from_str::<Vec<String>>(line).expect("each corpus line is a JSON array of strings"))
            .filter(|case| case.first().map(String::as_str) == Some(command.ours()))
            .map(|case| case[1..].to_vec())
            .collect()
    }

    fn check(command: Command, strategy: impl Strategy<Value = Vec<String>>) {
        let cases = corpus(command);
        assert!(!cases.is_empty(), "the corpus has {} cases", command.ours());
        let failures: Vec<String> = cases.iter().filter_map(|case| judge(command, case).err()).collect();
        assert!(failures.is_empty(), "corpus cases disagree:\n{}", failures.join("\n\n"));
        let seed = seed();
        eprintln!(
            "oracle: {} cases of `{}` with seed {seed} (replay: {SEED}={seed})",
            CASES,
            command.ours()
        );
        let result = runner(seed).run(&strategy, |args| judge(command, &args).map_err(TestCaseError::fail));
        if let Err(failure) = result {
            panic!("seed {seed} ({SEED}={seed} replays it): {failure}");
        }
    }

    // The generators: what operators type, what YAML reads as something
    // else (`yes`, `on`, `1`, `*`, `#`, `: `), and what a comma list reads
    // as something else (flux's pflag reads it as a CSV record: `"a,b"` is
    // one item, a stray quote is refused).

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?",
            1 => Just("a".to_string()),
            1 => Just("a.b".to_string()),
            1 => Just("Upper".to_string()),
            1 => Just("-lead".to_string()),
            1 => Just("under_score".to_string()),
            1 => Just("x".repeat(63)),
            1 => Just("x".repeat(64)),
            1 => Just("yes".to_string()),
            1 => Just("1".to_string()),
        ]
    }

    fn odd_value() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "push",
            "ping",
            "Push Hook",
            "Tag Push Hook",
            "repo:refs_changed",
            "yes",
            "on",
            "off",
            "no",
            "1",
            "0.5",
            "*",
            "#",
            ": ",
            "a: b",
            "- x",
            "true",
            "~",
            "null",
            "0x1F",
            "2024-01-02",
            "é",
            "' quoted",
            "tab\there",
            "trailing ",
            " leading",
            "[list]",
            "{map}",
            "&anchor",
            "!tag",
            "%",
            "@at",
            "`tick`",
            "\"a,b\"",
            "\"push\"",
            "\"say \"\"hi\"\"\"",
            "\"\"",
            "a\"b",
            "\"x\"y",
            "\"open",
            "\"",
            "",
        ])
        .prop_map(str::to_string)
    }

    fn kind() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "GitRepository",
            "OCIRepository",
            "Bucket",
            "HelmRepository",
            "HelmChart",
            "HelmRelease",
            "Kustomization",
            "ImageRepository",
            "ImagePolicy",
            "ImageUpdateAutomation",
            "ArtifactGenerator",
            "ExternalArtifact",
            "gitrepository",
            "GITREPOSITORY",
            "kustomization",
            "Unknown",
            "",
        ])
        .prop_map(str::to_string)
    }

    fn resource() -> impl Strategy<Value = String> {
        let object = prop_oneof![
            4 => name(),
            1 => Just("*".to_string()),
            2 => (name(), name()).prop_map(|(n, ns)| format!("{n}.{ns}")),
            1 => Just(String::new()),
        ];
        prop_oneof![
            8 => (kind(), object.clone()).prop_map(|(k, o)| format!("{k}/{o}")),
            1 => (kind(), object).prop_map(|(k, o)| format!("source.toolkit.fluxcd.io/v1/{k}/{o}")),
            1 => kind(),
            1 => (kind(), name()).prop_map(|(k, n)| format!("\"{k}/{n}\"")),
        ]
    }

    fn provider() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "generic",
            "generic-hmac",
            "generic-oidc",
            "github",
            "gitlab",
            "bitbucket",
            "harbor",
            "dockerhub",
            "quay",
            "gcr",
            "nexus",
            "acr",
            "cdevents",
            "githb",
            "GitHub",
            "",
        ])
        .prop_map(str::to_string)
    }

    fn label() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => ("[a-z]{1,6}", "[a-z0-9]{0,6}").prop_map(|(k, v)| format!("{k}={v}")),
            1 => Just("team=".to_string()),
            1 => Just("=v".to_string()),
            1 => Just("example.com/team=a".to_string()),
            1 => Just("k=yes".to_string()),
            1 => Just("novalue".to_string()),
            1 => Just("k=v=w".to_string()),
            1 => Just("\"team=a\"".to_string()),
            1 => Just("\"team=a,b\"".to_string()),
            1 => Just("team=\"a\"".to_string()),
        ]
    }

    /// `--flag value` repeated, or joined into one comma list.
    fn repeated(flag: &'static str, values: Vec<String>, joined: bool) -> Vec<String> {
        if values.is_empty() {
            return Vec::new();
        }
        if joined {
            vec![flag.to_string(), values.join(",")]
        } else {
            values.into_iter().flat_map(|v| [flag.to_string(), v]).collect()
        }
    }

    fn namespace() -> impl Strategy<Value = Vec<String>> {
        prop::option::of(name()).prop_map(|ns| ns.map(|ns| vec!["-n".to_string(), ns]).unwrap_or_default())
    }

    fn receiver_case() -> impl Strategy<Value = Vec<String>> {
        (
            name(),
            namespace(),
            prop::option::of(provider()),
            (prop::collection::vec(odd_value(), 0..3), any::<bool>()),
            (prop::collection::vec(resource(), 0..3), any::<bool>()),
            prop::option::of(name()),
            prop::collection::vec(label(), 0..2),
        )
            .prop_map(|(name, ns, provider, (events, ej), (resources, rj), secret, labels)| {
                let mut args = vec![name];
                args.extend(ns);
                if let Some(provider) = provider {
                    args.extend(["--type".to_string(), provider]);
                }
                args.extend(repeated("--event", events, ej));
                args.extend(repeated("--resource", resources, rj));
                if let Some(secret) = secret {
                    args.extend(["--secret-ref".to_string(), secret]);
                }
                args.extend(repeated("--label", labels, false));
                args.push("--export".to_string());
                args
            })
    }

    fn hostname() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "flux.example.com",
            "https://flux.example.com",
            "http://flux.example.com",
            "flux.example.com:8443",
            "http://10.0.0.1:9292",
            "https://flux.example.com/base",
            "bad host",
            "",
            "UPPER.example.com",
            "user:pass@flux.example.com",
            "flux.example.com?x=1#f",
            "flux.example.com:99999",
            "flux.example.com:0",
            "::1",
            "[fd00::1]:9292",
            "javascript:alert(1)",
            "https://",
            "/flux.example.com",
            "/user:pass@flux.example.com",
        ])
        .prop_map(str::to_string)
    }

    fn secret_case() -> impl Strategy<Value = Vec<String>> {
        (
            name(),
            namespace(),
            prop::option::of(provider()),
            prop_oneof![4 => "[a-zA-Z0-9]{1,16}", 1 => odd_value()],
            prop::option::of(hostname()),
            prop::option::of(Just("sa@project.iam.gserviceaccount.com".to_string())),
            prop::option::of(
                prop::sample::select(vec!["aud", "https://flux.example.com/x", ""]).prop_map(str::to_string),
            ),
            prop::collection::vec(label(), 0..2),
        )
            .prop_map(|(name, ns, provider, token, hostname, email, audience, labels)| {
                let mut args = vec![name];
                args.extend(ns);
                if let Some(provider) = provider {
                    args.extend(["--type".to_string(), provider]);
                }
                // Always a token: without one, both generate a random one.
                args.extend(["--token".to_string(), token]);
                if let Some(hostname) = hostname {
                    args.extend(["--hostname".to_string(), hostname]);
                }
                if let Some(email) = email {
                    args.extend(["--email-claim".to_string(), email]);
                }
                if let Some(audience) = audience {
                    args.extend(["--audience-claim".to_string(), audience]);
                }
                args.extend(repeated("--label", labels, false));
                args.push("--export".to_string());
                args
            })
    }

    #[test]
    fn create_export_is_what_flux_create_receiver_prints() {
        check(Command::Receiver, receiver_case());
    }

    #[test]
    fn secret_export_is_what_flux_create_secret_receiver_prints() {
        check(Command::Secret, secret_case());
    }

    #[test]
    fn extensions_are_recognised() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let receiver = Command::Receiver;
        assert_eq!(
            extension(
                receiver,
                &args(&["--resource", "kustomize.toolkit.fluxcd.io/v1/Kustomization/app"])
            ),
            Some(Extension::ResourceApiVersion)
        );
        assert_eq!(extension(receiver, &args(&["--resource", "Kustomization/app"])), None);
        assert_eq!(
            extension(Command::Secret, &args(&["--token", "t"])),
            Some(Extension::SecretWithoutHostname)
        );
        assert_eq!(extension(Command::Secret, &args(&["--hostname", "h"])), None);
        assert_eq!(
            extension(receiver, &args(&["--resource", "GitRepository/apps/app"])),
            Some(Extension::ResourceNamespace)
        );
        assert_eq!(
            flux_is_wrong(&args(&["--hostname", "https://h"])),
            Some(FluxIsWrong::Hostname)
        );
        for host in [
            "flux.example.com",
            "flux.example.com:8443",
            "[fd00::1]:9292",
            "UPPER.example.com",
        ] {
            assert!(!not_a_host(host), "{host}");
        }
        for host in [
            "https://h",
            "h:99999",
            "h:0",
            "::1",
            "u@h",
            "h?x",
            "h#f",
            "a b",
            "javascript:alert(1)",
        ] {
            assert!(not_a_host(host), "{host}");
        }
        for unusable in [
            "gitrepository/app",
            "Unknown/app",
            "GitRepository/",
            "GitRepository/Upper",
        ] {
            assert_eq!(
                flux_is_wrong(&args(&["--resource", unusable])),
                Some(FluxIsWrong::Resource),
                "{unusable}"
            );
        }
        for fine in [
            "GitRepository/app.with.dots",
            "GitRepository/*",
            "GitRepository/apps/app",
        ] {
            assert_eq!(flux_is_wrong(&args(&["--resource", fine])), None, "{fine}");
        }
    }
}

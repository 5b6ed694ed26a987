//! `--export` output, compared byte for byte with golden files. The files
//! named `flux-*` hold output copied from the flux CLI's own golden tests and
//! are never blessed: they pin byte-identity with Flux.

mod common;

use common::{assert_golden_run, run};

#[test]
fn seed_guide_receiver_matches_flux() {
    assert_golden_run(
        "flux-create-receiver-seed-guide.yaml",
        &[
            "create",
            "github-receiver",
            "--type",
            "github",
            "--event",
            "ping,push",
            "--secret-ref",
            "webhook-token",
            "--resource",
            "GitRepository/my-nginx",
            "--export",
        ],
    );
}

#[test]
fn repeated_and_comma_separated_events_resources_and_labels() {
    // What flux prints, and a warning for each kind the controller cannot
    // resolve without apiVersion.
    let stderr = common::assert_golden_stdout(
        "create-many.yaml",
        &[
            "create",
            "gitlab-receiver",
            "--type",
            "gitlab",
            "--event",
            "Push Hook,Tag Push Hook",
            "--event",
            "Release Hook",
            "--resource",
            "GitRepository/app,Kustomization/app",
            "--resource",
            "helmrelease/web",
            "--label",
            "team=platform,env=prod",
            "--label",
            "example.com/tier=true",
            "--secret-ref",
            "gitlab-token",
            "--export",
        ],
    );
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: Kustomization/app has no apiVersion")
            && warnings[0].contains("--resource kustomize.toolkit.fluxcd.io/v1/Kustomization/app"),
        "{stderr}"
    );
    assert!(
        warnings[1].contains("--resource helm.toolkit.fluxcd.io/v2/HelmRelease/web"),
        "{stderr}"
    );
}

#[test]
fn namespaced_resources_and_namespace_flag() {
    assert_golden_run(
        "create-namespaced.yaml",
        &[
            "create",
            "registry-receiver",
            "-n",
            "apps",
            "--type",
            "harbor",
            "--secret-ref",
            "harbor-token",
            "--resource",
            "ImageRepository/flux-system/podinfo",
            "--resource",
            "OCIRepository/manifests",
            "--export",
        ],
    );
}

#[test]
fn generic_oidc_has_no_secret_ref() {
    let stderr = common::assert_golden_stdout(
        "create-generic-oidc.yaml",
        &[
            "create",
            "ci-receiver",
            "--type",
            "generic-oidc",
            "--resource",
            "Kustomization/apps",
            "--export",
        ],
    );
    assert!(
        stderr.contains("warning: Kustomization/apps has no apiVersion"),
        "{stderr}"
    );
}

#[test]
fn an_api_version_prefix_is_written_and_silences_the_warning() {
    let output = run(&[
        "create",
        "rx",
        "--type",
        "generic",
        "--secret-ref",
        "t",
        "--resource",
        "kustomize.toolkit.fluxcd.io/v1/Kustomization/apps",
        "--export",
    ]);
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "  resources:\n  - apiVersion: kustomize.toolkit.fluxcd.io/v1\n    kind: Kustomization\n    name: apps\n"
        ),
        "{stdout}"
    );
    let output = run(&[
        "create",
        "rx",
        "--type",
        "generic",
        "--secret-ref",
        "t",
        "--resource",
        "source.toolkit.fluxcd.io/v1/Kustomization/apps",
        "--export",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("Kustomization is served by kustomize.toolkit.fluxcd.io/v1")
    );
}

#[test]
fn wildcards_take_match_labels_and_warn_without_them() {
    let base = ["create", "rx", "--type", "generic", "--secret-ref", "t", "--export"];
    let with = |extra: &[&str]| run(&[&base[..], extra].concat());

    let output = with(&["--resource", "GitRepository/*", "--match-label", "team=a,tier=web"]);
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("  - kind: GitRepository\n    matchLabels:\n      team: a\n      tier: web\n    name: '*'\n")
    );

    // Accepted as flux accepts it, with a warning: the controller needs matchLabels.
    let output = with(&["--resource", "GitRepository/*"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("GitRepository/* has no matchLabels") && stderr.contains("--match-label"),
        "{stderr}"
    );

    let output = with(&["--resource", "GitRepository/app", "--match-label", "team=a"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--match-label is only used with a resource named '*'"));
    let output = with(&[
        "--resource",
        "GitRepository/*",
        "--match-label",
        "team=a",
        "--match-label",
        "team=b",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("'--match-label <KEY=VALUE>'"));
}

#[test]
fn interval_and_a_long_resource_filter_wrap_like_go_yaml() {
    assert_golden_run(
        "create-interval-filter.yaml",
        &[
            "create",
            "filtered",
            "--type",
            "generic-hmac",
            "--secret-ref",
            "hmac-token",
            "--resource",
            "GitRepository/app",
            "--interval",
            "90s",
            "--resource-filter",
            "has(res.metadata.labels) && res.metadata.labels.team == 'platform' && res.metadata.name != 'legacy'",
            "--export",
        ],
    );
}

#[test]
fn github_secret_matches_flux() {
    assert_golden_run(
        "flux-secret-receiver.yaml",
        &[
            "secret",
            "receiver-secret",
            "--type",
            "github",
            "--token",
            "test-token",
            "--hostname",
            "flux.example.com",
            "--namespace",
            "my-namespace",
            "--export",
        ],
    );
}

#[test]
fn gcr_secret_matches_flux() {
    assert_golden_run(
        "flux-secret-receiver-gcr.yaml",
        &[
            "secret",
            "gcr-secret",
            "--type",
            "gcr",
            "--token",
            "test-token",
            "--hostname",
            "flux.example.com",
            "--email-claim",
            "sa@project.iam.gserviceaccount.com",
            "--namespace",
            "my-namespace",
            "--export",
        ],
    );
}

#[test]
fn gcr_secret_with_audience_matches_flux() {
    assert_golden_run(
        "flux-secret-receiver-gcr-audience.yaml",
        &[
            "secret",
            "gcr-secret",
            "--type",
            "gcr",
            "--token",
            "test-token",
            "--hostname",
            "flux.example.com",
            "--email-claim",
            "sa@project.iam.gserviceaccount.com",
            "--audience-claim",
            "https://custom.audience.example.com",
            "--namespace",
            "my-namespace",
            "--export",
        ],
    );
}

#[test]
fn secret_without_hostname_has_no_annotation_and_labels() {
    assert_golden_run(
        "secret-no-hostname.yaml",
        &[
            "secret",
            "webhook-token",
            "--type",
            "generic",
            "--token",
            "s3cr3t",
            "--label",
            "team=platform",
            "--export",
        ],
    );
}

#[test]
fn token_file_is_read_without_its_trailing_newline() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "test-token\n").unwrap();
    let output = run(&[
        "secret",
        "receiver-secret",
        "--type",
        "github",
        "--token-file",
        file.to_str().unwrap(),
        "--hostname",
        "flux.example.com",
        "-n",
        "my-namespace",
        "--export",
    ]);
    assert!(output.status.success());
    common::assert_golden("flux-secret-receiver.yaml", &output.stdout);
}

#[test]
fn generated_tokens_are_random_64_hex_characters() {
    let token_of = |output: std::process::Output| {
        let text = String::from_utf8(output.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("token:"))
            .expect("a token line")
            .to_string();
        line.trim_start().trim_start_matches("token:").trim().to_string()
    };
    let args = ["secret", "webhook-token", "--type", "github", "--export"];
    let (first, second) = (token_of(run(&args)), token_of(run(&args)));
    assert_eq!(first.len(), 64);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(first, second);
}

#[test]
fn default_service_is_the_seed_guides() {
    assert_golden_run("expose-default.yaml", &["expose", "--export"]);
}

#[test]
fn nodeport_service_with_custom_ports() {
    assert_golden_run(
        "expose-nodeport.yaml",
        &[
            "expose",
            "--name",
            "webhook",
            "--type",
            "NodePort",
            "--port",
            "8080",
            "--label",
            "team=platform",
            "--export",
        ],
    );
}

#[test]
fn url_prints_the_path_or_the_full_url() {
    let output = run(&["url", "receiver-secret", "-n", "my-namespace", "--token", "test-token"]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "/hook/106120121d366c2f67e93200f6c1dbe938235eb588daa5e8c0516d3a77ac1dee\n"
    );
    let output = run(&[
        "url",
        "receiver-secret",
        "-n",
        "my-namespace",
        "--token",
        "test-token",
        "--hostname",
        "flux.example.com",
    ]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "https://flux.example.com/hook/106120121d366c2f67e93200f6c1dbe938235eb588daa5e8c0516d3a77ac1dee\n"
    );
    let output = run(&[
        "url",
        "ci",
        "--type",
        "generic-oidc",
        "--hostname",
        "http://203.0.113.7:8080",
    ]);
    let expected = format!(
        "http://203.0.113.7:8080{}\n",
        receiver::webhook_path("", "ci", "flux-system")
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
}

#[test]
fn expose_puts_the_service_in_the_controllers_namespace() {
    // --flux-namespace names where the notification-controller runs; -n
    // alone does too, as with `kubectl -n flux-system expose`.
    for (args, namespace) in [
        (vec!["expose", "--export", "--flux-namespace", "flux"], "flux"),
        (vec!["expose", "--export", "-n", "team-a"], "team-a"),
        (
            vec!["expose", "--export", "-n", "team-a", "--flux-namespace", "flux"],
            "flux",
        ),
    ] {
        let output = common::run(&args);
        assert!(output.status.success(), "{args:?}");
        let yaml = String::from_utf8(output.stdout).unwrap();
        assert!(
            yaml.contains(&format!("  namespace: {namespace}\n")),
            "{args:?}:\n{yaml}"
        );
    }
}

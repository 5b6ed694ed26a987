//! Bad input: one clear line on stderr naming the flag and the value, a
//! non-zero exit (2 for usage errors) and nothing on stdout.

mod common;

use common::run;

/// Runs `args`, asserting a usage failure, and returns the single stderr line.
fn usage_error(args: &[&str]) -> String {
    let output = run(args);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} wrote to stdout");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?} must print exactly one line, got:\n{stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr.trim_end().to_string()
}

const VALID_CREATE: [&str; 8] = [
    "create",
    "rx",
    "--type",
    "github",
    "--secret-ref",
    "s",
    "--resource",
    "GitRepository/app",
];

fn create_with(extra: &[&str]) -> Vec<&'static str> {
    let mut args: Vec<&'static str> = VALID_CREATE.to_vec();
    args.extend(extra.iter().map(|s| &*Box::leak(s.to_string().into_boxed_str())));
    args.push("--export");
    args
}

#[test]
fn unknown_type_lists_valid_types_and_suggests_the_closest() {
    let line = usage_error(&[
        "create",
        "rx",
        "--type",
        "githb",
        "--secret-ref",
        "s",
        "--resource",
        "GitRepository/a",
    ]);
    assert!(line.contains("'githb'") && line.contains("--type"), "{line}");
    assert!(line.contains("did you mean 'github'?"), "{line}");
    assert!(
        line.contains("generic, generic-hmac, generic-oidc, github, gitlab, bitbucket"),
        "{line}"
    );
}

#[test]
fn malformed_resource() {
    let line = usage_error(&create_with(&["--resource", "GitRepository"]));
    assert!(
        line.contains("'GitRepository'") && line.contains("--resource") && line.contains("Kind/name"),
        "{line}"
    );
}

#[test]
fn unknown_resource_kind() {
    let line = usage_error(&create_with(&["--resource", "GitRepo/app"]));
    assert!(
        line.contains("'GitRepo/app'") && line.contains("unknown kind 'GitRepo'"),
        "{line}"
    );
    assert!(line.contains("did you mean 'GitRepository'?"), "{line}");
}

#[test]
fn invalid_receiver_name() {
    let line = usage_error(&[
        "create",
        "Bad_Name",
        "--type",
        "github",
        "--secret-ref",
        "s",
        "--resource",
        "GitRepository/a",
    ]);
    assert!(line.contains("'Bad_Name'") && line.contains("<NAME>"), "{line}");
}

#[test]
fn invalid_namespace() {
    let line = usage_error(&create_with(&["-n", "Flux.System"]));
    assert!(line.contains("'Flux.System'") && line.contains("--namespace"), "{line}");
}

#[test]
fn invalid_label() {
    let line = usage_error(&create_with(&["--label", "team"]));
    assert!(
        line.contains("'team'") && line.contains("--label") && line.contains("key=value"),
        "{line}"
    );
    let line = usage_error(&create_with(&["--label", "team=a b"]));
    assert!(line.contains("'team=a b'") && line.contains("invalid value"), "{line}");
}

#[test]
fn conflicting_label_values() {
    let line = usage_error(&create_with(&["--label", "team=a", "--label", "team=b"]));
    assert!(line.contains("team=b") && line.contains("already set to 'a'"), "{line}");
}

#[test]
fn invalid_interval() {
    let line = usage_error(&create_with(&["--interval", "5d"]));
    assert!(line.contains("'5d'") && line.contains("--interval"), "{line}");
    let line = usage_error(&create_with(&["--interval", "10us"]));
    assert!(line.contains("'10µs'") && line.contains("--interval"), "{line}");
}

#[test]
fn invalid_timeout() {
    let line = usage_error(&create_with(&["--timeout", "soon"]));
    assert!(line.contains("'soon'") && line.contains("--timeout"), "{line}");
}

#[test]
fn missing_required_flags() {
    let line = usage_error(&["create", "rx", "--type", "github", "--secret-ref", "s", "--export"]);
    assert_eq!(line, "error: missing required argument: --resource <KIND/NAME>");
    let line = usage_error(&[
        "create",
        "rx",
        "--type",
        "github",
        "--resource",
        "GitRepository/a",
        "--export",
    ]);
    assert_eq!(line, "error: --secret-ref is required for receiver type 'github'");
    let line = usage_error(&["secret", "sx", "--export"]);
    assert_eq!(line, "error: missing required argument: --type <TYPE>");
}

#[test]
fn secret_ref_on_generic_oidc() {
    let line = usage_error(&[
        "create",
        "rx",
        "--type",
        "generic-oidc",
        "--secret-ref",
        "s",
        "--resource",
        "GitRepository/a",
        "--export",
    ]);
    assert!(
        line.contains("--secret-ref 's'") && line.contains("generic-oidc"),
        "{line}"
    );
}

#[test]
fn unreadable_token_file() {
    let line = usage_error(&[
        "secret",
        "sx",
        "--type",
        "github",
        "--token-file",
        "/nonexistent/token",
        "--export",
    ]);
    assert!(
        line.contains("'/nonexistent/token'") && line.contains("--token-file") && line.contains("cannot read"),
        "{line}"
    );
}

#[test]
fn empty_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty");
    std::fs::write(&file, "\n").unwrap();
    let path = file.to_str().unwrap();
    let line = usage_error(&["secret", "sx", "--type", "github", "--token-file", path, "--export"]);
    assert!(
        line.contains(path) && line.contains("--token-file") && line.contains("token is empty"),
        "{line}"
    );
}

#[test]
fn empty_token_flag() {
    let line = usage_error(&["secret", "sx", "--type", "github", "--token", "", "--export"]);
    assert!(line.contains("--token") && line.contains("token is empty"), "{line}");
}

#[test]
fn gcr_needs_an_email_claim() {
    let line = usage_error(&[
        "secret",
        "sx",
        "--type",
        "gcr",
        "--hostname",
        "h.example.com",
        "--export",
    ]);
    assert_eq!(line, "error: --email-claim is required for receiver type 'gcr'");
}

#[test]
fn claims_are_gcr_only_and_ignored_otherwise_as_flux_does() {
    let plain = run(&["secret", "sx", "--type", "github", "--token", "t", "--export"]);
    let claimed = run(&[
        "secret",
        "sx",
        "--type",
        "github",
        "--token",
        "t",
        "--email-claim",
        "a@b.c",
        "--export",
    ]);
    assert!(claimed.status.success());
    assert_eq!(claimed.stdout, plain.stdout);
    let stderr = String::from_utf8(claimed.stderr).unwrap();
    assert!(
        stderr.contains("--email-claim is only used by receiver type 'gcr'; ignored"),
        "{stderr}"
    );
}

#[test]
fn invalid_hostname() {
    let line = usage_error(&["secret", "sx", "--type", "github", "--hostname", "ftp://x", "--export"]);
    assert!(line.contains("'ftp://x'") && line.contains("--hostname"), "{line}");
}

#[test]
fn invalid_service_type_and_port() {
    let line = usage_error(&["expose", "--type", "External", "--export"]);
    assert!(
        line.contains("'External'") && line.contains("LoadBalancer, NodePort, ClusterIP"),
        "{line}"
    );
    let line = usage_error(&["expose", "--port", "0", "--export"]);
    assert!(line.contains("'0'") && line.contains("--port"), "{line}");
    let line = usage_error(&["expose", "--name", "9lives", "--export"]);
    assert!(line.contains("'9lives'") && line.contains("--name"), "{line}");
}

#[test]
fn unknown_flag() {
    let line = usage_error(&create_with(&["--evnt", "push"]));
    assert!(
        line.contains("'--evnt'") && line.contains("did you mean '--event'?"),
        "{line}"
    );
}

#[test]
fn url_without_a_token_reads_the_cluster_or_says_how_to_go_offline() {
    let output = run(&["url", "r"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no kubeconfig found") && stderr.contains("--token-file") && !stderr.contains("--export"),
        "{stderr}"
    );
    let line = usage_error(&["url", "r", "--type", "generic-oidc", "--token", "t"]);
    assert!(line.contains("generic-oidc"), "{line}");
}

#[test]
fn without_export_and_without_a_kubeconfig_the_failure_says_what_to_do() {
    let output = run(&VALID_CREATE);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no kubeconfig found") && stderr.contains("--export"),
        "{stderr}"
    );
}

/// A bad token is a secret all the same: the error names the flag and the
/// reason, never any part of the value (clap quotes values verbatim, and a
/// token with a line break would leak its first half into a one-line error).
#[test]
fn bad_tokens_are_never_echoed() {
    for (command, token) in [
        (vec!["secret", "sx", "--type", "github", "--export"], "hunter2secret\t"),
        (
            vec!["secret", "sx", "--type", "github", "--export"],
            "firsthalf\nsecondhalf",
        ),
        (vec!["url", "r", "--type", "github"], "firsthalf\nsecondhalf"),
        (vec!["trigger", "r", "--type", "github"], "hunter2secret\u{7}"),
    ] {
        let mut args = command.clone();
        args.extend(["--token", token]);
        let line = usage_error(&args);
        assert!(line.contains("--token") && line.contains("control character"), "{line}");
        for part in token.split(char::is_control).filter(|p| !p.is_empty()) {
            assert!(!line.contains(part), "{args:?} leaked {part:?}: {line}");
        }
    }
}

#[test]
fn bad_token_file_contents_are_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "firsthalf\nsecondhalf\n").unwrap();
    let path = file.to_str().unwrap();
    let line = usage_error(&["secret", "sx", "--type", "github", "--token-file", path, "--export"]);
    assert!(line.contains("--token-file") && line.contains(path), "{line}");
    assert!(!line.contains("firsthalf") && !line.contains("secondhalf"), "{line}");
}

#[test]
fn comma_lists_are_read_as_flux_reads_them() {
    // A quoted item keeps its comma; an item in a list is named when bad.
    let output = run(&create_with(&["--event", "\"a,b\",push"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert!(yaml.contains("  - a,b\n  - push\n"), "{yaml}");

    let line = usage_error(&create_with(&["--event", "a\"b"]));
    assert!(line.contains("'a\"b'") && line.contains("--event"), "{line}");
    assert!(line.contains("a quote may only open an item"), "{line}");
    let line = usage_error(&create_with(&["--label", "team=a,\"open"]));
    assert!(line.contains("--label") && line.contains("not closed"), "{line}");
    let line = usage_error(&create_with(&["--event", "push,,ping"]));
    assert!(line.contains("'': event names must not be empty"), "{line}");
    let line = usage_error(&create_with(&["--resource", "GitRepository/a\nGitRepository/b"]));
    assert!(line.contains("must be on one line"), "{line}");
}

#[test]
fn hostnames_that_are_no_host_are_refused_with_the_reason() {
    for (host, reason) in [
        ("https://", "has no host"),
        ("flux.example.com?x=1#f", "must not have a query"),
        ("user:pass@flux.example.com", "must not contain a user or password"),
        ("flux.example.com:99999", "the port must be a number from 1 to 65535"),
        ("fd00::1", "an IPv6 address must be in brackets"),
        ("javascript:alert(1)", "the port must be a number"),
        ("ftp://flux.example.com", "the scheme must be http or https, not 'ftp'"),
        ("flux.example.com/base", "must not have a path"),
    ] {
        let line = usage_error(&[
            "secret",
            "token",
            "--type",
            "github",
            "--token",
            "t",
            "--hostname",
            host,
            "--export",
        ]);
        assert!(
            line.contains(&format!("'{host}'")) && line.contains("--hostname"),
            "{line}"
        );
        assert!(line.contains(reason), "{host}: {line}");
    }
    let line = usage_error(&[
        "trigger",
        "--type",
        "github",
        "--token",
        "t",
        "--url",
        "https://u:p@h/hook/x",
    ]);
    assert!(line.contains("--url") && line.contains("user or password"), "{line}");
}

#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_naming_the_flag() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"\xff");
    for args in [
        vec!["list".into(), "-n".into(), bad.to_owned()],
        vec!["get".into(), bad.to_owned()],
    ] {
        let output = common::flux_receiver().args(&args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("invalid value '\\xff'") && stderr.contains("not valid UTF-8"),
            "{stderr}"
        );
    }
    // Completion reads them as data and still answers.
    let output = common::flux_receiver()
        .args([std::ffi::OsStr::new("__complete"), std::ffi::OsStr::new("get"), bad])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8(output.stdout).unwrap().trim_end().ends_with(":4"));
}

#[test]
fn a_negative_duration_is_a_bad_value_not_an_unknown_argument() {
    let line = usage_error(&create_with(&["--interval", "-1s"]));
    assert!(
        line.contains("'-1s'") && line.contains("--interval") && line.contains("must not be negative"),
        "{line}"
    );
    let line = usage_error(&create_with(&["--timeout", "-5m"]));
    assert!(line.contains("'-5m'") && line.contains("--timeout"), "{line}");
}

#[test]
fn control_characters_in_stored_text_are_refused_and_shown_escaped() {
    let line = usage_error(&create_with(&["--event", "push\u{1b}[2J"]));
    assert!(
        line.contains("'push\\u{1b}[2J'") && line.contains("control characters"),
        "{line}"
    );
    assert!(!line.contains('\u{1b}'), "{line:?}");
    let line = usage_error(&create_with(&["--resource-filter", "true\u{7}"]));
    assert!(
        line.contains("--resource-filter") && line.contains("'true\\u{7}'"),
        "{line}"
    );
    for flag in ["--email-claim", "--audience-claim"] {
        let line = usage_error(&[
            "secret",
            "token",
            "--type",
            "gcr",
            "--token",
            "t",
            flag,
            "a\tb",
            "--hostname",
            "h.example.com",
            "--export",
        ]);
        assert!(line.contains(flag) && line.contains("'a\\tb'"), "{line}");
    }
}

#[test]
fn a_token_over_the_bound_is_refused_without_being_shown() {
    let long = "a".repeat(receiver::token::MAX_BYTES + 1);
    let line = usage_error(&["secret", "token", "--type", "github", "--token", &long, "--export"]);
    assert!(
        line.contains("longer than 1024 bytes") && !line.contains("aaaa"),
        "{line}"
    );
}

#[test]
fn a_payload_that_is_not_json_is_refused_before_anything_is_sent() {
    // Port 9 (discard) on loopback: nothing may be sent there anyway.
    let base = [
        "trigger",
        "rx",
        "--type",
        "github",
        "--token",
        "t",
        "--url",
        "http://127.0.0.1:9/hook/x",
    ];
    let mut args = base.to_vec();
    args.extend(["--payload", "{not json"]);
    let line = usage_error(&args);
    assert!(
        line.contains("--payload") && line.contains("github sends JSON"),
        "{line}"
    );
}

#[test]
fn a_kubeconfig_that_is_not_yaml_is_one_line_with_a_consistent_exit() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("config");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster: {server: [\n",
    )
    .unwrap();
    // Named by the flag, it is the flag's bad value (2); found through
    // KUBECONFIG, it is the environment (1). One line either way.
    let output = run(&["list", "--kubeconfig", bad.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!((output.status.code(), stderr.lines().count()), (Some(2), 1), "{stderr}");
    assert!(stderr.contains("--kubeconfig") && stderr.contains("line 5"), "{stderr}");
    let output = common::flux_receiver()
        .arg("list")
        .env("KUBECONFIG", &bad)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!((output.status.code(), stderr.lines().count()), (Some(1), 1), "{stderr}");
    assert!(
        stderr.contains("cannot load the kubeconfig") && stderr.contains("line 5"),
        "{stderr}"
    );
}

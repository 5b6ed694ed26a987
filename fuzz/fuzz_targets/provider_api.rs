//! What flux-receiver reads from and sends to the providers' APIs: the
//! `--github-repo`/`--github-org`/`--gitlab-project`/`--gitlab-group`
//! values, the `Link`/`X-Next-Page` headers GitHub and GitLab answer with,
//! and GitHub's list of deliveries a rotation redelivers from. None may
//! panic; an accepted scope names exactly one repository, organization,
//! project or group in its API path (no `/`, `?`, `#` or `..` of its own
//! leaks into the path) and parses again to itself; a next-page link is
//! one the header holds; the redeliveries are at most
//! `MAX_REDELIVERIES`, one per event, each listed, oldest first.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::{github, gitlab};

/// The path segments of `path` after `prefix`, up to `suffix`.
fn middle<'a>(path: &'a str, prefix: &str, suffix: &str) -> &'a str {
    path.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or_else(|| panic!("{path:?} is not {prefix}…{suffix}"))
}

fn no_escape(segment: &str, of: &str) {
    assert!(
        !segment.contains(['/', '?', '#']) && segment != "." && segment != "..",
        "{of:?} put {segment:?} in a path"
    );
}

fn scopes(text: &str) {
    if let Ok(scope) = github::HookScope::parse_repo(text) {
        let path = scope.hooks_path();
        let inner = middle(&path, "/repos/", "/hooks");
        let (owner, repo) = inner.split_once('/').unwrap_or_else(|| panic!("{path:?}"));
        no_escape(owner, text);
        no_escape(repo, text);
        assert_eq!(github::HookScope::parse_repo(text), Ok(scope));
    }
    if let Ok(scope) = github::HookScope::parse_org(text) {
        let path = scope.hooks_path();
        no_escape(middle(&path, "/orgs/", "/hooks"), text);
    }
    for (parse, prefix) in [
        (
            gitlab::HookScope::parse_project as fn(&str) -> Result<gitlab::HookScope, String>,
            "/projects/",
        ),
        (gitlab::HookScope::parse_group, "/groups/"),
    ] {
        if let Ok(scope) = parse(text) {
            let path = scope.hooks_path();
            no_escape(middle(&path, prefix, "/hooks"), text);
            assert_eq!(parse(scope.path()), Ok(scope.clone()), "{text:?}");
        }
    }
}

fn links(text: &str) {
    if let Some(next) = github::next_link(text) {
        assert!(text.contains(&format!("<{next}>")), "{text:?} gave {next:?}");
    }
    let _ = gitlab::next_page(Some(text), Some(text));
    let _ = gitlab::next_page(None, Some(text));
}

fn deliveries(bytes: &[u8]) {
    let Ok(listed) = serde_json::from_slice::<Vec<github::Delivery>>(bytes) else {
        return;
    };
    let since: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let chosen = github::to_redeliver(&listed, since);
    assert!(chosen.len() <= github::MAX_REDELIVERIES);
    for (n, delivery) in chosen.iter().enumerate() {
        assert!(listed.iter().any(|d| d == *delivery));
        assert!(!delivery.succeeded() || listed.iter().any(|d| d.guid == delivery.guid && !d.succeeded()));
        assert!(delivery.at().is_some_and(|at| at >= since));
        assert!(chosen[..n].iter().all(|earlier| earlier.guid != delivery.guid));
        if n > 0 {
            assert!(chosen[n - 1].at() <= delivery.at());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                scopes(text);
            }
        }
        1 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                links(text);
            }
        }
        _ => deliveries(rest),
    }
});

//! "Did you mean …?" for mistyped names.

/// The candidate closest to `given`, case-insensitively: one that starts
/// with what was typed (`GitRepo` → `GitRepository`), or else the nearest by
/// edit distance if it is at most 3 edits away.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let given = given.to_ascii_lowercase();
    if given.is_empty() {
        return None;
    }
    let prefixed = candidates
        .clone()
        .into_iter()
        .find(|c| c.to_ascii_lowercase().starts_with(&given));
    prefixed.or_else(|| {
        candidates
            .into_iter()
            .map(|c| (strsim::levenshtein(&given, &c.to_ascii_lowercase()), c))
            .filter(|(distance, _)| *distance <= 3)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, c)| c)
    })
}

/// The candidate `given` is probably a typo of: at most two edits away
/// (`pushh` for `push`), ignoring case as the controller's event filter does
/// (so `Push` is no typo). Unlike [`closest`] it never matches by prefix,
/// so a legitimately different name is not mistaken for a typo.
pub fn near_miss<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    if candidates.iter().any(|c| c.eq_ignore_ascii_case(given)) {
        return None;
    }
    let given = given.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&given, &c.to_ascii_lowercase()), c))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// ` (did you mean 'x'?)` for an error message, or nothing.
pub fn did_you_mean(suggestion: Option<impl std::fmt::Display>) -> String {
    suggestion
        .map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default()
}

/// The valid names, comma-separated, for a "must be one of" message.
pub fn one_of<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_prefixes_then_edit_distance() {
        let kinds = ["Bucket", "GitRepository", "HelmRelease"];
        assert_eq!(closest("gitrepo", kinds), Some("GitRepository"));
        assert_eq!(closest("Buckt", kinds), Some("Bucket"));
        assert_eq!(closest("Deployment", kinds), None);
        assert_eq!(closest("", kinds), None);
    }

    #[test]
    fn near_misses_are_typos_only() {
        let events = ["ping", "push", "release"];
        assert_eq!(near_miss("pushh", events), Some("push"));
        assert_eq!(near_miss("Push", events), None);
        assert_eq!(near_miss("Pushh", events), Some("push"));
        assert_eq!(near_miss("push", events), None);
        assert_eq!(near_miss("workflow_run", events), None);
        assert_eq!(near_miss("re", events), None);
    }

    #[test]
    fn formats_suggestions_and_lists() {
        assert_eq!(did_you_mean(Some("github")), " (did you mean 'github'?)");
        assert_eq!(did_you_mean(None::<&str>), "");
        assert_eq!(one_of(["a", "b"]), "a, b");
    }
}

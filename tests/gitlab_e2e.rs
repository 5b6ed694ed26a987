//! GitLab on the real control plane (`testenv/run`): `setup
//! --gitlab-project` registers the hook at the fake GitLab (which checks
//! the documented hooks API), a delivery of the registered URL with the
//! registered token is accepted by the real notification-controller, and
//! after `rotate --gitlab-project` the hook's new URL and token are.

mod common;

mod real {
    use std::process::Output;

    use super::common;
    use common::gitlab::{FakeGitlab, TOKEN};
    use common::testenv::{Namespace, ok};

    const SCOPE: &str = "projects/acme/app";

    fn flux_receiver(ns: &Namespace, gitlab: &FakeGitlab, args: &[&str]) -> Output {
        common::flux_receiver()
            .env("KUBECONFIG", &ns.kubeconfig)
            .env("GITLAB_TOKEN", TOKEN)
            .args(args)
            .args(["--gitlab-project", "acme/app", "--gitlab-url", &gitlab.url])
            .args([
                "--hostname",
                &common::testenv::webhook(),
                "-n",
                &ns.name,
                "--timeout",
                "1m",
            ])
            .output()
            .expect("flux-receiver runs")
    }

    /// What GitLab sends for a push, as the hook is registered now: its
    /// URL, its token as `X-Gitlab-Token`; the controller's answer.
    fn push(gitlab: &FakeGitlab, token_override: Option<&str>) -> u16 {
        let hooks = gitlab.hooks(SCOPE);
        assert_eq!(hooks.len(), 1, "{hooks:?}");
        let token = token_override
            .or(hooks[0].token.as_deref())
            .expect("the hook has a token")
            .to_string();
        let body = br#"{"object_kind":"push","ref":"refs/heads/main","project":{"path_with_namespace":"acme/app"}}"#;
        common::post(
            &hooks[0].url,
            &[
                ("X-Gitlab-Event", "Push Hook"),
                ("X-Gitlab-Token", &token),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    }

    #[test]
    fn the_registered_gitlab_hook_is_accepted_by_the_real_controller_before_and_after_a_rotation() {
        let gitlab = FakeGitlab::start();
        gitlab.add_project("acme/app");
        let ns = Namespace::create("gitlab-e2e");
        ns.git_repository("app");
        let setup = [
            "setup",
            "app",
            "--type",
            "gitlab",
            "--resource",
            "GitRepository/app",
            "--event",
            "Push Hook",
            "--yes",
        ];
        ok(&flux_receiver(&ns, &gitlab, &setup));
        let first = gitlab.hooks(SCOPE)[0].clone();
        assert!(first.url.starts_with(&common::testenv::webhook()), "{first:?}");
        assert_eq!(first.attributes["push_events"], true);
        assert_eq!(push(&gitlab, None), 200, "the registered URL and token");
        assert_eq!(push(&gitlab, Some("not-the-token")), 400, "another token is refused");

        ok(&flux_receiver(&ns, &gitlab, &["rotate", "app", "--yes"]));
        let moved = gitlab.hooks(SCOPE)[0].clone();
        assert_eq!(moved.id, first.id);
        assert_ne!(moved.url, first.url);
        assert_ne!(moved.token, first.token);
        assert_eq!(push(&gitlab, None), 200, "the new URL and token");
        let old = common::post(
            &first.url,
            &[
                ("X-Gitlab-Event", "Push Hook"),
                ("X-Gitlab-Token", first.token.as_deref().unwrap()),
            ],
            b"{}",
        );
        assert_eq!(old, 404, "the old URL is gone");
    }
}

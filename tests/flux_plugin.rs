//! flux-receiver as a plugin of the real flux CLI (flux2 v2.9.4, built by
//! `testenv/build`; `testenv/run` passes its path as
//! `FLUX_RECEIVER_E2E_FLUX`). flux discovers `flux-<name>` in
//! `$FLUXCD_PLUGINS` (else `~/.fluxcd/plugins`), runs `flux receiver ARGS`
//! by exec'ing the plugin file with `argv[0]` its path in that directory
//! and ARGS unchanged, and completes `flux receiver …` by running
//! `flux-receiver __complete …`, listing its own persistent flags before
//! the plugin's candidates when a flag name is completed.
//!
//! `tests/plugin.rs` checks the same with a stand-in `flux` script; here
//! the real flux is the referee: what goes through it is compared with
//! what flux-receiver prints when run directly.
//!
//! The tests are in `mod real`: they need `FLUX_RECEIVER_E2E_FLUX` (and
//! the completion of names the real control plane), and fail without them.

mod common;

mod real {
    use std::os::unix::fs::symlink;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use flux_receiver::plugin::{FLUX_PERSISTENT_FLAGS, FLUX_PERSISTENT_SHORTS};

    use super::common;
    use super::common::testenv::{self, Namespace, ok};

    const OURS: &str = env!("CARGO_BIN_EXE_flux-receiver");

    /// A plugin directory holding `flux-receiver` as a symlink to the
    /// built binary, as the README installs it.
    struct Plugins {
        dir: tempfile::TempDir,
    }

    impl Plugins {
        fn symlinked() -> Plugins {
            let dir = tempfile::tempdir().unwrap();
            symlink(OURS, dir.path().join("flux-receiver")).unwrap();
            Plugins { dir }
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        /// The real flux with this plugin directory as `FLUXCD_PLUGINS`.
        fn flux(&self, kubeconfig: Option<&Path>) -> Command {
            let mut command = testenv::flux(kubeconfig);
            command.env("FLUXCD_PLUGINS", self.path()).env("NO_COLOR", "1");
            command
        }

        /// `flux ARGS`, with no cluster.
        fn run(&self, args: &[&str]) -> Output {
            self.flux(None).args(args).output().expect("flux runs")
        }
    }

    /// flux-receiver run directly, with no cluster.
    fn direct(args: &[&str]) -> Output {
        common::flux_receiver()
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .args(args)
            .output()
            .expect("flux-receiver runs")
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// Every place where `flux-receiver` is followed by one of its
    /// subcommands: a command spelled out for the user to type.
    fn spelled_out_commands(text: &str) -> Vec<String> {
        use clap::CommandFactory;
        let command = flux_receiver::cli::Cli::command();
        let subcommands: Vec<&str> = command.get_subcommands().map(|sub| sub.get_name()).collect();
        text.match_indices("flux-receiver ")
            .filter_map(|(at, found)| {
                let word: String = text[at + found.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase())
                    .collect();
                subcommands
                    .contains(&word.as_str())
                    .then(|| format!("flux-receiver {word}"))
            })
            .collect()
    }

    /// flux finds the plugin as a symlink or as a regular file, in
    /// `$FLUXCD_PLUGINS` given absolute, relative or as `.`, and in
    /// `~/.fluxcd/plugins`; every time flux-receiver knows it was run by
    /// flux. (With `FLUXCD_PLUGINS=.` flux execs the bare name
    /// `flux-receiver`: Go's `filepath.Join` drops the `.`.)
    #[test]
    fn flux_discovers_and_runs_the_plugin_wherever_it_looks() {
        let says_flux_receiver = |output: Output, how: &str| {
            let help = ok(&output);
            assert!(help.contains("Usage: flux receiver list [OPTIONS]"), "{how}:\n{help}");
        };
        let symlinked = Plugins::symlinked();
        let listed = ok(&symlinked.run(&["--help"]));
        let plugin_commands = listed
            .split("Plugin Commands:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("flux lists no plugin:\n{listed}"));
        assert!(
            plugin_commands.starts_with("  receiver    Runs the receiver plugin\n"),
            "{listed}"
        );
        says_flux_receiver(symlinked.run(&["receiver", "list", "--help"]), "a symlink");

        // A regular file (a hard link, or a copy where links cannot be made).
        let copied = tempfile::tempdir().unwrap();
        let file = copied.path().join("flux-receiver");
        if std::fs::hard_link(OURS, &file).is_err() {
            std::fs::copy(OURS, &file).unwrap();
        }
        let output = testenv::flux(None)
            .env("FLUXCD_PLUGINS", copied.path())
            .args(["receiver", "list", "--help"])
            .output()
            .unwrap();
        says_flux_receiver(output, "a regular file");

        // Relative to the current directory, and the current directory itself.
        let parent = symlinked.path().parent().unwrap();
        let relative = symlinked.path().file_name().unwrap();
        let output = testenv::flux(None)
            .current_dir(parent)
            .env("FLUXCD_PLUGINS", relative)
            .args(["receiver", "list", "--help"])
            .output()
            .unwrap();
        says_flux_receiver(output, "FLUXCD_PLUGINS relative");
        for dot in [".", "./"] {
            let output = testenv::flux(None)
                .current_dir(symlinked.path())
                .env("FLUXCD_PLUGINS", dot)
                .args(["receiver", "list", "--help"])
                .output()
                .unwrap();
            says_flux_receiver(output, &format!("FLUXCD_PLUGINS={dot}"));
        }
        // The bare name run from elsewhere is a PATH look-up, not flux.
        let elsewhere = Command::new(OURS)
            .current_dir(parent)
            .env("FLUXCD_PLUGINS", ".")
            .args(["list", "--help"])
            .output()
            .unwrap();
        assert!(ok(&elsewhere).contains("Usage: flux-receiver list [OPTIONS]"));

        // The default directory under HOME, when FLUXCD_PLUGINS is unset or empty.
        let home = tempfile::tempdir().unwrap();
        let plugins = home.path().join(".fluxcd/plugins");
        std::fs::create_dir_all(&plugins).unwrap();
        symlink(OURS, plugins.join("flux-receiver")).unwrap();
        for fluxcd_plugins in [None, Some("")] {
            let mut command = testenv::flux(None);
            command.env("HOME", home.path());
            if let Some(value) = fluxcd_plugins {
                command.env("FLUXCD_PLUGINS", value);
            }
            let output = command.args(["receiver", "list", "--help"]).output().unwrap();
            says_flux_receiver(output, &format!("~/.fluxcd/plugins, FLUXCD_PLUGINS={fluxcd_plugins:?}"));
        }
    }

    /// Splits `line` as a shell would.
    fn words(line: &str) -> Vec<String> {
        shell_words::split(line).expect("a well-formed command line")
    }

    /// `flux receiver create|secret|… --export` prints exactly what
    /// flux-receiver prints run directly: flux passes every argument
    /// through, its own flags before `receiver` included (`flux -n team
    /// receiver …` runs `flux-receiver -n team …`). Where flux's own
    /// `create receiver` / `create secret receiver` accepts the flags too
    /// (`true` below), its output is the same bytes again.
    #[test]
    fn exports_through_flux_are_byte_identical() {
        let plugins = Plugins::symlinked();
        let token_file = plugins.path().join("token.txt");
        std::fs::write(&token_file, "s3cr3t-t0k3n\n").unwrap();
        let cases = [
            (
                "create github-receiver --type github --event ping,push --secret-ref webhook-token \
                 --resource GitRepository/my-nginx --export"
                    .to_string(),
                true,
            ),
            (
                "create gitlab-rx --type gitlab --event 'Push Hook' --event 'Tag Push Hook' --secret-ref gl \
                 --resource GitRepository/app,OCIRepository/oci --resource Kustomization/app \
                 --label team=a,tier=web -n team-a --export"
                    .to_string(),
                true,
            ),
            (
                "-n apps create bb --type bitbucket --event repo:refs_changed --secret-ref tk \
                 --resource=HelmRelease/app --export"
                    .to_string(),
                true,
            ),
            (
                "--namespace=apps create wild --type=generic --secret-ref=tk --resource 'GitRepository/*' \
                 --match-label team=a --interval 1h --export"
                    .to_string(),
                false,
            ),
            (
                "create oidc --type generic-oidc --resource HelmRelease/apps/app --export".to_string(),
                false,
            ),
            (
                "secret github-receiver --type github --hostname flux.example.com --token 0123456789abcdef \
                 -n team-a --export"
                    .to_string(),
                true,
            ),
            (
                "secret gcr-rx --type gcr --hostname flux.example.com --token=-starts-with-dash \
                 --email-claim sa@project.iam.gserviceaccount.com --export"
                    .to_string(),
                true,
            ),
            (
                "secret gcr-aud --type gcr --hostname hooks.example.com --token t0k3n --label team=b \
                 --email-claim sa@p.iam.gserviceaccount.com --audience-claim https://aud.example.com --export"
                    .to_string(),
                true,
            ),
            (
                "expose --name webhook --type NodePort --port 8080 --export".to_string(),
                false,
            ),
            (
                format!(
                    "setup gh --type github --resource GitRepository/app --hostname flux.example.com \
                     --token-file '{}' --export",
                    token_file.display()
                ),
                false,
            ),
        ];
        for (line, flux_too) in &cases {
            let args = words(line);
            // Flags before the subcommand are flux's: they go before `receiver`.
            let subcommand = args
                .iter()
                .position(|a| ["create", "secret", "expose", "setup"].contains(&a.as_str()))
                .unwrap();
            let (flux_flags, rest) = args.split_at(subcommand);
            let via_flux = plugins
                .flux(None)
                .args(flux_flags)
                .arg("receiver")
                .args(rest)
                .output()
                .unwrap();
            let ran_directly = common::flux_receiver()
                .env("KUBECONFIG", "/nonexistent/kubeconfig")
                .args(&args)
                .output()
                .unwrap();
            assert!(via_flux.status.success(), "{line}: {}", text(&via_flux.stderr));
            assert_eq!(text(&via_flux.stdout), text(&ran_directly.stdout), "{line}");
            assert_eq!(text(&via_flux.stderr), text(&ran_directly.stderr), "{line}");
            if *flux_too {
                let own: &[&str] = match rest[0].as_str() {
                    "create" => &["create", "receiver"],
                    "secret" => &["create", "secret", "receiver"],
                    other => panic!("flux has no command for {other}"),
                };
                let by_flux = testenv::flux(None)
                    .args(flux_flags)
                    .args(own)
                    .args(&rest[1..])
                    .output()
                    .unwrap();
                assert_eq!(ok(&by_flux), text(&via_flux.stdout), "flux's own {line}");
            }
        }
    }

    /// Help and usage errors through flux say `flux receiver`, exit as run
    /// directly (0 for help, 2 for usage), and are otherwise the same text.
    /// A flag flux offers for every command but flux-receiver does not
    /// take (`--as`) is a usage error naming it.
    #[test]
    fn help_and_usage_errors_through_flux_say_flux_receiver() {
        let plugins = Plugins::symlinked();
        let cases: [(&[&str], i32); 12] = [
            (&["--help"], 0),
            (&["-h"], 0),
            (&["create", "--help"], 0),
            (&["help", "secret"], 0),
            (&["completion", "--help"], 0),
            (&[], 2),
            (&["creat"], 2),
            (&["create"], 2),
            (&["create", "rx", "--type", "nope", "--resource", "GitRepository/a"], 2),
            (&["list", "--output", "nope"], 2),
            (&["list", "--as", "admin"], 2),
            (
                &["setup", "rx", "--type", "gcr", "--resource", "GitRepository/x", "--yes"],
                2,
            ),
        ];
        for (args, code) in cases {
            let mut through_flux = vec!["receiver"];
            through_flux.extend_from_slice(args);
            let via_flux = plugins.run(&through_flux);
            let ran_directly = direct(args);
            assert_eq!(
                via_flux.status.code(),
                Some(code),
                "{args:?}: {}",
                text(&via_flux.stderr)
            );
            assert_eq!(ran_directly.status.code(), Some(code), "{args:?}");
            let shown = format!("{}{}", text(&via_flux.stdout), text(&via_flux.stderr));
            assert_eq!(spelled_out_commands(&shown), Vec::<String>::new(), "{args:?}:\n{shown}");
            assert!(!shown.contains("Usage: flux-receiver"), "{args:?}:\n{shown}");
            if code == 0 || args.is_empty() {
                assert!(shown.contains("Usage: flux receiver"), "{args:?}:\n{shown}");
            } else {
                // One line naming what is wrong, the same as run directly.
                assert_eq!(shown.lines().count(), 1, "{args:?}:\n{shown}");
                assert_eq!(
                    shown,
                    text(&ran_directly.stderr).replace("flux-receiver ", "flux receiver "),
                    "{args:?}"
                );
            }
        }
        let refused = text(&plugins.run(&["receiver", "list", "--as", "admin"]).stderr);
        assert!(refused.contains("'--as'"), "{refused}");
        let setup = text(
            &plugins
                .run(&[
                    "receiver",
                    "setup",
                    "rx",
                    "--type",
                    "gcr",
                    "--resource",
                    "GitRepository/x",
                ])
                .stderr,
        );
        assert!(setup.contains("`flux receiver secret --type gcr`"), "{setup}");
        // Help outside the examples is flux-receiver's own, renamed.
        let help = ok(&plugins.run(&["receiver", "create", "--help"]));
        let own = ok(&direct(&["create", "--help"]));
        assert_eq!(help, own.replace("flux-receiver ", "flux receiver "));
        // Under flux, `completion --help` points at flux's own completion.
        let completion = ok(&plugins.run(&["receiver", "completion", "--help"]));
        assert!(
            completion.contains("echo 'source <(flux completion bash)' >> ~/.bashrc"),
            "{completion}"
        );
    }

    /// One completion answer: candidate lines and the directive.
    #[derive(Debug, PartialEq)]
    struct Answer {
        lines: Vec<String>,
        directive: String,
    }

    fn answer(output: &Output) -> Answer {
        let stdout = ok(output);
        let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
        let directive = lines.pop().unwrap_or_default();
        assert!(directive.starts_with(':'), "no directive in {stdout:?}");
        Answer { lines, directive }
    }

    fn values(answer: &Answer) -> Vec<&str> {
        answer
            .lines
            .iter()
            .map(|line| line.split('\t').next().unwrap())
            .collect()
    }

    /// What flux lists itself for a flag-name word: its persistent flags
    /// that match, in its order (by name, `-n` after `--namespace`).
    fn flux_s_own_flags(word: &str) -> Vec<String> {
        if !word.starts_with('-') || word.contains('=') {
            return Vec::new();
        }
        let mut flags = Vec::new();
        for long in FLUX_PERSISTENT_FLAGS {
            if format!("--{long}").starts_with(word) {
                flags.push(format!("--{long}"));
            }
            if long == "namespace" {
                for short in FLUX_PERSISTENT_SHORTS {
                    if format!("-{short}").starts_with(word) {
                        flags.push(format!("-{short}"));
                    }
                }
            }
        }
        flags
    }

    /// `flux __complete receiver …` for a table of partial command lines
    /// against a real cluster: flux answers with its own matching flags
    /// (for a flag name) followed by exactly what the plugin answers run
    /// as flux runs it, which is flux-receiver's direct answer less the
    /// global flags flux already listed, never a name twice, with the same
    /// directive. Names come from the cluster.
    #[test]
    fn flux_completes_through_the_plugin() {
        let ns = Namespace::create("fluxcomplete");
        ns.git_repository("app-one");
        ns.git_repository("app-two");
        ok(&ns.ours(&["secret", "hook-token", "--type", "github"]));
        for name in ["gh-alpha", "gh-beta", "gl-gamma"] {
            ok(&ns.ours(&[
                "create",
                name,
                "--type",
                "github",
                "--secret-ref",
                "hook-token",
                "--resource",
                "GitRepository/app-one",
                "--no-wait",
            ]));
        }
        let plugins = Plugins::symlinked();
        let n = ns.name.as_str();
        let namespace_flag = format!("--namespace={n}");
        // (words after `flux __complete`, what must be among the candidates)
        let lines: Vec<(Vec<&str>, Vec<&str>)> = vec![
            (
                vec!["receiver", ""],
                vec!["create", "secret", "list", "trigger", "setup", "doctor"],
            ),
            (vec!["receiver", "cr"], vec!["create"]),
            (vec!["receiver", "l"], vec!["list"]),
            (
                vec!["receiver", "create", "rx", "--type", ""],
                vec!["generic", "github", "gitlab", "bitbucket", "gcr", "cdevents"],
            ),
            (
                vec!["receiver", "create", "rx", "--type", "gi"],
                vec!["github", "gitlab"],
            ),
            (vec!["receiver", "create", "rx", "--type=gi"], vec!["github", "gitlab"]),
            (
                vec!["receiver", "create", "rx", "--type", "github", "--event", ""],
                vec!["ping", "push"],
            ),
            (
                vec!["receiver", "create", "rx", "--type", "gitlab", "--event", "T"],
                vec!["Tag Push Hook"],
            ),
            (
                vec!["receiver", "create", "rx", "--type", "gitlab", "--event", "Push Hook,"],
                vec!["Push Hook,Tag Push Hook"],
            ),
            (
                vec!["receiver", "create", "rx", "--type=bitbucket", "--event", "repo:r"],
                vec!["repo:refs_changed"],
            ),
            (
                vec!["receiver", "create", "rx", "--type", "harbor", "--event", ""],
                vec![],
            ),
            (
                vec!["receiver", "create", "rx", "--resource", ""],
                vec!["GitRepository/", "Kustomization/", "HelmRelease/", "OCIRepository/"],
            ),
            (
                vec!["receiver", "create", "rx", "--resource", "Git"],
                vec!["GitRepository/"],
            ),
            (
                vec!["receiver", "create", "rx", "--resource", "kust"],
                vec!["kustomization/"],
            ),
            (
                vec!["receiver", "create", "rx", "-n", n, "--resource", "GitRepository/"],
                vec!["GitRepository/app-one", "GitRepository/app-two"],
            ),
            (
                vec!["receiver", "create", "rx", "-n", n, "--secret-ref", ""],
                vec!["hook-token"],
            ),
            (
                vec!["receiver", "get", "-n", n, ""],
                vec!["gh-alpha", "gh-beta", "gl-gamma"],
            ),
            (
                vec!["receiver", "suspend", "--namespace", n, "gh-"],
                vec!["gh-alpha", "gh-beta"],
            ),
            (
                vec!["-n", n, "receiver", "reconcile", ""],
                vec!["gh-alpha", "gh-beta", "gl-gamma"],
            ),
            (vec!["receiver", &namespace_flag, "delete", "gl"], vec!["gl-gamma"]),
            (vec!["receiver", "list", "-n", ""], vec![n, "default", "flux-system"]),
            (
                vec!["receiver", "list", "-o", ""],
                vec!["table", "status", "wide", "json", "yaml"],
            ),
            (vec!["receiver", "completion", ""], vec!["bash", "zsh", "fish"]),
            (vec!["receiver", "create", "rx", "--ty"], vec!["--type"]),
            (
                vec!["receiver", "create", "rx", "--t"],
                vec!["--type", "--timeout", "--token"],
            ),
            (
                vec!["receiver", "create", "rx", "-"],
                vec!["--resource", "--namespace", "-n", "--as", "--help", "-h"],
            ),
            (vec!["receiver", "secret", "s", "--to"], vec!["--token", "--token-file"]),
            (vec!["receiver", "secret", "s", "--token-file", ""], vec![]),
            (
                vec!["receiver", "list", "--"],
                vec!["--all-namespaces", "--kubeconfig", "--flux-namespace", "--context"],
            ),
        ];
        for (words, expected) in &lines {
            let via_flux = answer(
                &plugins
                    .flux(Some(&ns.kubeconfig))
                    .arg("__complete")
                    .args(words)
                    .output()
                    .unwrap(),
            );
            // The same words as flux hands them to the plugin: without
            // `receiver`, flux's own flags before it kept in place.
            let position = words.iter().position(|w| *w == "receiver").unwrap();
            let mut plugin_words: Vec<&str> = words[..position].to_vec();
            plugin_words.extend_from_slice(&words[position + 1..]);
            let as_plugin = answer(
                &Command::new(plugins.path().join("flux-receiver"))
                    .env_clear()
                    .env("HOME", common::empty_home())
                    .env("KUBECONFIG", &ns.kubeconfig)
                    .env("FLUXCD_PLUGINS", plugins.path())
                    .arg("__complete")
                    .args(&plugin_words)
                    .output()
                    .unwrap(),
            );
            let ran_directly = answer(
                &common::flux_receiver()
                    .env("KUBECONFIG", &ns.kubeconfig)
                    .arg("__complete")
                    .args(&plugin_words)
                    .output()
                    .unwrap(),
            );
            let word = *words.last().unwrap();
            let flux_flags = flux_s_own_flags(word);
            let (flux_part, plugin_part) = via_flux.lines.split_at(flux_flags.len().min(via_flux.lines.len()));
            let flux_part: Vec<&str> = flux_part.iter().map(|l| l.split('\t').next().unwrap()).collect();
            assert_eq!(flux_part, flux_flags, "{words:?}: flux's own flags");
            assert_eq!(
                plugin_part,
                as_plugin.lines.as_slice(),
                "{words:?}: flux relays the plugin"
            );
            assert_eq!(via_flux.directive, as_plugin.directive, "{words:?}");
            assert_eq!(as_plugin.directive, ran_directly.directive, "{words:?}");
            // Run by flux, the plugin leaves out only the globals flux listed.
            let left_out: Vec<&str> = values(&ran_directly)
                .into_iter()
                .filter(|v| !values(&as_plugin).contains(v))
                .collect();
            for flag in &left_out {
                assert!(
                    flux_flags.iter().any(|f| f == flag),
                    "{words:?}: {flag} left out, flux did not list it"
                );
            }
            let all = values(&via_flux);
            for (index, value) in all.iter().enumerate() {
                // `--token` is two flags: flux's (API server) and ours (webhook).
                if *value != "--token" {
                    assert!(!all[..index].contains(value), "{words:?}: {value} twice in {all:?}");
                }
            }
            for value in expected {
                assert!(all.contains(value), "{words:?}: {value} missing from {all:?}");
            }
            if expected.is_empty() {
                assert!(all.is_empty(), "{words:?}: {all:?}");
            }
        }
        // Without descriptions, flux strips them from the plugin's answer.
        let bare = answer(
            &plugins
                .flux(None)
                .args(["__completeNoDesc", "receiver", "create", "rx", "--type", "gi"])
                .output()
                .unwrap(),
        );
        assert_eq!(
            bare,
            Answer {
                lines: vec!["github".into(), "gitlab".into()],
                directive: ":4".into()
            }
        );
    }

    /// flux's own bash completion (`flux completion bash`, Cobra's script)
    /// completes `flux receiver …` through the plugin in a real bash. It
    /// splits candidates at spaces, so GitLab's `Tag Push Hook` arrives one
    /// word at a time (README, plugin section); flux-receiver's own script
    /// keeps it whole (`tests/shells.rs`).
    #[test]
    fn flux_s_bash_completion_reaches_the_plugin() {
        let Some(bash) = ["/usr/bin/bash", "/bin/bash"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
        else {
            common::skip("bash is not installed");
            return;
        };
        let plugins = Plugins::symlinked();
        let script = plugins.path().join("flux.bash");
        std::fs::write(&script, ok(&plugins.run(&["completion", "bash"]))).unwrap();
        let flux_dir = testenv::flux_binary().parent().unwrap().to_path_buf();
        let complete = |line: &str| -> Vec<String> {
            let program = format!(
                r#"
                [ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
                . '{script}'
                read -ra COMP_WORDS <<< '{line}'
                [[ '{line}' == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
                COMP_LINE='{line}'
                COMP_POINT=${{#COMP_LINE}}
                __start_flux 2>/dev/null
                printf '%s\n' "${{COMPREPLY[@]}}"
                "#,
                script = script.display(),
            );
            let output = Command::new(&bash)
                .args(["-c", &program])
                .env_clear()
                .env("HOME", common::empty_home())
                .env("PATH", format!("{}:/usr/bin:/bin", flux_dir.display()))
                .env("FLUXCD_PLUGINS", plugins.path())
                .env("KUBECONFIG", "/nonexistent/kubeconfig")
                .output()
                .unwrap();
            ok(&output)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(complete("flux rec"), ["receiver", "reconcile"]);
        assert_eq!(complete("flux receiver cr"), ["create"]);
        assert_eq!(complete("flux receiver create rx --type gi"), ["github", "gitlab"]);
        assert_eq!(complete("flux receiver create rx --resource Kust"), ["Kustomization/"]);
        assert_eq!(complete("flux receiver list -o w"), ["wide"]);
        // Cobra's legacy bash script splits at spaces: one word of the event.
        assert_eq!(complete("flux receiver create rx --type gitlab --event Tag"), ["Tag"]);
    }
}

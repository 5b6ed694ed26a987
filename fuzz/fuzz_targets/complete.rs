//! The `__complete` entry point (what the shells and `flux` call on TAB):
//! on any words it never panics, and its answer, with or without
//! descriptions, ends with the `:<directive>` line.
//!
//! The input is the words after `__complete`, one per line; the last
//! (possibly empty) is the word being completed. There is no cluster: the
//! kubeconfig is a file that does not exist, so look-ups of names fail
//! quickly and silently, as they must without a cluster, and no fuzz input
//! can point one at a real server.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Where every kubeconfig is looked for: nowhere.
const NO_KUBECONFIG: &str = "/nonexistent/flux-receiver-fuzz/kubeconfig";

fuzz_target!(
    init: {
        // SAFETY: libFuzzer runs `init` once, on its only thread, before
        // any input; nothing else reads or writes the environment then.
        unsafe {
            std::env::set_var("KUBECONFIG", NO_KUBECONFIG);
            std::env::remove_var("KUBERNETES_SERVICE_HOST");
            std::env::remove_var("KUBERNETES_SERVICE_PORT");
        }
    },
    |text: &str| {
        let mut words: Vec<String> = text.split('\n').map(str::to_string).collect();
        keep_kubeconfig_away(&mut words);
        let completions = flux_receiver::complete::complete(&words);
        for with_descriptions in [true, false] {
            let answer = completions.render(with_descriptions);
            let last = answer
                .strip_suffix('\n')
                .and_then(|body| body.rsplit('\n').next())
                .unwrap_or_default();
            let directive = last.strip_prefix(':').and_then(|bits| bits.parse::<u32>().ok());
            assert!(directive.is_some(), "no :<directive> line at the end of {answer:?}");
        }
    }
);

/// A `--kubeconfig` typed on the line names the missing file too, so that
/// no input can make the completion read a real kubeconfig and connect.
fn keep_kubeconfig_away(words: &mut [String]) {
    let typed = words.len().saturating_sub(1);
    for i in 0..typed {
        if words[i].starts_with("--kubeconfig=") {
            words[i] = format!("--kubeconfig={NO_KUBECONFIG}");
        } else if words[i] == "--kubeconfig" && i + 1 < typed {
            words[i + 1] = NO_KUBECONFIG.to_string();
        }
    }
}

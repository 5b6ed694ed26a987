//! Running as a Flux CLI plugin.
//!
//! flux (2.8+) finds executables named `flux-<name>` in one directory,
//! `$FLUXCD_PLUGINS` or else `~/.fluxcd/plugins`, and runs `flux-receiver`
//! for `flux receiver …` with the arguments unchanged. On Unix it does so
//! with `execve`, replacing itself, so there is no flux parent process to
//! look at; what remains is how we were invoked: flux passes the path it
//! found, `<plugin dir>/flux-receiver`, as `argv[0]`. When that is where we
//! were run from, help, usage and errors say `flux receiver`, so that what
//! users read matches what they typed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::generate::BIN_NAME;

/// The name the user runs us by: `flux receiver` when run by flux,
/// `flux-receiver` otherwise. Every command we suggest (help and its
/// examples, usage, hints in errors and warnings, doctor's fixes, next
/// steps) is spelled with it, so that what users read is what they can
/// type; `tests/plugin.rs` checks that no suggestion in `src/` spells it
/// out instead.
pub fn display_name() -> &'static str {
    if run_by_flux() { "flux receiver" } else { BIN_NAME }
}

/// Whether flux ran us, as `flux receiver …` or to complete it: our
/// `argv[0]` is the plugin file in flux's plugin directory.
pub fn run_by_flux() -> bool {
    static BY_FLUX: OnceLock<bool> = OnceLock::new();
    *BY_FLUX.get_or_init(|| {
        let argv0 = std::env::args_os().next().unwrap_or_default();
        invoked_from_plugin_dir(Path::new(&argv0), plugin_dir().as_deref())
    })
}

/// The persistent flags of flux's root command (flux2 v2.9.4,
/// `cmd/flux/main.go`: its own, kubectl's connection flags and the client
/// rate limits). When flux completes a plugin's flag names it lists every
/// one of them that matches before the plugin's own candidates, so in
/// plugin mode the completion leaves out our global flags among them,
/// which would otherwise be offered twice. flux passes them to the plugin
/// unchanged; those we do not define are usage errors here
/// (`tests/flux_plugin.rs` checks this list against the real flux).
pub const FLUX_PERSISTENT_FLAGS: [&str; 23] = [
    "as",
    "as-group",
    "as-uid",
    "as-user-extra",
    "cache-dir",
    "certificate-authority",
    "client-certificate",
    "client-key",
    "cluster",
    "context",
    "disable-compression",
    "insecure-skip-tls-verify",
    "kube-api-burst",
    "kube-api-qps",
    "kubeconfig",
    "namespace",
    "ns-follows-kube-context",
    "server",
    "timeout",
    "tls-server-name",
    "token",
    "user",
    "verbose",
];

/// The short names among [`FLUX_PERSISTENT_FLAGS`] (`-n`, for `--namespace`).
pub const FLUX_PERSISTENT_SHORTS: [char; 1] = ['n'];

/// flux's plugin directory: `$FLUXCD_PLUGINS` when set and not empty,
/// else `~/.fluxcd/plugins` (what flux's own `PluginDir` computes).
pub fn plugin_dir() -> Option<PathBuf> {
    plugin_dir_from(std::env::var_os("FLUXCD_PLUGINS"), std::env::var_os("HOME"))
}

fn plugin_dir_from(fluxcd_plugins: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    match fluxcd_plugins.filter(|dir| !dir.is_empty()) {
        Some(dir) => Some(dir.into()),
        None => home
            .filter(|h| !h.is_empty())
            .map(|h| Path::new(&h).join(".fluxcd").join("plugins")),
    }
}

/// Whether `invoked` (our `argv[0]`) is the plugin file flux would run:
/// named `flux-receiver` and directly in `plugin_dir`.
///
/// `argv[0]` is judged as given, before any symlink is resolved: flux
/// installs plugins as files or symlinks in the directory, and a symlink
/// there pointing elsewhere is still the plugin. (For the same reason the
/// resolved executable path, `current_exe`, cannot decide: on Linux it is
/// the symlink's target.) Only the two directories are canonicalised, so
/// that `plugins/` and `plugins`, or a symlinked plugin directory, compare
/// equal.
///
/// flux runs the plugin as Go's `filepath.Join(dir, "flux-receiver")`,
/// which drops a `.` directory: with `FLUXCD_PLUGINS=.` (or `./`) our
/// `argv[0]` is the bare name, as when a shell finds `flux-receiver` on
/// `PATH`. A bare name is therefore the plugin only when the plugin
/// directory is the current directory and its `flux-receiver` is the very
/// file running now; anywhere else it is a `PATH` look-up, not flux.
pub fn invoked_from_plugin_dir(invoked: &Path, plugin_dir: Option<&Path>) -> bool {
    let Some(plugin_dir) = plugin_dir else {
        return false;
    };
    if invoked.as_os_str() == BIN_NAME {
        return run_from_current_dir(plugin_dir);
    }
    let named_as_plugin = invoked.file_name().is_some_and(|name| {
        let name = name.to_string_lossy();
        // On Windows flux also accepts the executable's extension.
        let stem = if cfg!(windows) {
            name.strip_suffix(".exe").unwrap_or(&name)
        } else {
            &name
        };
        stem == BIN_NAME
    });
    let Some(parent) = invoked.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return false;
    };
    named_as_plugin && same_directory(parent, plugin_dir)
}

/// Whether `plugin_dir` is the current directory and its `flux-receiver`
/// is the executable running now (both resolved, as the kernel resolved
/// what it runs).
fn run_from_current_dir(plugin_dir: &Path) -> bool {
    let (Ok(current), Ok(running)) = (std::env::current_dir(), std::env::current_exe()) else {
        return false;
    };
    same_directory(plugin_dir, &current)
        && match (plugin_dir.join(BIN_NAME).canonicalize(), running.canonicalize()) {
            (Ok(plugin), Ok(running)) => plugin == running,
            _ => false,
        }
}

fn same_directory(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_dir_is_fluxcd_plugins_or_under_home() {
        assert_eq!(
            plugin_dir_from(Some("/opt/plugins".into()), Some("/home/u".into())),
            Some(PathBuf::from("/opt/plugins"))
        );
        assert_eq!(
            plugin_dir_from(Some("".into()), Some("/home/u".into())),
            Some(PathBuf::from("/home/u/.fluxcd/plugins"))
        );
        assert_eq!(plugin_dir_from(None, None), None);
    }

    #[test]
    fn only_flux_receiver_in_the_plugin_dir_is_the_plugin() {
        let dir = tempfile::tempdir().unwrap();
        let plugins = dir.path().join("plugins");
        std::fs::create_dir(&plugins).unwrap();
        let plugin = plugins.join("flux-receiver");
        assert!(invoked_from_plugin_dir(&plugin, Some(&plugins)));
        // The same directory spelled differently.
        assert!(invoked_from_plugin_dir(&plugin, Some(&dir.path().join("plugins/"))));
        assert!(invoked_from_plugin_dir(
            &dir.path().join("plugins/../plugins/flux-receiver"),
            Some(&plugins)
        ));
        assert!(!invoked_from_plugin_dir(&plugins.join("flux-other"), Some(&plugins)));
        assert!(!invoked_from_plugin_dir(
            &dir.path().join("flux-receiver"),
            Some(&plugins)
        ));
        assert!(!invoked_from_plugin_dir(Path::new("flux-receiver"), Some(&plugins)));
        assert!(!invoked_from_plugin_dir(&plugin, None));
    }
}

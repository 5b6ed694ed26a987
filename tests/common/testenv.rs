//! What `testenv/run` provides (see testenv/README.md): the real control
//! plane, through `FLUX_RECEIVER_E2E_KUBECONFIG` and
//! `FLUX_RECEIVER_E2E_WEBHOOK`, and the real flux CLI (flux2 v2.9.4, built
//! by `testenv/build`), through `FLUX_RECEIVER_E2E_FLUX`. Without them
//! these helpers panic: a test that needs them fails, it does not skip.
//!
//! The control plane is shared by every test of a `cargo test` process, so
//! each test works in a namespace of its own ([`Namespace`]). It has no
//! kube-controller-manager, so a deleted namespace would stay Terminating:
//! namespaces are left in place and die with the control plane.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The kubeconfig of the real control plane.
pub const KUBECONFIG: &str = "FLUX_RECEIVER_E2E_KUBECONFIG";
/// The notification-controller's webhook address.
pub const WEBHOOK: &str = "FLUX_RECEIVER_E2E_WEBHOOK";
/// The real flux CLI.
pub const FLUX: &str = "FLUX_RECEIVER_E2E_FLUX";

fn required(variable: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| {
        panic!("{variable} is not set: run the tests under testenv/run (see the README), which sets it")
    })
}

/// The path of the real flux binary.
pub fn flux_binary() -> PathBuf {
    let path = PathBuf::from(required(FLUX));
    assert!(path.is_file(), "{FLUX}={} is not a file", path.display());
    path
}

/// The real control plane's kubeconfig.
pub fn kubeconfig() -> PathBuf {
    PathBuf::from(required(KUBECONFIG))
}

/// The controller's webhook address (`http://127.0.0.1:PORT`).
pub fn webhook() -> String {
    required(WEBHOOK).trim().to_owned()
}

/// The real flux with an environment of our choosing only: an empty home
/// (no `~/.fluxcd/plugins`, no `~/.kube/config`), no `FLUXCD_PLUGINS`, and
/// `kubeconfig` as `KUBECONFIG` (a path that does not exist when `None`).
pub fn flux(kubeconfig: Option<&Path>) -> Command {
    let mut command = Command::new(flux_binary());
    command
        .env_clear()
        .env("HOME", super::empty_home())
        .env("PATH", "/usr/bin:/bin")
        .env("KUBECONFIG", kubeconfig.unwrap_or(Path::new("/nonexistent/kubeconfig")));
    command
}

/// The run's stdout, after asserting it succeeded.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The run's stderr, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A namespace of the test's own in the real cluster, and the three
/// clients that act in it: flux-receiver, the real flux and kubectl.
pub struct Namespace {
    /// The control plane's kubeconfig.
    pub kubeconfig: PathBuf,
    /// The namespace's name: the test's prefix and a unique suffix.
    pub name: String,
}

impl Namespace {
    /// Creates `PREFIX-<suffix>` with kubectl.
    pub fn create(prefix: &str) -> Namespace {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let sequence = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let namespace = Namespace {
            kubeconfig: kubeconfig(),
            name: format!("{prefix}-{nanos:08x}-{sequence}"),
        };
        ok(&namespace.kubectl(&["create", "namespace", &namespace.name]));
        namespace
    }

    /// kubectl against the control plane (the caller passes `-n`).
    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_with_stdin(args, "")
    }

    /// kubectl with `stdin`.
    pub fn kubectl_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Applies YAML in this namespace with kubectl.
    pub fn apply(&self, yaml: &str) {
        ok(&self.kubectl_with_stdin(&["apply", "-n", &self.name, "-f", "-"], yaml));
    }

    /// A GitRepository the controller can annotate (nothing reconciles it).
    pub fn git_repository(&self, name: &str) {
        self.apply(&format!(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: {name}\nspec:\n  interval: 1h\n  url: https://example.com/{name}.git\n"
        ));
    }

    /// flux-receiver with `args`, `-n` this namespace and a one-minute
    /// `--timeout` appended.
    pub fn ours(&self, args: &[&str]) -> Output {
        super::flux_receiver()
            .env("KUBECONFIG", &self.kubeconfig)
            .args(args)
            .args(["-n", &self.name, "--timeout", "1m"])
            .output()
            .expect("flux-receiver runs")
    }

    /// The real flux with `args` and `-n` this namespace appended, the
    /// cluster given by `KUBECONFIG`.
    pub fn flux(&self, args: &[&str]) -> Output {
        flux(Some(&self.kubeconfig))
            .args(args)
            .args(["-n", &self.name, "--timeout", "1m"])
            .output()
            .expect("flux runs")
    }

    /// An object of this namespace as kubectl reads it.
    pub fn object(&self, resource: &str, name: &str) -> serde_json::Value {
        let json = ok(&self.kubectl(&["get", resource, name, "-n", &self.name, "-o", "json"]));
        serde_json::from_str(&json).expect("kubectl prints JSON")
    }
}

//! Helpers shared by the end-to-end tests: run the real binary, compare
//! with golden files.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use kube_emulator::{BackgroundEmulator, Options};

pub mod github;
pub mod gitlab;
mod outcome;
pub use outcome::*;
pub mod testenv;

/// A `flux-receiver` command with a clean environment for the variables it
/// reads: no kubeconfig and no in-cluster service account unless a test
/// gives one, whatever the machine running the tests has in `~/.kube`.
pub fn flux_receiver() -> Command {
    let mut command = Command::cargo_bin("flux-receiver").expect("the binary is built for integration tests");
    command
        .env_remove("FLUX_SYSTEM_NAMESPACE")
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .env_remove("FLUXCD_PLUGINS")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("GITLAB_TOKEN")
        .env("HOME", empty_home())
        .env("NO_COLOR", "1");
    command
}

/// A home directory with nothing in it (no `.kube/config`, no plugins).
pub fn empty_home() -> PathBuf {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-home");
    std::fs::create_dir_all(&home).expect("the target directory is writable");
    home
}

/// Runs `flux-receiver` with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    flux_receiver().args(args).output().expect("flux-receiver runs")
}

/// The path of a golden file.
pub fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// Golden files named `flux-*` hold what the real `flux` CLI printed (copied
/// from flux2's own testdata); they pin parity and are never rewritten.
pub const PINNED_PREFIX: &str = "flux-";

/// Asserts `actual` equals the golden file byte for byte (or rewrites it
/// when `FLUX_RECEIVER_BLESS=1`, except for the pinned `flux-*` files).
pub fn assert_golden(name: &str, actual: &[u8]) {
    let path = golden_path(name);
    if blessing() && !name.starts_with(PINNED_PREFIX) {
        std::fs::write(&path, actual).expect("golden file is writable");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (bless with {BLESS}=1)", path.display()));
    if expected != actual {
        panic!(
            "{} differs from the output.\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}

/// Asserts a successful run whose stdout matches the golden file and whose stderr is empty.
pub fn assert_golden_run(name: &str, args: &[&str]) {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{args:?} wrote to stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_golden(name, &output.stdout);
}

/// Asserts a successful run whose stdout matches the golden file; returns
/// its stderr, for tests that expect warnings there.
pub fn assert_golden_stdout(name: &str, args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_golden(name, &output.stdout);
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An emulated cluster and a kubeconfig pointing at it, for end-to-end runs.
pub struct EmulatedCluster {
    /// The emulator, to arrange state and inspect what was written.
    pub emulator: BackgroundEmulator,
    /// A kubeconfig for it.
    pub kubeconfig: PathBuf,
    /// Holds the kubeconfig (and anything else a test writes there).
    pub dir: tempfile::TempDir,
}

impl EmulatedCluster {
    /// Starts an emulator with `options`.
    pub fn start(options: Options) -> EmulatedCluster {
        let emulator = BackgroundEmulator::start(options).expect("emulator starts");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let kubeconfig = dir.path().join("kubeconfig");
        emulator.write_kubeconfig(&kubeconfig).expect("kubeconfig is writable");
        EmulatedCluster {
            emulator,
            kubeconfig,
            dir,
        }
    }

    /// Runs `flux-receiver` against it with an empty stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    /// Runs `flux-receiver` against it with `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        flux_receiver()
            .env("KUBECONFIG", &self.kubeconfig)
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("flux-receiver runs")
    }
}

/// POSTs `body` to `url` (plain HTTP, loopback) with `headers` and returns
/// the status code: the real controller's answer, with no client retries
/// or interpretation in between.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // A server may answer (413) before reading the whole body.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {answer:?}"))
}

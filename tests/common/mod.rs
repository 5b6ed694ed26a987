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

/// An HTTP answer as [`try_http`] read it.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// The headers, names as the server spelled them, in its order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl HttpAnswer {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON (panics if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one plain-HTTP/1.1 request (`Connection: close`) and reads the
/// whole answer; an error when the server cannot be reached or does not
/// answer within `timeout`. A client of our own, so that what a test sees
/// is what the server sent: no retries, redirects or interpretation.
pub fn try_http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: std::time::Duration,
) -> std::io::Result<HttpAnswer> {
    use std::io::{Error, ErrorKind, Read, Write};
    let invalid = |what: &str| Error::new(ErrorKind::InvalidData, what.to_string());
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, format!("not a plain http URL: {url}")))?;
    let (host, path) = match rest.split_once('/') {
        Some((host, path)) => (host, format!("/{path}")),
        None => (rest, "/".to_string()),
    };
    let address = std::net::ToSocketAddrs::to_socket_addrs(host)?
        .next()
        .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no address for {host}")))?;
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    // A server may answer (413) before reading the whole body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body).ok_or_else(|| invalid("bad chunked body"))?;
    }
    Ok(HttpAnswer { status, headers, body })
}

/// [`try_http`] with a ten-second timeout, panicking when the server
/// cannot be reached.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpAnswer {
    try_http(method, url, headers, body, std::time::Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// Where testenv/prism/setup puts GitHub's example webhook payloads
/// (npm @octokit/webhooks-examples 7.6.1, `api.github.com/index.json`),
/// or where FLUX_RECEIVER_WEBHOOK_EXAMPLES points.
pub fn webhook_examples_file() -> PathBuf {
    std::env::var_os("FLUX_RECEIVER_WEBHOOK_EXAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"));
            cache.join("flux-receiver/openapi/webhooks-examples/api.github.com/index.json")
        })
}

/// GitHub's example payloads of `event` (`ping`, `push`); `None` (after a skip, which fails under CI)
/// without the file.
pub fn webhook_examples(event: &str) -> Option<Vec<serde_json::Value>> {
    let path = webhook_examples_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        skip(&format!(
            "GitHub's webhook examples are not at {} (run testenv/prism/setup)",
            path.display()
        ));
        return None;
    };
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).expect("index.json is a JSON array");
    let found = all
        .into_iter()
        .find(|e| e["name"] == event)
        .unwrap_or_else(|| panic!("no {event} in {}", path.display()));
    let examples = found["examples"].as_array().cloned().unwrap_or_default();
    assert!(!examples.is_empty(), "{event} has examples");
    Some(examples)
}

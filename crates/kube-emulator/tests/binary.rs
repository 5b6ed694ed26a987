//! The `kube-emulator` binary as a user runs it: it says where the API
//! server and the webhook receiver listen, writes the kubeconfig and
//! `FILE.webhook` (as `testenv/start` does), serves both, and removes the
//! files when terminated.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// POSTs an empty body to `url` (plain HTTP); the status code.
fn post(url: &str) -> u16 {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap()
}

#[test]
#[cfg(unix)]
fn it_prints_and_writes_the_webhook_address_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    let webhook_file = dir.path().join("config.webhook");
    assert_eq!(kube_emulator::webhook_file(&kubeconfig), webhook_file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kube-emulator"))
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let webhook_line = lines.next().unwrap().unwrap();
    assert!(
        listening.starts_with("kube-emulator listening on http://127.0.0.1:"),
        "{listening}"
    );
    let printed = webhook_line
        .strip_prefix("webhook receiver at ")
        .and_then(|rest| rest.split_once(' '))
        .map(|(url, _)| url.to_string())
        .unwrap_or_else(|| panic!("{webhook_line}"));
    assert!(
        webhook_line.contains(&webhook_file.display().to_string()),
        "{webhook_line}"
    );

    // Both files are there once it prints, the address first.
    let written = std::fs::read_to_string(&webhook_file).unwrap();
    assert_eq!(written, format!("{printed}\n"));
    let config = std::fs::read_to_string(&kubeconfig).unwrap();
    let server = listening.split_whitespace().nth(3).unwrap();
    assert!(config.contains(&format!("server: {server}")), "{config}");
    // The address is the controller's webhook receiver: an unknown hook is
    // 404 there, as testenv's readiness probe expects of the real one.
    assert_eq!(post(&format!("{printed}/hook/nothing-here")), 404);

    // SIGTERM, as `kill` and job control send it.
    let status = Command::new("kill").arg(child.id().to_string()).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "{exit}");
            break;
        }
        assert!(Instant::now() < deadline, "kube-emulator did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!kubeconfig.exists() && !webhook_file.exists(), "both files removed");
}

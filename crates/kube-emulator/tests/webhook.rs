//! The emulated webhook endpoint, driven with hand-made requests: GitHub's
//! documented signature vector, pings, Nexus's lowercase hex and CDEvent
//! bodies, each answered as Flux's receiver handler answers.

use std::io::{Read, Write};
use std::net::TcpStream;

use hmac::{KeyInit, Mac};
use kube_emulator::{BackgroundEmulator, Fault, Options};
use serde_json::{Value, json};

/// GitHub's documented example ("Validating webhook deliveries").
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_PAYLOAD: &str = "Hello, World!";
const GITHUB_SIGNATURE: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

/// An emulator with one Receiver of `type_` (events `events`) whose Secret
/// holds `token`, and the GitRepository it references.
struct Hook {
    emulator: BackgroundEmulator,
    path: String,
}

impl Hook {
    fn start(type_: &str, events: &[&str], token: &str) -> Hook {
        Hook::with_resources(type_, events, token, json!([{"kind": "GitRepository", "name": "app"}]))
    }

    /// [`Hook::start`] with other `spec.resources`.
    fn with_resources(type_: &str, events: &[&str], token: &str, resources: Value) -> Hook {
        let emulator = BackgroundEmulator::start(Options::default()).unwrap();
        emulator.put_object(json!({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "token", "namespace": "flux-system"},
                                   "stringData": {"token": token}}));
        emulator.put_object(
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                   "metadata": {"name": "app", "namespace": "flux-system"},
                                   "spec": {"url": "https://example.com/app.git"}}),
        );
        emulator.put_object(
            json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                                   "metadata": {"name": "hook", "namespace": "flux-system"},
                                   "spec": {"type": type_, "events": events, "secretRef": {"name": "token"},
                                            "resources": resources}}),
        );
        let path = receiver_path(&emulator);
        Hook { emulator, path }
    }

    /// POSTs `body` with `headers`; the status code.
    fn post(&self, headers: &[(&str, &str)], body: &[u8]) -> u16 {
        let address = self.emulator.webhook_url().trim_start_matches("http://").to_string();
        let mut stream = TcpStream::connect(&address).unwrap();
        let mut request = format!(
            "POST {} HTTP/1.1\r\nhost: {address}\r\ncontent-length: {}\r\nconnection: close\r\n",
            self.path,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
    }

    /// Whether the GitRepository was asked to reconcile.
    fn triggered(&self) -> bool {
        self.was_triggered("source.toolkit.fluxcd.io/v1", "gitrepositories", "app")
    }

    /// Whether an object was asked to reconcile.
    fn was_triggered(&self, api_version: &str, plural: &str, name: &str) -> bool {
        let object = self
            .emulator
            .get_object(api_version, plural, Some("flux-system"), name)
            .unwrap();
        object["metadata"]["annotations"][REQUESTED_AT].is_string()
    }
}

/// The Receiver's webhook path, once the controller has reported it.
fn receiver_path(emulator: &BackgroundEmulator) -> String {
    for _ in 0..500 {
        let receiver = emulator
            .get_object(
                "notification.toolkit.fluxcd.io/v1",
                "receivers",
                Some("flux-system"),
                "hook",
            )
            .unwrap();
        if let Some(path) = receiver["status"]["webhookPath"].as_str() {
            return path.to_string();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the controller never reported the Receiver ready");
}

fn hmac_sha1_hex(key: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn github_documented_signature_triggers_and_a_wrong_one_is_refused() {
    let hook = Hook::start("github", &[], GITHUB_SECRET);
    let forged = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18";
    assert_eq!(
        hook.post(
            &[("X-GitHub-Event", "push"), ("X-Hub-Signature-256", forged)],
            GITHUB_PAYLOAD.as_bytes()
        ),
        400
    );
    assert!(!hook.triggered());
    assert_eq!(
        hook.post(
            &[("X-GitHub-Event", "push"), ("X-Hub-Signature-256", GITHUB_SIGNATURE)],
            GITHUB_PAYLOAD.as_bytes()
        ),
        200
    );
    assert!(hook.triggered());
}

#[test]
fn a_github_ping_is_handled_like_any_accepted_event() {
    let hook = Hook::start("github", &["ping", "push"], GITHUB_SECRET);
    let headers = [("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", GITHUB_SIGNATURE)];
    assert_eq!(hook.post(&headers, GITHUB_PAYLOAD.as_bytes()), 200);
    assert!(hook.triggered(), "Flux requests reconciliation for a ping too");

    let push_only = Hook::start("github", &["push"], GITHUB_SECRET);
    assert_eq!(push_only.post(&headers, GITHUB_PAYLOAD.as_bytes()), 400);
    assert!(!push_only.triggered());
}

#[test]
fn nexus_signatures_must_be_lowercase_hex() {
    let token = "nexus-token";
    let hook = Hook::start("nexus", &[], token);
    let body = br#"{"action": "CREATED", "repositoryName": "docker-hosted"}"#;
    let signature = hmac_sha1_hex(token, body);
    let upper = signature.to_uppercase();
    assert_eq!(hook.post(&[("X-Nexus-Webhook-Signature", &upper)], body), 400);
    assert!(!hook.triggered());
    assert_eq!(hook.post(&[("X-Nexus-Webhook-Signature", &signature)], body), 200);
    assert!(hook.triggered());
}

#[test]
fn cdevents_bodies_must_be_cdevents_of_the_announced_type() {
    let hook = Hook::start("cdevents", &[], "t0k3n");
    let ce_type = "dev.cdevents.change.merged.0.2.0";
    let event = |type_: &str| -> Value {
        json!({"context": {"version": "0.4.1", "id": "1", "source": "test", "type": type_,
                           "timestamp": "2026-01-01T00:00:00Z"},
               "subject": {"id": "app/main", "source": "test", "type": "change", "content": {}}})
    };
    let headers = [("Ce-Type", ce_type)];
    for refused in [
        b"not json".to_vec(),
        b"{}".to_vec(),
        json!({"context": "dev.cdevents.change.merged.0.2.0"})
            .to_string()
            .into_bytes(),
        event("dev.cdevents.artifact.published.0.2.0").to_string().into_bytes(),
    ] {
        assert_eq!(
            hook.post(&headers, &refused),
            400,
            "{}",
            String::from_utf8_lossy(&refused)
        );
    }
    let mut no_subject = event(ce_type);
    no_subject.as_object_mut().unwrap().remove("subject");
    assert_eq!(hook.post(&headers, no_subject.to_string().as_bytes()), 400);
    assert!(!hook.triggered());
    assert_eq!(hook.post(&headers, event(ce_type).to_string().as_bytes()), 200);
    assert!(hook.triggered());
}

/// A generic Receiver over `resources`, with a Kustomization `app` and
/// GitRepositories `app` (team a) and `other` (team b) to point at.
fn generic_hook(resources: Value) -> Hook {
    let hook = Hook::with_resources("generic", &[], "t", resources);
    hook.emulator.put_object(
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                                    "metadata": {"name": "app", "namespace": "flux-system"}, "spec": {"path": "./"}}),
    );
    hook.emulator.put_object(json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                    "metadata": {"name": "labelled", "namespace": "flux-system", "labels": {"team": "a"}},
                                    "spec": {"url": "https://example.com/a.git"}}));
    hook.emulator.put_object(
        json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                                    "metadata": {"name": "other", "namespace": "flux-system", "labels": {"team": "b"}},
                                    "spec": {"url": "https://example.com/b.git"}}),
    );
    hook
}

#[test]
fn kinds_without_a_default_api_version_need_one_as_in_flux() {
    let hook = generic_hook(json!([{"kind": "Kustomization", "name": "app"}]));
    assert_eq!(
        hook.post(&[], b"{}"),
        500,
        "Flux has no default apiVersion for Kustomization"
    );
    assert!(!hook.was_triggered("kustomize.toolkit.fluxcd.io/v1", "kustomizations", "app"));

    let hook =
        generic_hook(json!([{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "name": "app"}]));
    assert_eq!(hook.post(&[], b"{}"), 200);
    assert!(hook.was_triggered("kustomize.toolkit.fluxcd.io/v1", "kustomizations", "app"));

    let hook =
        generic_hook(json!([{"apiVersion": "kustomize.toolkit.fluxcd.io/v9", "kind": "Kustomization", "name": "app"}]));
    assert_eq!(hook.post(&[], b"{}"), 500, "a version not served");
}

#[test]
fn a_missing_target_is_a_500_and_the_ones_before_it_stay_annotated() {
    let hook =
        generic_hook(json!([{"kind": "GitRepository", "name": "app"}, {"kind": "GitRepository", "name": "absent"}]));
    assert_eq!(hook.post(&[], b"{}"), 500);
    assert!(hook.triggered());
}

#[test]
fn wildcards_select_by_match_labels_and_need_them() {
    let hook = generic_hook(json!([{"kind": "GitRepository", "name": "*", "matchLabels": {"team": "a"}}]));
    assert_eq!(hook.post(&[], b"{}"), 200);
    assert!(hook.was_triggered("source.toolkit.fluxcd.io/v1", "gitrepositories", "labelled"));
    assert!(!hook.was_triggered("source.toolkit.fluxcd.io/v1", "gitrepositories", "other"));
    assert!(!hook.triggered());

    let hook = generic_hook(json!([{"kind": "GitRepository", "name": "*", "matchLabels": {"team": "nobody"}}]));
    assert_eq!(hook.post(&[], b"{}"), 200, "a wildcard matching nothing is fine");

    let hook = generic_hook(json!([{"kind": "GitRepository", "name": "*"}]));
    assert_eq!(
        hook.post(&[], b"{}"),
        500,
        "'*' without matchLabels is looked up by name"
    );
    assert!(!hook.triggered());
}

#[test]
fn injected_gateway_faults_answer_n_times_then_the_hook_is_served() {
    let hook = Hook::start("generic", &[], "token");
    for (fault, code) in [
        (Fault::BadGateway, 502),
        (Fault::ServiceUnavailable, 503),
        (Fault::GatewayTimeout, 504),
        (Fault::InternalError, 500),
        (Fault::TooManyRequests { retry_after_secs: 1 }, 429),
    ] {
        hook.emulator.inject_webhook_fault(fault, 2);
        assert_eq!(hook.post(&[], b"{}"), code);
        assert_eq!(hook.post(&[], b"{}"), code);
        assert!(!hook.triggered(), "{code}: nothing annotated while failing");
    }
    assert_eq!(hook.post(&[], b"{}"), 200, "the faults are used up");
    assert!(hook.triggered());
    let statuses: Vec<u16> = hook.emulator.webhook_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [502, 502, 503, 503, 504, 504, 500, 500, 429, 429, 200]);
    assert!(
        hook.emulator.webhook_requests().iter().all(|r| r.path == hook.path),
        "the log names the hook path"
    );
}

#[test]
#[should_panic(expected = "for API calls only")]
fn conflicts_cannot_be_injected_into_webhooks() {
    let emulator = BackgroundEmulator::start(Options::default()).unwrap();
    emulator.inject_webhook_fault(Fault::Conflict, 1);
}

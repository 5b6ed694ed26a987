//! Server-side apply through a real kube-rs client: field ownership in
//! `metadata.managedFields`, conflicts between managers, forced takeovers,
//! fields a manager stops applying, type checks and YAML bodies.

use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use kube_emulator::{Emulator, Options};
use serde_json::{Value, json};

const RECEIVERS: &str = "/apis/notification.toolkit.fluxcd.io/v1/namespaces/flux-system/receivers";

async fn client(emulator: &Emulator) -> Client {
    let kubeconfig = Kubeconfig::from_yaml(&emulator.kubeconfig_yaml()).unwrap();
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    config.default_retry = false;
    Client::try_from(config).unwrap()
}

fn receivers(client: Client) -> Api<DynamicObject> {
    let resource = ApiResource {
        group: "notification.toolkit.fluxcd.io".into(),
        version: "v1".into(),
        api_version: "notification.toolkit.fluxcd.io/v1".into(),
        kind: "Receiver".into(),
        plural: "receivers".into(),
    };
    Api::namespaced_with(client, "flux-system", &resource)
}

/// A Receiver's applied configuration with `spec` merged over a minimal one.
fn receiver(spec: Value) -> Value {
    let mut applied = json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                             "metadata": {"name": "r"},
                             "spec": {"type": "generic", "secretRef": {"name": "s"},
                                      "resources": [{"kind": "GitRepository", "name": "a"}]}});
    for (key, value) in spec.as_object().unwrap() {
        applied["spec"][key] = value.clone();
    }
    applied
}

fn status(err: kube::Error) -> kube::core::Status {
    match err {
        kube::Error::Api(status) => *status,
        other => panic!("expected an API error, got {other}"),
    }
}

/// The managers and operations recorded on an object, in order.
fn managers(object: &DynamicObject) -> Vec<(String, String)> {
    object
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .map(|m| (m.manager.clone().unwrap(), m.operation.clone().unwrap()))
        .collect()
}

/// The FieldsV1 set one manager owns.
fn owned(object: &DynamicObject, manager: &str) -> Value {
    let entry = object
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .find(|m| m.manager.as_deref() == Some(manager))
        .unwrap_or_else(|| panic!("{manager} owns nothing"));
    entry.fields_v1.as_ref().unwrap().0.clone()
}

#[tokio::test]
async fn apply_records_the_managers_fields() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    let applied = receiver(json!({"events": ["ping"]}));
    let created = api
        .patch("r", &PatchParams::apply("first"), &Patch::Apply(&applied))
        .await
        .unwrap();
    let entry = &created.metadata.managed_fields.as_ref().unwrap()[0];
    assert_eq!(entry.manager.as_deref(), Some("first"));
    assert_eq!(entry.operation.as_deref(), Some("Apply"));
    assert_eq!(entry.api_version.as_deref(), Some("notification.toolkit.fluxcd.io/v1"));
    assert_eq!(entry.fields_type.as_deref(), Some("FieldsV1"));
    assert_eq!(
        entry.fields_v1.as_ref().unwrap().0,
        json!({"f:spec": {"f:events": {}, "f:resources": {}, "f:secretRef": {"f:name": {}}, "f:type": {}}})
    );
    // A merge patch is an Update by its field manager, which owns what it changed.
    let params = PatchParams {
        field_manager: Some("labeller".into()),
        ..PatchParams::default()
    };
    let patched = api
        .patch(
            "r",
            &params,
            &Patch::Merge(json!({"metadata": {"labels": {"team": "a"}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        managers(&patched),
        [("first".into(), "Apply".into()), ("labeller".into(), "Update".into())]
    );
    assert_eq!(
        owned(&patched, "labeller"),
        json!({"f:metadata": {"f:labels": {"f:team": {}}}})
    );
}

#[tokio::test]
async fn a_field_another_manager_owns_conflicts_without_force() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    api.patch(
        "r",
        &PatchParams::apply("first"),
        &Patch::Apply(&receiver(json!({"events": ["ping"]}))),
    )
    .await
    .unwrap();
    let changed = receiver(json!({"events": ["push"]}));
    let conflict = status(
        api.patch("r", &PatchParams::apply("second"), &Patch::Apply(&changed))
            .await
            .unwrap_err(),
    );
    assert_eq!((conflict.code, conflict.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        conflict.message,
        "Apply failed with 1 conflict: conflict with \"first\": .spec.events"
    );
    let causes = conflict.details.unwrap().causes;
    assert_eq!(causes.len(), 1);
    assert_eq!(
        (causes[0].reason.as_str(), causes[0].field.as_str()),
        ("FieldManagerConflict", ".spec.events")
    );
    // The same values are no conflict: both managers own them.
    let same = api
        .patch(
            "r",
            &PatchParams::apply("second"),
            &Patch::Apply(&receiver(json!({"events": ["ping"]}))),
        )
        .await
        .unwrap();
    assert_eq!(owned(&same, "first"), owned(&same, "second"));
    assert_eq!(same.data["spec"]["events"], json!(["ping"]));
}

#[tokio::test]
async fn an_update_managers_conflict_names_its_api_version() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    api.patch("r", &PatchParams::apply("first"), &Patch::Apply(&receiver(json!({}))))
        .await
        .unwrap();
    let params = PatchParams {
        field_manager: Some("other-manager".into()),
        ..PatchParams::default()
    };
    api.patch("r", &params, &Patch::Merge(json!({"spec": {"events": ["ping"]}})))
        .await
        .unwrap();
    let conflict = status(
        api.patch(
            "r",
            &PatchParams::apply("first"),
            &Patch::Apply(&receiver(json!({"events": ["push"]}))),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        conflict.message,
        "Apply failed with 1 conflict: conflict with \"other-manager\" using notification.toolkit.fluxcd.io/v1: .spec.events"
    );
}

#[tokio::test]
async fn force_moves_ownership() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    api.patch(
        "r",
        &PatchParams::apply("first"),
        &Patch::Apply(&receiver(json!({"events": ["ping"]}))),
    )
    .await
    .unwrap();
    let forced = api
        .patch(
            "r",
            &PatchParams::apply("second").force(),
            &Patch::Apply(
                &json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                                  "metadata": {"name": "r"}, "spec": {"events": ["push"]}}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(forced.data["spec"]["events"], json!(["push"]));
    assert_eq!(owned(&forced, "second"), json!({"f:spec": {"f:events": {}}}));
    assert_eq!(
        owned(&forced, "first"),
        json!({"f:spec": {"f:resources": {}, "f:secretRef": {"f:name": {}}, "f:type": {}}})
    );
    // Having lost the field, the first manager dropping it removes nothing.
    let dropped = api
        .patch("r", &PatchParams::apply("first"), &Patch::Apply(&receiver(json!({}))))
        .await
        .unwrap();
    assert_eq!(dropped.data["spec"]["events"], json!(["push"]));
}

#[tokio::test]
async fn a_dropped_field_is_removed_unless_someone_else_owns_it() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    let mut labelled = receiver(json!({"events": ["ping"], "suspend": true}));
    labelled["metadata"]["labels"] = json!({"a": "1", "b": "2"});
    api.patch("r", &PatchParams::apply("first"), &Patch::Apply(&labelled))
        .await
        .unwrap();
    // Another manager applies label b with the same value: shared.
    api.patch(
        "r",
        &PatchParams::apply("second"),
        &Patch::Apply(
            &json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                              "metadata": {"name": "r", "labels": {"b": "2"}}}),
        ),
    )
    .await
    .unwrap();
    let mut fewer = receiver(json!({}));
    fewer["metadata"]["labels"] = json!({});
    let after = api
        .patch("r", &PatchParams::apply("first"), &Patch::Apply(&fewer))
        .await
        .unwrap();
    assert!(after.data["spec"].get("events").is_none(), "{:?}", after.data);
    assert!(after.data["spec"].get("suspend").is_none(), "{:?}", after.data);
    let labels = after.metadata.labels.unwrap();
    assert_eq!(labels.get("a"), None);
    assert_eq!(labels.get("b").map(String::as_str), Some("2"));
}

#[tokio::test]
async fn an_applied_object_of_another_type_is_rejected() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let api = receivers(client(&emulator).await);
    for (api_version, kind) in [
        ("notification.toolkit.fluxcd.io/v1", "Alert"),
        ("notification.toolkit.fluxcd.io/v1beta3", "Receiver"),
        ("v1", "Secret"),
    ] {
        let mut applied = receiver(json!({}));
        applied["apiVersion"] = json!(api_version);
        applied["kind"] = json!(kind);
        let rejected = status(
            api.patch("r", &PatchParams::apply("first"), &Patch::Apply(&applied))
                .await
                .unwrap_err(),
        );
        assert_eq!((rejected.code, rejected.reason.as_str()), (400, "BadRequest"), "{kind}");
    }
    assert!(api.get_opt("r").await.unwrap().is_none());
}

#[tokio::test]
async fn apply_bodies_may_be_yaml() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    let yaml = "apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: r
spec:
  type: github
  events:
  - ping
  secretRef:
    name: s
  resources:
  - kind: GitRepository
    name: a
";
    let request = hyper::Request::patch(format!("{RECEIVERS}/r?fieldManager=yaml"))
        .header("content-type", "application/apply-patch+yaml")
        .body(yaml.as_bytes().to_vec())
        .unwrap();
    let answer: Value = serde_json::from_str(&client.request_text(request).await.unwrap()).unwrap();
    assert_eq!(answer["spec"]["type"], "github");
    assert_eq!(answer["spec"]["events"], json!(["ping"]));
    assert_eq!(answer["metadata"]["managedFields"][0]["manager"], "yaml");
    // Without a field manager an apply is refused, as on the API server.
    let anonymous = hyper::Request::patch(format!("{RECEIVERS}/r"))
        .header("content-type", "application/apply-patch+yaml")
        .body(yaml.as_bytes().to_vec())
        .unwrap();
    assert_eq!(status(client.request_text(anonymous).await.unwrap_err()).code, 400);
}

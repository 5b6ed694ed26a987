//! The emulator through a real kube-rs client: the semantics flux-receiver
//! relies on, checked one by one.

use std::time::Duration;

use futures::TryStreamExt;
use k8s_openapi::api::core::v1::{Namespace, Secret, Service};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use kube_emulator::{Emulator, Fault, Options};
use serde_json::json;

async fn client(emulator: &Emulator) -> Client {
    let kubeconfig = Kubeconfig::from_yaml(&emulator.kubeconfig_yaml()).unwrap();
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    config.default_retry = false;
    Client::try_from(config).unwrap()
}

fn secret(name: &str, token: &str) -> Secret {
    serde_json::from_value(json!({"metadata": {"name": name}, "stringData": {"token": token}})).unwrap()
}

fn api_error(err: kube::Error) -> (u16, String) {
    match err {
        kube::Error::Api(status) => (status.code, status.reason.clone()),
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test]
async fn crud_with_versions_conflicts_and_not_found() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&emulator).await, "flux-system");
    let created = secrets.create(&PostParams::default(), &secret("a", "t")).await.unwrap();
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    // stringData is folded into data, and the type defaulted, as the API server does.
    assert_eq!(created.data.unwrap()["token"].0, b"t");
    assert_eq!(created.type_.as_deref(), Some("Opaque"));
    assert_eq!(
        api_error(
            secrets
                .create(&PostParams::default(), &secret("a", "t"))
                .await
                .unwrap_err()
        ),
        (409, "AlreadyExists".into())
    );

    let mut stale = secrets.get("a").await.unwrap();
    let mut fresh = stale.clone();
    fresh.metadata.labels = Some([("x".to_string(), "1".to_string())].into());
    secrets.replace("a", &PostParams::default(), &fresh).await.unwrap();
    stale.metadata.labels = Some([("x".to_string(), "2".to_string())].into());
    assert_eq!(
        api_error(secrets.replace("a", &PostParams::default(), &stale).await.unwrap_err()),
        (409, "Conflict".into())
    );

    secrets.delete("a", &DeleteParams::default()).await.unwrap();
    assert_eq!(api_error(secrets.get("a").await.unwrap_err()), (404, "NotFound".into()));
    assert!(secrets.get_opt("a").await.unwrap().is_none());

    let nowhere: Api<Secret> = Api::namespaced(client(&emulator).await, "nowhere");
    let err = nowhere
        .create(&PostParams::default(), &secret("a", "t"))
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(status) => {
            assert_eq!(status.code, 404);
            assert_eq!(status.details.unwrap().kind, "namespaces");
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn patches_apply_and_status() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    let receivers: Api<kube::api::DynamicObject> = Api::namespaced_with(
        client.clone(),
        "flux-system",
        &kube::api::ApiResource {
            group: "notification.toolkit.fluxcd.io".into(),
            version: "v1".into(),
            api_version: "notification.toolkit.fluxcd.io/v1".into(),
            kind: "Receiver".into(),
            plural: "receivers".into(),
        },
    );
    let applied = json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                         "metadata": {"name": "r"},
                         "spec": {"type": "generic", "secretRef": {"name": "s"}, "resources": [{"kind": "GitRepository", "name": "a"}]}});
    let params = PatchParams::apply("test").force();
    let first = receivers.patch("r", &params, &Patch::Apply(&applied)).await.unwrap();
    assert_eq!(first.metadata.generation, Some(1));
    // Metadata changes keep the generation; spec changes bump it.
    let labelled = receivers
        .patch(
            "r",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"a": "b"}}})),
        )
        .await
        .unwrap();
    assert_eq!(labelled.metadata.generation, Some(1));
    let suspended = receivers
        .patch(
            "r",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"suspend": true}})),
        )
        .await
        .unwrap();
    assert_eq!(suspended.metadata.generation, Some(2));
    let json_patched = receivers
        .patch(
            "r",
            &PatchParams::default(),
            &Patch::<()>::Json(serde_json::from_value(json!([{"op": "remove", "path": "/spec/suspend"}])).unwrap()),
        )
        .await
        .unwrap();
    assert!(json_patched.data["spec"].get("suspend").is_none());
    // Status only through the subresource.
    let ignored = receivers
        .patch(
            "r",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"webhookPath": "/x"}})),
        )
        .await
        .unwrap();
    assert_ne!(ignored.data["status"]["webhookPath"], "/x");
    let status = receivers
        .patch_status(
            "r",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"webhookPath": "/x"}})),
        )
        .await
        .unwrap();
    assert_eq!(status.data["status"]["webhookPath"], "/x");
    // A resourceVersion in an apply is a precondition.
    let mut stale = applied.clone();
    stale["metadata"]["resourceVersion"] = json!("1");
    assert_eq!(
        api_error(receivers.patch("r", &params, &Patch::Apply(&stale)).await.unwrap_err()).0,
        409
    );
    // Invalid objects are 422.
    let invalid = json!({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver", "metadata": {"name": "bad"},
                         "spec": {"type": "nope", "resources": []}});
    assert_eq!(
        api_error(
            receivers
                .patch("bad", &params, &Patch::Apply(&invalid))
                .await
                .unwrap_err()
        ),
        (422, "Invalid".into())
    );
}

#[tokio::test]
async fn lists_select_and_paginate() {
    let emulator = Emulator::start(Options {
        seed_receivers: 250,
        ..Options::default()
    })
    .await
    .unwrap();
    let client = client(&emulator).await;
    let secrets: Api<Secret> = Api::all(client.clone());
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(100).fields("type=Opaque");
    loop {
        let page = secrets.list(&params).await.unwrap();
        names.extend(page.items.into_iter().map(|s| s.metadata.name.unwrap()));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(names.len(), 250);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    assert_eq!(
        namespaces
            .list(&ListParams::default().labels("missing"))
            .await
            .unwrap()
            .items
            .len(),
        0
    );
    let by_name = namespaces
        .list(&ListParams::default().fields("metadata.name=tenant-07"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);
    let services: Api<Service> = Api::all(client);
    assert_eq!(
        api_error(
            services
                .list(&ListParams::default().fields("spec.type=x"))
                .await
                .unwrap_err()
        )
        .0,
        400
    );
}

#[tokio::test]
async fn controller_reports_ready_and_follows_the_secret() {
    let emulator = Emulator::start(Options {
        controller_delay: Duration::from_millis(20),
        ..Options::default()
    })
    .await
    .unwrap();
    let client = client(&emulator).await;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "flux-system");
    let receivers: Api<receiver::Receiver> = Api::namespaced(client.clone(), "flux-system");
    let receiver: receiver::Receiver = serde_json::from_value(json!({
        "apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver", "metadata": {"name": "r"},
        "spec": {"type": "github", "secretRef": {"name": "s"}, "resources": [{"kind": "GitRepository", "name": "a"}]}
    }))
    .unwrap();
    let created = receivers.create(&PostParams::default(), &receiver).await.unwrap();
    let version = created.metadata.resource_version.clone().unwrap();
    let params = WatchParams::default().fields("metadata.name=r").timeout(5);
    let mut stream = Box::pin(receivers.watch(&params, &version).await.unwrap());
    let not_ready = loop {
        // The watch ends after its 5 s timeout: a test that waits past it fails, never hangs.
        match stream.try_next().await.unwrap() {
            Some(WatchEvent::Modified(r)) => break r,
            Some(_) => {}
            None => panic!("the watch ended without the expected update"),
        }
    };
    assert_eq!(
        not_ready.readiness(),
        receiver::api::Readiness::NotReady {
            reason: "TokenNotFound".into(),
            message: "unable to read token from secret 'flux-system/s' error: secrets \"s\" not found".into()
        }
    );
    // A Secret with the watch label is watched: its token makes the Receiver Ready.
    let labelled = json!({"metadata": {"name": "s", "labels": {"reconcile.fluxcd.io/watch": "Enabled"}},
                          "stringData": {"token": "test-token"}});
    secrets
        .create(&PostParams::default(), &serde_json::from_value(labelled).unwrap())
        .await
        .unwrap();
    let path = receiver::webhook_path("test-token", "r", "flux-system");
    let ready = loop {
        // The watch ends after its 5 s timeout: a test that waits past it fails, never hangs.
        match stream.try_next().await.unwrap() {
            Some(WatchEvent::Modified(r)) => break r,
            Some(_) => {}
            None => panic!("the watch ended without the expected update"),
        }
    };
    assert_eq!(
        ready.readiness(),
        receiver::api::Readiness::Ready {
            webhook_path: path.clone()
        }
    );
    let condition = ready.status.unwrap().ready_condition().unwrap().clone();
    assert_eq!(
        (condition.reason.as_str(), condition.message),
        ("Succeeded", format!("Receiver initialized for path: {path}"))
    );

    // Without the label, as in Flux, a new token is not seen: the Receiver
    // keeps the old path until a reconcile is requested.
    let unlabelled = json!({"metadata": {"labels": {"reconcile.fluxcd.io/watch": null}},
                            "stringData": {"token": "rotated-token"}});
    secrets
        .patch("s", &PatchParams::default(), &Patch::Merge(&unlabelled))
        .await
        .unwrap();
    let quiet = tokio::time::timeout(Duration::from_millis(400), stream.try_next()).await;
    assert!(quiet.is_err(), "an unlabelled Secret is not watched: {quiet:?}");
    assert_eq!(
        receivers.get("r").await.unwrap().status.unwrap().webhook_path,
        Some(path)
    );
    let requested = json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": "t1"}}});
    receivers
        .patch("r", &PatchParams::default(), &Patch::Merge(&requested))
        .await
        .unwrap();
    let rotated = receiver::webhook_path("rotated-token", "r", "flux-system");
    let reconciled = loop {
        match stream.try_next().await.unwrap() {
            Some(WatchEvent::Modified(r))
                if r.status.as_ref().and_then(|s| s.webhook_path.as_ref()) == Some(&rotated) =>
            {
                break r;
            }
            Some(_) => {}
            None => panic!("the watch ended without the expected update"),
        }
    };
    assert_eq!(
        reconciled.status.unwrap().last_handled_reconcile_at.as_deref(),
        Some("t1")
    );
}

#[tokio::test]
async fn load_balancers_get_an_address_and_node_ports_a_port() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let services: Api<Service> = Api::namespaced(client(&emulator).await, "flux-system");
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": "receiver"},
        "spec": {"type": "LoadBalancer", "selector": {"app": "notification-controller"}, "ports": [{"port": 80, "targetPort": 9292}]}
    }))
    .unwrap();
    let created = services.create(&PostParams::default(), &service).await.unwrap();
    let port = &created.spec.as_ref().unwrap().ports.as_ref().unwrap()[0];
    assert!((30000..=32767).contains(&port.node_port.unwrap()));
    let ready = kube::runtime::wait::await_condition(services.clone(), "receiver", |s: Option<&Service>| {
        s.and_then(|s| s.status.as_ref()?.load_balancer.as_ref()?.ingress.as_ref())
            .is_some_and(|i| !i.is_empty())
    });
    let service = tokio::time::timeout(Duration::from_secs(5), ready)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let ingress = &service.status.unwrap().load_balancer.unwrap().ingress.unwrap()[0];
    assert_eq!(ingress.ip.as_deref(), Some(kube_emulator::LOAD_BALANCER_IP));
}

#[tokio::test]
async fn rbac_and_faults() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&emulator).await, "flux-system");
    emulator.deny("list", "secrets");
    let (code, reason) = api_error(secrets.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((code, reason.as_str()), (403, "Forbidden"));

    emulator.inject_fault("get", "secrets", Fault::InternalError, 1);
    assert_eq!(api_error(secrets.get("x").await.unwrap_err()).0, 500);
    assert_eq!(
        api_error(secrets.get("x").await.unwrap_err()).0,
        404,
        "a fault is used up"
    );

    emulator.inject_fault("get", "secrets", Fault::TooManyRequests { retry_after_secs: 2 }, 1);
    match secrets.get("x").await.unwrap_err() {
        kube::Error::Api(status) => assert_eq!((status.code, status.details.unwrap().retry_after_seconds), (429, 2)),
        other => panic!("{other}"),
    }

    emulator.inject_fault("get", "secrets", Fault::DropConnection, 1);
    assert!(!matches!(secrets.get("x").await.unwrap_err(), kube::Error::Api(_)));

    emulator.inject_fault("get", "secrets", Fault::Slow(Duration::from_millis(300)), 1);
    let started = std::time::Instant::now();
    let _ = secrets.get("x").await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    let requests = emulator.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.verb == "list" && r.resource == "secrets" && r.status == 403)
    );
    let statuses: Vec<u16> = requests
        .iter()
        .filter(|r| r.verb == "get" && r.resource == "secrets")
        .map(|r| r.status)
        .collect();
    assert_eq!(&statuses[..3], &[500, 404, 429], "each fault answered once, in order");
}

#[tokio::test]
async fn gateway_faults_answer_n_times_then_the_request_is_served() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&emulator).await, "flux-system");
    for (fault, code, reason) in [
        (Fault::BadGateway, 502, None),
        (Fault::ServiceUnavailable, 503, Some("ServiceUnavailable")),
        (Fault::GatewayTimeout, 504, Some("Timeout")),
    ] {
        emulator.inject_fault("get", "secrets", fault, 2);
        for _ in 0..2 {
            match secrets.get("x").await.unwrap_err() {
                // A proxy's 502 is HTML, not a Status: kube still names the code.
                kube::Error::Api(status) => {
                    assert_eq!(status.code, code);
                    if let Some(reason) = reason {
                        assert_eq!(status.reason, reason);
                    }
                }
                other => panic!("{code}: {other}"),
            }
        }
        assert_eq!(api_error(secrets.get("x").await.unwrap_err()).0, 404, "{code} used up");
    }
}

#[tokio::test]
async fn another_writer_creates_an_object_between_a_read_and_a_write() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&emulator).await, "flux-system");
    let theirs = json!({"apiVersion": "v1", "kind": "Secret",
                        "metadata": {"name": "raced", "namespace": "flux-system"},
                        "stringData": {"token": "theirs"}});
    emulator.inject_fault("get", "secrets", Fault::CreatedMeanwhile(Box::new(theirs)), 1);
    assert!(
        secrets.get_opt("raced").await.unwrap().is_none(),
        "the read saw nothing"
    );
    let ours: Secret = serde_json::from_value(json!({"metadata": {"name": "raced"},
                                                     "stringData": {"token": "ours"}}))
    .unwrap();
    let (code, reason) = api_error(secrets.create(&PostParams::default(), &ours).await.unwrap_err());
    assert_eq!((code, reason.as_str()), (409, "AlreadyExists"));
    let stored = secrets.get("raced").await.unwrap();
    assert_eq!(stored.data.unwrap()["token"].0, b"theirs");
    let managers: Vec<_> = stored
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, ["another-writer"]);
}

#[tokio::test]
async fn without_flux_there_are_no_receivers() {
    let emulator = Emulator::start(Options {
        with_flux: false,
        ..Options::default()
    })
    .await
    .unwrap();
    let receivers: Api<receiver::Receiver> = Api::namespaced(client(&emulator).await, "flux-system");
    match receivers.list(&ListParams::default()).await.unwrap_err() {
        kube::Error::Api(status) => assert_eq!((status.code, status.message.as_str()), (404, "404 page not found")),
        other => panic!("{other}"),
    }
}

// Several workers, so that requests are served truly in parallel.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_patches_to_one_object_all_land() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "flux-system");
    secrets
        .create(&PostParams::default(), &secret("shared", "t"))
        .await
        .unwrap();
    let patches = (0..20).map(|i| {
        let secrets = secrets.clone();
        tokio::spawn(async move {
            let patch = Patch::Merge(json!({"metadata": {"labels": {format!("label-{i}"): "set"}}}));
            secrets.patch("shared", &PatchParams::default(), &patch).await
        })
    });
    for result in futures::future::join_all(patches).await {
        result.unwrap().unwrap();
    }
    let labels = secrets.get("shared").await.unwrap().metadata.labels.unwrap();
    assert_eq!(labels.len(), 20, "{labels:?}");

    // Concurrent applies creating one object: one creates, the rest update.
    let applies = (0..20).map(|i| {
        let secrets = secrets.clone();
        tokio::spawn(async move {
            let applied = json!({"apiVersion": "v1", "kind": "Secret",
                                 "metadata": {"name": "applied", "labels": {format!("label-{i}"): "set"}}});
            let params = PatchParams::apply(&format!("manager-{i}"));
            secrets.patch("applied", &params, &Patch::Apply(&applied)).await
        })
    });
    for result in futures::future::join_all(applies).await {
        result.unwrap().unwrap();
    }
    let applied = secrets.get("applied").await.unwrap();
    assert_eq!(applied.metadata.labels.unwrap().len(), 20);
    assert_eq!(applied.metadata.managed_fields.unwrap().len(), 20);
}

#[tokio::test]
async fn bodies_other_than_json_or_yaml_are_unsupported_media() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    // kubectl's typed clients send protobuf; the emulator decodes JSON and YAML only.
    let request = hyper::Request::post("/api/v1/namespaces/default/secrets")
        .header("content-type", "application/vnd.kubernetes.protobuf")
        .body(b"k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Secret".to_vec())
        .unwrap();
    let (code, reason) = api_error(client.request_text(request).await.unwrap_err());
    assert_eq!((code, reason.as_str()), (415, "UnsupportedMediaType"));
    let request = hyper::Request::post("/api/v1/namespaces/default/secrets")
        .header("content-type", "application/json")
        .body(br#"{"metadata": {"name": "json"}}"#.to_vec())
        .unwrap();
    client.request_text(request).await.unwrap();
}

#[tokio::test]
async fn api_group_documents_are_served() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    let request = hyper::Request::get("/apis/notification.toolkit.fluxcd.io")
        .body(Vec::new())
        .unwrap();
    let group: serde_json::Value = serde_json::from_str(&client.request_text(request).await.unwrap()).unwrap();
    assert_eq!(group["kind"], "APIGroup");
    assert_eq!(group["name"], "notification.toolkit.fluxcd.io");
    let version = json!({"groupVersion": "notification.toolkit.fluxcd.io/v1", "version": "v1"});
    assert_eq!(group["versions"], json!([version]));
    assert_eq!(group["preferredVersion"], version);
    let missing = hyper::Request::get("/apis/nothing.example.com")
        .body(Vec::new())
        .unwrap();
    assert_eq!(api_error(client.request_text(missing).await.unwrap_err()).0, 404);
}

#[tokio::test]
async fn only_objects_with_a_tracked_spec_have_a_generation() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let client = client(&emulator).await;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "flux-system");
    let created = secrets.create(&PostParams::default(), &secret("a", "t")).await.unwrap();
    assert_eq!(created.metadata.generation, None);
    let mut changed = created.clone();
    changed.string_data = Some([("token".to_string(), "u".to_string())].into());
    let replaced = secrets.replace("a", &PostParams::default(), &changed).await.unwrap();
    assert_eq!(replaced.metadata.generation, None);
    let namespaces: Api<Namespace> = Api::all(client);
    assert_eq!(namespaces.get("default").await.unwrap().metadata.generation, None);
}

#[tokio::test]
async fn an_injected_conflict_is_a_409_once() {
    let emulator = Emulator::start(Options::default()).await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&emulator).await, "flux-system");
    secrets.create(&PostParams::default(), &secret("a", "t")).await.unwrap();
    emulator.inject_fault("patch", "secrets", Fault::Conflict, 1);
    let patch = Patch::Merge(json!({"metadata": {"labels": {"x": "1"}}}));
    let (code, reason) = api_error(secrets.patch("a", &PatchParams::default(), &patch).await.unwrap_err());
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    let retried = secrets.patch("a", &PatchParams::default(), &patch).await.unwrap();
    assert_eq!(retried.metadata.labels.unwrap()["x"], "1");
}

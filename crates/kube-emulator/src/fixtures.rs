//! What a cluster has before any test touches it: namespaces, a node, and
//! with Flux the notification-controller Deployment, its stock Service and
//! the Flux CRDs; optionally thousands of seeded Receivers.

use base64::Engine;
use serde_json::{Value, json};

use crate::controller;
use crate::crds;
use crate::objects::{self, key};
use crate::resources::{self, ResourceType};
use crate::state::State;

fn find(with_flux: bool, group: &str, plural: &str) -> &'static ResourceType {
    resources::served(with_flux)
        .find(|r| r.group == group && r.plural == plural)
        .expect("a built-in resource")
}

fn create(state: &State, group: &str, plural: &str, namespace: Option<&str>, object: Value) {
    let resource = find(state.with_flux, group, plural);
    objects::create(state, resource, namespace, object, objects::Writer::Untracked).expect("fixtures are valid");
}

/// Installs the base objects.
pub fn install(state: &State) {
    let mut namespaces = vec!["default", "kube-system"];
    if state.with_flux {
        namespaces.push("flux-system");
    }
    for name in namespaces {
        create(state, "", "namespaces", None, json!({"metadata": {"name": name}}));
    }
    create(
        state,
        "",
        "nodes",
        None,
        json!({"metadata": {"name": "emulator-node", "labels": {"kubernetes.io/hostname": "emulator-node"}},
               "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.10"},
                                        {"type": "ExternalIP", "address": "203.0.113.10"},
                                        {"type": "Hostname", "address": "emulator-node"}],
                          "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                          "message": "kubelet is posting ready status"}],
                          "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "kube-emulator",
                                       "kernelVersion": "emulated", "containerRuntimeVersion": "none",
                                       "operatingSystem": "linux", "architecture": "amd64"}}}),
    );
    if !state.with_flux {
        return;
    }
    let labels = json!({"app": "notification-controller", "app.kubernetes.io/part-of": "flux"});
    let deployment = json!({
        "metadata": {"name": "notification-controller", "labels": labels},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "notification-controller"}},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "manager", "image": "ghcr.io/fluxcd/notification-controller:v1.7.0",
                                                       "ports": [{"containerPort": 9090, "name": "http", "protocol": "TCP"},
                                                                 {"containerPort": 9292, "name": "http-webhook", "protocol": "TCP"}]}]}}}
    });
    create(state, "apps", "deployments", Some("flux-system"), deployment);
    let deployment_resource = find(true, "apps", "deployments");
    let mut store = state.store.lock().unwrap();
    let deployment_key = key(deployment_resource, Some("flux-system"), "notification-controller");
    let mut deployment = store.get(&deployment_key).cloned().expect("just created");
    deployment["status"] = json!({"replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 1,
                                  "observedGeneration": 1,
                                  "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]});
    store.put(deployment_key, deployment);
    drop(store);
    create(
        state,
        "",
        "services",
        Some("flux-system"),
        json!({"metadata": {"name": "webhook-receiver", "labels": {"app.kubernetes.io/part-of": "flux"}},
               "spec": {"type": "ClusterIP", "selector": {"app": "notification-controller"},
                        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http-webhook"}]}}),
    );
    for resource in resources::served(true).filter(|r| r.flux) {
        create(
            state,
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            None,
            crds::crd(resource),
        );
    }
}

/// Seeds `count` Receivers, each with its own token Secret, spread over 100
/// namespaces `tenant-00` … `tenant-99`, already reconciled.
pub fn seed_receivers(state: &State, count: usize) {
    if count == 0 || !state.with_flux {
        return;
    }
    let receivers = find(true, "notification.toolkit.fluxcd.io", "receivers");
    let tenants = count.min(100);
    for tenant in 0..tenants {
        let namespace = format!("tenant-{tenant:02}");
        create(state, "", "namespaces", None, json!({"metadata": {"name": namespace}}));
    }
    let engine = base64::engine::general_purpose::STANDARD;
    for index in 0..count {
        let namespace = format!("tenant-{:02}", index % tenants);
        let name = format!("receiver-{index:05}");
        let secret = format!("{name}-token");
        let token = format!("seeded-token-{index:05}");
        create(
            state,
            "",
            "secrets",
            Some(&namespace),
            json!({"metadata": {"name": secret}, "type": "Opaque", "data": {"token": engine.encode(&token)}}),
        );
        create(
            state,
            "notification.toolkit.fluxcd.io",
            "receivers",
            Some(&namespace),
            json!({"metadata": {"name": name, "labels": {"tier": if index % 2 == 0 { "even" } else { "odd" }}},
                   "spec": {"type": "github", "events": ["ping", "push"], "secretRef": {"name": secret},
                            "resources": [{"kind": "GitRepository", "name": "app"}]}}),
        );
        controller::reconcile(state, &key(receivers, Some(&namespace), &name));
    }
}

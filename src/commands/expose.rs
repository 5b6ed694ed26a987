//! `flux-receiver expose`: a Service in front of the webhook port.
//!
//! In a cluster: check that Flux's notification-controller is there, apply
//! the Service, then report the address providers can reach, waiting (within
//! `--timeout`) for a load balancer to be provisioned.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, Patch, PatchParams};
use receiver::GoDuration;
use receiver::manifest::{self, ServiceOptions};

use crate::cli::{ExposeArgs, GlobalArgs};
use crate::cluster::address::{self, WebhookBase};
use crate::cluster::error::Action;
use crate::cluster::wait::{WaitEnd, watch_until};
use crate::cluster::{Cluster, FIELD_MANAGER, access};
use crate::commands::{block_on, label_map};
use crate::error::{CliError, CliResult};
use crate::output;
use crate::progress::{self, Waiting};

/// The Deployment and stock Service a Flux install has.
const CONTROLLER: &str = "notification-controller";
const STOCK_SERVICE: &str = "webhook-receiver";

/// Runs `expose`.
pub fn run(global: &GlobalArgs, args: &ExposeArgs) -> CliResult {
    let service = manifest::service(&ServiceOptions {
        name: args.name.clone(),
        namespace: global.controller_namespace().to_string(),
        labels: label_map(&args.labels)?,
        service_type: args.service_type.into(),
        port: args.port,
        target_port: args.target_port,
    });
    if args.export {
        return output::print(&manifest::export(&service));
    }
    block_on(apply(global, args, &service))
}

async fn apply(global: &GlobalArgs, args: &ExposeArgs, service: &Service) -> CliResult {
    let cluster = Cluster::connect(global)
        .await
        .map_err(|e| e.or_offline("add --export to print the manifest"))?;
    let rules_at = receiver::rbac::Namespaces {
        target: Some(&global.namespace),
        flux: global.controller_namespace(),
    };
    access::preflight(&cluster, "expose", &rules_at, |grant| {
        args.no_wait && grant.verb == "watch"
    })
    .await?;
    let (namespace, name) = (global.controller_namespace(), args.name.as_str());
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), namespace);
    let services: Api<Service> = Api::namespaced(cluster.client.clone(), namespace);

    // Both look-ups are independent: ask for them at once.
    let get_controller = Action::object("get", "deployments", namespace, CONTROLLER);
    let get_stock = Action::object("get", "services", namespace, STOCK_SERVICE);
    let (controller, stock) = tokio::join!(
        cluster.call(&get_controller, || deployments.get_opt(CONTROLLER)),
        cluster.call(&get_stock, || services.get_opt(STOCK_SERVICE)),
    );
    if controller?.is_none() {
        return Err(CliError::failure(format!(
            "Flux is not installed in namespace '{namespace}': Deployment '{CONTROLLER}' not found \
             (install Flux with `flux install`, or pass --flux-namespace with Flux's namespace)"
        )));
    }
    if name != STOCK_SERVICE && matches!(stock, Ok(Some(_))) {
        progress::note(&format!(
            "Flux's stock ClusterIP Service '{STOCK_SERVICE}' also routes to the webhook port; an Ingress can point at it instead"
        ));
    }

    let base = apply_service(&cluster, service, args.no_wait).await?;
    let mut text = format!("✔ Service {namespace}/{name} exposes the webhook port\n");
    match base {
        Some(base) => text.push_str(&format!("  base URL: {}\n  (address from {})\n", base.url, base.source)),
        None if args.no_wait => text.push_str("  the address appears once the load balancer is provisioned\n"),
        None => text.push_str("  no node address is known; use a node's IP with the Service's node port\n"),
    }
    output::print(&text)
}

/// Server-side applies `service` and finds its address: waits (within
/// `--timeout`) for a load balancer unless `no_wait`, reads a node port, or
/// names the in-cluster DNS for ClusterIP.
pub(crate) async fn apply_service(
    cluster: &Cluster,
    service: &Service,
    no_wait: bool,
) -> CliResult<Option<WebhookBase>> {
    let namespace = service.metadata.namespace.as_deref().unwrap_or_default();
    let name = service.metadata.name.as_deref().unwrap_or_default();
    let services: Api<Service> = Api::namespaced(cluster.client.clone(), namespace);
    progress::action(&format!("applying Service {namespace}/{name}"));
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let patch = Patch::Apply(service);
    let action = Action::object("patch", "services", namespace, name);
    let applied = cluster.call(&action, || services.patch(name, &params, &patch)).await?;
    let spec = applied.spec.clone().unwrap_or_default();
    let port = spec.ports.as_ref().and_then(|p| p.first()).map_or(80, |p| p.port);
    match spec.type_.as_deref() {
        Some("LoadBalancer") if no_wait => Ok(None),
        Some("LoadBalancer") => {
            let waiting = Waiting::start(&format!(
                "waiting for a load balancer address for Service {namespace}/{name}"
            ));
            let found = watch_until(cluster, &services, "services", applied, address::from_load_balancer).await;
            waiting.finish();
            match found? {
                Ok(base) => Ok(Some(base)),
                Err(WaitEnd::TimedOut(_)) => Err(CliError::failure(format!(
                    "Service {namespace}/{name} got no load balancer address within {}; \
                     does the cluster provision load balancers? Try --type NodePort",
                    GoDuration(cluster.timeout())
                ))),
                Err(WaitEnd::Deleted) => Err(CliError::failure(format!(
                    "Service {namespace}/{name} was deleted while waiting"
                ))),
            }
        }
        Some("NodePort") => {
            let nodes = address::node_list(cluster).await.unwrap_or_default();
            Ok(address::from_node_port(&applied, &nodes))
        }
        _ => Ok(Some(WebhookBase {
            url: format!("http://{name}.{namespace}.svc.cluster.local{}", port_suffix(port)),
            source: "the cluster's DNS (reachable inside the cluster only)".into(),
        })),
    }
}

fn port_suffix(port: i32) -> String {
    if port == 80 { String::new() } else { format!(":{port}") }
}

//! Where the webhook is reachable from outside: the base of the hook URL.
//!
//! In order: `--hostname`; the URL in the token Secret's
//! `notification.toolkit.fluxcd.io/webhook` annotation; a LoadBalancer or
//! NodePort Service in the Flux namespace that routes to the
//! notification-controller's webhook port.

use k8s_openapi::api::core::v1::{Node, Secret, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, ListParams};
use receiver::api::WEBHOOK_ANNOTATION;
use receiver::manifest::{CONTROLLER_SELECTOR, WEBHOOK_PORT};

use super::Cluster;
use super::error::Action;

/// The named port of the controller's webhook container.
const WEBHOOK_PORT_NAME: &str = "http-webhook";

/// A base URL (`scheme://host[:port]`) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookBase {
    /// `http://203.0.113.7` or `https://flux.example.com`.
    pub url: String,
    /// How it was found, for messages.
    pub source: String,
}

/// The base of the URL in a Secret's webhook annotation.
pub fn from_secret(secret: &Secret) -> Option<WebhookBase> {
    let url = secret.metadata.annotations.as_ref()?.get(WEBHOOK_ANNOTATION)?;
    let base = url.split_once("/hook/").map_or(url.as_str(), |(base, _)| base);
    (!base.is_empty()).then(|| WebhookBase {
        url: base.to_string(),
        source: format!(
            "annotation on Secret '{}'",
            secret.metadata.name.as_deref().unwrap_or_default()
        ),
    })
}

/// Whether a Service routes to the notification-controller's webhook port;
/// returns that port entry.
fn webhook_port(service: &Service) -> Option<&k8s_openapi::api::core::v1::ServicePort> {
    let spec = service.spec.as_ref()?;
    let (key, value) = CONTROLLER_SELECTOR;
    if spec.selector.as_ref()?.get(key).map(String::as_str) != Some(value) {
        return None;
    }
    spec.ports.as_ref()?.iter().find(|port| match &port.target_port {
        Some(IntOrString::Int(number)) => *number == i32::from(WEBHOOK_PORT),
        Some(IntOrString::String(name)) => name == WEBHOOK_PORT_NAME,
        None => port.port == i32::from(WEBHOOK_PORT),
    })
}

/// A LoadBalancer Service's external base URL, once it has an address.
pub fn from_load_balancer(service: &Service) -> Option<WebhookBase> {
    let port = webhook_port(service)?;
    if service.spec.as_ref()?.type_.as_deref() != Some("LoadBalancer") {
        return None;
    }
    let ingress = service
        .status
        .as_ref()?
        .load_balancer
        .as_ref()?
        .ingress
        .as_ref()?
        .first()?;
    let host = ingress.hostname.clone().or_else(|| ingress.ip.clone())?;
    Some(WebhookBase {
        url: http_url(&host, port.port),
        source: format!(
            "LoadBalancer Service '{}'",
            service.metadata.name.as_deref().unwrap_or_default()
        ),
    })
}

/// A NodePort (or LoadBalancer) Service's base URL through a node's address.
pub fn from_node_port(service: &Service, nodes: &[Node]) -> Option<WebhookBase> {
    let node_port = webhook_port(service)?.node_port?;
    let address = node_address(nodes)?;
    Some(WebhookBase {
        url: http_url(&address, node_port),
        source: format!(
            "NodePort {node_port} of Service '{}'",
            service.metadata.name.as_deref().unwrap_or_default()
        ),
    })
}

/// A node address a provider could reach: an ExternalIP if any node has one,
/// else an InternalIP (reachable on private networks and in kind).
fn node_address(nodes: &[Node]) -> Option<String> {
    let addresses: Vec<_> = nodes
        .iter()
        .filter_map(|n| n.status.as_ref()?.addresses.as_ref())
        .flatten()
        .collect();
    ["ExternalIP", "InternalIP"]
        .iter()
        .find_map(|wanted| addresses.iter().find(|a| a.type_ == *wanted).map(|a| a.address.clone()))
}

fn http_url(host: &str, port: i32) -> String {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    if port == 80 {
        format!("http://{host}")
    } else {
        format!("http://{host}:{port}")
    }
}

/// Finds the base URL from the cluster's Services (one list request, plus
/// one for nodes when only a NodePort is available). Failing look-ups only
/// mean no address is known: the command does not fail over them.
pub async fn from_services(cluster: &Cluster, flux_namespace: &str) -> Option<WebhookBase> {
    let api: Api<Service> = Api::namespaced(cluster.client.clone(), flux_namespace);
    let action = Action::collection("list", "services", Some(flux_namespace));
    let params = ListParams::default();
    let services = match cluster.call(&action, || api.list(&params)).await {
        Ok(list) => list.items,
        Err(err) => {
            cluster.trace(format!("no address from Services: {err}"));
            return None;
        }
    };
    if let Some(base) = services.iter().find_map(from_load_balancer) {
        return Some(base);
    }
    let node_port_service = services.iter().find(|s| {
        s.spec.as_ref().and_then(|spec| spec.type_.as_deref()) == Some("NodePort") && webhook_port(s).is_some()
    })?;
    let nodes = node_list(cluster).await?;
    from_node_port(node_port_service, &nodes)
}

/// All nodes (one request); `None` when they cannot be listed.
pub async fn node_list(cluster: &Cluster) -> Option<Vec<Node>> {
    let api: Api<Node> = Api::all(cluster.client.clone());
    let action = Action::collection("list", "nodes", None);
    let params = ListParams::default();
    match cluster.call(&action, || api.list(&params)).await {
        Ok(list) => Some(list.items),
        Err(err) => {
            cluster.trace(format!("no node addresses: {err}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use receiver::manifest::{ServiceOptions, ServiceType, service};

    fn exposed(service_type: ServiceType) -> Service {
        service(&ServiceOptions {
            name: "receiver".into(),
            namespace: "flux-system".into(),
            labels: Default::default(),
            service_type,
            port: 80,
            target_port: WEBHOOK_PORT,
        })
    }

    #[test]
    fn load_balancer_address() {
        let mut svc = exposed(ServiceType::LoadBalancer);
        assert_eq!(from_load_balancer(&svc), None);
        svc.status = Some(
            serde_json::from_value(serde_json::json!({"loadBalancer": {"ingress": [{"ip": "198.51.100.10"}]}}))
                .unwrap(),
        );
        assert_eq!(from_load_balancer(&svc).unwrap().url, "http://198.51.100.10");
    }

    #[test]
    fn node_port_address_prefers_external_ips() {
        let mut svc = exposed(ServiceType::NodePort);
        svc.spec.as_mut().unwrap().ports.as_mut().unwrap()[0].node_port = Some(30080);
        let nodes: Vec<Node> = serde_json::from_value(serde_json::json!([
            {"metadata": {"name": "a"}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.10"}]}},
            {"metadata": {"name": "b"}, "status": {"addresses": [{"type": "ExternalIP", "address": "203.0.113.10"}]}}
        ]))
        .unwrap();
        assert_eq!(from_node_port(&svc, &nodes).unwrap().url, "http://203.0.113.10:30080");
    }

    #[test]
    fn annotation_base() {
        let secret: Secret = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "t", "annotations": {WEBHOOK_ANNOTATION: "https://flux.example.com/hook/abc"}}
        }))
        .unwrap();
        assert_eq!(from_secret(&secret).unwrap().url, "https://flux.example.com");
    }
}

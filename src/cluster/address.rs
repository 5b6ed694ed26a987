//! Where the webhook is reachable from outside: the base of the hook URL.
//!
//! In order: `--hostname`; the URL in the token Secret's
//! `notification.toolkit.fluxcd.io/webhook` annotation; a LoadBalancer or
//! NodePort Service in the Flux namespace that routes to the
//! notification-controller's webhook port; an Ingress or HTTPRoute in front
//! of such a Service.

use k8s_openapi::api::core::v1::{Node, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, ApiResource, DynamicObject, ListParams};
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

/// `--hostname` as a base URL.
pub fn from_hostname(host: &str) -> WebhookBase {
    WebhookBase {
        url: host.to_string(),
        source: "--hostname".into(),
    }
}

/// The base URL for one Receiver's hook, in the documented order:
/// `--hostname`, the token Secret's annotation, then what the cluster
/// exposes (looked up only when neither of the first two gives one).
pub async fn resolve(
    cluster: &Cluster,
    hostname: Option<&str>,
    secret: Option<&Secret>,
    flux_namespace: &str,
    sources: Sources,
) -> Option<WebhookBase> {
    if let Some(base) = pick(hostname, secret.and_then(from_secret)) {
        return Some(base);
    }
    discover(cluster, flux_namespace, sources).await
}

/// The first two steps of [`resolve`], for callers (like `list`) that look
/// up the cluster's address once for many Receivers.
pub fn pick(hostname: Option<&str>, secret_base: Option<WebhookBase>) -> Option<WebhookBase> {
    hostname.map(from_hostname).or(secret_base)
}

/// Whether a Service routes to the notification-controller's webhook port;
/// returns that port entry.
pub fn webhook_port(service: &Service) -> Option<&k8s_openapi::api::core::v1::ServicePort> {
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

/// Which kinds of object may supply the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// LoadBalancer and NodePort Services only (one or two requests).
    Services,
    /// Services, then Ingresses and HTTPRoutes in front of them.
    ServicesAndRoutes,
}

/// Finds where the cluster exposes the webhook, in the order operators set
/// it up: a LoadBalancer Service, a NodePort Service (through a node
/// address), then (with [`Sources::ServicesAndRoutes`]) an Ingress or a
/// Gateway API HTTPRoute. Requests are made lazily, so the common case (a
/// LoadBalancer) costs one list. Failing look-ups only mean no address is
/// known: the command does not fail over them.
pub async fn discover(cluster: &Cluster, flux_namespace: &str, sources: Sources) -> Option<WebhookBase> {
    let services: Vec<Service> = list_quietly(
        cluster,
        Api::namespaced(cluster.client.clone(), flux_namespace),
        "services",
        flux_namespace,
    )
    .await;
    if let Some(base) = services.iter().find_map(from_load_balancer) {
        return Some(base);
    }
    let node_port_service = services.iter().find(|s| {
        s.spec.as_ref().and_then(|spec| spec.type_.as_deref()) == Some("NodePort") && webhook_port(s).is_some()
    });
    if let Some(service) = node_port_service
        && let Some(nodes) = node_list(cluster).await
        && let Some(base) = from_node_port(service, &nodes)
    {
        return Some(base);
    }
    let backends: Vec<&str> = services
        .iter()
        .filter(|s| webhook_port(s).is_some())
        .filter_map(|s| s.metadata.name.as_deref())
        .collect();
    if backends.is_empty() || sources == Sources::Services {
        return None;
    }
    let ingresses: Vec<Ingress> = list_quietly(
        cluster,
        Api::namespaced(cluster.client.clone(), flux_namespace),
        "ingresses",
        flux_namespace,
    )
    .await;
    if let Some(base) = from_ingresses(&ingresses, &backends) {
        return Some(base);
    }
    let routes_api: Api<DynamicObject> =
        Api::namespaced_with(cluster.client.clone(), flux_namespace, &http_route_resource());
    let routes = list_quietly(cluster, routes_api, "httproutes", flux_namespace).await;
    from_http_routes(&routes, &backends)
}

async fn list_quietly<K>(cluster: &Cluster, api: Api<K>, resource: &str, namespace: &str) -> Vec<K>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let action = Action::collection("list", resource, Some(namespace));
    let params = ListParams::default();
    match cluster.call(&action, || api.list(&params)).await {
        Ok(list) => list.items,
        Err(err) => {
            cluster.trace(format!("no address from {resource}: {err}"));
            Vec::new()
        }
    }
}

/// The Gateway API HTTPRoute resource (a CRD, so not in k8s-openapi).
fn http_route_resource() -> ApiResource {
    ApiResource {
        group: "gateway.networking.k8s.io".into(),
        version: "v1".into(),
        api_version: "gateway.networking.k8s.io/v1".into(),
        kind: "HTTPRoute".into(),
        plural: "httproutes".into(),
    }
}

/// An Ingress rule whose backend is one of the webhook Services: its host,
/// with https when the Ingress has TLS for that host.
pub fn from_ingresses(ingresses: &[Ingress], backends: &[&str]) -> Option<WebhookBase> {
    ingresses.iter().find_map(|ingress| {
        let spec = ingress.spec.as_ref()?;
        let rule = spec.rules.as_ref()?.iter().find(|rule| {
            rule.http.as_ref().is_some_and(|http| {
                http.paths.iter().any(|path| {
                    path.backend
                        .service
                        .as_ref()
                        .is_some_and(|service| backends.contains(&service.name.as_str()))
                })
            })
        })?;
        let host = rule.host.clone()?;
        let tls = spec
            .tls
            .iter()
            .flatten()
            .any(|tls| tls.hosts.iter().flatten().any(|h| *h == host));
        Some(WebhookBase {
            url: format!("{}://{host}", if tls { "https" } else { "http" }),
            source: format!("Ingress '{}'", ingress.metadata.name.as_deref().unwrap_or_default()),
        })
    })
}

/// An HTTPRoute with a backendRef to one of the webhook Services: its first
/// hostname, over https (gateways terminate TLS for webhooks in practice).
pub fn from_http_routes(routes: &[DynamicObject], backends: &[&str]) -> Option<WebhookBase> {
    routes.iter().find_map(|route| {
        let spec = route.data.get("spec")?;
        let routes_to_webhook = spec.get("rules")?.as_array()?.iter().any(|rule| {
            rule.get("backendRefs")
                .and_then(|refs| refs.as_array())
                .is_some_and(|refs| {
                    refs.iter().any(|r| {
                        r.get("name")
                            .and_then(|n| n.as_str())
                            .is_some_and(|n| backends.contains(&n))
                    })
                })
        });
        let host = spec.get("hostnames")?.as_array()?.first()?.as_str()?;
        routes_to_webhook.then(|| WebhookBase {
            url: format!("https://{host}"),
            source: format!("HTTPRoute '{}'", route.metadata.name.as_deref().unwrap_or_default()),
        })
    })
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

    #[test]
    fn http_route_to_a_webhook_service() {
        let routes: Vec<DynamicObject> = serde_json::from_value(serde_json::json!([
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "other"},
             "spec": {"hostnames": ["app.example.com"], "rules": [{"backendRefs": [{"name": "app", "port": 80}]}]}},
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "hooks"},
             "spec": {"hostnames": ["hooks.example.com"], "rules": [{"backendRefs": [{"name": "webhook-receiver", "port": 80}]}]}}
        ]))
        .unwrap();
        let base = from_http_routes(&routes, &["webhook-receiver"]).unwrap();
        assert_eq!(base.url, "https://hooks.example.com");
        assert_eq!(base.source, "HTTPRoute 'hooks'");
        assert_eq!(from_http_routes(&routes, &["receiver"]), None);
    }

    #[test]
    fn precedence_is_hostname_then_secret() {
        let secret_base = WebhookBase {
            url: "https://annotated.example.com".into(),
            source: "annotation".into(),
        };
        assert_eq!(
            pick(Some("given.example.com"), Some(secret_base.clone())).unwrap().url,
            "given.example.com"
        );
        assert_eq!(pick(None, Some(secret_base.clone())), Some(secret_base));
        assert_eq!(pick(None, None), None);
    }
}

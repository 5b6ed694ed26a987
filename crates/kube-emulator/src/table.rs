//! `Table` answers, which kubectl asks for (`Accept:
//! application/json;as=Table;v=v1;g=meta.k8s.io`) to print `get`: the
//! columns the API server's printers define for built-in kinds, and for
//! custom resources the CRD's `additionalPrinterColumns` (Age alone when
//! it declares none), evaluated as the API server does.

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde_json::{Value, json};

use crate::resources::ResourceType;
use crate::schemas;
use crate::state::State;

/// Whether an `Accept` header asks for a `meta.k8s.io/v1` Table.
pub fn wanted(accept: &str) -> bool {
    accept.split(',').any(|media_type| {
        let parameters: Vec<&str> = media_type.split(';').map(str::trim).collect();
        parameters.first() == Some(&"application/json")
            && parameters.contains(&"as=Table")
            && parameters.contains(&"v=v1")
            && parameters.contains(&"g=meta.k8s.io")
    })
}

/// What each row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    /// Nothing.
    None,
    /// The object's metadata, as `PartialObjectMetadata` (the default).
    Metadata,
    /// The whole object.
    Object,
}

impl Include {
    /// The `includeObject` query parameter.
    pub fn parse(value: Option<&str>) -> Include {
        match value {
            Some("None") => Include::None,
            Some("Object") => Include::Object,
            _ => Include::Metadata,
        }
    }
}

/// One column: its definition and how a cell is computed.
struct Column {
    name: String,
    type_: String,
    format: String,
    description: String,
    priority: u64,
    cell: Cell,
}

enum Cell {
    /// Computed by a built-in printer.
    Printer(fn(&Value) -> Value),
    /// A CRD's JSONPath (parsed once per table; `None` when invalid,
    /// which the API server would have refused in the CRD), printed as the
    /// column's type says.
    Path(Option<JpQuery>),
}

fn printer(name: &str, type_: &str, priority: u64, description: &str, cell: fn(&Value) -> Value) -> Column {
    Column {
        name: name.into(),
        type_: type_.into(),
        format: if name == "Name" { "name".into() } else { String::new() },
        description: description.into(),
        priority,
        cell: Cell::Printer(cell),
    }
}

const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when creating resources, \
     although some resources may allow a client to request the generation of an appropriate name automatically.";
const AGE_DESCRIPTION: &str =
    "CreationTimestamp is a timestamp representing the server time when this object was created.";

fn name(object: &Value) -> Value {
    object["metadata"]["name"].clone()
}

fn age(object: &Value) -> Value {
    json!(since(object["metadata"]["creationTimestamp"].as_str()))
}

fn none_if_empty(text: String) -> Value {
    json!(if text.is_empty() { "<none>".to_string() } else { text })
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// `a=b,c=d`, as Kubernetes formats label maps.
fn labels(map: &Value) -> String {
    let mut pairs: Vec<String> = map
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    pairs.join(",")
}

/// Load balancer addresses (IP or hostname), comma-separated.
fn load_balancer(status: &Value) -> String {
    status["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ip"].as_str().or(i["hostname"].as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

fn service_external_ip(service: &Value) -> Value {
    let external: Vec<&str> = strings(&service["spec"]["externalIPs"]).collect();
    match service["spec"]["type"].as_str().unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => none_if_empty(external.join(",")),
        "LoadBalancer" => {
            let mut addresses: Vec<String> = Vec::new();
            let mut balanced = load_balancer(&service["status"]);
            // Not wide: the printer cuts long lists.
            if balanced.len() > 16 {
                balanced = format!("{}...", &balanced[..13]);
            }
            if !balanced.is_empty() {
                addresses.push(balanced);
            }
            addresses.extend(external.iter().map(|s| s.to_string()));
            json!(if addresses.is_empty() {
                "<pending>".to_string()
            } else {
                addresses.join(",")
            })
        }
        "ExternalName" => service["spec"]["externalName"].clone(),
        _ => json!("<unknown>"),
    }
}

fn service_ports(service: &Value) -> Value {
    let ports: Vec<String> = service["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let protocol = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_u64().filter(|n| *n != 0) {
                Some(node_port) => format!("{}:{node_port}/{protocol}", p["port"]),
                None => format!("{}/{protocol}", p["port"]),
            }
        })
        .collect();
    none_if_empty(ports.join(","))
}

fn node_status(node: &Value) -> Value {
    let ready = node["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready")
        .map(|c| c["status"].as_str().unwrap_or_default());
    let mut status = match ready {
        Some("True") => "Ready",
        Some("False") => "NotReady",
        _ => "Unknown",
    }
    .to_string();
    if node["spec"]["unschedulable"] == true {
        status.push_str(",SchedulingDisabled");
    }
    json!(status)
}

fn node_roles(node: &Value) -> Value {
    let roles: Vec<&str> = node["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(label, _)| label.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    none_if_empty(roles.join(","))
}

fn node_address(node: &Value, wanted: &str) -> Value {
    let address = node["status"]["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["type"] == wanted)
        .and_then(|a| a["address"].as_str());
    json!(address.unwrap_or("<none>"))
}

fn node_info(node: &Value, field: &str) -> Value {
    match node["status"]["nodeInfo"][field].as_str() {
        Some(text) if !text.is_empty() => json!(text),
        _ => json!("<unknown>"),
    }
}

fn containers(deployment: &Value, field: &str) -> Value {
    let names: Vec<&str> = deployment["spec"]["template"]["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c[field].as_str())
        .collect();
    json!(names.join(","))
}

fn count(value: &Value) -> Value {
    json!(value.as_u64().unwrap_or(0))
}

fn ingress_hosts(ingress: &Value) -> Value {
    let hosts: Vec<&str> = ingress["spec"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["host"].as_str())
        .collect();
    json!(if hosts.is_empty() {
        "*".to_string()
    } else {
        hosts.join(",")
    })
}

fn ingress_ports(ingress: &Value) -> Value {
    let tls = ingress["spec"]["tls"].as_array().is_some_and(|t| !t.is_empty());
    json!(if tls { "80, 443" } else { "80" })
}

/// The columns of built-in kinds, as the API server's printers define them.
fn built_in_columns(resource: &ResourceType) -> Option<Vec<Column>> {
    let name_column = printer("Name", "string", 0, NAME_DESCRIPTION, name);
    let age_column = printer("Age", "string", 0, AGE_DESCRIPTION, age);
    let columns = match resource.plural {
        "namespaces" => vec![
            name_column,
            printer("Status", "string", 0, "The status of the namespace", |o| {
                o["status"]["phase"].clone()
            }),
            age_column,
        ],
        "secrets" => vec![
            name_column,
            printer("Type", "string", 0, "The type of the secret", |o| o["type"].clone()),
            printer("Data", "integer", 0, "The number of entries in the secret", |o| {
                json!(o["data"].as_object().map_or(0, |d| d.len()))
            }),
            age_column,
        ],
        "services" => vec![
            name_column,
            printer("Type", "string", 0, "The type of the service", |o| {
                o["spec"]["type"].clone()
            }),
            printer("Cluster-IP", "string", 0, "The cluster IP of the service", |o| {
                none_if_empty(o["spec"]["clusterIP"].as_str().unwrap_or_default().to_string())
            }),
            printer(
                "External-IP",
                "string",
                0,
                "The external IP of the service",
                service_external_ip,
            ),
            printer("Port(s)", "string", 0, "The ports of the service", service_ports),
            age_column,
            printer("Selector", "string", 1, "The selector of the service", |o| {
                none_if_empty(labels(&o["spec"]["selector"]))
            }),
        ],
        "nodes" => vec![
            name_column,
            printer("Status", "string", 0, "The status of the node", node_status),
            printer("Roles", "string", 0, "The roles of the node", node_roles),
            age_column,
            printer("Version", "string", 0, "Kubelet Version reported by the node.", |o| {
                json!(o["status"]["nodeInfo"]["kubeletVersion"].as_str().unwrap_or_default())
            }),
            printer("Internal-IP", "string", 1, "List of internal IPs.", |o| {
                node_address(o, "InternalIP")
            }),
            printer("External-IP", "string", 1, "List of external IPs.", |o| {
                node_address(o, "ExternalIP")
            }),
            printer("OS-Image", "string", 1, "OS Image reported by the node.", |o| {
                node_info(o, "osImage")
            }),
            printer(
                "Kernel-Version",
                "string",
                1,
                "Kernel Version reported by the node.",
                |o| node_info(o, "kernelVersion"),
            ),
            printer(
                "Container-Runtime",
                "string",
                1,
                "Container Runtime Version reported by the node.",
                |o| node_info(o, "containerRuntimeVersion"),
            ),
        ],
        "deployments" => vec![
            name_column,
            printer("Ready", "string", 0, "Number of the pod with ready state", |o| {
                json!(format!(
                    "{}/{}",
                    o["status"]["readyReplicas"].as_u64().unwrap_or(0),
                    o["spec"]["replicas"].as_u64().unwrap_or(0)
                ))
            }),
            printer(
                "Up-to-date",
                "integer",
                0,
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                |o| count(&o["status"]["updatedReplicas"]),
            ),
            printer(
                "Available",
                "integer",
                0,
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                |o| count(&o["status"]["availableReplicas"]),
            ),
            age_column,
            printer(
                "Containers",
                "string",
                1,
                "Names of each container in the template.",
                |o| containers(o, "name"),
            ),
            printer(
                "Images",
                "string",
                1,
                "Images referenced by each container in the template.",
                |o| containers(o, "image"),
            ),
            printer("Selector", "string", 1, "Label selector for pods.", |o| {
                none_if_empty(labels(&o["spec"]["selector"]["matchLabels"]))
            }),
        ],
        "ingresses" => vec![
            name_column,
            printer(
                "Class",
                "string",
                0,
                "The name of the IngressClass resource that should be used for ingress class",
                |o| json!(o["spec"]["ingressClassName"].as_str().unwrap_or("<none>")),
            ),
            printer(
                "Hosts",
                "string",
                0,
                "Hosts that incoming requests are matched against before the ingress rule",
                ingress_hosts,
            ),
            printer(
                "Address",
                "string",
                0,
                "Address is a list containing ingress points for the load-balancer",
                |o| json!(load_balancer(&o["status"])),
            ),
            printer(
                "Ports",
                "string",
                0,
                "Ports of TLS configurations that open",
                ingress_ports,
            ),
            age_column,
        ],
        "customresourcedefinitions" => vec![
            name_column,
            printer("Created At", "date", 0, AGE_DESCRIPTION, |o| {
                o["metadata"]["creationTimestamp"].clone()
            }),
        ],
        _ => return None,
    };
    Some(columns)
}

/// A custom resource's columns: Name, then the CRD's printer columns for
/// the version (Age when there are none).
fn custom_columns(state: &State, resource: &ResourceType) -> Vec<Column> {
    let declared: Vec<Value> = schemas::crd_of(state, resource)
        .and_then(|crd| {
            crd["spec"]["versions"]
                .as_array()?
                .iter()
                .find(|v| v["name"] == resource.version)?["additionalPrinterColumns"]
                .as_array()
                .cloned()
        })
        .unwrap_or_default();
    let mut columns = vec![printer("Name", "string", 0, NAME_DESCRIPTION, name)];
    if declared.is_empty() {
        columns.push(printer("Age", "date", 0, AGE_DESCRIPTION, age));
    }
    for column in declared {
        let text = |key: &str| column[key].as_str().unwrap_or_default().to_string();
        columns.push(Column {
            name: text("name"),
            type_: text("type"),
            format: text("format"),
            description: text("description"),
            priority: column["priority"].as_u64().unwrap_or(0),
            cell: Cell::Path(parse_json_path(&format!("${}", text("jsonPath"))).ok()),
        });
    }
    columns
}

/// A cell from a CRD column's JSONPath, as the API server's CRD table
/// convertor computes it: the first result, dates as ages, nothing (null)
/// when the path finds nothing.
fn path_cell(object: &Value, path: Option<&JpQuery>, type_: &str) -> Value {
    let found = path
        .and_then(|path| js_path_process(path, object).ok())
        .and_then(|found| found.first().map(|r| r.val.clone()));
    let Some(value) = found else {
        return Value::Null;
    };
    match (type_, &value) {
        ("date", Value::String(timestamp)) => json!(since(Some(timestamp))),
        ("date", _) => Value::Null,
        ("string", Value::String(_)) => value,
        ("string", other) => json!(other.to_string()),
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => value,
        ("number", Value::Number(_)) | ("boolean", Value::Bool(_)) => value,
        _ => Value::Null,
    }
}

/// `resource`'s objects as a Table; `metadata` is the list's
/// (resourceVersion, continue).
pub fn table(state: &State, resource: &ResourceType, objects: &[Value], metadata: Value, include: Include) -> Value {
    let columns = built_in_columns(resource).unwrap_or_else(|| custom_columns(state, resource));
    let definitions: Vec<Value> = columns
        .iter()
        .map(|c| {
            json!({"name": c.name, "type": c.type_, "format": c.format, "description": c.description,
                   "priority": c.priority})
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let cells: Vec<Value> = columns
                .iter()
                .map(|column| match &column.cell {
                    Cell::Printer(cell) => cell(object),
                    Cell::Path(path) => path_cell(object, path.as_ref(), &column.type_),
                })
                .collect();
            let mut row = json!({"cells": cells});
            match include {
                Include::None => {}
                Include::Metadata => {
                    row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                           "metadata": object["metadata"]});
                }
                Include::Object => row["object"] = object.clone(),
            }
            row
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
           "columnDefinitions": definitions, "rows": rows})
}

/// How long ago `timestamp` was, as kubectl shows ages
/// (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`); `<unknown>`
/// without one.
fn since(timestamp: Option<&str>) -> String {
    let Some(then) = timestamp.and_then(|t| t.parse::<jiff::Timestamp>().ok()) else {
        return "<unknown>".into();
    };
    let seconds = jiff::Timestamp::now().as_second() - then.as_second();
    human_duration(seconds)
}

/// `HumanDuration` of a number of seconds.
fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_kubectl_prints_them() {
        for (seconds, shown) in [
            (-5, "<invalid>"),
            (-1, "0s"),
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (10 * 3600, "10h"),
            (50 * 3600, "2d2h"),
            (72 * 3600, "3d"),
            (30 * 86400, "30d"),
            (800 * 86400, "2y70d"),
            (9 * 365 * 86400, "9y"),
        ] {
            assert_eq!(human_duration(seconds), shown, "{seconds}");
        }
    }

    #[test]
    fn kubectl_asks_for_a_table_first() {
        assert!(wanted(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        ));
        assert!(!wanted("application/json"));
        assert!(!wanted(
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
        ));
    }

    #[test]
    fn service_columns() {
        let service = json!({"spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.100",
                                      "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}],
                                      "selector": {"app": "notification-controller"}},
                             "status": {"loadBalancer": {"ingress": [{"ip": "198.51.100.10"}]}}});
        assert_eq!(service_external_ip(&service), "198.51.100.10");
        assert_eq!(service_ports(&service), "80:30080/TCP");
        let pending = json!({"spec": {"type": "LoadBalancer"}});
        assert_eq!(service_external_ip(&pending), "<pending>");
        let internal = json!({"spec": {"type": "ClusterIP", "ports": [{"port": 80, "protocol": "TCP"}]}});
        assert_eq!(
            (service_external_ip(&internal), service_ports(&internal)),
            (json!("<none>"), json!("80/TCP"))
        );
    }

    #[test]
    fn printer_column_paths_find_the_ready_condition() {
        let receiver = json!({"status": {"conditions": [
            {"type": "Reconciling", "status": "False", "message": "no"},
            {"type": "Ready", "status": "True", "message": "Receiver initialized for path: /hook/abc"}]}});
        let parse = |path: &str| parse_json_path(&format!("${path}")).unwrap();
        let path = parse(".status.conditions[?(@.type==\"Ready\")].message");
        assert_eq!(
            path_cell(&receiver, Some(&path), "string"),
            "Receiver initialized for path: /hook/abc"
        );
        assert_eq!(path_cell(&receiver, Some(&parse(".spec.url")), "string"), Value::Null);
        assert_eq!(path_cell(&receiver, None, "string"), Value::Null);
    }
}

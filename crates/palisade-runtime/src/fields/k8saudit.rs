//! Fields of Kubernetes audit events (`ka.*`, with the mapping of Falco's
//! k8saudit plugin) and of the JSON plugin (`jevt.*`).
//!
//! Values are what the plugin yields: JSON strings as they are, other JSON
//! values as their JSON text, list fields as lists. Fields over containers
//! take an optional index argument (`ka.req.pod.containers.image[0]`); an
//! argument that is not a number is ignored, as the plugin ignores it.

use super::{Extracted, FieldError, ListKind, Value};
use crate::event::Event;
use crate::json::Json;
use std::borrow::Cow;

/// A resolved audit-source field.
#[derive(Debug, Clone)]
pub enum Field {
    /// A value at a path of keys; `list` fields yield the array's items.
    Path {
        /// Keys from the event's root.
        path: &'static [&'static str],
        /// Whether the field is a list field.
        list: bool,
    },
    /// `ka.uri.param[name]`: the first value of a query parameter.
    UriParam(String),
    /// `ka.req.binding.subject.has_name[...]`: always `true` (deprecated upstream).
    HasName,
    /// A value in each container (`requestObject.spec.containers[*]`).
    Containers {
        /// Keys inside each container.
        inner: &'static [&'static str],
        /// Only this container.
        index: Option<usize>,
        /// Skip containers without the value (otherwise: not extractable).
        skip_missing: bool,
    },
    /// Images (or their repository part) of the containers.
    Images {
        /// Only the repository (before `:` and `@`).
        repository: bool,
        /// Only this container.
        index: Option<usize>,
        /// Deprecated single-value form: the first container only.
        first: bool,
    },
    /// Host ports of all containers (`hostPort`, else `containerPort`).
    HostPorts(Option<usize>),
    /// `true` when any container is privileged.
    AnyPrivileged,
    /// Effective user/group: the container's, else the pod's, else `0`.
    Effective(&'static str, Option<usize>),
    /// A list inside each RBAC rule (`requestObject.rules[*].KEY`), flattened.
    RoleRules(&'static str, Option<usize>),
    /// A value inside each volume (volumes without it are skipped).
    Volumes(&'static [&'static str], Option<usize>),
    /// The service's ports (each as JSON text), or only port N.
    ServicePorts(Option<usize>),
    /// `ka.req.volume.hostpath[path]`: whether a hostPath volume uses the
    /// path (a trailing `*` makes it a prefix).
    VolumeHostPath(String),
    /// Volume types: every key of each volume except `name`.
    VolumeTypes(Option<usize>),
    /// `jevt.value[/pointer]`.
    Pointer(String),
    /// `jevt.obj`: the whole event as JSON text.
    Obj,
    /// `jevt.time` / `jevt.time.iso8601`: the event time as text.
    Time,
    /// `jevt.rawtime`: the event time in nanoseconds since the epoch.
    RawTime,
}

const CONTAINERS: &[&str] = &["requestObject", "spec", "containers"];
const VOLUMES: &[&str] = &["requestObject", "spec", "volumes"];

fn index_arg(arg: Option<&str>) -> Option<usize> {
    arg.and_then(|a| a.trim().parse().ok())
}

impl Field {
    /// Resolves a field name and argument.
    pub fn resolve(name: &str, arg: Option<&str>) -> Result<Field, FieldError> {
        let idx = index_arg(arg);
        let path = |path: &'static [&'static str]| Field::Path { path, list: false };
        let list = |path: &'static [&'static str]| Field::Path { path, list: true };
        let containers = |inner: &'static [&'static str], skip_missing| Field::Containers {
            inner,
            index: idx,
            skip_missing,
        };
        let required = |what: &str| -> Result<String, FieldError> {
            match arg {
                Some(a) if !a.is_empty() => Ok(a.to_string()),
                _ => Err(FieldError::BadArgument(
                    name.to_string(),
                    format!("requires {what} argument, e.g. `{name}[...]`"),
                )),
            }
        };
        Ok(match name {
            "ka.auditid" => path(&["auditID"]),
            "ka.stage" => path(&["stage"]),
            "ka.auth.decision" => path(&["annotations", "authorization.k8s.io/decision"]),
            "ka.auth.reason" => path(&["annotations", "authorization.k8s.io/reason"]),
            "ka.user.name" => path(&["user", "username"]),
            "ka.user.groups" => list(&["user", "groups"]),
            "ka.impuser.name" => path(&["impersonatedUser", "username"]),
            "ka.verb" => path(&["verb"]),
            "ka.uri" => path(&["requestURI"]),
            "ka.uri.param" => Field::UriParam(required("a query parameter")?),
            "ka.target.name" => path(&["objectRef", "name"]),
            "ka.target.namespace" => path(&["objectRef", "namespace"]),
            "ka.target.resource" => path(&["objectRef", "resource"]),
            "ka.target.subresource" => path(&["objectRef", "subresource"]),
            "ka.req.binding.subjects" => list(&["requestObject", "subjects"]),
            "ka.req.binding.role" => path(&["requestObject", "roleRef", "name"]),
            "ka.req.binding.subject.has_name" => {
                required("a subject name")?;
                Field::HasName
            }
            "ka.req.configmap.name" => path(&["objectRef", "name"]),
            "ka.req.configmap.obj" => path(&["requestObject", "data"]),
            "ka.req.pod.containers.image" => Field::Images {
                repository: false,
                index: idx,
                first: false,
            },
            "ka.req.container.image" => Field::Images {
                repository: false,
                index: None,
                first: true,
            },
            "ka.req.pod.containers.image.repository" => Field::Images {
                repository: true,
                index: idx,
                first: false,
            },
            "ka.req.container.image.repository" => Field::Images {
                repository: true,
                index: None,
                first: true,
            },
            "ka.req.pod.host_ipc" => path(&["requestObject", "spec", "hostIPC"]),
            "ka.req.pod.host_network" | "ka.req.container.host_network" => {
                path(&["requestObject", "spec", "hostNetwork"])
            }
            "ka.req.pod.host_pid" => path(&["requestObject", "spec", "hostPID"]),
            "ka.req.pod.containers.host_port" => Field::HostPorts(idx),
            "ka.req.pod.containers.privileged" => {
                containers(&["securityContext", "privileged"], true)
            }
            "ka.req.container.privileged" => Field::AnyPrivileged,
            "ka.req.pod.containers.allow_privilege_escalation" => {
                containers(&["securityContext", "allowPrivilegeEscalation"], false)
            }
            "ka.req.pod.containers.read_only_fs" => {
                containers(&["securityContext", "readOnlyRootFilesystem"], false)
            }
            "ka.req.pod.run_as_user" => {
                path(&["requestObject", "spec", "securityContext", "runAsUser"])
            }
            "ka.req.pod.containers.run_as_user" => {
                containers(&["securityContext", "runAsUser"], false)
            }
            "ka.req.pod.containers.eff_run_as_user" => Field::Effective("runAsUser", idx),
            "ka.req.pod.run_as_group" => {
                path(&["requestObject", "spec", "securityContext", "runAsGroup"])
            }
            "ka.req.pod.containers.run_as_group" => {
                containers(&["securityContext", "runAsGroup"], false)
            }
            "ka.req.pod.containers.eff_run_as_group" => Field::Effective("runAsGroup", idx),
            "ka.req.pod.containers.proc_mount" => {
                containers(&["securityContext", "procMount"], false)
            }
            "ka.req.role.rules" => list(&["requestObject", "rules"]),
            "ka.req.role.rules.apiGroups" => Field::RoleRules("apiGroups", idx),
            "ka.req.role.rules.nonResourceURLs" => Field::RoleRules("nonResourceURLs", idx),
            "ka.req.role.rules.verbs" => Field::RoleRules("verbs", idx),
            "ka.req.role.rules.resources" => Field::RoleRules("resources", idx),
            "ka.req.pod.fs_group" => path(&["requestObject", "spec", "securityContext", "fsGroup"]),
            "ka.req.pod.supplemental_groups" => list(&[
                "requestObject",
                "spec",
                "securityContext",
                "supplementalGroups",
            ]),
            "ka.req.pod.containers.add_capabilities" => {
                containers(&["securityContext", "capabilities", "add"], false)
            }
            "ka.req.service.type" => path(&["requestObject", "spec", "type"]),
            "ka.req.service.ports" => Field::ServicePorts(idx),
            "ka.req.pod.volumes.hostpath" => Field::Volumes(&["hostPath", "path"], idx),
            "ka.req.volume.hostpath" => Field::VolumeHostPath(required("a host path")?),
            "ka.req.pod.volumes.flexvolume_driver" => {
                Field::Volumes(&["flexVolume", "driver"], idx)
            }
            "ka.req.pod.volumes.volume_type" => Field::VolumeTypes(idx),
            "ka.resp.name" => path(&["responseObject", "metadata", "name"]),
            "ka.response.code" => path(&["responseStatus", "code"]),
            "ka.response.reason" => path(&["responseStatus", "reason"]),
            "ka.useragent" => path(&["userAgent"]),
            "ka.sourceips" => list(&["sourceIPs"]),
            "jevt.value" => {
                let p = required("a JSON pointer")?;
                if !p.starts_with('/') {
                    return Err(FieldError::BadArgument(
                        name.to_string(),
                        format!("`{p}` is not a JSON pointer (it must start with `/`)"),
                    ));
                }
                Field::Pointer(p)
            }
            "jevt.obj" => Field::Obj,
            "jevt.time" | "jevt.time.iso8601" => Field::Time,
            "jevt.rawtime" => Field::RawTime,
            _ => return Err(FieldError::Unknown(name.to_string(), "k8s_audit")),
        })
    }

    /// List semantics of the field.
    pub fn list_kind(&self) -> ListKind {
        match self {
            Field::Path { list: true, .. }
            | Field::Containers { .. }
            | Field::HostPorts(_)
            | Field::Effective(..)
            | Field::RoleRules(..)
            | Field::Volumes(..)
            | Field::ServicePorts(_)
            | Field::VolumeTypes(_) => ListKind::List,
            Field::Images { first: false, .. } => ListKind::List,
            _ => ListKind::Scalar,
        }
    }

    /// Extracts the field from an audit event.
    pub fn extract<'e>(&self, event: &'e Event<'e>) -> Extracted<'e> {
        let root = &event.json;
        match self {
            Field::Path { path, list: false } => Extracted::scalar(root.at(path)),
            Field::Path { path, list: true } => match root.at(path) {
                Some(Json::Array(items)) => {
                    Extracted::List(items.iter().filter_map(Value::from_json).collect())
                }
                _ => Extracted::Missing,
            },
            Field::UriParam(name) => root
                .get("requestURI")
                .and_then(Json::as_str)
                .and_then(|uri| query_param(uri, name))
                .map(|v| Extracted::One(Value::Str(v)))
                .unwrap_or(Extracted::Missing),
            Field::HasName => Extracted::One(Value::Str(Cow::Borrowed("true"))),
            Field::Containers {
                inner,
                index,
                skip_missing,
            } => {
                let Some(cs) = select(root.at(CONTAINERS), *index) else {
                    return Extracted::Missing;
                };
                let mut out = Vec::with_capacity(cs.len());
                for c in cs {
                    match c.at(inner) {
                        Some(Json::Array(items)) => {
                            out.extend(items.iter().filter_map(Value::from_json));
                        }
                        Some(v) if !matches!(v, Json::Null) => {
                            out.extend(Value::from_json(v));
                        }
                        _ if *skip_missing => {}
                        _ => return Extracted::Missing,
                    }
                }
                Extracted::List(out)
            }
            Field::Images {
                repository,
                index,
                first,
            } => {
                let Some(cs) = select(root.at(CONTAINERS), if *first { Some(0) } else { *index })
                else {
                    return Extracted::Missing;
                };
                let mut out = Vec::with_capacity(cs.len());
                for c in cs {
                    let Some(image) = c.get("image").and_then(Json::as_str) else {
                        return Extracted::Missing;
                    };
                    let v = if *repository {
                        let no_tag = image.split(':').next().unwrap_or(image);
                        no_tag.split('@').next().unwrap_or(no_tag)
                    } else {
                        image
                    };
                    out.push(Value::Str(Cow::Borrowed(v)));
                }
                if *first {
                    return out
                        .into_iter()
                        .next()
                        .map(Extracted::One)
                        .unwrap_or(Extracted::Missing);
                }
                Extracted::List(out)
            }
            Field::HostPorts(index) => {
                let Some(cs) = select(root.at(CONTAINERS), *index) else {
                    return Extracted::Missing;
                };
                let mut out = Vec::new();
                for c in cs {
                    for port in c.get("ports").map(Json::items).unwrap_or(&[]) {
                        if let Some(v) = port.get("hostPort").or_else(|| port.get("containerPort"))
                        {
                            out.extend(Value::from_json(v));
                        }
                    }
                }
                Extracted::List(out)
            }
            Field::AnyPrivileged => {
                let Some(cs) = select(root.at(CONTAINERS), None) else {
                    return Extracted::Missing;
                };
                let any = cs.iter().any(|c| {
                    matches!(
                        c.at(&["securityContext", "privileged"]),
                        Some(Json::Bool(true))
                    )
                });
                Extracted::One(Value::Str(Cow::Borrowed(if any {
                    "true"
                } else {
                    "false"
                })))
            }
            Field::Effective(key, index) => {
                let pod = root
                    .at(&["requestObject", "spec", "securityContext", key])
                    .and_then(Value::from_json)
                    .unwrap_or(Value::Str(Cow::Borrowed("0")));
                let Some(cs) = select(root.at(CONTAINERS), *index) else {
                    return Extracted::Missing;
                };
                Extracted::List(
                    cs.iter()
                        .map(|c| {
                            c.at(&["securityContext", key])
                                .and_then(Value::from_json)
                                .unwrap_or_else(|| pod.clone())
                        })
                        .collect(),
                )
            }
            Field::RoleRules(key, index) => {
                let Some(rules) = select(root.at(&["requestObject", "rules"]), *index) else {
                    return Extracted::Missing;
                };
                let mut out = Vec::new();
                for r in rules {
                    if let Some(Json::Array(items)) = r.get(key) {
                        out.extend(items.iter().filter_map(Value::from_json));
                    }
                }
                Extracted::List(out)
            }
            Field::Volumes(inner, index) => {
                let Some(vs) = select(root.at(VOLUMES), *index) else {
                    return Extracted::Missing;
                };
                Extracted::List(
                    vs.iter()
                        .filter_map(|v| v.at(inner))
                        .filter_map(Value::from_json)
                        .collect(),
                )
            }
            Field::ServicePorts(index) => {
                match select(root.at(&["requestObject", "spec", "ports"]), *index) {
                    Some(ports) => {
                        Extracted::List(ports.iter().filter_map(Value::from_json).collect())
                    }
                    None => Extracted::Missing,
                }
            }
            Field::VolumeHostPath(arg) => {
                let Some(vs) = select(root.at(VOLUMES), None) else {
                    return Extracted::Missing;
                };
                let prefix = arg.strip_suffix('*');
                let hit = vs
                    .iter()
                    .filter_map(|v| v.at(&["hostPath", "path"])?.as_str())
                    .any(|p| match prefix {
                        Some(pre) => p.starts_with(pre),
                        None => p == arg,
                    });
                Extracted::One(Value::Str(Cow::Borrowed(if hit {
                    "true"
                } else {
                    "false"
                })))
            }
            Field::VolumeTypes(index) => {
                let Some(vs) = select(root.at(VOLUMES), *index) else {
                    return Extracted::Missing;
                };
                let mut out = Vec::new();
                for v in vs {
                    if let Json::Object(entries) = v {
                        out.extend(
                            entries
                                .iter()
                                .filter(|(k, _)| k != "name")
                                .map(|(k, _)| Value::Str(Cow::Borrowed(k.as_ref()))),
                        );
                    }
                }
                Extracted::List(out)
            }
            Field::Pointer(p) => Extracted::scalar(root.pointer(p)),
            Field::Obj => Extracted::One(Value::Str(Cow::Owned(root.to_json_string()))),
            Field::Time => Extracted::One(Value::Str(Cow::Owned(crate::time::rfc3339(
                event.time_ns(),
            )))),
            Field::RawTime => Extracted::One(Value::Int(event.time_ns())),
        }
    }
}

/// The items of an array, or only item `index`.
fn select<'a, 'e>(arr: Option<&'a Json<'e>>, index: Option<usize>) -> Option<&'a [Json<'e>]> {
    let Some(Json::Array(items)) = arr else {
        return None;
    };
    match index {
        None => Some(items),
        Some(i) => items.get(i..=i),
    }
}

/// The first value of query parameter `name` in a request URI.
fn query_param<'u>(uri: &'u str, name: &str) -> Option<Cow<'u, str>> {
    let query = uri.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    for pair in query.split(['&', ';']) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decode(k) == name {
            return Some(percent_decode(v));
        }
    }
    None
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains(['%', '+']) {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params() {
        let uri =
            "/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c&container=c&stdin=true";
        assert_eq!(query_param(uri, "command").as_deref(), Some("sh"));
        assert_eq!(query_param(uri, "container").as_deref(), Some("c"));
        assert_eq!(query_param(uri, "tty"), None);
        assert_eq!(
            query_param("/x?command=cat%20%2Fetc%2Fshadow", "command").as_deref(),
            Some("cat /etc/shadow")
        );
    }
}

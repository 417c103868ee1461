//! Pod specs: found inside every workload kind, with their containers.
//!
//! Kubernetes decodes a `null` field as absent, so every accessor here treats
//! `null` like a missing key (a check must never treat `privileged: null` as
//! set).

use crate::object::Object;
use palisade_yaml::{Map, Node, Pos};

/// A pod spec and the metadata of the pod (or pod template) around it.
#[derive(Debug, Clone, Copy)]
pub struct Pod<'a> {
    /// The pod spec (`spec` of a Pod, `spec.template.spec` of a Deployment...).
    pub spec: &'a Node,
    /// The pod's metadata (template metadata for workloads), for annotations.
    pub metadata: Option<&'a Node>,
}

/// The lists containers live in, in the order upstream visits them.
pub const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// One container of a pod, whichever list it is in.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    /// The container's mapping.
    pub node: &'a Node,
    /// Its name (empty when missing).
    pub name: &'a str,
    /// The list it is in (`containers`, `initContainers`, `ephemeralContainers`).
    pub list: &'static str,
}

/// A field that is present and not null.
pub fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).filter(|n| !n.is_null())
}

/// A field at a path, every step present and not null.
pub fn field_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, k| field(n, k))
}

/// Where to point for a field at `path` under `node`: the field itself, or
/// the deepest enclosing node that exists.
pub fn pos_at(node: &Node, path: &[&str]) -> Pos {
    let mut cur = node;
    for k in path {
        match field(cur, k) {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur.pos
}

impl<'a> Pod<'a> {
    /// The pod spec of a workload object, for every kind that has one.
    pub fn of(obj: &Object<'a>) -> Option<Pod<'a>> {
        let template_path: &[&str] = match (obj.group(), obj.kind) {
            ("", "Pod") => {
                return Some(Pod {
                    spec: field(obj.root, "spec")?,
                    metadata: obj.metadata(),
                });
            }
            ("", "ReplicationController")
            | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
            | ("batch", "Job") => &["spec", "template"],
            ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template"],
            ("", "PodTemplate") => &["template"],
            _ => return None,
        };
        let template = field_at(obj.root, template_path)?;
        Some(Pod {
            spec: field(template, "spec")?,
            metadata: field(template, "metadata"),
        })
    }

    /// Containers in upstream's visiting order: init, regular, ephemeral.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let spec = self.spec;
        CONTAINER_LISTS.into_iter().flat_map(move |list| {
            field(spec, list)
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter(|n| n.as_map().is_some())
                .map(move |node| Container {
                    node,
                    name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                    list,
                })
        })
    }

    /// `spec.securityContext`.
    pub fn security_context(&self) -> Option<&'a Node> {
        field(self.spec, "securityContext")
    }

    /// A field of `spec.securityContext`.
    pub fn sc(&self, path: &[&str]) -> Option<&'a Node> {
        field_at(self.security_context()?, path)
    }

    /// Where to point for a field of `spec.securityContext`.
    pub fn sc_pos(&self, path: &[&str]) -> Pos {
        match self.security_context() {
            Some(sc) => pos_at(sc, path),
            None => self.spec.pos,
        }
    }

    /// The pod's annotations.
    pub fn annotations(&self) -> Option<&'a Map> {
        field(self.metadata?, "annotations")?.as_map()
    }

    /// `spec.hostUsers` is explicitly false (a user-namespaced pod).
    pub fn host_users_false(&self) -> bool {
        field(self.spec, "hostUsers").and_then(Node::as_bool) == Some(false)
    }

    /// `spec.os.name` is exactly `windows`.
    pub fn is_windows(&self) -> bool {
        field_at(self.spec, &["os", "name"]).and_then(Node::as_str) == Some("windows")
    }
}

impl<'a> Container<'a> {
    /// `securityContext`.
    pub fn security_context(&self) -> Option<&'a Node> {
        field(self.node, "securityContext")
    }

    /// A field of `securityContext`.
    pub fn sc(&self, path: &[&str]) -> Option<&'a Node> {
        field_at(self.security_context()?, path)
    }

    /// Where to point for a field of `securityContext` (the container
    /// itself when `securityContext` is missing).
    pub fn sc_pos(&self, path: &[&str]) -> Pos {
        match self.security_context() {
            Some(sc) => pos_at(sc, path),
            None => self.node.pos,
        }
    }

    /// How messages name the container: `container "web"`,
    /// `init container "setup"`, `ephemeral container "debug"`.
    pub fn describe(&self) -> String {
        let what = match self.list {
            "initContainers" => "init container",
            "ephemeralContainers" => "ephemeral container",
            _ => "container",
        };
        format!("{what} \"{}\"", self.name)
    }
}

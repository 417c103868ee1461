//! Kubernetes objects found in parsed documents: identity, metadata, and
//! `kind: List` expansion.

use palisade_core::Resource;
use palisade_yaml::{Document, Map, Node, Pos};

/// One Kubernetes object of a document (a document, or an item of a List).
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// The object's root mapping.
    pub root: &'a Node,
    /// `apiVersion`.
    pub api_version: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.name` (or `generateName`).
    pub name: Option<&'a str>,
    /// `metadata.namespace`.
    pub namespace: Option<&'a str>,
    /// First line of the object in its file.
    pub start_line: u32,
    /// Last line of the object in its file.
    pub end_line: u32,
}

/// Why a document yields no object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnObject {
    /// The document is a scalar or a sequence, not a mapping.
    NotAMapping(&'static str, Pos),
    /// A mapping without `apiVersion` and `kind`: some other YAML file.
    NotKubernetes,
}

impl<'a> Object<'a> {
    /// The object described by a mapping node, if it has `apiVersion` and `kind`.
    fn from_node(root: &'a Node, start_line: u32, end_line: u32) -> Option<Object<'a>> {
        let kind = root.get("kind")?.as_str()?;
        let api_version = root.get("apiVersion")?.as_str()?;
        let meta = root.get("metadata");
        let name = meta.and_then(|m| {
            m.get("name")
                .or_else(|| m.get("generateName"))
                .and_then(Node::as_str)
        });
        let namespace = meta.and_then(|m| m.get("namespace")).and_then(Node::as_str);
        Some(Object {
            root,
            api_version,
            kind,
            name,
            namespace,
            start_line,
            end_line,
        })
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &'a str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// `metadata`, when present.
    pub fn metadata(&self) -> Option<&'a Node> {
        self.root.get("metadata")
    }

    /// `metadata.labels`, when present.
    pub fn labels(&self) -> Option<&'a Map> {
        self.metadata()?.get("labels")?.as_map()
    }

    /// `metadata.annotations`, when present.
    pub fn annotations(&self) -> Option<&'a Map> {
        self.metadata()?.get("annotations")?.as_map()
    }

    /// The object as a finding's resource.
    pub fn resource(&self) -> Resource {
        Resource {
            kind: self.kind.to_string(),
            namespace: self.namespace.map(str::to_string),
            name: self.name.map(str::to_string),
            container: None,
        }
    }
}

/// The objects of a document: the document itself, or the items of a List.
pub fn objects(doc: &Document) -> Result<Vec<Object<'_>>, NotAnObject> {
    let root = &doc.root;
    if root.as_map().is_none() {
        let what = if root.as_seq().is_some() {
            "a sequence"
        } else {
            "a scalar"
        };
        return Err(NotAnObject::NotAMapping(what, root.pos));
    }
    let Some(obj) = Object::from_node(root, doc.start_line, doc.end_line) else {
        return Err(NotAnObject::NotKubernetes);
    };
    let is_list =
        obj.kind.ends_with("List") && root.get("items").is_some_and(|i| i.as_seq().is_some());
    if !is_list {
        return Ok(vec![obj]);
    }
    let items = root.get("items").map(Node::items).unwrap_or(&[]);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let end = items.get(i + 1).map_or(doc.end_line, |next| {
            next.pos.line.saturating_sub(1).max(item.pos.line)
        });
        if let Some(o) = Object::from_node(item, item.pos.line, end) {
            out.push(o);
        }
    }
    Ok(out)
}

//! `data.inventory`: the referential data Gatekeeper syncs from the
//! cluster, built here from the objects being scanned (or given).
//!
//! Layout, as Gatekeeper's: `cluster[<apiVersion>][<kind>][<name>]` for
//! cluster-scoped objects and
//! `namespace[<namespace>][<apiVersion>][<kind>][<name>]` for the rest.
//! A namespaced object written without a namespace (common in manifests
//! applied with `-n`) is filed under `default`, where `kubectl apply` would
//! put it without `-n`.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Kinds that live outside namespaces (built-in ones and common add-ons).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "ConstraintTemplate",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether objects of `kind` are cluster-scoped.
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

/// The data document with an empty inventory.
pub fn empty() -> regorus::Value {
    regorus::Value::from(json!({"inventory": {"cluster": {}, "namespace": {}}}))
}

/// apiVersion → kind → name → object.
type ByType = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// Objects gathered into an inventory.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    cluster: ByType,
    namespaced: BTreeMap<String, ByType>,
    len: usize,
}

impl Inventory {
    /// Adds an object; objects without apiVersion, kind or name are left out.
    pub fn add(&mut self, object: &Value) {
        let s = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let (api_version, kind, name) = (s("/apiVersion"), s("/kind"), s("/metadata/name"));
        if api_version.is_empty() || kind.is_empty() || name.is_empty() {
            return;
        }
        let tree = if is_cluster_scoped(kind) {
            &mut self.cluster
        } else {
            let ns = match s("/metadata/namespace") {
                "" => "default",
                ns => ns,
            };
            self.namespaced.entry(ns.to_string()).or_default()
        };
        tree.entry(api_version.to_string())
            .or_default()
            .entry(kind.to_string())
            .or_default()
            .insert(name.to_string(), object.clone());
        self.len += 1;
    }

    /// Objects held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no object is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A Namespace held, for `namespaceSelector`.
    pub fn namespace(&self, name: &str) -> Option<crate::matching::NamespaceInfo> {
        let ns = self.cluster.get("v1")?.get("Namespace")?.get(name)?;
        Some(crate::matching::NamespaceInfo {
            name: name.to_string(),
            labels: crate::matching::labels_of(ns),
        })
    }

    /// The data document: `{"inventory": {...}}`.
    pub fn to_data(&self) -> regorus::Value {
        regorus::Value::from(json!({"inventory": {
            "cluster": self.cluster,
            "namespace": self.namespaced,
        }}))
    }
}

/// An inventory of the objects in `paths` (files or directories of YAML or
/// JSON), for the webhook and `palisade admit`, which see no scanned set.
pub fn from_files(paths: &[std::path::PathBuf]) -> Result<Inventory, crate::Issue> {
    let (files, issues) = crate::load::files_under(paths, false);
    if let Some(i) = issues.into_iter().next() {
        return Err(i);
    }
    let mut inventory = Inventory::default();
    for f in files {
        for o in crate::load::objects_in(&f)? {
            inventory.add(&o);
        }
    }
    Ok(inventory)
}

//! `input.review` as Gatekeeper builds it, from a stored object (a scan,
//! a suite case) or from an admission request.
//!
//! The shape is the AdmissionRequest's: `kind` (group, version, kind),
//! `name`, `namespace`, `operation`, `userInfo`, `object`, `oldObject`,
//! `dryRun`, plus `_unstable.namespace` (the object's Namespace) when it
//! is known. Objects from files are reviewed as a CREATE by no user, as
//! `gator test` does.

use crate::matching::{NamespaceInfo, Target, labels_of};
use serde_json::{Map, Value, json};

/// One object to judge, with what the request says about it.
#[derive(Debug, Clone)]
pub struct Review {
    /// The Rego `input.review`, converted once and shared by every
    /// constraint evaluated on it.
    pub(crate) input: regorus::Value,
    /// What `spec.match` looks at.
    pub target: Target,
}

/// The parts of an admission request a review is built from.
#[derive(Debug, Clone, Default)]
pub struct RequestParts {
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    pub operation: String,
    /// Group, version and kind, as the request names them.
    pub group: String,
    /// Version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// The request's object name (may be empty, as for generateName).
    pub name: String,
    /// The request's namespace.
    pub namespace: String,
    /// The request's uid.
    pub uid: String,
    /// The requesting user, as the request gives it.
    pub user_info: Value,
    /// Whether the request is a dry run.
    pub dry_run: bool,
    /// The new object (absent for DELETE).
    pub object: Option<Value>,
    /// The stored object (UPDATE, DELETE).
    pub old_object: Option<Value>,
}

/// `(group, version)` of an `apiVersion`.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl Review {
    /// A stored object reviewed as a CREATE (scans and suites).
    pub fn of_object(object: Value, namespace: Option<NamespaceInfo>) -> Review {
        let str_at = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let (group, version) = split_api_version(str_at("/apiVersion"));
        let parts = RequestParts {
            operation: "CREATE".into(),
            group: group.to_string(),
            version: version.to_string(),
            kind: str_at("/kind").to_string(),
            name: str_at("/metadata/name").to_string(),
            namespace: str_at("/metadata/namespace").to_string(),
            user_info: json!({}),
            ..RequestParts::default()
        };
        Review::of_request(
            RequestParts {
                object: Some(object),
                ..parts
            },
            namespace,
        )
    }

    /// An admission request. The object judged for labels is `object`, or
    /// `oldObject` when there is none (DELETE).
    pub fn of_request(parts: RequestParts, namespace: Option<NamespaceInfo>) -> Review {
        let judged = parts.object.as_ref().or(parts.old_object.as_ref());
        let name = if parts.name.is_empty() {
            judged
                .and_then(|o| o.pointer("/metadata/name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        } else {
            parts.name.clone()
        };
        let target = Target {
            group: parts.group.clone(),
            kind: parts.kind.clone(),
            name: name.clone(),
            namespace: parts.namespace.clone(),
            labels: judged.map(labels_of).unwrap_or_default(),
            namespace_info: namespace.clone(),
        };
        let mut review = Map::new();
        review.insert(
            "kind".into(),
            json!({"group": parts.group, "version": parts.version, "kind": parts.kind}),
        );
        review.insert("name".into(), Value::String(name));
        review.insert("namespace".into(), Value::String(parts.namespace));
        review.insert("operation".into(), Value::String(parts.operation));
        review.insert("userInfo".into(), parts.user_info);
        review.insert("dryRun".into(), Value::Bool(parts.dry_run));
        if !parts.uid.is_empty() {
            review.insert("uid".into(), Value::String(parts.uid));
        }
        if let Some(o) = parts.object {
            review.insert("object".into(), o);
        }
        if let Some(o) = parts.old_object {
            review.insert("oldObject".into(), o);
        }
        if let Some(ns) = namespace {
            review.insert(
                "_unstable".into(),
                json!({"namespace": {
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {"name": ns.name, "labels": ns.labels},
                }}),
            );
        }
        Review {
            input: regorus::Value::from(Value::Object(review)),
            target,
        }
    }

    /// The review's `AdmissionReview`-shaped JSON (for messages and tests).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.input).unwrap_or(Value::Null)
    }
}

/// The request inside an `AdmissionReview` document, as [`RequestParts`].
pub fn parts_of_admission_review(doc: &Value) -> Result<RequestParts, String> {
    let req = doc
        .get("request")
        .filter(|r| r.is_object())
        .ok_or("the AdmissionReview has no request")?;
    let s = |p: &str| {
        req.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let object = req.get("object").filter(|o| !o.is_null()).cloned();
    let old_object = req.get("oldObject").filter(|o| !o.is_null()).cloned();
    if object.is_none() && old_object.is_none() {
        return Err("the AdmissionReview's request has neither object nor oldObject".into());
    }
    Ok(RequestParts {
        operation: match s("/operation") {
            o if o.is_empty() => "CREATE".into(),
            o => o,
        },
        group: s("/kind/group"),
        version: s("/kind/version"),
        kind: s("/kind/kind"),
        name: s("/name"),
        namespace: s("/namespace"),
        uid: s("/uid"),
        user_info: req.get("userInfo").cloned().unwrap_or_else(|| json!({})),
        dry_run: req.get("dryRun").and_then(Value::as_bool).unwrap_or(false),
        object,
        old_object,
    })
}

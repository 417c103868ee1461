//! `palisade admit`: a file holding a bare object or a whole
//! AdmissionReview becomes the request the API server would send.

use crate::review::{self, ApiVersion, Request};
use palisade_yaml::{Limits, Node, parse_stream};
use serde_json::{Value, json};

/// What the caller says about a bare object.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// `CREATE` (default) or `UPDATE`.
    pub operation: Option<String>,
    /// Overrides the object's `metadata.namespace`.
    pub namespace: Option<String>,
    /// The requesting user.
    pub user: Option<String>,
}

/// A YAML or JSON tree as JSON.
pub fn to_json(node: &Node) -> Value {
    node.to_json()
}

/// Reads the first document of `text` (`path` names it in errors).
pub fn read_document(path: &str, text: &str) -> Result<Value, String> {
    let stream = parse_stream(text, &Limits::default());
    if let Some(e) = stream.errors.first() {
        return Err(format!("{path}:{}:{}: {}", e.pos.line, e.pos.col, e.kind));
    }
    match stream.documents.as_slice() {
        [doc] => Ok(to_json(&doc.root)),
        [] => Err(format!("{path}: no document")),
        _ => Err(format!(
            "{path}: {} documents; `palisade admit` judges one object per file",
            stream.documents.len()
        )),
    }
}

/// The request for `document` (a bare object or an AdmissionReview), with
/// `old` as the stored object of an UPDATE.
pub fn request(
    document: Value,
    old: Option<Value>,
    options: &RequestOptions,
) -> Result<(ApiVersion, Request), String> {
    if document.get("kind").and_then(Value::as_str) == Some("AdmissionReview") {
        let bytes = serde_json::to_vec(&document).map_err(|e| e.to_string())?;
        return review::parse(&bytes).map_err(|e| e.to_string());
    }
    let api_version = document
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or("the object has no apiVersion")?;
    let kind = document
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("the object has no kind")?;
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let meta = document.get("metadata");
    let name = meta
        .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
        .cloned()
        .unwrap_or(Value::Null);
    let namespace = match &options.namespace {
        Some(ns) => Value::String(ns.clone()),
        None => meta
            .and_then(|m| m.get("namespace"))
            .cloned()
            .unwrap_or_else(|| {
                if kind == "Namespace" {
                    Value::String(String::new())
                } else {
                    Value::String("default".to_string())
                }
            }),
    };
    let operation = options
        .operation
        .clone()
        .unwrap_or_else(|| if old.is_some() { "UPDATE" } else { "CREATE" }.to_string())
        .to_ascii_uppercase();
    let mut req = json!({
        "uid": "palisade-admit",
        "kind": {"group": group, "version": version, "kind": kind},
        "name": name,
        "namespace": namespace,
        "operation": operation,
        "userInfo": {"username": options.user.clone().unwrap_or_else(|| "palisade-admit".to_string())},
        "object": document,
    });
    if let Some(old) = old
        && let Some(r) = req.as_object_mut()
    {
        r.insert("oldObject".to_string(), old);
    }
    let review =
        json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req});
    let bytes = serde_json::to_vec(&review).map_err(|e| e.to_string())?;
    review::parse(&bytes).map_err(|e| e.to_string())
}

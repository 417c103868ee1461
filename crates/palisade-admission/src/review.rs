//! `AdmissionReview` envelopes, `admission.k8s.io/v1` and `v1beta1`.
//!
//! The two versions share one shape; a response is written in the version
//! its request arrived in. The admitted objects stay raw JSON text: the
//! engine parses them exactly as it parses a `.json` manifest.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// Largest request body read, in bytes (the API server's own request limit
/// is 3 MiB; an AdmissionReview carries the object twice on UPDATE).
pub const MAX_BODY_BYTES: usize = 7 * 1024 * 1024;

/// The AdmissionReview API version a request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `admission.k8s.io/v1`.
    V1,
    /// `admission.k8s.io/v1beta1`.
    V1Beta1,
}

impl ApiVersion {
    /// The `apiVersion` string.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "admission.k8s.io/v1",
            ApiVersion::V1Beta1 => "admission.k8s.io/v1beta1",
        }
    }
}

/// The operation under review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    /// Create.
    Create,
    /// Update.
    Update,
    /// Delete.
    Delete,
    /// Connect (exec, attach, port-forward...).
    Connect,
}

impl Operation {
    /// The operation's name as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

/// Group, version and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct GroupVersionKind {
    /// API group (`""` for core).
    #[serde(default)]
    pub group: String,
    /// Version.
    #[serde(default)]
    pub version: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
}

/// Who sent the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserInfo {
    /// User name (`system:serviceaccount:NS:NAME` for service accounts).
    #[serde(default)]
    pub username: String,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// An `AdmissionRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Copied into the response.
    pub uid: String,
    /// The object's kind.
    #[serde(default)]
    pub kind: GroupVersionKind,
    /// The subresource, if any (`status`, `ephemeralcontainers`...).
    #[serde(default)]
    pub sub_resource: Option<String>,
    /// The object's name (may be empty on CREATE with generateName).
    #[serde(default)]
    pub name: Option<String>,
    /// The object's namespace (empty for cluster-scoped objects).
    #[serde(default)]
    pub namespace: Option<String>,
    /// The operation.
    pub operation: Operation,
    /// The requester.
    #[serde(default)]
    pub user_info: UserInfo,
    /// The object as it would be stored (CREATE, UPDATE).
    #[serde(default)]
    pub object: Option<Box<RawValue>>,
    /// The object as it is stored (UPDATE, DELETE).
    #[serde(default)]
    pub old_object: Option<Box<RawValue>>,
    /// A dry run: nothing will be persisted.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

impl Request {
    /// The namespace, `""` for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    /// The name, `""` when not yet known.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Whether this is a dry run.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run.unwrap_or(false)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    api_version: Option<String>,
    kind: Option<String>,
    request: Option<Request>,
}

/// Why a body is not an AdmissionReview request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// Larger than [`MAX_BODY_BYTES`].
    #[error("request body of {0} bytes exceeds the {MAX_BODY_BYTES}-byte limit")]
    TooLarge(usize),
    /// Not JSON, or JSON of the wrong shape.
    #[error("malformed AdmissionReview: {0}")]
    Malformed(String),
    /// Some other kind or API version.
    #[error("expected kind AdmissionReview in admission.k8s.io/v1 or v1beta1, got {0}")]
    NotAReview(String),
    /// No `request`.
    #[error("AdmissionReview has no request")]
    NoRequest,
}

/// Parses a request body.
pub fn parse(body: &[u8]) -> Result<(ApiVersion, Request), ReviewError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ReviewError::TooLarge(body.len()));
    }
    // serde_json's recursion limit (128) bounds nesting; raw objects are
    // checked again, with the engine's limits, when they are evaluated.
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| ReviewError::Malformed(e.to_string()))?;
    let api_version = match envelope.api_version.as_deref() {
        Some("admission.k8s.io/v1") => ApiVersion::V1,
        Some("admission.k8s.io/v1beta1") => ApiVersion::V1Beta1,
        other => {
            return Err(ReviewError::NotAReview(format!(
                "apiVersion {}",
                other.unwrap_or("(none)")
            )));
        }
    };
    if envelope.kind.as_deref() != Some("AdmissionReview") {
        return Err(ReviewError::NotAReview(format!(
            "kind {}",
            envelope.kind.as_deref().unwrap_or("(none)")
        )));
    }
    let request = envelope.request.ok_or(ReviewError::NoRequest)?;
    Ok((api_version, request))
}

/// A `metav1.Status` for a denial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Always `Failure` for a denial.
    pub status: String,
    /// Human-readable explanation.
    pub message: String,
    /// Machine-readable reason (`Forbidden`, `Invalid`, `BadRequest`).
    pub reason: String,
    /// HTTP status code (403, 422, 400).
    pub code: u16,
}

/// An `AdmissionResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// The request's uid.
    pub uid: String,
    /// Admitted or not.
    pub allowed: bool,
    /// Why not.
    pub status: Option<Status>,
    /// Warnings shown to the client.
    pub warnings: Vec<String>,
    /// Recorded in the API server's audit log, prefixed with the webhook's
    /// name.
    pub audit_annotations: BTreeMap<String, String>,
    /// A JSONPatch (RFC 6902) document, for the mutating webhook.
    pub patch: Option<Vec<u8>>,
}

impl Response {
    /// An admission with nothing to say.
    pub fn allow(uid: &str) -> Response {
        Response {
            uid: uid.to_string(),
            allowed: true,
            ..Response::default()
        }
    }

    /// A denial with a status.
    pub fn deny(uid: &str, code: u16, reason: &str, message: String) -> Response {
        Response {
            uid: uid.to_string(),
            allowed: false,
            status: Some(Status {
                status: "Failure".to_string(),
                message,
                reason: reason.to_string(),
                code,
            }),
            ..Response::default()
        }
    }

    /// The full AdmissionReview carrying this response, in `version`.
    pub fn to_review(&self, version: ApiVersion) -> serde_json::Value {
        let mut response = serde_json::Map::new();
        response.insert("uid".into(), self.uid.clone().into());
        response.insert("allowed".into(), self.allowed.into());
        if let Some(status) = &self.status
            && let Ok(v) = serde_json::to_value(status)
        {
            response.insert("status".into(), v);
        }
        if !self.warnings.is_empty() {
            response.insert("warnings".into(), self.warnings.clone().into());
        }
        if !self.audit_annotations.is_empty() {
            let map: serde_json::Map<String, serde_json::Value> = self
                .audit_annotations
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            response.insert("auditAnnotations".into(), map.into());
        }
        if let Some(patch) = &self.patch {
            response.insert("patchType".into(), "JSONPatch".into());
            response.insert(
                "patch".into(),
                base64::engine::general_purpose::STANDARD
                    .encode(patch)
                    .into(),
            );
        }
        serde_json::json!({
            "apiVersion": version.as_str(),
            "kind": "AdmissionReview",
            "response": response,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn parses_both_versions_and_answers_in_kind() {
        for (v, api) in [
            ("admission.k8s.io/v1", ApiVersion::V1),
            ("admission.k8s.io/v1beta1", ApiVersion::V1Beta1),
        ] {
            let body = format!(
                r#"{{"apiVersion":"{v}","kind":"AdmissionReview","request":{{"uid":"u1","operation":"CREATE","object":{{"a":1}}}}}}"#
            );
            let (got, req) = parse(body.as_bytes()).unwrap();
            assert_eq!(got, api);
            assert_eq!(req.uid, "u1");
            assert_eq!(req.object.unwrap().get(), r#"{"a":1}"#);
            let out = Response::allow("u1").to_review(got);
            assert_eq!(out["apiVersion"], v);
            assert_eq!(out["response"]["uid"], "u1");
        }
    }

    #[test]
    fn rejects_what_is_not_a_review() {
        assert!(matches!(parse(b"{"), Err(ReviewError::Malformed(_))));
        assert!(matches!(
            parse(br#"{"apiVersion":"v1","kind":"Pod"}"#),
            Err(ReviewError::NotAReview(_))
        ));
        assert!(matches!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#),
            Err(ReviewError::NoRequest)
        ));
        let deep = "[".repeat(100_000);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(ReviewError::Malformed(_))
        ));
    }
}

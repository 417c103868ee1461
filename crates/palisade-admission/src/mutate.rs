//! Safe defaults as a JSONPatch, for namespaces that opt in.
//!
//! Only fields the user left unset are added, never changed:
//! - `seccompProfile: RuntimeDefault` on the pod security context;
//! - `allowPrivilegeEscalation: false` on each container, except privileged
//!   ones and those adding `SYS_ADMIN` (the API server rejects the pair);
//! - `capabilities.drop: [ALL]` on each container;
//! - `runAsNonRoot: true` on the pod, unless a `runAsUser: 0` pins root
//!   somewhere (then the pod could never start);
//! - `automountServiceAccountToken: false`, when the pod uses the default
//!   service account and neither projects nor mounts a token.
//!
//! Windows pods (`spec.os.name: windows`) get only the last two: the API
//! server forbids the Linux-only fields on them.

use serde_json::{Value, json};

/// Where service account tokens are mounted.
const TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The JSONPatch operations that add the safe defaults to `object` (empty
/// when it has no pod template or already sets everything).
pub fn safe_defaults(object: &Value) -> Vec<Value> {
    let mut ops = Vec::new();
    let Some((base, pod)) = crate::template::of(object) else {
        return ops;
    };
    let Some(spec) = pod.get("spec").filter(|s| s.is_object()) else {
        return ops;
    };
    let spec_ptr = format!("{base}/spec");
    let windows = spec.pointer("/os/name").and_then(Value::as_str) == Some("windows");
    let containers = |list: &'static str| {
        spec.get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, c)| (list, i, c))
    };
    let all: Vec<(&str, usize, &Value)> = containers("initContainers")
        .chain(containers("containers"))
        .collect();

    // The pod security context.
    let psc = spec.get("securityContext");
    let mut pod_fields = serde_json::Map::new();
    let unset =
        |ctx: Option<&Value>, key: &str| ctx.and_then(|c| c.get(key)).is_none_or(Value::is_null);
    if !windows && unset(psc, "seccompProfile") {
        pod_fields.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
    }
    let root_pinned = std::iter::once(psc)
        .chain(all.iter().map(|(_, _, c)| c.get("securityContext")))
        .any(|ctx| ctx.and_then(|c| c.get("runAsUser")).and_then(Value::as_i64) == Some(0));
    if !root_pinned && unset(psc, "runAsNonRoot") {
        pod_fields.insert("runAsNonRoot".into(), Value::Bool(true));
    }
    add_fields(
        &mut ops,
        &format!("{spec_ptr}/securityContext"),
        psc,
        pod_fields,
    );

    // Each container's security context.
    if !windows {
        for (list, i, c) in &all {
            let sc = c.get("securityContext");
            let mut fields = serde_json::Map::new();
            let privileged = sc
                .and_then(|s| s.get("privileged"))
                .and_then(Value::as_bool)
                == Some(true);
            let adds_sys_admin = sc
                .and_then(|s| s.pointer("/capabilities/add"))
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter()
                        .any(|c| matches!(c.as_str(), Some("SYS_ADMIN" | "CAP_SYS_ADMIN")))
                });
            if !privileged && !adds_sys_admin && unset(sc, "allowPrivilegeEscalation") {
                fields.insert("allowPrivilegeEscalation".into(), Value::Bool(false));
            }
            let caps = sc
                .and_then(|s| s.get("capabilities"))
                .filter(|c| !c.is_null());
            match caps {
                None => {
                    fields.insert("capabilities".into(), json!({"drop": ["ALL"]}));
                }
                Some(caps) if unset(Some(caps), "drop") && caps.is_object() => {
                    ops.push(json!({"op": "add",
                        "path": format!("{spec_ptr}/{list}/{i}/securityContext/capabilities/drop"),
                        "value": ["ALL"]}));
                }
                Some(_) => {}
            }
            add_fields(
                &mut ops,
                &format!("{spec_ptr}/{list}/{i}/securityContext"),
                sc,
                fields,
            );
        }
    }

    // The service account token.
    let sa = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let projects_token = spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.pointer("/projected/sources").and_then(Value::as_array))
        .flatten()
        .any(|s| s.get("serviceAccountToken").is_some());
    let mounts_token = all.iter().any(|(_, _, c)| {
        c.get("volumeMounts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|m| {
                m.get("mountPath")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.starts_with(TOKEN_PATH))
            })
    });
    if unset(Some(spec), "automountServiceAccountToken")
        && (sa.is_empty() || sa == "default")
        && !projects_token
        && !mounts_token
    {
        ops.push(json!({"op": "add",
            "path": format!("{spec_ptr}/automountServiceAccountToken"), "value": false}));
    }
    ops
}

/// Adds `fields` to the object at `ptr`: as one new object when it does
/// not exist (or is null), else field by field.
fn add_fields(
    ops: &mut Vec<Value>,
    ptr: &str,
    existing: Option<&Value>,
    fields: serde_json::Map<String, Value>,
) {
    if fields.is_empty() {
        return;
    }
    match existing {
        None | Some(Value::Null) => {
            ops.push(json!({"op": "add", "path": ptr, "value": Value::Object(fields)}));
        }
        Some(Value::Object(_)) => {
            for (k, v) in fields {
                ops.push(json!({"op": "add", "path": format!("{ptr}/{k}"), "value": v}));
            }
        }
        // Not an object: the API server rejects it; leave it as it is.
        Some(_) => {}
    }
}

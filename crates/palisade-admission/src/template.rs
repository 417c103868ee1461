//! Where an object keeps its pod template, on the JSON the API server sends.
//! The same kinds as the scanner's `Pod::of`.

use serde_json::Value;

/// JSON pointer to the pod (template) holding `metadata` and `spec`:
/// `""` for a Pod itself. `None` for kinds without a pod template.
pub fn pointer(group: &str, kind: &str) -> Option<&'static str> {
    match (group, kind) {
        ("", "Pod") => Some(""),
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job") => Some("/spec/template"),
        ("batch", "CronJob") => Some("/spec/jobTemplate/spec/template"),
        ("", "PodTemplate") => Some("/template"),
        _ => None,
    }
}

/// The API group of an `apiVersion` (`""` for core).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The pod template of an object, with the pointer to it.
pub fn of(object: &Value) -> Option<(&'static str, &Value)> {
    let api_version = object.get("apiVersion")?.as_str()?;
    let kind = object.get("kind")?.as_str()?;
    let ptr = pointer(group_of(api_version), kind)?;
    Some((ptr, object.pointer(ptr)?))
}

/// Whether an UPDATE changes anything the pod rules judge.
///
/// For a Pod, as upstream Pod Security Admission decides it: most of a
/// pod's spec is immutable, so only a changed container count, a changed
/// image, or an added ephemeral container counts. For a workload, any
/// change to its pod template (metadata or spec). Objects without a pod
/// template are always judged.
pub fn significant_update(object: &Value, old: &Value) -> bool {
    let Some((ptr, new_pod)) = of(object) else {
        return true;
    };
    let Some(old_pod) = old.pointer(ptr) else {
        return true;
    };
    if !ptr.is_empty() {
        return new_pod != old_pod;
    }
    let list = |pod: &Value, name: &str| -> Vec<Value> {
        pod.pointer(&format!("/spec/{name}"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let image = |c: &Value| c.get("image").cloned();
    for name in ["containers", "initContainers"] {
        let (new, old) = (list(new_pod, name), list(old_pod, name));
        if new.len() != old.len() || new.iter().zip(&old).any(|(n, o)| image(n) != image(o)) {
            return true;
        }
    }
    let old_ephemeral = list(old_pod, "ephemeralContainers");
    list(new_pod, "ephemeralContainers").iter().any(|c| {
        let name = c.get("name");
        match old_ephemeral.iter().find(|o| o.get("name") == name) {
            None => true,
            Some(o) => image(o) != image(c),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_updates_that_only_touch_mutable_metadata_are_not_significant() {
        let old = json!({"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"1"}},
            "spec":{"containers":[{"name":"c","image":"x:1"}]}});
        let mut new = old.clone();
        new["metadata"]["labels"]["a"] = json!("2");
        assert!(!significant_update(&new, &old));
        new["spec"]["containers"][0]["image"] = json!("x:2");
        assert!(significant_update(&new, &old));
        let mut eph = old.clone();
        eph["spec"]["ephemeralContainers"] = json!([{"name":"debug","image":"busybox"}]);
        assert!(significant_update(&eph, &old));
        assert!(!significant_update(&eph, &eph));
    }

    #[test]
    fn workload_updates_count_when_the_template_changes() {
        let old = json!({"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":1,
            "template":{"spec":{"containers":[{"name":"c","image":"x"}]}}}});
        let mut scaled = old.clone();
        scaled["spec"]["replicas"] = json!(5);
        assert!(!significant_update(&scaled, &old));
        let mut changed = old.clone();
        changed["spec"]["template"]["spec"]["hostNetwork"] = json!(true);
        assert!(significant_update(&changed, &old));
        let ns = json!({"apiVersion":"v1","kind":"Namespace"});
        assert!(significant_update(&ns, &ns));
    }
}

//! A constraint's `spec.match`: which objects it applies to, with
//! Gatekeeper's semantics.
//!
//! Every criterion given must hold. `kinds` matches when any entry matches
//! (an empty or `*` list of groups or kinds matches any). `namespaces` and
//! `excludedNamespaces` take names with a `*` at the front or end; a
//! Namespace is matched by its own name, and an object without a namespace
//! (cluster-scoped, or namespaced but written without one, as in CI) is
//! not disqualified by them. `namespaceSelector` reads the labels of the
//! object's namespace (a Namespace's own labels); it matches cluster-scoped
//! objects, and is an error for a namespaced object whose Namespace is not
//! known. `scope` is `*`, `Cluster` or `Namespaced`; other values match
//! everything, as upstream.

use palisade_core::admission::wildcard;
use serde_json::Value;
use std::collections::BTreeMap;

/// The labels of an object or namespace.
pub type Labels = BTreeMap<String, String>;

/// A Namespace as matching needs it: its name and labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamespaceInfo {
    /// The namespace's name.
    pub name: String,
    /// Its labels.
    pub labels: Labels,
}

/// What matching looks at in a review.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// API group (`""` for the core group).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Object name.
    pub name: String,
    /// The namespace the object declares (or the request names).
    pub namespace: String,
    /// The object's labels.
    pub labels: Labels,
    /// The object's Namespace, when known.
    pub namespace_info: Option<NamespaceInfo>,
}

impl Target {
    fn is_namespace(&self) -> bool {
        self.group.is_empty() && self.kind == "Namespace"
    }

    /// The namespace `namespaces`/`excludedNamespaces` judge, if any.
    fn judged_namespace(&self) -> Option<&str> {
        if self.is_namespace() {
            Some(&self.name)
        } else if let Some(ns) = &self.namespace_info {
            Some(&ns.name)
        } else if !self.namespace.is_empty() {
            Some(&self.namespace)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Default)]
struct KindSelector {
    groups: Vec<String>,
    kinds: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Scope {
    #[default]
    Any,
    Cluster,
    Namespaced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone)]
struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

/// A Kubernetes label selector: `matchLabels` and `matchExpressions`, ANDed.
#[derive(Debug, Clone, Default)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses a `metav1.LabelSelector`.
    pub fn parse(v: &Value) -> Result<LabelSelector, String> {
        let Some(map) = v.as_object() else {
            return Err("a label selector must be a mapping".into());
        };
        let mut requirements = Vec::new();
        for (key, _) in map {
            if key != "matchLabels" && key != "matchExpressions" {
                return Err(format!("unknown label selector field `{key}`"));
            }
        }
        if let Some(labels) = map.get("matchLabels").filter(|l| !l.is_null()) {
            let Some(labels) = labels.as_object() else {
                return Err("matchLabels must be a mapping".into());
            };
            for (k, val) in labels {
                let Some(val) = val.as_str() else {
                    return Err(format!("matchLabels `{k}` must be a string"));
                };
                requirements.push(Requirement {
                    key: k.clone(),
                    operator: Operator::In,
                    values: vec![val.to_string()],
                });
            }
        }
        if let Some(exprs) = map.get("matchExpressions").filter(|e| !e.is_null()) {
            let Some(exprs) = exprs.as_array() else {
                return Err("matchExpressions must be a list".into());
            };
            for e in exprs {
                requirements.push(requirement(e)?);
            }
        }
        Ok(LabelSelector { requirements })
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.operator {
                Operator::In => value.is_some_and(|v| r.values.contains(v)),
                Operator::NotIn => value.is_none_or(|v| !r.values.contains(v)),
                Operator::Exists => value.is_some(),
                Operator::DoesNotExist => value.is_none(),
            }
        })
    }
}

fn requirement(e: &Value) -> Result<Requirement, String> {
    let key = e
        .get("key")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or("a matchExpressions entry needs a key")?;
    let op = e.get("operator").and_then(Value::as_str).unwrap_or("");
    let operator = match op {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        other => {
            return Err(format!(
                "matchExpressions `{key}`: unknown operator `{other}` (In, NotIn, Exists or DoesNotExist)"
            ));
        }
    };
    let values: Vec<String> = match e.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("matchExpressions `{key}`: values must be strings"))?,
        Some(_) => return Err(format!("matchExpressions `{key}`: values must be a list")),
    };
    let needs_values = matches!(operator, Operator::In | Operator::NotIn);
    if needs_values && values.is_empty() {
        return Err(format!(
            "matchExpressions `{key}`: {op} needs at least one value"
        ));
    }
    if !needs_values && !values.is_empty() {
        return Err(format!("matchExpressions `{key}`: {op} takes no values"));
    }
    Ok(Requirement {
        key: key.to_string(),
        operator,
        values,
    })
}

/// A parsed `spec.match`.
#[derive(Debug, Clone, Default)]
pub struct Match {
    kinds: Vec<KindSelector>,
    scope: Scope,
    namespaces: Vec<String>,
    excluded_namespaces: Vec<String>,
    label_selector: Option<LabelSelector>,
    namespace_selector: Option<LabelSelector>,
    name: Option<String>,
}

fn strings(v: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("{what} must be a list of strings")),
        Some(_) => Err(format!("{what} must be a list of strings")),
    }
}

impl Match {
    /// Parses `spec.match` (absent or null: everything matches).
    pub fn parse(v: Option<&Value>) -> Result<Match, String> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(Match::default());
        };
        let Some(map) = v.as_object() else {
            return Err("spec.match must be a mapping".into());
        };
        let mut m = Match::default();
        for (key, value) in map {
            match key.as_str() {
                "kinds" => {
                    let items = match value {
                        Value::Null => Vec::new(),
                        Value::Array(a) => a.clone(),
                        _ => return Err("match.kinds must be a list".into()),
                    };
                    for k in &items {
                        m.kinds.push(KindSelector {
                            groups: strings(k.get("apiGroups"), "match.kinds[].apiGroups")?,
                            kinds: strings(k.get("kinds"), "match.kinds[].kinds")?,
                        });
                    }
                }
                "scope" => {
                    m.scope = match value.as_str().unwrap_or("*") {
                        "Cluster" => Scope::Cluster,
                        "Namespaced" => Scope::Namespaced,
                        _ => Scope::Any,
                    }
                }
                "namespaces" => m.namespaces = strings(Some(value), "match.namespaces")?,
                "excludedNamespaces" => {
                    m.excluded_namespaces = strings(Some(value), "match.excludedNamespaces")?
                }
                "labelSelector" if !value.is_null() => {
                    m.label_selector = Some(
                        LabelSelector::parse(value)
                            .map_err(|e| format!("match.labelSelector: {e}"))?,
                    )
                }
                "namespaceSelector" if !value.is_null() => {
                    m.namespace_selector = Some(
                        LabelSelector::parse(value)
                            .map_err(|e| format!("match.namespaceSelector: {e}"))?,
                    )
                }
                "name" => m.name = value.as_str().filter(|n| !n.is_empty()).map(str::to_string),
                // Gatekeeper's expansion `source` and other fields do not
                // change which stored objects match.
                _ => {}
            }
        }
        Ok(m)
    }

    /// Whether the constraint applies to `t`. An error when a criterion
    /// cannot be decided (a namespace selector without the Namespace).
    pub fn matches(&self, t: &Target) -> Result<bool, String> {
        Ok(self.kinds_match(t)
            && self.scope_matches(t)
            && self.namespaces_match(t)
            && self.name.as_ref().is_none_or(|n| wildcard(n, &t.name))
            && self
                .label_selector
                .as_ref()
                .is_none_or(|s| s.matches(&t.labels))
            && self.namespace_selector_matches(t)?)
    }

    fn kinds_match(&self, t: &Target) -> bool {
        let any =
            |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == "*" || x == v);
        self.kinds.is_empty()
            || self
                .kinds
                .iter()
                .any(|k| any(&k.kinds, &t.kind) && any(&k.groups, &t.group))
    }

    fn scope_matches(&self, t: &Target) -> bool {
        let has_namespace = !t.namespace.is_empty() || t.namespace_info.is_some();
        match self.scope {
            Scope::Any => true,
            Scope::Cluster => t.is_namespace() || !has_namespace,
            Scope::Namespaced => !t.is_namespace() && has_namespace,
        }
    }

    fn namespaces_match(&self, t: &Target) -> bool {
        let Some(ns) = t.judged_namespace() else {
            return true;
        };
        (self.namespaces.is_empty() || self.namespaces.iter().any(|p| wildcard(p, ns)))
            && !self.excluded_namespaces.iter().any(|p| wildcard(p, ns))
    }

    fn namespace_selector_matches(&self, t: &Target) -> Result<bool, String> {
        let Some(selector) = &self.namespace_selector else {
            return Ok(true);
        };
        if t.is_namespace() {
            return Ok(selector.matches(&t.labels));
        }
        match &t.namespace_info {
            Some(ns) => Ok(selector.matches(&ns.labels)),
            None if t.namespace.is_empty() => Ok(true),
            None => Err(format!(
                "the constraint has a namespaceSelector but Namespace `{}` is not known",
                t.namespace
            )),
        }
    }
}

/// The string labels of an object's `metadata.labels`.
pub fn labels_of(object: &Value) -> Labels {
    object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn target(kind: &str, ns: &str, labels: &[(&str, &str)]) -> Target {
        Target {
            group: String::new(),
            kind: kind.into(),
            name: "web-1".into(),
            namespace: ns.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            namespace_info: None,
        }
    }

    #[test]
    fn kinds_groups_and_wildcards() {
        let m = Match::parse(Some(
            &json!({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]}),
        ))
        .unwrap();
        let mut d = target("Deployment", "", &[]);
        assert!(!m.matches(&d).unwrap(), "core group is not apps");
        d.group = "apps".into();
        assert!(m.matches(&d).unwrap());
        let any =
            Match::parse(Some(&json!({"kinds": [{"apiGroups": ["*"], "kinds": []}]}))).unwrap();
        assert!(any.matches(&target("Pod", "", &[])).unwrap());
    }

    #[test]
    fn namespaces_prefix_suffix_and_cluster_scope() {
        let m = Match::parse(Some(
            &json!({"namespaces": ["team-*"], "excludedNamespaces": ["*-sandbox"]}),
        ))
        .unwrap();
        assert!(m.matches(&target("Pod", "team-a", &[])).unwrap());
        assert!(!m.matches(&target("Pod", "team-a-sandbox", &[])).unwrap());
        assert!(!m.matches(&target("Pod", "prod", &[])).unwrap());
        // No namespace to judge: not disqualified.
        assert!(m.matches(&target("ClusterRole", "", &[])).unwrap());
        // A Namespace is judged by its own name.
        let mut ns = target("Namespace", "", &[]);
        ns.name = "prod".into();
        assert!(!m.matches(&ns).unwrap());
    }

    #[test]
    fn selectors() {
        let m = Match::parse(Some(&json!({"labelSelector": {
            "matchLabels": {"tier": "web"},
            "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]},
                                 {"key": "legacy", "operator": "DoesNotExist"}]}})))
        .unwrap();
        assert!(m.matches(&target("Pod", "a", &[("tier", "web")])).unwrap());
        assert!(
            m.matches(&target("Pod", "a", &[("tier", "web"), ("env", "prod")]))
                .unwrap()
        );
        assert!(
            !m.matches(&target("Pod", "a", &[("tier", "web"), ("env", "dev")]))
                .unwrap()
        );
        assert!(
            !m.matches(&target("Pod", "a", &[("tier", "web"), ("legacy", "")]))
                .unwrap()
        );
        assert!(!m.matches(&target("Pod", "a", &[])).unwrap());
        let bad = Match::parse(Some(
            &json!({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Gt"}]}}),
        ));
        assert!(bad.unwrap_err().contains("unknown operator"));
        let bad = Match::parse(Some(
            &json!({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}),
        ));
        assert!(bad.unwrap_err().contains("needs at least one value"));
    }

    #[test]
    fn namespace_selector_needs_the_namespace() {
        let m = Match::parse(Some(
            &json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}}),
        ))
        .unwrap();
        let mut t = target("Pod", "shop", &[]);
        assert!(m.matches(&t).is_err());
        t.namespace_info = Some(NamespaceInfo {
            name: "shop".into(),
            labels: [("env".to_string(), "prod".to_string())].into(),
        });
        assert!(m.matches(&t).unwrap());
        assert!(m.matches(&target("ClusterRole", "", &[])).unwrap());
        let ns = target("Namespace", "", &[("env", "dev")]);
        assert!(!m.matches(&ns).unwrap());
    }

    #[test]
    fn scope_and_name() {
        let c = Match::parse(Some(&json!({"scope": "Cluster", "name": "web-*"}))).unwrap();
        assert!(c.matches(&target("ClusterRole", "", &[])).unwrap());
        assert!(!c.matches(&target("Pod", "a", &[])).unwrap());
        let n = Match::parse(Some(&json!({"scope": "Namespaced"}))).unwrap();
        assert!(n.matches(&target("Pod", "a", &[])).unwrap());
        assert!(!n.matches(&target("Namespace", "", &[])).unwrap());
        let named = Match::parse(Some(&json!({"name": "db-*"}))).unwrap();
        assert!(!named.matches(&target("Pod", "a", &[])).unwrap());
    }
}

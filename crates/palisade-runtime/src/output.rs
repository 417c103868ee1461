//! Output templates (`%field` substitution) and alerts, in Falco's JSON
//! alert shape and as Palisade findings.

use crate::Source;
use crate::condition::FieldExpr;
use crate::event::Event;
use crate::fields::{self, Extracted, Extractor};
use crate::json::Json;
use crate::priority::Priority;
use palisade_core::{Finding, Location, Resource};
use serde::Serialize;
use std::sync::Arc;

/// A compiled output template.
#[derive(Debug)]
pub struct OutputTemplate {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Lit(String),
    Field { name: String, extractor: Extractor },
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

impl OutputTemplate {
    /// Compiles a template: `%name` or `%name[arg]` are fields of `source`;
    /// `%container.info` expands to the container id and name, as in Falco.
    pub fn compile(template: &str, source: Source) -> Result<OutputTemplate, String> {
        let expanded;
        let template = if template.contains("%container.info") {
            expanded = template.replace(
                "%container.info",
                "container_id=%container.id container_name=%container.name",
            );
            expanded.as_str()
        } else {
            template
        };
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = template;
        while let Some(i) = rest.find('%') {
            lit.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i + 1..).unwrap_or("");
            let name_len = after
                .find(|c: char| !is_field_char(c))
                .unwrap_or(after.len());
            let name = after.get(..name_len).unwrap_or("").trim_end_matches('.');
            let name_len = name.len();
            if name.is_empty() || !name.contains('.') {
                lit.push('%');
                rest = after;
                continue;
            }
            let mut consumed = name_len;
            let mut arg = None;
            if let Some(tail) = after.get(name_len..)
                && tail.starts_with('[')
                && let Some(close) = tail.find(']')
            {
                arg = Some(tail.get(1..close).unwrap_or("").to_string());
                consumed += close + 1;
            }
            let fe = FieldExpr {
                name: name.to_string(),
                arg,
                transformers: Vec::new(),
                pos: 0,
            };
            let extractor = fields::resolve(source, &fe).map_err(|e| e.to_string())?;
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(Part::Field {
                name: fe.display_name(),
                extractor,
            });
            rest = after.get(consumed..).unwrap_or("");
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(OutputTemplate { parts })
    }

    /// Calls `f` on every field of the template.
    pub(crate) fn visit_extractors(&mut self, f: &mut dyn FnMut(&mut Extractor)) {
        for p in &mut self.parts {
            if let Part::Field { extractor, .. } = p {
                f(extractor);
            }
        }
    }

    /// Renders the template for an event: the text, and every field's
    /// value for `output_fields`.
    pub fn render(&self, ev: &Event<'_>) -> (String, serde_json::Map<String, serde_json::Value>) {
        let mut text = String::new();
        let mut fields = serde_json::Map::new();
        for part in &self.parts {
            match part {
                Part::Lit(s) => text.push_str(s),
                Part::Field { name, extractor } => {
                    let mut v = extractor.extract(ev);
                    if matches!(v, Extracted::Missing)
                        && (name == "evt.time" || name == "evt.time.iso8601")
                    {
                        v = Extracted::One(fields::Value::Str(
                            crate::time::rfc3339(ev.time_ns()).into(),
                        ));
                    }
                    text.push_str(&v.render());
                    fields.insert(name.clone(), v.to_json());
                }
            }
        }
        (text.trim_end().to_string(), fields)
    }
}

/// Where an event came from, for findings.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Input name (`-` for stdin, `webhook` for the listener).
    pub input: Arc<str>,
    /// Line of the event in the input (from 1; 0 when not line-based).
    pub line: u64,
}

/// An alert, serialised in Falco's JSON alert shape.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// Host that produced the alert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `TIME: Priority rendered-output`.
    pub output: String,
    /// Priority.
    pub priority: Priority,
    /// Rule name.
    pub rule: String,
    /// Event source (`syscall`, `k8s_audit`).
    pub source: &'static str,
    /// Rule tags.
    pub tags: Vec<String>,
    /// Event time, RFC 3339 with nanoseconds.
    pub time: String,
    /// Every field named in the output template, with its value.
    pub output_fields: serde_json::Map<String, serde_json::Value>,
    /// Where the event came from.
    #[serde(skip)]
    pub origin: Origin,
    /// The object the event is about.
    #[serde(skip)]
    pub resource: Option<Resource>,
}

impl Alert {
    /// The alert as a Palisade finding: the rule name is the rule id, the
    /// priority maps to a severity ([`Priority::severity`]), the location is
    /// the event's input and line.
    pub fn to_finding(&self) -> Finding {
        Finding {
            rule_id: self.rule.clone(),
            severity: self.priority.severity(),
            message: self.output.clone(),
            resource: self.resource.clone(),
            location: Location {
                path: self.origin.input.to_string(),
                line: u32::try_from(self.origin.line).unwrap_or(u32::MAX),
                column: 1,
            },
            suppression: None,
            fingerprint: None,
            commit: None,
        }
    }

    /// One JSON line.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The object an event is about: the audit event's target, or the
/// process's pod and container.
pub fn event_resource(ev: &Event<'_>) -> Option<Resource> {
    let s = |j: Option<&Json<'_>>| j.and_then(Json::as_str).map(str::to_string);
    match ev.source {
        Source::K8sAudit => {
            let r = ev.json.get("objectRef")?;
            Some(Resource {
                kind: s(r.get("resource")).unwrap_or_default(),
                namespace: s(r.get("namespace")),
                name: s(r.get("name")),
                container: None,
            })
        }
        Source::Syscall => {
            let j = &ev.json;
            let container = s(j.get("container.name"));
            let pod = s(j.get("k8s.pod.name"));
            if container.is_none() && pod.is_none() {
                return None;
            }
            Some(Resource {
                kind: "Pod".to_string(),
                namespace: s(j.get("k8s.ns.name")),
                name: pod,
                container,
            })
        }
    }
}

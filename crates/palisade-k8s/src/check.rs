//! Checking one file of manifests: parse, find objects, run the Pod Security
//! Standards and the object rules, gather facts for the set rules, and read
//! the file's suppressions.

use crate::object::{NotAnObject, Object, objects};
use crate::pod::Pod;
use crate::pss;
use crate::rules::{self, Ctx, network, service_accounts};
use crate::set::{Facts, NamespaceFact, WorkloadFact};
use palisade_core::suppress::{ANNOTATION, FileSuppressions, parse_directives};
use palisade_core::{Config, Finding, InputError};
use palisade_yaml::{Limits, Node, parse_stream};

/// What checking one file produced.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Findings of the object rules and the Pod Security Standards.
    pub findings: Vec<Finding>,
    /// Problems reading the file.
    pub errors: Vec<InputError>,
    /// Facts for the set rules.
    pub facts: Facts,
    /// The file's suppressions (comments and object annotations).
    pub suppressions: FileSuppressions,
    /// Documents parsed.
    pub documents: u64,
    /// Kubernetes objects checked.
    pub objects: u64,
    /// Set when the file was passed over, with the reason.
    pub skipped: Option<String>,
    /// The objects checked, kept whole when asked for (policies written
    /// in other languages judge them after this pass).
    pub kept: Vec<KeptObject>,
}

/// An object kept for later judging: its tree, where it starts, and what
/// it is.
#[derive(Debug, Clone)]
pub struct KeptObject {
    /// The object's tree.
    pub root: Node,
    /// Where the object starts.
    pub location: palisade_core::Location,
    /// The object.
    pub resource: palisade_core::Resource,
}

/// Checks one YAML or JSON file. `explicit` says the user named this file
/// (or piped it in), so a document that is not an object is an error even
/// when the file holds no Kubernetes object.
pub fn check_file(
    path: &str,
    text: &str,
    config: &Config,
    explicit: bool,
    limits: &Limits,
) -> FileResult {
    check_file_keeping(path, text, config, explicit, limits, false)
}

/// [`check_file`], also keeping every object checked in
/// [`FileResult::kept`] when `keep` is set.
pub fn check_file_keeping(
    path: &str,
    text: &str,
    config: &Config,
    explicit: bool,
    limits: &Limits,
    keep: bool,
) -> FileResult {
    let mut result = FileResult {
        suppressions: FileSuppressions::from_source(text),
        ..FileResult::default()
    };
    let stream = parse_stream(text, limits);
    result.documents = stream.documents.len() as u64;
    let error = |line: u32, column: u32, message: String| InputError {
        path: path.to_string(),
        line: Some(line),
        column: Some(column),
        message,
    };
    let mut non_objects = Vec::new();
    let mut found_kubernetes = false;
    for doc in &stream.documents {
        match objects(doc) {
            Ok(objs) => {
                found_kubernetes = true;
                for obj in objs {
                    if check_object(path, obj, config, &mut result) && keep {
                        result.kept.push(KeptObject {
                            root: obj.root.clone(),
                            location: palisade_core::Location {
                                path: path.to_string(),
                                line: obj.root.pos.line,
                                column: obj.root.pos.col,
                            },
                            resource: obj.resource(),
                        });
                    }
                }
            }
            Err(NotAnObject::NotAMapping(what, pos)) => non_objects.push((what, pos)),
            Err(NotAnObject::NotKubernetes) => {}
        }
    }
    if !stream.errors.is_empty() && !found_kubernetes && !explicit && text.contains("{{") {
        result.skipped =
            Some("unrendered template (pipe `helm template` output instead)".to_string());
        return result;
    }
    for e in stream.errors {
        result
            .errors
            .push(error(e.pos.line, e.pos.col, e.kind.to_string()));
    }
    if found_kubernetes || explicit {
        for (what, pos) in non_objects {
            result.errors.push(error(
                pos.line,
                pos.col,
                format!("document is {what}, not a Kubernetes object"),
            ));
        }
    } else if result.errors.is_empty() {
        result.skipped = Some("no Kubernetes objects".to_string());
    }
    result
}

/// Checks one object; false when its namespace is excluded.
fn check_object(path: &str, obj: Object<'_>, config: &Config, result: &mut FileResult) -> bool {
    let excluded = |ns: &str| config.excluded_namespaces.iter().any(|e| e == ns);
    if obj.namespace.is_some_and(excluded)
        || (obj.kind == "Namespace" && obj.name.is_some_and(excluded))
    {
        return false;
    }
    result.objects += 1;
    let ctx = Ctx {
        path,
        obj,
        pod: Pod::of(&obj),
        config,
    };
    // A Pod's own metadata is also its pod metadata: read it once.
    let template_meta = ctx
        .pod
        .and_then(|p| p.metadata)
        .filter(|m| obj.metadata().is_none_or(|o| !std::ptr::eq(*m, o)));
    let directives: Vec<_> = [obj.metadata(), template_meta]
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("annotations")?.get(ANNOTATION))
        .flat_map(|n: &Node| parse_directives(&n.display(), n.pos.line, n.pos.col))
        .collect();
    result
        .suppressions
        .add_object(obj.start_line, obj.end_line, directives);

    if let Some(pod) = &ctx.pod {
        let enabled = |r: &palisade_core::RuleMeta| config.selection.enabled(r);
        for (check, v) in
            pss::evaluate_selected(pod, config.pss_level, config.pss_version, &enabled)
        {
            let mut resource = obj.resource();
            resource.container = v.container;
            let mut finding =
                Finding::new(check.rule, v.message, ctx.location(v.pos)).with_resource(resource);
            if let Some(s) = v.severity {
                finding.severity = s;
            }
            result.findings.push(finding);
        }
        result.facts.workloads.push(WorkloadFact {
            namespace: obj.namespace.unwrap_or("").to_string(),
            location: ctx.location(obj.root.pos),
            resource: obj.resource(),
        });
    }
    rules::object_rules(&ctx, &mut result.findings);
    service_accounts::gather(&ctx, &mut result.facts);
    network::gather(&ctx, &mut result.facts);
    if obj.kind == "Namespace" && obj.group().is_empty() {
        result.facts.namespaces.push(NamespaceFact {
            name: obj.name.unwrap_or("").to_string(),
            location: ctx.location(obj.root.pos),
            resource: obj.resource(),
        });
    }
    true
}

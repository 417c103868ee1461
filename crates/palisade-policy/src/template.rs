//! ConstraintTemplates: their Rego (and libs) compiled once into a
//! prepared regorus engine.
//!
//! Both template versions are read: `templates.gatekeeper.sh/v1beta1`
//! with `spec.targets[].rego` and `libs`, and `v1`, which may instead give
//! `code: [{engine: Rego, source: {rego, libs, version}}]` beside other
//! engines. A template whose only code is CEL (`K8sNativeValidation`) is
//! reported as not supported, by name.
//!
//! Rego errors point into the template file: regorus reports a line inside
//! the Rego text, which is mapped back to the file's line and column.

use crate::load::{Doc, Issue};
use palisade_yaml::Node;
use std::sync::OnceLock;

/// The only target Gatekeeper evaluates for admission.
pub const TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A compiled ConstraintTemplate.
#[derive(Clone)]
pub struct Template {
    /// `metadata.name`.
    pub name: String,
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    /// The file it was read from.
    pub file: String,
    /// Its line in that file.
    pub line: u32,
    /// `metadata.annotations.description`, when given.
    pub description: Option<String>,
    /// The prepared engine: modules parsed and analysed, data loaded.
    pub(crate) engine: regorus::Engine,
    /// `data.<package>.violation`.
    pub(crate) entry: String,
}

/// What reading one ConstraintTemplate document gave.
pub enum Loaded {
    /// Compiled.
    Template(Box<Template>),
    /// Well formed but written for an engine Palisade does not run (CEL).
    Unsupported {
        /// Template name.
        name: String,
        /// Constraint kind.
        kind: String,
        /// Why.
        reason: String,
    },
}

/// One Rego text and where it sits in the file.
struct RegoText {
    text: String,
    /// File line of the text's first line.
    line: u32,
    /// Columns to add (the block scalar's indentation).
    indent: u32,
}

/// Where a scalar's text starts: a block scalar (`|`, `>`) starts on the
/// next line, indented; other scalars where they are written.
fn rego_text(node: &Node, source: &str) -> Option<RegoText> {
    let text = node.as_str()?.to_string();
    let line_text = source
        .lines()
        .nth(node.pos.line.saturating_sub(1) as usize)?;
    let at = line_text
        .get(node.pos.col.saturating_sub(1) as usize..)
        .unwrap_or("");
    if at.starts_with('|') || at.starts_with('>') {
        let mut n = node.pos.line;
        for l in source.lines().skip(node.pos.line as usize) {
            n = n.saturating_add(1);
            if !l.trim().is_empty() {
                let indent = l.len().saturating_sub(l.trim_start().len());
                return Some(RegoText {
                    text,
                    line: n,
                    indent: u32::try_from(indent).unwrap_or(0),
                });
            }
        }
    }
    Some(RegoText {
        text,
        line: node.pos.line,
        indent: node.pos.col,
    })
}

fn regorus_error_location() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::expect_used)] // a constant pattern
        regex::Regex::new(r"--> (__rego_(\d+)__):(\d+):(\d+)").expect("valid pattern")
    })
}

/// An error from regorus, mapped onto the template file: (line, column,
/// message).
fn map_error(err: &str, texts: &[RegoText], fallback_line: u32) -> (u32, Option<u32>, String) {
    let message = err
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:").map(str::trim))
        .unwrap_or_else(|| {
            err.lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(err)
                .trim()
        })
        .to_string();
    if let Some(c) = regorus_error_location().captures(err)
        && let (Some(i), Some(l), Some(col)) = (c.get(2), c.get(3), c.get(4))
        && let (Ok(i), Ok(l), Ok(col)) = (
            i.as_str().parse::<usize>(),
            l.as_str().parse::<u32>(),
            col.as_str().parse::<u32>(),
        )
        && let Some(t) = texts.get(i)
    {
        return (
            t.line.saturating_add(l.saturating_sub(1)),
            Some(col.saturating_add(t.indent)),
            message,
        );
    }
    (fallback_line, None, message)
}

/// The Rego package a module declares.
fn package_of(rego: &str) -> Option<String> {
    rego.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("package")?;
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let name = rest.split('#').next().unwrap_or("").trim();
        (!name.is_empty()).then(|| name.to_string())
    })
}

/// A regorus engine set up as every template's is: Rego v0 unless `v1`,
/// the bounded builtins ([`crate::guard`]) and OPA's `sprintf`
/// ([`crate::rego_compat`]).
pub fn new_engine(v1: bool) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(!v1);
    crate::guard::install(&mut engine)?;
    crate::rego_compat::install(&mut engine)?;
    Ok(engine)
}

/// Adds one Rego module, after the compatibility rewrites
/// ([`crate::rego_compat::normalise`]).
pub fn add_module(engine: &mut regorus::Engine, name: &str, text: &str) -> anyhow::Result<()> {
    let source = crate::rego_compat::normalise(text).into_owned();
    engine.add_policy(name.to_string(), source).map(|_| ())
}

/// Reads and compiles a ConstraintTemplate. `timeout` bounds the analysis
/// run done here, as it bounds every evaluation.
pub(crate) fn load(doc: &Doc<'_>) -> Result<Loaded, Issue> {
    let root = doc.root;
    let issue = |line: u32, column: Option<u32>, message: String| Issue {
        path: doc.path.to_string(),
        line,
        column,
        message,
    };
    let start = root.pos.line;
    let name = root
        .at(&["metadata", "name"])
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            issue(
                start,
                None,
                "ConstraintTemplate has no metadata.name".into(),
            )
        })?
        .to_string();
    let here = |n: Option<&Node>| n.map_or(start, |n| n.pos.line);
    let kind = root
        .at(&["spec", "crd", "spec", "names", "kind"])
        .and_then(Node::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            issue(
                start,
                None,
                format!("ConstraintTemplate {name}: spec.crd.spec.names.kind is missing"),
            )
        })?
        .to_string();
    if kind.to_ascii_lowercase() != name {
        return Err(issue(
            here(root.at(&["metadata", "name"])),
            None,
            format!(
                "ConstraintTemplate {name}: metadata.name must be the lowercase of its kind `{kind}`"
            ),
        ));
    }
    let targets = root
        .at(&["spec", "targets"])
        .map(Node::items)
        .unwrap_or(&[]);
    let [target] = targets else {
        return Err(issue(
            here(root.at(&["spec", "targets"])),
            None,
            format!(
                "ConstraintTemplate {name}: needs exactly one target, has {}",
                targets.len()
            ),
        ));
    };
    let target_name = target.get("target").and_then(Node::as_str).unwrap_or("");
    if target_name != TARGET {
        return Err(issue(
            target.pos.line,
            None,
            format!("ConstraintTemplate {name}: target `{target_name}` is not {TARGET}"),
        ));
    }

    // The Rego: `rego`/`libs` on the target, or a `code` entry for Rego.
    let mut rego = target.get("rego").filter(|r| !r.is_null());
    let mut libs: &[Node] = target.get("libs").map(Node::items).unwrap_or(&[]);
    let mut v1 = false;
    let mut other_engines = Vec::new();
    for code in target.get("code").map(Node::items).unwrap_or(&[]) {
        let engine = code.get("engine").and_then(Node::as_str).unwrap_or("");
        if engine == "Rego" {
            if rego.is_none() {
                rego = code.at(&["source", "rego"]);
                libs = code.at(&["source", "libs"]).map(Node::items).unwrap_or(&[]);
            }
            v1 = code.at(&["source", "version"]).and_then(Node::as_str) == Some("v1");
        } else {
            other_engines.push(engine.to_string());
        }
    }
    let Some(rego) = rego else {
        if !other_engines.is_empty() {
            return Ok(Loaded::Unsupported {
                name,
                kind,
                reason: format!(
                    "its code is for {} (CEL), which Palisade does not run yet",
                    other_engines.join(", ")
                ),
            });
        }
        return Err(issue(
            target.pos.line,
            None,
            format!("ConstraintTemplate {name}: the target has no rego"),
        ));
    };
    let main = rego_text(rego, doc.source).ok_or_else(|| {
        issue(
            rego.pos.line,
            None,
            format!("ConstraintTemplate {name}: rego must be a string"),
        )
    })?;
    let Some(package) = package_of(&main.text) else {
        return Err(issue(
            main.line,
            None,
            format!("ConstraintTemplate {name}: the rego declares no package"),
        ));
    };
    if !main.text.contains("violation") {
        return Err(issue(
            main.line,
            None,
            format!("ConstraintTemplate {name}: the rego defines no `violation` rule"),
        ));
    }
    let mut texts = vec![main];
    for lib in libs {
        let t = rego_text(lib, doc.source).ok_or_else(|| {
            issue(
                lib.pos.line,
                None,
                format!("ConstraintTemplate {name}: a lib must be a string"),
            )
        })?;
        match package_of(&t.text) {
            Some(p) if p == "lib" || p.starts_with("lib.") => {}
            _ => {
                return Err(issue(
                    t.line,
                    None,
                    format!("ConstraintTemplate {name}: a lib's package must start with `lib.`"),
                ));
            }
        }
        texts.push(t);
    }

    let mut engine = new_engine(v1).map_err(|e| issue(start, None, e))?;
    for (i, t) in texts.iter().enumerate() {
        if let Err(e) = add_module(&mut engine, &format!("__rego_{i}__"), &t.text) {
            let (line, column, message) = map_error(&e.to_string(), &texts, start);
            return Err(issue(
                line,
                column,
                format!("ConstraintTemplate {name}: Rego error: {message}"),
            ));
        }
    }
    if let Err(e) = engine.add_data(crate::inventory::empty()) {
        return Err(issue(
            start,
            None,
            format!("ConstraintTemplate {name}: {e}"),
        ));
    }
    // Analysis (rule scheduling, unsafe variables, unknown functions)
    // happens before the first evaluation: run a trivial query now so that
    // such errors are load errors and no review pays for it.
    if let Err(e) = engine.eval_query("true".into(), false) {
        let (line, column, message) = map_error(&e.to_string(), &texts, start);
        return Err(issue(
            line,
            column,
            format!("ConstraintTemplate {name}: Rego error: {message}"),
        ));
    }
    let description = root
        .at(&["metadata", "annotations", "description"])
        .and_then(Node::as_str)
        .map(str::to_string);
    Ok(Loaded::Template(Box::new(Template {
        name,
        kind,
        file: doc.path.to_string(),
        line: start,
        description,
        engine,
        entry: format!("data.{package}.violation"),
    })))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn packages() {
        assert_eq!(
            package_of("# x\npackage k8s.labels # why\n"),
            Some("k8s.labels".into())
        );
        assert_eq!(package_of("packages x"), None);
    }

    #[test]
    fn error_lines_map_into_the_file() {
        let texts = vec![RegoText {
            text: String::new(),
            line: 10,
            indent: 6,
        }];
        let err = "\n--> __rego_0__:3:5\n  |\n3 | x\n  |     ^\nerror: unexpected token";
        assert_eq!(
            map_error(err, &texts, 1),
            (12, Some(11), "unexpected token".to_string())
        );
    }
}

//! Gatekeeper test suites, in the `gator verify` format.
//!
//! ```yaml
//! kind: Suite
//! apiVersion: test.gatekeeper.sh/v1alpha1
//! tests:
//! - name: required-labels
//!   template: template.yaml        # relative to the suite file
//!   constraint: constraint.yaml
//!   invalid: false                 # true: the template or constraint must fail to load
//!   cases:
//!   - name: missing-owner
//!     object: samples/pod.yaml     # a bare object or an AdmissionReview
//!     inventory: [samples/ns.yaml] # objects for data.inventory (and namespaceSelector)
//!     assertions:
//!     - violations: yes            # yes | no | N (default yes)
//!       message: owner             # a regex: count only matching messages
//! ```
//!
//! `skip: true` skips a test or a case. Each case is judged alone: its
//! object is reviewed as a CREATE (or as the AdmissionReview says), with
//! the constraint's enforcement point `gator.gatekeeper.sh`.

use crate::load::{self, Issue};
use crate::review::{Review, parts_of_admission_review};
use crate::{EnforcementPoint, Inventory, PolicySet};
use palisade_yaml::{Limits, Node, Value as Y, parse_stream};
use std::path::{Path, PathBuf};

/// The suite's API version.
pub const API_VERSION: &str = "test.gatekeeper.sh/v1alpha1";

/// How one case (or a whole test that could not run) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every assertion held.
    Pass,
    /// An assertion failed, or the case could not run; why.
    Fail(String),
    /// Marked `skip: true`.
    Skip,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The test's name.
    pub test: String,
    /// The case's name (empty for a test-level result).
    pub case: String,
    /// How it ended.
    pub outcome: Outcome,
}

/// One suite file's results.
#[derive(Debug, Clone)]
pub struct SuiteResult {
    /// The suite file.
    pub path: String,
    /// Its cases' results, in order.
    pub results: Vec<CaseResult>,
}

impl SuiteResult {
    /// Whether nothing failed.
    pub fn passed(&self) -> bool {
        !self
            .results
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Fail(_)))
    }
}

/// The suite files under `paths`: every `.yaml`/`.yml`/`.json` file
/// holding a `kind: Suite` document.
pub fn find_suites(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Issue>) {
    let (files, issues) = load::files_under(paths, false);
    let suites = files
        .into_iter()
        .filter(|f| {
            load::read_text(f).is_ok_and(|t| {
                t.contains("Suite")
                    && parse_stream(&t, &Limits::default())
                        .documents
                        .iter()
                        .any(|d| is_suite(&d.root))
            })
        })
        .collect();
    (suites, issues)
}

fn is_suite(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str) == Some("Suite")
        && root
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|a| a.starts_with("test.gatekeeper.sh/"))
}

/// Runs one suite file.
pub fn run_suite(path: &Path) -> SuiteResult {
    let mut out = SuiteResult {
        path: path.display().to_string(),
        results: Vec::new(),
    };
    let fail = |test: &str, message: String| CaseResult {
        test: test.to_string(),
        case: String::new(),
        outcome: Outcome::Fail(message),
    };
    let text = match load::read_text(path) {
        Ok(t) => t,
        Err(e) => {
            out.results.push(fail("", e.to_string()));
            return out;
        }
    };
    let stream = parse_stream(&text, &Limits::default());
    if let Some(e) = stream.errors.first() {
        out.results.push(fail(
            "",
            format!("{}:{}:{}: {}", out.path, e.pos.line, e.pos.col, e.kind),
        ));
        return out;
    }
    let base = path.parent().unwrap_or(Path::new("."));
    for doc in stream.documents.iter().filter(|d| is_suite(&d.root)) {
        for test in doc.root.get("tests").map(Node::items).unwrap_or(&[]) {
            run_test(&out.path, base, test, &mut out.results);
        }
    }
    out
}

fn flag(n: &Node, key: &str) -> bool {
    n.get(key).and_then(Node::as_bool).unwrap_or(false)
}

fn str_field<'a>(n: &'a Node, key: &str) -> &'a str {
    n.get(key).and_then(Node::as_str).unwrap_or("")
}

fn run_test(suite: &str, base: &Path, test: &Node, results: &mut Vec<CaseResult>) {
    let name = str_field(test, "name").to_string();
    let cases = test.get("cases").map(Node::items).unwrap_or(&[]);
    let push_all = |results: &mut Vec<CaseResult>, outcome: Outcome| {
        if cases.is_empty() {
            results.push(CaseResult {
                test: name.clone(),
                case: String::new(),
                outcome: outcome.clone(),
            });
        }
        for c in cases {
            results.push(CaseResult {
                test: name.clone(),
                case: str_field(c, "name").to_string(),
                outcome: outcome.clone(),
            });
        }
    };
    if flag(test, "skip") {
        push_all(results, Outcome::Skip);
        return;
    }
    let mut sources = Vec::new();
    for key in ["template", "constraint"] {
        let rel = str_field(test, key);
        if rel.is_empty() {
            if key == "constraint" && flag(test, "invalid") {
                continue;
            }
            push_all(
                results,
                Outcome::Fail(format!(
                    "{suite}:{}: the test names no {key}",
                    test.pos.line
                )),
            );
            return;
        }
        let p = base.join(rel);
        // One file may hold both the template and the constraint.
        if sources.iter().any(|(q, _)| *q == p.display().to_string()) {
            continue;
        }
        match load::read_text(&p) {
            Ok(t) => sources.push((p.display().to_string(), t)),
            Err(e) => {
                push_all(results, Outcome::Fail(e.to_string()));
                return;
            }
        }
    }
    let (set, issues) = PolicySet::from_sources(&sources);
    let loaded = issues.is_empty() && !set.is_empty();
    if flag(test, "invalid") {
        let outcome = if loaded {
            Outcome::Fail(
                "expected the template or constraint to be invalid, but both loaded".into(),
            )
        } else {
            Outcome::Pass
        };
        results.push(CaseResult {
            test: name,
            case: String::new(),
            outcome,
        });
        return;
    }
    if !loaded {
        let why = if issues.is_empty() {
            "the constraint file holds no constraint of the template's kind".to_string()
        } else {
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        push_all(results, Outcome::Fail(why));
        return;
    }
    for case in cases {
        let outcome = if flag(case, "skip") {
            Outcome::Skip
        } else {
            match run_case(base, &set, case) {
                Ok(()) => Outcome::Pass,
                Err(e) => Outcome::Fail(e),
            }
        };
        results.push(CaseResult {
            test: name.clone(),
            case: str_field(case, "name").to_string(),
            outcome,
        });
    }
}

/// The JSON documents of a file.
fn read_objects(path: &Path) -> Result<Vec<serde_json::Value>, String> {
    load::objects_in(path).map_err(|e| e.to_string())
}

fn run_case(base: &Path, set: &PolicySet, case: &Node) -> Result<(), String> {
    let object_path = base.join(str_field(case, "object"));
    let docs = read_objects(&object_path)?;
    let [object] = docs.as_slice() else {
        return Err(format!(
            "{}: a case's object file must hold exactly one object, it holds {}",
            object_path.display(),
            docs.len()
        ));
    };
    let mut inventory = Inventory::default();
    for p in case.get("inventory").map(Node::items).unwrap_or(&[]) {
        let p = base.join(p.as_str().unwrap_or(""));
        for o in read_objects(&p)? {
            inventory.add(&o);
        }
    }
    let set = if inventory.is_empty() {
        set.clone()
    } else {
        set.with_inventory(&inventory)?
    };
    let review =
        if object.get("kind").and_then(serde_json::Value::as_str) == Some("AdmissionReview") {
            let parts = parts_of_admission_review(object)
                .map_err(|e| format!("{}: {e}", object_path.display()))?;
            let ns = inventory.namespace(&parts.namespace);
            Review::of_request(parts, ns)
        } else {
            let ns_name = object
                .pointer("/metadata/namespace")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("");
            let ns = inventory.namespace(ns_name);
            Review::of_object(object.clone(), ns)
        };
    let evaluation = set.evaluate(&review, EnforcementPoint::Offline);
    if let Some(e) = evaluation.errors.first() {
        return Err(e.to_string());
    }
    let assertions = case.get("assertions").map(Node::items).unwrap_or(&[]);
    if assertions.is_empty() {
        return Err("the case has no assertions".into());
    }
    for a in assertions {
        let pattern = a.get("message").and_then(Node::as_str);
        let re = match pattern {
            Some(p) => Some(
                regex::Regex::new(p)
                    .map_err(|e| format!("assertion message `{p}` is not a valid regex: {e}"))?,
            ),
            None => None,
        };
        let count = evaluation
            .violations
            .iter()
            .filter(|v| re.as_ref().is_none_or(|re| re.is_match(&v.message)))
            .count();
        let expected = match a.get("violations").map(|n| &n.value) {
            None | Some(Y::Null) => Expect::Some,
            Some(Y::Bool(true)) => Expect::Some,
            Some(Y::Bool(false)) => Expect::None,
            Some(Y::Str(s)) if s == "yes" => Expect::Some,
            Some(Y::Str(s)) if s == "no" => Expect::None,
            Some(Y::Int(n)) if *n >= 0 => Expect::Exactly(usize::try_from(*n).unwrap_or(0)),
            Some(_) => {
                return Err(format!(
                    "line {}: violations must be yes, no or a number",
                    a.pos.line
                ));
            }
        };
        let ok = match expected {
            Expect::Some => count > 0,
            Expect::None => count == 0,
            Expect::Exactly(n) => count == n,
        };
        if !ok {
            let what = match expected {
                Expect::Some => "at least one violation".to_string(),
                Expect::None => "no violations".to_string(),
                Expect::Exactly(n) => format!("{n} violation{}", if n == 1 { "" } else { "s" }),
            };
            let matching = pattern
                .map(|p| format!(" matching `{p}`"))
                .unwrap_or_default();
            let got: Vec<&str> = evaluation
                .violations
                .iter()
                .map(|v| v.message.as_str())
                .collect();
            return Err(format!(
                "expected {what}{matching}, got {count} (messages: {got:?})"
            ));
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Expect {
    Some,
    None,
    Exactly(usize),
}

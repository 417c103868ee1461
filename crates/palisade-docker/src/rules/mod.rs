//! The Dockerfile rules: one module per concern, each declaring its rules
//! with [`palisade_core::declare_rule!`] beside the code that checks them.

mod base_image;
mod curl_pipe;
mod package_cache;
mod remote_add;
mod root_user;
mod secrets;

use crate::parse::{Instruction, shorten};
use crate::stages::Dockerfile;
use palisade_core::{Finding, Location, Resource, RuleMeta};

/// Every Dockerfile rule, in id order.
pub static ALL: &[&RuleMeta] = &[
    &root_user::ROOT_USER,
    &base_image::BASE_IMAGE_LATEST,
    &base_image::BASE_IMAGE_NOT_PINNED,
    &secrets::SECRET_IN_ENV,
    &remote_add::ADD_REMOTE_URL,
    &curl_pipe::CURL_PIPE_SHELL,
    &package_cache::PACKAGE_CACHE,
];

/// Runs every rule over `file`.
pub fn run(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    root_user::check(file, r);
    base_image::check(file, r);
    secrets::check(file, r);
    remote_add::check(file, r);
    curl_pipe::check(file, r);
    package_cache::check(file, r);
}

/// The resource name of findings on global `ARG`s (before the first `FROM`).
pub const GLOBAL: &str = "global";

/// Collects findings for one file.
pub struct Reporter<'p> {
    path: &'p str,
    findings: Vec<Finding>,
}

impl<'p> Reporter<'p> {
    /// A reporter for the file at `path`.
    pub fn new(path: &'p str) -> Reporter<'p> {
        Reporter {
            path,
            findings: Vec::new(),
        }
    }

    /// Reports `rule` at `ins`, in the stage labelled `stage`.
    pub fn report(&mut self, rule: &RuleMeta, stage: String, ins: &Instruction, message: String) {
        let location = Location {
            path: self.path.to_string(),
            line: ins.line,
            column: ins.column,
        };
        self.findings.push(
            Finding::new(rule, message, location).with_resource(Resource {
                kind: "Dockerfile".into(),
                name: Some(stage),
                namespace: None,
                container: None,
            }),
        );
    }

    /// The findings, sorted by line, column and rule id.
    pub fn into_findings(mut self) -> Vec<Finding> {
        self.findings.sort_by(|a, b| {
            (a.location.line, a.location.column, &a.rule_id).cmp(&(
                b.location.line,
                b.location.column,
                &b.rule_id,
            ))
        });
        self.findings
    }
}

/// An instruction as messages cite it: `USER root at line 12`.
pub fn cite(ins: &Instruction) -> String {
    let args = shorten(ins.args.lines().next().unwrap_or(""));
    if args.is_empty() {
        format!("{} at line {}", ins.keyword, ins.line)
    } else {
        format!("{} {} at line {}", ins.keyword, args, ins.line)
    }
}

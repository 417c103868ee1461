//! DF004: credentials in `ENV` and `ARG`.

use super::{GLOBAL, Reporter};
use crate::kv::{self, KeyValue};
use crate::parse::{Instruction, shorten};
use crate::stages::Dockerfile;
use palisade_core::credentials::{is_credential_name, is_placeholder};
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `ARG` instructions that put a credential into the
    /// image, judged by the variable's name (`DB_PASSWORD`, `NPM_TOKEN`,
    /// `AWS_SECRET_ACCESS_KEY`, `apiKey`, `PGPASSWORD`...):
    ///
    /// - `ENV` with a literal value: the value is stored in the image
    ///   configuration for anyone who can pull the image;
    /// - `ARG` inside a stage, with or without a default: `RUN` sees build
    ///   arguments as environment variables, and their values are recorded in
    ///   the image history (`docker history`), so a build argument is no way
    ///   to pass a secret;
    /// - a global `ARG` (before the first `FROM`) with a literal default: the
    ///   credential is written in the Dockerfile. Without a default it only
    ///   feeds `FROM` lines and is not reported.
    ///
    /// Not reported: values that refer to another variable (`$OTHER`,
    /// `${OTHER}`), empty values and obvious placeholders (`changeme`,
    /// `<token>`, `xxx`, `${...}`, booleans), paths and URLs without
    /// credentials, and names that designate a location or a setting rather
    /// than the secret itself (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_PATH`,
    /// `AUTH_ENABLED`...). Messages name the variable, never its value.
    ///
    /// ## Why is this bad?
    /// Anything in an image is readable by everyone who can pull it, for as
    /// long as the image exists: registries, caches and backups included.
    /// A credential baked in cannot be rotated without rebuilding every image
    /// that contains it, and it leaks to every environment the image runs in.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// ENV DATABASE_PASSWORD=s3cr3t
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// # The database password is given at run time (a Kubernetes Secret).
    /// ```
    pub static SECRET_IN_ENV = {
        id: "DF004",
        name: "dockerfile-secret-in-env",
        title: "Credential in ENV or ARG",
        severity: High,
        groups: ["dockerfile"],
        remediation: "Pass build-time secrets with `RUN --mount=type=secret` (`docker build --secret`), and run-time secrets through the orchestrator (a Kubernetes Secret); rotate any credential that was ever written in a Dockerfile.",
        references: [
            CisDocker("4.10"),
            Cwe(798),
            Cwe(538),
            Url("https://docs.docker.com/build/building/secrets/"),
            Url("https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/"),
        ],
    };
}

/// Checks global `ARG`s and every stage's `ENV`s and `ARG`s.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    for ins in file.preamble.iter().filter(|i| i.keyword == "ARG") {
        for p in kv::arg_pairs(&ins.args) {
            if is_credential_name(&p.name) && is_literal(&p) {
                let message = format!(
                    "global ARG `{}` has a literal default value: a credential written in the Dockerfile (ARG at line {})",
                    shorten(&p.name),
                    ins.line
                );
                r.report(&SECRET_IN_ENV, GLOBAL.to_string(), ins, message);
            }
        }
    }
    for stage in &file.stages {
        for ins in stage.body {
            for message in stage_findings(ins) {
                r.report(&SECRET_IN_ENV, stage.label(), ins, message);
            }
        }
    }
}

fn stage_findings(ins: &Instruction) -> Vec<String> {
    let (pairs, is_env) = match ins.keyword.as_str() {
        "ENV" => (kv::env_pairs(&ins.args), true),
        "ARG" => (kv::arg_pairs(&ins.args), false),
        _ => return Vec::new(),
    };
    pairs
        .iter()
        .filter(|p| is_credential_name(&p.name))
        .filter_map(|p| {
            let name = shorten(&p.name);
            if is_env {
                is_literal(p).then(|| {
                    format!(
                        "ENV `{name}` holds a literal credential, stored in the image for anyone who can pull it (ENV at line {})",
                        ins.line
                    )
                })
            } else if is_literal(p) {
                Some(format!(
                    "ARG `{name}` has a literal default value, recorded in the Dockerfile and the image history (ARG at line {})",
                    ins.line
                ))
            } else {
                Some(format!(
                    "ARG `{name}` passes a credential as a build argument; its value is recorded in the image history (ARG at line {})",
                    ins.line
                ))
            }
        })
        .collect()
}

/// A value written out in the Dockerfile that could be a real credential.
fn is_literal(p: &KeyValue) -> bool {
    match &p.value {
        Some(v) => !p.has_reference && !is_placeholder(v),
        None => false,
    }
}

//! DF004: credentials in `ENV` and `ARG`.

use super::{GLOBAL, Reporter};
use crate::kv::{self, KeyValue};
use crate::parse::{Instruction, shorten};
use crate::stages::Dockerfile;
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

/// Name parts that make a variable a credential on their own.
const CREDENTIAL_PARTS: &[&str] = &[
    "PASS",
    "PASSPHRASE",
    "TOKEN",
    "TOKENS",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
];

/// Consecutive name parts that make a credential (`API_KEY`, `apiKey`).
const CREDENTIAL_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("SECRET", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
    ("MASTER", "KEY"),
    ("CLIENT", "SECRET"),
];

/// A last name part that means the variable locates or configures a
/// credential rather than holding it (`PASSWORD_FILE`, `TOKEN_URL`).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "ENDPOINT",
    "SERVER",
    "DOMAIN",
    "NAME",
    "USER",
    "USERNAME",
    "TYPE",
    "METHOD",
    "MODE",
    "ENABLED",
    "DISABLED",
    "REQUIRED",
    "VERSION",
    "TIMEOUT",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "LENGTH",
    "LEN",
    "SIZE",
    "COUNT",
    "REGION",
    "ALGORITHM",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "PREFIX",
    "PROVIDER",
    "POLICY",
    "LOCATION",
];

/// Whether a variable name designates a credential.
pub fn is_credential_name(name: &str) -> bool {
    // Only plain names: a malformed instruction must not make a value (which
    // could be the secret itself) pass for a name that messages print.
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return false;
    }
    let parts = name_parts(name);
    if parts
        .last()
        .is_none_or(|p| NOT_SECRET_SUFFIXES.contains(&p.as_str()))
    {
        return false;
    }
    parts.iter().any(|p| {
        p.contains("PASSWORD")
            || p.contains("PASSWD")
            || p.contains("SECRET")
            || p.ends_with("TOKEN")
            || CREDENTIAL_PARTS.contains(&p.as_str())
    }) || parts
        .windows(2)
        .any(|w| matches!(w, [a, b] if CREDENTIAL_PAIRS.contains(&(a.as_str(), b.as_str()))))
}

/// `AWS_SECRET_ACCESS_KEY` → `AWS SECRET ACCESS KEY`; `dbPassword` → `DB
/// PASSWORD`; `APIKey` → `API KEY`. Parts in upper case.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i.saturating_add(1)).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Values that are not a credential: empty, a placeholder, a boolean, a
/// template, a path, or a URL without user information.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "none",
        "null",
        "nil",
        "undefined",
        "unset",
        "empty",
        "-",
    ];
    const MARKERS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "dummy",
        "example",
        "redacted",
        "replace",
        "your_",
        "your-",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        "todo",
        "fixme",
        "xxxx",
    ];
    if v.is_empty() || WORDS.contains(&lower.as_str()) {
        return true;
    }
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '#' | '?' | '_' | '-'))
    {
        return true;
    }
    let wrapped = |open: &str, close: &str| v.starts_with(open) && v.ends_with(close);
    if wrapped("<", ">") || wrapped("{{", "}}") || wrapped("%", "%") || wrapped("[", "]") {
        return true;
    }
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") {
        return true;
    }
    if let Some((_, rest)) = v.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !authority.contains('@');
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        assert_eq!(
            name_parts("AWS_SECRET_ACCESS_KEY"),
            ["AWS", "SECRET", "ACCESS", "KEY"]
        );
        assert_eq!(name_parts("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(name_parts("APIKey"), ["API", "KEY"]);
        assert_eq!(name_parts("npm-auth.token"), ["NPM", "AUTH", "TOKEN"]);
    }

    #[test]
    fn credential_names() {
        for n in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "MYSQL_ROOT_PASSWD",
            "GITHUB_TOKEN",
            "NPM_AUTH_TOKEN",
            "npmToken",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "API_KEY",
            "apiKey",
            "APIKEY",
            "SSH_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "CLIENT_SECRET",
            "SMTP_PASS",
            "SECRET_KEY_BASE",
        ] {
            assert!(is_credential_name(n), "{n}");
        }
        for n in [
            "TOKEN_URL",
            "PASSWORD_FILE",
            "SECRET_PATH",
            "GITHUB_TOKEN_FILE",
            "AUTH_ENABLED",
            "PASSWORD_MIN_LENGTH",
            "TOKENIZERS_PARALLELISM",
            "KEY",
            "PUBLIC_KEY",
            "AUTHOR",
            "PATH",
            "BYPASS",
            "PASSENGER_APP_ENV",
            "",
        ] {
            assert!(!is_credential_name(n), "{n}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "changeme",
            "<your-token>",
            "{{ token }}",
            "xxx",
            "****",
            "false",
            "/run/secrets/db",
            "https://vault.example.com/v1",
            "your_api_key_here",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["s3cr3t", "ghp_abc123", "postgres", "https://u:p@host/x"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }
}

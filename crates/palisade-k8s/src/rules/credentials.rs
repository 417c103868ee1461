//! Credentials written into manifests: plaintext Secrets and literal
//! environment values that look like passwords, tokens or keys. Messages
//! never repeat the value.

use super::{Ctx, running_containers};
use crate::pod::field;
use palisade_core::{Finding, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags `kind: Secret` manifests that carry `data` or `stringData`.
    ///
    /// ## Why is this bad?
    /// `data` is base64, not encryption: a Secret manifest in a repository
    /// is the credential in plaintext for everyone with read access to the
    /// repository, its forks, CI logs and backups, forever in git history.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// stringData:
    ///   password: hunter2
    /// ```
    ///
    /// ## Use instead
    /// Keep the value out of the repository: Sealed Secrets, SOPS, the
    /// External Secrets Operator, or the secret store CSI driver.
    pub static PLAINTEXT_SECRET = {
        id: "SEC001",
        name: "plaintext-secret",
        title: "Secret manifest with plaintext data",
        severity: High,
        groups: ["secrets"],
        remediation: "Remove the data from the manifest and deliver it with an encrypted or external secret mechanism.",
        references: [Cis("5.4.1"), Nsa("Secrets"), Cwe(312)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags container environment variables whose literal `value` looks like
    /// a credential: the variable name says password, secret, token or key,
    /// or the value has the shape of a known credential (AWS access key id,
    /// GitHub or GitLab token, Slack token, Stripe live key, private key).
    /// References (`$(VAR)`, `${VAR}`), templates and empty values are
    /// ignored, as are names for files, paths, URLs and sizes.
    ///
    /// ## Why is this bad?
    /// The credential is then in the manifest, in the repository, in
    /// `kubectl describe` output and in every tool that reads pod specs.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   value: s3cr3t-pa55
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   valueFrom:
    ///     secretKeyRef: {name: db, key: password}
    /// ```
    pub static ENV_CREDENTIAL = {
        id: "WL010",
        name: "env-credential-literal",
        title: "Credential in a literal environment value",
        severity: High,
        groups: ["workload", "secrets"],
        remediation: "Move the value into a Secret and reference it with valueFrom.secretKeyRef.",
        references: [Cis("5.4.1"), Nsa("Secrets"), Cwe(798)],
    };
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.obj.kind == "Secret" && ctx.obj.group().is_empty() {
        for key in ["data", "stringData"] {
            let Some(m) = field(ctx.obj.root, key).and_then(Node::as_map) else {
                continue;
            };
            if m.is_empty() {
                continue;
            }
            let keys: Vec<&str> = m.iter().map(|(k, _)| k.text.as_str()).collect();
            out.push(ctx.finding(
                &PLAINTEXT_SECRET,
                format!(
                    "Secret `{}` carries {} value(s) in `{key}` ({}) in the manifest",
                    ctx.obj.name.unwrap_or(""),
                    keys.len(),
                    keys.join(", ")
                ),
                field(ctx.obj.root, key).map_or(ctx.obj.root.pos, |n| n.pos),
                None,
            ));
        }
    }
    let Some(pod) = &ctx.pod else {
        return;
    };
    for c in running_containers(pod) {
        for env in field(c.node, "env").map(Node::items).unwrap_or(&[]) {
            let name = env.get("name").and_then(Node::as_str).unwrap_or("");
            let Some(value) = field(env, "value") else {
                continue;
            };
            let text = value.display();
            let why = if let Some(kind) = credential_shape(&text) {
                Some(format!("has the shape of {kind}"))
            } else if credential_name(name) && looks_literal(&text) {
                Some("names a credential".to_string())
            } else {
                None
            };
            if let Some(why) = why {
                out.push(ctx.finding(
                    &ENV_CREDENTIAL,
                    format!(
                        "{} sets env `{name}` to a literal value that {why} ({} characters, not shown)",
                        c.describe(),
                        text.chars().count()
                    ),
                    value.pos,
                    Some(&c),
                ));
            }
        }
    }
}

/// Name parts that mean the variable holds a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
];

/// Last name parts that mean the variable holds something about a
/// credential (where it is, how long it lives), not the credential.
const NOT_A_VALUE: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "NAME",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "LENGTH",
    "ENABLED",
    "TYPE",
    "MODE",
    "REF",
    "KEYREF",
    "ID",
    "USER",
    "USERNAME",
    "HEADER",
    "ALGORITHM",
];

fn credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_A_VALUE.contains(last) {
        return false;
    }
    let joined_pairs = parts.windows(2).any(|w| match w {
        [a, b] => {
            (*a == "API" || *a == "ACCESS" || *a == "PRIVATE" || *a == "SECRET" || *a == "AUTH")
                && (*b == "KEY" || *b == "TOKEN")
        }
        _ => false,
    });
    joined_pairs || parts.iter().any(|p| CREDENTIAL_WORDS.contains(p))
}

/// A value written out, not a reference, template, placeholder or flag.
fn looks_literal(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 4 || v.contains("$(") || v.contains("${") || v.contains("{{") {
        return false;
    }
    if v.starts_with('<') && v.ends_with('>') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if ["true", "false", "null", "none", "enabled", "disabled"].contains(&lower.as_str()) {
        return false;
    }
    !v.chars().all(|c| c.is_ascii_digit())
}

/// The kind of credential a value is shaped like, for well-known formats.
fn credential_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum_after = |prefix: &str, len: usize, extra: &[char]| {
        v.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= len
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
        })
    };
    if v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| alnum_after(p, 36, &[]))
        || alnum_after("github_pat_", 40, &['_'])
    {
        return Some("a GitHub token");
    }
    if alnum_after("glpat-", 20, &['-', '_']) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxr-"]
        .iter()
        .any(|p| alnum_after(p, 10, &['-']))
    {
        return Some("a Slack token");
    }
    if alnum_after("sk_live_", 16, &[]) || alnum_after("rk_live_", 16, &[]) {
        return Some("a Stripe live key");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(credential_name("DB_PASSWORD"));
        assert!(credential_name("api-key"));
        assert!(credential_name("STRIPE_SECRET_KEY"));
        assert!(credential_name("GITHUB_TOKEN"));
        assert!(!credential_name("PASSWORD_FILE"));
        assert!(!credential_name("TOKEN_URL"));
        assert!(!credential_name("LOG_LEVEL"));
        assert!(!credential_name("KEYCLOAK_HOST"));
        assert!(!credential_name("TOKEN_TTL"));
    }

    #[test]
    fn values() {
        assert!(looks_literal("s3cr3t-pa55"));
        assert!(!looks_literal("$(DB_PASSWORD)"));
        assert!(!looks_literal("${PASSWORD}"));
        assert!(!looks_literal("{{ .Values.password }}"));
        assert!(!looks_literal("<password>"));
        assert!(!looks_literal("3600"));
        assert!(!looks_literal("true"));
        assert_eq!(
            credential_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key id")
        );
        assert_eq!(
            credential_shape("ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("a GitHub token")
        );
        assert_eq!(credential_shape("hello"), None);
    }
}

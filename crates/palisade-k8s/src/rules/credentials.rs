//! Credentials written into manifests: plaintext Secrets and literal
//! environment values that look like passwords, tokens or keys. Messages
//! never repeat the value.

use super::Ctx;
use crate::pod::field;
use palisade_core::credentials::{is_credential_name, is_placeholder, known_shape};
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
    for c in pod.containers() {
        for env in field(c.node, "env").map(Node::items).unwrap_or(&[]) {
            let name = env.get("name").and_then(Node::as_str).unwrap_or("");
            let Some(value) = field(env, "value") else {
                continue;
            };
            let text = value.display();
            let why = if let Some(kind) = known_shape(&text) {
                Some(format!("has the shape of {kind}"))
            } else if is_credential_name(name) && !is_reference(&text) && !is_placeholder(&text) {
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

/// `$(VAR)` is expanded by the kubelet from another variable; `${VAR}` is
/// left for a template engine or the shell: neither is a literal value.
fn is_reference(value: &str) -> bool {
    value.contains("$(") || value.contains("${")
}

//! DF005: `ADD` of a remote source without a checksum.

use super::Reporter;
use crate::shell::{exec_form, split_flags};
use crate::stages::Dockerfile;
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` whose source is a URL (`http://`, `https://`) or a Git
    /// repository (`git@...`, `git://`, `ssh://`, `https://....git`) and that
    /// has no `--checksum=` flag to verify what was fetched.
    ///
    /// ## Why is this bad?
    /// `ADD <url>` copies whatever the server returns at build time into the
    /// image: a compromised server, a hijacked domain or a moved Git tag
    /// changes the image without any change to the Dockerfile, and nothing
    /// fails. `ADD` also unpacks local archives implicitly, which makes it
    /// harder to review than `COPY`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/acme/tool/releases/download/v1.2.0/tool.tar.gz /tmp/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    ///     https://github.com/acme/tool/releases/download/v1.2.0/tool.tar.gz /tmp/
    /// ```
    /// or download with `curl` and check the file with `sha256sum -c` in the
    /// same `RUN`.
    pub static ADD_REMOTE_URL = {
        id: "DF005",
        name: "dockerfile-add-remote-url",
        title: "ADD of a remote source without a checksum",
        severity: Medium,
        groups: ["dockerfile"],
        remediation: "Add `--checksum=sha256:<digest>` to the ADD (a commit hash for a Git source), or download with curl/wget and verify the file with `sha256sum -c` in the same RUN.",
        references: [
            CisDocker("4.9"),
            Cwe(494),
            Url("https://docs.docker.com/reference/dockerfile/#add---checksum"),
        ],
    };
}

/// Checks every `ADD`.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    for stage in &file.stages {
        for ins in stage.body.iter().filter(|i| i.keyword == "ADD") {
            let (flags, rest) = split_flags(&ins.args);
            if flags.iter().any(|f| f.name == "checksum") {
                continue;
            }
            let words: Vec<String> = exec_form(rest).unwrap_or_else(|| {
                rest.split_whitespace()
                    .map(|w| w.trim_matches(['"', '\'']).to_string())
                    .collect()
            });
            let sources = words.split_last().map_or(&[][..], |(_, s)| s);
            for src in sources.iter().filter(|s| is_remote(s)) {
                let what = if is_git(src) { "clones" } else { "downloads" };
                r.report(
                    &ADD_REMOTE_URL,
                    stage.label(),
                    ins,
                    format!(
                        "ADD {what} `{}` without `--checksum`, so its content is not verified (ADD at line {})",
                        redact(src),
                        ins.line
                    ),
                );
            }
        }
    }
}

fn is_remote(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || is_git(src)
}

fn is_git(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.starts_with("git@")
        || l.starts_with("git://")
        || l.starts_with("ssh://")
        || l.split(['#', '?'])
            .next()
            .is_some_and(|u| u.ends_with(".git"))
}

/// The URL without anything that may hold a credential: user information
/// (`user:token@`) and the query string (`?token=...`).
fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // A bare user name can be a token too (`https://<token>@github.com`).
    let authority = match (scheme, authority.rsplit_once('@')) {
        (Some(_), Some((_, host))) => format!("***@{host}"),
        _ => authority.to_string(),
    };
    let path = match path.split_once('?') {
        Some((p, _)) => format!("{p}?…"),
        None => path.to_string(),
    };
    let scheme = scheme.map(|s| format!("{s}://")).unwrap_or_default();
    let full = format!("{scheme}{authority}{path}");
    const MAX: usize = 100;
    if full.chars().count() <= MAX {
        return full;
    }
    let mut short: String = full.chars().take(MAX).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_sources() {
        assert!(is_remote("https://x/y.tgz"));
        assert!(is_remote("HTTP://x"));
        assert!(is_remote("git@github.com:acme/app.git"));
        assert!(is_remote("https://github.com/acme/app.git#v1"));
        assert!(!is_remote("app.tar.gz"));
        assert!(!is_remote("./https/x"));
    }

    #[test]
    fn redaction() {
        assert_eq!(redact("https://u:tok@h/p?sig=abc"), "https://***@h/p?…");
        assert_eq!(redact("git@github.com:a/b.git"), "git@github.com:a/b.git");
        assert_eq!(redact("https://h/p"), "https://h/p");
    }
}

//! DF001: the image runs as root.

use super::{Reporter, cite};
use crate::parse::shorten;
use crate::stages::{Base, Dockerfile, Stage};
use crate::vars::expand;
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage, the image that is shipped, runs
    /// as root: it has no `USER` instruction, or its last `USER` is `root` or
    /// uid `0` (`root:root`, `0:0`, `0:staff` included).
    ///
    /// Only the final stage matters, since earlier stages are build steps. A
    /// `USER` set in an earlier stage does not carry over to a stage built
    /// `FROM` an external image, but a final stage `FROM <earlier stage>`
    /// inherits that stage's user. `FROM scratch` images run as root too.
    /// A `USER` that depends on a build argument without a default is not
    /// guessed at and not reported.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is one kernel or runtime
    /// bug away from root on the node, and it can rewrite everything in the
    /// image's filesystem. Kubernetes' `runAsNonRoot` refuses such images,
    /// and the restricted Pod Security Standard requires non-root users.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// COPY app /app
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    pub static ROOT_USER = {
        id: "DF001",
        name: "dockerfile-root-user",
        title: "Image runs as root",
        severity: High,
        groups: ["dockerfile"],
        remediation: "Create an unprivileged user and end the final stage with `USER <name or uid>` (a numeric uid lets Kubernetes verify `runAsNonRoot`).",
        references: [
            CisDocker("4.1"),
            Cwe(250),
            Nsa("Pod security: non-root containers and rootless container engines"),
            Url("https://docs.docker.com/build/building/best-practices/#user"),
        ],
    };
}

/// Checks the final stage.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    let Some(last) = file.stages.last() else {
        return;
    };
    let ancestors = file.ancestors(last);
    // The nearest stage of the chain with a USER decides.
    for stage in std::iter::once(last).chain(ancestors.iter().copied()) {
        let Some((pos, ins)) = stage
            .body
            .iter()
            .enumerate()
            .rev()
            .find(|(_, i)| i.keyword == "USER")
        else {
            continue;
        };
        let scope = file.scope(stage, pos);
        let Some(user) = expand(ins.args.trim(), &scope, file.escape) else {
            return; // depends on a build argument: do not guess
        };
        if is_root(&user) {
            let inherited = if stage.index == last.index {
                String::new()
            } else {
                format!(", inherited from stage `{}`", stage.label())
            };
            r.report(
                &ROOT_USER,
                last.label(),
                ins,
                format!(
                    "final stage `{}` runs as `{}`{inherited} ({})",
                    last.label(),
                    shorten(&user),
                    cite(ins)
                ),
            );
        }
        return;
    }
    let root = ancestors.last().copied().unwrap_or(last);
    let chain = if ancestors.is_empty() {
        format!("final stage `{}` has no USER instruction", last.label())
    } else {
        format!(
            "final stage `{}` and the stages it builds on ({}) have no USER instruction",
            last.label(),
            names(&ancestors)
        )
    };
    let consequence = match &root.base {
        Base::Scratch => "it builds on `scratch`, so it runs as root (uid 0)".to_string(),
        Base::External { image, .. } => {
            let tag = image
                .tag
                .as_deref()
                .map(|t| format!(":{t}"))
                .unwrap_or_default();
            format!(
                "it runs as the default user of `{}{tag}` (root unless that image sets another)",
                shorten(&image.name)
            )
        }
        _ => "it runs as the base image's default user (root unless that image sets another)"
            .to_string(),
    };
    r.report(
        &ROOT_USER,
        last.label(),
        last.from,
        format!("{chain}; {consequence}"),
    );
}

/// `root`, uid 0 (any number of zeros), with any group; Windows'
/// `ContainerAdministrator`.
fn is_root(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or("");
    name == "root"
        || (!name.is_empty() && name.chars().all(|c| c == '0'))
        || name.eq_ignore_ascii_case("ContainerAdministrator")
}

fn names(stages: &[&Stage<'_>]) -> String {
    const SHOWN: usize = 3;
    let mut s: Vec<String> = stages
        .iter()
        .take(SHOWN)
        .map(|s| format!("`{}`", s.label()))
        .collect();
    if stages.len() > SHOWN {
        s.push("…".to_string());
    }
    s.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users() {
        for u in ["root", "0", "root:root", "0:0", "0:staff", "000", " root "] {
            assert!(is_root(u), "{u}");
        }
        for u in ["app", "1000", "10001:0", "rootless", "Root", ""] {
            assert!(!is_root(u), "{u}");
        }
    }
}

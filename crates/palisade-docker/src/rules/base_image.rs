//! DF002 and DF003: base images that can change under the same name.

use super::Reporter;
use crate::parse::shorten;
use crate::stages::{Base, Dockerfile, Stage};
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose external base image has no tag and no digest
    /// (which means `latest`), or the tag `latest`.
    ///
    /// Earlier stages (`FROM build`) and `scratch` are not images from a
    /// registry and are not checked. An image reference that needs a build
    /// argument without a default (`FROM node:${VERSION}` after `ARG VERSION`)
    /// is not guessed at and not reported; one whose `ARG` has a default is
    /// checked with that default.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever the publisher pushed last: two builds of the same
    /// Dockerfile can get different operating systems, runtimes and
    /// vulnerabilities, a major upgrade can land unreviewed, and nobody can
    /// tell later which base an image was built on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// FROM python:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// FROM python:3.12-slim@sha256:<digest>
    /// ```
    pub static BASE_IMAGE_LATEST = {
        id: "DF002",
        name: "dockerfile-base-image-latest",
        title: "Base image uses the latest tag",
        severity: Medium,
        groups: ["dockerfile"],
        remediation: "Name an explicit version tag (better: also pin the digest, `image:tag@sha256:...`) and update it deliberately.",
        references: [
            Cwe(1357),
            Url("https://docs.docker.com/build/building/best-practices/#from"),
        ],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose external base image is not pinned by a digest
    /// (`@sha256:...`). A tag alone is not a pin: tags are mutable.
    ///
    /// Earlier stages, `scratch` and references that need a build argument
    /// without a default are not checked, as for DF002.
    ///
    /// ## Why is this bad?
    /// A tag can be moved to a different image at any time, by the publisher
    /// or by whoever compromises the registry account. Only a digest names
    /// exactly one image, so only a digest makes the build reproducible and
    /// guarantees that the base image you reviewed is the one you ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # Keep the tag for readers; the digest is what is pulled.
    /// FROM alpine:3.20@sha256:<digest>
    /// ```
    /// Tools such as Renovate or Dependabot keep pinned digests up to date.
    pub static BASE_IMAGE_NOT_PINNED = {
        id: "DF003",
        name: "dockerfile-base-image-not-pinned",
        title: "Base image not pinned by digest",
        severity: Low,
        groups: ["dockerfile"],
        remediation: "Append the image digest: `FROM image:tag@sha256:<digest>` (`docker buildx imagetools inspect image:tag` prints it), and let a dependency bot update it.",
        references: [
            CisDocker("4.2"),
            Cwe(494),
            Url("https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"),
        ],
    };
}

/// Checks every stage's `FROM`.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    for stage in &file.stages {
        let Base::External { image, resolved } = &stage.base else {
            continue;
        };
        let shown = shown(stage, resolved);
        if image.digest.is_none() {
            let problem = match image.tag.as_deref() {
                None => Some(format!(
                    "base image {shown} has no tag or digest, so it means `{}:latest`",
                    shorten(&image.name)
                )),
                Some("latest") => Some(format!("base image {shown} uses the `latest` tag")),
                Some(_) => None,
            };
            if let Some(problem) = problem {
                r.report(
                    &BASE_IMAGE_LATEST,
                    stage.label(),
                    stage.from,
                    format!("{problem} (FROM at line {})", stage.from.line),
                );
            }
        }
        if !image.is_pinned() {
            let problem = match &image.digest {
                Some(d) => format!(
                    "base image {shown} has digest `{}`, which is not a valid sha256 digest",
                    shorten(d)
                ),
                None => format!("base image {shown} is not pinned by digest"),
            };
            r.report(
                &BASE_IMAGE_NOT_PINNED,
                stage.label(),
                stage.from,
                format!("{problem} (FROM at line {})", stage.from.line),
            );
        }
    }
}

/// The image as written, with what it expands to when an `ARG` was used.
fn shown(stage: &Stage<'_>, resolved: &str) -> String {
    if stage.written == resolved {
        format!("`{}`", shorten(resolved))
    } else {
        format!(
            "`{}` (from `{}`)",
            shorten(resolved),
            shorten(&stage.written)
        )
    }
}

//! Container image references: floating tags, digests, and registries.

use super::Ctx;
use crate::pod::field;
use palisade_core::image::ImageRef;
use palisade_core::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags images with no tag or with the `latest` tag (and no digest).
    ///
    /// ## Why is this bad?
    /// A floating tag means the code that runs changes whenever the tag is
    /// pushed: rollbacks are unreliable, nodes may run different versions,
    /// and a compromised registry push is deployed silently.
    ///
    /// ## Example
    /// ```yaml
    /// image: nginx:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// image: nginx:1.27.2
    /// ```
    pub static IMAGE_FLOATING_TAG = {
        id: "WL003",
        name: "image-latest-tag",
        title: "Image without tag or with the latest tag",
        severity: Medium,
        groups: ["workload", "images"],
        remediation: "Use an immutable version tag, or better a digest (image@sha256:...).",
        references: [Nsa("Image scanning and supply chain"), Url("https://kubernetes.io/docs/concepts/containers/images/#image-names"), Cwe(1357)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags images not pinned by a content digest (`@sha256:...`).
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the same tag can point at different content
    /// tomorrow. Only a digest guarantees the bytes that were scanned and
    /// signed are the bytes that run.
    ///
    /// ## Example
    /// ```yaml
    /// image: ghcr.io/acme/api:2.3.1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// image: ghcr.io/acme/api:2.3.1@sha256:4c5e...
    /// ```
    pub static IMAGE_NOT_PINNED = {
        id: "WL004",
        name: "image-not-pinned",
        title: "Image not pinned by digest",
        severity: Low,
        groups: ["workload", "images"],
        remediation: "Reference the image by digest (tag@sha256:...), e.g. with a renovate/dependabot pinning rule.",
        references: [Nsa("Image scanning and supply chain"), Cwe(494)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags images from a registry that is not in the configured allow-list
    /// (`images.allowed-registries` in `palisade.yaml`). Entries are registry
    /// hosts (`registry.example.com`) or registry paths (`ghcr.io/acme`),
    /// matched at path boundaries. With no allow-list configured the rule
    /// reports nothing.
    ///
    /// ## Why is this bad?
    /// Images from arbitrary registries bypass the scanning, signing and
    /// provenance controls your own registry enforces, and typosquatted
    /// public images are a known attack.
    ///
    /// ## Example
    /// ```yaml
    /// image: docker.io/someone/tool:1.0
    /// ```
    ///
    /// ## Use instead
    /// Mirror the image into an allowed registry and reference it there.
    pub static IMAGE_REGISTRY = {
        id: "WL005",
        name: "image-registry-not-allowed",
        title: "Image from a registry outside the allow-list",
        severity: High,
        groups: ["workload", "images"],
        remediation: "Pull images only from the registries listed in images.allowed-registries.",
        references: [Nsa("Image scanning and supply chain"), Cis("5.5.1"), Cwe(829)],
    };
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = &ctx.pod else {
        return;
    };
    for c in pod.containers() {
        let Some(node) = field(c.node, "image") else {
            continue;
        };
        let Some(image) = node.as_str().and_then(ImageRef::parse) else {
            continue;
        };
        let text = node.display();
        if image.is_floating() {
            let why = if image.tag.is_some() {
                "uses the `latest` tag"
            } else {
                "has no tag"
            };
            out.push(ctx.finding(
                &IMAGE_FLOATING_TAG,
                format!("{} image \"{text}\" {why}", c.describe()),
                node.pos,
                Some(&c),
            ));
        }
        if !image.is_pinned() {
            out.push(ctx.finding(
                &IMAGE_NOT_PINNED,
                format!("{} image \"{text}\" is not pinned by digest", c.describe()),
                node.pos,
                Some(&c),
            ));
        }
        let allowed = &ctx.config.allowed_registries;
        if !allowed.is_empty() && !image.allowed_by(allowed) {
            out.push(ctx.finding(
                &IMAGE_REGISTRY,
                format!(
                    "{} image \"{text}\" comes from {}, which is not in images.allowed-registries",
                    c.describe(),
                    image.registry
                ),
                node.pos,
                Some(&c),
            ));
        }
    }
}

//! The restricted level's volume type allow-list.

use super::{PssCheck, Revision, Violation};
use crate::pod::{Pod, field};
use palisade_core::{PssLevel, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// At the restricted level, allows only volume types that are defined by
    /// the pod itself: `configMap`, `csi`, `downwardAPI`, `emptyDir`,
    /// `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and
    /// `secret`. Every other type (hostPath, nfs, iscsi, rbd, gitRepo...) is
    /// flagged. A volume with no source is defaulted to `emptyDir` by the
    /// API server and allowed.
    ///
    /// ## Why is this bad?
    /// Direct volume sources bypass PersistentVolume administration: a pod
    /// can mount any NFS export or block device it can name, and `gitRepo`
    /// runs git on the node.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: shared
    ///   nfs: {server: 10.0.0.5, path: /exports}
    /// ```
    ///
    /// ## Use instead
    /// Claim storage through a `persistentVolumeClaim`.
    pub static RESTRICTED_VOLUMES_RULE = {
        id: "PSS101",
        name: "restricted-volumes",
        title: "Volume type not allowed at restricted level",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.",
        references: [Pss("Volume Types"), Cwe(668)],
    };
}

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "image",
];

/// Volume sources of `core/v1` that the restricted level forbids. Keys that
/// are not volume sources at all are dropped by the API server's decoder, so
/// they are not volume types.
const FORBIDDEN: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn restricted_volumes(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for v in field(pod.spec, "volumes").map(Node::items).unwrap_or(&[]) {
        if ALLOWED.iter().any(|k| field(v, k).is_some()) {
            continue;
        }
        let name = v.get("name").map(Node::display).unwrap_or_default();
        for kind in FORBIDDEN {
            if let Some(src) = field(v, kind) {
                out.push(Violation::pod(
                    format!("volume \"{name}\" uses restricted volume type \"{kind}\""),
                    src.pos,
                ));
            }
        }
    }
}

/// Upstream `restrictedVolumes`.
pub static RESTRICTED_VOLUMES: PssCheck = PssCheck {
    id: "restrictedVolumes",
    level: PssLevel::Restricted,
    rule: &RESTRICTED_VOLUMES_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: restricted_volumes,
    }],
    overrides: &["hostPathVolumes"],
};

//! The Pod Security Standards, with the semantics and version history of the
//! upstream `k8s.io/pod-security-admission` checks.
//!
//! Each control is a [`PssCheck`] with one or more revisions; policy version
//! `v1.N` runs the newest revision whose minimum version is at most N, and a
//! check whose first revision is newer than N does not run. At the
//! restricted level, a restricted check replaces the baseline checks it
//! overrides (for example `capabilities_restricted` replaces
//! `capabilities_baseline` from v1.22). A pod is admitted at a level exactly
//! when [`evaluate`] returns no violation; the upstream fixtures under
//! `tests/data/pss` hold us to that.

mod host;
mod privilege;
mod profiles;
mod volumes;

use crate::pod::Pod;
use palisade_core::{PssLevel, PssVersion, RuleMeta, Severity};
use palisade_yaml::Pos;

/// The newest policy version any check has a revision for: `latest`, and
/// any newer version, mean this one.
pub const LATEST_MINOR: u32 = 37;

/// One way a pod breaks a control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What is wrong: which field, which value.
    pub message: String,
    /// The field at fault, or its nearest enclosing node.
    pub pos: Pos,
    /// The container at fault, when there is one.
    pub container: Option<String>,
    /// A severity above the rule's default, for the worst cases of a
    /// control (adding `SYS_ADMIN` is worse than not dropping `ALL`).
    pub severity: Option<Severity>,
}

impl Violation {
    fn pod(message: String, pos: Pos) -> Violation {
        Violation {
            message,
            pos,
            container: None,
            severity: None,
        }
    }

    fn container(c: &crate::pod::Container<'_>, message: String, pos: Pos) -> Violation {
        Violation {
            message,
            pos,
            container: Some(c.name.to_string()),
            severity: None,
        }
    }
}

/// Who sets a security-context field: the pod, or one of its containers.
enum Setter<'a> {
    Pod,
    Container(crate::pod::Container<'a>),
}

impl Setter<'_> {
    /// `pod`, `container "web"`, `init container "setup"`...
    fn who(&self) -> String {
        match self {
            Setter::Pod => "pod".to_string(),
            Setter::Container(c) => c.describe(),
        }
    }

    fn violation(&self, message: String, pos: Pos) -> Violation {
        match self {
            Setter::Pod => Violation::pod(message, pos),
            Setter::Container(c) => Violation::container(c, message, pos),
        }
    }
}

/// Calls `f` with `securityContext.<path>` of the pod and of each container,
/// wherever it is set (upstream judges each setting on its own).
fn each_setting<'a>(
    pod: &Pod<'a>,
    path: &[&str],
    mut f: impl FnMut(&Setter<'a>, &'a palisade_yaml::Node),
) {
    if let Some(n) = pod.sc(path) {
        f(&Setter::Pod, n);
    }
    for c in pod.containers() {
        if let Some(n) = c.sc(path) {
            f(&Setter::Container(c), n);
        }
    }
}

/// The function of one revision of a check.
pub type CheckFn = fn(&Pod<'_>, &mut Vec<Violation>);

/// A revision of a check and the policy version it starts at.
#[derive(Debug, Clone, Copy)]
pub struct Revision {
    /// First minor version (1.N) this revision applies to.
    pub min_minor: u32,
    /// The check.
    pub check: CheckFn,
}

/// A Pod Security Standards control.
#[derive(Debug)]
pub struct PssCheck {
    /// Upstream check id, e.g. `capabilities_restricted`.
    pub id: &'static str,
    /// The level it belongs to.
    pub level: PssLevel,
    /// The Palisade rule that reports it.
    pub rule: &'static RuleMeta,
    /// Revisions, oldest first.
    pub revisions: &'static [Revision],
    /// Baseline check ids this (restricted) check replaces when it runs.
    pub overrides: &'static [&'static str],
}

impl PssCheck {
    /// The revision in force at minor version `minor`, if the check exists then.
    pub fn revision(&self, minor: u32) -> Option<&Revision> {
        self.revisions.iter().rev().find(|r| r.min_minor <= minor)
    }
}

/// Every check, baseline first, in upstream's order.
pub static CHECKS: &[&PssCheck] = &[
    &profiles::APPARMOR_PROFILE,
    &privilege::CAPABILITIES_BASELINE,
    &host::HOST_NAMESPACES,
    &host::HOST_PATH_VOLUMES,
    &host::HOST_PORTS,
    &host::HOST_PROBES_LIFECYCLE,
    &privilege::PRIVILEGED,
    &profiles::PROC_MOUNT,
    &profiles::SELINUX_OPTIONS,
    &profiles::SECCOMP_BASELINE,
    &host::SYSCTLS,
    &host::WINDOWS_HOST_PROCESS,
    &privilege::ALLOW_PRIVILEGE_ESCALATION,
    &privilege::CAPABILITIES_RESTRICTED,
    &profiles::PROC_MOUNT_RESTRICTED,
    &volumes::RESTRICTED_VOLUMES,
    &privilege::RUN_AS_NON_ROOT,
    &privilege::RUN_AS_USER,
    &profiles::SECCOMP_RESTRICTED,
];

/// The rules behind the checks.
pub fn rules() -> impl Iterator<Item = &'static RuleMeta> {
    CHECKS.iter().map(|c| c.rule)
}

/// The minor version a policy version means.
pub fn minor(version: PssVersion) -> u32 {
    match version {
        PssVersion::Minor(m) => m.min(LATEST_MINOR),
        PssVersion::Latest => LATEST_MINOR,
    }
}

/// The checks that run at a level and version, each with its revision,
/// among those whose rule `enabled` accepts. A restricted check that is not selected does not replace the baseline
/// check it overrides: `--select pss-baseline` at the restricted level
/// still reports hostPath volumes.
pub fn active(
    level: PssLevel,
    version: PssVersion,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<(&'static PssCheck, CheckFn)> {
    let v = minor(version);
    let restricted: Vec<_> = if level >= PssLevel::Restricted {
        CHECKS
            .iter()
            .filter(|c| c.level == PssLevel::Restricted && enabled(c.rule))
            .filter_map(|c| c.revision(v).map(|r| (*c, r.check)))
            .collect()
    } else {
        Vec::new()
    };
    let overridden = |id: &str| restricted.iter().any(|(c, _)| c.overrides.contains(&id));
    let baseline = if level >= PssLevel::Baseline {
        CHECKS
            .iter()
            .filter(|c| c.level == PssLevel::Baseline && enabled(c.rule) && !overridden(c.id))
            .filter_map(|c| c.revision(v).map(|r| (*c, r.check)))
            .collect()
    } else {
        Vec::new()
    };
    let mut all: Vec<_> = baseline;
    all.extend(restricted);
    all
}

/// Evaluates a pod at a level and version: every violation of every check
/// that runs. An empty result means the pod is admitted.
pub fn evaluate(
    pod: &Pod<'_>,
    level: PssLevel,
    version: PssVersion,
) -> Vec<(&'static PssCheck, Violation)> {
    evaluate_selected(pod, level, version, &|_| true)
}

/// Like [`evaluate`], with only the checks whose rule `enabled` accepts.
pub fn evaluate_selected(
    pod: &Pod<'_>,
    level: PssLevel,
    version: PssVersion,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<(&'static PssCheck, Violation)> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for (check, f) in active(level, version, enabled) {
        f(pod, &mut buf);
        out.extend(buf.drain(..).map(|v| (check, v)));
    }
    out
}

//! Controls on the kernel confinement profiles: AppArmor, SELinux, seccomp,
//! and the /proc mount type.

use super::{PssCheck, Revision, Violation, each_setting};
use crate::pod::{Pod, field};
use palisade_core::{PssLevel, declare_rule};
use palisade_yaml::{Node, Pos};

declare_rule! {
    /// ## What it does
    /// Flags AppArmor profiles other than the runtime default or a profile
    /// loaded on the node: the `appArmorProfile.type` field of the pod or a
    /// container must be `RuntimeDefault` or `Localhost`, and the legacy
    /// `container.apparmor.security.beta.kubernetes.io/*` annotations must be
    /// `runtime/default` or `localhost/*`.
    ///
    /// ## Why is this bad?
    /// `Unconfined` removes the mandatory access control that blocks writes
    /// to /proc and /sys and many mount and ptrace based escapes.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile: {type: Unconfined}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile: {type: RuntimeDefault}
    /// ```
    pub static APPARMOR_RULE = {
        id: "PSS006",
        name: "apparmor-profile",
        title: "AppArmor profile disabled or overridden",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Use appArmorProfile type RuntimeDefault or Localhost (or the annotation values runtime/default or localhost/<profile>).",
        references: [Pss("AppArmor"), Nsa("Pod security"), Cwe(693)],
    };
}

const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn apparmor(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if let Some(ann) = pod.annotations() {
        for (k, v) in ann.iter() {
            if !k.text.starts_with(APPARMOR_ANNOTATION) {
                continue;
            }
            let value = v.display();
            let value = if v.is_null() { String::new() } else { value };
            let ok =
                value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
            if !ok {
                out.push(Violation::pod(
                    format!(
                        "annotation {}=\"{value}\" sets a forbidden AppArmor profile",
                        k.text
                    ),
                    v.pos,
                ));
            }
        }
    }
    each_setting(pod, &["appArmorProfile"], |who, profile| {
        let t = field(profile, "type").and_then(Node::as_str).unwrap_or("");
        if t != "RuntimeDefault" && t != "Localhost" {
            out.push(who.violation(
                format!(
                    "{} must not set AppArmor profile type to {}",
                    who.who(),
                    shown_type(t)
                ),
                field(profile, "type").map_or(profile.pos, |n| n.pos),
            ));
        }
    });
}

/// Upstream `appArmorProfile`.
pub static APPARMOR_PROFILE: PssCheck = PssCheck {
    id: "appArmorProfile",
    level: PssLevel::Baseline,
    rule: &APPARMOR_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: apparmor,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags SELinux options that set a custom `user` or `role`, or a `type`
    /// other than `container_t`, `container_init_t`, `container_kvm_t` (and,
    /// from policy v1.31, `container_engine_t`).
    ///
    /// ## Why is this bad?
    /// A custom SELinux type or user can lift the confinement SELinux puts
    /// between containers and the host (`spc_t`, for example, is unconfined).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions: {type: spc_t}
    /// ```
    ///
    /// ## Use instead
    /// Leave `seLinuxOptions` unset, or set only `level`.
    pub static SELINUX_RULE = {
        id: "PSS007",
        name: "selinux-options",
        title: "Custom SELinux user, role or type",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove seLinuxOptions.user and .role, and use an allowed container type.",
        references: [Pss("SELinux"), Nsa("Pod security"), Cwe(693)],
    };
}

const SELINUX_TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// What is wrong with one `seLinuxOptions` object, with where it is.
fn selinux_problems(opts: &Node, types: &[&str]) -> Vec<(String, Pos)> {
    let mut problems = Vec::new();
    let t = field(opts, "type").map(Node::display).unwrap_or_default();
    if !types.contains(&t.as_str()) {
        let pos = field(opts, "type").map_or(opts.pos, |n| n.pos);
        problems.push((format!("type \"{t}\""), pos));
    }
    for key in ["user", "role"] {
        if let Some(n) = field(opts, key).filter(|n| !n.display().is_empty()) {
            problems.push((format!("{key} \"{}\" (may not be set)", n.display()), n.pos));
        }
    }
    problems
}

fn selinux_with(pod: &Pod<'_>, types: &[&str], out: &mut Vec<Violation>) {
    each_setting(pod, &["seLinuxOptions"], |who, opts| {
        for (what, pos) in selinux_problems(opts, types) {
            out.push(who.violation(
                format!(
                    "{} sets forbidden securityContext.seLinuxOptions {what}",
                    who.who()
                ),
                pos,
            ));
        }
    });
}

fn selinux_1_0(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    selinux_with(pod, SELINUX_TYPES_1_0, out);
}

fn selinux_1_31(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    selinux_with(pod, SELINUX_TYPES_1_31, out);
}

/// Upstream `seLinuxOptions`.
pub static SELINUX_OPTIONS: PssCheck = PssCheck {
    id: "seLinuxOptions",
    level: PssLevel::Baseline,
    rule: &SELINUX_RULE,
    revisions: &[
        Revision {
            min_minor: 0,
            check: selinux_1_0,
        },
        Revision {
            min_minor: 31,
            check: selinux_1_31,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags seccomp profiles explicitly set to `Unconfined` (or any type
    /// other than `RuntimeDefault` or `Localhost`) on the pod or a container.
    /// Before policy v1.19 the legacy `seccomp.security.alpha.kubernetes.io`
    /// annotations are checked instead, and must be `runtime/default`,
    /// `docker/default` or `localhost/*`.
    ///
    /// ## Why is this bad?
    /// Without seccomp every system call of the kernel is reachable from the
    /// container, including the rarely used ones where escapes are found.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seccompProfile: {type: Unconfined}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   seccompProfile: {type: RuntimeDefault}
    /// ```
    pub static SECCOMP_BASELINE_RULE = {
        id: "PSS009",
        name: "seccomp-baseline",
        title: "Seccomp explicitly disabled",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Set seccompProfile.type to RuntimeDefault or Localhost, or remove the Unconfined profile.",
        references: [Pss("Seccomp"), Cis("5.7.2"), Nsa("Pod security"), Cwe(693)],
    };
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn seccomp_baseline_1_0(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    let Some(ann) = pod.annotations() else {
        return;
    };
    let allowed =
        |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    for (k, v) in ann.iter() {
        let applies = k.text == SECCOMP_POD_ANNOTATION
            || k.text
                .strip_prefix(SECCOMP_CONTAINER_ANNOTATION)
                .is_some_and(|name| pod.containers().any(|c| c.name == name));
        let value = if v.is_null() {
            String::new()
        } else {
            v.display()
        };
        if applies && !allowed(&value) {
            out.push(Violation::pod(
                format!("forbidden seccomp annotation {}=\"{value}\"", k.text),
                v.pos,
            ));
        }
    }
}

fn valid_seccomp(profile: &Node) -> Result<(), String> {
    let t = field(profile, "type")
        .map(Node::display)
        .unwrap_or_default();
    if t == "RuntimeDefault" || t == "Localhost" {
        Ok(())
    } else {
        Err(t)
    }
}

fn seccomp_baseline_1_19(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    each_setting(pod, &["seccompProfile"], |who, profile| {
        if let Err(t) = valid_seccomp(profile) {
            out.push(who.violation(
                format!(
                    "{} must not set securityContext.seccompProfile.type to {}",
                    who.who(),
                    shown_type(&t)
                ),
                field(profile, "type").map_or(profile.pos, |n| n.pos),
            ));
        }
    });
}

/// Upstream `seccompProfile_baseline`.
pub static SECCOMP_BASELINE: PssCheck = PssCheck {
    id: "seccompProfile_baseline",
    level: PssLevel::Baseline,
    rule: &SECCOMP_BASELINE_RULE,
    revisions: &[
        Revision {
            min_minor: 0,
            check: seccomp_baseline_1_0,
        },
        Revision {
            min_minor: 19,
            check: seccomp_baseline_1_19,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Requires a seccomp profile: `seccompProfile.type` must be
    /// `RuntimeDefault` or `Localhost` on the pod (inherited by containers)
    /// or on every container, and must not be anything else anywhere
    /// (policy v1.19 and later; Windows pods are exempt from v1.25).
    ///
    /// ## Why is this bad?
    /// Kubernetes runs containers without seccomp unless asked: the whole
    /// system call surface of the kernel is then open to the container.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: app:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile: {type: RuntimeDefault}
    /// ```
    pub static SECCOMP_RESTRICTED_RULE = {
        id: "PSS105",
        name: "seccomp-restricted",
        title: "Seccomp profile not set",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost).",
        references: [Pss("Seccomp (v1.19+)"), Cis("5.7.2"), Nsa("Pod security"), Cwe(693)],
    };
}

fn seccomp_restricted_1_19(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    let pod_profile = pod.sc(&["seccompProfile"]);
    let pod_valid = match pod_profile {
        Some(p) => match valid_seccomp(p) {
            Ok(()) => true,
            Err(t) => {
                out.push(Violation::pod(
                    format!(
                        "pod must not set securityContext.seccompProfile.type to {}",
                        shown_type(&t)
                    ),
                    field(p, "type").map_or(p.pos, |n| n.pos),
                ));
                false
            }
        },
        None => false,
    };
    for c in pod.containers() {
        match c.sc(&["seccompProfile"]) {
            Some(p) => {
                if let Err(t) = valid_seccomp(p) {
                    out.push(Violation::container(
                        &c,
                        format!(
                            "{} must not set securityContext.seccompProfile.type to {}",
                            c.describe(),
                            shown_type(&t)
                        ),
                        field(p, "type").map_or(p.pos, |n| n.pos),
                    ));
                }
            }
            None if pod_valid => {}
            None => out.push(Violation::container(
                &c,
                format!(
                    "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                    c.describe()
                ),
                c.sc_pos(&["seccompProfile"]),
            )),
        }
    }
}

fn seccomp_restricted_1_25(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.is_windows() {
        seccomp_restricted_1_19(pod, out);
    }
}

/// Upstream `seccompProfile_restricted`.
pub static SECCOMP_RESTRICTED: PssCheck = PssCheck {
    id: "seccompProfile_restricted",
    level: PssLevel::Restricted,
    rule: &SECCOMP_RESTRICTED_RULE,
    revisions: &[
        Revision {
            min_minor: 19,
            check: seccomp_restricted_1_19,
        },
        Revision {
            min_minor: 25,
            check: seccomp_restricted_1_25,
        },
    ],
    overrides: &["seccompProfile_baseline"],
};

declare_rule! {
    /// ## What it does
    /// Flags containers that set `securityContext.procMount` to anything but
    /// `Default`. From policy v1.35 a pod with its own user namespace
    /// (`hostUsers: false`) may use `Unmasked` at the baseline level.
    ///
    /// ## Why is this bad?
    /// The default /proc mount masks and makes read-only the paths that leak
    /// host information or allow kernel tuning; `Unmasked` exposes them.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// ## Use instead
    /// Leave `procMount` unset (or `Default`).
    pub static PROC_MOUNT_RULE = {
        id: "PSS008",
        name: "proc-mount",
        title: "Unmasked /proc mount",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove securityContext.procMount or set it to Default.",
        references: [Pss("/proc Mount Type"), Cwe(200)],
    };
}

fn proc_mount_1_0(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        if let Some(n) = c
            .sc(&["procMount"])
            .filter(|n| n.as_str() != Some("Default"))
        {
            out.push(Violation::container(
                &c,
                format!(
                    "{} must not set securityContext.procMount to \"{}\"",
                    c.describe(),
                    n.display()
                ),
                n.pos,
            ));
        }
    }
}

fn proc_mount_1_35(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.host_users_false() {
        proc_mount_1_0(pod, out);
    }
}

/// Upstream `procMount`.
pub static PROC_MOUNT: PssCheck = PssCheck {
    id: "procMount",
    level: PssLevel::Baseline,
    rule: &PROC_MOUNT_RULE,
    revisions: &[
        Revision {
            min_minor: 0,
            check: proc_mount_1_0,
        },
        Revision {
            min_minor: 35,
            check: proc_mount_1_35,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// At the restricted level (policy v1.35 and later), flags any
    /// `procMount` other than `Default`, even in pods with their own user
    /// namespace.
    ///
    /// ## Why is this bad?
    /// An unmasked /proc exposes kernel interfaces; the restricted level does
    /// not accept it even when a user namespace limits the damage.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///   - name: app
    ///     securityContext: {procMount: Unmasked}
    /// ```
    ///
    /// ## Use instead
    /// Leave `procMount` unset (or `Default`).
    pub static PROC_MOUNT_RESTRICTED_RULE = {
        id: "PSS107",
        name: "proc-mount-restricted",
        title: "Unmasked /proc mount (restricted)",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Remove securityContext.procMount or set it to Default.",
        references: [Pss("/proc Mount Type"), Cwe(200)],
    };
}

/// Upstream `procMount_restricted`.
pub static PROC_MOUNT_RESTRICTED: PssCheck = PssCheck {
    id: "procMount_restricted",
    level: PssLevel::Restricted,
    rule: &PROC_MOUNT_RESTRICTED_RULE,
    revisions: &[Revision {
        min_minor: 35,
        check: proc_mount_1_0,
    }],
    overrides: &["procMount"],
};

/// A profile type for messages: quoted, or said to be missing.
fn shown_type(t: &str) -> String {
    if t.is_empty() {
        "an empty value (the profile has no type)".to_string()
    } else {
        format!("\"{t}\"")
    }
}

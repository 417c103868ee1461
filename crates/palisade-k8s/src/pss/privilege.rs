//! Controls on privilege: privileged mode, capabilities, privilege
//! escalation, and the user a container runs as.

use super::{PssCheck, Revision, Violation, each_setting};
use crate::pod::{Container, Pod};
use palisade_core::{PssLevel, Severity, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags containers with `securityContext.privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container has every capability, every device of the node
    /// and no seccomp or AppArmor confinement: root in it is root on the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: true
    /// ```
    ///
    /// ## Use instead
    /// Remove `privileged` and add only the capabilities the workload needs.
    pub static PRIVILEGED_RULE = {
        id: "PSS001",
        name: "privileged",
        title: "Privileged container",
        severity: Critical,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove securityContext.privileged or set it to false.",
        references: [Pss("Privileged Containers"), Cis("5.2.1"), Nsa("Pod security"), Cwe(250)],
    };
}

fn privileged(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        if let Some(n) = c.sc(&["privileged"]).filter(|n| n.as_bool() == Some(true)) {
            out.push(Violation::container(
                &c,
                format!(
                    "{} must not set securityContext.privileged=true",
                    c.describe()
                ),
                n.pos,
            ));
        }
    }
}

/// Upstream `privileged`.
pub static PRIVILEGED: PssCheck = PssCheck {
    id: "privileged",
    level: PssLevel::Baseline,
    rule: &PRIVILEGED_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: privileged,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags containers that add Linux capabilities beyond the default set a
    /// container runtime grants (`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`,
    /// `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`). Names are exact and
    /// case-sensitive, as upstream compares them.
    ///
    /// ## Why is this bad?
    /// Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or
    /// `NET_RAW` each open known container escapes or network attacks.
    ///
    /// ## Example
    /// ```yaml
    /// capabilities:
    ///   add: [NET_ADMIN]
    /// ```
    ///
    /// ## Use instead
    /// Add no capability beyond the default set.
    pub static CAPABILITIES_BASELINE_RULE = {
        id: "PSS003",
        name: "capabilities-baseline",
        title: "Container adds non-default capabilities",
        severity: High,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove capabilities outside the default set from securityContext.capabilities.add.",
        references: [Pss("Capabilities"), Cis("5.2.8"), Cis("5.2.9"), Nsa("Pod security"), Cwe(250)],
    };
}

const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Reports every added capability of `c` not in `allowed`; those also
/// outside the runtime's default set get `beyond_defaults` as severity.
fn added_outside(
    c: &Container<'_>,
    allowed: &[&str],
    set_name: &str,
    beyond_defaults: Option<Severity>,
    out: &mut Vec<Violation>,
) {
    for cap in c
        .sc(&["capabilities", "add"])
        .map(Node::items)
        .unwrap_or(&[])
    {
        let name = cap.display();
        if !allowed.contains(&name.as_str()) {
            let mut v = Violation::container(
                c,
                format!(
                    "{} must not add capability \"{name}\" (securityContext.capabilities.add allows {set_name})",
                    c.describe()
                ),
                cap.pos,
            );
            if !DEFAULT_CAPABILITIES.contains(&name.as_str()) {
                v.severity = beyond_defaults;
            }
            out.push(v);
        }
    }
}

fn capabilities_baseline(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        added_outside(&c, DEFAULT_CAPABILITIES, "only the default set", None, out);
    }
}

/// Upstream `capabilities_baseline`.
pub static CAPABILITIES_BASELINE: PssCheck = PssCheck {
    id: "capabilities_baseline",
    level: PssLevel::Baseline,
    rule: &CAPABILITIES_BASELINE_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: capabilities_baseline,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags containers that do not drop `ALL` capabilities, or that add any
    /// capability other than `NET_BIND_SERVICE` (policy v1.22 and later;
    /// Windows pods are exempt from v1.25).
    ///
    /// ## Why is this bad?
    /// The runtime's default capabilities (`CHOWN`, `DAC_OVERRIDE`,
    /// `SETUID`...) are more than almost any application needs, and each is
    /// a step in some privilege escalation.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [NET_RAW]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    ///     add: [NET_BIND_SERVICE]   # only if the process binds a port below 1024
    /// ```
    pub static CAPABILITIES_RESTRICTED_RULE = {
        id: "PSS106",
        name: "capabilities-restricted",
        title: "Container does not drop all capabilities",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Set securityContext.capabilities.drop to [\"ALL\"] and add at most NET_BIND_SERVICE.",
        references: [Pss("Capabilities (v1.22+)"), Cis("5.2.9"), Nsa("Pod security"), Cwe(250)],
    };
}

fn capabilities_restricted_1_22(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        let drops_all = c
            .sc(&["capabilities", "drop"])
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .any(|d| d.as_str() == Some("ALL"));
        if !drops_all {
            out.push(Violation::container(
                &c,
                format!(
                    "{} must set securityContext.capabilities.drop=[\"ALL\"]",
                    c.describe()
                ),
                c.sc_pos(&["capabilities", "drop"]),
            ));
        }
        // Adding a capability beyond the runtime's defaults is the baseline
        // control's (high) violation, whichever check reports it.
        let beyond_defaults = Some(CAPABILITIES_BASELINE_RULE.severity);
        added_outside(
            &c,
            &["NET_BIND_SERVICE"],
            "only \"NET_BIND_SERVICE\"",
            beyond_defaults,
            out,
        );
    }
}

fn capabilities_restricted_1_25(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.is_windows() {
        capabilities_restricted_1_22(pod, out);
    }
}

/// Upstream `capabilities_restricted`.
pub static CAPABILITIES_RESTRICTED: PssCheck = PssCheck {
    id: "capabilities_restricted",
    level: PssLevel::Restricted,
    rule: &CAPABILITIES_RESTRICTED_RULE,
    revisions: &[
        Revision {
            min_minor: 22,
            check: capabilities_restricted_1_22,
        },
        Revision {
            min_minor: 25,
            check: capabilities_restricted_1_25,
        },
    ],
    overrides: &["capabilities_baseline"],
};

declare_rule! {
    /// ## What it does
    /// Flags containers that do not set
    /// `securityContext.allowPrivilegeEscalation: false` (policy v1.8 and
    /// later; Windows pods are exempt from v1.25).
    ///
    /// ## Why is this bad?
    /// Unless it is explicitly false, a process can gain more privileges than
    /// its parent through setuid binaries or file capabilities
    /// (`no_new_privs` is not set).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    /// ```
    pub static ALLOW_PRIVILEGE_ESCALATION_RULE = {
        id: "PSS102",
        name: "allow-privilege-escalation",
        title: "Container allows privilege escalation",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Set securityContext.allowPrivilegeEscalation to false in every container.",
        references: [Pss("Privilege Escalation"), Cis("5.2.6"), Nsa("Pod security"), Cwe(269)],
    };
}

fn allow_privilege_escalation_1_8(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        let field = c.sc(&["allowPrivilegeEscalation"]);
        if field.and_then(Node::as_bool) != Some(false) {
            let found = field.map_or_else(|| "unset".to_string(), |n| n.display());
            out.push(Violation::container(
                &c,
                format!(
                    "{} must set securityContext.allowPrivilegeEscalation=false (found {found})",
                    c.describe()
                ),
                c.sc_pos(&["allowPrivilegeEscalation"]),
            ));
        }
    }
}

fn allow_privilege_escalation_1_25(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.is_windows() {
        allow_privilege_escalation_1_8(pod, out);
    }
}

/// Upstream `allowPrivilegeEscalation`.
pub static ALLOW_PRIVILEGE_ESCALATION: PssCheck = PssCheck {
    id: "allowPrivilegeEscalation",
    level: PssLevel::Restricted,
    rule: &ALLOW_PRIVILEGE_ESCALATION_RULE,
    revisions: &[
        Revision {
            min_minor: 8,
            check: allow_privilege_escalation_1_8,
        },
        Revision {
            min_minor: 25,
            check: allow_privilege_escalation_1_25,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags pods whose containers may run as root: `runAsNonRoot` must be
    /// true on the pod or on every container, and false nowhere. From policy
    /// v1.35 a pod with its own user namespace (`hostUsers: false`) is exempt.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the node's kernel; a single kernel or
    /// runtime bug then becomes a node compromise.
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
    ///     runAsNonRoot: true
    /// ```
    pub static RUN_AS_NON_ROOT_RULE = {
        id: "PSS103",
        name: "run-as-non-root",
        title: "Containers may run as root",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Set spec.securityContext.runAsNonRoot to true and use an image with a non-root USER.",
        references: [Pss("Running as Non-root"), Cis("5.2.7"), Nsa("Non-root containers and rootless container engines"), Cwe(250)],
    };
}

fn run_as_non_root_1_0(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    let pod_value = pod.sc(&["runAsNonRoot"]).and_then(Node::as_bool);
    if let Some(n) = pod
        .sc(&["runAsNonRoot"])
        .filter(|n| n.as_bool() == Some(false))
    {
        out.push(Violation::pod(
            "pod must not set securityContext.runAsNonRoot=false".to_string(),
            n.pos,
        ));
    }
    for c in pod.containers() {
        match c.sc(&["runAsNonRoot"]).map(|n| (n, n.as_bool())) {
            Some((n, Some(false))) => out.push(Violation::container(
                &c,
                format!(
                    "{} must not set securityContext.runAsNonRoot=false",
                    c.describe()
                ),
                n.pos,
            )),
            Some((_, Some(true))) => {}
            _ if pod_value == Some(true) => {}
            _ => out.push(Violation::container(
                &c,
                format!(
                    "pod or {} must set securityContext.runAsNonRoot=true",
                    c.describe()
                ),
                c.sc_pos(&["runAsNonRoot"]),
            )),
        }
    }
}

fn run_as_non_root_1_35(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.host_users_false() {
        run_as_non_root_1_0(pod, out);
    }
}

/// Upstream `runAsNonRoot`.
pub static RUN_AS_NON_ROOT: PssCheck = PssCheck {
    id: "runAsNonRoot",
    level: PssLevel::Restricted,
    rule: &RUN_AS_NON_ROOT_RULE,
    revisions: &[
        Revision {
            min_minor: 0,
            check: run_as_non_root_1_0,
        },
        Revision {
            min_minor: 35,
            check: run_as_non_root_1_35,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags `runAsUser: 0` on the pod or a container (policy v1.23 and
    /// later; from v1.35 pods with `hostUsers: false` are exempt).
    ///
    /// ## Why is this bad?
    /// UID 0 is root. Setting it explicitly overrides a non-root image user.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    ///
    /// ## Use instead
    /// Use a non-zero UID, e.g. `runAsUser: 10001`.
    pub static RUN_AS_USER_RULE = {
        id: "PSS104",
        name: "run-as-user",
        title: "Container runs as UID 0",
        severity: Medium,
        groups: ["pss", "pss-restricted"],
        remediation: "Set runAsUser to a non-zero UID or remove it and rely on a non-root image user.",
        references: [Pss("Running as Non-root user (v1.23+)"), Cis("5.2.7"), Cwe(250)],
    };
}

fn run_as_user_1_23(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    each_setting(pod, &["runAsUser"], |who, n| {
        if n.as_i64() == Some(0) {
            out.push(who.violation(
                format!("{} must not set securityContext.runAsUser=0", who.who()),
                n.pos,
            ));
        }
    });
}

fn run_as_user_1_35(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    if !pod.host_users_false() {
        run_as_user_1_23(pod, out);
    }
}

/// Upstream `runAsUser`.
pub static RUN_AS_USER: PssCheck = PssCheck {
    id: "runAsUser",
    level: PssLevel::Restricted,
    rule: &RUN_AS_USER_RULE,
    revisions: &[
        Revision {
            min_minor: 23,
            check: run_as_user_1_23,
        },
        Revision {
            min_minor: 35,
            check: run_as_user_1_35,
        },
    ],
    overrides: &[],
};

//! Controls that keep a pod out of the node's namespaces, ports, paths,
//! probes, kernel parameters and Windows host processes.

use super::{PssCheck, Revision, Violation, each_setting};
use crate::pod::{Pod, field, field_at};
use palisade_core::{PssLevel, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags pods that share the node's network, process or IPC namespace
    /// (`hostNetwork`, `hostPID`, `hostIPC` set to true).
    ///
    /// ## Why is this bad?
    /// A pod in the host's PID namespace can see and signal every process on
    /// the node; in the host's network namespace it can bind node ports and
    /// sniff traffic of other pods; in the host's IPC namespace it can read
    /// shared memory of host processes. Each defeats container isolation.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostNetwork`, `hostPID` and `hostIPC` unset (false).
    pub static HOST_NAMESPACES_RULE = {
        id: "PSS002",
        name: "host-namespaces",
        title: "Pod shares host namespaces",
        severity: High,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove spec.hostNetwork, spec.hostPID and spec.hostIPC or set them to false.",
        references: [Pss("Host Namespaces"), Cis("5.2.2"), Cis("5.2.3"), Cis("5.2.4"), Nsa("Pod security"), Cwe(653)],
    };
}

fn host_namespaces(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(n) = field(pod.spec, key).filter(|n| n.as_bool() == Some(true)) {
            out.push(Violation::pod(
                format!("pod must not set spec.{key}=true"),
                n.pos,
            ));
        }
    }
}

/// Upstream `hostNamespaces`.
pub static HOST_NAMESPACES: PssCheck = PssCheck {
    id: "hostNamespaces",
    level: PssLevel::Baseline,
    rule: &HOST_NAMESPACES_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: host_namespaces,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags pods that mount a `hostPath` volume.
    ///
    /// ## Why is this bad?
    /// A hostPath volume gives the container a directory of the node. Mounts
    /// such as `/`, `/var/run/docker.sock`, `/var/lib/kubelet` or `/etc` hand
    /// over the node: credentials, the container runtime, other pods' data.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: docker
    ///   hostPath: {path: /var/run/docker.sock}
    /// ```
    ///
    /// ## Use instead
    /// Use `emptyDir`, a `persistentVolumeClaim`, a `configMap` or `secret`,
    /// or a CSI driver that exposes only what the pod needs.
    pub static HOST_PATH_RULE = {
        id: "PSS004",
        name: "host-path-volumes",
        title: "Pod mounts a hostPath volume",
        severity: High,
        groups: ["pss", "pss-baseline"],
        remediation: "Replace the hostPath volume with emptyDir, a PersistentVolumeClaim, or a CSI volume.",
        references: [Pss("HostPath Volumes"), Cis("5.2.12"), Nsa("Pod security"), Cwe(668)],
    };
}

fn host_path_volumes(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for v in field(pod.spec, "volumes").map(Node::items).unwrap_or(&[]) {
        if let Some(hp) = field(v, "hostPath") {
            let name = v.get("name").map(Node::display).unwrap_or_default();
            let path = field(hp, "path").map(Node::display).unwrap_or_default();
            out.push(Violation::pod(
                format!("volume \"{name}\" mounts hostPath \"{path}\""),
                hp.pos,
            ));
        }
    }
}

/// Upstream `hostPathVolumes`.
pub static HOST_PATH_VOLUMES: PssCheck = PssCheck {
    id: "hostPathVolumes",
    level: PssLevel::Baseline,
    rule: &HOST_PATH_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: host_path_volumes,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags containers that bind a port of the node (`ports[].hostPort`).
    ///
    /// ## Why is this bad?
    /// A host port exposes the container on the node's own address, around
    /// Services and NetworkPolicies, and ties the pod to nodes where the port
    /// is free.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - containerPort: 8080
    ///   hostPort: 8080
    /// ```
    ///
    /// ## Use instead
    /// Remove `hostPort` and expose the pod through a Service.
    pub static HOST_PORTS_RULE = {
        id: "PSS005",
        name: "host-ports",
        title: "Container binds a host port",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove ports[].hostPort (or set it to 0) and use a Service.",
        references: [Pss("Host Ports"), Nsa("Network separation and hardening"), Cwe(668)],
    };
}

fn host_ports(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    for c in pod.containers() {
        for p in field(c.node, "ports").map(Node::items).unwrap_or(&[]) {
            if let Some(hp) = field(p, "hostPort").filter(|n| n.as_i64().is_some_and(|v| v != 0)) {
                out.push(Violation::container(
                    &c,
                    format!("{} uses hostPort {}", c.describe(), hp.display()),
                    hp.pos,
                ));
            }
        }
    }
}

/// Upstream `hostPorts`.
pub static HOST_PORTS: PssCheck = PssCheck {
    id: "hostPorts",
    level: PssLevel::Baseline,
    rule: &HOST_PORTS_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: host_ports,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags probes and lifecycle hooks that set `httpGet.host` or
    /// `tcpSocket.host` (policy v1.34 and later).
    ///
    /// ## Why is this bad?
    /// The kubelet runs probes and hooks from the node. A custom host turns
    /// the kubelet into a proxy that reaches addresses the pod itself could
    /// not, such as node-local services or cloud metadata endpoints.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {host: 169.254.169.254, path: /, port: 80}
    /// ```
    ///
    /// ## Use instead
    /// Leave `host` unset: the probe then targets the pod's own IP.
    pub static HOST_PROBES_RULE = {
        id: "PSS012",
        name: "host-probes-lifecycle",
        title: "Probe or lifecycle hook targets a custom host",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove httpGet.host and tcpSocket.host from probes and lifecycle handlers.",
        references: [Pss("Host Probes / Lifecycle Hooks"), Cwe(918)],
    };
}

fn host_probes(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    let handlers: [&[&str]; 5] = [
        &["livenessProbe"],
        &["readinessProbe"],
        &["startupProbe"],
        &["lifecycle", "postStart"],
        &["lifecycle", "preStop"],
    ];
    for c in pod.containers() {
        for path in handlers {
            let Some(h) = field_at(c.node, path) else {
                continue;
            };
            for action in ["httpGet", "tcpSocket"] {
                let host = field_at(h, &[action, "host"]);
                if let Some(host) = host.filter(|n| n.as_str().is_none_or(|s| !s.is_empty())) {
                    out.push(Violation::container(
                        &c,
                        format!(
                            "{} sets {}.{action}.host to \"{}\"",
                            c.describe(),
                            path.join("."),
                            host.display()
                        ),
                        host.pos,
                    ));
                }
            }
        }
    }
}

/// Upstream `hostProbesAndHostLifecycle`.
pub static HOST_PROBES_LIFECYCLE: PssCheck = PssCheck {
    id: "hostProbesAndHostLifecycle",
    level: PssLevel::Baseline,
    rule: &HOST_PROBES_RULE,
    revisions: &[Revision {
        min_minor: 34,
        check: host_probes,
    }],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags pod sysctls outside the set Kubernetes considers safe
    /// (namespaced and isolated from the node). The safe set grows with the
    /// policy version: v1.27 adds `net.ipv4.ip_local_reserved_ports`, v1.29
    /// the TCP keepalive and fin timeout settings, v1.32 `tcp_rmem` and
    /// `tcp_wmem`, v1.37 `tcp_slow_start_after_idle` and `tcp_notsent_lowat`.
    ///
    /// ## Why is this bad?
    /// Unsafe sysctls change kernel behaviour for the whole node or can
    /// exhaust its resources, affecting every other pod.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///   - {name: kernel.msgmax, value: "65536"}
    /// ```
    ///
    /// ## Use instead
    /// Use only safe sysctls, or set node-level parameters on the node.
    pub static SYSCTLS_RULE = {
        id: "PSS010",
        name: "sysctls",
        title: "Pod sets an unsafe sysctl",
        severity: Medium,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove sysctls outside the safe set from spec.securityContext.sysctls.",
        references: [Pss("Sysctls"), Url("https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/")],
    };
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn sysctls_with(pod: &Pod<'_>, tiers: &[&[&str]], out: &mut Vec<Violation>) {
    for s in pod.sc(&["sysctls"]).map(Node::items).unwrap_or(&[]) {
        let name = s.get("name").map(Node::display).unwrap_or_default();
        if !tiers.iter().any(|t| t.contains(&name.as_str())) {
            let pos = s.get("name").map_or(s.pos, |n| n.pos);
            out.push(Violation::pod(
                format!("pod sets unsafe sysctl \"{name}\""),
                pos,
            ));
        }
    }
}

fn sysctls_1_0(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    sysctls_with(pod, &[SYSCTLS_1_0], out);
}
fn sysctls_1_27(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    sysctls_with(pod, &[SYSCTLS_1_0, SYSCTLS_1_27], out);
}
fn sysctls_1_29(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    sysctls_with(pod, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29], out);
}
fn sysctls_1_32(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    sysctls_with(
        pod,
        &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32],
        out,
    );
}
fn sysctls_1_37(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    let all = [
        SYSCTLS_1_0,
        SYSCTLS_1_27,
        SYSCTLS_1_29,
        SYSCTLS_1_32,
        SYSCTLS_1_37,
    ];
    sysctls_with(pod, &all, out);
}

/// Upstream `sysctls`.
pub static SYSCTLS: PssCheck = PssCheck {
    id: "sysctls",
    level: PssLevel::Baseline,
    rule: &SYSCTLS_RULE,
    revisions: &[
        Revision {
            min_minor: 0,
            check: sysctls_1_0,
        },
        Revision {
            min_minor: 27,
            check: sysctls_1_27,
        },
        Revision {
            min_minor: 29,
            check: sysctls_1_29,
        },
        Revision {
            min_minor: 32,
            check: sysctls_1_32,
        },
        Revision {
            min_minor: 37,
            check: sysctls_1_37,
        },
    ],
    overrides: &[],
};

declare_rule! {
    /// ## What it does
    /// Flags Windows HostProcess containers
    /// (`securityContext.windowsOptions.hostProcess: true` on the pod or a
    /// container).
    ///
    /// ## Why is this bad?
    /// A HostProcess container runs directly on the Windows node with the
    /// node's privileges: it is the Windows equivalent of a privileged
    /// container with host namespaces.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   windowsOptions: {hostProcess: true}
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostProcess` unset or false.
    pub static WINDOWS_HOST_PROCESS_RULE = {
        id: "PSS011",
        name: "windows-host-process",
        title: "Windows HostProcess container",
        severity: Critical,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove securityContext.windowsOptions.hostProcess or set it to false.",
        references: [Pss("HostProcess"), Cwe(250)],
    };
}

fn windows_host_process(pod: &Pod<'_>, out: &mut Vec<Violation>) {
    each_setting(pod, &["windowsOptions", "hostProcess"], |who, n| {
        if n.as_bool() == Some(true) {
            out.push(who.violation(
                format!(
                    "{} must not set securityContext.windowsOptions.hostProcess=true",
                    who.who()
                ),
                n.pos,
            ));
        }
    });
}

/// Upstream `windowsHostProcess`.
pub static WINDOWS_HOST_PROCESS: PssCheck = PssCheck {
    id: "windowsHostProcess",
    level: PssLevel::Baseline,
    rule: &WINDOWS_HOST_PROCESS_RULE,
    revisions: &[Revision {
        min_minor: 0,
        check: windows_host_process,
    }],
    overrides: &[],
};

//! Reports shared by the integration tests.
#![allow(dead_code, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use palisade_core::{
    CommitInfo, Finding, InputError, Location, Report, Resource, RuleInfo, RuleMeta, ScanStats,
    Severity, Suppression, SuppressionKind, declare_rule,
};
use palisade_report::{Format, RenderOptions, render};

declare_rule! {
    /// ## What it does
    /// Flags pods that share the host's network, PID or IPC namespace.
    ///
    /// ## Why is this bad?
    /// A pod in the host's namespaces can see and reach the node's processes
    /// and interfaces.
    pub static HOST_NAMESPACES = {
        id: "PSS001",
        name: "host-namespaces",
        title: "Host namespaces shared",
        severity: Critical,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove hostNetwork, hostPID and hostIPC, or set them to false.",
        references: [Pss("Host Namespaces"), Cis("5.2.4")],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags privileged containers.
    ///
    /// ## Why is this bad?
    /// A privileged container has every capability and the host's devices:
    /// it is root on the node.
    pub static PRIVILEGED = {
        id: "PSS002",
        name: "privileged",
        title: "Privileged container",
        severity: High,
        groups: ["pss", "pss-baseline"],
        remediation: "Remove securityContext.privileged or set it to false.",
        references: [Pss("Privileged Containers"), Cis("5.2.1"), Cwe(250)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags images without a tag or with the `latest` tag.
    pub static LATEST_TAG = {
        id: "WL003",
        name: "image-latest-tag",
        title: "Image uses the latest tag",
        severity: Medium,
        groups: ["workload", "images"],
        remediation: "Pin the image to a version tag or, better, a digest.",
        references: [Cwe(1104)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags containers without memory or CPU limits.
    pub static NO_LIMITS = {
        id: "WL010",
        name: "no-resource-limits",
        title: "Container without resource limits",
        severity: Low,
        groups: ["workload"],
        remediation: "Set resources.limits.memory and resources.limits.cpu.",
        references: [Nsa("Pod security")],
    };
}

declare_rule! {
    /// ## What it does
    /// Notes objects in the `default` namespace or with none.
    pub static DEFAULT_NAMESPACE = {
        id: "NS001",
        name: "default-namespace",
        title: "Object in the default namespace",
        severity: Info,
        groups: ["namespaces"],
        remediation: "Give the object a dedicated namespace.",
        references: [],
    };
}

fn rules() -> Vec<RuleInfo> {
    let metas: [&RuleMeta; 6] = [
        &HOST_NAMESPACES,
        &PRIVILEGED,
        &LATEST_TAG,
        &NO_LIMITS,
        &DEFAULT_NAMESPACE,
        &palisade_core::rules::SUPPRESSION_WITHOUT_REASON,
    ];
    metas
        .into_iter()
        .map(|m| RuleInfo::new(m, m.severity))
        .collect()
}

pub fn loc(path: &str, line: u32, column: u32) -> Location {
    Location {
        path: path.to_string(),
        line,
        column,
    }
}

pub fn resource(kind: &str, ns: Option<&str>, name: &str, container: Option<&str>) -> Resource {
    Resource {
        kind: kind.to_string(),
        namespace: ns.map(str::to_string),
        name: Some(name.to_string()),
        container: container.map(str::to_string),
    }
}

fn web(container: Option<&str>) -> Resource {
    resource("Deployment", Some("shop"), "web", container)
}

/// Several files, every severity, suppressed findings (with and without a
/// reason), standard input, a path that needs URI escaping, and input
/// errors with and without a line. Deliberately not in sorted order.
pub fn sample() -> Report {
    let mut suppressed_limits = Finding::new(
        &NO_LIMITS,
        "Container `web` sets no memory limit",
        loc("deploy/web.yaml", 20, 11),
    )
    .with_resource(web(Some("web")));
    suppressed_limits.suppression = Some(Suppression {
        kind: SuppressionKind::Annotation,
        reason: "bounded by the namespace quota".to_string(),
    });

    let mut suppressed_tag = Finding::new(
        &LATEST_TAG,
        "Container `job` uses image `busybox` without a tag",
        loc("deploy/cron.yaml", 9, 20),
    )
    .with_resource(resource("CronJob", Some("ops"), "nightly", Some("job")));
    suppressed_tag.suppression = Some(Suppression {
        kind: SuppressionKind::Comment,
        reason: String::new(),
    });

    let mut medium_override = Finding::new(
        &PRIVILEGED,
        "Container `agent` sets securityContext.privileged to true",
        loc("-", 7, 9),
    )
    .with_resource(resource(
        "DaemonSet",
        Some("kube-system"),
        "agent",
        Some("agent"),
    ));
    // A configured severity override.
    medium_override.severity = Severity::Medium;

    let mut only_suppressed = Finding::new(
        &NO_LIMITS,
        "Container `cni` sets no CPU limit",
        loc("deploy/cni.yaml", 30, 13),
    )
    .with_resource(resource(
        "DaemonSet",
        Some("kube-system"),
        "cni",
        Some("cni"),
    ));
    only_suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Annotation,
        reason: "node-critical".to_string(),
    });

    Report {
        findings: vec![
            only_suppressed,
            Finding::new(
                &PRIVILEGED,
                "Container `web` sets securityContext.privileged to true",
                loc("deploy/web.yaml", 12, 7),
            )
            .with_resource(web(Some("web"))),
            Finding::new(
                &HOST_NAMESPACES,
                "Pod sets hostNetwork to true",
                loc("deploy/web.yaml", 8, 7),
            )
            .with_resource(web(None)),
            Finding::new(
                &LATEST_TAG,
                "Container `web` uses image `nginx:latest`",
                loc("deploy/web.yaml", 14, 16),
            )
            .with_resource(web(Some("web"))),
            suppressed_limits,
            Finding::new(
                &DEFAULT_NAMESPACE,
                "CronJob `nightly` has no namespace",
                loc("deploy/cron.yaml", 1, 1),
            )
            .with_resource(Resource {
                kind: "CronJob".to_string(),
                namespace: None,
                name: Some("nightly".to_string()),
                container: None,
            }),
            suppressed_tag,
            Finding::new(
                &palisade_core::rules::SUPPRESSION_WITHOUT_REASON,
                "`# palisade:ignore WL003` gives no reason",
                loc("deploy/cron.yaml", 8, 5),
            ),
            medium_override,
            Finding::new(
                &DEFAULT_NAMESPACE,
                "Service `api` has no namespace",
                loc("other dir/svc.yaml", 3, 3),
            )
            .with_resource(Resource {
                kind: "Service".to_string(),
                namespace: None,
                name: Some("api".to_string()),
                container: None,
            }),
        ],
        errors: vec![
            InputError {
                path: "secrets/huge.yaml".to_string(),
                line: None,
                column: None,
                message: "file is larger than the 10 MiB limit".to_string(),
            },
            InputError {
                path: "deploy/broken.yaml".to_string(),
                line: Some(3),
                column: Some(5),
                message: "mapping values are not allowed in this context".to_string(),
            },
        ],
        rules: rules(),
        stats: ScanStats {
            files: 6,
            bytes: 4096,
            documents: 7,
            objects: 5,
            skipped: 1,
        },
    }
}

/// A scan that found nothing.
pub fn clean() -> Report {
    Report {
        findings: vec![],
        errors: vec![],
        rules: rules(),
        stats: ScanStats {
            files: 3,
            bytes: 2048,
            documents: 4,
            objects: 4,
            skipped: 0,
        },
    }
}

/// Text a hostile manifest could put into a message, a name or a path.
pub const HOSTILE: &str = "<script>&amp;\"quoted\" 'single' ]]> \u{0}\u{1b}[31mred\u{7}\u{8} \r\n\ttab \u{fffe}\u{ffff} \u{85} \u{202e}rtl é 🦀 <!-- -->";

/// Findings, a suppression and input errors carrying [`HOSTILE`] text.
pub fn hostile() -> Report {
    let mut suppressed = Finding::new(
        &LATEST_TAG,
        format!("suppressed {HOSTILE}"),
        loc(&format!("evil/{HOSTILE}.yaml"), 2, 2),
    );
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Annotation,
        reason: HOSTILE.to_string(),
    });
    let mut unknown = Finding::new(&PRIVILEGED, "no rule described", loc("a&b<c>.yaml", 1, 1));
    unknown.rule_id = "XX999".to_string();
    Report {
        findings: vec![
            Finding::new(
                &PRIVILEGED,
                format!("message {HOSTILE}"),
                loc(&format!("evil/{HOSTILE}.yaml"), 1, 1),
            )
            .with_resource(resource(HOSTILE, Some(HOSTILE), HOSTILE, Some(HOSTILE))),
            suppressed,
            unknown,
        ],
        errors: vec![InputError {
            path: format!("evil/{HOSTILE}"),
            line: Some(1),
            column: None,
            message: HOSTILE.to_string(),
        }],
        rules: rules(),
        stats: ScanStats::default(),
    }
}

declare_rule! {
    /// ## What it does
    /// Finds GitHub personal access tokens.
    pub static GITHUB_PAT = {
        id: "LK042",
        name: "github-pat",
        title: "GitHub personal access token",
        severity: High,
        groups: ["secret"],
        remediation: "Revoke the token and keep it in a secret store.",
        references: [Cwe(798)],
    };
}

/// Secret findings: one in a file (a fingerprint), one from git history
/// (a fingerprint and the commit that introduced it, with [`HOSTILE`]
/// text in the author and summary).
pub fn secrets() -> Report {
    let in_file = Finding::new(
        &GITHUB_PAT,
        "GitHub personal access token: `ghp_…[40 chars]`",
        loc("app/.env", 2, 14),
    )
    .with_fingerprint("0123456789abcdef0123456789abcdef");
    let in_history = Finding::new(
        &GITHUB_PAT,
        "GitHub personal access token: `ghp_…[40 chars]`",
        loc("old/config.env", 7, 1),
    )
    .with_fingerprint("fedcba9876543210fedcba9876543210")
    .with_commit(CommitInfo {
        id: "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_string(),
        author: format!("Bob {HOSTILE}"),
        email: "bob@example.com".to_string(),
        date: "2026-11-22T09:16:05Z".to_string(),
        summary: format!("add config {HOSTILE}"),
    });
    let mut r = rules();
    r.push(RuleInfo::new(&GITHUB_PAT, GITHUB_PAT.severity));
    Report {
        findings: vec![in_history, in_file],
        errors: vec![],
        rules: r,
        stats: ScanStats {
            files: 2,
            bytes: 100,
            documents: 0,
            objects: 0,
            skipped: 0,
        },
    }
}

pub fn options(show_suppressed: bool) -> RenderOptions {
    RenderOptions {
        color: false,
        tool_version: "1.2.3",
        show_suppressed,
    }
}

/// Renders to a string.
pub fn rendered(report: &Report, format: Format, options: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(report, format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

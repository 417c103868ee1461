//! Per-rule fixtures and snapshots for every rule of palisade-k8s.
//!
//! Layout: `tests/fixtures/<RULE-ID>/fail*.yaml` must produce at least one
//! finding of that rule, `pass*.yaml` none. A fixture that needs
//! configuration has a sibling `<fixture>.config.yaml` in `palisade.yaml`
//! format (e.g. `fail_v1_31.yaml` and `fail_v1_31.config.yaml`); without one
//! it is checked with `Config::default()` (restricted, latest).
//!
//! Each fixture is checked on its own, the way a scan of just that file
//! would: `check_file`, then `check_set` on its facts. Every finding of the
//! fixture (not only the rule's) is snapshotted, one per line, as
//! `line:column RULE [container] message`, so that a wrong position or
//! message shows up as a snapshot diff.
//!
//! `tests/fixtures/misc/` holds the fixtures of the cross-cutting tests
//! below (`kind: List`, unknown kinds, excluded namespaces, suppressions)
//! and, as `bug_*.yaml`, of the `#[ignore]`d tests of suspected bugs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use palisade_core::{Config, Finding, PssLevel, PssVersion, RuleMeta};
use palisade_k8s::check::{FileResult, check_file};
use palisade_k8s::set::check_set;
use palisade_yaml::Limits;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture's path relative to the crate, as findings name it.
fn rel(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The config of a fixture: its sibling `<stem>.config.yaml`, or the default.
fn config_for(fixture: &Path) -> (Config, Option<String>) {
    let stem = fixture.file_stem().unwrap().to_string_lossy().to_string();
    let cfg = fixture.with_file_name(format!("{stem}.config.yaml"));
    match std::fs::read_to_string(&cfg) {
        Ok(text) => {
            let config = Config::parse(&rel(&cfg), &text)
                .unwrap_or_else(|e| panic!("{}: {e}", cfg.display()));
            (config, Some(text))
        }
        Err(_) => (Config::default(), None),
    }
}

/// What checking one fixture on its own produced.
struct Outcome {
    result: FileResult,
    /// Object findings and set findings together.
    findings: Vec<Finding>,
}

fn check_text(path: &str, text: &str, config: &Config) -> Outcome {
    let result = check_file(path, text, config, true, &Limits::default());
    let mut findings = result.findings.clone();
    findings.extend(check_set(&result.facts));
    Outcome { result, findings }
}

fn check_path(path: &Path, config: &Config) -> Outcome {
    let text = std::fs::read_to_string(path).unwrap();
    check_text(&rel(path), &text, config)
}

/// `line:column RULE [container] message`, sorted by position then rule.
fn render(findings: &[Finding]) -> String {
    let mut rows: Vec<_> = findings
        .iter()
        .map(|f| {
            let container = f
                .resource
                .as_ref()
                .and_then(|r| r.container.as_deref())
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            (
                f.location.line,
                f.location.column,
                f.rule_id.clone(),
                container,
                f.message.clone(),
            )
        })
        .collect();
    rows.sort();
    if rows.is_empty() {
        return "(no findings)".to_string();
    }
    rows.iter()
        .map(|(l, c, id, container, m)| format!("{l}:{c} {id}{container} {m}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fixtures of one rule: `(path, expect_fail)`, sorted by name.
fn rule_fixtures(rule_id: &str) -> Vec<(PathBuf, bool)> {
    let dir = fixtures_dir().join(rule_id);
    let mut out: Vec<(PathBuf, bool)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".yaml") && !name.ends_with(".config.yaml")
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let fail = if name.starts_with("fail") {
                true
            } else if name.starts_with("pass") {
                false
            } else {
                panic!("{}: fixture names start with fail or pass", p.display())
            };
            (p, fail)
        })
        .collect();
    out.sort();
    out
}

fn rule(id: &str) -> &'static RuleMeta {
    palisade_k8s::rules()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

/// Checks every fixture of a rule: the verdict, no input errors, and the
/// snapshot of all findings.
fn check_rule(rule_id: &str) {
    let fixtures = rule_fixtures(rule_id);
    assert!(
        fixtures.iter().any(|(_, fail)| *fail) && fixtures.iter().any(|(_, fail)| !*fail),
        "{rule_id} needs at least one fail and one pass fixture"
    );
    let mut problems = Vec::new();
    for (path, expect_fail) in &fixtures {
        let (config, config_text) = config_for(path);
        let out = check_path(path, &config);
        let name = rel(path);
        assert!(
            out.result.errors.is_empty(),
            "{name}: input errors {:?}",
            out.result.errors
        );
        assert!(
            out.result.skipped.is_none(),
            "{name}: skipped: {:?}",
            out.result.skipped
        );
        let hits = out.findings.iter().filter(|f| f.rule_id == rule_id).count();
        if *expect_fail && hits == 0 {
            problems.push(format!(
                "{name}: expected a {rule_id} finding, got:\n{}",
                render(&out.findings)
            ));
        }
        if !*expect_fail && hits > 0 {
            problems.push(format!(
                "{name}: expected no {rule_id} finding, got:\n{}",
                render(&out.findings)
            ));
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let description = match &config_text {
            Some(c) => format!("{name} with config:\n{}", c.trim_end()),
            None => format!("{name} with the default config"),
        };
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(format!("{rule_id}__{stem}"), render(&out.findings));
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

macro_rules! rule_tests {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_rule($id);
            }
        )*

        /// Every rule of the crate has a test above, and every fixture
        /// folder is a rule.
        #[test]
        fn every_rule_has_fixtures() {
            let tested = [$($id),*];
            let mut ids: Vec<&str> = palisade_k8s::rules().iter().map(|r| r.id).collect();
            ids.sort_unstable();
            let mut t = tested.to_vec();
            t.sort_unstable();
            assert_eq!(ids, t, "rules without a fixture test, or tests of unknown rules");
            for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().to_string();
                assert!(
                    name == "misc" || tested.contains(&name.as_str()),
                    "fixture folder {name} is not a rule"
                );
            }
        }
    };
}

rule_tests! {
    pss001_privileged => "PSS001",
    pss002_host_namespaces => "PSS002",
    pss003_capabilities_baseline => "PSS003",
    pss004_host_path_volumes => "PSS004",
    pss005_host_ports => "PSS005",
    pss006_apparmor_profile => "PSS006",
    pss007_selinux_options => "PSS007",
    pss008_proc_mount => "PSS008",
    pss009_seccomp_baseline => "PSS009",
    pss010_sysctls => "PSS010",
    pss011_windows_host_process => "PSS011",
    pss012_host_probes_lifecycle => "PSS012",
    pss101_restricted_volumes => "PSS101",
    pss102_allow_privilege_escalation => "PSS102",
    pss103_run_as_non_root => "PSS103",
    pss104_run_as_user => "PSS104",
    pss105_seccomp_restricted => "PSS105",
    pss106_capabilities_restricted => "PSS106",
    pss107_proc_mount_restricted => "PSS107",
    wl001_resource_requests => "WL001",
    wl002_resource_limits => "WL002",
    wl003_image_latest_tag => "WL003",
    wl004_image_not_pinned => "WL004",
    wl005_image_registry => "WL005",
    wl006_read_only_root_filesystem => "WL006",
    wl007_automount_service_account_token => "WL007",
    wl008_required_labels => "WL008",
    wl009_default_namespace => "WL009",
    wl010_env_credential => "WL010",
    sec001_plaintext_secret => "SEC001",
    ns001_namespace_pss_label_missing => "NS001",
    ns002_namespace_pss_label_weak => "NS002",
    net001_default_deny_missing => "NET001",
    net002_dns_egress_missing => "NET002",
}

// ---------------------------------------------------------------------------
// Cross-cutting behaviour
// ---------------------------------------------------------------------------

fn fixture(path: &str) -> PathBuf {
    fixtures_dir().join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixture(path)).unwrap()
}

/// The 1-based line of the `n`th line (from 0) whose trimmed text is `text`.
fn line_of(source: &str, text: &str, n: usize) -> u32 {
    let idx = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == text)
        .nth(n)
        .unwrap_or_else(|| panic!("no line {n} `{text}`"))
        .0;
    u32::try_from(idx + 1).unwrap()
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    let mut v: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn pss_ids(findings: &[Finding]) -> Vec<&str> {
    ids(findings)
        .into_iter()
        .filter(|id| id.starts_with("PSS"))
        .collect()
}

fn with_pss(level: PssLevel, version: PssVersion) -> Config {
    Config {
        pss_level: level,
        pss_version: version,
        ..Config::default()
    }
}

/// In workloads the violation is in the pod template, and findings point
/// into the template, not at the workload's own metadata or spec.
#[test]
fn pss_findings_point_into_the_pod_template() {
    for path in [
        "PSS001/fail_deployment.yaml",
        "PSS002/fail_daemonset.yaml",
        // A CronJob's pod template is spec.jobTemplate.spec.template.
        "PSS105/fail_cronjob.yaml",
    ] {
        let text = read(path);
        let out = check_path(&fixture(path), &Config::default());
        let template = line_of(&text, "template:", 0);
        let end = u32::try_from(text.lines().count()).unwrap();
        let pss: Vec<&Finding> = out
            .findings
            .iter()
            .filter(|f| f.rule_id.starts_with("PSS"))
            .collect();
        assert!(!pss.is_empty(), "{path}: no PSS finding");
        for f in pss {
            assert!(
                f.location.line > template && f.location.line <= end,
                "{path}: {} at line {} is outside the pod template (from line {template})",
                f.rule_id,
                f.location.line
            );
        }
        if path.contains("cronjob") {
            assert!(line_of(&text, "jobTemplate:", 0) < template);
        }
    }
}

/// The same pod gives different answers at different policy versions.
#[test]
fn versions_change_the_verdict() {
    const R: PssLevel = PssLevel::Restricted;
    const B: PssLevel = PssLevel::Baseline;
    const NO_CAPS: &str = "PSS106/pass_v1_21.yaml";
    const TCP_RMEM: &str = "PSS010/fail_tcp_rmem_v1_31.yaml";
    const USERNS_ROOT: &str = "PSS104/fail_host_users_v1_34.yaml";
    const USERNS_PROC: &str = "PSS008/fail_host_users_v1_34.yaml";
    const USERNS_PROC_R: &str = "PSS107/fail.yaml";
    const WINDOWS: &str = "PSS102/fail_windows_v1_24.yaml";
    const ENGINE_T: &str = "PSS007/fail_engine_v1_30.yaml";
    const PROBES: &str = "PSS012/fail.yaml";
    const UID0: &str = "PSS104/pass_v1_22.yaml";
    let cases: &[(&str, PssLevel, u32, &[&str])] = &[
        // capabilities_restricted starts at v1.22.
        (NO_CAPS, R, 21, &[]),
        (NO_CAPS, R, 22, &["PSS106"]),
        // tcp_rmem becomes safe at v1.32 (tcp_keepalive_time at v1.29).
        (TCP_RMEM, R, 28, &["PSS010"]),
        (TCP_RMEM, R, 31, &["PSS010"]),
        (TCP_RMEM, R, 32, &[]),
        // hostUsers: false relaxes runAsNonRoot and runAsUser at v1.35...
        (USERNS_ROOT, R, 34, &["PSS103", "PSS104"]),
        (USERNS_ROOT, R, 35, &[]),
        // ...and procMount at baseline, while restricted keeps forbidding it.
        (USERNS_PROC, B, 34, &["PSS008"]),
        (USERNS_PROC, B, 35, &[]),
        (USERNS_PROC_R, R, 34, &["PSS008"]),
        (USERNS_PROC_R, R, 35, &["PSS107"]),
        // Windows pods are exempt from three restricted checks from v1.25.
        (WINDOWS, R, 24, &["PSS102", "PSS105", "PSS106"]),
        (WINDOWS, R, 25, &[]),
        // container_engine_t is allowed from v1.31.
        (ENGINE_T, R, 30, &["PSS007"]),
        (ENGINE_T, R, 31, &[]),
        // Host probes are checked from v1.34.
        (PROBES, R, 33, &[]),
        (PROBES, R, 34, &["PSS012"]),
        // runAsUser: 0 is checked from v1.23.
        (UID0, R, 22, &[]),
        (UID0, R, 23, &["PSS104"]),
        // Versions newer than any revision mean latest.
        (USERNS_PROC_R, R, 99, &["PSS107"]),
    ];
    let mut wrong = Vec::new();
    for (path, level, minor, expected) in cases {
        let out = check_path(&fixture(path), &with_pss(*level, PssVersion::Minor(*minor)));
        let got = pss_ids(&out.findings);
        if got != *expected {
            wrong.push(format!(
                "{path} at {level} v1.{minor}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let latest = check_path(&fixture(USERNS_PROC_R), &with_pss(R, PssVersion::Latest));
    assert_eq!(pss_ids(&latest.findings), ["PSS107"]);
}

/// Only a YAML boolean true is privileged: `yes` is (YAML 1.1), a quoted
/// "true" and null are not.
#[test]
fn privileged_spellings() {
    for (value, privileged) in [
        ("true", true),
        ("yes", true),
        ("on", true),
        ("True", true),
        ("\"true\"", false),
        ("'yes'", false),
        ("null", false),
        ("~", false),
        ("false", false),
        ("no", false),
    ] {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: busybox\n      securityContext:\n        privileged: {value}\n"
        );
        let out = check_text("inline.yaml", &text, &Config::default());
        assert!(
            out.result.errors.is_empty(),
            "{value}: {:?}",
            out.result.errors
        );
        let hits: Vec<&Finding> = out
            .findings
            .iter()
            .filter(|f| f.rule_id == "PSS001")
            .collect();
        assert_eq!(!hits.is_empty(), privileged, "privileged: {value}");
        if privileged {
            assert_eq!((hits[0].location.line, hits[0].location.column), (11, 21));
        }
    }
}

/// `kind: List`: every item is an object, findings point at the item's
/// lines, and an item's suppression annotation covers that item only.
#[test]
fn list_items_are_checked_at_their_own_lines() {
    let path = "misc/list.yaml";
    let text = read(path);
    let out = check_path(&fixture(path), &Config::default());
    assert!(out.result.errors.is_empty(), "{:?}", out.result.errors);
    assert_eq!(out.result.objects, 3);
    let pod = line_of(&text, "- apiVersion: v1", 0);
    let daemonset = line_of(&text, "- apiVersion: apps/v1", 0);
    let secret = line_of(&text, "- apiVersion: v1", 1);
    let end = u32::try_from(text.lines().count()).unwrap();
    let item_of = |line: u32| {
        if line >= secret && line <= end {
            "Secret"
        } else if line >= daemonset {
            "DaemonSet"
        } else if line >= pod {
            "Pod"
        } else {
            "outside"
        }
    };
    for f in &out.findings {
        let kind = f.resource.as_ref().map(|r| r.kind.as_str()).unwrap();
        assert_eq!(
            item_of(f.location.line),
            kind,
            "{} at line {} is not inside its item",
            f.rule_id,
            f.location.line
        );
    }
    let mut got: Vec<(&str, &str)> = out
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.resource.as_ref().map(|r| r.kind.as_str()).unwrap(),
            )
        })
        .collect();
    got.sort_unstable();
    got.dedup();
    assert_eq!(
        got,
        [
            ("NET001", "Pod"),
            ("PSS001", "Pod"),
            ("PSS002", "DaemonSet"),
            ("PSS002", "Pod"),
            ("SEC001", "Secret"),
        ]
    );
    // The DaemonSet's annotation suppresses its PSS002, not the Pod's.
    let host_namespaces = rule("PSS002");
    for f in out.findings.iter().filter(|f| f.rule_id == "PSS002") {
        let s = out
            .result
            .suppressions
            .lookup(f.location.line, host_namespaces);
        let kind = f.resource.as_ref().map(|r| r.kind.as_str()).unwrap();
        assert_eq!(s.is_some(), kind == "DaemonSet", "{kind}: {s:?}");
    }
    insta::assert_snapshot!("misc__list", render(&out.findings));
}

/// Unknown kinds and custom resources give neither findings nor errors,
/// even with pod templates inside or a built-in kind name in another group.
#[test]
fn unknown_kinds_and_crds_are_ignored() {
    let out = check_path(&fixture("misc/unknown_kinds.yaml"), &Config::default());
    assert!(out.result.errors.is_empty(), "{:?}", out.result.errors);
    assert!(out.result.skipped.is_none());
    assert_eq!(out.result.documents, 5);
    assert_eq!(out.result.objects, 5);
    assert!(out.findings.is_empty(), "{}", render(&out.findings));
    assert!(out.result.facts.workloads.is_empty());
}

/// Objects in kube-system, kube-public and kube-node-lease are skipped by
/// default, and checked when the exclusion list is emptied.
#[test]
fn excluded_namespaces_are_skipped() {
    let path = fixture("misc/kube_system.yaml");
    let out = check_path(&path, &Config::default());
    assert!(out.result.errors.is_empty(), "{:?}", out.result.errors);
    assert_eq!(out.result.documents, 4);
    assert_eq!(out.result.objects, 0);
    assert!(out.findings.is_empty(), "{}", render(&out.findings));

    let config = Config::parse("palisade.yaml", "namespaces:\n  exclude: []\n").unwrap();
    let out = check_path(&path, &config);
    assert_eq!(out.result.objects, 4);
    let got = ids(&out.findings);
    for id in ["NS001", "PSS001", "PSS002", "PSS101", "SEC001", "WL003"] {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }

    let config = Config::parse("palisade.yaml", "namespaces:\n  exclude: [shop]\n").unwrap();
    let out = check_path(&fixture("PSS001/fail_deployment.yaml"), &config);
    assert!(out.findings.is_empty(), "{}", render(&out.findings));
}

/// Annotation and comment suppressions are recorded by check_file (the
/// engine applies them): each covers its rules in its scope only, and a
/// suppression without a reason is reported (PAL001).
#[test]
fn suppressions_are_recorded() {
    let path = fixture("misc/suppressed.yaml");
    let (config, _) = config_for(&path);
    let out = check_path(&path, &config);
    assert!(out.result.errors.is_empty(), "{:?}", out.result.errors);
    let s = &out.result.suppressions;
    let mut rows = Vec::new();
    for f in &out.findings {
        let name = f.resource.as_ref().and_then(|r| r.name.as_deref()).unwrap();
        let how = match s.lookup(f.location.line, rule(&f.rule_id)) {
            Some(sup) => format!("{:?} \"{}\"", sup.kind, sup.reason),
            None => "not suppressed".to_string(),
        };
        rows.push(format!(
            "{}:{} {} {name}: {how}",
            f.location.line, f.location.column, f.rule_id
        ));
    }
    rows.sort_by_key(|r| {
        let (line, rest) = r.split_once(':').unwrap();
        (line.parse::<u32>().unwrap(), rest.to_string())
    });
    let pal001: Vec<String> = s
        .missing_reasons("misc/suppressed.yaml")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.location.line, f.location.column, f.rule_id, f.message
            )
        })
        .collect();
    let report = format!("{}\n--\n{}", rows.join("\n"), pal001.join("\n"));

    let lookup = |id: &str, name: &str| {
        let f = out
            .findings
            .iter()
            .find(|f| {
                f.rule_id == id && f.resource.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
            })
            .unwrap_or_else(|| panic!("no {id} finding on {name}"));
        s.lookup(f.location.line, rule(id))
    };
    use palisade_core::SuppressionKind::{Annotation, Comment};
    let expect = |id: &str, name: &str, kind, reason: &str| {
        let got = lookup(id, name).unwrap_or_else(|| panic!("{id} on {name} not suppressed"));
        assert_eq!(
            (got.kind, got.reason.as_str()),
            (kind, reason),
            "{id} on {name}"
        );
    };
    expect(
        "PSS002",
        "cni-agent",
        Annotation,
        "the CNI agent manages host networking",
    );
    expect(
        "PSS004",
        "cni-agent",
        Annotation,
        "writes the CNI config on the node",
    );
    expect(
        "WL006",
        "cni-agent",
        Annotation,
        "writes the CNI config on the node",
    );
    expect("WL003", "cni-agent", Annotation, "");
    expect(
        "PSS005",
        "cni-agent",
        Comment,
        "node-local metrics scraped by the node exporter",
    );
    expect("PSS001", "cni-agent", Comment, "loads eBPF programs");
    assert!(lookup("WL004", "cni-agent").is_none());
    assert!(
        lookup("PSS002", "other").is_none(),
        "annotation leaked to the next object"
    );
    assert_eq!(pal001.len(), 1, "{pal001:?}");
    insta::assert_snapshot!("misc__suppressed", report);
}

// ---------------------------------------------------------------------------
// Suspected bugs: each test states what should happen and fails today.
// ---------------------------------------------------------------------------

/// Kubernetes adds Egress to the defaulted policyTypes only when the egress
/// list is non-empty, so `egress: []` without policyTypes leaves egress open.
#[test]
fn net001_empty_egress_list_does_not_deny_egress() {
    let out = check_path(
        &fixture("misc/bug_egress_empty_list.yaml"),
        &Config::default(),
    );
    let net001: Vec<&Finding> = out
        .findings
        .iter()
        .filter(|f| f.rule_id == "NET001")
        .collect();
    assert_eq!(net001.len(), 1, "{}", render(&out.findings));
    assert!(
        net001[0].message.ends_with("for egress"),
        "{}",
        net001[0].message
    );
}

/// Kubernetes defaults an empty `policyTypes: []` like a missing one.
#[test]
fn net001_empty_policy_types_defaults_to_ingress() {
    let out = check_path(
        &fixture("misc/bug_policy_types_empty.yaml"),
        &Config::default(),
    );
    assert!(out.findings.is_empty(), "{}", render(&out.findings));
}

/// A missing field inside an existing block `securityContext` should be
/// reported at the `securityContext:` key (its nearest enclosing node), not
/// at whatever key happens to come first inside it.
#[test]
fn missing_field_points_at_enclosing_key() {
    let path = "PSS103/fail_host_users_v1_34.yaml";
    let text = read(path);
    let out = check_path(
        &fixture(path),
        &with_pss(PssLevel::Restricted, PssVersion::Minor(34)),
    );
    let f = out.findings.iter().find(|f| f.rule_id == "PSS103").unwrap();
    // The container's securityContext (the pod's comes first).
    let key = line_of(&text, "securityContext:", 1);
    assert_eq!(f.location.line, key, "{}", render(&out.findings));
}

/// The README's suppression comment "on the line at fault" does not work
/// for a field whose value is a block mapping, because the finding lands on
/// the line below.
#[test]
fn comment_on_block_field_line_suppresses() {
    let path = fixture("misc/bug_hostpath_comment.yaml");
    let (config, _) = config_for(&path);
    let out = check_path(&path, &config);
    let f = out.findings.iter().find(|f| f.rule_id == "PSS004").unwrap();
    let s = out
        .result
        .suppressions
        .lookup(f.location.line, rule("PSS004"));
    assert!(
        s.is_some(),
        "PSS004 at line {} is not suppressed",
        f.location.line
    );
}

//! `palisade watch` and `palisade rules test` end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn palisade(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[test]
fn watch_an_audit_log_prints_falco_json_alerts() {
    let out = palisade(
        &[
            "watch",
            "--input",
            "examples/runtime/audit.log",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let alerts: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rules: Vec<&str> = alerts.iter().map(|a| a["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "Privileged Pod Created",
            "Exec or Attach into Pod",
            "Secret Read by Unexpected User",
            "Binding to cluster-admin",
            "Anonymous Request Allowed",
            "Admission Webhook Configuration Changed"
        ]
    );
    assert_eq!(alerts[1]["output_fields"]["ka.uri.param[command]"], "sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("8 events (8 audit, 0 process), 6 alerts"),
        "{stderr}"
    );
}

#[test]
fn watch_stdin_with_own_rules_disable_and_malformed_lines() {
    let rules =
        std::env::temp_dir().join(format!("palisade-watch-rules-{}.yaml", std::process::id()));
    std::fs::write(
        &rules,
        "- rule: Shell\n  desc: d\n  condition: evt.type = execve and proc.name in (bash, sh)\n  output: shell %proc.name\n  priority: WARNING\n  tags: [shell]\n- rule: Any exec\n  desc: d\n  condition: evt.type = execve\n  output: exec %proc.name\n  priority: INFO\n",
    )
    .unwrap();
    let input = b"{\"evt.type\":\"execve\",\"proc.name\":\"bash\"}\nnot json\n{\"evt.type\":\"execve\",\"proc.name\":\"ls\"}\n";
    let r = rules.to_str().unwrap();
    let out = palisade(&["watch", "-r", r, "-i", "-"], Some(input));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains(": Warning shell bash\n") && stdout.contains(": Informational exec ls\n"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped -:2: invalid JSON"), "{stderr}");
    assert!(stderr.contains("1 malformed inputs skipped"), "{stderr}");
    // first match by default; --disable-tag and --min-priority
    let out = palisade(
        &["watch", "-r", r, "-i", "-", "--disable-tag", "shell"],
        Some(input),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(": Informational exec bash\n"));
    let out = palisade(
        &["watch", "-r", r, "-i", "-", "--min-priority", "warning"],
        Some(input),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    std::fs::remove_file(&rules).ok();
}

#[test]
fn watch_reports_rule_errors_with_exit_2() {
    let rules =
        std::env::temp_dir().join(format!("palisade-watch-bad-{}.yaml", std::process::id()));
    std::fs::write(
        &rules,
        "- rule: Bad\n  desc: d\n  condition: proc.name = (\n  output: o\n  priority: INFO\n",
    )
    .unwrap();
    let out = palisade(
        &["watch", "-r", rules.to_str().unwrap(), "-i", "-"],
        Some(b""),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":1: rule `Bad`: syntax error in condition"),
        "{stderr}"
    );
    let out = palisade(&["watch"], None);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_file(&rules).ok();
}

#[test]
fn rules_test_runs_the_shipped_rule_tests() {
    let out = palisade(
        &["rules", "test", "rules/runtime/palisade_rules.tests.yaml"],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    // a failing expectation exits 1
    let t = std::env::temp_dir().join(format!("palisade-rules-test-{}.yaml", std::process::id()));
    std::fs::write(
        &t,
        format!(
            "rules: [{}]\ntests:\n  - name: wrong\n    event: {{evt.type: execve, evt.dir: \"<\", proc.name: xmrig, container.id: host}}\n    expect: []\n",
            repo().join("rules/runtime/palisade_rules.yaml").display()
        ),
    )
    .unwrap();
    let out = palisade(&["rules", "test", t.to_str().unwrap()], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  wrong"), "{stdout}");
    std::fs::remove_file(&t).ok();
}

#[test]
fn watch_writes_alerts_as_a_palisade_report() {
    let dir = std::env::temp_dir().join(format!("palisade-watch-findings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("findings.json");
    let sarif = dir.join("findings.sarif");
    for f in [&json, &sarif] {
        let out = palisade(
            &[
                "watch",
                "-i",
                "examples/runtime/audit.log",
                "--findings",
                f.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let text = report.to_string();
    assert!(text.contains("Binding to cluster-admin"), "{text}");
    assert!(text.contains("examples/runtime/audit.log"), "{text}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 6);
    std::fs::remove_dir_all(&dir).ok();
}

//! Rule files in Falco's format: lists (inside lists), macros, exceptions,
//! override/append, enabled, sources, priorities, and their errors.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::{alerts, compile_errors, engine, fired};
use palisade_runtime::{Engine, EngineOptions, MatchMode, Priority, RuleSet, Source};
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(files: &[&str]) -> Engine {
    let mut rs = RuleSet::new();
    for f in files {
        rs.load_path(&fixture(f))
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    Engine::new(
        &rs,
        EngineOptions {
            match_mode: MatchMode::All,
            ..EngineOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}

const WRITE_BIN: &str = r#"{"evt.type":"openat","evt.dir":"<","evt.is_open_write":true,"fd.typechar":"f","fd.num":5,"fd.directory":"/usr/bin","fd.name":"/usr/bin/evil","proc.name":"curl","proc.pname":"bash","evt.num":7,"container.id":"c1","container.name":"web"}"#;

#[test]
fn falco_style_file_loads_and_matches() {
    let e = load(&["falco_style_rules.yaml"]);
    let names: Vec<&str> = e.rules().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Write below binary dir",
            "Terminal shell in container",
            "Run shell untrusted",
            "Drop and execute new binary in container"
        ]
    );
    // the cloudtrail rule is skipped, and the unknown-field rule too, with warnings
    assert!(
        e.warnings.iter().any(|w| w.contains("aws_cloudtrail")),
        "{:?}",
        e.warnings
    );
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("skip-if-unknown-filter")),
        "{:?}",
        e.warnings
    );

    assert_eq!(fired(&e, WRITE_BIN), ["Write below binary dir"]);
    // package manager (via a list inside a list) is excluded
    assert!(fired(&e, &WRITE_BIN.replace("\"curl\"", "\"apt-get\"")).is_empty());
    assert!(fired(&e, &WRITE_BIN.replace("\"curl\"", "\"75-system-updat\"")).is_empty());
}

#[test]
fn exceptions_in_every_form() {
    let e = load(&["falco_style_rules.yaml"]);
    // tuple form with startswith
    let ev = WRITE_BIN.replace("/usr/bin/evil", "/usr/bin/allowed-tool");
    assert!(fired(&e, &ev).is_empty(), "proc_writer exception");
    // tuple form with `in` and a list value
    let ev = WRITE_BIN.replace(
        r#""container.id":"c1""#,
        r#""container.id":"c1","container.image.repository":"myregistry/installer""#,
    );
    assert!(fired(&e, &ev).is_empty(), "image_dirs exception");
    // single-field form whose values name a list
    assert!(fired(&e, &WRITE_BIN.replace("\"curl\"", "\"add-shell\"")).is_empty());
    assert!(fired(&e, &WRITE_BIN.replace("\"curl\"", "\"installer\"")).is_empty());
    // single-field form with `in` and a sequence value
    let shell = r#"{"evt.type":"execve","evt.dir":"<","proc.name":"sh","proc.pname":"apache2","proc.aname":["apache2","httpd"]}"#;
    assert!(fired(&e, shell).is_empty());
    assert_eq!(
        fired(&e, &shell.replace("apache2", "x")),
        ["Run shell untrusted"]
    );
}

#[test]
fn overrides_and_appends() {
    let base = load(&["falco_style_rules.yaml"]);
    let e = load(&["falco_style_rules.yaml", "falco_style_overrides.yaml"]);
    let names: Vec<&str> = e.rules().iter().map(|r| r.name.as_str()).collect();
    // enabled replaced to true; the drop rule disabled by `enabled: false` alone
    assert!(names.contains(&"Disabled example"));
    assert!(!names.contains(&"Drop and execute new binary in container"));

    // list append: fish is now a shell
    let fish = r#"{"evt.type":"execve","evt.dir":"<","proc.name":"fish","proc.pname":"runc","proc.tty":34816,"container.id":"c1"}"#;
    assert!(fired(&base, fish).is_empty());
    assert_eq!(
        fired(&e, fish),
        ["Terminal shell in container", "Disabled example"]
    );
    // legacy append to the condition
    let cron = fish.replace("runc", "cron");
    assert_eq!(fired(&e, &cron), ["Disabled example"]);

    // macro replaced
    let updater = WRITE_BIN.replace("\"curl\"", "\"trusted-updater\"");
    assert_eq!(fired(&base, &updater), ["Write below binary dir"]);
    assert!(fired(&e, &updater).is_empty());

    // exception values appended to an existing exception
    let pip = WRITE_BIN
        .replace("\"bash\"", "\"python3\"")
        .replace("/usr/bin/evil", "/usr/bin/pip");
    assert_eq!(fired(&base, &pip), ["Write below binary dir"]);
    assert!(fired(&e, &pip).is_empty());

    // priority replaced, tags and output appended
    let r = e
        .rules()
        .iter()
        .find(|r| r.name == "Run shell untrusted")
        .unwrap();
    assert_eq!(r.priority, Priority::Critical);
    assert!(r.tags.contains(&"local".to_string()) && r.tags.contains(&"T1059.004".to_string()));
    let shell = r#"{"evt.type":"execve","evt.dir":"<","proc.name":"sh","proc.pname":"nginx"}"#;
    let a = alerts(&e, shell);
    let a = a.iter().find(|a| a.rule == "Run shell untrusted").unwrap();
    assert!(a.output.ends_with("(cluster=prod)"), "{}", a.output);
    assert!(
        a.output.contains(": Critical Shell spawned"),
        "{}",
        a.output
    );
}

#[test]
fn first_match_is_the_default() {
    let yaml = "
- rule: A
  desc: a
  condition: proc.name = bash
  output: a
  priority: INFO
- rule: B
  desc: b
  condition: proc.name startswith ba
  output: b
  priority: INFO
";
    let mut rs = RuleSet::new();
    rs.load_str("t.yaml", yaml).unwrap();
    let first = Engine::new(&rs, EngineOptions::default()).unwrap();
    assert_eq!(fired(&first, r#"{"proc.name":"bash"}"#), ["A"]);
    assert_eq!(fired(&first, r#"{"proc.name":"bat"}"#), ["B"]);
    assert_eq!(fired(&engine(yaml), r#"{"proc.name":"bash"}"#), ["A", "B"]);
}

#[test]
fn disable_by_name_tag_and_priority() {
    let yaml = "
- rule: A
  desc: a
  condition: proc.name = bash
  output: a
  priority: INFO
  tags: [noisy]
- rule: B
  desc: b
  condition: proc.name = bash
  output: b
  priority: ERROR
- rule: C
  desc: c
  condition: proc.name = bash
  output: c
  priority: emergency
";
    let mut rs = RuleSet::new();
    rs.load_str("t.yaml", yaml).unwrap();
    let opts = |f: fn(&mut EngineOptions)| {
        let mut o = EngineOptions {
            match_mode: MatchMode::All,
            ..EngineOptions::default()
        };
        f(&mut o);
        Engine::new(&rs, o).unwrap()
    };
    let ev = r#"{"proc.name":"bash"}"#;
    assert_eq!(
        fired(&opts(|o| o.disabled_tags = vec!["noisy".into()]), ev),
        ["B", "C"]
    );
    assert_eq!(
        fired(&opts(|o| o.disabled_rules = vec!["B".into()]), ev),
        ["A", "C"]
    );
    assert_eq!(
        fired(&opts(|o| o.min_priority = Priority::Error), ev),
        ["B", "C"]
    );
}

#[test]
fn redefinition_replaces_in_place() {
    let e = engine(
        "
- rule: A
  desc: a
  condition: proc.name = x
  output: a
  priority: INFO
- rule: B
  desc: b
  condition: proc.name = y
  output: b
  priority: INFO
- rule: A
  desc: a2
  condition: proc.name = y
  output: a2
  priority: INFO
- list: l
  items: [p]
- list: l
  items: [q]
- macro: m
  condition: proc.pname = q
- rule: C
  desc: c
  condition: m and proc.pname in (l)
  output: c
  priority: INFO
",
    );
    assert_eq!(fired(&e, r#"{"proc.name":"y"}"#), ["A", "B"]);
    assert_eq!(fired(&e, r#"{"proc.pname":"q"}"#), ["C"]);
}

#[test]
fn rule_file_errors_name_file_line_and_item() {
    let cases: &[(&str, &str)] = &[
        (
            "- rule: A\n  desc: a\n  condition: x.y = 1\n  output: o\n",
            "test.yaml:1: rule `A` has no `priority`",
        ),
        (
            "- rule: A\n  desc: a\n  condition: x.y = 1\n  output: o\n  priority: loud\n",
            "unknown priority `loud`",
        ),
        (
            "- list: l\n  items: [a]\n  append: true\n",
            "no list of that name is defined before it",
        ),
        (
            "- rule: Nope\n  condition: and x\n  append: true\n",
            "rule `Nope` is appended to or overridden",
        ),
        (
            "- macro: m\n  condition: x.y = 1\n  override:\n    condition: merge\n",
            "must be `append` or `replace`",
        ),
        (
            "- rule: A\n  desc: a\n  condition: a.b = 1\n  output: o\n  priority: INFO\n- rule: A\n  priority: INFO\n  override:\n    priority: append\n",
            "cannot be overridden with `append`",
        ),
        (
            "- rule: A\n  desc: a\n  condition: a.b = 1\n  output: o\n  priority: INFO\n- rule: A\n  override:\n    desc: replace\n",
            "the item has no such key",
        ),
        ("- something: else\n", "unknown item with keys [something]"),
        (
            "- rule: A\n  desc: a\n  condition: m1\n  output: o\n  priority: INFO\n- macro: m1\n  condition: m2\n- macro: m2\n  condition: m1\n",
            "refers to itself",
        ),
        (
            "- rule: A\n  desc: a\n  condition: nope\n  output: o\n  priority: INFO\n",
            "undefined macro `nope`",
        ),
        (
            "- rule: K\n  desc: a\n  condition: ka.verb = get and ka.nope = 1\n  output: o\n  priority: INFO\n  source: k8s_audit\n",
            "unknown field `ka.nope`",
        ),
        (
            "- rule: K\n  desc: a\n  condition: ka.user.groups = x\n  output: o\n  priority: INFO\n  source: k8s_audit\n",
            "only supports the operators",
        ),
        (
            "- rule: K\n  desc: a\n  condition: ka.verb = get\n  output: o %ka.bogus\n  priority: INFO\n  source: k8s_audit\n",
            "output: unknown field `ka.bogus`",
        ),
        (
            "- rule: E\n  desc: a\n  condition: a.b = 1\n  output: o\n  priority: INFO\n  exceptions:\n    - name: x\n      fields: [a.b, a.c]\n      values:\n        - [1]\n",
            "value 1 has 1 items, expected 2",
        ),
        (
            "- rule: A\n  desc: a\n  condition: a.b = 1\n  output: o\n  priority: INFO\n  - broken",
            "invalid YAML",
        ),
        (
            "- rule: M\n  desc: a\n  condition: m\n  output: o\n  priority: INFO\n- macro: m\n  condition: proc.name = (\n",
            "macro `m` (test.yaml:6): syntax error",
        ),
    ];
    for (yaml, want) in cases {
        let errs = compile_errors(yaml);
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "{yaml}\nwant {want:?}\ngot {errs:?}"
        );
    }
}

#[test]
fn good_items_load_beside_bad_ones() {
    let mut rs = RuleSet::new();
    let r = rs.load_str("t.yaml", "- rule: bad\n  desc: d\n- rule: good\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO\n");
    let errs = r.unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].location, "t.yaml:1");
    assert_eq!(rs.rules().len(), 1);
}

#[test]
fn directory_of_rule_files_loads_in_name_order() {
    let dir = std::env::temp_dir().join(format!("palisade-rt-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("10-base.yaml"), "- list: l\n  items: [a]\n- rule: R\n  desc: d\n  condition: proc.name in (l)\n  output: o\n  priority: INFO\n").unwrap();
    std::fs::write(
        dir.join("20-local.yml"),
        "- list: l\n  items: [b]\n  override:\n    items: append\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not rules").unwrap();
    let mut rs = RuleSet::new();
    rs.load_path(&dir).unwrap();
    let e = Engine::new(&rs, EngineOptions::default()).unwrap();
    assert_eq!(fired(&e, r#"{"proc.name":"b"}"#), ["R"]);
    assert_eq!(e.rule_count(Source::Syscall), 1);
    std::fs::remove_dir_all(&dir).ok();
}

/// Regression: a rules file whose flow sequences close at their key's
/// indentation (as Falco's own default rules once did) was refused with
/// "invalid indentation"; Falco and go-yaml load it.
#[test]
fn flow_lists_closed_at_key_indentation_load_and_run() {
    let e = load(&["flow_lists_at_key_indent.yaml"]);
    let rule = e
        .rules()
        .iter()
        .find(|r| r.name == "Shell spawned by package manager")
        .unwrap();
    assert!(
        rule.tags.iter().any(|t| t == "mitre_execution"),
        "{:?}",
        rule.tags
    );
    let fires =
        r#"{"evt.type":"execve","evt.dir":"<","proc.name":"bash","proc.pname":"dpkg","evt.num":1}"#;
    let quiet =
        r#"{"evt.type":"execve","evt.dir":"<","proc.name":"bash","proc.pname":"sshd","evt.num":2}"#;
    assert_eq!(fired(&e, fires), ["Shell spawned by package manager"]);
    assert!(fired(&e, quiet).is_empty());
}

//! Kubernetes audit events: the `ka.*` / `jevt.*` field mapping of the
//! k8saudit plugin, EventList and JSON-lines input, k8s-style rule files,
//! output substitution and alert shapes.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::{alerts, engine, fired, holds_audit};
use palisade_runtime::condition::{Expr, parse};
use palisade_runtime::fields::resolve;
use palisade_runtime::{Engine, EngineOptions, MatchMode, RuleSet, Source, event};
use std::path::Path;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Extracts a field from the pod-create fixture, rendered as output would.
fn field(name: &str) -> String {
    let text = fixture("audit_pod_create.json");
    let Expr::Check(c) = parse(&format!("{name} exists")).unwrap() else {
        panic!()
    };
    let ex = resolve(Source::K8sAudit, &c.field).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = String::new();
    event::decode(&text, None, |ev| {
        out = ex.extract(&ev).render();
    })
    .unwrap();
    out
}

#[test]
fn ka_field_mapping() {
    let cases = [
        ("ka.auditid", "7f3c0e2a-1b6d-4a9e-8c1f-2d4e5f6a7b8c"),
        ("ka.stage", "ResponseComplete"),
        ("ka.auth.decision", "allow"),
        (
            "ka.auth.reason",
            "RBAC: allowed by RoleBinding \"devs/shop\"",
        ),
        ("ka.user.name", "alice@example.com"),
        ("ka.user.groups", "(devs,system:authenticated)"),
        ("ka.impuser.name", "bob"),
        ("ka.verb", "create"),
        (
            "ka.uri",
            "/api/v1/namespaces/shop/pods?fieldManager=kubectl-client-side-apply&dryRun=All",
        ),
        ("ka.uri.param[dryRun]", "All"),
        ("ka.uri.param[missing]", "<NA>"),
        ("ka.target.name", "web-1"),
        ("ka.target.namespace", "shop"),
        ("ka.target.resource", "pods"),
        ("ka.target.subresource", "<NA>"),
        (
            "ka.req.pod.containers.image",
            "(registry.example.com/shop/web:1.4@sha256:abcd,busybox)",
        ),
        ("ka.req.pod.containers.image[1]", "(busybox)"),
        (
            "ka.req.container.image",
            "registry.example.com/shop/web:1.4@sha256:abcd",
        ),
        (
            "ka.req.pod.containers.image.repository",
            "(registry.example.com/shop/web,busybox)",
        ),
        (
            "ka.req.container.image.repository",
            "registry.example.com/shop/web",
        ),
        ("ka.req.pod.host_network", "true"),
        ("ka.req.container.host_network", "true"),
        ("ka.req.pod.host_pid", "false"),
        ("ka.req.pod.host_ipc", "<NA>"),
        ("ka.req.pod.containers.host_port", "(80,9090)"),
        ("ka.req.pod.containers.privileged", "(true)"),
        ("ka.req.container.privileged", "true"),
        (
            "ka.req.pod.containers.allow_privilege_escalation",
            "(true,false)",
        ),
        ("ka.req.pod.containers.read_only_fs", "(false,true)"),
        ("ka.req.pod.run_as_user", "1000"),
        ("ka.req.pod.containers.run_as_user", "<NA>"),
        ("ka.req.pod.containers.eff_run_as_user", "(0,1000)"),
        ("ka.req.pod.containers.eff_run_as_group", "(0,0)"),
        ("ka.req.pod.containers.proc_mount", "(Default,Unmasked)"),
        ("ka.req.pod.fs_group", "2000"),
        ("ka.req.pod.supplemental_groups", "(3000,3001)"),
        ("ka.req.pod.containers.add_capabilities", "<NA>"),
        (
            "ka.req.pod.containers.add_capabilities[0]",
            "(NET_ADMIN,SYS_TIME)",
        ),
        ("ka.req.pod.volumes.hostpath", "(/var/run/docker.sock)"),
        ("ka.req.volume.hostpath[/var/run/docker.sock]", "true"),
        ("ka.req.volume.hostpath[/var/run/*]", "true"),
        ("ka.req.volume.hostpath[/etc]", "false"),
        ("ka.req.pod.volumes.flexvolume_driver", "(example/lvm)"),
        (
            "ka.req.pod.volumes.volume_type",
            "(hostPath,configMap,flexVolume)",
        ),
        ("ka.req.binding.subject.has_name[x]", "true"),
        ("ka.resp.name", "web-1"),
        ("ka.response.code", "201"),
        ("ka.response.reason", "<NA>"),
        ("ka.useragent", "kubectl/v1.31.0 (linux/amd64)"),
        ("ka.sourceips", "(10.0.0.7,203.0.113.9)"),
        ("jevt.value[/stage]", "ResponseComplete"),
        (
            "jevt.value[/requestObject/spec/containers/1/name]",
            "sidecar",
        ),
        (
            "jevt.value[/annotations/authorization.k8s.io~1decision]",
            "allow",
        ),
        (
            "jevt.value[/requestObject/spec/volumes/0/hostPath]",
            r#"{"path":"/var/run/docker.sock","type":"Socket"}"#,
        ),
        ("jevt.value[/nope]", "<NA>"),
        ("jevt.rawtime", "1795366625223456000"),
        ("jevt.time", "2026-11-22T16:57:05.223456000Z"),
    ];
    let mut wrong = Vec::new();
    for (name, want) in cases {
        let got = field(name);
        if got != want {
            wrong.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(field("jevt.obj").starts_with(r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1""#));
}

#[test]
fn rbac_and_binding_fields() {
    let ev = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"create",
      "objectRef":{"resource":"clusterroles","name":"r"},
      "requestObject":{"rules":[{"apiGroups":[""],"resources":["pods","pods/exec"],"verbs":["get","create"]},{"nonResourceURLs":["/metrics"],"verbs":["*"]}],
      "roleRef":{"name":"cluster-admin"},"subjects":[{"kind":"User","name":"mallory"}]}}"#;
    assert!(holds_audit(
        "ka.req.role.rules.resources intersects (\"pods/exec\")",
        ev
    ));
    assert!(holds_audit(
        "ka.req.role.rules.verbs intersects (\"*\")",
        ev
    ));
    assert!(holds_audit(
        "ka.req.role.rules.verbs in (get, create, \"*\")",
        ev
    ));
    assert!(
        !holds_audit("ka.req.role.rules.verbs in (get, create)", ev),
        "in: every value"
    );
    assert!(holds_audit(
        "ka.req.role.rules.nonResourceURLs intersects (/metrics)",
        ev
    ));
    assert!(holds_audit(
        "ka.req.role.rules.apiGroups intersects (\"\")",
        ev
    ));
    assert!(holds_audit("ka.req.binding.role = cluster-admin", ev));
    assert!(holds_audit(
        "ka.req.binding.subjects intersects ('{\"kind\":\"User\",\"name\":\"mallory\"}')",
        ev
    ));
    assert!(holds_audit("ka.req.role.rules exists", ev));
    assert!(holds_audit("len(ka.req.role.rules.verbs) = 3", ev));
    // list fields take only in / intersects / exists (checked in rule_files),
    // and an absent list is not extractable
    assert!(!holds_audit("ka.req.pod.containers.image exists", ev));
    assert!(holds_audit(
        "not ka.req.pod.containers.image intersects (x)",
        ev
    ));
}

#[test]
fn k8s_style_rule_file() {
    let mut rs = RuleSet::new();
    rs.load_str("k8s_style_rules.yaml", &fixture("k8s_style_rules.yaml"))
        .unwrap();
    let e = Engine::new(
        &rs,
        EngineOptions {
            match_mode: MatchMode::All,
            ..EngineOptions::default()
        },
    )
    .unwrap();
    assert_eq!(e.rule_count(Source::K8sAudit), 10);
    let pod = fixture("audit_pod_create.json");
    assert_eq!(
        fired(&e, &pod),
        [
            "Disallowed K8s User",
            "Create Privileged Pod",
            "Create Sensitive Mount Pod",
            "Create HostNetwork Pod"
        ]
    );
    let a = alerts(&e, &pod);
    let sens = a
        .iter()
        .find(|a| a.rule == "Create Sensitive Mount Pod")
        .unwrap();
    assert!(sens.output.contains(r#"volumes=[{"name":"docker","hostPath":{"path":"/var/run/docker.sock","type":"Socket"}}"#), "{}", sens.output);
    assert!(sens.output.starts_with("2026-11-22T16:57:05.223456000Z: Warning Pod started with sensitive mount (user=alice@example.com pod=web-1 "), "{}", sens.output);

    let exec = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseStarted","verb":"create","user":{"username":"system:admin"},"requestURI":"/api/v1/namespaces/shop/pods/web-1/exec?command=cat&command=%2Fetc%2Fshadow&container=web","objectRef":{"resource":"pods","namespace":"shop","name":"web-1","subresource":"exec"}}"#;
    let a = alerts(&e, exec);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].rule, "Attach/Exec Pod");
    assert!(
        a[0].output.ends_with("action=exec command=cat)"),
        "{}",
        a[0].output
    );

    let role = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"patch","user":{"username":"system:x"},"objectRef":{"resource":"clusterroles","name":"system:node"}}"#;
    assert_eq!(fired(&e, role), ["System ClusterRole Modified/Deleted"]);
    assert!(fired(&e, &role.replace("system:node", "system:coredns")).is_empty());

    let anon = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"get","user":{"username":"system:anonymous"},"requestURI":"/api","annotations":{"authorization.k8s.io/decision":"allow"}}"#;
    assert_eq!(fired(&e, anon), ["Anonymous Request Allowed"]);
    assert!(fired(&e, &anon.replace("\"/api\"", "\"/healthz?verbose=1\"")).is_empty());

    let secret = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"get","user":{"username":"system:x"},"objectRef":{"resource":"secrets","namespace":"shop","name":"db"},"responseStatus":{"code":200}}"#;
    assert_eq!(fired(&e, secret), ["K8s Secret Get Successfully"]);
    assert!(fired(&e, &secret.replace("\"shop\"", "\"kube-system\"")).is_empty());
}

#[test]
fn alerts_in_falco_shape_and_as_findings() {
    let e = engine(
        "- rule: Priv\n  desc: d\n  condition: ka.req.pod.containers.privileged intersects (true)\n  output: privileged pod %ka.target.namespace/%ka.target.name by %ka.user.name (missing=%ka.response.reason)\n  priority: WARNING\n  source: k8s_audit\n  tags: [k8s, T1611]\n",
    );
    let a = alerts(&e, &fixture("audit_pod_create.json"));
    assert_eq!(a.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&a[0].to_json_line()).unwrap();
    assert_eq!(json["rule"], "Priv");
    assert_eq!(json["priority"], "Warning");
    assert_eq!(json["source"], "k8s_audit");
    assert_eq!(json["tags"], serde_json::json!(["k8s", "T1611"]));
    assert_eq!(json["time"], "2026-11-22T16:57:05.223456000Z");
    assert_eq!(
        json["output"],
        "2026-11-22T16:57:05.223456000Z: Warning privileged pod shop/web-1 by alice@example.com (missing=<NA>)"
    );
    assert_eq!(json["output_fields"]["ka.user.name"], "alice@example.com");
    assert_eq!(
        json["output_fields"]["ka.response.reason"],
        serde_json::Value::Null
    );
    let f = a[0].to_finding();
    assert_eq!(f.rule_id, "Priv");
    assert_eq!(f.severity, palisade_core::Severity::Medium);
    let r = f.resource.unwrap();
    assert_eq!(
        (r.kind.as_str(), r.namespace.as_deref(), r.name.as_deref()),
        ("pods", Some("shop"), Some("web-1"))
    );
}

#[test]
fn event_lists_and_source_detection() {
    let e = engine(
        "- rule: V\n  desc: d\n  condition: ka.verb = delete\n  output: '%ka.target.name'\n  priority: INFO\n  source: k8s_audit\n- rule: P\n  desc: d\n  condition: proc.name = bash\n  output: '%proc.name'\n  priority: INFO\n",
    );
    let list = r#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[
      {"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","verb":"delete","objectRef":{"name":"a"}},
      {"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","verb":"get","objectRef":{"name":"b"}},
      {"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","verb":"delete","objectRef":{"name":"c"}}]}"#;
    let a = alerts(&e, list);
    let outs: Vec<&str> = a
        .iter()
        .map(|a| a.output.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(outs, ["a", "c"]);
    assert_eq!(
        fired(&e, r#"{"evt.type":"execve","proc.name":"bash"}"#),
        ["P"]
    );
    // neither an audit event nor a process event
    let err = event::decode(r#"{"hello":"world"}"#, None, |_| {}).unwrap_err();
    assert!(err.to_string().contains("--source"), "{err}");
    assert!(event::decode("[1,2]", None, |_| {}).is_err());
    assert!(event::decode("{not json", None, |_| {}).is_err());
    // a given source overrides detection
    let n = event::decode(r#"{"hello":"world"}"#, Some(Source::Syscall), |_| {}).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn index_does_not_hide_rules() {
    // rules with and without an evt.type / ka.verb restriction, negations
    let e = engine(
        "
- rule: Exec
  desc: d
  condition: evt.type in (execve, execveat) and proc.name = x
  output: o
  priority: INFO
- rule: NotOpen
  desc: d
  condition: not evt.type = open and proc.name = x
  output: o
  priority: INFO
- rule: Any
  desc: d
  condition: proc.name = x
  output: o
  priority: INFO
- rule: Either
  desc: d
  condition: (evt.type = connect and fd.sport = 1) or (evt.type = accept and proc.name = x)
  output: o
  priority: INFO
- rule: Create
  desc: d
  condition: ka.verb = create or ka.verb = patch
  output: o
  priority: INFO
  source: k8s_audit
",
    );
    assert_eq!(
        fired(&e, r#"{"evt.type":"execve","proc.name":"x"}"#),
        ["Exec", "NotOpen", "Any"]
    );
    assert_eq!(fired(&e, r#"{"evt.type":"open","proc.name":"x"}"#), ["Any"]);
    assert_eq!(
        fired(&e, r#"{"evt.type":"accept","proc.name":"x"}"#),
        ["NotOpen", "Any", "Either"]
    );
    assert_eq!(fired(&e, r#"{"proc.name":"x"}"#), ["NotOpen", "Any"]);
    assert_eq!(
        fired(
            &e,
            r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"patch"}"#
        ),
        ["Create"]
    );
}

#[test]
fn service_fields() {
    let ev = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"services"},"requestObject":{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080},{"port":443}]}}}"#;
    assert!(holds_audit("ka.req.service.type = NodePort", ev));
    assert!(holds_audit(
        r#"ka.req.service.ports intersects ('{"port":443}')"#,
        ev
    ));
    assert!(holds_audit(
        r#"ka.req.service.ports[1] in ('{"port":443}')"#,
        ev
    ));
    assert!(!holds_audit(
        r#"ka.req.service.ports in ('{"port":443}')"#,
        ev
    ));
    assert!(!holds_audit("ka.req.service.ports[5] exists", ev));
}

//! Throughput of `palisade watch`'s evaluation path on one core: JSON line
//! in, parsed, indexed, matched against 50+ rules, alerts rendered.
//!
//! ```sh
//! cargo run --release -p palisade-runtime --example watch_bench [EVENTS]
//! # the same events as files, to time `palisade watch` itself:
//! BENCH_DUMP=/tmp cargo run --release -p palisade-runtime --example watch_bench
//! ```
//!
//! Rules: Palisade's default rules plus `examples/bench_rules.yaml` (shapes
//! taken from Falco's stock rule files). Events: a seeded synthetic mix of
//! process events (opens, execs, connects, dups and syscalls no rule
//! names) and audit events (mostly reads, some creates of pods, bindings
//! and secrets), a few percent of which alert.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_runtime::defaults::{DEFAULT_RULES, DEFAULT_RULES_NAME};
use palisade_runtime::{Engine, EngineOptions, Origin, RuleSet, Source, event};
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn process_event(r: &mut Rng, i: u64) -> String {
    let kind = r.next() % 100;
    // Mostly ordinary services; shells, tools and sensitive files now and then.
    let procs = [
        "nginx",
        "java",
        "python3",
        "node",
        "postgres",
        "redis-server",
        "envoy",
        "nginx",
        "java",
        "node",
        "postgres",
        "envoy",
        "python3",
        "java",
        "nginx",
        "node",
        "kubelet",
        "containerd",
        "bash",
        "curl",
    ];
    let name = r.pick(&procs);
    let pname = r.pick(&[
        "containerd-shim",
        "runc",
        "bash",
        "nginx",
        "systemd",
        "java",
    ]);
    let container = if r.next().is_multiple_of(4) {
        "host".to_string()
    } else {
        format!("{:012x}", r.next() & 0xffff_ffff_ffff)
    };
    let common = format!(
        r#""evt.num":{i},"evt.time":{},"proc.name":"{name}","proc.pid":{},"proc.pname":"{pname}","proc.cmdline":"{name} --config /etc/{name}/{name}.conf","proc.aname":["{pname}","systemd"],"user.name":"app","user.uid":1000,"container.id":"{container}","container.name":"app-{}","container.image.repository":"registry.example.com/shop/{name}","k8s.ns.name":"shop","k8s.pod.name":"{name}-7d9f8c-x2x9q""#,
        1_795_366_625_000_000_000u64 + i * 1000,
        1000 + r.next() % 30000,
        r.next() % 50,
    );
    match kind {
        0..=39 => {
            let write = r.next().is_multiple_of(20);
            let file = r.pick(&[
                "/var/lib/app/data.db",
                "/etc/hosts",
                "/etc/nginx/nginx.conf",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/proc/self/status",
                "/tmp/cache-1",
                "/var/lib/app/data.db",
                "/usr/lib/python3.12/os.py",
                "/var/log/app.log",
                "/dev/null",
                "/etc/resolv.conf",
                "/proc/self/cgroup",
                "/sys/fs/cgroup/cpu.max",
                "/var/lib/app/wal-0001",
                "/usr/share/zoneinfo/UTC",
                "/etc/ssl/certs/ca-certificates.crt",
                "/var/lib/app/data.db",
                "/tmp/cache-2",
                "/etc/passwd",
                "/etc/shadow",
            ]);
            let dir = file
                .rsplit_once('/')
                .map(|(d, _)| if d.is_empty() { "/" } else { d })
                .unwrap_or("/");
            format!(
                r#"{{"evt.type":"openat","evt.dir":"<","evt.is_open_read":{},"evt.is_open_write":{write},"fd.typechar":"f","fd.num":{},"fd.name":"{file}","fd.directory":"{dir}",{common}}}"#,
                !write,
                3 + r.next() % 100
            )
        }
        40..=49 => format!(
            r#"{{"evt.type":"execve","evt.dir":"<","proc.tty":0,"proc.exepath":"/usr/bin/{name}",{common}}}"#
        ),
        50..=59 => {
            let port = r.pick(&[
                "443", "5432", "6379", "8080", "53", "443", "5432", "6379", "8080", "53", "443",
                "9090", "8443", "3333",
            ]);
            format!(
                r#"{{"evt.type":"connect","evt.dir":"<","fd.type":"ipv4","fd.sip":"10.0.{}.{}","fd.sport":{port},"fd.name":"10.0.0.5:40000->10.0.1.2:{port}",{common}}}"#,
                r.next() % 255,
                r.next() % 255
            )
        }
        60..=61 => format!(
            r#"{{"evt.type":"dup2","evt.dir":"<","fd.num":{},"fd.type":"file","fd.name":"/dev/null",{common}}}"#,
            r.next() % 3
        ),
        _ => {
            let t = r.pick(&[
                "read",
                "write",
                "close",
                "mmap",
                "futex",
                "epoll_wait",
                "recvfrom",
                "sendto",
                "fstat",
                "clock_gettime",
            ]);
            format!(
                r#"{{"evt.type":"{t}","evt.dir":"<","fd.num":{},{common}}}"#,
                r.next() % 100
            )
        }
    }
}

fn audit_event(r: &mut Rng, i: u64) -> String {
    let verb = r.pick(&[
        "get", "get", "list", "watch", "watch", "get", "update", "patch", "create", "delete",
    ]);
    let resource = r.pick(&[
        "pods",
        "secrets",
        "configmaps",
        "leases",
        "endpoints",
        "deployments",
        "nodes",
        "clusterrolebindings",
        "services",
        "events",
    ]);
    let user = r.pick(&[
        "system:serviceaccount:kube-system:endpoint-controller",
        "system:kube-scheduler",
        "system:node:worker-1",
        "alice@example.com",
        "ci-bot",
        "system:apiserver",
    ]);
    let ns = r.pick(&["shop", "kube-system", "monitoring", "default"]);
    let code = r.pick(&["200", "200", "200", "201", "404", "403"]);
    let body = if verb == "create" && resource == "pods" {
        let privileged = r.next().is_multiple_of(5);
        let host_net = r.next().is_multiple_of(7);
        format!(
            r#","requestObject":{{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"web-{i}","namespace":"{ns}","labels":{{"app":"web"}}}},"spec":{{"hostNetwork":{host_net},"containers":[{{"name":"web","image":"registry.example.com/shop/web:1.{}","ports":[{{"containerPort":8080}}],"securityContext":{{"privileged":{privileged},"runAsNonRoot":true}}}},{{"name":"proxy","image":"envoyproxy/envoy:v1.31"}}],"volumes":[{{"name":"cfg","configMap":{{"name":"web"}}}}]}}}}"#,
            r.next() % 9
        )
    } else if verb == "create" && resource == "clusterrolebindings" {
        r#","requestObject":{"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"bob"}]}"#.to_string()
    } else {
        String::new()
    };
    format!(
        r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"{:016x}-{:08x}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/{ns}/{resource}/obj-{}","verb":"{verb}","user":{{"username":"{user}","groups":["system:authenticated"]}},"sourceIPs":["10.0.0.{}"],"userAgent":"kube-controller-manager/v1.31.0 (linux/amd64) kubernetes/abc123","objectRef":{{"resource":"{resource}","namespace":"{ns}","name":"obj-{}","apiVersion":"v1"}},"responseStatus":{{"metadata":{{}},"code":{code}}}{body},"requestReceivedTimestamp":"2026-11-22T16:57:05.123456Z","stageTimestamp":"2026-11-22T16:57:05.133456Z","annotations":{{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"system:controller\""}}}}"#,
        r.next(),
        r.next() & 0xffff_ffff,
        i % 1000,
        r.next() % 255,
        i % 1000
    )
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn run(engine: &Engine, lines: &[String], label: &str) {
    let origin = Origin {
        input: "bench".into(),
        line: 0,
    };
    let mut alerts = Vec::new();
    let mut n_alerts = 0usize;
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    // warm-up
    for l in lines.iter().take(10_000) {
        event::decode(l, None, |ev| engine.evaluate(&ev, &origin, &mut alerts)).unwrap();
        alerts.clear();
    }
    let start = Instant::now();
    for l in lines {
        event::decode(l, None, |ev| engine.evaluate(&ev, &origin, &mut alerts)).unwrap();
        n_alerts += alerts.len();
        alerts.clear();
    }
    let secs = start.elapsed().as_secs_f64();
    if std::env::var_os("BENCH_PARSE_ONLY").is_some() {
        let t = Instant::now();
        let mut n = 0usize;
        for l in lines {
            event::decode(l, None, |ev| n += ev.json.items().len()).unwrap();
        }
        println!(
            "  parse only: {:.0} events/s",
            lines.len() as f64 / t.elapsed().as_secs_f64()
        );
        for round in 0..3 {
            let t = Instant::now();
            for l in lines {
                n += palisade_runtime::json::Json::parse(l)
                    .map(|j| j.items().len())
                    .unwrap_or(0);
            }
            let a = t.elapsed().as_secs_f64();
            let t = Instant::now();
            for l in lines {
                n += serde_json::from_str::<palisade_runtime::json::Json>(l)
                    .map(|j| j.items().len())
                    .unwrap_or(0);
            }
            let b = t.elapsed().as_secs_f64();
            println!(
                "  round {round}: Json::parse {:.0}/s, serde_json only {:.0}/s",
                lines.len() as f64 / a,
                lines.len() as f64 / b
            );
        }
        std::hint::black_box(n);
    }
    println!(
        "{label}: {} events ({:.0} bytes avg) in {secs:.3} s = {:.0} events/s on one core, {:.1} MB/s, {n_alerts} alerts ({:.2}%)",
        lines.len(),
        bytes as f64 / lines.len() as f64,
        lines.len() as f64 / secs,
        bytes as f64 / secs / 1e6,
        100.0 * n_alerts as f64 / lines.len() as f64,
    );
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut rs = RuleSet::new();
    rs.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES).unwrap();
    rs.load_str("bench_rules.yaml", include_str!("bench_rules.yaml"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let engine = Engine::new(&rs, EngineOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    println!(
        "rules loaded: {} ({} process, {} audit)",
        engine.rules().len(),
        engine.rule_count(Source::Syscall),
        engine.rule_count(Source::K8sAudit)
    );
    println!(
        "peak RSS with rules compiled: {} MiB",
        peak_rss_kib() / 1024
    );
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let procs: Vec<String> = (0..n).map(|i| process_event(&mut r, i)).collect();
    if let Some(dir) = std::env::var_os("BENCH_DUMP") {
        // Write the events as JSON-lines files (for timing `palisade watch`).
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("process.jsonl"), procs.join("\n") + "\n").unwrap();
        let audits: Vec<String> = (0..n / 2).map(|i| audit_event(&mut r, i)).collect();
        std::fs::write(dir.join("audit.jsonl"), audits.join("\n") + "\n").unwrap();
        println!(
            "wrote {} and {}",
            dir.join("process.jsonl").display(),
            dir.join("audit.jsonl").display()
        );
        return;
    }
    run(&engine, &procs, "process events");
    drop(procs);
    let audits: Vec<String> = (0..n / 2).map(|i| audit_event(&mut r, i)).collect();
    run(&engine, &audits, "audit events  ");
    println!(
        "peak RSS (events held in memory included): {} MiB",
        peak_rss_kib() / 1024
    );
}

/// The allocator the `palisade` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

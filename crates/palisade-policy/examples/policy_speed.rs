//! In-process cost of Gatekeeper policies: load time, reviews per second
//! and per-review latency with N templates loaded (each with one
//! constraint), on a fixed mix of allowed and denied Pods and Deployments.
//!
//! The N templates are the four shipped in `policies/`, copied under new
//! kinds (`K8sRequiredLabels7`, ...) so that every one is compiled and
//! evaluated separately, as N distinct templates would be.
//!
//! ```text
//! cargo run --release -p palisade-policy --example policy_speed -- 1 10 50
//! cargo run --release -p palisade-policy --example policy_speed -- --write DIR 50
//! ```
//!
//! `--write DIR N` only writes the N templates and constraints to DIR (the
//! webhook benchmark, `bench/policy/run.sh`, loads them with `--policy`).
//! `--threads T N` measures throughput with T threads sharing one set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_policy::{EnforcementPoint, PolicySet, Review};

/// The allocator `palisade` itself uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// (template name, kind) of the shipped policies.
const SHIPPED: &[(&str, &str, &str)] = &[
    ("required-labels", "k8srequiredlabels", "K8sRequiredLabels"),
    ("allowed-repos", "k8sallowedrepos", "K8sAllowedRepos"),
    (
        "disallow-latest",
        "k8sdisallowlatesttag",
        "K8sDisallowLatestTag",
    ),
    (
        "required-resources",
        "k8srequiredresources",
        "K8sRequiredResources",
    ),
];

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies")
}

/// N templates with one constraint each, as `(path, text)`.
fn generate(n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let (dir, name, kind) = SHIPPED[i % SHIPPED.len()];
        let rename = |text: &str| {
            text.replace(kind, &format!("{kind}{i}"))
                .replace(name, &format!("{name}{i}"))
        };
        for file in ["template.yaml", "constraint.yaml"] {
            let text = std::fs::read_to_string(policies_dir().join(dir).join(file)).unwrap();
            out.push((format!("{i:03}-{dir}-{file}"), rename(&text)));
        }
    }
    out
}

fn reviews() -> Vec<(&'static str, Review)> {
    let container = |image: &str, resources: bool| {
        let mut c = json!({"name": "app", "image": image});
        if resources {
            c["resources"] = json!({"requests": {"cpu": "10m", "memory": "16Mi"},
                                     "limits": {"cpu": "1", "memory": "64Mi"}});
        }
        c
    };
    let labels = json!({"app.kubernetes.io/name": "web", "owner": "team-web"});
    let pod = |ok: bool| -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web", "namespace": "shop",
                            "labels": if ok { labels.clone() } else { json!({}) }},
               "spec": {"containers": [container(
                   if ok { "registry.example.com/web:1.4" } else { "nginx:latest" }, ok)]}})
    };
    let deploy = |ok: bool| -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "api", "namespace": "shop",
                            "labels": if ok { labels.clone() } else { json!({}) }},
               "spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {
                   "initContainers": [container("registry.example.com/init:2", ok)],
                   "containers": [container(
                       if ok { "ghcr.io/acme/api@sha256:0123456789012345678901234567890123456789012345678901234567890123" }
                       else { "busybox" }, ok),
                       container("registry.example.com/sidecar:1", true)]}}}})
    };
    vec![
        ("pod-allowed", Review::of_object(pod(true), None)),
        ("pod-denied", Review::of_object(pod(false), None)),
        ("deploy-allowed", Review::of_object(deploy(true), None)),
        ("deploy-denied", Review::of_object(deploy(false), None)),
    ]
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn measure(n: usize) {
    let sources = generate(n);
    let started = Instant::now();
    let (set, issues) = PolicySet::from_sources(&sources);
    let load = started.elapsed();
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(set.constraints().len(), n);
    let reviews = reviews();
    // Warm up, and check the mix does what it says.
    for (name, r) in &reviews {
        let e = set.evaluate(r, EnforcementPoint::Webhook);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(
            e.violations.is_empty(),
            name.ends_with("allowed"),
            "{name}: {:?}",
            e.violations
        );
    }
    let mut times = Vec::new();
    let run_for = Duration::from_secs(3);
    let started = Instant::now();
    let mut violations = 0usize;
    while started.elapsed() < run_for {
        for (_, r) in &reviews {
            let t = Instant::now();
            let e = set.evaluate(r, EnforcementPoint::Webhook);
            times.push(t.elapsed());
            violations += e.violations.len();
        }
    }
    let total = started.elapsed();
    times.sort();
    println!(
        "{n:>4} templates  load {:>7.1} ms  {:>8.0} reviews/s  p50 {:>7.1} us  p99 {:>7.1} us  max {:>7.1} us  ({} reviews, {} violations)",
        load.as_secs_f64() * 1e3,
        times.len() as f64 / total.as_secs_f64(),
        percentile(&times, 0.50).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
        times.last().unwrap().as_secs_f64() * 1e6,
        times.len(),
        violations
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--write") {
        let dir = PathBuf::from(&args[1]);
        let n: usize = args[2].parse().unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in generate(n) {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--threads") {
        // Throughput with the set shared by several threads (as the
        // webhook's workers share it).
        let threads: usize = args[1].parse().unwrap();
        let n: usize = args[2].parse().unwrap();
        let (set, _) = PolicySet::from_sources(&generate(n));
        let set = std::sync::Arc::new(set);
        let started = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let set = set.clone();
                std::thread::spawn(move || {
                    let reviews = reviews();
                    let mut done = 0usize;
                    while started.elapsed() < Duration::from_secs(3) {
                        for (_, r) in &reviews {
                            set.evaluate(r, EnforcementPoint::Webhook);
                            done += 1;
                        }
                    }
                    done
                })
            })
            .collect();
        let done: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        println!(
            "{n} templates, {threads} threads: {:.0} reviews/s",
            done as f64 / started.elapsed().as_secs_f64()
        );
        return;
    }
    let counts: Vec<usize> = if args.is_empty() {
        vec![1, 10, 50]
    } else {
        args.iter().map(|a| a.parse().unwrap()).collect()
    };
    println!(
        "# one thread; each review evaluated by every template's constraint (Pods and Deployments, half denied)"
    );
    for n in counts {
        measure(n);
    }
}

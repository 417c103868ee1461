//! End to end: the real server on loopback with a generated CA, real
//! AdmissionReviews over TLS from an HTTP client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_admission::Admission;
use palisade_core::Config;
use palisade_server::{Running, ServeOptions, pki, start};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn yesterday() -> (i32, u32, u32) {
    palisade_core::admission::date_from_today(-1)
}

async fn get_text(c: &reqwest::Client, url: &str) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}

fn write_pki(dir: &Path, ca_name: &str) -> pki::Pki {
    let p = pki::generate(ca_name, &["localhost".to_string()], yesterday(), 30).unwrap();
    // Write via rename so the reload loop never sees a half-written file.
    for (name, text) in [("tls.crt", &p.cert_pem), ("tls.key", &p.key_pem)] {
        let tmp = dir.join(format!("{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, dir.join(name)).unwrap();
    }
    p
}

fn client(ca_pem: &str) -> reqwest::Client {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    server: Running,
    ready: Arc<AtomicBool>,
    ca: String,
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.server.addr.port())
    }
}

async fn fixture(config: &str, namespaces: BTreeMap<String, BTreeMap<String, String>>) -> Fixture {
    fixture_with(config, namespaces, |_| {}).await
}

async fn fixture_with(
    config: &str,
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    tune: impl FnOnce(&mut ServeOptions),
) -> Fixture {
    let config = Config::parse("palisade.yaml", config).unwrap();
    fixture_admission(Admission::new(config), namespaces, tune).await
}

async fn fixture_admission(
    admission: Admission,
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    tune: impl FnOnce(&mut ServeOptions),
) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "palisade-test-ca-1");
    let mut options = ServeOptions::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().join("tls.crt"),
        dir.path().join("tls.key"),
    );
    options.reload_interval = Duration::from_millis(50);
    tune(&mut options);
    let ready = Arc::new(AtomicBool::new(false));
    let server = start(
        Arc::new(admission),
        Arc::new(namespaces),
        ready.clone(),
        &options,
    )
    .await
    .unwrap();
    Fixture {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        server,
        ready,
        ca: pki.ca_pem,
    }
}

fn pod(privileged: bool) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"automountServiceAccountToken": false,
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "app",
            "image": "registry.example.com/web@sha256:0123456789012345678901234567890123456789012345678901234567890123",
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "1", "memory": "64Mi"}},
            "securityContext": {"privileged": privileged, "allowPrivilegeEscalation": false,
                "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true}}]}})
}

fn review(version: &str, op: &str, object: &Value, dry_run: bool) -> Value {
    json!({"apiVersion": version, "kind": "AdmissionReview", "request": {
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind": {"group": "", "version": "v1", "kind": object["kind"]},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "name": object["metadata"]["name"], "namespace": "shop", "operation": op,
        "userInfo": {"username": "alice"}, "object": object, "dryRun": dry_run}})
}

async fn post(c: &reqwest::Client, url: &str, body: &Value) -> Value {
    let r = c.post(url).json(body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_over_tls_in_the_version_asked_and_dry_run_alike() {
    let f = fixture("{}", BTreeMap::new()).await;
    let c = client(&f.ca);
    let url = f.url("/validate");

    let ok = post(
        &c,
        &url,
        &review("admission.k8s.io/v1", "CREATE", &pod(false), false),
    )
    .await;
    assert_eq!(ok["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(
        ok["response"]["uid"],
        "705ab4f5-6393-11e8-b7cc-42010a800002"
    );
    assert_eq!(ok["response"]["allowed"], true, "{ok}");

    for dry_run in [false, true] {
        let bad = post(
            &c,
            &url,
            &review("admission.k8s.io/v1beta1", "CREATE", &pod(true), dry_run),
        )
        .await;
        assert_eq!(bad["apiVersion"], "admission.k8s.io/v1beta1");
        let r = &bad["response"];
        assert_eq!(r["allowed"], false);
        assert_eq!(r["status"]["code"], 403);
        let message = r["status"]["message"].as_str().unwrap();
        assert!(
            message.contains("[PSS001] spec.containers[0].securityContext.privileged"),
            "{message}"
        );
        assert_eq!(r["auditAnnotations"]["enforce-policy"], "restricted:latest");
    }

    // The same object through `palisade scan`'s engine gives the same rule.
    let text = serde_json::to_vec(&pod(true)).unwrap();
    let report = palisade_engine::scan(
        vec![palisade_engine::Source::memory("pod.json", text)],
        &Config::default(),
        &|_| {},
    );
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    // NET001 (no NetworkPolicy in the namespace) judges the scanned set,
    // which a webhook seeing one object does not have.
    ids.retain(|id| *id != "NET001");
    assert_eq!(ids, ["PSS001"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warn_mode_namespaces_get_warnings_and_mutation_patches_validate() {
    let mut labels = BTreeMap::new();
    labels.insert(
        "shop".to_string(),
        BTreeMap::from([
            (
                "pod-security.kubernetes.io/enforce".to_string(),
                "privileged".to_string(),
            ),
            (
                "pod-security.kubernetes.io/warn".to_string(),
                "baseline".to_string(),
            ),
            ("palisade.dev/mutate".to_string(), "enabled".to_string()),
        ]),
    );
    let f = fixture("{}", labels).await;
    let c = client(&f.ca);
    let warned = post(
        &c,
        &f.url("/validate"),
        &review("admission.k8s.io/v1", "CREATE", &pod(true), false),
    )
    .await;
    assert_eq!(warned["response"]["allowed"], true, "{warned}");
    let warnings = warned["response"]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("[PSS001]")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.as_str().unwrap().chars().count() <= 256)
    );

    // A bare pod: the mutating webhook's patch makes it pass restricted.
    let mut bare = pod(false);
    bare["spec"] = json!({"containers": [{"name": "app",
        "image": "registry.example.com/web@sha256:0123456789012345678901234567890123456789012345678901234567890123",
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "1", "memory": "64Mi"}},
        "securityContext": {"readOnlyRootFilesystem": true}}]});
    let mutated = post(
        &c,
        &f.url("/mutate"),
        &review("admission.k8s.io/v1", "CREATE", &bare, false),
    )
    .await;
    let r = &mutated["response"];
    assert_eq!(r["patchType"], "JSONPatch");
    use base64::Engine as _;
    let patch = base64::engine::general_purpose::STANDARD
        .decode(r["patch"].as_str().unwrap())
        .unwrap();
    let patch: json_patch::Patch = serde_json::from_slice(&patch).unwrap();
    let mut patched = bare.clone();
    json_patch::patch(&mut patched, &patch).unwrap();
    let strict = Admission::new(Config::default());
    let body =
        serde_json::to_vec(&review("admission.k8s.io/v1", "CREATE", &patched, false)).unwrap();
    let (_, req) = palisade_admission::review::parse(&body).unwrap();
    let out = strict.validate(&req, &BTreeMap::new(), (2026, 11, 22));
    assert!(out.response.allowed, "{:?}", out.response.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_get_http_errors_not_panics() {
    let f = fixture("{}", BTreeMap::new()).await;
    let c = client(&f.ca);
    let url = f.url("/validate");
    let r = c.post(&url).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let reason: Value = r.json().await.unwrap();
    assert!(reason["error"].as_str().unwrap().contains("malformed"));

    let r = c
        .post(&url)
        .body(r#"{"apiVersion":"v1","kind":"Pod"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let huge = vec![b' '; palisade_admission::review::MAX_BODY_BYTES + 1];
    let r = c.post(&url).body(huge).send().await.unwrap();
    assert_eq!(r.status(), 413);

    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let r = c.post(&url).body(deep).send().await.unwrap();
    assert_eq!(r.status(), 400);

    // A deeply nested object is still answered.
    let mut obj = pod(false);
    let mut nested = json!("x");
    for _ in 0..120 {
        nested = json!({ "a": nested });
    }
    obj["metadata"]["annotations"] = json!({ "deep": nested });
    let out = post(
        &c,
        &url,
        &review("admission.k8s.io/v1", "CREATE", &obj, false),
    )
    .await;
    assert_eq!(
        out["response"]["uid"],
        "705ab4f5-6393-11e8-b7cc-42010a800002"
    );

    // Still serving.
    assert_eq!(c.get(f.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let f = fixture("{}", BTreeMap::new()).await;
    let c = client(&f.ca);
    assert_eq!(c.get(f.url("/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(c.get(f.url("/readyz")).send().await.unwrap().status(), 503);
    f.ready.store(true, Ordering::Release);
    assert_eq!(c.get(f.url("/readyz")).send().await.unwrap().status(), 200);

    post(
        &c,
        &f.url("/validate"),
        &review("admission.k8s.io/v1", "CREATE", &pod(true), false),
    )
    .await;
    let text = get_text(&c, &f.url("/metrics")).await;
    assert!(
        text.contains(r#"palisade_admission_requests_total{endpoint="validate",decision="denied",kind="Pod"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"palisade_admission_findings_total{rule="PSS001",action="deny"} 1"#));
    assert!(text.contains(
        r#"palisade_admission_request_duration_seconds_bucket{le="0.0001",endpoint="validate"}"#
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_reload_without_dropping_connections() {
    let f = fixture("{}", BTreeMap::new()).await;
    let old_client = client(&f.ca);
    assert_eq!(
        old_client
            .get(f.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let new = write_pki(&f.dir, "palisade-test-ca-2");
    let new_client = client(&new.ca_pem);
    let mut reloaded = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if new_client.get(f.url("/healthz")).send().await.is_ok() {
            reloaded = true;
            break;
        }
    }
    assert!(reloaded, "the new certificate was never served");
    // The connection opened before the reload still works...
    assert_eq!(
        old_client
            .get(f.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // ...but a new connection trusting only the old CA is refused.
    assert!(client(&f.ca).get(f.url("/healthz")).send().await.is_err());

    // A broken pair is not loaded: the current certificate stays.
    std::fs::write(f.dir.join("tls.key"), "not a key").unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        client(&new.ca_pem)
            .get(f.url("/healthz"))
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_stops_the_server() {
    let f = fixture("{}", BTreeMap::new()).await;
    let c = client(&f.ca);
    assert_eq!(c.get(f.url("/healthz")).send().await.unwrap().status(), 200);
    let url = f.url("/healthz");
    f.server.shutdown(Duration::from_secs(1));
    tokio::time::timeout(Duration::from_secs(5), f.server.wait())
        .await
        .expect("drained within the deadline")
        .unwrap();
    assert!(client(&f.ca).get(url).send().await.is_err());
}

/// A pod with `n` environment variables: megabytes of JSON that take a
/// while to evaluate.
fn heavy_review(n: usize) -> Value {
    let mut p = pod(false);
    let env: Vec<Value> = (0..n)
        .map(|i| json!({"name": format!("VAR_{i}"), "value": "x".repeat(40)}))
        .collect();
    p["spec"]["containers"][0]["env"] = Value::Array(env);
    review("admission.k8s.io/v1", "CREATE", &p, false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_past_the_deadline_get_504_and_the_server_keeps_serving() {
    let f = fixture_with("{}", BTreeMap::new(), |o| {
        o.timeout = Duration::from_nanos(1)
    })
    .await;
    let c = client(&f.ca);
    let r = c
        .post(f.url("/validate"))
        .json(&heavy_review(20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("took longer"));
    assert_eq!(c.get(f.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_beyond_the_concurrency_limit_get_429() {
    let f = fixture_with("{}", BTreeMap::new(), |o| o.max_in_flight = 1).await;
    let c = client(&f.ca);
    let heavy = heavy_review(60_000);
    let url = f.url("/validate");
    // Several heavy reviews at once: one holds the only slot, the others
    // are refused rather than queued without bound.
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let (c, url, body) = (c.clone(), url.clone(), heavy.clone());
            tokio::spawn(async move { c.post(url).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut codes = Vec::new();
    for call in calls {
        codes.push(call.await.unwrap().as_u16());
    }
    assert!(codes.contains(&200), "{codes:?}");
    assert!(codes.contains(&429), "{codes:?}");
    let metrics = get_text(&c, &f.url("/metrics")).await;
    assert!(metrics.contains(r#"decision="overloaded""#), "{metrics}");
}

/// Gatekeeper policies shipped in `policies/`, loaded as `--policy` does.
fn shipped_policies() -> palisade_engine::Policies {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let p = palisade_engine::Policies::load(&[dir], palisade_policy::Limits::default());
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    p
}

fn unlabelled_deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "shop", "labels": {"app.kubernetes.io/name": "api"}},
        "spec": {"selector": {"matchLabels": {"app": "api"}}, "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {"initContainers": [{"name": "init", "image": "busybox"}],
                     "containers": [{"name": "app", "image": "nginx:latest",
                                     "resources": {"limits": {"memory": "64Mi"}}}]}}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gatekeeper_policies_judge_alike_in_scan_admit_and_webhook() {
    let policies = shipped_policies();
    // Only the policies' rules, so the comparison is about them.
    let config = Config::parse("palisade.yaml", "rules:\n  select: [gatekeeper]\n").unwrap();
    let object = unlabelled_deployment();

    // `palisade scan --policy policies/`.
    let scanners = palisade_engine::Scanners {
        policies: Some(policies.clone()),
        ..palisade_engine::Scanners::config_only()
    };
    let text = serde_json::to_vec(&object).unwrap();
    let scanned = palisade_engine::scan_with(
        vec![palisade_engine::Source::memory("deploy.json", text)],
        &config,
        &scanners,
        &|_| {},
    )
    .report;
    assert!(scanned.errors.is_empty(), "{:?}", scanned.errors);
    let mut from_scan: Vec<String> = scanned
        .findings
        .iter()
        .map(|f| format!("[{}] {}", f.rule_id, f.message))
        .collect();
    from_scan.sort();
    assert!(from_scan.len() >= 4, "{from_scan:?}");
    for rule in [
        "K8sRequiredLabels/",
        "K8sAllowedRepos/",
        "K8sDisallowLatestTag/",
        "K8sRequiredResources/",
    ] {
        assert!(
            from_scan.iter().any(|f| f.contains(rule)),
            "{rule} in {from_scan:?}"
        );
    }

    // `palisade admit`: the same decision function, offline.
    let admission = || Admission::new(config.clone()).with_policies(policies.set.clone());
    let mut document = review("admission.k8s.io/v1", "CREATE", &object, false);
    document["request"]["kind"]["group"] = json!("apps");
    document["request"]["resource"] =
        json!({"group": "apps", "version": "v1", "resource": "deployments"});
    let (_, request) = palisade_admission::offline::request(
        document.clone(),
        None,
        &palisade_admission::offline::RequestOptions::default(),
    )
    .unwrap();
    let outcome = admission().validate(
        &request,
        &BTreeMap::<String, BTreeMap<String, String>>::new(),
        yesterday(),
    );
    let mut from_admit: Vec<String> = outcome
        .judged
        .iter()
        .map(|j| format!("[{}] {}", j.finding.rule_id, j.finding.message))
        .collect();
    from_admit.sort();
    assert_eq!(from_scan, from_admit);
    assert!(!outcome.response.allowed, "the shipped constraints deny");

    // The running webhook.
    let f = fixture_admission(admission(), BTreeMap::new(), |_| {}).await;
    let c = client(&f.ca);
    let answer = post(&c, &f.url("/validate"), &document).await;
    let r = &answer["response"];
    assert_eq!(r["allowed"], false, "{answer}");
    assert_eq!(r["status"]["code"], 403);
    let message = r["status"]["message"].as_str().unwrap();
    let denied = message.split_once(": ").map_or("", |(_, rest)| rest);
    let denied = denied.split_once(": ").map_or("", |(_, rest)| rest);
    // One `[RULE] message` per violation, joined by "; " (which messages
    // may contain too, so split only before the next rule).
    let mut from_webhook: Vec<String> = denied
        .split("; [")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                format!("[{part}")
            }
        })
        .collect();
    from_webhook.sort();
    assert_eq!(from_scan, from_webhook, "{message}");
    f.server.shutdown(Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_policy_fails_the_call_for_the_failure_policy() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../palisade-policy/tests/data");
    let p = palisade_engine::Policies::load(
        &[data.join("runaway-template.yaml")],
        palisade_policy::Limits {
            budget: Duration::from_millis(50),
        },
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let admission = Admission::new(Config::default()).with_policies(p.set);
    let f = fixture_admission(admission, BTreeMap::new(), |_| {}).await;
    let c = client(&f.ca);
    let r = c
        .post(f.url("/validate"))
        .json(&review("admission.k8s.io/v1", "CREATE", &pod(false), false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("testrunaway") && text.contains("budget"),
        "{text}"
    );
    let metrics = get_text(&c, &f.url("/metrics")).await;
    assert!(metrics.contains("decision=\"failed\""), "{metrics}");
    f.server.shutdown(Duration::from_secs(1));
}

//! Sinks (HTTP webhook and Slack against a local server, files, bounded
//! queues that drop and count), the audit webhook receiver (HTTP and
//! HTTPS), and the event loop over malformed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::engine;
use palisade_runtime::metrics::Metrics;
use palisade_runtime::output::Alert;
use palisade_runtime::sinks::{
    AlertFormat, Dispatcher, Sink, SinkError, WebhookKind, WebhookSink, WriterSink,
};
use palisade_runtime::watch::Processor;
use palisade_runtime::{Engine, Origin, event};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const RULES: &str = "
- rule: Exec
  desc: d
  condition: ka.verb = create and ka.target.subresource = exec
  output: exec into %ka.target.namespace/%ka.target.name by %ka.user.name
  priority: NOTICE
  source: k8s_audit
  tags: [k8s]
- rule: Shell
  desc: d
  condition: evt.type = execve and proc.name = bash
  output: shell %proc.name
  priority: WARNING
";

const EXEC: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseStarted","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"shop","name":"web","subresource":"exec"}}"#;

fn one_alert(e: &Engine) -> Alert {
    let mut out = Vec::new();
    event::decode(EXEC, None, |ev| {
        e.evaluate(&ev, &Origin::default(), &mut out)
    })
    .unwrap();
    out.pop().unwrap()
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Alert>>>);
impl Sink for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn deliver(&mut self, alert: &Alert) -> Result<(), SinkError> {
        self.0.lock().unwrap().push(alert.clone());
        Ok(())
    }
}

/// A local HTTP server recording the JSON bodies posted to it.
fn recording_server(
    rt: &tokio::runtime::Runtime,
    status: u16,
) -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let seen: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let s = s.clone();
            async move {
                s.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).unwrap());
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), seen)
}

#[test]
fn http_webhook_and_slack_sinks_post_alerts() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, seen) = recording_server(&rt, 200);
    let e = engine(RULES);
    let json = WebhookSink::new(&url, WebhookKind::Json, Duration::from_secs(5)).unwrap();
    let slack = WebhookSink::new(&url, WebhookKind::Slack, Duration::from_secs(5)).unwrap();
    assert!(json.name().starts_with("webhook:http://127.0.0.1:"));
    assert!(
        !json.name().contains("/hook"),
        "the URL path is redacted: {}",
        json.name()
    );
    let d = Dispatcher::new(vec![Box::new(json), Box::new(slack)], 100, None);
    d.dispatch(one_alert(&e));
    let stats = d.close();
    assert!(
        stats.iter().all(|s| s.delivered == 1 && s.failed == 0),
        "{stats:?}"
    );
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    let falco = bodies.iter().find(|b| b.get("rule").is_some()).unwrap();
    assert_eq!(falco["rule"], "Exec");
    assert_eq!(falco["priority"], "Notice");
    assert_eq!(falco["output_fields"]["ka.user.name"], "alice");
    let slack = bodies.iter().find(|b| b.get("text").is_some()).unwrap();
    assert!(slack["text"].as_str().unwrap().contains("Notice Exec: "));
    assert_eq!(slack["attachments"][0]["fields"][0]["value"], "Exec");
}

#[test]
fn http_sink_failures_are_counted() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, _) = recording_server(&rt, 500);
    let e = engine(RULES);
    let sink = WebhookSink::new(&url, WebhookKind::Json, Duration::from_secs(5)).unwrap();
    let d = Dispatcher::new(vec![Box::new(sink)], 10, None);
    d.dispatch(one_alert(&e));
    let stats = d.close();
    assert_eq!(stats[0].failed, 1);
    assert!(
        stats[0].last_error.as_deref().unwrap().contains("500"),
        "{stats:?}"
    );
}

/// A sink that blocks until released.
struct Stuck(Arc<(Mutex<bool>, std::sync::Condvar)>, Arc<Mutex<u64>>);
impl Sink for Stuck {
    fn name(&self) -> String {
        "stuck".into()
    }
    fn deliver(&mut self, _: &Alert) -> Result<(), SinkError> {
        let (lock, cv) = &*self.0;
        let mut open = lock.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
        *self.1.lock().unwrap() += 1;
        Ok(())
    }
}

#[test]
fn a_slow_sink_drops_and_counts_instead_of_blocking() {
    let e = engine(RULES);
    let gate = Arc::new((Mutex::new(false), std::sync::Condvar::new()));
    let delivered = Arc::new(Mutex::new(0));
    let capture = Capture::default();
    let metrics = Arc::new(Metrics::new());
    let d = Dispatcher::new(
        vec![
            Box::new(Stuck(gate.clone(), delivered.clone())),
            Box::new(capture.clone()),
        ],
        4,
        Some(metrics.clone()),
    );
    for _ in 0..100 {
        d.dispatch(one_alert(&e)); // must return although the sink is stuck
    }
    {
        let (lock, cv) = &*gate;
        *lock.lock().unwrap() = true;
        cv.notify_all();
    }
    let stats = d.close();
    let stuck = stats.iter().find(|s| s.name == "stuck").unwrap();
    assert!(stuck.dropped >= 95, "{stats:?}");
    assert_eq!(stuck.delivered + stuck.dropped, 100);
    assert_eq!(*delivered.lock().unwrap(), stuck.delivered);
    let text = metrics.encode();
    assert!(
        text.contains(&format!(
            "palisade_watch_alerts_dropped_total{{sink=\"stuck\"}} {}",
            stuck.dropped
        )),
        "{text}"
    );
    assert!(
        text.contains("palisade_watch_alerts_total{rule=\"Exec\",priority=\"Notice\"} 100"),
        "{text}"
    );
}

#[test]
fn file_sink_writes_json_lines() {
    let path =
        std::env::temp_dir().join(format!("palisade-rt-alerts-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let e = engine(RULES);
    let d = Dispatcher::new(vec![Box::new(WriterSink::file(&path).unwrap())], 10, None);
    d.dispatch(one_alert(&e));
    d.dispatch(one_alert(&e));
    d.close();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["source"], "k8s_audit");
    std::fs::remove_file(&path).ok();
    // text format is the output line
    let buf: Arc<Mutex<Vec<u8>>> = Arc::default();
    struct W(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for W {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let d = Dispatcher::new(
        vec![Box::new(WriterSink::new(
            "mem",
            Box::new(W(buf.clone())),
            AlertFormat::Text,
        ))],
        10,
        None,
    );
    d.dispatch(one_alert(&e));
    d.close();
    let out = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    assert!(
        out.ends_with(": Notice exec into shop/web by alice\n"),
        "{out}"
    );
}

#[test]
fn malformed_input_is_reported_and_the_stream_keeps_flowing() {
    let e = engine(RULES);
    let capture = Capture::default();
    let d = Dispatcher::new(vec![Box::new(capture.clone())], 100, None);
    let bad = Mutex::new(Vec::new());
    let input = format!(
        "{EXEC}\n\
         not json at all\n\
         \n\
         {{\"evt.type\":\"execve\",\"proc.name\":\"bash\"}}\n\
         [1,2,3]\n\
         {{\"hello\":\"world\"}}\n\
         {{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\n  \"items\":[{}]}}\n\
         {}\n\
         {{\"evt.type\":\"execve\",\"proc.name\":\"bash\"\n\
         ",
        EXEC,
        "x".repeat(300)
    );
    let mut p = Processor::new(&e, &d, None, None, |b| {
        bad.lock().unwrap().push(b.to_string())
    })
    .with_max_line_bytes(256);
    p.process_reader("events.jsonl", std::io::Cursor::new(input.into_bytes()))
        .unwrap();
    let stats = p.stats;
    drop(p);
    d.close();
    let bad = bad.into_inner().unwrap();
    assert_eq!(bad.len(), 5, "{bad:#?}");
    assert!(
        bad[0].starts_with("events.jsonl:2: invalid JSON"),
        "{bad:?}"
    );
    assert!(
        bad[1].starts_with("events.jsonl:5: expected a JSON object"),
        "{bad:?}"
    );
    assert!(
        bad[2].starts_with("events.jsonl:6: cannot tell the event's source"),
        "{bad:?}"
    );
    assert!(
        bad[3].starts_with("events.jsonl:9: line longer than 256 bytes"),
        "{bad:?}"
    );
    assert!(
        bad[4].starts_with("events.jsonl:10: incomplete JSON"),
        "{bad:?}"
    );
    assert_eq!(
        stats.audit_events, 2,
        "the multi-line EventList is read whole"
    );
    assert_eq!(stats.syscall_events, 1);
    assert_eq!(stats.alerts, 3);
    assert_eq!(stats.malformed, 5);
    let alerts = capture.0.lock().unwrap();
    assert_eq!(
        alerts.iter().map(|a| a.origin.line).collect::<Vec<_>>(),
        [1, 4, 7]
    );
    let f = alerts[0].to_finding();
    assert_eq!(
        (f.location.path.as_str(), f.location.line),
        ("events.jsonl", 1)
    );
}

fn post(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: String,
    body: String,
) -> (u16, serde_json::Value) {
    rt.block_on(async {
        let r = client.post(url).body(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or_default())
    })
}

fn start_listener(
    rt: &tokio::runtime::Runtime,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
) -> (
    std::net::SocketAddr,
    Capture,
    Arc<Metrics>,
    tokio::sync::oneshot::Sender<()>,
) {
    use palisade_runtime::listen::{DEFAULT_MAX_BODY_BYTES, ListenConfig, serve};
    let e = Arc::new(engine(RULES));
    let capture = Capture::default();
    let metrics = Arc::new(Metrics::new());
    let d = Arc::new(Dispatcher::new(
        vec![Box::new(capture.clone())],
        100,
        Some(metrics.clone()),
    ));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let config = ListenConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    };
    let m = metrics.clone();
    rt.spawn(async move {
        serve(
            config,
            e,
            d,
            m,
            async {
                let _ = stop_rx.await;
            },
            |server| {
                let addr_tx = addr_tx.clone();
                let s = server.local_addr();
                // resolve the address once the server listens
                let fut = async move {
                    addr_tx.send(s.await).ok();
                };
                drop(tokio::spawn(fut));
            },
        )
        .await
        .unwrap();
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(20))
        .unwrap()
        .unwrap();
    (addr, capture, metrics, stop_tx)
}

#[test]
fn audit_webhook_receiver_over_http() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (addr, capture, _metrics, stop) = start_listener(&rt, None);
    let client = reqwest::Client::new();
    let list =
        format!(r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{EXEC},{EXEC}]}}"#);
    let (status, body) = post(&rt, &client, format!("http://{addr}/k8s-audit"), list);
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"events": 2, "alerts": 2}));
    // JSON lines are accepted too
    let (status, body) = post(
        &rt,
        &client,
        format!("http://{addr}/k8s-audit"),
        format!("{EXEC}\n{EXEC}\n"),
    );
    assert_eq!((status, body["events"].as_u64()), (200, Some(2)));
    // a bad line among good ones is skipped and counted
    let (status, body) = post(
        &rt,
        &client,
        format!("http://{addr}/k8s-audit"),
        format!("{EXEC}\nnot json\n"),
    );
    assert_eq!((status, body["events"].as_u64()), (200, Some(1)));
    // malformed bodies are rejected, and the receiver keeps serving
    let (status, body) = post(
        &rt,
        &client,
        format!("http://{addr}/k8s-audit"),
        "{broken".into(),
    );
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("JSON"), "{body}");
    let (status, _) = post(
        &rt,
        &client,
        format!("http://{addr}/k8s-audit"),
        EXEC.into(),
    );
    assert_eq!(status, 200);
    let metrics = rt.block_on(async {
        client
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(
        metrics.contains("palisade_watch_alerts_total{rule=\"Exec\",priority=\"Notice\"} 6"),
        "{metrics}"
    );
    assert!(
        metrics.contains("palisade_watch_events_total{source=\"k8s_audit\"} 6"),
        "{metrics}"
    );
    assert!(
        metrics.contains("palisade_watch_malformed_events_total 2"),
        "{metrics}"
    );
    stop.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(capture.0.lock().unwrap().len(), 6);
}

#[test]
fn audit_webhook_receiver_over_https() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("palisade-rt-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("tls.crt"), dir.join("tls.key"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (addr, capture, _m, stop) = start_listener(&rt, Some((cert_path, key_path)));
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let (status, body) = post(
        &rt,
        &client,
        format!("https://localhost:{}/k8s-audit", addr.port()),
        EXEC.into(),
    );
    assert_eq!((status, body["alerts"].as_u64()), (200, Some(1)));
    stop.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(capture.0.lock().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn alerts_become_a_palisade_report() {
    use palisade_runtime::sinks::FindingsSink;
    let e = engine(RULES);
    let (sink, handle) = FindingsSink::new(2);
    let d = Dispatcher::new(vec![Box::new(sink)], 10, None);
    for _ in 0..3 {
        d.dispatch(one_alert(&e));
    }
    d.close();
    assert_eq!(
        handle.overflow.load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    let findings = handle.findings.lock().unwrap().clone();
    let report = e.report(findings);
    assert_eq!(report.findings.len(), 2);
    assert_eq!(report.findings[0].rule_id, "Exec");
    let rule = report.rule("Exec").unwrap();
    assert_eq!(rule.severity, palisade_core::Severity::Low);
    assert!(rule.groups.contains(&"k8s_audit".to_string()));
}

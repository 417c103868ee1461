//! The Namespace cache against a stand-in Kubernetes API on loopback: not
//! ready until the first list is stored, then fed by the watch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use palisade_admission::Namespaces;
use palisade_server::namespaces::ClusterNamespaces;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};

type Events = Arc<Mutex<Option<mpsc::Receiver<Result<String, std::io::Error>>>>>;

fn namespace(name: &str, enforce: &str, rv: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "resourceVersion": rv,
        "labels": {"pod-security.kubernetes.io/enforce": enforce}}})
}

async fn namespaces(
    State((events, list_gate)): State<(Events, Arc<tokio::sync::Notify>)>,
    uri: axum::http::Uri,
) -> Response {
    let query = uri.query().unwrap_or("");
    if query
        .split('&')
        .any(|kv| kv == "watch=true" || kv == "watch=1")
    {
        let Some(rx) = events.lock().await.take() else {
            // Later watches: hold the connection open, send nothing.
            let (_tx, rx) = mpsc::channel::<Result<String, std::io::Error>>(1);
            std::mem::forget(_tx);
            return Response::new(Body::from_stream(tokio_stream_from(rx)));
        };
        return Response::new(Body::from_stream(tokio_stream_from(rx)));
    }
    // The list waits until the test lets it through.
    list_gate.notified().await;
    let body = json!({"apiVersion": "v1", "kind": "NamespaceList", "metadata": {"resourceVersion": "10"},
        "items": [namespace("shop", "baseline", "5")]});
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn tokio_stream_from(
    mut rx: mpsc::Receiver<Result<String, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<String, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_after_the_first_list_then_fed_by_the_watch() {
    let (tx, rx) = mpsc::channel(8);
    let events: Events = Arc::new(Mutex::new(Some(rx)));
    let gate = Arc::new(tokio::sync::Notify::new());
    let app = axum::Router::new()
        .route("/api/v1/namespaces", axum::routing::get(namespaces))
        .with_state((events, gate.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let config = kube::Config::new(format!("http://{addr}").parse().unwrap());
    let client = kube::Client::try_from(config).unwrap();
    let (cache, drive) = ClusterNamespaces::with_client(client);
    tokio::spawn(drive);

    // Not synced while the list is held back.
    let waiting = tokio::time::timeout(Duration::from_millis(300), cache.synced()).await;
    assert!(waiting.is_err(), "ready before the first list");
    assert_eq!(cache.labels("shop"), None);

    gate.notify_one();
    assert!(
        tokio::time::timeout(Duration::from_secs(10), cache.synced())
            .await
            .unwrap()
    );
    assert_eq!(
        cache.labels("shop").unwrap()["pod-security.kubernetes.io/enforce"],
        "baseline"
    );

    // A watch event updates the cache.
    let event = json!({"type": "MODIFIED", "object": namespace("shop", "restricted", "11")});
    tx.send(Ok(format!("{event}\n"))).await.unwrap();
    let added = json!({"type": "ADDED", "object": namespace("lab", "privileged", "12")});
    tx.send(Ok(format!("{added}\n"))).await.unwrap();
    let mut seen = false;
    for _ in 0..100 {
        if cache.labels("lab").is_some()
            && cache.labels("shop").unwrap()["pod-security.kubernetes.io/enforce"] == "restricted"
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "watch events did not reach the cache");
}

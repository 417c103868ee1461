//! `palisade serve`: wiring only; the server lives in palisade-server.

use crate::args::{NamespaceSource, ServeArgs};
use palisade_admission::{Admission, Namespaces};
use palisade_server::{ServeOptions, namespaces::ClusterNamespaces};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub fn run(args: ServeArgs) -> Result<ExitCode, String> {
    let config = crate::load_config_file(args.config.as_deref(), &[])?;
    palisade_server::init_logging();
    // Reviews are CPU-bound and run on the blocking pool: more threads
    // than cores only add memory (each thread keeps allocator caches), so
    // excess reviews queue, within their deadline, instead.
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(cores * 2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(serve(args, config))
}

async fn serve(args: ServeArgs, config: palisade_core::Config) -> Result<ExitCode, String> {
    // A webhook must not start with half its policies: any problem stops it.
    let policies = args.policies.load(&config);
    if let Some(p) = &policies
        && !p.issues.is_empty()
    {
        return Err(crate::admit_cmd::join_issues(&p.issues));
    }
    let mut admission = Admission::new(config.clone());
    if let Some(p) = policies {
        tracing::info!(
            templates = p.set.templates().len(),
            constraints = p.set.constraints().len(),
            "policies loaded"
        );
        admission = admission.with_policies(p.set);
    }
    let ready = Arc::new(AtomicBool::new(false));
    let namespaces: Arc<dyn Namespaces> = match args.namespaces {
        NamespaceSource::Config => {
            ready.store(true, Ordering::Release);
            Arc::new(config.admission.namespace_labels.clone())
        }
        NamespaceSource::Cluster => {
            let (cache, drive) = ClusterNamespaces::start().await.map_err(|e| {
                format!("cannot reach the Kubernetes API for the namespace cache: {e}")
            })?;
            tokio::spawn(drive);
            let synced = cache.clone();
            let flag = ready.clone();
            tokio::spawn(async move {
                if synced.synced().await {
                    flag.store(true, Ordering::Release);
                    tracing::info!("namespace cache synced; ready");
                }
            });
            Arc::new(cache)
        }
    };
    let mut options = ServeOptions::new(args.listen, args.cert.clone(), args.key.clone());
    options.max_in_flight = args.max_in_flight;
    options.timeout = Duration::from_millis(args.timeout_ms);
    options.reload_interval = Duration::from_secs(args.reload_interval_s.max(1));
    let server = palisade_server::start(Arc::new(admission), namespaces, ready, &options)
        .await
        .map_err(|e| e.to_string())?;
    wait_for_signal().await;
    tracing::info!(
        drain_s = args.drain_s,
        "shutting down: draining in-flight reviews"
    );
    server.shutdown(Duration::from_secs(args.drain_s));
    server
        .wait()
        .await
        .map_err(|e| format!("server error: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM (the kubelet stopping the pod) or Ctrl-C.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

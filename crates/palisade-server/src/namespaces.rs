//! Namespace labels in a cluster: a reflector (list, then watch) over
//! Namespaces keeps an in-memory store, so a review never waits on the API
//! server. Offline, the labels come from the configuration.

use k8s_openapi::api::core::v1::Namespace;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use std::collections::BTreeMap;

/// A watch-fed cache of Namespaces.
#[derive(Clone)]
pub struct ClusterNamespaces {
    store: Store<Namespace>,
}

impl palisade_admission::Namespaces for ClusterNamespaces {
    fn labels(&self, name: &str) -> Option<BTreeMap<String, String>> {
        let ns = self.store.get(&ObjectRef::new(name))?;
        Some(ns.metadata.labels.clone().unwrap_or_default())
    }
}

impl ClusterNamespaces {
    /// Starts the reflector with the in-cluster (or kubeconfig) client.
    /// The returned future drives the watch and must be spawned; readiness
    /// waits on [`ClusterNamespaces::synced`].
    pub async fn start() -> Result<(ClusterNamespaces, impl Future<Output = ()>), kube::Error> {
        Ok(Self::with_client(kube::Client::try_default().await?))
    }

    /// Like [`ClusterNamespaces::start`], with a given client.
    pub fn with_client(client: kube::Client) -> (ClusterNamespaces, impl Future<Output = ()>) {
        let api: kube::Api<Namespace> = kube::Api::all(client);
        let (store, writer) = reflector::store();
        let stream = watcher(api, watcher::Config::default())
            .default_backoff()
            .reflect(writer)
            .applied_objects();
        let drive = async move {
            use futures_util::StreamExt;
            let mut stream = std::pin::pin!(stream);
            while let Some(event) = stream.next().await {
                if let Err(e) = event {
                    tracing::warn!(error = %e, "namespace watch error; retrying with backoff");
                }
            }
        };
        (ClusterNamespaces { store }, drive)
    }

    /// Resolves once the first full list has been stored.
    pub async fn synced(&self) -> bool {
        self.store.wait_until_ready().await.is_ok()
    }
}

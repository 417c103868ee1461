//! `palisade install`: prints the manifests that run the webhook.

use crate::args::InstallArgs;
use palisade_server::install::{self, InstallOptions, Tls};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: InstallArgs) -> Result<ExitCode, String> {
    let (config_yaml, config) = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let config = palisade_core::Config::parse(&path.display().to_string(), &text)
                .map_err(|e| e.to_string())?;
            (text, config)
        }
        None => {
            let text = format!(
                "# The webhook's palisade.yaml (README: \"Admission control\").\nadmission:\n  namespace: {}\n",
                args.namespace
            );
            let config =
                palisade_core::Config::parse("palisade.yaml", &text).map_err(|e| e.to_string())?;
            (text, config)
        }
    };
    if config.admission.namespace != args.namespace {
        return Err(format!(
            "the configuration's admission.namespace is `{}` but --namespace is `{}`",
            config.admission.namespace, args.namespace
        ));
    }
    let tls = match &args.cert_manager_issuer {
        Some(issuer) => Tls::CertManager {
            issuer: issuer.clone(),
            kind: args.issuer_kind.clone(),
        },
        None => {
            // Valid from yesterday: tolerate clock skew between nodes.
            let from = palisade_core::admission::date_from_today(-1);
            let pki = palisade_server::pki::generate(
                "palisade-webhook-ca",
                &install::dns_names(&args.namespace),
                from,
                args.validity_days,
            )
            .map_err(|e| format!("cannot generate certificates: {e}"))?;
            Tls::Generated(pki)
        }
    };
    if !args.image.contains("@sha256:") {
        let _ = writeln!(
            std::io::stderr(),
            "palisade: warning: image `{}` is not pinned by digest; pass --image REPO@sha256:DIGEST",
            args.image
        );
    }
    let options = InstallOptions {
        namespace: args.namespace.clone(),
        image: args.image.clone(),
        replicas: args.replicas,
        failure_policy: args.failure_policy.clone(),
        timeout_seconds: args.timeout_seconds,
        exempt_namespaces: config.admission.exempt_namespaces.clone(),
        mutate_label: config.admission.mutate_label.clone(),
        config_yaml,
        tls,
    };
    let text = install::render(&options);
    let written = match &args.output {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the manifests: {e}"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

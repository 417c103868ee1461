//! `palisade admit`: the webhook's answer, offline.

use crate::args::AdmitArgs;
use palisade_admission::Admission;
use palisade_admission::offline::{self, RequestOptions};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: AdmitArgs) -> Result<ExitCode, String> {
    let config = crate::load_config_file(args.config.as_deref(), std::slice::from_ref(&args.file))?;
    let read = |path: &std::path::Path| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        offline::read_document(&path.display().to_string(), &text)
    };
    let document = read(&args.file)?;
    let old = args.old.as_deref().map(read).transpose()?;
    let options = RequestOptions {
        operation: args.operation.clone(),
        namespace: args.namespace.clone(),
        user: args.user.clone(),
    };
    let (version, request) = offline::request(document, old, &options)?;
    let namespaces = config.admission.namespace_labels.clone();
    let policies = args.policies.load(&config);
    let mut admission = Admission::new(config);
    if let Some(p) = policies {
        if !p.issues.is_empty() {
            return Err(join_issues(&p.issues));
        }
        admission = admission.with_policies(p.set);
    }
    let outcome = if args.mutate {
        admission.mutate(&request, &namespaces)
    } else {
        admission.validate(
            &request,
            &namespaces,
            palisade_core::admission::date_from_today(0),
        )
    };
    if outcome.decision == palisade_admission::Decision::Failed {
        let why = outcome
            .response
            .status
            .map(|s| s.message)
            .unwrap_or_default();
        return Err(format!(
            "a policy failed; the webhook would fail the call and its failurePolicy decide: {why}"
        ));
    }
    let json = outcome.response.to_review(version);
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}")
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write the response: {e}"));
    }
    Ok(ExitCode::from(u8::from(!outcome.response.allowed)))
}

/// Policy-file problems, one per line.
pub(crate) fn join_issues(issues: &[palisade_core::InputError]) -> String {
    issues
        .iter()
        .map(|e| match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}: {}", e.path, e.message),
            (Some(l), None) => format!("{}:{l}: {}", e.path, e.message),
            _ => format!("{}: {}", e.path, e.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

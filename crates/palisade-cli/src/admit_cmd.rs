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
    let admission = Admission::new(config);
    let outcome = if args.mutate {
        admission.mutate(&request, &namespaces)
    } else {
        admission.validate(
            &request,
            &namespaces,
            palisade_core::admission::date_from_today(0),
        )
    };
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

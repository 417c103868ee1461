//! `palisade rules` and `palisade rules explain ID`.

use crate::CliResult;
use crate::args::{RulesArgs, RulesCommand};
use palisade_core::{RuleInfo, RuleMeta};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: RulesArgs) -> CliResult {
    let catalogue = palisade_engine::catalogue();
    let mut out = std::io::stdout().lock();
    let written = match args.command {
        Some(RulesCommand::Test { files }) => return crate::watch_cmd::rules_test(&files),
        Some(RulesCommand::Explain { rule }) => {
            let r = palisade_engine::find_rule(&rule)
                .ok_or_else(|| format!("no rule `{rule}` (see `palisade rules`)"))?;
            write!(out, "{}", explain(r))
        }
        None if args.format == "json" => {
            let infos: Vec<RuleInfo> = catalogue
                .iter()
                .map(|r| RuleInfo::new(r, r.severity))
                .collect();
            serde_json::to_writer_pretty(&mut out, &infos)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        }
        None => {
            let mut text = format!("{:<8} {:<9} {:<34} {}\n", "ID", "SEVERITY", "NAME", "TITLE");
            for r in &catalogue {
                text.push_str(&format!(
                    "{:<8} {:<9} {:<34} {}\n",
                    r.id, r.severity, r.name, r.title
                ));
            }
            text.push_str(&format!(
                "\n{} rules. Groups: {}. `palisade rules explain ID` prints a rule's documentation.\n",
                catalogue.len(),
                groups(&catalogue).join(", ")
            ));
            write!(out, "{text}")
        }
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn groups(catalogue: &[&RuleMeta]) -> Vec<&'static str> {
    let mut g: Vec<&'static str> = catalogue
        .iter()
        .flat_map(|r| r.groups.iter().copied())
        .collect();
    g.sort_unstable();
    g.dedup();
    g
}

fn explain(r: &RuleMeta) -> String {
    let mut s = format!(
        "{} {} ({})\n\nSeverity: {}\nGroups: {}\n\n{}\n\n## How to fix\n{}\n",
        r.id,
        r.title,
        r.name,
        r.severity,
        r.groups.join(", "),
        r.documentation(),
        r.remediation
    );
    if !r.references.is_empty() {
        s.push_str("\n## References\n");
        for reference in r.references {
            s.push_str(&format!("- {} <{}>\n", reference.label(), reference.url()));
        }
    }
    s
}

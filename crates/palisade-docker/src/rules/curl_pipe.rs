//! DF006: running a downloaded script without verifying it.

use super::Reporter;
use crate::script::run_command;
use crate::shell::{Command, pipelines};
use crate::stages::Dockerfile;
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that feeds a download straight into an interpreter:
    /// `curl ... | sh`, `wget -qO- ... | sudo bash`, `curl ... | python3`,
    /// also through intermediate commands (`curl ... | tee x | sh`), and the
    /// command-substitution forms `sh -c "$(curl ...)"`, `bash <(curl ...)`
    /// and `eval "$(wget -O- ...)"`. Scripts given as heredocs
    /// (`RUN <<EOF`) and exec-form `["sh", "-c", "..."]` are read too.
    ///
    /// ## Why is this bad?
    /// The script is executed as it arrives, with the build's privileges
    /// (usually root), and nothing checks that it is the script you reviewed:
    /// a compromised or hijacked server, a CDN cache, or a truncated download
    /// runs arbitrary code in your image. Servers can even detect `curl | sh`
    /// and serve a different script than the one a browser shows.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    /// or install the tool from a distribution package.
    pub static CURL_PIPE_SHELL = {
        id: "DF006",
        name: "dockerfile-curl-pipe-shell",
        title: "Download piped into a shell",
        severity: High,
        groups: ["dockerfile"],
        remediation: "Download the script to a file, verify it against a known checksum (`sha256sum -c`, or `ADD --checksum=`), then run it; better, install the software from a signed package.",
        references: [
            Cwe(494),
            Cwe(829),
            Url("https://docs.docker.com/reference/dockerfile/#add---checksum"),
        ],
    };
}

/// Programs that download.
const DOWNLOADERS: &[&str] = &["curl", "wget"];
/// Programs that run a script read from standard input or a file argument.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish", "perl", "ruby", "node", "php",
    "pwsh",
];

fn is_interpreter(program: &str) -> bool {
    INTERPRETERS.contains(&program)
        || program
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn downloader(cmd: &Command) -> Option<&str> {
    cmd.program()
        .map(|(_, p)| p)
        .filter(|p| DOWNLOADERS.contains(p))
}

/// Checks every `RUN`.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    for stage in &file.stages {
        for ins in stage.body.iter().filter(|i| i.keyword == "RUN") {
            let run = run_command(ins);
            if let Some(what) = find(&run.script) {
                r.report(
                    &CURL_PIPE_SHELL,
                    stage.label(),
                    ins,
                    format!("{what} without verifying it (RUN at line {})", ins.line),
                );
            }
        }
    }
}

/// Describes the first download run as a script in `script`.
fn find(script: &str) -> Option<String> {
    for pipeline in pipelines(script) {
        let mut fetched: Option<&str> = None;
        for cmd in &pipeline {
            let Some((_, program)) = cmd.program() else {
                continue;
            };
            if let Some(d) = fetched {
                if is_interpreter(program) {
                    return Some(format!("RUN pipes a `{d}` download into `{program}`"));
                }
            } else if let Some(d) = downloader(cmd) {
                fetched = Some(d);
            }
            // `sh -c "$(curl ...)"`, `bash <(curl ...)`, `eval "$(curl ...)"`.
            if is_interpreter(program) || matches!(program, "eval" | "source" | ".") {
                for inner in &cmd.substitutions {
                    let fetches = pipelines(inner)
                        .iter()
                        .flatten()
                        .find_map(|c| downloader(c).map(str::to_string));
                    if let Some(d) = fetches {
                        return Some(format!(
                            "RUN runs a `{d}` download with `{program}` through command substitution"
                        ));
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagged() {
        for s in [
            "curl -fsSL https://x | sh",
            "curl -fsSL https://x | sh -s -- -y",
            "wget -qO- https://x | sudo -E bash -",
            "set -e && curl https://x | tee /tmp/i | /bin/bash",
            "curl https://x | python3",
            "sh -c \"$(curl -fsSL https://x)\"",
            "bash <(curl -s https://x)",
            "eval \"$(wget -O- https://x)\"",
            "/usr/bin/curl x | env FOO=1 sh",
        ] {
            assert!(find(s).is_some(), "{s}");
        }
    }

    #[test]
    fn not_flagged() {
        for s in [
            "curl -fsSLo /tmp/i.sh https://x && sha256sum -c sums && sh /tmp/i.sh",
            "curl https://x | tar xz -C /opt",
            "curl https://x || sh -c 'echo failed'",
            "curl https://x; sh /tmp/local.sh",
            "echo 'curl x | sh'",
            "cat x | sh",
            "sh -c \"$(cat /tmp/x)\"",
            "VERSION=$(curl -s https://x/latest) && echo $VERSION",
        ] {
            assert!(find(s).is_none(), "{s}");
        }
    }
}

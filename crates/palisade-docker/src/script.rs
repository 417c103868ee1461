//! What a `RUN` instruction runs, as one shell script for the rules to read.
//!
//! - shell form: the command line, plus the bodies of heredocs that are
//!   scripts (`RUN <<EOF`, `RUN bash <<EOF`), but not of heredocs that feed
//!   data (`RUN cat <<EOF > /etc/app.conf`, `RUN python3 <<EOF`);
//! - exec form: the `-c` script of `["sh", "-c", "..."]`, else the arguments
//!   joined by spaces.

use crate::parse::{Heredoc, Instruction};
use crate::shell::{self, Flag, basename, exec_form, pipelines, split_flags};

/// Shells whose heredoc body is a shell script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

/// A `RUN` instruction read for the rules.
#[derive(Debug, Clone)]
pub struct RunCommand<'a> {
    /// Its `--flags` (`--mount=...`, `--network=...`).
    pub flags: Vec<Flag<'a>>,
    /// The shell script it runs.
    pub script: String,
}

impl RunCommand<'_> {
    /// Targets of `--mount=type=cache` mounts.
    pub fn cache_mounts(&self) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| f.name == "mount")
            .filter_map(|f| f.value)
            .filter(|v| v.split(',').any(|kv| kv.trim() == "type=cache"))
            .filter_map(|v| {
                v.split(',').find_map(|kv| {
                    let (k, val) = kv.trim().split_once('=')?;
                    matches!(k, "target" | "dst" | "destination").then_some(val)
                })
            })
            .collect()
    }
}

/// Reads a `RUN` instruction.
pub fn run_command(ins: &Instruction) -> RunCommand<'_> {
    let (flags, rest) = split_flags(&ins.args);
    let script = match exec_form(rest) {
        Some(argv) => exec_script(argv),
        None => {
            let mut s = rest.to_string();
            let commands = Commands::new(&ins.args);
            for h in ins.heredocs.iter().filter(|h| commands.is_script(h)) {
                s.push('\n');
                s.push_str(&h.body);
            }
            s
        }
    };
    RunCommand { flags, script }
}

fn exec_script(argv: Vec<String>) -> String {
    let is_shell = argv.first().is_some_and(|a| {
        let name = basename(a).to_ascii_lowercase();
        SHELLS.contains(&name.as_str())
            || matches!(name.as_str(), "cmd" | "cmd.exe" | "powershell" | "pwsh")
    });
    if is_shell {
        let mut it = argv.iter().skip(1);
        while let Some(a) = it.next() {
            let script_flag = (a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
                || a.eq_ignore_ascii_case("/c");
            if script_flag && let Some(script) = it.next() {
                return script.clone();
            }
        }
    }
    argv.join(" ")
}

/// The simple commands of a `RUN` line, for deciding what its heredocs are.
/// Each command's verdict is computed once, so a line with many heredocs
/// costs time linear in its length.
struct Commands<'a> {
    args: &'a str,
    /// Byte offsets of command separators, in order.
    separators: Vec<usize>,
    /// Whether the command at an index runs its heredocs as a script.
    verdicts: std::cell::RefCell<std::collections::HashMap<usize, bool>>,
}

impl<'a> Commands<'a> {
    fn new(args: &'a str) -> Commands<'a> {
        Commands {
            args,
            separators: separators(args),
            verdicts: Default::default(),
        }
    }

    /// Whether a heredoc's body is run as a shell script: it is the whole
    /// command (`RUN <<EOF`, which BuildKit runs as the script) or the
    /// standard input of a shell (`RUN bash <<EOF`), and no shebang names
    /// another interpreter. A heredoc fed to another program
    /// (`cat <<EOF > file`, `python3 <<EOF`) is data.
    fn is_script(&self, h: &Heredoc) -> bool {
        if let Some(first) = h.body.lines().next().and_then(|l| l.strip_prefix("#!")) {
            let mut words = first.split_whitespace();
            let interpreter = match words.next().map(basename) {
                Some("env") => words.find(|w| !w.starts_with('-')).map(basename),
                other => other,
            };
            return interpreter.is_some_and(|i| SHELLS.contains(&i));
        }
        let index = self.separators.partition_point(|&b| b < h.marker.offset);
        if let Some(&v) = self.verdicts.borrow().get(&index) {
            return v;
        }
        let start = match index.checked_sub(1).and_then(|i| self.separators.get(i)) {
            Some(&b) => b.saturating_add(1),
            None => 0,
        };
        let end = self
            .separators
            .get(index)
            .copied()
            .unwrap_or(self.args.len());
        let verdict = runs_shell(self.args.get(start..end).unwrap_or(""));
        self.verdicts.borrow_mut().insert(index, verdict);
        verdict
    }
}

/// Whether a simple command, heredoc openers and redirections set aside,
/// runs nothing (the heredoc is the script) or a shell.
fn runs_shell(command: &str) -> bool {
    let (_, command) = split_flags(command);
    let words = pipelines(command)
        .into_iter()
        .flatten()
        .next()
        .map(|c| c.words)
        .unwrap_or_default();
    let mut kept = Vec::new();
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let op = w.trim_start_matches(|c: char| c.is_ascii_digit());
        if op.starts_with("<<") {
            continue;
        }
        if let Some(target) = op
            .strip_prefix(">>")
            .or_else(|| op.strip_prefix(">&"))
            .or_else(|| op.strip_prefix("&>"))
            .or_else(|| op.strip_prefix('>'))
            .or_else(|| op.strip_prefix('<'))
        {
            if target.is_empty() {
                it.next();
            }
            continue;
        }
        kept.push(w);
    }
    let cmd = shell::Command {
        words: kept,
        substitutions: Vec::new(),
    };
    match cmd.program() {
        None => true,
        Some((_, program)) => SHELLS.contains(&program),
    }
}

/// Byte offsets of the command separators of `args` (`;`, `&`, `|`, `(`,
/// `)`, new line) outside quotes; `2>&1` and `&>` are redirections.
fn separators(args: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut prev = ' ';
    for (i, c) in args.char_indices() {
        let before = std::mem::replace(&mut prev, c);
        if escaped {
            escaped = false;
            continue;
        }
        let redirect = c == '&'
            && (matches!(before, '>' | '<')
                || args
                    .get(i.saturating_add(1)..)
                    .is_some_and(|r| r.starts_with('>')));
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ';' | '&' | '|' | '(' | ')' | '\n') if !redirect => out.push(i),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use crate::parse::parse;

    fn script(src: &str) -> String {
        let p = parse(src);
        run_command(&p.instructions[0]).script
    }

    #[test]
    fn heredoc_scripts_are_included_data_is_not() {
        assert_eq!(
            script("RUN <<EOF\napt-get update\nEOF\n"),
            "<<EOF\napt-get update\n"
        );
        assert_eq!(
            script("RUN set -e; bash -ex <<EOF\nx\nEOF\n"),
            "set -e; bash -ex <<EOF\nx\n"
        );
        assert_eq!(script("RUN cat <<EOF > /x\nx\nEOF\n"), "cat <<EOF > /x");
        assert_eq!(script("RUN <<EOF cat >/x\nx\nEOF\n"), "<<EOF cat >/x");
        assert_eq!(
            script("RUN <<EOF 2>&1 bash\nx\nEOF\n"),
            "<<EOF 2>&1 bash\nx\n"
        );
        assert_eq!(
            script("RUN <<A cat > /a && <<'B' sh -e\na\nA\nb\nB\n"),
            "<<A cat > /a && <<'B' sh -e\nb\n"
        );
        assert_eq!(script("RUN python3 <<EOF\nx\nEOF\n"), "python3 <<EOF");
        assert_eq!(
            script("RUN <<EOF\n#!/usr/bin/env python3\nx\nEOF\n"),
            "<<EOF"
        );
        assert_eq!(
            script("RUN --mount=type=cache,target=/x <<EOF\ny\nEOF\n"),
            "<<EOF\ny\n"
        );
    }

    #[test]
    fn exec_form_scripts() {
        assert_eq!(
            script("RUN [\"/bin/sh\", \"-ec\", \"curl x | sh\"]"),
            "curl x | sh"
        );
        assert_eq!(script("RUN [\"pip\", \"install\", \"x\"]"), "pip install x");
    }

    #[test]
    fn cache_mounts() {
        let p = parse(
            "RUN --mount=type=cache,target=/var/cache/apt --mount=type=secret,id=x --mount=dst=/root/.cache,type=cache x",
        );
        let r = run_command(&p.instructions[0]);
        assert_eq!(r.cache_mounts(), vec!["/var/cache/apt", "/root/.cache"]);
    }
}

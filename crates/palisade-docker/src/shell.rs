//! Just enough shell to read `RUN` commands: instruction flags, the exec
//! (JSON) form, and a lexer that splits a script into pipelines of simple
//! commands with their words unquoted.
//!
//! This is not a shell: no expansion, no functions, no control flow beyond
//! treating keywords like `then` and `do` as prefixes. It must never panic
//! and runs in one pass, so a hostile script costs time linear in its size.

use std::iter::Peekable;
use std::str::Chars;

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag<'a> {
    /// The name without the leading `--`.
    pub name: &'a str,
    /// The value after `=`, if any.
    pub value: Option<&'a str>,
}

/// Splits leading `--flags` off `args`: the flags and the rest.
pub fn split_flags(args: &str) -> (Vec<Flag<'_>>, &str) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let (word, tail) = after.split_at(end);
        if word.is_empty() {
            break;
        }
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        flags.push(Flag { name, value });
        rest = tail.trim_start();
    }
    (flags, rest)
}

/// The arguments of an exec-form instruction (`["a", "b"]`), or `None` for
/// shell form. Like Docker, anything that is not a JSON array of strings is
/// shell form.
pub fn exec_form(rest: &str) -> Option<Vec<String>> {
    let t = rest.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

/// Whether `rest` is in exec form.
pub fn is_exec_form(rest: &str) -> bool {
    exec_form(rest).is_some()
}

/// Whitespace-separated words with their byte offsets, quotes kept; a word
/// that starts inside quotes is returned whole, so `'<<EOF'` is not an opener.
pub fn raw_words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                }
            }
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.extend(text.get(s..i).map(|w| (s, w)));
                }
            }
            None => {
                start.get_or_insert(i);
                match c {
                    '\'' | '"' => quote = Some(c),
                    '\\' => escaped = true,
                    _ => {}
                }
            }
        }
    }
    if let Some(s) = start {
        words.extend(text.get(s..).map(|w| (s, w)));
    }
    words
}

/// A simple command: its words with quotes removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// Words, unquoted; command substitutions are kept as written.
    pub words: Vec<String>,
    /// The inner text of each `$(...)`, `` `...` ``, `<(...)` in the command.
    pub substitutions: Vec<String>,
}

/// Commands joined by `|`.
pub type Pipeline = Vec<Command>;

/// Words that may come before the program a command runs.
const PREFIXES: &[&str] = &[
    "!", "{", "}", "if", "then", "else", "elif", "do", "while", "until", "time", "command", "exec",
    "nohup", "builtin",
];

impl Command {
    /// The index of the program the command runs and its base name, past
    /// assignments (`A=b`), `sudo`, `env` and shell keywords.
    pub fn program(&self) -> Option<(usize, &str)> {
        let mut i = 0;
        while let Some(w) = self.words.get(i) {
            let name = basename(w);
            if is_assignment(w) || PREFIXES.contains(&name) {
                i = i.saturating_add(1);
            } else if matches!(name, "sudo" | "doas" | "env" | "nice") {
                i = i.saturating_add(1);
                while let Some(f) = self.words.get(i) {
                    if is_assignment(f) {
                        i = i.saturating_add(1);
                    } else if f.starts_with('-') {
                        // Options that take a separate value.
                        let takes_value =
                            matches!(f.as_str(), "-u" | "-g" | "-U" | "-C" | "-p" | "-n" | "-D");
                        i = i.saturating_add(if takes_value { 2 } else { 1 });
                    } else {
                        break;
                    }
                }
            } else {
                return Some((i, name));
            }
        }
        None
    }

    /// The words after the program.
    pub fn args(&self) -> &[String] {
        match self.program() {
            Some((i, _)) => self.words.get(i.saturating_add(1)..).unwrap_or(&[]),
            None => &[],
        }
    }

    /// The assignments written before the program (`PIP_NO_CACHE_DIR=1 pip ...`).
    pub fn assignments(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .take_while(|w| is_assignment(w))
            .map(String::as_str)
    }
}

/// `/usr/bin/curl` → `curl`.
pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// `NAME=value` with a shell variable name.
pub fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(n, _)| {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Splits a script into pipelines (separated by `;`, `&&`, `||`, `&`,
/// new lines and parentheses) of commands (separated by `|`).
pub fn pipelines(script: &str) -> Vec<Pipeline> {
    let mut lx = Lexer {
        chars: script.chars().peekable(),
        out: Vec::new(),
        pipeline: Vec::new(),
        command: Command::default(),
        word: String::new(),
        in_word: false,
    };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    chars: Peekable<Chars<'a>>,
    out: Vec<Pipeline>,
    pipeline: Pipeline,
    command: Command,
    word: String,
    in_word: bool,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while let Some(c) = self.chars.next() {
            match c {
                ' ' | '\t' | '\r' => self.end_word(),
                '\n' | ';' | '(' | ')' => self.end_pipeline(),
                '&' if self.chars.peek() == Some(&'>') => self.push_str("&"),
                '&' => {
                    self.chars.next_if_eq(&'&');
                    self.end_pipeline();
                }
                '|' => {
                    if self.chars.next_if_eq(&'|').is_some() {
                        self.end_pipeline();
                    } else {
                        self.chars.next_if_eq(&'&');
                        self.end_command();
                    }
                }
                '#' if !self.in_word => while self.chars.next_if(|&c| c != '\n').is_some() {},
                '\'' => {
                    self.in_word = true;
                    for c in self.chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                        self.word.push(c);
                    }
                }
                '"' => self.double_quoted(),
                '\\' => match self.chars.next() {
                    Some('\n') | None => {}
                    Some(n) => self.push(n),
                },
                '$' if self.chars.peek() == Some(&'(') => {
                    self.chars.next();
                    self.substitution("$(", ')');
                }
                '`' => self.substitution("`", '`'),
                '<' | '>' if !self.in_word && self.chars.peek() == Some(&'(') => {
                    self.chars.next();
                    let open = if c == '<' { "<(" } else { ">(" };
                    self.substitution(open, ')');
                }
                '<' | '>' => {
                    self.push(c);
                    if let Some(n) = self.chars.next_if(|&n| n == '&' || n == c) {
                        self.push(n);
                    }
                }
                other => self.push(other),
            }
        }
        self.end_pipeline();
    }

    fn double_quoted(&mut self) {
        self.in_word = true;
        while let Some(c) = self.chars.next() {
            match c {
                '"' => return,
                '\\' => match self.chars.next() {
                    Some('\n') | None => {}
                    Some(n @ ('"' | '\\' | '$' | '`')) => self.word.push(n),
                    Some(n) => {
                        self.word.push('\\');
                        self.word.push(n);
                    }
                },
                '$' if self.chars.peek() == Some(&'(') => {
                    self.chars.next();
                    self.substitution("$(", ')');
                }
                '`' => self.substitution("`", '`'),
                other => self.word.push(other),
            }
        }
    }

    /// Reads a substitution up to its closing character, nesting counted
    /// for parentheses, and keeps it whole in the current word.
    fn substitution(&mut self, open: &str, close: char) {
        let mut inner = String::new();
        let mut depth: usize = 1;
        let mut quote: Option<char> = None;
        while let Some(c) = self.chars.next() {
            if c == '\\' && quote != Some('\'') {
                inner.push(c);
                if let Some(n) = self.chars.next() {
                    inner.push(n);
                }
                continue;
            }
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == close && close == '`' => break,
                None if c == '\'' || (c == '"' && close != '`') => quote = Some(c),
                None if c == '(' && close == ')' => depth = depth.saturating_add(1),
                None if c == ')' && close == ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                None => {}
            }
            inner.push(c);
        }
        self.in_word = true;
        self.word.push_str(open);
        self.word.push_str(&inner);
        self.word.push(close);
        self.command.substitutions.push(inner);
    }

    fn push(&mut self, c: char) {
        self.in_word = true;
        self.word.push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.in_word = true;
        self.word.push_str(s);
    }

    fn end_word(&mut self) {
        if self.in_word {
            self.command.words.push(std::mem::take(&mut self.word));
            self.in_word = false;
        }
    }

    fn end_command(&mut self) {
        self.end_word();
        let cmd = std::mem::take(&mut self.command);
        if !cmd.words.is_empty() {
            self.pipeline.push(cmd);
        }
    }

    fn end_pipeline(&mut self) {
        self.end_command();
        let p = std::mem::take(&mut self.pipeline);
        if !p.is_empty() {
            self.out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    fn words(script: &str) -> Vec<Vec<Vec<String>>> {
        pipelines(script)
            .into_iter()
            .map(|p| p.into_iter().map(|c| c.words).collect())
            .collect()
    }

    #[test]
    fn flags_and_exec_form() {
        let (flags, rest) = split_flags("--mount=type=cache,target=/x --link [\"a\"]");
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[0].name, "mount");
        assert_eq!(flags[0].value, Some("type=cache,target=/x"));
        assert_eq!(flags[1].value, None);
        assert_eq!(exec_form(rest), Some(vec!["a".to_string()]));
        assert_eq!(exec_form("[\"a\", 1]"), None);
        assert_eq!(exec_form("[ -f x ] && y"), None);
        assert_eq!(exec_form(&"[".repeat(10_000)), None);
    }

    #[test]
    fn splits_pipelines_and_commands() {
        assert_eq!(
            words("a 'b c' \"d\\\"e\" && f | g;h\n# c | d\ni 2>&1 || j"),
            vec![
                vec![vec!["a", "b c", "d\"e"]],
                vec![vec!["f"], vec!["g"]],
                vec![vec!["h"]],
                vec![vec!["i", "2>&1"]],
                vec![vec!["j"]],
            ]
        );
    }

    #[test]
    fn substitutions_stay_in_their_word() {
        let p = pipelines("sh -c \"$(curl -fsSL https://x | tr a b)\" && bash <(wget -O- y)");
        assert_eq!(p.len(), 2);
        let sh = &p[0][0];
        assert_eq!(sh.words[2], "$(curl -fsSL https://x | tr a b)");
        assert_eq!(sh.substitutions, vec!["curl -fsSL https://x | tr a b"]);
        assert_eq!(p[1][0].substitutions, vec!["wget -O- y"]);
    }

    #[test]
    fn program_skips_prefixes() {
        let p = pipelines("sudo -u root -E env A=1 /usr/bin/pip install x");
        let c = &p[0][0];
        assert_eq!(c.program(), Some((6, "pip")));
        assert_eq!(c.args(), ["install", "x"]);
        let p = pipelines("PIP_NO_CACHE_DIR=1 pip3 install x");
        assert_eq!(
            p[0][0].assignments().collect::<Vec<_>>(),
            ["PIP_NO_CACHE_DIR=1"]
        );
    }

    #[test]
    fn unbalanced_input_does_not_panic() {
        for s in ["$(", "\"", "'", "`", "\\", "<(", "a |", "((((", "$(a \"b"] {
            let _ = pipelines(s);
        }
    }
}

//! `$VAR` and `${VAR}` expansion in `FROM` and `USER`, for variables whose
//! value the Dockerfile itself gives.
//!
//! A variable declared without a default (`ARG TAG`) gets its value at build
//! time: we do not guess it, and the expansion fails. Supported forms are
//! `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}` and `${V+word}`,
//! nested at most [`MAX_DEPTH`] deep, producing at most [`MAX_LEN`] bytes;
//! anything else fails too.

use std::collections::HashMap;

/// How deep `${A:-${B:-...}}` may nest before expansion gives up.
pub const MAX_DEPTH: usize = 8;
/// The longest expansion produced; `ENV B=$A$A$A` chains could otherwise
/// grow without bound (the "billion laughs" of variables).
pub const MAX_LEN: usize = 64 * 1024;

/// What the Dockerfile says about a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    /// Declared with this value.
    Set(String),
    /// Declared without a value: known only at build time.
    Unknown,
}

/// Variables in scope. A name in neither map is unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    env: HashMap<String, Var>,
    args: HashMap<String, Var>,
}

impl Scope {
    /// The variable `name`: an `ENV` always wins over an `ARG`, as in Docker.
    pub fn get(&self, name: &str) -> Option<&Var> {
        self.env.get(name).or_else(|| self.args.get(name))
    }

    /// Sets an `ENV` variable.
    pub fn set_env(&mut self, name: String, value: Var) {
        self.env.insert(name, value);
    }

    /// Sets an `ARG` variable.
    pub fn set_arg(&mut self, name: String, value: Var) {
        self.args.insert(name, value);
    }

    /// Forgets the `ARG`s: they do not cross into the next stage.
    pub fn end_stage(&mut self) {
        self.args.clear();
    }
}

/// Expands `text`, or `None` when it depends on a value not in the file.
pub fn expand(text: &str, scope: &Scope, escape: char) -> Option<String> {
    expand_at(text, scope, escape, 0)
}

fn expand_at(text: &str, scope: &Scope, escape: char, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if out.len() > MAX_LEN {
            return None;
        }
        let after = rest.get(c.len_utf8()..).unwrap_or("");
        if c == escape && after.starts_with('$') {
            out.push('$');
            rest = after.get(1..).unwrap_or("");
            continue;
        }
        if c != '$' {
            out.push(c);
            rest = after;
            continue;
        }
        if let Some(inner_start) = after.strip_prefix('{') {
            let end = closing_brace(inner_start)?;
            let inner = inner_start.get(..end)?;
            out.push_str(&braced(inner, scope, escape, depth)?);
            rest = inner_start.get(end.saturating_add(1)..).unwrap_or("");
        } else {
            let len = name_len(after);
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            let name = after.get(..len)?;
            match scope.get(name)? {
                Var::Set(v) => out.push_str(v),
                Var::Unknown => return None,
            }
            rest = after.get(len..).unwrap_or("");
        }
    }
    (out.len() <= MAX_LEN).then_some(out)
}

/// The inside of `${...}`.
fn braced(inner: &str, scope: &Scope, escape: char, depth: usize) -> Option<String> {
    let len = name_len(inner);
    let name = inner.get(..len)?;
    if name.is_empty() {
        return None;
    }
    let op = inner.get(len..)?;
    let var = scope.get(name);
    if op.is_empty() {
        return match var? {
            Var::Set(v) => Some(v.clone()),
            Var::Unknown => None,
        };
    }
    let (colon, op) = match op.strip_prefix(':') {
        Some(o) => (true, o),
        None => (false, op),
    };
    let mut chars = op.chars();
    let kind = chars.next()?;
    let word = chars.as_str();
    // Whether the variable counts as set for this operator.
    let set = match var {
        None => false,
        Some(Var::Unknown) => return None,
        Some(Var::Set(v)) => !(colon && v.is_empty()),
    };
    match (kind, set) {
        ('-', true) | ('+', false) => match var {
            Some(Var::Set(v)) if kind == '-' => Some(v.clone()),
            _ => Some(String::new()),
        },
        ('-', false) | ('+', true) => expand_at(word, scope, escape, depth.saturating_add(1)),
        _ => None,
    }
}

/// Length of the variable name at the start of `s`.
fn name_len(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
        if !ok {
            break;
        }
        len = i.saturating_add(1);
    }
    len
}

/// Byte index of the `}` closing a `${`, nested braces counted.
fn closing_brace(s: &str) -> Option<usize> {
    let mut depth: usize = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth = depth.saturating_add(1),
            '}' if depth == 0 => return Some(i),
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        let mut s = Scope::default();
        s.set_arg("TAG".into(), Var::Set("1.2".into()));
        s.set_arg("EMPTY".into(), Var::Set(String::new()));
        s.set_env("LATER".into(), Var::Unknown);
        s
    }

    fn x(s: &str) -> Option<String> {
        expand(s, &scope(), '\\')
    }

    #[test]
    fn plain_and_braced() {
        assert_eq!(x("node:$TAG-alpine").as_deref(), Some("node:1.2-alpine"));
        assert_eq!(x("node:${TAG}").as_deref(), Some("node:1.2"));
        assert_eq!(x("a$"), Some("a$".into()));
        assert_eq!(x("a\\$TAG"), Some("a$TAG".into()));
    }

    #[test]
    fn unknown_and_unset_do_not_resolve() {
        assert_eq!(x("node:$LATER"), None);
        assert_eq!(x("node:${NOPE}"), None);
        assert_eq!(x("node:${TAG"), None);
        assert_eq!(x("${TAG#1}"), None);
    }

    #[test]
    fn operators() {
        assert_eq!(x("${NOPE:-20}").as_deref(), Some("20"));
        assert_eq!(x("${EMPTY:-20}").as_deref(), Some("20"));
        assert_eq!(x("${EMPTY-20}").as_deref(), Some(""));
        assert_eq!(x("${TAG:+yes}").as_deref(), Some("yes"));
        assert_eq!(x("${NOPE:+yes}").as_deref(), Some(""));
        assert_eq!(x("${NOPE:-${TAG}}").as_deref(), Some("1.2"));
        assert_eq!(x("${LATER:-1}"), None);
    }

    #[test]
    fn growth_is_bounded() {
        let mut s = scope();
        s.set_arg("A".into(), Var::Set("x".repeat(1000)));
        assert_eq!(
            expand(&"$A".repeat(60), &s, '\\').map(|v| v.len()),
            Some(60_000)
        );
        assert_eq!(expand(&"$A".repeat(70), &s, '\\'), None);
    }

    #[test]
    fn deep_nesting_gives_up() {
        let deep = format!("{}x{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        assert_eq!(x(&deep), None);
    }
}

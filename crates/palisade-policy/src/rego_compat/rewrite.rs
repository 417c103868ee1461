//! Line-preserving rewrites of Rego source that make regorus read it as
//! OPA does. Each rewrite only inserts or replaces text within a line, so
//! regorus's error lines still point at the template's lines (columns after
//! an edit on the same line may shift by the edit's length).

use super::tokens::{KEYWORDS, Kind, Token};

/// One edit: replace `start..end` with `text` (an insertion when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    fn insert(at: usize, text: impl Into<String>) -> Self {
        Self {
            start: at,
            end: at,
            text: text.into(),
        }
    }
}

/// Applies non-overlapping edits (in any order) to `src`.
pub(super) fn apply(src: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(src.len() + edits.len() * 16);
    let mut at = 0;
    for e in edits {
        if e.start < at {
            continue; // overlapping: keep the first
        }
        out.push_str(src.get(at..e.start).unwrap_or(""));
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(src.get(at..).unwrap_or(""));
    out
}

/// Whether `t` can end a term, so that a `(` after it could be read as a
/// call.
fn ends_term(t: &Token, src: &str) -> bool {
    match t.kind {
        Kind::Ident => !KEYWORDS.contains(&t.text(src)),
        Kind::Number | Kind::Str => true,
        Kind::Punct(c) => matches!(c, b')' | b']' | b'}'),
        Kind::Op2 => false,
    }
}

/// OPA continues a reference or call only when `(`, `.` or `[` follows
/// with no whitespace between; after a line break, `(` starts a new
/// expression. regorus skips the line break and reads a call, so the two
/// expressions are separated with `;` at the end of the first line.
pub(super) fn separate_parenthesised_lines(src: &str, tokens: &[Token]) -> Vec<Edit> {
    tokens
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if b.is(b'(') && b.after_newline && ends_term(a, src) => {
                Some(Edit::insert(a.end, ";"))
            }
            _ => None,
        })
        .collect()
}

/// A `{…}` block at depth 0, by token index of its braces.
struct Block {
    open: usize,
    close: usize,
}

/// Index of the token closing the bracket opened at `open`.
fn closing(tokens: &[Token], open: usize) -> Option<usize> {
    let depth = tokens.get(open)?.depth;
    tokens
        .iter()
        .enumerate()
        .skip(open + 1)
        .find(|(_, t)| t.depth == depth && matches!(t.kind, Kind::Punct(b')' | b']' | b'}')))
        .map(|(i, _)| i)
}

/// `p { a } { b }` (v0) and `p if { a } { b }` mean two rules with the
/// same head, `p { a }` and `p { b }`; OPA reads them so. regorus rejects
/// the form for partial set rules ("else cannot be used with set rules"),
/// so each extra body gets a copy of the head, written on the body's own
/// line. Heads that span lines are copied onto one line (tokens joined by
/// spaces, comments dropped); a head holding a multi-line raw string is
/// left alone.
pub(super) fn repeat_heads_of_extra_bodies(src: &str, tokens: &[Token]) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Where the current rule's head starts.
    let mut head_start = 0usize;
    // The depth-0 body block that ended last, and the head it belongs to.
    let mut last_body: Option<(usize, usize)> = None;
    let mut i = 0usize;
    while let Some(t) = tokens.get(i) {
        if t.depth != 0 {
            i += 1;
            continue;
        }
        if !t.is(b'{') {
            if t.after_newline || i == 0 {
                head_start = i;
            }
            last_body = None;
            i += 1;
            continue;
        }
        let Some(close) = closing(tokens, i) else {
            break;
        };
        let block = Block { open: i, close };
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        let is_value = prev.is_some_and(|p| {
            p.is(b'=')
                || (p.kind == Kind::Op2 && p.text(src) == ":=")
                || (p.kind == Kind::Ident && p.text(src) == "contains")
        });
        if is_value {
            // A head value such as `p = {"a": 1}`: part of the head.
            last_body = None;
        } else if let Some((head_from, head_to)) = last_body {
            // A body right after a body: an extra body of the same head.
            if let Some(head) = one_line_head(src, tokens.get(head_from..head_to).unwrap_or(&[])) {
                let at = tokens.get(block.open).map_or(0, |t| t.start);
                edits.push(Edit::insert(at, format!("{head} ")));
            }
        } else {
            last_body = Some((head_start, block.open));
        }
        i = block.close + 1;
        if !is_value {
            // The next rule starts after a body unless another body follows.
            head_start = i;
        }
    }
    edits
}

/// OPA reads a function head with neither body nor value,
/// `f("RunAsAny", _, _)`, as `f("RunAsAny", _, _) := true` in Rego v1 as
/// in v0; regorus's v1 parser rejects it ("rule must have a body or
/// assignment"), so the value is written out.
pub(super) fn complete_bodyless_functions(src: &str, tokens: &[Token]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0usize;
    while let Some(t) = tokens.get(i) {
        let starts = t.depth == 0 && (t.after_newline || i == 0);
        if !(starts && t.kind == Kind::Ident && !KEYWORDS.contains(&t.text(src))) {
            i += 1;
            continue;
        }
        // name(.name)* ( … ) and then the end of the line.
        let mut j = i + 1;
        while tokens.get(j).is_some_and(|d| d.is(b'.'))
            && tokens.get(j + 1).is_some_and(|n| n.kind == Kind::Ident)
        {
            j += 2;
        }
        if tokens
            .get(j)
            .is_some_and(|p| p.is(b'(') && p.start == tokens.get(j - 1).map_or(0, |x| x.end))
            && let Some(close) = closing(tokens, j)
            && tokens.get(close + 1).is_none_or(|n| n.after_newline)
            && let Some(c) = tokens.get(close)
        {
            edits.push(Edit::insert(c.end, " := true"));
            i = close + 1;
            continue;
        }
        i += 1;
    }
    edits
}

/// The head tokens written on one line, or `None` when that would change
/// a raw string.
fn one_line_head(src: &str, head: &[Token]) -> Option<String> {
    if head.is_empty() {
        return None;
    }
    let first = head.first()?;
    let last = head.last()?;
    let text = src.get(first.start..last.end)?;
    if !text.contains('\n') {
        return Some(text.to_string());
    }
    let mut out = String::new();
    for t in head {
        let s = t.text(src);
        if s.contains('\n') {
            return None;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s);
    }
    Some(out)
}

/// Both rewrites of this module (the tests' view).
#[cfg(test)]
fn edits(src: &str) -> Option<Vec<Edit>> {
    let tokens = super::tokens::lex(src)?;
    let mut all = separate_parenthesised_lines(src, &tokens);
    all.extend(repeat_heads_of_extra_bodies(src, &tokens));
    all.extend(complete_bodyless_functions(src, &tokens));
    Some(all)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rewrite(src: &str) -> String {
        apply(src, edits(src).unwrap())
    }

    #[test]
    fn a_parenthesised_line_is_a_new_expression() {
        assert_eq!(
            rewrite("p {\n  input.a\n  (input.b - 1) > 2\n}"),
            "p {\n  input.a;\n  (input.b - 1) > 2\n}"
        );
        // A call on one line, an operator before the line break, and a
        // keyword before it stay as they are.
        for src in [
            "p { f(x) }",
            "p { x := 1 +\n (2) }",
            "p { not\n (x) }",
            "p { f(\n(x)) }",
        ] {
            assert_eq!(rewrite(src), src);
        }
        // A comment between them does not hide the line break.
        assert_eq!(rewrite("p { x # why\n (y) }"), "p { x; # why\n (y) }");
    }

    #[test]
    fn extra_bodies_get_the_head() {
        assert_eq!(
            rewrite("violation[{\"msg\": msg}] {\n  a\n} {\n  b\n}\n"),
            "violation[{\"msg\": msg}] {\n  a\n} violation[{\"msg\": msg}] {\n  b\n}\n"
        );
        assert_eq!(
            rewrite("v contains m if { a }\n{ b }"),
            "v contains m if { a }\nv contains m if { b }"
        );
        // Three bodies, a head value in braces, a multi-line head.
        assert_eq!(
            rewrite("p = {\"a\": 1} { a } { b } { c }"),
            "p = {\"a\": 1} { a } p = {\"a\": 1} { b } p = {\"a\": 1} { c }"
        );
        assert_eq!(
            rewrite("v[{\"a\": x,\n   \"b\": y}] { a }\n{ b }"),
            "v[{\"a\": x,\n   \"b\": y}] { a }\nv [ { \"a\" : x , \"b\" : y } ] { b }"
        );
    }

    #[test]
    fn bodyless_functions_get_their_value() {
        assert_eq!(
            rewrite("package a\naccept(\"RunAsAny\", _, _)\naccept(\"X\", v, r) := f(v, r)\n"),
            "package a\naccept(\"RunAsAny\", _, _) := true\naccept(\"X\", v, r) := f(v, r)\n"
        );
        // A call inside a body, and a head with a body, stay.
        for src in [
            "p {\n  f(x)\n}",
            "f(x) { x }",
            "f(x) if x",
            "import data.lib.f",
        ] {
            assert_eq!(rewrite(src), src);
        }
    }

    #[test]
    fn single_bodies_and_else_chains_stay() {
        for src in [
            "package a\n\np { a }\n\nq { b }\n",
            "p = 1 { a } else = 2 { b }",
            "f(x) = y { y := x }\ng(x) { x }",
            "default p = {}\nq { true }",
        ] {
            assert_eq!(rewrite(src), src);
        }
    }
}

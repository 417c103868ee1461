//! Negated expressions as OPA compiles them.
//!
//! Before evaluation OPA's compiler moves parts of every expression into
//! assignments ahead of it (stages `RewriteExprTerms` and
//! `RewriteDynamicTerms`): nested calls (`f(g(x))` → `__l = g(x); f(__l)`),
//! reference and comprehension arguments of calls
//! (`f(input.x)` → `__l = input.x; f(__l)`), and dynamic parts of
//! references (`obj[input.k]` → `__l = input.k; obj[__l]`). Under `not`
//! the assignments stay outside the negation, so when a moved part is
//! undefined the whole body is undefined, not true: with `input.ranges`
//! missing, `not accept(input.rule, v, input.ranges)` does not hold in OPA
//! (open-policy-agent/opa#1877, #4743, #8387 discuss it). regorus
//! evaluates the whole expression inside the negation and holds it, so
//! Gatekeeper templates written against OPA report violations OPA does
//! not. This module writes the same assignments into the source, on the
//! expression's own line.

use super::expr::{Globals, Node, Parser, Shape};
use super::rewrite::Edit;
use super::tokens::{KEYWORDS, Kind, Token};
use std::collections::HashSet;

/// Names that denote documents: `input`, `data`, the module's rules and
/// its imports.
pub(super) fn globals(src: &str, tokens: &[Token]) -> Globals {
    let mut names: HashSet<String> = ["input", "data"].iter().map(|s| s.to_string()).collect();
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        let starts_statement = t.depth == 0 && (t.after_newline || i == 0);
        if starts_statement && t.kind == Kind::Ident {
            match t.text(src) {
                "package" => {}
                "import" => {
                    // `import a.b.c` binds `c`; `import a.b as x` binds `x`.
                    let mut last = None;
                    let mut j = i + 1;
                    while let Some(n) = tokens.get(j) {
                        if n.after_newline {
                            break;
                        }
                        if n.kind == Kind::Ident {
                            last = Some(n.text(src));
                        }
                        j += 1;
                    }
                    if let Some(l) = last {
                        names.insert(l.to_string());
                    }
                }
                "default" => {
                    if let Some(n) = tokens.get(i + 1) {
                        names.insert(n.text(src).to_string());
                    }
                }
                name if !KEYWORDS.contains(&name) => {
                    names.insert(name.to_string());
                }
                _ => {}
            }
        }
        i += 1;
    }
    Globals { names }
}

/// One assignment to write before the negated expression.
struct Hoist {
    var: String,
    start: usize,
    end: usize,
}

/// Collects the assignments for one negated expression.
struct Hoister<'a> {
    next: &'a mut usize,
    /// In evaluation order.
    out: Vec<Hoist>,
}

impl Hoister<'_> {
    fn hoist(&mut self, n: &Node) {
        let var = format!("__palisade_h{}__", *self.next);
        *self.next += 1;
        self.out.push(Hoist {
            var,
            start: n.start,
            end: n.end,
        });
    }

    /// `RewriteExprTerms`: nested calls (and composite or call subjects
    /// of references) become assignments; the calls' own arguments are
    /// handled by [`Self::dynamic`] when each call's assignment is
    /// emitted.
    fn expand(&mut self, n: &Node, calls: &mut Vec<Node>) {
        match &n.shape {
            Shape::Call { args, .. } => {
                for a in args {
                    self.expand(a, calls);
                }
                calls.push(n.clone());
            }
            Shape::Ref { subject, index } => {
                self.expand(subject, calls);
                for i in index {
                    self.expand(i, calls);
                }
                if matches!(
                    subject.shape,
                    Shape::Composite(_) | Shape::Comprehension | Shape::Paren(_)
                ) {
                    calls.push((**subject).clone());
                }
            }
            Shape::Composite(items) => {
                for i in items {
                    self.expand(i, calls);
                }
            }
            Shape::Paren(inner) => self.expand(inner, calls),
            Shape::Equality { lhs, rhs } => {
                self.expand(lhs, calls);
                self.expand(rhs, calls);
            }
            Shape::Scalar | Shape::Var | Shape::Comprehension => {}
        }
    }

    /// `RewriteDynamicTerms` for a call argument: references and
    /// comprehensions become assignments.
    fn dynamic(&mut self, n: &Node, moved: &HashSet<(usize, usize)>) {
        if moved.contains(&(n.start, n.end)) {
            return;
        }
        match &n.shape {
            Shape::Ref { index, .. } => {
                for i in index {
                    self.dynamic(i, moved);
                }
                self.hoist(n);
            }
            Shape::Composite(items) => {
                for i in items {
                    self.dynamic(i, moved);
                }
            }
            Shape::Paren(inner) => self.dynamic(inner, moved),
            Shape::Comprehension => self.hoist(n),
            Shape::Scalar | Shape::Var | Shape::Call { .. } | Shape::Equality { .. } => {}
        }
    }

    /// `RewriteDynamicTerms` for an operand of unification or a lone
    /// term: a reference stays, its dynamic parts move.
    fn dynamic_in_term(&mut self, n: &Node, moved: &HashSet<(usize, usize)>) {
        if moved.contains(&(n.start, n.end)) {
            return;
        }
        match &n.shape {
            Shape::Ref { index, .. } => {
                for i in index {
                    self.dynamic(i, moved);
                }
            }
            Shape::Comprehension => {}
            Shape::Paren(inner) => self.dynamic_in_term(inner, moved),
            _ => self.dynamic(n, moved),
        }
    }
}

/// `src[start..end]` with the hoisted spans inside it replaced by their
/// variables (outermost first).
fn render(src: &str, start: usize, end: usize, hoists: &[Hoist]) -> String {
    let mut inner: Vec<&Hoist> = hoists
        .iter()
        .filter(|h| h.start >= start && h.end <= end && (h.start, h.end) != (start, end))
        .collect();
    inner.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out = String::new();
    let mut at = start;
    for h in inner {
        if h.start < at {
            continue; // inside one already replaced
        }
        out.push_str(src.get(at..h.start).unwrap_or(""));
        out.push_str(&h.var);
        at = h.end;
    }
    out.push_str(src.get(at..end).unwrap_or(""));
    out
}

/// Whether the `not` at `i` starts a literal of a body.
fn starts_literal(src: &str, tokens: &[Token], i: usize) -> bool {
    let Some(t) = tokens.get(i) else { return false };
    if t.after_newline {
        return true;
    }
    match i.checked_sub(1).and_then(|p| tokens.get(p)) {
        None => false,
        Some(p) => p.is(b'{') || p.is(b';') || p.is(b'|') || p.text(src) == "if",
    }
}

/// The edits for every negated expression that has parts OPA would move.
pub(super) fn hoist_out_of_negations(src: &str, tokens: &[Token]) -> Vec<Edit> {
    let globals = globals(src, tokens);
    let mut counter = 0usize;
    let mut edits = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Ident || t.text(src) != "not" || !starts_literal(src, tokens, i) {
            continue;
        }
        let mut p = Parser::new(src, tokens, i + 1, &globals);
        let Some(expr) = p.expression() else { continue };
        // The literal must end here: `with` modifiers and anything else
        // unexpected leave it as written.
        if let Some(next) = tokens.get(p.pos) {
            let ends = next.after_newline
                || next.is(b';')
                || (matches!(next.kind, Kind::Punct(b'}' | b']' | b')')) && next.depth < t.depth);
            if !ends {
                continue;
            }
        }
        let mut h = Hoister {
            next: &mut counter,
            out: Vec::new(),
        };
        let expr = match expr.shape {
            Shape::Paren(inner) => *inner,
            _ => expr,
        };
        // Stage 1: nested calls, in evaluation order.
        let mut calls = Vec::new();
        match &expr.shape {
            Shape::Call { args, .. } => {
                for a in args {
                    h.expand(a, &mut calls);
                }
            }
            _ => h.expand(&expr, &mut calls),
        }
        // A call that is the whole expression stays in place.
        calls.retain(|c| (c.start, c.end) != (expr.start, expr.end));
        // Stage 2: each moved call's dynamic arguments go before it; then
        // the negated expression's own.
        let mut order: Vec<Hoist> = Vec::new();
        let moved: HashSet<(usize, usize)> = calls.iter().map(|c| (c.start, c.end)).collect();
        for c in &calls {
            h.out.clear();
            match &c.shape {
                Shape::Call { args, .. } => {
                    for a in args {
                        h.dynamic(a, &moved);
                    }
                }
                _ => h.dynamic_in_term(c, &moved),
            }
            order.append(&mut h.out);
            h.hoist(c);
            order.append(&mut h.out);
        }
        h.out.clear();
        match &expr.shape {
            Shape::Equality { lhs, rhs } => {
                h.dynamic_in_term(lhs, &moved);
                h.dynamic_in_term(rhs, &moved);
            }
            Shape::Call { args, .. } => {
                for a in args {
                    h.dynamic(a, &moved);
                }
            }
            _ => h.dynamic_in_term(&expr, &moved),
        }
        order.append(&mut h.out);
        if order.is_empty() {
            continue;
        }
        let mut text = String::new();
        for x in &order {
            text.push_str(&x.var);
            text.push_str(" := ");
            text.push_str(&render(src, x.start, x.end, &order));
            text.push_str("; ");
        }
        text.push_str("not ");
        text.push_str(&render(src, expr.start, expr.end, &order));
        // A body written as `if <literal>` without braces holds one
        // literal; the assignments need braces around it.
        let brace = i
            .checked_sub(1)
            .and_then(|p| tokens.get(p))
            .is_some_and(|p| p.text(src) == "if");
        if brace {
            text = format!("{{ {text} }}");
        }
        let end = tokens
            .get(p.pos.saturating_sub(1))
            .map_or(expr.end, |t| t.end.max(expr.end));
        edits.push(Edit {
            start: t.start,
            end,
            text,
        });
    }
    edits
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::rewrite::apply;
    use super::super::tokens::lex;
    use super::*;

    fn rw(src: &str) -> String {
        let toks = lex(src).unwrap();
        apply(src, hoist_out_of_negations(src, &toks))
    }

    #[test]
    fn reference_arguments_move_out_of_the_negation() {
        assert_eq!(
            rw("p {\n  not f(input.rule, v, input.ranges)\n}"),
            "p {\n  __palisade_h0__ := input.rule; __palisade_h1__ := input.ranges; not f(__palisade_h0__, v, __palisade_h1__)\n}"
        );
        // Local variables, scalars and comprehensionless terms stay.
        for src in [
            "p { not f(x, 1, \"a\") }",
            "p { not input.x }",
            "p { not input.a.b == 1 }",
        ] {
            assert_eq!(rw(src), src);
        }
    }

    #[test]
    fn nested_calls_and_their_arguments_move() {
        assert_eq!(
            rw("p { not lower(input.x) == \"a\" }"),
            "p { __palisade_h0__ := input.x; __palisade_h1__ := lower(__palisade_h0__); not __palisade_h1__ == \"a\" }"
        );
        assert_eq!(
            rw("p { not (input.x + 1) > 0 }"),
            "p { __palisade_h0__ := input.x; __palisade_h1__ := input.x + 1; not (__palisade_h1__) > 0 }"
                .replace("input.x + 1", "__palisade_h0__ + 1")
        );
    }

    #[test]
    fn dynamic_reference_parts_move() {
        assert_eq!(
            rw("p { not obj[input.k] }"),
            "p { __palisade_h0__ := input.k; not obj[__palisade_h0__] }"
        );
        // A rule name is a document: `u` here is `data.<pkg>.u`.
        assert_eq!(
            rw("u { false }\np { not f(u) }"),
            "u { false }\np { __palisade_h0__ := u; not f(__palisade_h0__) }"
        );
    }

    #[test]
    fn brace_less_bodies_get_braces_and_with_is_left_alone() {
        assert_eq!(
            rw("p if not f(input.x)\n"),
            "p if { __palisade_h0__ := input.x; not f(__palisade_h0__) }\n"
        );
        let with = "p { not f(input.x) with input as {} }";
        assert_eq!(rw(with), with);
    }
}

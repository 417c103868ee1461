//! Rego as OPA runs it, on regorus.
//!
//! Gatekeeper templates are written against OPA. regorus 0.14.1 differs
//! from OPA on five constructs those templates use; each difference has a
//! compatibility step here, applied to every template and lib at load
//! time, with the template text left unmodified on disk. Each step can go
//! when regorus gives OPA's answer (the tests in
//! `tests/rego_compat.rs` compare with OPA itself and will show it).
//!
//! | construct | OPA | regorus 0.14.1 | step |
//! |---|---|---|---|
//! | an expression, then a line starting with `(` | two expressions: a call needs `(` right after the name | one call: "could not find function" | [`rewrite::separate_parenthesised_lines`] ends the first line with `;` |
//! | `p { a } { b }`, `p if { a } { b }` | two rules with one head | "else cannot be used with set rules"; complete rules take the wrong value | [`rewrite::repeat_heads_of_extra_bodies`] writes the head before each extra body |
//! | `not f(input.missing)` (for example `accept_value("RunAsAny", _, _)` called with an undefined third argument) | undefined: the compiler assigns call arguments, nested calls and dynamic reference parts before the expression, outside the negation | true | [`negation::hoist_out_of_negations`] writes those assignments before `not` |
//! | a function head with neither body nor value, `f("RunAsAny", _, _)`, in Rego v1 | `f("RunAsAny", _, _) := true` | "rule must have a body or assignment" | [`rewrite::complete_bodyless_functions`] writes ` := true` |
//! | `sprintf` with fewer or more arguments than verbs, flags, widths | Go's `fmt.Sprintf`: `%!d(MISSING)`, `%!(EXTRA int=1)`, `%+05.1f` | an error for missing and extra arguments; flags ignored | [`sprintf`] registered over the builtin |
//!
//! Every source step inserts or replaces text within lines and never adds
//! or removes a line break, so regorus's error lines still point into the
//! template (a column after an edit on the same line may shift).

mod expr;
mod negation;
mod rewrite;
pub mod sprintf;
mod tokens;

use std::borrow::Cow;

/// `src` with the compatibility rewrites applied; unchanged (borrowed)
/// when none applies or when it does not lex (regorus then reports the
/// error on the text as written).
pub fn normalise(src: &str) -> Cow<'_, str> {
    let Some(tokens) = tokens::lex(src) else {
        return Cow::Borrowed(src);
    };
    let mut edits = rewrite::separate_parenthesised_lines(src, &tokens);
    edits.extend(rewrite::repeat_heads_of_extra_bodies(src, &tokens));
    edits.extend(rewrite::complete_bodyless_functions(src, &tokens));
    edits.extend(negation::hoist_out_of_negations(src, &tokens));
    if edits.is_empty() {
        return Cow::Borrowed(src);
    }
    Cow::Owned(rewrite::apply(src, edits))
}

/// Registers the builtins that replace regorus's (see [`sprintf`]).
pub(crate) fn install(engine: &mut regorus::Engine) -> Result<(), String> {
    sprintf::install(engine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_kept() {
        let src = "package a\n\nviolation[{\"msg\": m}] {\n  not f(input.x,\n    input.y)\n  input.a\n  (input.b) > 1\n} {\n  m := \"b\"\n}\n";
        let out = normalise(src);
        assert_ne!(out, src);
        assert_eq!(out.matches('\n').count(), src.matches('\n').count());
    }

    #[test]
    fn untouched_sources_are_borrowed() {
        let src = "package a\n\nviolation[{\"msg\": m}] { m := \"x\" }\n";
        assert!(matches!(normalise(src), Cow::Borrowed(_)));
        assert!(matches!(normalise("x := \"open"), Cow::Borrowed(_)));
    }
}

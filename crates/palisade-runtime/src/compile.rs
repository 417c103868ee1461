//! Compiling conditions: macros are expanded, lists substituted, fields
//! resolved to extractors and right-hand sides pre-processed (sets, globs,
//! regexes, hex bytes) into a [`Filter`] tree that evaluates an event
//! without allocating for the common operators.

use crate::Source;
use crate::condition::{self, Check, Expr, FieldExpr, ListItem, Op, Rhs, line_col};
use crate::event::Event;
use crate::fields::{self, Extracted, Extractor, ListKind, Value, parse_number};
use crate::ruleset::RuleSet;
use std::collections::{HashMap, HashSet};

/// Largest compiled regex program accepted, in bytes.
pub const MAX_REGEX_BYTES: usize = 1 << 20;
/// Deepest macro-in-macro (and list-in-list) nesting accepted.
const MAX_EXPANSION_DEPTH: usize = 64;

/// A compiled condition.
#[derive(Debug)]
pub enum Filter {
    /// All of.
    And(Box<[Filter]>),
    /// Any of.
    Or(Box<[Filter]>),
    /// Negation.
    Not(Box<Filter>),
    /// A comparison.
    Check(Box<CompiledCheck>),
    /// A constant (empty `and`/`or`).
    Const(bool),
}

impl Filter {
    /// Evaluates the filter on an event.
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        match self {
            Filter::And(xs) => xs.iter().all(|x| x.matches(ev)),
            Filter::Or(xs) => xs.iter().any(|x| x.matches(ev)),
            Filter::Not(x) => !x.matches(ev),
            Filter::Check(c) => c.matches(ev),
            Filter::Const(b) => *b,
        }
    }

    /// Calls `f` on every extractor of the filter.
    pub(crate) fn visit_extractors(&mut self, f: &mut dyn FnMut(&mut Extractor)) {
        match self {
            Filter::And(xs) | Filter::Or(xs) => xs.iter_mut().for_each(|x| x.visit_extractors(f)),
            Filter::Not(x) => x.visit_extractors(f),
            Filter::Check(c) => {
                f(&mut c.lhs);
                if let Operand::Field(r) = &mut c.rhs {
                    f(r);
                }
            }
            Filter::Const(_) => {}
        }
    }

    /// The values of the index field (`evt.type` / `ka.verb`) this filter
    /// can match, or `None` when it can match any. Conservative: a value
    /// set is returned only when no event outside it can match.
    pub fn index_values(&self, is_index: &dyn Fn(&Extractor) -> bool) -> Option<HashSet<String>> {
        match self {
            Filter::And(xs) => {
                let mut acc: Option<HashSet<String>> = None;
                for x in xs.iter() {
                    if let Some(set) = x.index_values(is_index) {
                        acc = Some(match acc {
                            None => set,
                            Some(a) => a.intersection(&set).cloned().collect(),
                        });
                    }
                }
                acc
            }
            Filter::Or(xs) => {
                let mut acc = HashSet::new();
                for x in xs.iter() {
                    acc.extend(x.index_values(is_index)?);
                }
                Some(acc)
            }
            Filter::Not(_) | Filter::Const(_) => None,
            Filter::Check(c) => {
                if !is_index(&c.lhs) {
                    return None;
                }
                match (&c.op, &c.rhs) {
                    (Op::Eq, Operand::Text(t)) => Some(HashSet::from([t.text.to_string()])),
                    (Op::In | Op::Intersects, Operand::Set(s)) => {
                        Some(s.small.iter().map(|i| i.to_string()).collect())
                    }
                    _ => None,
                }
            }
        }
    }
}

/// A comparison ready to run.
#[derive(Debug)]
pub struct CompiledCheck {
    lhs: Extractor,
    op: Op,
    rhs: Operand,
}

#[derive(Debug)]
enum Operand {
    None,
    Text(TextOperand),
    Bytes(Vec<u8>),
    Set(SetOperand),
    Paths(Vec<String>),
    Glob(globset::GlobMatcher),
    Regex(regex::Regex),
    Field(Extractor),
}

#[derive(Debug)]
struct TextOperand {
    text: Box<str>,
    lower: Box<str>,
    num: Option<f64>,
    /// The value as a network (`10.0.0.0/8`).
    net: Option<Net>,
}

/// An IP network: address and prefix length.
#[derive(Debug, Clone, Copy)]
struct Net(std::net::IpAddr, u8);

impl Net {
    fn parse(s: &str) -> Option<Net> {
        let (addr, len) = s.trim().split_once('/')?;
        let addr: std::net::IpAddr = addr.parse().ok()?;
        let len: u8 = len.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (len <= max).then_some(Net(addr, len))
    }

    fn contains(&self, text: &str) -> bool {
        use std::net::IpAddr;
        let Ok(ip) = text.trim().parse::<IpAddr>() else {
            return false;
        };
        let bits = |a: IpAddr| -> u128 {
            match a {
                IpAddr::V4(v) => u128::from(u32::from(v)),
                IpAddr::V6(v) => u128::from(v),
            }
        };
        let width: u32 = if self.0.is_ipv4() { 32 } else { 128 };
        if ip.is_ipv4() != self.0.is_ipv4() {
            return false;
        }
        let shift = width - u32::from(self.1);
        let mask = if shift >= 128 { 0 } else { u128::MAX << shift };
        let mask = if width == 32 {
            mask & 0xffff_ffff
        } else {
            mask
        };
        bits(ip) & mask == bits(self.0) & mask
    }
}

/// Sets up to this size are searched linearly (faster than hashing).
const SMALL_SET: usize = 8;

#[derive(Debug)]
struct SetOperand {
    /// Items that are networks (`10.0.0.0/8`): addresses inside match.
    nets: Vec<Net>,
    /// Every item (searched linearly when the set is small).
    small: Vec<Box<str>>,
    /// Hashed items, for larger sets.
    items: HashSet<Box<str>, FnvBuild>,
    nums: Vec<f64>,
}

impl SetOperand {
    fn new(values: Vec<String>) -> SetOperand {
        let nums = values.iter().filter_map(|v| parse_number(v)).collect();
        let nets = values.iter().filter_map(|v| Net::parse(v)).collect();
        let small: Vec<Box<str>> = values.into_iter().map(String::into_boxed_str).collect();
        let items = if small.len() > SMALL_SET {
            small.iter().cloned().collect()
        } else {
            HashSet::default()
        };
        SetOperand {
            nets,
            small,
            items,
            nums,
        }
    }

    fn has(&self, s: &str) -> bool {
        if self.small.len() > SMALL_SET {
            self.items.contains(s)
        } else {
            self.small.iter().any(|i| i.as_ref() == s)
        }
    }

    fn contains(&self, v: &Value<'_>) -> bool {
        match v {
            Value::Str(s) => self.has(s) || self.nets.iter().any(|n| n.contains(s)),
            Value::Bool(b) => self.has(if *b { "true" } else { "false" }),
            Value::Int(_) | Value::Float(_) => {
                let n = v.number().unwrap_or(f64::NAN);
                self.nums.contains(&n)
            }
        }
    }
}

impl CompiledCheck {
    fn matches(&self, ev: &Event<'_>) -> bool {
        let extracted = self.lhs.extract(ev);
        let rhs_values;
        let rhs = if let Operand::Field(f) = &self.rhs {
            rhs_values = match f.extract(ev) {
                Extracted::Missing => return false,
                Extracted::One(v) => vec![v],
                Extracted::List(items) => items,
            };
            Some(rhs_values.as_slice())
        } else {
            None
        };
        match &extracted {
            Extracted::Missing => false,
            Extracted::One(v) => self.op == Op::Exists || self.test(v, rhs),
            Extracted::List(items) => {
                if items.is_empty() {
                    return false;
                }
                match self.op {
                    Op::Exists => true,
                    Op::In if self.lhs.list_kind == ListKind::List => {
                        items.iter().all(|v| self.test(v, rhs))
                    }
                    _ => items.iter().any(|v| self.test(v, rhs)),
                }
            }
        }
    }

    fn test(&self, v: &Value<'_>, rhs: Option<&[Value<'_>]>) -> bool {
        if let Some(rhs) = rhs {
            return test_dynamic(self.op, v, rhs);
        }
        match (&self.rhs, self.op) {
            (Operand::Text(t), Op::Eq) => eq_text(v, t),
            (Operand::Text(t), Op::Ne) => !eq_text(v, t),
            (Operand::Text(t), Op::Lt | Op::Le | Op::Gt | Op::Ge) => {
                let ord = match (v.number(), t.num) {
                    (Some(a), Some(b)) => a.partial_cmp(&b),
                    _ => match v {
                        Value::Str(s) => Some(s.as_ref().cmp(&t.text)),
                        _ => None,
                    },
                };
                let Some(ord) = ord else { return false };
                match self.op {
                    Op::Lt => ord.is_lt(),
                    Op::Le => ord.is_le(),
                    Op::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                }
            }
            (Operand::Text(t), Op::Contains) => v.text().contains(t.text.as_ref()),
            (Operand::Text(t), Op::IContains) => {
                v.text().to_ascii_lowercase().contains(t.lower.as_ref())
            }
            (Operand::Text(t), Op::StartsWith) => v.text().starts_with(t.text.as_ref()),
            (Operand::Text(t), Op::EndsWith) => v.text().ends_with(t.text.as_ref()),
            (Operand::Bytes(b), Op::BContains) => {
                let text = v.text();
                b.is_empty() || text.as_bytes().windows(b.len()).any(|w| w == b.as_slice())
            }
            (Operand::Bytes(b), Op::BStartsWith) => v.text().as_bytes().starts_with(b),
            (Operand::Set(s), _) => s.contains(v),
            (Operand::Paths(paths), _) => {
                let text = v.text();
                paths.iter().any(|p| path_prefix(p, &text))
            }
            (Operand::Glob(g), _) => g.is_match(v.text().as_ref()),
            (Operand::Regex(r), _) => r.is_match(&v.text()),
            _ => false,
        }
    }
}

fn eq_text(v: &Value<'_>, t: &TextOperand) -> bool {
    match v {
        Value::Str(s) => s.as_ref() == t.text.as_ref() || t.net.is_some_and(|n| n.contains(s)),
        Value::Int(_) | Value::Float(_) => t.num.is_some() && v.number() == t.num,
        Value::Bool(b) => t.text.as_ref() == if *b { "true" } else { "false" },
    }
}

/// Comparison against another field's values (`val(...)`).
fn test_dynamic(op: Op, v: &Value<'_>, rhs: &[Value<'_>]) -> bool {
    let text = v.text();
    let first = || rhs.first().map(Value::text);
    match op {
        Op::In | Op::Intersects => rhs.iter().any(|r| r.text() == text),
        Op::Eq => first().is_some_and(|r| r == text),
        Op::Ne => first().is_some_and(|r| r != text),
        Op::Contains => first().is_some_and(|r| text.contains(r.as_ref())),
        Op::IContains => {
            first().is_some_and(|r| text.to_ascii_lowercase().contains(&r.to_ascii_lowercase()))
        }
        Op::StartsWith => first().is_some_and(|r| text.starts_with(r.as_ref())),
        Op::EndsWith => first().is_some_and(|r| text.ends_with(r.as_ref())),
        Op::PMatch => rhs.iter().any(|r| path_prefix(&r.text(), &text)),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let Some(r) = rhs.first() else { return false };
            let ord = match (v.number(), r.number()) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(text.as_ref().cmp(r.text().as_ref())),
            };
            ord.is_some_and(|o| match op {
                Op::Lt => o.is_lt(),
                Op::Le => o.is_le(),
                Op::Gt => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        _ => false,
    }
}

/// A fast hash for the short strings of sets and key tables fixed when
/// rules are compiled (SipHash's DoS resistance is not needed: an event
/// cannot add entries). Strings of 8 bytes or more are hashed from their
/// length and first and last 8 bytes, shorter ones byte by byte (FNV-1a).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FnvBuild;

pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let word = |b: Option<&[u8]>| {
            b.and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_le_bytes)
                .unwrap_or(0)
        };
        if bytes.len() >= 8 {
            let first = word(bytes.get(..8));
            let last = word(bytes.get(bytes.len() - 8..));
            let mixed = (self.0 ^ first ^ (bytes.len() as u64).rotate_left(32))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ last;
            self.0 = mixed.wrapping_mul(0x517c_c1b7_2722_0a95).rotate_left(29);
        } else {
            for b in bytes {
                self.0 ^= u64::from(*b);
                self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

/// Whether `path` is `prefix` or below it, by whole path components.
fn path_prefix(prefix: &str, path: &str) -> bool {
    let prefix = if prefix.len() > 1 {
        prefix.trim_end_matches('/')
    } else {
        prefix
    };
    if prefix == "/" {
        return path.starts_with('/');
    }
    match path.strip_prefix(prefix) {
        Some("") => true,
        Some(rest) => rest.starts_with('/'),
        None => false,
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let t = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(t, 16).ok()
        })
        .collect()
}

/// The condition being compiled: for error messages.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    /// `macro `name`` or `rule `name``.
    what: &'a str,
    /// The condition text (positions are byte offsets in it).
    text: &'a str,
}

/// A compile error, already phrased with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// What went wrong, with the position in the condition.
    pub message: String,
    /// Whether the error is an unknown field (rules with
    /// `skip-if-unknown-filter: true` are then skipped).
    pub unknown_field: bool,
}

/// Compiles conditions against one rule set and source, caching parsed
/// macros.
pub struct Compiler<'r> {
    rules: &'r RuleSet,
    source: Source,
    parsed_macros: HashMap<String, Result<Expr, CompileError>>,
    stack: Vec<String>,
}

impl<'r> Compiler<'r> {
    /// A compiler for rules of `source` in `rules`.
    pub fn new(rules: &'r RuleSet, source: Source) -> Compiler<'r> {
        Compiler {
            rules,
            source,
            parsed_macros: HashMap::new(),
            stack: Vec::new(),
        }
    }

    /// Parses and compiles a condition. `what` names it in errors.
    pub fn compile_condition(
        &mut self,
        what: &str,
        text: &str,
        extra: Option<Expr>,
    ) -> Result<Filter, CompileError> {
        let expr = condition::parse(text).map_err(|e| CompileError {
            message: format!("{what}: syntax error in condition: {e}"),
            unknown_field: false,
        })?;
        let main = self.compile_expr(&expr, Ctx { what, text })?;
        match extra {
            None => Ok(main),
            Some(exceptions) => {
                let what = format!("{what}: exceptions");
                let ex = self.compile_expr(
                    &exceptions,
                    Ctx {
                        what: &what,
                        text: "",
                    },
                )?;
                Ok(Filter::And(flatten(
                    vec![main, Filter::Not(Box::new(ex))],
                    true,
                )))
            }
        }
    }

    /// Resolves a field (for output templates and exceptions).
    pub fn field(&self, f: &FieldExpr) -> Result<Extractor, fields::FieldError> {
        fields::resolve(self.source, f)
    }

    fn err(&self, ctx: Ctx<'_>, pos: usize, msg: impl std::fmt::Display) -> CompileError {
        if ctx.text.is_empty() {
            return CompileError {
                message: format!("{}: {msg}", ctx.what),
                unknown_field: false,
            };
        }
        let (line, col) = line_col(ctx.text, pos);
        let at = if ctx.text.contains('\n') {
            format!("condition line {line}, column {col}")
        } else {
            format!("column {col}")
        };
        CompileError {
            message: format!("{}: {msg} (at {at})", ctx.what),
            unknown_field: false,
        }
    }

    fn compile_expr(&mut self, e: &Expr, ctx: Ctx<'_>) -> Result<Filter, CompileError> {
        Ok(match e {
            Expr::And(xs) => Filter::And(flatten(self.compile_all(xs, ctx)?, true)),
            Expr::Or(xs) => Filter::Or(flatten(self.compile_all(xs, ctx)?, false)),
            Expr::Not(x) => Filter::Not(Box::new(self.compile_expr(x, ctx)?)),
            Expr::Macro(name, pos) => self.compile_macro(name, *pos, ctx)?,
            Expr::Check(c) => Filter::Check(Box::new(self.compile_check(c, ctx)?)),
        })
    }

    fn compile_all(&mut self, xs: &[Expr], ctx: Ctx<'_>) -> Result<Vec<Filter>, CompileError> {
        xs.iter().map(|x| self.compile_expr(x, ctx)).collect()
    }

    fn compile_macro(
        &mut self,
        name: &str,
        pos: usize,
        ctx: Ctx<'_>,
    ) -> Result<Filter, CompileError> {
        let Some(def) = self.rules.macro_def(name) else {
            return Err(self.err(ctx, pos, format!("undefined macro `{name}`")));
        };
        if self.stack.iter().any(|m| m == name) {
            return Err(self.err(
                ctx,
                pos,
                format!(
                    "macro `{name}` refers to itself ({} -> {name})",
                    self.stack.join(" -> ")
                ),
            ));
        }
        if self.stack.len() >= MAX_EXPANSION_DEPTH {
            return Err(self.err(ctx, pos, "macros nested too deeply"));
        }
        let text = def.condition.clone();
        let origin = def.origin.to_string();
        let parsed = self
            .parsed_macros
            .entry(name.to_string())
            .or_insert_with(|| {
                condition::parse(&text).map_err(|e| CompileError {
                    message: format!("macro `{name}` ({origin}): syntax error in condition: {e}"),
                    unknown_field: false,
                })
            })
            .clone()?;
        self.stack.push(name.to_string());
        let what = format!("macro `{name}` ({origin})");
        let r = self.compile_expr(
            &parsed,
            Ctx {
                what: &what,
                text: &text,
            },
        );
        self.stack.pop();
        r
    }

    fn compile_check(&mut self, c: &Check, ctx: Ctx<'_>) -> Result<CompiledCheck, CompileError> {
        let lhs = fields::resolve(self.source, &c.field).map_err(|e| {
            let mut err = self.err(ctx, c.field.pos, &e);
            err.unknown_field = matches!(e, fields::FieldError::Unknown(..));
            err
        })?;
        let op = c.op;
        if lhs.list_kind == ListKind::List
            && !lhs.has_transformers()
            && !matches!(op, Op::In | Op::Intersects | Op::Exists)
        {
            return Err(self.err(
                ctx,
                c.field.pos,
                format!(
                    "list field `{}` only supports the operators `exists`, `in` and `intersects`",
                    lhs.display
                ),
            ));
        }
        let rhs = match &c.rhs {
            Rhs::None => Operand::None,
            Rhs::Field(f) => {
                if !matches!(
                    op,
                    Op::Eq
                        | Op::Ne
                        | Op::Lt
                        | Op::Le
                        | Op::Gt
                        | Op::Ge
                        | Op::Contains
                        | Op::IContains
                        | Op::StartsWith
                        | Op::EndsWith
                        | Op::In
                        | Op::Intersects
                        | Op::PMatch
                ) {
                    return Err(self.err(
                        ctx,
                        f.pos,
                        format!(
                            "`{}` does not accept a field on its right-hand side",
                            op.as_str()
                        ),
                    ));
                }
                Operand::Field(
                    fields::resolve(self.source, f).map_err(|e| self.err(ctx, f.pos, e))?,
                )
            }
            Rhs::List(items) => {
                let values = self.expand_items(items, ctx, c.field.pos)?;
                match op {
                    Op::PMatch => Operand::Paths(values),
                    _ => Operand::Set(SetOperand::new(values)),
                }
            }
            Rhs::Value(item) => self.value_operand(op, &item.text, ctx, c.field.pos)?,
        };
        Ok(CompiledCheck { lhs, op, rhs })
    }

    fn value_operand(
        &self,
        op: Op,
        text: &str,
        ctx: Ctx<'_>,
        pos: usize,
    ) -> Result<Operand, CompileError> {
        Ok(match op {
            Op::Glob | Op::IGlob => {
                let glob = globset::GlobBuilder::new(text)
                    .literal_separator(false)
                    .case_insensitive(op == Op::IGlob)
                    .build()
                    .map_err(|e| self.err(ctx, pos, format!("invalid glob `{text}`: {e}")))?;
                Operand::Glob(glob.compile_matcher())
            }
            Op::Regex => {
                let re = regex::RegexBuilder::new(&format!("^(?:{text})$"))
                    .size_limit(MAX_REGEX_BYTES)
                    .dfa_size_limit(4 * MAX_REGEX_BYTES)
                    .build()
                    .map_err(|e| self.err(ctx, pos, format!("invalid regex `{text}`: {e}")))?;
                Operand::Regex(re)
            }
            Op::BContains | Op::BStartsWith => {
                Operand::Bytes(decode_hex(text).ok_or_else(|| {
                    self.err(
                        ctx,
                        pos,
                        format!("`{}` takes hexadecimal bytes, not `{text}`", op.as_str()),
                    )
                })?)
            }
            _ => Operand::Text(TextOperand {
                text: text.into(),
                lower: text.to_ascii_lowercase().into(),
                num: parse_number(text),
                net: Net::parse(text),
            }),
        })
    }

    /// List items, with bare items naming lists replaced by their items.
    fn expand_items(
        &self,
        items: &[ListItem],
        ctx: Ctx<'_>,
        pos: usize,
    ) -> Result<Vec<String>, CompileError> {
        let mut out = Vec::new();
        for item in items {
            if item.bare {
                self.expand_name(&item.text, &mut out, 0)
                    .map_err(|m| self.err(ctx, pos, m))?;
            } else {
                out.push(item.text.clone());
            }
        }
        Ok(out)
    }

    fn expand_name(&self, name: &str, out: &mut Vec<String>, depth: usize) -> Result<(), String> {
        // Falco substitutes list items into the condition text, so an item
        // written with quotes inside (`'"(systemd)"'`) is a quoted string.
        for q in ['"', '\''] {
            if name.len() >= 2
                && name.starts_with(q)
                && name.ends_with(q)
                && let Some(inner) = name.get(1..name.len() - 1)
            {
                out.push(inner.to_string());
                return Ok(());
            }
        }
        match self.rules.list_items(name) {
            Some(items) => {
                if depth >= MAX_EXPANSION_DEPTH {
                    return Err(format!("list `{name}` nests lists too deeply (a cycle?)"));
                }
                for i in items {
                    self.expand_name(i, out, depth + 1)?;
                }
            }
            None => out.push(name.to_string()),
        }
        Ok(())
    }
}

/// Flattens nested `and`s (or `or`s) into one level.
fn flatten(xs: Vec<Filter>, and: bool) -> Box<[Filter]> {
    let mut out = Vec::with_capacity(xs.len());
    for x in xs {
        match x {
            Filter::And(inner) if and => out.extend(inner.into_vec()),
            Filter::Or(inner) if !and => out.extend(inner.into_vec()),
            other => out.push(other),
        }
    }
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_prefixes() {
        assert!(path_prefix("/etc", "/etc"));
        assert!(path_prefix("/etc", "/etc/passwd"));
        assert!(path_prefix("/etc/", "/etc/passwd"));
        assert!(!path_prefix("/etc", "/etcd/x"));
        assert!(path_prefix("/", "/anything"));
    }

    #[test]
    fn hex() {
        assert_eq!(decode_hex("CAFE"), Some(vec![0xca, 0xfe]));
        assert_eq!(decode_hex("CAF"), None);
        assert_eq!(decode_hex("zz"), None);
    }
}

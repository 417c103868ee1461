//! The condition language: syntax tree ([`Expr`]) and parser ([`parse`]).
//!
//! Precedence is Falco's: `not` binds tightest, then `and`, then `or`;
//! parentheses group. A check is `FIELD OP VALUE`, `FIELD exists`, or the
//! name of a macro. Fields may carry an argument (`proc.aname[2]`,
//! `ka.uri.param[command]`, `jevt.value[/stage]`) and transformers
//! (`tolower(proc.name)`); the right-hand side may be a bare word, a quoted
//! string, a parenthesised list (whose bare items may name lists), or
//! another field (`val(proc.pname)` or a transformer).

mod parser;

pub use parser::{ParseError, parse};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=` or `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `contains`.
    Contains,
    /// `icontains` (ASCII case-insensitive).
    IContains,
    /// `bcontains` (hex bytes on the right).
    BContains,
    /// `startswith`.
    StartsWith,
    /// `bstartswith` (hex bytes on the right).
    BStartsWith,
    /// `endswith`.
    EndsWith,
    /// `glob`.
    Glob,
    /// `iglob` (case-insensitive).
    IGlob,
    /// `regex` (RE2 syntax, whole value).
    Regex,
    /// `in` (a list on the right).
    In,
    /// `intersects` (a list on the right).
    Intersects,
    /// `pmatch` (path prefixes on the right).
    PMatch,
    /// `exists` (unary).
    Exists,
}

impl Op {
    /// Every operator with its spelling, longest symbols first.
    pub const ALL: [(&'static str, Op); 20] = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("=", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("contains", Op::Contains),
        ("icontains", Op::IContains),
        ("bcontains", Op::BContains),
        ("startswith", Op::StartsWith),
        ("bstartswith", Op::BStartsWith),
        ("endswith", Op::EndsWith),
        ("glob", Op::Glob),
        ("iglob", Op::IGlob),
        ("regex", Op::Regex),
        ("in", Op::In),
        ("intersects", Op::Intersects),
        ("pmatch", Op::PMatch),
        ("exists", Op::Exists),
    ];

    /// The operator as written in conditions.
    pub fn as_str(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, op)| *op == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }

    /// The operator named `word`, if any.
    pub fn from_word(word: &str) -> Option<Op> {
        Op::ALL.iter().find(|(s, _)| *s == word).map(|(_, op)| *op)
    }

    /// Whether the right-hand side is a list.
    pub fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::Intersects | Op::PMatch)
    }
}

/// A field transformer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transformer {
    /// `tolower(...)`.
    ToLower,
    /// `toupper(...)`.
    ToUpper,
    /// `b64(...)`: base64-decodes the value.
    B64,
    /// `basename(...)`: the part after the last `/`.
    Basename,
    /// `len(...)`: length of a string, or number of items of a list.
    Len,
}

impl Transformer {
    /// The transformer named `word`, if any.
    pub fn from_word(word: &str) -> Option<Transformer> {
        Some(match word {
            "tolower" => Transformer::ToLower,
            "toupper" => Transformer::ToUpper,
            "b64" => Transformer::B64,
            "basename" => Transformer::Basename,
            "len" => Transformer::Len,
            _ => return None,
        })
    }
}

/// A field reference, possibly with an argument and transformers.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldExpr {
    /// Field name, e.g. `proc.aname`.
    pub name: String,
    /// Argument between brackets, e.g. `2` in `proc.aname[2]`.
    pub arg: Option<String>,
    /// Transformers, innermost first.
    pub transformers: Vec<Transformer>,
    /// Byte offset of the field in the condition.
    pub pos: usize,
}

impl FieldExpr {
    /// `name[arg]`, as written (without transformers).
    pub fn display_name(&self) -> String {
        match &self.arg {
            Some(a) => format!("{}[{a}]", self.name),
            None => self.name.clone(),
        }
    }
}

/// One item of a parenthesised list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// The text (unquoted).
    pub text: String,
    /// Whether it was written bare (only bare items may name lists).
    pub bare: bool,
}

/// The right-hand side of a check.
#[derive(Debug, Clone, PartialEq)]
pub enum Rhs {
    /// No value (`exists`).
    None,
    /// One value.
    Value(ListItem),
    /// A parenthesised list.
    List(Vec<ListItem>),
    /// Another field (`val(...)` or a transformer).
    Field(FieldExpr),
}

/// A comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Left-hand side.
    pub field: FieldExpr,
    /// Operator.
    pub op: Op,
    /// Right-hand side.
    pub rhs: Rhs,
}

/// A condition's syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// All of.
    And(Vec<Expr>),
    /// Any of.
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// A macro reference, with its byte offset.
    Macro(String, usize),
    /// A comparison.
    Check(Box<Check>),
}

/// Line and column (both from 1) of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = text.get(..pos.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count() + 1)
        .unwrap_or(1);
    (line, col)
}

//! A Rego expression parser over [`Token`]s, for the negation rewrite: it
//! only needs the shape OPA's compiler rewrites by (calls, references,
//! composites, comprehensions, infix operators) and each node's byte span.
//! Anything it does not understand makes it give up, and the source is
//! left as written.

use super::tokens::{Kind, Token};
use std::collections::HashSet;

/// A parsed term or expression, with the byte span it covers.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub start: usize,
    pub end: usize,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub(super) enum Shape {
    /// A number, string, `true`, `false` or `null`.
    Scalar,
    /// A local variable (or `_`).
    Var,
    /// A reference: `subject` followed by `.name` or `[index]` parts (the
    /// index nodes; `.name` parts are constants and not kept). A bare name
    /// that denotes a document (`input`, `data`, a rule, an import) is a
    /// reference with no parts.
    Ref {
        subject: Box<Node>,
        index: Vec<Node>,
    },
    /// A function call `f(args)`, or an infix operator other than
    /// unification (`a + b` is `plus(a, b)`).
    Call {
        args: Vec<Node>,
        /// `a == b`: unification when it is a whole expression.
        double_eq: bool,
    },
    /// `a = b` or `a == b`: OPA's unification (`==` between a rule's
    /// operands is rewritten to `=`).
    Equality { lhs: Box<Node>, rhs: Box<Node> },
    /// `( expr )`.
    Paren(Box<Node>),
    /// `[…]`, `{…}` sets and objects: their elements (keys and values).
    Composite(Vec<Node>),
    /// `[x | …]`, `{x | …}`, `{k: v | …}`.
    Comprehension,
}

/// Names that denote documents rather than local variables.
pub(super) struct Globals {
    pub names: HashSet<String>,
}

pub(super) struct Parser<'a> {
    src: &'a str,
    toks: &'a [Token],
    pub pos: usize,
    globals: &'a Globals,
    /// Recursion depth, bounded so hostile input cannot overflow the stack.
    depth: u32,
}

const MAX_DEPTH: u32 = 200;

/// Infix operators by binding strength, weakest first (OPA's parser:
/// `in`, relations, `|`, `&`, `+ -`, `* / %`).
const LEVELS: &[&[&str]] = &[
    &["in"],
    &["==", "!=", "<", "<=", ">", ">="],
    &["|"],
    &["&"],
    &["+", "-"],
    &["*", "/", "%"],
];

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: &'a [Token], pos: usize, globals: &'a Globals) -> Self {
        Self {
            src,
            toks,
            pos,
            globals,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn text(&self, t: &Token) -> &'a str {
        t.text(self.src)
    }

    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.end)
    }

    /// A whole expression: `a = b` or one infix chain.
    pub fn expression(&mut self) -> Option<Node> {
        let lhs = self.level(0)?;
        if let Some(t) = self.peek()
            && !t.after_newline
            && t.is(b'=')
        {
            self.pos += 1;
            let rhs = self.level(0)?;
            return Some(Node {
                start: lhs.start,
                end: rhs.end,
                shape: Shape::Equality {
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            });
        }
        // `a == b` at the top of an expression is unification too.
        if let Shape::Call {
            double_eq: true,
            args,
        } = lhs.shape
        {
            let [a, b] = <[Node; 2]>::try_from(args).ok()?;
            return Some(Node {
                start: lhs.start,
                end: lhs.end,
                shape: Shape::Equality {
                    lhs: Box::new(a),
                    rhs: Box::new(b),
                },
            });
        }
        Some(lhs)
    }

    fn level(&mut self, l: usize) -> Option<Node> {
        let Some(ops) = LEVELS.get(l) else {
            return self.unary();
        };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut lhs = self.level(l + 1)?;
        while let Some(t) = self.peek() {
            let op = self.text(t);
            if t.after_newline || !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            let rhs = self.level(l + 1)?;
            lhs = Node {
                start: lhs.start,
                end: rhs.end,
                shape: Shape::Call {
                    args: vec![lhs, rhs],
                    double_eq: op == "==",
                },
            };
        }
        self.depth -= 1;
        Some(lhs)
    }

    fn unary(&mut self) -> Option<Node> {
        let t = self.peek()?;
        if t.is(b'-')
            && let Some(n) = self.toks.get(self.pos + 1)
            && n.kind == Kind::Number
            && n.start == t.end
        {
            self.pos += 2;
            return Some(Node {
                start: t.start,
                end: n.end,
                shape: Shape::Scalar,
            });
        }
        self.postfix()
    }

    /// A term and the `.name`, `[index]` and `(args)` that follow it.
    fn postfix(&mut self) -> Option<Node> {
        let mut node = self.primary()?;
        let mut index = Vec::new();
        while let Some(t) = self.peek() {
            // OPA continues a reference only with no space before `.`,
            // `[` or `(`.
            if t.start != node_end(&node, &index, self) {
                break;
            }
            if t.is(b'.') {
                let name = self.toks.get(self.pos + 1)?;
                if name.kind != Kind::Ident || name.start != t.end {
                    return None;
                }
                self.pos += 2;
                index.push(Node {
                    start: name.start,
                    end: name.end,
                    shape: Shape::Scalar,
                });
                continue;
            }
            if t.is(b'[') {
                self.pos += 1;
                let i = self.nested(|p| p.expression())?;
                self.expect(b']')?;
                index.push(i);
                continue;
            }
            if t.is(b'(') {
                // A call: the callee is a name or dotted path.
                if !matches!(node.shape, Shape::Var | Shape::Ref { .. })
                    || index.iter().any(|i| !is_dot_part(i, self))
                {
                    return None;
                }
                self.pos += 1;
                let mut args = Vec::new();
                if !self.peek()?.is(b')') {
                    loop {
                        args.push(self.nested(|p| p.expression())?);
                        if self.peek()?.is(b',') {
                            self.pos += 1;
                            if self.peek()?.is(b')') {
                                break;
                            }
                            continue;
                        }
                        break;
                    }
                }
                self.expect(b')')?;
                node = Node {
                    start: node.start,
                    end: self.prev_end(),
                    shape: Shape::Call {
                        args,
                        double_eq: false,
                    },
                };
                index.clear();
                continue;
            }
            break;
        }
        if index.is_empty() {
            return Some(node);
        }
        let start = node.start;
        let end = self.prev_end();
        // `x.y` where x is a plain local var is still a reference.
        let subject = match node.shape {
            Shape::Ref {
                subject,
                index: mut inner,
            } if inner.is_empty() => {
                inner.append(&mut index);
                return Some(Node {
                    start,
                    end,
                    shape: Shape::Ref {
                        subject,
                        index: inner,
                    },
                });
            }
            _ => Box::new(node),
        };
        Some(Node {
            start,
            end,
            shape: Shape::Ref { subject, index },
        })
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Option<Node>) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let n = f(self);
        self.depth -= 1;
        n
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        if self.peek()?.is(c) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn primary(&mut self) -> Option<Node> {
        let t = *self.peek()?;
        match t.kind {
            Kind::Number | Kind::Str => {
                self.pos += 1;
                Some(Node {
                    start: t.start,
                    end: t.end,
                    shape: Shape::Scalar,
                })
            }
            Kind::Ident => {
                let name = self.text(&t);
                if matches!(
                    name,
                    "not" | "some" | "every" | "with" | "as" | "if" | "else" | "contains" | "in"
                ) {
                    return None;
                }
                self.pos += 1;
                let leaf = Node {
                    start: t.start,
                    end: t.end,
                    shape: Shape::Var,
                };
                let shape = match name {
                    "true" | "false" | "null" => Shape::Scalar,
                    n if self.globals.names.contains(n) => Shape::Ref {
                        subject: Box::new(leaf),
                        index: Vec::new(),
                    },
                    _ => Shape::Var,
                };
                Some(Node {
                    start: t.start,
                    end: t.end,
                    shape,
                })
            }
            Kind::Punct(b'(') => {
                self.pos += 1;
                let inner = self.nested(|p| p.expression())?;
                self.expect(b')')?;
                Some(Node {
                    start: t.start,
                    end: self.prev_end(),
                    shape: Shape::Paren(Box::new(inner)),
                })
            }
            Kind::Punct(open @ (b'[' | b'{')) => self.collection(open),
            _ => None,
        }
    }

    /// `[…]` or `{…}`: an array, set, object or comprehension.
    fn collection(&mut self, open: u8) -> Option<Node> {
        let first = *self.peek()?;
        let close = if open == b'[' { b']' } else { b'}' };
        // A `|` directly inside the brackets makes a comprehension.
        let inner_depth = first.depth + 1;
        let mut j = self.pos + 1;
        let mut is_compr = false;
        let mut is_object = false;
        loop {
            let t = self.toks.get(j)?;
            if t.depth < inner_depth {
                if !t.is(close) {
                    return None;
                }
                break;
            }
            if t.depth == inner_depth {
                is_compr |= t.is(b'|');
                is_object |= t.is(b':');
            }
            j += 1;
        }
        if is_compr {
            let end = self.toks.get(j)?.end;
            self.pos = j + 1;
            return Some(Node {
                start: first.start,
                end,
                shape: Shape::Comprehension,
            });
        }
        self.pos += 1;
        let mut items = Vec::new();
        while !self.peek()?.is(close) {
            items.push(self.nested(|p| p.expression())?);
            if is_object && open == b'{' {
                self.expect(b':')?;
                items.push(self.nested(|p| p.expression())?);
            }
            if self.peek()?.is(b',') {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.expect(close)?;
        Some(Node {
            start: first.start,
            end: self.prev_end(),
            shape: Shape::Composite(items),
        })
    }
}

/// Where the term built so far ends (for the no-space rule).
fn node_end(node: &Node, index: &[Node], p: &Parser<'_>) -> usize {
    if index.is_empty() {
        node.end
    } else {
        p.prev_end()
    }
}

/// Whether a ref part came from `.name` (a constant path step).
fn is_dot_part(n: &Node, p: &Parser<'_>) -> bool {
    matches!(n.shape, Shape::Scalar)
        && p.src
            .get(..n.start)
            .is_some_and(|before| before.ends_with('.'))
}

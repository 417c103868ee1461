//! Falco rule files: loading `rule`, `macro` and `list` items (and
//! `required_engine_version` / `required_plugin_versions`), in order, with
//! Falco's redefinition, legacy `append: true` and `override`
//! (append/replace per key) semantics.
//!
//! Loading keeps definitions as text; conditions are parsed and compiled
//! afterwards ([`crate::Engine::new`]), when every macro and list of every
//! file is known, as Falco does. Errors name the file and the item's line.

use crate::condition::{self, Expr, ListItem, Op, Rhs};
use crate::priority::Priority;
use palisade_yaml::{Limits, Map, Node, Value};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Where an item was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// File name as given.
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An error in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct RuleError {
    /// `file:line` (or the file alone).
    pub location: String,
    /// What is wrong, naming the item.
    pub message: String,
}

impl RuleError {
    fn at(origin: &Origin, message: impl Into<String>) -> RuleError {
        RuleError {
            location: origin.to_string(),
            message: message.into(),
        }
    }
}

/// A `list` item.
#[derive(Debug, Clone)]
pub struct ListDef {
    /// Items (may name other lists).
    pub items: Vec<String>,
    /// Where it was (first) defined.
    pub origin: Origin,
}

/// A `macro` item.
#[derive(Debug, Clone)]
pub struct MacroDef {
    /// The condition text (with appends).
    pub condition: String,
    /// Where it was (first) defined.
    pub origin: Origin,
}

/// A scalar or a sequence, as exception `fields`, `comps` and `values` are written.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany {
    /// A scalar.
    One(String),
    /// A sequence (items may themselves be sequences).
    Many(Vec<OneOrMany>),
}

/// One exception of a rule.
#[derive(Debug, Clone)]
pub struct ExceptionDef {
    /// Its name (appends with the same name add values).
    pub name: String,
    /// The field, or the fields of each value tuple.
    pub fields: Option<OneOrMany>,
    /// The operator(s); default `=` per field (`in` for a single field).
    pub comps: Option<OneOrMany>,
    /// Values: tuples (one item per field), or plain values for a single field.
    pub values: Vec<OneOrMany>,
    /// Where it was defined.
    pub origin: Origin,
}

/// A `rule` item.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Name (the rule's identity).
    pub name: String,
    /// Description.
    pub desc: String,
    /// Condition text (with appends).
    pub condition: String,
    /// Output template.
    pub output: String,
    /// Priority.
    pub priority: Priority,
    /// Whether the rule runs.
    pub enabled: bool,
    /// Tags.
    pub tags: Vec<String>,
    /// Event source (`syscall` by default).
    pub source: String,
    /// Exceptions.
    pub exceptions: Vec<ExceptionDef>,
    /// Skip the rule (instead of failing) when it uses an unknown field.
    pub skip_if_unknown_filter: bool,
    /// Where it was defined.
    pub origin: Origin,
}

/// Every item loaded from one or more rule files, in load order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    lists: HashMap<String, ListDef>,
    macros: HashMap<String, MacroDef>,
    rules: Vec<RuleDef>,
    rule_index: HashMap<String, usize>,
    /// The highest `required_engine_version` seen.
    pub required_engine_version: Option<String>,
    /// Things worth knowing that do not stop loading.
    pub warnings: Vec<String>,
}

/// Rule files larger than this are refused.
const MAX_RULE_FILE_BYTES: usize = 16 * 1024 * 1024;

/// An item's name, its `override` keys and whether it has `append: true`.
type ItemMode = (String, Vec<(String, Mode)>, bool);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Define,
    Append,
    Replace,
}

fn scalar(n: &Node) -> Option<String> {
    Some(match &n.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    })
}

fn one_or_many(n: &Node) -> Option<OneOrMany> {
    match &n.value {
        Value::Seq(items) => Some(OneOrMany::Many(
            items.iter().map(one_or_many).collect::<Option<Vec<_>>>()?,
        )),
        _ => scalar(n).map(OneOrMany::One),
    }
}

impl RuleSet {
    /// An empty rule set.
    pub fn new() -> RuleSet {
        RuleSet::default()
    }

    /// Rules, in load order.
    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    /// A macro by name.
    pub fn macro_def(&self, name: &str) -> Option<&MacroDef> {
        self.macros.get(name)
    }

    /// A list's items by name.
    pub fn list_items(&self, name: &str) -> Option<&[String]> {
        self.lists.get(name).map(|l| l.items.as_slice())
    }

    /// Number of lists and macros (for summaries).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.lists.len(), self.macros.len(), self.rules.len())
    }

    /// Loads a rule file, or every `*.yaml`/`*.yml` file of a directory in
    /// name order.
    pub fn load_path(&mut self, path: &Path) -> Result<(), Vec<RuleError>> {
        let file_err = |e: std::io::Error| {
            vec![RuleError {
                location: path.display().to_string(),
                message: format!("cannot read: {e}"),
            }]
        };
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(file_err)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            let mut errors = Vec::new();
            for f in files {
                if let Err(e) = self.load_path(&f) {
                    errors.extend(e);
                }
            }
            return if errors.is_empty() {
                Ok(())
            } else {
                Err(errors)
            };
        }
        let meta = std::fs::metadata(path).map_err(file_err)?;
        if meta.len() > MAX_RULE_FILE_BYTES as u64 {
            return Err(vec![RuleError {
                location: path.display().to_string(),
                message: format!("rule file is over {MAX_RULE_FILE_BYTES} bytes"),
            }]);
        }
        let text = std::fs::read_to_string(path).map_err(file_err)?;
        self.load_str(&path.display().to_string(), &text)
    }

    /// Loads rule file text named `name`. Every item that can be loaded is;
    /// the errors of the others are returned.
    pub fn load_str(&mut self, name: &str, text: &str) -> Result<(), Vec<RuleError>> {
        let file: Arc<str> = name.into();
        let limits = Limits {
            max_bytes: MAX_RULE_FILE_BYTES,
            ..Limits::default()
        };
        let stream = palisade_yaml::parse_stream(text, &limits);
        let mut errors: Vec<RuleError> = stream
            .errors
            .iter()
            .map(|e| RuleError {
                location: format!("{name}:{}", e.pos.line),
                message: format!("column {}: {}", e.pos.col, e.kind),
            })
            .collect();
        for doc in &stream.documents {
            match &doc.root.value {
                Value::Null => {}
                Value::Seq(items) => {
                    for item in items {
                        if let Err(e) = self.load_item(&file, item) {
                            errors.push(e);
                        }
                    }
                }
                _ => errors.push(RuleError::at(
                    &Origin {
                        file: file.clone(),
                        line: doc.root.pos.line,
                    },
                    "a rule file is a YAML sequence of rule, macro and list items",
                )),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn load_item(&mut self, file: &Arc<str>, item: &Node) -> Result<(), RuleError> {
        let origin = Origin {
            file: file.clone(),
            line: item.pos.line,
        };
        let Some(map) = item.as_map() else {
            return Err(RuleError::at(
                &origin,
                "each item must be a mapping (rule, macro or list)",
            ));
        };
        if map.get("rule").is_some() {
            self.load_rule(map, origin)
        } else if map.get("macro").is_some() {
            self.load_macro(map, origin)
        } else if map.get("list").is_some() {
            self.load_list(map, origin)
        } else if let Some(v) = map.get("required_engine_version") {
            let v = scalar(v).unwrap_or_default();
            self.required_engine_version = Some(v);
            Ok(())
        } else if map.get("required_plugin_versions").is_some() {
            // The k8saudit and json plugin fields are built in.
            Ok(())
        } else {
            let keys: Vec<&str> = map.iter().map(|(k, _)| k.text.as_str()).collect();
            Err(RuleError::at(
                &origin,
                format!(
                    "unknown item with keys [{}]: expected `rule`, `macro`, `list`, \
                     `required_engine_version` or `required_plugin_versions`",
                    keys.join(", ")
                ),
            ))
        }
    }

    /// The name of an item and how it modifies an earlier definition.
    fn item_mode(
        map: &Map,
        kind: &str,
        allowed_append: &[&str],
        allowed_replace: &[&str],
        origin: &Origin,
    ) -> Result<ItemMode, RuleError> {
        let name = map
            .get(kind)
            .and_then(scalar)
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| RuleError::at(origin, format!("`{kind}` must name the {kind}")))?;
        let what = format!("{kind} `{name}`");
        let legacy_append = match map.get("append") {
            None => false,
            Some(n) => n.as_bool().ok_or_else(|| {
                RuleError::at(origin, format!("{what}: `append` must be true or false"))
            })?,
        };
        let mut overrides = Vec::new();
        if let Some(o) = map.get("override") {
            if legacy_append {
                return Err(RuleError::at(
                    origin,
                    format!("{what}: `append` and `override` cannot be used together"),
                ));
            }
            let Some(om) = o.as_map() else {
                return Err(RuleError::at(
                    origin,
                    format!("{what}: `override` must be a mapping"),
                ));
            };
            for (k, v) in om.iter() {
                let mode = match v.as_str() {
                    Some("append") => Mode::Append,
                    Some("replace") => Mode::Replace,
                    _ => {
                        return Err(RuleError::at(
                            origin,
                            format!(
                                "{what}: override of `{}` must be `append` or `replace`",
                                k.text
                            ),
                        ));
                    }
                };
                let allowed = if mode == Mode::Append {
                    allowed_append
                } else {
                    allowed_replace
                };
                if !allowed.contains(&k.text.as_str()) {
                    return Err(RuleError::at(
                        origin,
                        format!(
                            "{what}: key `{}` cannot be overridden with `{}` (allowed: {})",
                            k.text,
                            v.as_str().unwrap_or(""),
                            allowed.join(", ")
                        ),
                    ));
                }
                if map.get(&k.text).is_none() {
                    return Err(RuleError::at(
                        origin,
                        format!(
                            "{what}: `override` names `{}` but the item has no such key",
                            k.text
                        ),
                    ));
                }
                overrides.push((k.text.clone(), mode));
            }
        }
        Ok((name, overrides, legacy_append))
    }

    fn load_list(&mut self, map: &Map, origin: Origin) -> Result<(), RuleError> {
        let (name, overrides, append) =
            Self::item_mode(map, "list", &["items"], &["items"], &origin)?;
        let items = match map.get("items") {
            None => None,
            Some(n) => Some(match &n.value {
                Value::Null => Vec::new(),
                Value::Seq(items) => items
                    .iter()
                    .map(|i| {
                        scalar(i).ok_or_else(|| {
                            RuleError::at(&origin, format!("list `{name}`: items must be scalars"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => {
                    return Err(RuleError::at(
                        &origin,
                        format!("list `{name}`: `items` must be a sequence"),
                    ));
                }
            }),
        };
        let mode = if append {
            Mode::Append
        } else {
            overrides.first().map(|(_, m)| *m).unwrap_or(Mode::Define)
        };
        match mode {
            Mode::Define => {
                let items = items.ok_or_else(|| {
                    RuleError::at(&origin, format!("list `{name}` has no `items`"))
                })?;
                self.lists.insert(name, ListDef { items, origin });
            }
            Mode::Append | Mode::Replace => {
                let Some(prev) = self.lists.get_mut(&name) else {
                    return Err(RuleError::at(
                        &origin,
                        format!(
                            "list `{name}` is appended to or overridden, but no list of that name is defined before it"
                        ),
                    ));
                };
                let items = items.unwrap_or_default();
                if mode == Mode::Append {
                    prev.items.extend(items);
                } else {
                    prev.items = items;
                }
            }
        }
        Ok(())
    }

    fn load_macro(&mut self, map: &Map, origin: Origin) -> Result<(), RuleError> {
        let (name, overrides, append) =
            Self::item_mode(map, "macro", &["condition"], &["condition"], &origin)?;
        let cond = map.get("condition").map(|n| scalar(n).unwrap_or_default());
        let mode = if append {
            Mode::Append
        } else {
            overrides.first().map(|(_, m)| *m).unwrap_or(Mode::Define)
        };
        match mode {
            Mode::Define => {
                let condition = cond.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
                    RuleError::at(&origin, format!("macro `{name}` has no `condition`"))
                })?;
                self.macros.insert(name, MacroDef { condition, origin });
            }
            Mode::Append | Mode::Replace => {
                let Some(prev) = self.macros.get_mut(&name) else {
                    return Err(RuleError::at(
                        &origin,
                        format!(
                            "macro `{name}` is appended to or overridden, but no macro of that name is defined before it"
                        ),
                    ));
                };
                let cond = cond.unwrap_or_default();
                if mode == Mode::Append {
                    prev.condition.push(' ');
                    prev.condition.push_str(&cond);
                } else {
                    prev.condition = cond;
                }
            }
        }
        Ok(())
    }

    fn load_rule(&mut self, map: &Map, origin: Origin) -> Result<(), RuleError> {
        const APPEND: &[&str] = &["condition", "output", "desc", "tags", "exceptions"];
        const REPLACE: &[&str] = &[
            "condition",
            "output",
            "desc",
            "priority",
            "tags",
            "exceptions",
            "enabled",
            "warn_evttypes",
            "skip-if-unknown-filter",
        ];
        let (name, overrides, append) = Self::item_mode(map, "rule", APPEND, REPLACE, &origin)?;
        let what = format!("rule `{name}`");
        let text = |key: &str| -> Result<Option<String>, RuleError> {
            match map.get(key) {
                None => Ok(None),
                Some(n) if n.is_null() => Ok(Some(String::new())),
                Some(n) => scalar(n).map(Some).ok_or_else(|| {
                    RuleError::at(&origin, format!("{what}: `{key}` must be a string"))
                }),
            }
        };
        let bool_key = |key: &str| -> Result<Option<bool>, RuleError> {
            match map.get(key) {
                None => Ok(None),
                Some(n) => n.as_bool().map(Some).ok_or_else(|| {
                    RuleError::at(&origin, format!("{what}: `{key}` must be true or false"))
                }),
            }
        };
        let condition = text("condition")?;
        let output = text("output")?;
        let desc = text("desc")?;
        let priority = text("priority")?
            .map(|p| {
                p.parse::<Priority>()
                    .map_err(|e| RuleError::at(&origin, format!("{what}: {e}")))
            })
            .transpose()?;
        let enabled = bool_key("enabled")?;
        let skip_unknown = bool_key("skip-if-unknown-filter")?;
        let tags = match map.get("tags") {
            None => None,
            Some(n) => Some(match &n.value {
                Value::Null => Vec::new(),
                Value::Seq(items) => items.iter().filter_map(scalar).collect(),
                _ => {
                    return Err(RuleError::at(
                        &origin,
                        format!("{what}: `tags` must be a sequence"),
                    ));
                }
            }),
        };
        let exceptions = match map.get("exceptions") {
            None => None,
            Some(n) => Some(parse_exceptions(n, &what, &origin)?),
        };
        let source = text("source")?;

        if !overrides.is_empty() || append {
            let Some(&idx) = self.rule_index.get(&name) else {
                return Err(RuleError::at(
                    &origin,
                    format!(
                        "{what} is appended to or overridden, but no rule of that name is defined before it"
                    ),
                ));
            };
            let Some(prev) = self.rules.get_mut(idx) else {
                return Ok(());
            };
            let modes: Vec<(String, Mode)> = if append {
                ["condition", "exceptions"]
                    .iter()
                    .filter(|k| map.get(k).is_some())
                    .map(|k| (k.to_string(), Mode::Append))
                    .collect()
            } else {
                overrides
            };
            for (key, mode) in modes {
                let app = mode == Mode::Append;
                match key.as_str() {
                    "condition" => join(
                        &mut prev.condition,
                        condition.clone().unwrap_or_default(),
                        app,
                    ),
                    "output" => join(&mut prev.output, output.clone().unwrap_or_default(), app),
                    "desc" => join(&mut prev.desc, desc.clone().unwrap_or_default(), app),
                    "priority" => {
                        if let Some(p) = priority {
                            prev.priority = p;
                        }
                    }
                    "enabled" => prev.enabled = enabled.unwrap_or(true),
                    "skip-if-unknown-filter" => {
                        prev.skip_if_unknown_filter = skip_unknown.unwrap_or(false)
                    }
                    "tags" => {
                        let new = tags.clone().unwrap_or_default();
                        if app {
                            for t in new {
                                if !prev.tags.contains(&t) {
                                    prev.tags.push(t);
                                }
                            }
                        } else {
                            prev.tags = new;
                        }
                    }
                    "exceptions" => {
                        let new = exceptions.clone().unwrap_or_default();
                        if app {
                            merge_exceptions(&mut prev.exceptions, new, &what, &origin)?;
                        } else {
                            prev.exceptions = new;
                        }
                    }
                    _ => {}
                }
            }
            return Ok(());
        }

        if condition.is_none() {
            // `- rule: X` with only `enabled:` switches an existing rule.
            if let Some(en) = enabled
                && let Some(&idx) = self.rule_index.get(&name)
                && let Some(prev) = self.rules.get_mut(idx)
            {
                prev.enabled = en;
                return Ok(());
            }
            return Err(RuleError::at(&origin, format!("{what} has no `condition`")));
        }
        let output =
            output.ok_or_else(|| RuleError::at(&origin, format!("{what} has no `output`")))?;
        let priority =
            priority.ok_or_else(|| RuleError::at(&origin, format!("{what} has no `priority`")))?;
        let rule = RuleDef {
            name: name.clone(),
            desc: desc.unwrap_or_default(),
            condition: condition.unwrap_or_default(),
            output,
            priority,
            enabled: enabled.unwrap_or(true),
            tags: tags.unwrap_or_default(),
            source: source
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "syscall".to_string()),
            exceptions: exceptions.unwrap_or_default(),
            skip_if_unknown_filter: skip_unknown.unwrap_or(false),
            origin,
        };
        match self.rule_index.get(&name) {
            Some(&idx) => {
                if let Some(slot) = self.rules.get_mut(idx) {
                    *slot = rule;
                }
            }
            None => {
                self.rule_index.insert(name, self.rules.len());
                self.rules.push(rule);
            }
        }
        Ok(())
    }
}

fn join(prev: &mut String, new: String, append: bool) {
    if append {
        prev.push(' ');
        prev.push_str(&new);
    } else {
        *prev = new;
    }
}

fn parse_exceptions(n: &Node, what: &str, origin: &Origin) -> Result<Vec<ExceptionDef>, RuleError> {
    let Some(items) = n.as_seq() else {
        if n.is_null() {
            return Ok(Vec::new());
        }
        return Err(RuleError::at(
            origin,
            format!("{what}: `exceptions` must be a sequence"),
        ));
    };
    let mut out = Vec::new();
    for item in items {
        let at = Origin {
            file: origin.file.clone(),
            line: item.pos.line,
        };
        let Some(m) = item.as_map() else {
            return Err(RuleError::at(
                &at,
                format!("{what}: each exception must be a mapping"),
            ));
        };
        let name = m
            .get("name")
            .and_then(scalar)
            .ok_or_else(|| RuleError::at(&at, format!("{what}: an exception has no `name`")))?;
        let values = match m.get("values") {
            None => Vec::new(),
            Some(v) if v.is_null() => Vec::new(),
            Some(v) => match one_or_many(v) {
                Some(OneOrMany::Many(vals)) => vals,
                _ => {
                    return Err(RuleError::at(
                        &at,
                        format!("{what}: exception `{name}`: `values` must be a sequence"),
                    ));
                }
            },
        };
        out.push(ExceptionDef {
            name,
            fields: m.get("fields").and_then(one_or_many),
            comps: m.get("comps").and_then(one_or_many),
            values,
            origin: at,
        });
    }
    Ok(out)
}

fn merge_exceptions(
    prev: &mut Vec<ExceptionDef>,
    new: Vec<ExceptionDef>,
    what: &str,
    origin: &Origin,
) -> Result<(), RuleError> {
    for e in new {
        match prev.iter_mut().find(|p| p.name == e.name) {
            Some(p) => p.values.extend(e.values),
            None => {
                if e.fields.is_none() {
                    return Err(RuleError::at(
                        origin,
                        format!(
                            "{what}: appended exception `{}` is new, so it needs `fields`",
                            e.name
                        ),
                    ));
                }
                prev.push(e);
            }
        }
    }
    Ok(())
}

/// Parses a field name as written in an exception's `fields`.
fn exception_field(text: &str) -> Result<condition::FieldExpr, String> {
    match condition::parse(&format!("{text} exists")) {
        Ok(Expr::Check(c)) => Ok(c.field),
        _ => Err(format!("`{text}` is not a field")),
    }
}

/// The condition an exception list adds: `not (tuple1 or tuple2 ...)` is
/// appended by the caller. `None` when no exception has values.
pub fn exceptions_expr(rule: &RuleDef) -> Result<Option<Expr>, RuleError> {
    let what = format!("rule `{}`", rule.name);
    let mut alternatives = Vec::new();
    for ex in &rule.exceptions {
        let err =
            |m: String| RuleError::at(&ex.origin, format!("{what}: exception `{}`: {m}", ex.name));
        if ex.values.is_empty() {
            continue;
        }
        match &ex.fields {
            None => return Err(err("has values but no `fields`".to_string())),
            Some(OneOrMany::One(field)) => {
                let comp = match &ex.comps {
                    None => Op::In,
                    Some(OneOrMany::One(c)) => {
                        Op::from_word(c).ok_or_else(|| err(format!("unknown operator `{c}`")))?
                    }
                    Some(OneOrMany::Many(_)) => {
                        return Err(err(
                            "a single field takes a single `comps` operator".to_string()
                        ));
                    }
                };
                let field = exception_field(field).map_err(err)?;
                let items: Vec<ListItem> = ex
                    .values
                    .iter()
                    .flat_map(flatten_values)
                    .map(|text| ListItem { text, bare: true })
                    .collect();
                if comp.takes_list() {
                    alternatives.push(check(field, comp, Rhs::List(items)));
                } else {
                    for item in items {
                        alternatives.push(check(field.clone(), comp, Rhs::Value(item)));
                    }
                }
            }
            Some(OneOrMany::Many(fields)) => {
                let fields: Vec<condition::FieldExpr> = fields
                    .iter()
                    .map(|f| match f {
                        OneOrMany::One(t) => exception_field(t),
                        OneOrMany::Many(_) => Err("`fields` items must be field names".to_string()),
                    })
                    .collect::<Result<_, _>>()
                    .map_err(err)?;
                let comps: Vec<Op> = match &ex.comps {
                    None => vec![Op::Eq; fields.len()],
                    Some(OneOrMany::Many(cs)) => {
                        cs.iter()
                            .map(|c| match c {
                                OneOrMany::One(c) => Op::from_word(c)
                                    .ok_or_else(|| format!("unknown operator `{c}`")),
                                OneOrMany::Many(_) => {
                                    Err("`comps` items must be operators".to_string())
                                }
                            })
                            .collect::<Result<_, _>>()
                            .map_err(err)?
                    }
                    Some(OneOrMany::One(_)) => {
                        return Err(err(
                            "`comps` must be a sequence when `fields` is".to_string()
                        ));
                    }
                };
                if comps.len() != fields.len() {
                    return Err(err(format!(
                        "{} fields but {} comps",
                        fields.len(),
                        comps.len()
                    )));
                }
                for (i, tuple) in ex.values.iter().enumerate() {
                    let OneOrMany::Many(vals) = tuple else {
                        return Err(err(format!(
                            "value {} must be a sequence of {} items",
                            i + 1,
                            fields.len()
                        )));
                    };
                    if vals.len() != fields.len() {
                        return Err(err(format!(
                            "value {} has {} items, expected {} (one per field)",
                            i + 1,
                            vals.len(),
                            fields.len()
                        )));
                    }
                    let mut parts = Vec::new();
                    for ((field, comp), val) in fields.iter().zip(&comps).zip(vals) {
                        let rhs = if comp.takes_list() {
                            match val {
                                OneOrMany::One(t) => Rhs::List(vec![ListItem {
                                    text: t.clone(),
                                    bare: true,
                                }]),
                                OneOrMany::Many(_) => Rhs::List(
                                    flatten_values(val)
                                        .into_iter()
                                        .map(|text| ListItem { text, bare: false })
                                        .collect(),
                                ),
                            }
                        } else {
                            match val {
                                OneOrMany::One(t) => Rhs::Value(ListItem {
                                    text: t.clone(),
                                    bare: false,
                                }),
                                OneOrMany::Many(_) => {
                                    return Err(err(format!(
                                        "value {}: a list is only valid with `in`, `intersects` or `pmatch`",
                                        i + 1
                                    )));
                                }
                            }
                        };
                        parts.push(check(field.clone(), *comp, rhs));
                    }
                    alternatives.push(Expr::And(parts));
                }
            }
        }
    }
    Ok(if alternatives.is_empty() {
        None
    } else {
        Some(Expr::Or(alternatives))
    })
}

fn flatten_values(v: &OneOrMany) -> Vec<String> {
    match v {
        OneOrMany::One(s) => vec![s.clone()],
        OneOrMany::Many(items) => items.iter().flat_map(flatten_values).collect(),
    }
}

fn check(field: condition::FieldExpr, op: Op, rhs: Rhs) -> Expr {
    Expr::Check(Box::new(condition::Check { field, op, rhs }))
}

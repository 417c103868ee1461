//! The matcher: compiled rules indexed by source and by the value of each
//! source's index field (`evt.type` for process events, `ka.verb` for
//! audit events), so an event is tested only against rules that can match
//! it, in load order; by default the first matching rule alerts, as Falco
//! does, or every matching rule with [`MatchMode::All`].

use crate::Source;
use crate::compile::{Compiler, Filter, FnvBuild};
use crate::event::Event;
use crate::fields::syscall::NO_SLOT;
use crate::fields::{Extracted, Extractor};
use crate::json::Json;
use crate::output::{Alert, Origin, OutputTemplate, event_resource};
use crate::priority::Priority;
use crate::ruleset::{self, RuleError, RuleSet};
use crate::time::rfc3339;
use palisade_core::DynamicRule;
use std::collections::HashMap;

/// Which rules alert for an event that several rules match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// The first matching rule in load order (Falco's default).
    #[default]
    First,
    /// Every matching rule.
    All,
}

/// What to load and how to match.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// First or all matching rules.
    pub match_mode: MatchMode,
    /// Rules below this priority are not loaded.
    pub min_priority: Priority,
    /// Rule names not to load.
    pub disabled_rules: Vec<String>,
    /// Rules with any of these tags are not loaded.
    pub disabled_tags: Vec<String>,
    /// `hostname` put in alerts.
    pub hostname: Option<String>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            match_mode: MatchMode::First,
            min_priority: Priority::Debug,
            disabled_rules: Vec::new(),
            disabled_tags: Vec::new(),
            hostname: None,
        }
    }
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// Name.
    pub name: String,
    /// Description.
    pub desc: String,
    /// Priority.
    pub priority: Priority,
    /// Tags.
    pub tags: Vec<String>,
    /// Source.
    pub source: Source,
    filter: Filter,
    output: OutputTemplate,
}

impl CompiledRule {
    /// Whether the rule's condition holds for the event.
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        self.source == ev.source && self.filter.matches(ev)
    }
}

#[derive(Debug, Default)]
struct SourceIndex {
    key: Option<Extractor>,
    by_value: HashMap<Box<str>, Box<[u32]>, FnvBuild>,
    /// Rules without an index value (they may match any event).
    any: Box<[u32]>,
    /// Every rule of the source.
    all: Box<[u32]>,
}

impl SourceIndex {
    fn candidates(&self, ev: &Event<'_>) -> &[u32] {
        let Some(key) = &self.key else {
            return &self.all;
        };
        match key.extract(ev) {
            Extracted::One(v) => match self.by_value.get(v.text().as_ref()) {
                Some(rules) => rules,
                None => &self.any,
            },
            Extracted::Missing => &self.any,
            Extracted::List(_) => &self.all,
        }
    }
}

/// Compiled rules with their index.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    syscall: SourceIndex,
    k8s: SourceIndex,
    options: EngineOptions,
    /// This engine's id (slot tables built for events are per engine).
    id: u32,
    /// Slot of every process-event key a rule reads.
    syscall_keys: HashMap<Box<str>, u32, FnvBuild>,
    /// Rules skipped, and why (unknown source, unknown field with
    /// `skip-if-unknown-filter`).
    pub warnings: Vec<String>,
}

/// Engine ids, so that an event's slot table is only read by the engine
/// that built it.
static NEXT_ENGINE_ID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn index_field(source: Source) -> &'static str {
    match source {
        Source::Syscall => "evt.type",
        Source::K8sAudit => "ka.verb",
    }
}

impl Engine {
    /// Compiles every enabled rule of `rules`. All errors are returned
    /// together; a rule set with errors does not run.
    pub fn new(rules: &RuleSet, options: EngineOptions) -> Result<Engine, Vec<RuleError>> {
        let mut syscall_compiler = Compiler::new(rules, Source::Syscall);
        let mut k8s_compiler = Compiler::new(rules, Source::K8sAudit);
        let mut compiled = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = rules.warnings.clone();
        for def in rules.rules() {
            if !def.enabled
                || def.priority < options.min_priority
                || options.disabled_rules.iter().any(|r| r == &def.name)
                || def.tags.iter().any(|t| options.disabled_tags.contains(t))
            {
                continue;
            }
            let Some(source) = Source::from_name(&def.source) else {
                warnings.push(format!(
                    "{}: rule `{}` is for source `{}`, which Palisade does not read; skipped",
                    def.origin, def.name, def.source
                ));
                continue;
            };
            let compiler = match source {
                Source::Syscall => &mut syscall_compiler,
                Source::K8sAudit => &mut k8s_compiler,
            };
            let what = format!("rule `{}`", def.name);
            let exceptions = match ruleset::exceptions_expr(def) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let filter = match compiler.compile_condition(&what, &def.condition, exceptions) {
                Ok(f) => f,
                Err(e) if e.unknown_field && def.skip_if_unknown_filter => {
                    warnings.push(format!(
                        "{}: {}; skipped (skip-if-unknown-filter)",
                        def.origin, e.message
                    ));
                    continue;
                }
                Err(e) => {
                    errors.push(RuleError {
                        location: def.origin.to_string(),
                        message: e.message,
                    });
                    continue;
                }
            };
            let output = match OutputTemplate::compile(&def.output, source) {
                Ok(o) => o,
                Err(e) if def.skip_if_unknown_filter => {
                    warnings.push(format!("{}: {what}: output: {e}; skipped", def.origin));
                    continue;
                }
                Err(e) => {
                    errors.push(RuleError {
                        location: def.origin.to_string(),
                        message: format!("{what}: output: {e}"),
                    });
                    continue;
                }
            };
            compiled.push(CompiledRule {
                name: def.name.clone(),
                desc: def.desc.clone(),
                priority: def.priority,
                tags: def.tags.clone(),
                source,
                filter,
                output,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let id = NEXT_ENGINE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut syscall_keys: HashMap<Box<str>, u32, FnvBuild> = HashMap::default();
        let mut intern = |key: &str| -> u32 {
            let next = u32::try_from(syscall_keys.len()).unwrap_or(u32::MAX);
            *syscall_keys.entry(key.into()).or_insert(next)
        };
        for rule in compiled.iter_mut().filter(|r| r.source == Source::Syscall) {
            let mut assign = |e: &mut Extractor| {
                if let Some(f) = e.syscall_field_mut() {
                    f.assign_slots(id, &mut intern);
                }
            };
            rule.filter.visit_extractors(&mut assign);
            rule.output.visit_extractors(&mut assign);
        }
        let syscall = build_index(&compiled, Source::Syscall);
        let k8s = build_index(&compiled, Source::K8sAudit);
        Ok(Engine {
            rules: compiled,
            syscall,
            k8s,
            options,
            id,
            syscall_keys,
            warnings,
        })
    }

    /// The loaded rules, in load order.
    pub fn rules(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// Rules of a source.
    pub fn rule_count(&self, source: Source) -> usize {
        self.rules.iter().filter(|r| r.source == source).count()
    }

    /// Calls `f` for each rule matching the event, in load order (only the
    /// first one in [`MatchMode::First`]).
    pub fn for_each_match<'s>(&'s self, ev: &Event<'_>, mut f: impl FnMut(&'s CompiledRule)) {
        let index = match ev.source {
            Source::Syscall => &self.syscall,
            Source::K8sAudit => &self.k8s,
        };
        let candidates = index.candidates(ev);
        if candidates.len() >= 2 && ev.source == Source::Syscall {
            ev.slots.get_or_init(|| (self.id, self.slot_table(ev)));
        }
        for &i in candidates {
            let Some(rule) = self.rules.get(i as usize) else {
                continue;
            };
            if rule.filter.matches(ev) {
                f(rule);
                if self.options.match_mode == MatchMode::First {
                    return;
                }
            }
        }
    }

    /// Where each key a rule reads is in the event's object, so that field
    /// lookups do not scan the object.
    fn slot_table(&self, ev: &Event<'_>) -> Box<[u32]> {
        let mut table = vec![NO_SLOT; self.syscall_keys.len()];
        if let Json::Object(entries) = &ev.json {
            for (i, (k, _)) in entries.iter().enumerate() {
                if let Some(&slot) = self.syscall_keys.get(k.as_ref())
                    && let Some(t) = table.get_mut(slot as usize)
                    && *t == NO_SLOT
                {
                    *t = u32::try_from(i).unwrap_or(NO_SLOT);
                }
            }
        }
        table.into_boxed_slice()
    }

    /// Evaluates an event and appends its alerts to `out`.
    pub fn evaluate(&self, ev: &Event<'_>, origin: &Origin, out: &mut Vec<Alert>) {
        self.for_each_match(ev, |rule| out.push(self.alert(rule, ev, origin)));
    }

    /// The alert `rule` raises for `ev`.
    pub fn alert(&self, rule: &CompiledRule, ev: &Event<'_>, origin: &Origin) -> Alert {
        let (text, output_fields) = rule.output.render(ev);
        let time = rfc3339(ev.time_ns());
        Alert {
            hostname: self.options.hostname.clone(),
            output: format!("{time}: {} {text}", rule.priority),
            priority: rule.priority,
            rule: rule.name.clone(),
            source: ev.source.name(),
            tags: rule.tags.clone(),
            time,
            output_fields,
            origin: origin.clone(),
            resource: event_resource(ev),
        }
    }

    /// A Palisade report of `findings` (alerts turned into findings), with
    /// the loaded rules as its rule list. The rules' metadata is leaked
    /// ([`DynamicRule::leak`]): call this once per run, not per event.
    pub fn report(&self, mut findings: Vec<palisade_core::Finding>) -> palisade_core::Report {
        findings.sort_by(|a, b| a.report_order(b));
        let rules = self
            .dynamic_rules()
            .into_iter()
            .map(|r| {
                let meta = r.leak();
                palisade_core::RuleInfo::new(meta, meta.severity)
            })
            .collect();
        palisade_core::Report {
            findings,
            rules,
            ..palisade_core::Report::default()
        }
    }

    /// The loaded rules as Palisade rule metadata (for reports).
    pub fn dynamic_rules(&self) -> Vec<DynamicRule> {
        self.rules
            .iter()
            .map(|r| DynamicRule {
                id: r.name.clone(),
                name: r
                    .name
                    .to_ascii_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "-"),
                title: r.name.clone(),
                severity: r.priority.severity(),
                groups: std::iter::once("runtime".to_string())
                    .chain(std::iter::once(r.source.name().to_string()))
                    .chain(r.tags.iter().cloned())
                    .collect(),
                doc: r.desc.clone(),
                remediation: String::new(),
                urls: Vec::new(),
            })
            .collect()
    }
}

fn build_index(rules: &[CompiledRule], source: Source) -> SourceIndex {
    let key_name = index_field(source);
    let key = crate::fields::resolve(
        source,
        &crate::condition::FieldExpr {
            name: key_name.to_string(),
            arg: None,
            transformers: Vec::new(),
            pos: 0,
        },
    )
    .ok();
    let is_index = |e: &Extractor| e.is_plain(key_name);
    let mut any = Vec::new();
    let mut all = Vec::new();
    let mut specific: Vec<(u32, std::collections::HashSet<String>)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if r.source != source {
            continue;
        }
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        all.push(i);
        match r.filter.index_values(&is_index) {
            Some(values) => specific.push((i, values)),
            None => any.push(i),
        }
    }
    let mut by_value: HashMap<Box<str>, Vec<u32>> = HashMap::new();
    for (i, values) in &specific {
        for v in values {
            by_value.entry(v.as_str().into()).or_default().push(*i);
        }
    }
    let by_value = by_value
        .into_iter()
        .map(|(k, mut v)| {
            v.extend(&any);
            v.sort_unstable();
            v.dedup();
            (k, v.into_boxed_slice())
        })
        .collect();
    SourceIndex {
        key,
        by_value,
        any: any.into_boxed_slice(),
        all: all.into_boxed_slice(),
    }
}

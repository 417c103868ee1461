//! Falco-compatible runtime detection: `palisade watch`.
//!
//! The pipeline:
//!
//! 1. **Rule files** ([`ruleset`]): Falco's YAML rule files are loaded in
//!    order into a [`RuleSet`] of lists, macros and rules, applying
//!    redefinitions, legacy `append: true` and `override` (append/replace
//!    per key) as Falco does. Errors name the file, the line and the item.
//! 2. **Conditions** ([`condition`]): each condition is parsed into a
//!    syntax tree with Falco's precedence (`not` > `and` > `or`), every
//!    comparison operator, field arguments and transformers; syntax errors
//!    give the position in the condition.
//! 3. **Compilation** ([`compile`]): macros are expanded, lists substituted
//!    (lists inside lists too), exceptions turned into `and not (...)`,
//!    fields resolved once to extractors ([`fields`]) for the rule's source
//!    and right-hand sides pre-built (hash sets, globs, size-limited
//!    regexes), giving a [`compile::Filter`] tree.
//! 4. **Matching** ([`Engine`]): rules are indexed by source and by the
//!    value of the source's index field (`evt.type`, `ka.verb`), so an event
//!    is tested only against the rules that can match it; the first
//!    matching rule alerts (Falco's default) or all of them.
//! 5. **Events** ([`event`]): JSON lines are parsed into a borrowed tree
//!    ([`json::Json`]: strings point into the line), audit `EventList`s are
//!    unpacked, and the source is detected per event when not given.
//!    Kubernetes audit events use the k8saudit plugin's `ka.*` mapping and
//!    `jevt.*` JSON pointers; process events are flat objects keyed by
//!    Falco field names.
//! 6. **Alerts** ([`output`]): output templates are rendered with `%field`
//!    substitution into an [`Alert`] in Falco's JSON shape, which also
//!    converts to a Palisade [`palisade_core::Finding`]. [`sinks`] deliver
//!    alerts through bounded queues that count what they drop; [`listen`]
//!    receives the API server's audit webhook; [`ruletest`] checks rules
//!    against events with expected alerts.
//!
//! ```
//! use palisade_runtime::{Engine, EngineOptions, Origin, RuleSet, event};
//!
//! let mut rules = RuleSet::new();
//! rules
//!     .load_str(
//!         "my_rules.yaml",
//!         r#"
//! - list: shells
//!   items: [bash, sh]
//! - macro: spawned_process
//!   condition: evt.type in (execve, execveat) and evt.dir = <
//! - rule: Shell in container
//!   desc: A shell started in a container.
//!   condition: spawned_process and container.id != host and proc.name in (shells)
//!   output: shell %proc.name in %container.id (parent=%proc.pname)
//!   priority: WARNING
//! "#,
//!     )
//!     .expect("valid rules");
//! let engine = Engine::new(&rules, EngineOptions::default()).expect("rules compile");
//!
//! let line = r#"{"evt.type":"execve","evt.dir":"<","proc.name":"bash","proc.pname":"nginx","container.id":"3f2a"}"#;
//! let mut alerts = Vec::new();
//! event::decode(line, None, |ev| engine.evaluate(&ev, &Origin::default(), &mut alerts))
//!     .expect("an event");
//! assert_eq!(alerts[0].rule, "Shell in container");
//! assert!(alerts[0].output.ends_with("Warning shell bash in 3f2a (parent=nginx)"));
//! let finding = alerts[0].to_finding(); // the same alert as a Palisade finding
//! assert_eq!(finding.severity, palisade_core::Severity::Medium);
//! ```
//!
//! Untrusted input is the normal case: event size, rule file size,
//! condition nesting, macro and list nesting and regex program size are
//! bounded, a malformed event is reported and skipped, and nothing panics.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod compile;
pub mod condition;
pub mod defaults;
pub mod engine;
pub mod event;
pub mod fields;
pub mod json;
pub mod listen;
pub mod metrics;
pub mod output;
pub mod priority;
pub mod ruleset;
pub mod ruletest;
pub mod sinks;
pub mod time;
pub mod watch;

pub use engine::{CompiledRule, Engine, EngineOptions, MatchMode};
pub use event::{Event, EventError};
pub use output::{Alert, Origin};
pub use priority::Priority;
pub use ruleset::{RuleError, RuleSet};

/// An event source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Process/syscall events (`syscall`).
    Syscall,
    /// Kubernetes audit events (`k8s_audit`).
    K8sAudit,
}

impl Source {
    /// The source's name in rule files and alerts.
    pub fn name(self) -> &'static str {
        match self {
            Source::Syscall => "syscall",
            Source::K8sAudit => "k8s_audit",
        }
    }

    /// The source named `name` (`k8saudit` is accepted for `k8s_audit`).
    pub fn from_name(name: &str) -> Option<Source> {
        match name {
            "syscall" => Some(Source::Syscall),
            "k8s_audit" | "k8saudit" => Some(Source::K8sAudit),
            _ => None,
        }
    }
}

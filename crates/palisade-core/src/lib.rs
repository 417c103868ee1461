//! Palisade's shared vocabulary.
//!
//! Every scanner (Kubernetes manifests, Dockerfiles, and the layers to come)
//! reports the same [`Finding`]; every rule is described by one [`RuleMeta`]
//! declared beside its code with [`declare_rule!`]; configuration
//! ([`Config`], read from `palisade.yaml`) and suppressions ([`suppress`]) are
//! applied the same way whatever produced the finding. This crate does no I/O
//! beyond parsing text it is handed.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod admission;
pub mod config;
pub mod credentials;
mod finding;
pub mod image;
mod rule;
pub mod secrets_config;
mod severity;
pub mod suppress;
pub mod time;

pub use config::{Config, ConfigError, PssLevel, PssVersion};
pub use finding::{
    CommitInfo, Finding, InputError, Location, Report, Resource, ScanStats, Suppression,
    SuppressionKind,
};
pub use rule::{DynamicRule, Reference, RuleInfo, RuleMeta, Selection, SelectionError};
pub use severity::Severity;

/// Rules that belong to Palisade itself rather than to a scanner.
pub mod rules {
    use crate::declare_rule;

    declare_rule! {
        /// ## What it does
        /// Flags a suppression (an `palisade.dev/ignore` annotation or a
        /// `# palisade:ignore` comment) that gives no reason.
        ///
        /// ## Why is this bad?
        /// A suppression is a decision to accept a risk. Without a reason the
        /// next reader cannot tell an accepted risk from a forgotten one, and
        /// reviews of exceptions become impossible.
        ///
        /// ## Example
        /// ```yaml
        /// metadata:
        ///   annotations:
        ///     palisade.dev/ignore: "PSS002"
        /// ```
        ///
        /// ## Use instead
        /// ```yaml
        /// metadata:
        ///   annotations:
        ///     palisade.dev/ignore: "PSS002: the CNI agent must manage host networking"
        /// ```
        pub static SUPPRESSION_WITHOUT_REASON = {
            id: "PAL001",
            name: "suppression-without-reason",
            title: "Suppression without a reason",
            severity: Medium,
            groups: ["palisade"],
            remediation: "Add a reason after the rule ids: `RULE-ID: why this risk is accepted`.",
            references: [],
        };
    }

    /// Palisade's own rules.
    pub static ALL: &[&crate::RuleMeta] = &[&SUPPRESSION_WITHOUT_REASON];
}

//! The rule set shipped with Palisade (`rules/runtime/palisade_rules.yaml`
//! in the repository), embedded in the binary, and its tests.

/// Name the default rules are reported under.
pub const DEFAULT_RULES_NAME: &str = "palisade_rules.yaml";

/// The default rules, in Falco's format.
pub const DEFAULT_RULES: &str = include_str!("../../../rules/runtime/palisade_rules.yaml");

/// The default rules' tests (events that must and must not alert), in the
/// [`crate::ruletest`] format.
pub const DEFAULT_RULES_TESTS: &str =
    include_str!("../../../rules/runtime/palisade_rules.tests.yaml");

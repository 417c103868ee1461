//! Palisade's secret scanner: credentials in files, standard input and git
//! history, with gitleaks-compatible configuration.
//!
//! The pipeline:
//!
//! 1. **Configuration** ([`SecretsConfig`]): the built-in catalogue
//!    (`rules/default.toml`, in gitleaks' own format) or a user's
//!    `.gitleaks.toml`, with `[extend]`, rule and global allowlists; then
//!    the rules and allowlists of `palisade.yaml`'s `secrets:` section
//!    ([`SecretsConfig::extend_with`]).
//! 2. **Compilation** ([`Scanner::new`]): every rule's regex is compiled
//!    with Go RE2's semantics (bytes, ASCII `\w \s \d \b`), every keyword
//!    goes into one Aho-Corasick automaton. Built once, shared read-only
//!    by all threads.
//! 3. **Scanning** ([`Scanner::scan`]): one pass of the keyword automaton
//!    over the input marks, per rule, the windows around its keywords; the
//!    rule's regex runs only there. Candidates then go through the secret
//!    group, entropy, placeholder, `gitleaks:allow` and allowlist filters.
//!    With [`Limits::decode_depth`], base64 runs that decode to text are
//!    scanned too, layer by layer, within a decoded-bytes budget.
//! 4. **Sources**: files are handed in by the caller (the engine's
//!    discovery); [`git`] enumerates every unique blob of a repository's
//!    history once, with the commit that introduced it, and the staged
//!    changes for pre-commit hooks.
//! 5. **Findings** ([`SecretFinding`]) hold the secret in a [`Secret`],
//!    which redacts itself whenever it is displayed, and a content
//!    [`fingerprint`] that [`Baseline`]s record (a gitleaks JSON report
//!    is read as a baseline too).
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod baseline;
pub mod config;
pub mod examples;
pub mod git;
mod scanner;
mod secret;

pub use baseline::{Baseline, BaselineError, IgnoreList};
pub use config::{ConfigError, SecretsConfig, builtin_rules, discover_gitleaks_config};
pub use scanner::{
    CommitInfo, Limits, Outcome, Scanner, SecretFinding, Skipped, compile_regex, fingerprint,
    looks_like_placeholder,
};
pub use secret::{Secret, shannon_entropy};

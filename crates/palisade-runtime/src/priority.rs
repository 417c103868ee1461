//! Falco rule priorities and their mapping to Palisade severities.

use palisade_core::Severity;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A Falco priority, least to most serious (so `>=` compares urgency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// `debug`.
    Debug,
    /// `informational` (also `info`).
    Informational,
    /// `notice`.
    Notice,
    /// `warning` (also `warn`).
    Warning,
    /// `error`.
    Error,
    /// `critical`.
    Critical,
    /// `alert`.
    Alert,
    /// `emergency`.
    Emergency,
}

impl Priority {
    /// The name Falco prints in alerts (`Warning`, `Informational`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Debug => "Debug",
            Priority::Informational => "Informational",
            Priority::Notice => "Notice",
            Priority::Warning => "Warning",
            Priority::Error => "Error",
            Priority::Critical => "Critical",
            Priority::Alert => "Alert",
            Priority::Emergency => "Emergency",
        }
    }

    /// The Palisade severity of an alert of this priority: emergency,
    /// alert and critical are critical; error is high; warning medium;
    /// notice low; informational and debug info.
    pub fn severity(self) -> Severity {
        match self {
            Priority::Emergency | Priority::Alert | Priority::Critical => Severity::Critical,
            Priority::Error => Severity::High,
            Priority::Warning => Severity::Medium,
            Priority::Notice => Severity::Low,
            Priority::Informational | Priority::Debug => Severity::Info,
        }
    }
}

impl FromStr for Priority {
    type Err = String;
    /// Case-insensitive, as Falco reads it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "emergency" => Priority::Emergency,
            "alert" => Priority::Alert,
            "critical" => Priority::Critical,
            "error" => Priority::Error,
            "warning" | "warn" => Priority::Warning,
            "notice" => Priority::Notice,
            "informational" | "info" => Priority::Informational,
            "debug" => Priority::Debug,
            _ => {
                return Err(format!(
                    "unknown priority `{s}` (expected emergency, alert, critical, error, warning, \
                     notice, informational or debug)"
                ));
            }
        })
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Priority {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

//! How bad a vulnerability is: CVSS base scores computed from the
//! vectors advisories carry (v2.0, v3.0, v3.1, v4.0; RustSec's `cvss`),
//! and the qualitative bands the gate uses (critical 9.0–10.0, high
//! 7.0–8.9, medium 4.0–6.9, low 0.1–3.9). When an advisory has no vector,
//! the rating its database gives (`database_specific.severity`, Ubuntu's
//! priority) is the fallback.

use crate::osv::{Advisory, Affected, Severity};
use std::str::FromStr;

/// A qualitative severity, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// 0.0.
    None,
    /// 0.1–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// 7.0–8.9.
    High,
    /// 9.0–10.0.
    Critical,
}

impl Band {
    /// The band of a CVSS score.
    pub fn of(score: f64) -> Self {
        if score >= 9.0 {
            Band::Critical
        } else if score >= 7.0 {
            Band::High
        } else if score >= 4.0 {
            Band::Medium
        } else if score > 0.0 {
            Band::Low
        } else {
            Band::None
        }
    }

    /// A database's word for a rating (`CRITICAL`, `MODERATE`, Ubuntu's
    /// `negligible`…), when it is one.
    pub fn from_rating(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "critical" => Band::Critical,
            "high" | "important" => Band::High,
            "medium" | "moderate" => Band::Medium,
            "low" | "negligible" | "unimportant" => Band::Low,
            "none" => Band::None,
            _ => return None,
        })
    }
}

/// CVSS v3's base metrics.
const V3_BASE: &[&str] = &["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// A CVSS vector with its base score.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvss {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    /// The vector as the advisory wrote it.
    pub vector: String,
    /// The base score, 0.0–10.0.
    pub score: f64,
}

/// A vector the CVSS specification does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CVSS vector {vector:?}: {reason}")]
pub struct Error {
    /// The vector.
    pub vector: String,
    /// Why.
    pub reason: String,
}

impl Cvss {
    /// Scores a vector (`CVSS:3.1/AV:N/…`, `CVSS:4.0/…`, or a bare v2
    /// `AV:N/AC:L/…`).
    pub fn parse(vector: &str) -> Result<Self, Error> {
        let parsed = cvss::Cvss::from_str(vector).map_err(|e| Error {
            vector: vector.to_string(),
            reason: e.to_string(),
        })?;
        let (version, required): (&'static str, &[&str]) = match parsed {
            cvss::Cvss::CvssV20(_) => ("2.0", &["AV", "AC", "Au", "C", "I", "A"]),
            cvss::Cvss::CvssV30(_) => ("3.0", V3_BASE),
            cvss::Cvss::CvssV31(_) => ("3.1", V3_BASE),
            cvss::Cvss::CvssV40(_) => (
                "4.0",
                &[
                    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
                ],
            ),
            _ => ("?", &[]),
        };
        // Every base metric is mandatory (CVSS v3.1 §6, v4.0 §7); the
        // `cvss` crate scores a v3 vector that lacks one.
        let present: Vec<&str> = vector
            .split('/')
            .filter_map(|m| m.split_once(':').map(|(k, _)| k))
            .collect();
        if let Some(missing) = required.iter().find(|k| !present.contains(k)) {
            return Err(Error {
                vector: vector.to_string(),
                reason: format!("the base metric {missing} is missing"),
            });
        }
        Ok(Self {
            version,
            vector: vector.to_string(),
            score: parsed.score(),
        })
    }

    /// Its band.
    pub fn band(&self) -> Band {
        Band::of(self.score)
    }
}

/// The scores of the CVSS entries in `severity`, newest CVSS version
/// first, then highest score; invalid vectors are returned apart.
pub fn scores(severity: &[Severity]) -> (Vec<Cvss>, Vec<Error>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for s in severity.iter().filter(|s| s.kind.starts_with("CVSS_")) {
        match Cvss::parse(&s.score) {
            Ok(c) => good.push(c),
            Err(e) => bad.push(e),
        }
    }
    good.sort_by(|a, b| {
        b.version.cmp(a.version).then(
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal),
        )
    });
    (good, bad)
}

/// How bad `advisory` is for one of its `affected` entries: the entry's
/// own CVSS (else the advisory's), newest version first; else the
/// database's rating.
pub fn assess(advisory: &Advisory, affected: Option<&Affected>) -> (Option<Band>, Vec<Cvss>) {
    let own = affected.map(|a| scores(&a.severity).0).unwrap_or_default();
    let cvss = if own.is_empty() {
        scores(&advisory.severity).0
    } else {
        own
    };
    if let Some(first) = cvss.first() {
        return (Some(first.band()), cvss);
    }
    let rating = advisory
        .severity
        .iter()
        .find(|s| s.kind == "Ubuntu")
        .map(|s| s.score.as_str())
        .or(advisory.database_severity.as_deref())
        .and_then(Band::from_rating);
    (rating, cvss)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scores_and_bands() {
        let c = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!((c.version, c.score, c.band()), ("3.1", 9.8, Band::Critical));
        let c = Cvss::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
        assert_eq!((c.version, c.score, c.band()), ("2.0", 7.5, Band::High));
        let c =
            Cvss::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!((c.version, c.score), ("4.0", 9.3));
        assert!(Cvss::parse("CVSS:3.1/AV:X").is_err());
        assert!(
            Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").is_err(),
            "A: is mandatory"
        );
        for (s, b) in [
            (0.0, Band::None),
            (0.1, Band::Low),
            (3.9, Band::Low),
            (4.0, Band::Medium),
            (6.9, Band::Medium),
            (7.0, Band::High),
            (8.9, Band::High),
            (9.0, Band::Critical),
            (10.0, Band::Critical),
        ] {
            assert_eq!(Band::of(s), b, "{s}");
        }
        assert_eq!(Band::from_rating("MODERATE"), Some(Band::Medium));
    }
}

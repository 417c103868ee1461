//! The one type that holds a secret's text. It never prints the text by
//! accident: `Display` and `Debug` show a short prefix and the length.

use std::fmt;

/// How many characters of a secret a redacted form shows.
const SHOWN: usize = 4;

/// A secret value found in an input. `Display` and `Debug` redact it
/// (`ghp_…[40 chars]`); [`Secret::expose`] is the only way to the text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret's text.
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret's text. Call only to compare, hash, or print it on
    /// explicit request (`--no-redact`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }

    /// The redacted form: a prefix (at most a quarter of the secret, never
    /// more than four characters) and the length.
    pub fn redacted(&self) -> String {
        let n = self.chars();
        let shown = (n / 4).min(SHOWN);
        let prefix: String = self.0.chars().take(shown).collect();
        format!("{prefix}…[{n} chars]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

/// Shannon entropy of `s` in bits per byte (what gitleaks' `entropy` means).
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c = c.saturating_add(1);
        }
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_in_display_and_debug() {
        let s = Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCD");
        assert_eq!(s.to_string(), "abcd…[40 chars]");
        assert_eq!(format!("{s:?}"), "Secret(abcd…[40 chars])");
        assert!(!format!("{s} {s:?}").contains("efgh"));
        assert_eq!(Secret::new("abc").to_string(), "…[3 chars]");
    }

    #[test]
    fn entropy() {
        assert!(shannon_entropy(b"aaaa") < 0.01);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert_eq!(shannon_entropy(b""), 0.0);
    }
}

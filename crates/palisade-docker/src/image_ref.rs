//! Image references: `[registry/]path[:tag][@digest]`.

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository path, e.g. `ghcr.io/acme/app` or `ubuntu`.
    pub name: String,
    /// The tag, if written.
    pub tag: Option<String>,
    /// The digest (`sha256:...`), if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `reference`. A `:` only starts a tag after the last `/`, so
    /// a registry port (`localhost:5000/app`) is not taken for one.
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i.saturating_add(1));
        let tail = rest.get(last_slash..).unwrap_or("");
        let (name, tag) = match tail.rfind(':') {
            Some(i) => {
                let split = last_slash.saturating_add(i);
                (
                    rest.get(..split).unwrap_or(rest),
                    rest.get(split.saturating_add(1)..).map(str::to_string),
                )
            }
            None => (rest, None),
        };
        ImageRef {
            name: name.to_string(),
            tag,
            digest,
        }
    }

    /// Whether the reference names an immutable image: a well-formed
    /// `sha256` (or `sha512`) digest.
    pub fn is_pinned(&self) -> bool {
        let Some(d) = &self.digest else { return false };
        let hex_len = |h: &str| {
            h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
                .then_some(h.len())
        };
        match d.split_once(':') {
            Some(("sha256", h)) => hex_len(h) == Some(64),
            Some(("sha512", h)) => hex_len(h) == Some(128),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn parts() {
        let r = ImageRef::parse("ubuntu");
        assert_eq!((r.name.as_str(), r.tag, r.digest), ("ubuntu", None, None));
        let r = ImageRef::parse("localhost:5000/team/app:1.2");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(r.tag, None);
        let r = ImageRef::parse(&format!("node:20@{D}"));
        assert_eq!(r.tag.as_deref(), Some("20"));
        assert!(r.is_pinned());
    }

    #[test]
    fn malformed_digests_do_not_pin() {
        assert!(!ImageRef::parse("a@sha256:abc").is_pinned());
        assert!(!ImageRef::parse("a@md5:0123").is_pinned());
        assert!(!ImageRef::parse(&format!("a@{}", D.to_uppercase())).is_pinned());
    }
}

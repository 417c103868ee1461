//! Container image references (`registry/repository:tag@digest`), parsed the
//! way the container runtimes normalise them, for every rule about images.

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The name as written, without tag and digest (`nginx`, `ghcr.io/acme/api`).
    pub name: String,
    /// Registry host (and port), `docker.io` when none is written.
    pub registry: String,
    /// Repository path within the registry (`library/nginx` for `nginx`).
    pub repository: String,
    /// Tag, when one is written.
    pub tag: Option<String>,
    /// Digest (`sha256:...`), when one is written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; `None` when it is empty or malformed (spaces,
    /// an empty name component).
    pub fn parse(reference: &str) -> Option<ImageRef> {
        let r = reference.trim();
        if r.is_empty() || r.chars().any(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match r.split_once('@') {
            Some((n, d)) if !d.is_empty() => (n, Some(d.to_string())),
            Some(_) => return None,
            None => (r, None),
        };
        let last_slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(c) if last_slash.is_none_or(|s| c > s) => {
                let tag = rest.get(c + 1..).unwrap_or("");
                if tag.is_empty() {
                    return None;
                }
                (rest.get(..c).unwrap_or(""), Some(tag.to_string()))
            }
            _ => (rest, None),
        };
        if name.is_empty() || name.split('/').any(str::is_empty) {
            return None;
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, path)) if first.contains(['.', ':']) || first == "localhost" => {
                (first.to_string(), path.to_string())
            }
            Some(_) => ("docker.io".to_string(), name.to_string()),
            None => ("docker.io".to_string(), format!("library/{name}")),
        };
        Some(ImageRef {
            name: name.to_string(),
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// `registry/repository`, the form allow-lists are matched against.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// Whether the image is pinned by a well-formed content digest
    /// (`sha256:` and 64 lowercase hex digits, or `sha512:` and 128).
    pub fn is_pinned(&self) -> bool {
        let Some(d) = &self.digest else {
            return false;
        };
        let hex = |h: &str, len: usize| {
            h.len() == len
                && h.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        };
        match d.split_once(':') {
            Some(("sha256", h)) => hex(h, 64),
            Some(("sha512", h)) => hex(h, 128),
            _ => false,
        }
    }

    /// Whether the reference floats: no tag and no digest, or tag `latest`
    /// without a digest.
    pub fn is_floating(&self) -> bool {
        !self.is_pinned() && self.tag.as_deref().is_none_or(|t| t == "latest")
    }

    /// Whether the image comes from one of `allowed` (registry hosts, or
    /// `registry/path` prefixes matched at a path boundary; `docker.io`
    /// also matches the short forms such as `nginx`).
    pub fn allowed_by(&self, allowed: &[String]) -> bool {
        let full = self.full_name();
        allowed.iter().any(|a| {
            let a = a.trim().trim_end_matches('/');
            let a = a
                .strip_prefix("index.docker.io")
                .map_or_else(|| a.to_string(), |rest| format!("docker.io{rest}"));
            full == a
                || full
                    .strip_prefix(a.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn normalises_like_the_runtimes() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.full_name(), "docker.io/library/nginx");
        assert!(r.is_floating());
        let r = ImageRef::parse(&format!("localhost:5000/team/app:1.2@{D}")).unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert!(r.is_pinned());
        assert_eq!(ImageRef::parse("localhost:5000/app").unwrap().tag, None);
        let r = ImageRef::parse("ghcr.io/acme/api:latest").unwrap();
        assert!(r.is_floating());
        let r = ImageRef::parse("bitnami/redis:7.2").unwrap();
        assert_eq!(r.registry, "docker.io");
        assert!(!r.is_floating() && !r.is_pinned());
        assert!(ImageRef::parse("bad name").is_none());
        assert!(ImageRef::parse("app:").is_none());
        assert!(ImageRef::parse("").is_none());
    }

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn malformed_digests_do_not_pin() {
        assert!(!ImageRef::parse("a@sha256:abc").unwrap().is_pinned());
        assert!(!ImageRef::parse("a@md5:0123").unwrap().is_pinned());
        assert!(
            !ImageRef::parse(&format!("a@{}", D.to_uppercase()))
                .unwrap()
                .is_pinned()
        );
        assert!(
            ImageRef::parse(&format!("a:latest@{D}"))
                .unwrap()
                .is_pinned()
        );
        assert!(
            !ImageRef::parse(&format!("a:latest@{D}"))
                .unwrap()
                .is_floating()
        );
    }

    #[test]
    fn allow_list_matches_at_path_boundaries() {
        let allowed = vec!["ghcr.io/acme".to_string(), "docker.io".to_string()];
        assert!(
            ImageRef::parse("ghcr.io/acme/api:1")
                .unwrap()
                .allowed_by(&allowed)
        );
        assert!(
            !ImageRef::parse("ghcr.io/acme-evil/api:1")
                .unwrap()
                .allowed_by(&allowed)
        );
        assert!(ImageRef::parse("nginx:1").unwrap().allowed_by(&allowed));
        assert!(
            !ImageRef::parse("quay.io/x/y:1")
                .unwrap()
                .allowed_by(&allowed)
        );
    }
}

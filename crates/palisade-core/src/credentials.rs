//! Recognising credentials by the name of the variable that holds them and
//! by the shape of well-known token formats, and telling placeholders from
//! real values. Shared by every scanner that looks at configuration
//! (Kubernetes env, Dockerfile ENV/ARG).

/// Name parts that make a variable a credential on their own.
const CREDENTIAL_PARTS: &[&str] = &[
    "PASS",
    "PASSPHRASE",
    "TOKEN",
    "TOKENS",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
];

/// Consecutive name parts that make a credential (`API_KEY`, `apiKey`).
const CREDENTIAL_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("SECRET", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
    ("MASTER", "KEY"),
    ("CLIENT", "SECRET"),
];

/// A last name part that means the variable locates or configures a
/// credential rather than holding it (`PASSWORD_FILE`, `TOKEN_URL`).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "ENDPOINT",
    "SERVER",
    "DOMAIN",
    "NAME",
    "USER",
    "USERNAME",
    "TYPE",
    "METHOD",
    "MODE",
    "ENABLED",
    "DISABLED",
    "REQUIRED",
    "VERSION",
    "TIMEOUT",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "LENGTH",
    "LEN",
    "SIZE",
    "COUNT",
    "REGION",
    "ALGORITHM",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "PREFIX",
    "PROVIDER",
    "POLICY",
    "LOCATION",
];

/// Whether a variable name designates a credential.
pub fn is_credential_name(name: &str) -> bool {
    // Only plain names: a malformed instruction must not make a value (which
    // could be the secret itself) pass for a name that messages print.
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return false;
    }
    let parts = name_parts(name);
    if parts
        .last()
        .is_none_or(|p| NOT_SECRET_SUFFIXES.contains(&p.as_str()))
    {
        return false;
    }
    parts.iter().any(|p| {
        p.contains("PASSWORD")
            || p.contains("PASSWD")
            || p.contains("SECRET")
            || p.ends_with("TOKEN")
            || CREDENTIAL_PARTS.contains(&p.as_str())
    }) || parts
        .windows(2)
        .any(|w| matches!(w, [a, b] if CREDENTIAL_PAIRS.contains(&(a.as_str(), b.as_str()))))
}

/// `AWS_SECRET_ACCESS_KEY` → `AWS SECRET ACCESS KEY`; `dbPassword` → `DB
/// PASSWORD`; `APIKey` → `API KEY`. Parts in upper case.
pub fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i.saturating_add(1)).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Values that are not a credential: empty, a placeholder, a boolean, a
/// template, a path, or a URL without user information.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "none",
        "null",
        "nil",
        "undefined",
        "unset",
        "empty",
        "-",
    ];
    const MARKERS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "dummy",
        "example",
        "redacted",
        "replace",
        "your_",
        "your-",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        "todo",
        "fixme",
        "xxxx",
    ];
    if v.is_empty() || WORDS.contains(&lower.as_str()) {
        return true;
    }
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '#' | '?' | '_' | '-'))
    {
        return true;
    }
    let wrapped = |open: &str, close: &str| v.starts_with(open) && v.ends_with(close);
    if wrapped("<", ">") || wrapped("{{", "}}") || wrapped("%", "%") || wrapped("[", "]") {
        return true;
    }
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") {
        return true;
    }
    if let Some((_, rest)) = v.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !authority.contains('@');
    }
    false
}

/// The kind of credential a value is shaped like, for well-known formats.
pub fn known_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum_after = |prefix: &str, len: usize, extra: &[char]| {
        v.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= len
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
        })
    };
    if v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| alnum_after(p, 36, &[]))
        || alnum_after("github_pat_", 40, &['_'])
    {
        return Some("a GitHub token");
    }
    if alnum_after("glpat-", 20, &['-', '_']) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxr-"]
        .iter()
        .any(|p| alnum_after(p, 10, &['-']))
    {
        return Some("a Slack token");
    }
    if alnum_after("sk_live_", 16, &[]) || alnum_after("rk_live_", 16, &[]) {
        return Some("a Stripe live key");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn parts() {
        assert_eq!(
            name_parts("AWS_SECRET_ACCESS_KEY"),
            ["AWS", "SECRET", "ACCESS", "KEY"]
        );
        assert_eq!(name_parts("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(name_parts("APIKey"), ["API", "KEY"]);
        assert_eq!(name_parts("npm-auth.token"), ["NPM", "AUTH", "TOKEN"]);
    }

    #[test]
    fn credential_names() {
        for n in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "MYSQL_ROOT_PASSWD",
            "GITHUB_TOKEN",
            "NPM_AUTH_TOKEN",
            "npmToken",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "API_KEY",
            "apiKey",
            "APIKEY",
            "SSH_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "CLIENT_SECRET",
            "SMTP_PASS",
            "SECRET_KEY_BASE",
        ] {
            assert!(is_credential_name(n), "{n}");
        }
        for n in [
            "TOKEN_URL",
            "PASSWORD_FILE",
            "SECRET_PATH",
            "GITHUB_TOKEN_FILE",
            "AUTH_ENABLED",
            "PASSWORD_MIN_LENGTH",
            "TOKENIZERS_PARALLELISM",
            "KEY",
            "PUBLIC_KEY",
            "AUTHOR",
            "PATH",
            "BYPASS",
            "PASSENGER_APP_ENV",
            "",
        ] {
            assert!(!is_credential_name(n), "{n}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "changeme",
            "<your-token>",
            "{{ token }}",
            "xxx",
            "****",
            "false",
            "/run/secrets/db",
            "https://vault.example.com/v1",
            "your_api_key_here",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["s3cr3t", "ghp_abc123", "postgres", "https://u:p@host/x"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(
            known_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key id")
        );
        assert_eq!(
            known_shape("ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("a GitHub token")
        );
        assert_eq!(known_shape("hello"), None);
    }
}

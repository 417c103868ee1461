//! History and staged scanning on repositories built here with the git CLI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_secrets::examples::expand;
use palisade_secrets::git::{scan_history, scan_staged};
use palisade_secrets::{Baseline, Limits, Scanner, SecretsConfig};
use std::path::Path;
use std::process::Command;

/// A throwaway repository with a deterministic identity and clock, immune
/// to the machine's git configuration.
struct Repo {
    dir: tempfile::TempDir,
    clock: std::cell::Cell<u64>,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let t = self.clock.get();
        self.clock.set(t + 60);
        let date = format!("{t} +0000");
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.path())
            .env("GIT_AUTHOR_NAME", "Alice Example")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Alice Example")
            .env("GIT_COMMITTER_EMAIL", "alice@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn write(&self, name: &str, text: &str) {
        let p = self.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

fn scanner() -> Scanner {
    Scanner::new(&SecretsConfig::builtin().unwrap(), Limits::default()).unwrap()
}

fn token(seed: u64) -> String {
    expand("gh«»p_«a36»", seed)
}

#[test]
fn a_deleted_secret_is_found_with_the_commit_that_added_it() {
    let r = Repo::new();
    r.write("README.md", "# demo\n");
    r.commit("initial");
    r.write(
        "config/app.env",
        &format!("LOG=debug\nGITHUB_TOKEN={}\n", token(1)),
    );
    let added = r.commit("add config");
    std::fs::remove_file(r.path().join("config/app.env")).unwrap();
    r.commit("remove the token");
    r.write("README.md", "# demo\n\nmore\n");
    r.commit("docs");

    let scan = scan_history(r.path(), &scanner(), None).unwrap();
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert_eq!(scan.commits, 4);
    assert_eq!(scan.findings.len(), 1);
    let f = &scan.findings[0];
    assert_eq!(f.rule.name, "github-pat");
    assert_eq!(f.path, "config/app.env");
    assert_eq!((f.line, f.column), (2, 14));
    let c = f.commit.as_ref().unwrap();
    assert_eq!(c.id, added);
    assert_eq!(c.author, "Alice Example");
    assert_eq!(c.email, "alice@example.com");
    assert_eq!(c.summary, "add config");
    assert!(c.date.starts_with("2023-11-14T22:1"), "{}", c.date);
    assert!(f.message(false).contains(&added[..12]));
}

#[test]
fn every_unique_blob_once_on_every_ref() {
    let r = Repo::new();
    let same = format!("TOKEN={}\n", token(2));
    r.write("a.env", &same);
    r.write("copy/a.env", &same);
    r.commit("two copies of one blob");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("feature.env", &format!("TOKEN={}\n", token(3)));
    r.commit("feature secret");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["tag", "v1"]);

    let scan = scan_history(r.path(), &scanner(), None).unwrap();
    // One blob, one finding, although two paths and two refs hold it.
    let mut paths: Vec<_> = scan.findings.iter().map(|f| f.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["a.env", "feature.env"]);
    assert_eq!(scan.blobs, 2);
}

#[test]
fn since_commit_reports_only_later_changes() {
    let r = Repo::new();
    r.write("old.env", &format!("TOKEN={}\n", token(4)));
    let base = r.commit("old secret");
    r.write("new.env", &format!("TOKEN={}\n", token(5)));
    let newer = r.commit("new secret");

    let scan = scan_history(r.path(), &scanner(), Some(&base)).unwrap();
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(scan.findings[0].path, "new.env");
    assert_eq!(scan.findings[0].commit.as_ref().unwrap().id, newer);
    assert_eq!(scan.commits, 1);
    let err = scan_history(r.path(), &scanner(), Some("no-such-rev")).unwrap_err();
    assert!(err.to_string().contains("no-such-rev"), "{err}");
}

#[test]
fn staged_mode_reports_added_lines_only() {
    let r = Repo::new();
    r.write("app.env", &format!("OLD={}\n", token(6)));
    r.commit("accepted long ago");
    // Staged: a new secret line; unstaged: another one, not reported.
    r.write("app.env", &format!("OLD={}\nNEW={}\n", token(6), token(7)));
    r.write("other.env", &format!("X={}\n", token(8)));
    r.git(&["add", "app.env", "other.env"]);
    r.write("unstaged.env", &format!("X={}\n", token(9)));
    r.write("other.env", "X=edited-after-staging\n");

    let scan = scan_staged(r.path(), &scanner()).unwrap();
    let mut got: Vec<_> = scan
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.secret.expose().to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("app.env".to_string(), 2, token(7)),
            ("other.env".to_string(), 1, token(8)),
        ]
    );
    assert!(scan.findings.iter().all(|f| f.commit.is_none()));
}

#[test]
fn staged_mode_in_a_repository_without_commits() {
    let r = Repo::new();
    r.write("first.env", &format!("X={}\n", token(10)));
    r.git(&["add", "first.env"]);
    let scan = scan_staged(r.path(), &scanner()).unwrap();
    assert_eq!(scan.findings.len(), 1);
    // An empty repository has no history to scan.
    let scan = scan_history(r.path(), &scanner(), None).unwrap();
    assert!(scan.findings.is_empty());
}

#[test]
fn a_baseline_survives_a_rebase_like_rewrite() {
    let r = Repo::new();
    r.write("svc/config.yaml", &format!("token: {}\n", token(11)));
    r.commit("one");
    r.write("README.md", "x\n");
    r.commit("two");
    let before = scan_history(r.path(), &scanner(), None).unwrap();
    let baseline = Baseline::from_findings(&before.findings);
    let baseline = Baseline::parse("b.json", &baseline.to_json()).unwrap();

    // Squash everything into a new root commit, move the secret down a few
    // lines: new commit ids, new line numbers, same secret.
    r.git(&["checkout", "-q", "--orphan", "rewritten"]);
    r.write(
        "svc/config.yaml",
        &format!("# moved\nname: svc\nreplicas: 2\ntoken: {}\n", token(11)),
    );
    r.commit("squashed");
    r.git(&["branch", "-D", "main"]);
    let after = scan_history(r.path(), &scanner(), None).unwrap();
    assert!(!after.findings.is_empty());
    assert!(after.findings.iter().all(|f| baseline.contains(f)));
    assert!(after.findings.iter().any(|f| f.line == 4));

    // A new secret on the accepted line is not hidden.
    r.write("svc/config.yaml", &format!("token: {}\n", token(12)));
    r.commit("rotate badly");
    let again = scan_history(r.path(), &scanner(), None).unwrap();
    let new: Vec<_> = again
        .findings
        .iter()
        .filter(|f| !baseline.contains(f))
        .collect();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].secret.expose(), token(12));
}

#[test]
fn suppression_comments_in_blobs_are_honoured() {
    let r = Repo::new();
    r.write(
        "a.env",
        &format!(
            "# palisade:ignore github-pat: revoked test token\nX={}\n",
            token(13)
        ),
    );
    r.commit("documented");
    let scan = scan_history(r.path(), &scanner(), None).unwrap();
    let s = scan.findings[0].suppression.as_ref().unwrap();
    assert_eq!(s.reason, "revoked test token");
}

/// Regression: a reason-less `palisade:ignore` in a blob from history or
/// the index was honoured but not reported (PAL001), unlike the same
/// comment in a file on disk.
#[test]
fn suppressions_without_a_reason_in_blobs_are_reported_once() {
    let r = Repo::new();
    r.write(
        "a.env",
        &format!("# palisade:ignore github-pat\nX={}\n", token(16)),
    );
    let first = r.commit("undocumented");
    // A later version of the file keeps the comment: reported once, with
    // the commit that introduced it.
    r.write(
        "a.env",
        &format!("# palisade:ignore github-pat\nX={}\nY=1\n", token(16)),
    );
    r.commit("more");
    // A reason given: nothing to report.
    r.write(
        "b.env",
        &format!("# palisade:ignore github-pat: revoked\nX={}\n", token(17)),
    );
    r.commit("documented");
    let scan = scan_history(r.path(), &scanner(), None).unwrap();
    assert_eq!(scan.unexplained.len(), 1, "{:?}", scan.unexplained);
    let f = &scan.unexplained[0];
    assert_eq!(f.rule_id, "PAL001");
    assert_eq!((f.location.path.as_str(), f.location.line), ("a.env", 1));
    assert_eq!(f.commit.as_ref().unwrap().id, first);
    assert!(f.message.contains("github-pat"), "{}", f.message);
    // The finding itself is still suppressed, with an empty reason.
    assert!(scan.findings.iter().all(|f| f.suppression.is_some()));

    // Staged: only a comment the change adds, or one covering a secret it
    // adds, is reported (line 4 has the same text as line 1, which HEAD
    // already has).
    r.write(
        "a.env",
        &format!(
            "# palisade:ignore github-pat\nX={}\nY=1\n# palisade:ignore github-pat\nZ={}\n",
            token(16),
            token(18)
        ),
    );
    r.git(&["add", "a.env"]);
    let scan = scan_staged(r.path(), &scanner()).unwrap();
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(scan.unexplained.len(), 1, "{:?}", scan.unexplained);
    assert_eq!(scan.unexplained[0].location.line, 4);
    assert!(scan.unexplained[0].commit.is_none());
}

#[test]
fn binary_and_oversized_blobs_are_counted_as_skipped() {
    let r = Repo::new();
    let mut bin = b"\0\0binary".to_vec();
    bin.extend(token(14).as_bytes());
    std::fs::write(r.path().join("blob.bin"), bin).unwrap();
    r.write(
        "big.txt",
        &format!("{}\nX={}\n", "a".repeat(4096), token(15)),
    );
    r.commit("blobs");
    let s = Scanner::new(
        &SecretsConfig::builtin().unwrap(),
        Limits {
            max_bytes: 1024,
            ..Limits::default()
        },
    )
    .unwrap();
    let scan = scan_history(r.path(), &s, None).unwrap();
    assert!(scan.findings.is_empty());
    assert_eq!(scan.skipped, 2);
    assert!(scan_history(Path::new("/"), &s, None).is_err());
}

//! Git sources, read in-process with gix: the whole history, the commits
//! since a revision (CI), and the staged changes (pre-commit).
//!
//! History is scanned by **unique blob**: commits are walked from every ref,
//! oldest first; each tree object is visited once and each blob id is
//! recorded once, with the commit and path that introduced it. Blobs are
//! then read and scanned in parallel, one at a time per thread, so memory
//! holds the list of blob ids, never the history's content. A secret added
//! in one commit and deleted in the next is found, attributed to the commit
//! that added it.

use crate::{CommitInfo, Scanner, SecretFinding};
use gix::ObjectId;
use palisade_core::Finding;
use palisade_core::suppress::{FileSuppressions, comment_directives};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// A repository that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git: {0}")]
pub struct GitError(pub String);

fn gerr(context: &str, e: impl std::fmt::Display) -> GitError {
    GitError(format!("{context}: {e}"))
}

/// What a git scan read and found.
#[derive(Debug, Default)]
pub struct GitScan {
    /// Findings, each with its commit (history) or none (staged).
    pub findings: Vec<SecretFinding>,
    /// Commits walked.
    pub commits: u64,
    /// Unique blobs scanned.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs passed over: binary or over the size limit.
    pub skipped: u64,
    /// Objects that could not be read (the rest is still scanned).
    pub errors: Vec<String>,
    /// `palisade:ignore` comments without a reason (PAL001 findings) in
    /// blobs with findings, as the engine reports them for files: each
    /// once per path and line, with the commit that introduced it (history)
    /// or only on staged lines (staged).
    pub unexplained: Vec<Finding>,
}

/// One blob to scan, with where it first appeared.
struct Blob {
    id: ObjectId,
    path: String,
    commit: usize,
}

fn open(path: &Path) -> Result<gix::Repository, GitError> {
    gix::discover(path)
        .map_err(|e| gerr(&format!("{} is not in a git repository", path.display()), e))
}

/// RFC 3339 UTC time of a Unix timestamp.
fn rfc3339(secs: i64) -> String {
    palisade_core::time::rfc3339(secs)
}

/// A commit's metadata and tree.
fn read_commit(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<(CommitInfo, ObjectId, i64), GitError> {
    let obj = repo
        .find_object(id)
        .map_err(|e| gerr("cannot read commit", e))?;
    let c = gix::objs::CommitRef::from_bytes(&obj.data, repo.object_hash())
        .map_err(|e| gerr(&format!("cannot decode commit {id}"), e))?;
    let (author, email, secs) = match c.author() {
        Ok(a) => {
            let a = a.trim();
            (a.name.to_string(), a.email.to_string(), a.seconds())
        }
        Err(_) => (String::new(), String::new(), 0),
    };
    let message = c.message();
    let summary = message.summary().to_string();
    Ok((
        CommitInfo {
            id: id.to_string(),
            author,
            email,
            date: rfc3339(secs),
            summary,
        },
        c.tree(),
        secs,
    ))
}

/// Visits the trees under `root` not seen before, recording new blobs.
fn walk_tree(
    repo: &gix::Repository,
    root: ObjectId,
    commit: usize,
    seen_trees: &mut HashSet<ObjectId>,
    seen_blobs: &mut HashSet<ObjectId>,
    out: &mut Option<&mut Vec<Blob>>,
    errors: &mut Vec<String>,
) {
    if !seen_trees.insert(root) {
        return;
    }
    let mut stack = vec![(root, String::new())];
    while let Some((id, prefix)) = stack.pop() {
        let obj = match repo.find_object(id) {
            Ok(o) => o,
            Err(e) => {
                errors.push(format!("cannot read tree {id}: {e}"));
                continue;
            }
        };
        for entry in gix::objs::TreeRefIter::from_bytes(&obj.data, repo.object_hash()) {
            let Ok(entry) = entry else {
                errors.push(format!("cannot decode tree {id}"));
                break;
            };
            let path = if prefix.is_empty() {
                entry.filename.to_string()
            } else {
                format!("{prefix}/{}", entry.filename)
            };
            let oid = entry.oid.to_owned();
            if entry.mode.is_tree() {
                if seen_trees.insert(oid) {
                    stack.push((oid, path));
                }
            } else if entry.mode.is_blob()
                && seen_blobs.insert(oid)
                && let Some(out) = out.as_mut()
            {
                out.push(Blob {
                    id: oid,
                    path,
                    commit,
                });
            }
        }
    }
}

/// Scans every unique blob reachable from any ref (or, with `since`, the
/// blobs introduced by commits after that revision, as `A..HEAD` would
/// list them, on every ref).
pub fn scan_history(
    repo_path: &Path,
    scanner: &Scanner,
    since: Option<&str>,
) -> Result<GitScan, GitError> {
    let repo = open(repo_path)?;
    let mut tips: Vec<ObjectId> = Vec::new();
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    let platform = repo.references().map_err(|e| gerr("cannot list refs", e))?;
    let refs = platform.all().map_err(|e| gerr("cannot list refs", e))?;
    for r in refs.flatten() {
        let mut r = r;
        if let Ok(id) = r.peel_to_id() {
            let id = id.detach();
            if repo
                .find_header(id)
                .is_ok_and(|h| h.kind() == gix::object::Kind::Commit)
            {
                tips.push(id);
            }
        }
    }
    tips.sort();
    tips.dedup();
    let mut scan = GitScan::default();
    if tips.is_empty() {
        return Ok(scan);
    }
    let mut seen_trees = HashSet::new();
    let mut seen_blobs = HashSet::new();
    let mut walk = repo.rev_walk(tips.clone());
    if let Some(rev) = since {
        let base = repo
            .rev_parse_single(rev)
            .map_err(|e| gerr(&format!("cannot resolve --since-commit {rev}"), e))?
            .detach();
        let (_, tree, _) = read_commit(&repo, base)?;
        // What the base already had is not new.
        walk_tree(
            &repo,
            tree,
            0,
            &mut seen_trees,
            &mut seen_blobs,
            &mut None,
            &mut scan.errors,
        );
        walk = walk.with_hidden([base]);
    }
    let mut ids: Vec<ObjectId> = Vec::new();
    for info in walk.all().map_err(|e| gerr("cannot walk history", e))? {
        match info {
            Ok(info) => ids.push(info.id),
            Err(e) => scan.errors.push(format!("history walk: {e}")),
        }
    }
    // Oldest first, parents before children for equal times (the walk
    // lists children first), so a blob is credited to the commit that
    // introduced it.
    let mut commits: Vec<(i64, usize, CommitInfo, ObjectId)> = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().rev().enumerate() {
        match read_commit(&repo, id) {
            Ok((info, tree, secs)) => commits.push((secs, i, info, tree)),
            Err(e) => scan.errors.push(e.0),
        }
    }
    commits.sort_by_key(|(secs, i, _, _)| (*secs, *i));
    let mut blobs: Vec<Blob> = Vec::new();
    let mut infos: Vec<Arc<CommitInfo>> = Vec::with_capacity(commits.len());
    for (idx, (_, _, info, tree)) in commits.into_iter().enumerate() {
        infos.push(Arc::new(info));
        walk_tree(
            &repo,
            tree,
            idx,
            &mut seen_trees,
            &mut seen_blobs,
            &mut Some(&mut blobs),
            &mut scan.errors,
        );
    }
    scan.commits = infos.len() as u64;
    scan_blobs(repo, scanner, &blobs, &infos, &mut scan);
    Ok(scan)
}

/// Reads and scans blobs in parallel, one thread-local repository handle
/// per worker.
fn scan_blobs(
    repo: gix::Repository,
    scanner: &Scanner,
    blobs: &[Blob],
    infos: &[Arc<CommitInfo>],
    scan: &mut GitScan,
) {
    let sync = repo.into_sync();
    let max = scanner.limits().max_bytes as u64;
    struct One {
        findings: Vec<SecretFinding>,
        unexplained: Vec<Finding>,
        bytes: u64,
        skipped: bool,
        error: Option<String>,
    }
    let results: Vec<One> = blobs
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, blob| {
                let commit = infos.get(blob.commit);
                let mut one = One {
                    findings: Vec::new(),
                    unexplained: Vec::new(),
                    bytes: 0,
                    skipped: false,
                    error: None,
                };
                if let Ok(h) = repo.find_header(blob.id)
                    && h.size() > max
                {
                    one.findings = scanner.scan_path(&blob.path, commit);
                    one.skipped = true;
                    return one;
                }
                let obj = match repo.find_object(blob.id) {
                    Ok(o) => o,
                    Err(e) => {
                        one.error =
                            Some(format!("cannot read blob {} ({}): {e}", blob.id, blob.path));
                        return one;
                    }
                };
                one.bytes = obj.data.len() as u64;
                let outcome = scanner.scan(&blob.path, &obj.data, commit);
                one.skipped = outcome.skipped.is_some();
                one.findings = outcome.findings;
                if !one.findings.is_empty() {
                    let s = apply_comment_suppressions(&obj.data, &mut one.findings);
                    one.unexplained = s.missing_reasons(&blob.path);
                    if let Some(c) = commit {
                        for f in &mut one.unexplained {
                            f.commit = Some(CommitInfo::clone(c));
                        }
                    }
                }
                one
            },
        )
        .collect();
    // Blobs are in commit order, oldest first: a comment kept through
    // several versions of a file is reported once, with the commit that
    // introduced it.
    let mut seen = HashSet::new();
    for r in results {
        scan.blobs += 1;
        scan.bytes += r.bytes;
        scan.skipped += u64::from(r.skipped);
        scan.findings.extend(r.findings);
        scan.errors.extend(r.error);
        scan.unexplained.extend(
            r.unexplained
                .into_iter()
                .filter(|f| seen.insert((f.location.clone(), f.message.clone()))),
        );
    }
}

/// `# palisade:ignore RULE: reason` comments in a blob, applied to its
/// findings (the engine applies them for files on disk). Returns them, for
/// the PAL001 findings of those without a reason.
fn apply_comment_suppressions(data: &[u8], findings: &mut [SecretFinding]) -> FileSuppressions {
    let text = String::from_utf8_lossy(data);
    let s = FileSuppressions::from_source(&text);
    if !s.is_empty() {
        for f in findings.iter_mut() {
            f.suppression = s.lookup(f.line, f.rule);
        }
    }
    s
}

/// Scans what is staged for the next commit: every index entry whose blob
/// differs from `HEAD`'s, reporting only secrets on lines the change adds.
pub fn scan_staged(repo_path: &Path, scanner: &Scanner) -> Result<GitScan, GitError> {
    let repo = open(repo_path)?;
    let mut head: HashMap<String, ObjectId> = HashMap::new();
    if let Ok(tree) = repo.head_tree_id() {
        let mut stack = vec![(tree.detach(), String::new())];
        while let Some((id, prefix)) = stack.pop() {
            let obj = repo
                .find_object(id)
                .map_err(|e| gerr("cannot read HEAD", e))?;
            for entry in gix::objs::TreeRefIter::from_bytes(&obj.data, repo.object_hash()).flatten()
            {
                let path = if prefix.is_empty() {
                    entry.filename.to_string()
                } else {
                    format!("{prefix}/{}", entry.filename)
                };
                if entry.mode.is_tree() {
                    stack.push((entry.oid.to_owned(), path));
                } else if entry.mode.is_blob() {
                    head.insert(path, entry.oid.to_owned());
                }
            }
        }
    }
    let index = repo
        .open_index()
        .map_err(|e| gerr("cannot read the index", e))?;
    let mut scan = GitScan::default();
    for entry in index.entries() {
        if entry.stage_raw() != 0 {
            continue;
        }
        use gix::index::entry::Mode;
        if entry.mode != Mode::FILE && entry.mode != Mode::FILE_EXECUTABLE {
            continue;
        }
        let path = entry.path(&index).to_string();
        let old = head.get(&path).copied();
        if old == Some(entry.id) {
            continue;
        }
        scan.blobs += 1;
        if repo
            .find_header(entry.id)
            .is_ok_and(|h| h.size() > scanner.limits().max_bytes as u64)
        {
            scan.skipped += 1;
            scan.findings.extend(scanner.scan_path(&path, None));
            continue;
        }
        let obj = match repo.find_object(entry.id) {
            Ok(o) => o,
            Err(e) => {
                scan.errors.push(format!("cannot read staged {path}: {e}"));
                continue;
            }
        };
        scan.bytes += obj.data.len() as u64;
        let outcome = scanner.scan(&path, &obj.data, None);
        if outcome.skipped.is_some() {
            scan.skipped += 1;
        }
        let mut findings = outcome.findings;
        if findings.is_empty() {
            continue;
        }
        let old_data = old.and_then(|old| repo.find_object(old).ok());
        let before: HashSet<&[u8]> = old_data
            .as_ref()
            .map(|o| o.data.split(|b| *b == b'\n').collect())
            .unwrap_or_default();
        let lines: Vec<&[u8]> = obj.data.split(|b| *b == b'\n').collect();
        // Only what the change adds: lines the HEAD version does not have.
        let added = |line: u32| {
            let i = usize::try_from(line).unwrap_or(0).saturating_sub(1);
            lines.get(i).is_none_or(|l| !before.contains(l))
        };
        findings.retain(|f| added(f.line));
        if findings.is_empty() {
            continue;
        }
        let s = apply_comment_suppressions(&obj.data, &mut findings);
        // A reason-less comment is reported when the change adds it or it
        // covers a line the change adds a secret on.
        let text = String::from_utf8_lossy(&obj.data);
        let relevant: HashSet<u32> = comment_directives(&text)
            .into_iter()
            .filter(|(target, d)| added(d.line) || findings.iter().any(|f| f.line == *target))
            .map(|(_, d)| d.line)
            .collect();
        scan.unexplained.extend(
            s.missing_reasons(&path)
                .into_iter()
                .filter(|f| relevant.contains(&f.location.line)),
        );
        scan.findings.extend(findings);
    }
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}

//! One vulnerability, one finding: advisories that name each other (a
//! GHSA listing a CVE, a distro advisory listing the same CVE) are
//! grouped, transitively, and reported under one id.

use crate::osv::Advisory;
use std::collections::{BTreeSet, HashMap};

/// Advisories that describe one vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The id the finding carries: the CVE when there is one, else the
    /// smallest id.
    pub id: String,
    /// Every other id of the vulnerability, sorted.
    pub aliases: Vec<String>,
    /// Indexes of the grouped advisories in the input.
    pub members: Vec<usize>,
}

/// Union-find over ids.
struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    fn find(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb
            && let Some(slot) = self.parent.get_mut(ra.max(rb))
        {
            *slot = ra.min(rb);
        }
    }
}

/// Groups `advisories` by shared ids and aliases, in order of first
/// appearance.
pub fn group(advisories: &[&Advisory]) -> Vec<Group> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for a in advisories {
        for name in std::iter::once(a.id.as_str()).chain(a.aliases.iter().map(String::as_str)) {
            if !index.contains_key(name) {
                index.insert(name, names.len());
                names.push(name);
            }
        }
    }
    let mut sets = Sets {
        parent: (0..names.len()).collect(),
    };
    for a in advisories {
        let Some(&first) = index.get(a.id.as_str()) else {
            continue;
        };
        for alias in &a.aliases {
            if let Some(&j) = index.get(alias.as_str()) {
                sets.union(first, j);
            }
        }
    }
    let mut groups: Vec<(usize, BTreeSet<String>, Vec<usize>)> = Vec::new();
    let mut by_root: HashMap<usize, usize> = HashMap::new();
    for (i, a) in advisories.iter().enumerate() {
        let Some(&k) = index.get(a.id.as_str()) else {
            continue;
        };
        let root = sets.find(k);
        let g = *by_root.entry(root).or_insert_with(|| {
            groups.push((root, BTreeSet::new(), Vec::new()));
            groups.len() - 1
        });
        if let Some(entry) = groups.get_mut(g) {
            entry.1.insert(a.id.clone());
            entry.1.extend(a.aliases.iter().cloned());
            entry.2.push(i);
        }
    }
    groups
        .into_iter()
        .map(|(_, ids, members)| {
            let id = ids
                .iter()
                .find(|i| i.starts_with("CVE-"))
                .or_else(|| ids.iter().next())
                .cloned()
                .unwrap_or_default();
            let aliases = ids.into_iter().filter(|i| *i != id).collect();
            Group {
                id,
                aliases,
                members,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn adv(id: &str, aliases: &[&str]) -> Advisory {
        let aliases: Vec<String> = aliases.iter().map(|a| format!("{a:?}")).collect();
        Advisory::from_json(
            format!(r#"{{"id":"{id}","aliases":[{}]}}"#, aliases.join(",")).as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn one_cve_through_ghsa_and_distro_is_one_group() {
        let ghsa = adv("GHSA-aaaa-bbbb-cccc", &["CVE-2024-1"]);
        let debian = adv("DSA-5000-1", &["CVE-2024-1"]);
        let go = adv("GO-2024-0001", &["GHSA-aaaa-bbbb-cccc"]);
        let other = adv("GHSA-zzzz-zzzz-zzzz", &["CVE-2024-2"]);
        let groups = group(&[&ghsa, &other, &debian, &go]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].id, "CVE-2024-1");
        assert_eq!(groups[0].members, [0, 2, 3]);
        assert_eq!(
            groups[0].aliases,
            ["DSA-5000-1", "GHSA-aaaa-bbbb-cccc", "GO-2024-0001"]
        );
        assert_eq!(groups[1].id, "CVE-2024-2");
        let lone = adv("GO-2024-0002", &[]);
        assert_eq!(group(&[&lone])[0].id, "GO-2024-0002");
    }
}

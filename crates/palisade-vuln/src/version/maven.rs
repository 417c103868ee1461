//! Maven versions, ordered as Maven 3.8's `ComparableVersion` orders
//! them: items split at `.`, `-` and every change between digits and
//! letters, a `-` or a letter-digit change opening a sub-list; numbers
//! compared numerically; the qualifiers `alpha` < `beta` < `milestone` <
//! `rc` < `snapshot` < (release) < `sp`, then any other qualifier
//! alphabetically; trailing zeros and release qualifiers dropped, so
//! `1.0.0`, `1` and `1-ga` are one version.

use super::Digits;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Int(Digits),
    /// A qualifier, lowercased and unaliased.
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// `comparableQualifier("")`.
const RELEASE_INDEX: &str = "5";

/// Maven's `comparableQualifier`: the known qualifiers by rank, others
/// after them alphabetically.
fn comparable_qualifier(q: &str) -> String {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

/// Java's `String.compareTo` sign (UTF-16 code units).
fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

impl Item {
    fn string(value: &str, followed_by_digit: bool) -> Item {
        let value = match value {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            v => v,
        };
        let value = match value {
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            v => v,
        };
        Item::Str(value.to_string())
    }

    fn number(digits: &str) -> Item {
        Item::Int(Digits::new(digits))
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_zero(),
            Item::Str(s) => comparable_qualifier(s) == RELEASE_INDEX,
            Item::List(l) => l.is_empty(),
        }
    }

    /// `compareTo(other)`, `None` being Java's `null` (a missing item).
    fn compare(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(d), None) => {
                if d.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Str(s), None) => java_cmp(&comparable_qualifier(s), RELEASE_INDEX),
            (Item::List(l), None) => l
                .iter()
                .map(|i| i.compare(None))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal),
            (Item::Int(a), Some(Item::Int(b))) => a.cmp(b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(_), Some(Item::Int(_) | Item::List(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => {
                java_cmp(&comparable_qualifier(a), &comparable_qualifier(b))
            }
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(l), Some(Item::List(r))) => {
                for i in 0..l.len().max(r.len()) {
                    let result = match (l.get(i), r.get(i)) {
                        (None, None) => Ordering::Equal,
                        (None, Some(r)) => r.compare(None).reverse(),
                        (Some(l), r) => l.compare(r),
                    };
                    if result != Ordering::Equal {
                        return result;
                    }
                }
                Ordering::Equal
            }
        }
    }
}

/// Removes trailing null items (zeros, release qualifiers, empty lists),
/// looking through trailing lists as Maven's `normalize` does.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        let Some(last) = list.get(i) else { break };
        if last.is_null() {
            list.remove(i);
        } else if !matches!(last, Item::List(_)) {
            break;
        }
    }
}

/// A Maven version.
#[derive(Debug, Clone)]
pub struct Version {
    items: Vec<Item>,
}

impl Version {
    /// Parses as `new ComparableVersion(version)`: never fails.
    pub fn parse(version: &str) -> Self {
        let version = version.to_lowercase();
        // The open lists, innermost last; each finished list is folded
        // into its parent when a new one opens or at the end.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut start = 0usize;
        let item = |is_digit: bool, buf: &str| {
            if is_digit {
                Item::number(buf)
            } else {
                Item::string(buf, false)
            }
        };
        let push = |stack: &mut Vec<Vec<Item>>, it: Item| {
            if let Some(top) = stack.last_mut() {
                top.push(it);
            }
        };
        for (i, c) in version.char_indices() {
            let text = version.get(start..i).unwrap_or("");
            match c {
                '.' => {
                    push(
                        &mut stack,
                        if i == start {
                            Item::number("0")
                        } else {
                            item(is_digit, text)
                        },
                    );
                    start = i + 1;
                }
                '-' => {
                    push(
                        &mut stack,
                        if i == start {
                            Item::number("0")
                        } else {
                            item(is_digit, text)
                        },
                    );
                    start = i + 1;
                    stack.push(Vec::new());
                }
                c if c.is_ascii_digit() => {
                    if !is_digit && i > start {
                        // As at the end (below): a qualifier after `.`
                        // opens a sub-list.
                        if stack.last().is_some_and(|l| !l.is_empty()) {
                            stack.push(Vec::new());
                        }
                        push(&mut stack, Item::string(text, true));
                        start = i;
                        stack.push(Vec::new());
                    }
                    is_digit = true;
                }
                _ => {
                    if is_digit && i > start {
                        push(&mut stack, Item::number(text));
                        start = i;
                        stack.push(Vec::new());
                    }
                    is_digit = false;
                }
            }
        }
        if version.len() > start {
            let text = version.get(start..).unwrap_or("");
            // Maven 3.8 (MNG-6964): a trailing qualifier after `.` counts
            // as after `-` (`1.0.0.X1 < 1.0.0-X2`).
            if !is_digit && stack.last().is_some_and(|l| !l.is_empty()) {
                stack.push(Vec::new());
            }
            push(&mut stack, item(is_digit, text));
        }
        // Close the lists innermost first: each is normalised, then
        // becomes the last item of its parent.
        while stack.len() > 1 {
            let Some(mut inner) = stack.pop() else { break };
            normalize(&mut inner);
            push(&mut stack, Item::List(inner));
        }
        let mut items = stack.pop().unwrap_or_default();
        normalize(&mut items);
        Self { items }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        Item::List(self.items.clone()).compare(Some(&Item::List(other.items.clone())))
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn maven_documented_order() {
        let ordered = [
            "1-alpha1",
            "1-beta1",
            "1-milestone1",
            "1-rc1",
            "1-SNAPSHOT",
            "1",
            "1-sp1",
            "1-foo",
            "1-1",
            "1.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Version::parse(w[0]).cmp(&Version::parse(w[1])),
                Ordering::Less,
                "{} < {}",
                w[0],
                w[1]
            );
        }
        for (a, b) in [
            ("1.0.0", "1"),
            ("1-ga", "1"),
            ("1.0final", "1"),
            ("1CR1", "1-rc-1"),
        ] {
            assert_eq!(Version::parse(a), Version::parse(b), "{a} = {b}");
        }
    }
}

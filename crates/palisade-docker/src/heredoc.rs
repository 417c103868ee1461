//! Finding the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`).
//!
//! BuildKit splits the instruction into shell words (quotes respected) and
//! treats a word that starts with `<<` (after an optional file-descriptor
//! number) as a heredoc opener; `<<<` is a here-string, and a `<<` inside
//! quotes or in the middle of a word (`$((1<<2))`) opens nothing.

/// A heredoc opener found in an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// Byte offset of the opener's word in the arguments.
    pub offset: usize,
    /// The delimiter, quotes removed.
    pub delimiter: String,
    /// `<<-`: leading tabs are removed from body lines and the delimiter line.
    pub strip_tabs: bool,
    /// The delimiter was quoted, so the body is not expanded by the shell.
    pub quoted: bool,
}

impl Marker {
    /// The opener as it reads in the Dockerfile, e.g. `<<-EOF`.
    pub fn opener(&self) -> String {
        let dash = if self.strip_tabs { "-" } else { "" };
        if self.quoted {
            format!("<<{dash}\"{}\"", self.delimiter)
        } else {
            format!("<<{dash}{}", self.delimiter)
        }
    }
}

/// Heredoc openers in `args`, in order.
pub fn markers(args: &str) -> Vec<Marker> {
    crate::shell::raw_words(args)
        .into_iter()
        .filter_map(|(offset, word)| opener(offset, word))
        .collect()
}

fn opener(offset: usize, word: &str) -> Option<Marker> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let quoted = rest.contains(['"', '\'']);
    let delimiter: String = rest.chars().filter(|c| !matches!(c, '"' | '\'')).collect();
    (!delimiter.is_empty()).then_some(Marker {
        offset,
        delimiter,
        strip_tabs,
        quoted,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    fn delimiters(args: &str) -> Vec<String> {
        markers(args).into_iter().map(|m| m.opener()).collect()
    }

    #[test]
    fn openers() {
        assert_eq!(delimiters("<<EOF"), vec!["<<EOF"]);
        assert_eq!(delimiters("python3 <<-'PY' > out"), vec!["<<-\"PY\""]);
        assert_eq!(delimiters("cat 3<<A <<\"B\""), vec!["<<A", "<<\"B\""]);
        assert_eq!(markers("x <<EOF")[0].offset, 2);
    }

    #[test]
    fn not_openers() {
        assert!(delimiters("cat <<<word").is_empty());
        assert!(delimiters("echo '<<EOF'").is_empty());
        assert!(delimiters("echo \"a <<EOF\"").is_empty());
        assert!(delimiters("echo $((1<<2))").is_empty());
        assert!(delimiters("cat << EOF").is_empty());
        assert!(delimiters("cat <<").is_empty());
        assert!(delimiters("cat <<''").is_empty());
    }
}

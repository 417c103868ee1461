//! Dockerfile text to a list of [`Instruction`]s, the way BuildKit reads it.
//!
//! The steps, in one pass over the physical lines:
//! 1. parser directives (`# syntax=`, `# escape=`, `# check=`) at the very
//!    top, before any comment, blank line or instruction;
//! 2. comment lines (first non-blank character `#`) are dropped, also in the
//!    middle of a continued instruction, as are blank continuation lines;
//! 3. a line ending in the escape character (`\` or the one set by
//!    `# escape=`), maybe followed by blanks, continues on the next line;
//! 4. `RUN`, `COPY` and `ADD` in shell form may open heredocs (`<<EOF`,
//!    `<<-EOF`, `<<"EOF"`): the following lines up to each delimiter are
//!    bodies, never instructions.
//!
//! Limits: the caller rejects oversized files; a physical line longer than
//! [`MAX_LINE_BYTES`] is an error and the instruction holding it is dropped.

use crate::heredoc::{self, Marker};

/// The longest physical line read, in bytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// One instruction: its keyword and the rest of its logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword in upper case (`RUN`, `FROM`, ...; unknown ones kept as written, upper-cased).
    pub keyword: String,
    /// Line of the keyword, from 1.
    pub line: u32,
    /// Column of the keyword, from 1, in characters.
    pub column: u32,
    /// Everything after the keyword, continuation lines joined (the escape
    /// character and line break removed, as BuildKit does), leading blanks trimmed.
    pub args: String,
    /// Heredocs opened by this instruction, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A heredoc body read after an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// Where and how it was opened in [`Instruction::args`].
    pub marker: Marker,
    /// The body, each line followed by `\n` (leading tabs removed for `<<-`).
    pub body: String,
}

/// A problem found while reading the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Line of the problem, from 1.
    pub line: u32,
    /// Column, when it has one.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// The result of reading a Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Instructions in file order.
    pub instructions: Vec<Instruction>,
    /// Problems; what could be read is still in `instructions`.
    pub errors: Vec<ParseError>,
    /// The escape character in effect.
    pub escape: char,
}

/// Physical lines with 1-based numbers, `\r` of CRLF endings removed.
struct Lines<'a> {
    inner: std::iter::Enumerate<std::str::SplitInclusive<'a, char>>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u32, &'a str);
    fn next(&mut self) -> Option<(u32, &'a str)> {
        let (i, raw) = self.inner.next()?;
        let n = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        Some((n, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// Reads `source` into instructions. Never panics.
pub fn parse(source: &str) -> Parsed {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = Lines {
        inner: source.split_inclusive('\n').enumerate(),
    };
    let mut out = Parsed {
        escape: '\\',
        ..Parsed::default()
    };
    let mut directives_open = true;

    while let Some((n, line)) = lines.next() {
        if line.len() > MAX_LINE_BYTES {
            out.errors.push(long_line(n));
            directives_open = false;
            // The rest of a continued instruction must not be read as a new one.
            if ends_with_escape(line, out.escape) {
                skip_continuation(&mut lines, out.escape);
            }
            continue;
        }
        let trimmed = line.trim_start();
        if directives_open {
            if let Some((name, value)) = directive(trimmed) {
                match name.as_str() {
                    "escape" => match value {
                        "\\" => out.escape = '\\',
                        "`" => out.escape = '`',
                        other => out.errors.push(ParseError {
                            line: n,
                            column: None,
                            message: format!(
                                "invalid escape directive `{}`: it must be `\\` or a backtick",
                                shorten(other)
                            ),
                        }),
                    },
                    "syntax" | "check" => {}
                    // An unknown directive is a comment and ends the directives.
                    _ => directives_open = false,
                }
                continue;
            }
            directives_open = false;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let column = column_of(line, trimmed);
        let (text, mut dropped) = logical_line(trimmed, &mut lines, out.escape, &mut out.errors);
        let (keyword, args) = split_keyword(&text);
        let mut instruction = Instruction {
            keyword: keyword.to_ascii_uppercase(),
            line: n,
            column,
            args: args.to_string(),
            heredocs: Vec::new(),
        };
        if matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD")
            && !crate::shell::is_exec_form(crate::shell::split_flags(&instruction.args).1)
        {
            dropped |= read_heredocs(&mut instruction, &mut lines, &mut out.errors);
        }
        if !dropped {
            out.instructions.push(instruction);
        }
    }
    out
}

/// The instruction starting on `first`, its continuation lines joined.
/// Also says whether a line over the limit made it unusable.
fn logical_line(
    first: &str,
    lines: &mut Lines<'_>,
    escape: char,
    errors: &mut Vec<ParseError>,
) -> (String, bool) {
    let (start, mut continues) = strip_continuation(first, escape);
    let mut text = start.to_string();
    let mut dropped = false;
    while continues {
        let Some((m, next)) = lines.next() else { break };
        if next.len() > MAX_LINE_BYTES {
            errors.push(long_line(m));
            dropped = true;
            continues = ends_with_escape(next, escape);
            continue;
        }
        let t = next.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let piece;
        (piece, continues) = strip_continuation(next, escape);
        text.push_str(piece);
    }
    (text, dropped)
}

/// Reads the bodies of the heredocs `instruction` opens. Returns whether a
/// line over the limit made the instruction unusable.
fn read_heredocs(
    instruction: &mut Instruction,
    lines: &mut Lines<'_>,
    errors: &mut Vec<ParseError>,
) -> bool {
    let mut dropped = false;
    for marker in heredoc::markers(&instruction.args) {
        match read_body(lines, &marker) {
            Ok(body) => instruction.heredocs.push(Heredoc { marker, body }),
            Err(BodyError::TooLong(m, body)) => {
                errors.push(long_line(m));
                dropped = true;
                instruction.heredocs.push(Heredoc { marker, body });
            }
            Err(BodyError::Unterminated(body)) => {
                errors.push(ParseError {
                    line: instruction.line,
                    column: Some(instruction.column),
                    message: format!(
                        "unterminated heredoc: `{}` opened by {} has no closing `{}` line",
                        shorten(&marker.opener()),
                        instruction.keyword,
                        shorten(&marker.delimiter)
                    ),
                });
                instruction.heredocs.push(Heredoc { marker, body });
                // The file has ended: later openers have no body either.
                break;
            }
        }
    }
    dropped
}

enum BodyError {
    /// A body line over the limit (its number), and what was read.
    TooLong(u32, String),
    /// End of file before the delimiter, and what was read.
    Unterminated(String),
}

/// Reads heredoc body lines up to the delimiter line.
fn read_body(lines: &mut Lines<'_>, marker: &Marker) -> Result<String, BodyError> {
    let mut body = String::new();
    let mut too_long = None;
    for (n, line) in lines.by_ref() {
        if line.len() > MAX_LINE_BYTES {
            too_long.get_or_insert(n);
            continue;
        }
        let line = if marker.strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        if line == marker.delimiter {
            return match too_long {
                Some(m) => Err(BodyError::TooLong(m, body)),
                None => Ok(body),
            };
        }
        body.push_str(line);
        body.push('\n');
    }
    match too_long {
        Some(m) => Err(BodyError::TooLong(m, body)),
        None => Err(BodyError::Unterminated(body)),
    }
}

/// Consumes the lines of a continued instruction that is being dropped.
fn skip_continuation(lines: &mut Lines<'_>, escape: char) {
    for (_, line) in lines.by_ref() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !ends_with_escape(line, escape) {
            break;
        }
    }
}

fn long_line(n: u32) -> ParseError {
    ParseError {
        line: n,
        column: None,
        message: format!(
            "line is longer than {} MiB; the instruction holding it is not checked",
            MAX_LINE_BYTES / (1024 * 1024)
        ),
    }
}

/// `# name=value` at the top of the file; the name in lower case.
fn directive(trimmed: &str) -> Option<(String, &str)> {
    let rest = trimmed.strip_prefix('#')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = after.trim_start().strip_prefix('=')?;
    Some((name.to_ascii_lowercase(), value.trim()))
}

/// Whether the line ends with the escape character, maybe followed by blanks.
fn ends_with_escape(line: &str, escape: char) -> bool {
    line.trim_end_matches([' ', '\t']).ends_with(escape)
}

/// The line without its trailing continuation, and whether it had one.
fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    match t.strip_suffix(escape) {
        Some(s) => (s, true),
        None => (line, false),
    }
}

/// Keyword and arguments of a logical line.
fn split_keyword(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find(char::is_whitespace) {
        Some(i) => {
            let (k, a) = text.split_at(i);
            (k, a.trim())
        }
        None => (text, ""),
    }
}

/// 1-based column, in characters, where `trimmed` starts within `line`.
fn column_of(line: &str, trimmed: &str) -> u32 {
    let lead = line.len().saturating_sub(trimmed.len());
    let chars = line.get(..lead).map_or(0, |s| s.chars().count());
    u32::try_from(chars).unwrap_or(u32::MAX).saturating_add(1)
}

/// Keeps user-controlled text in messages short.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn keywords(p: &Parsed) -> Vec<(&str, u32, u32)> {
        p.instructions
            .iter()
            .map(|i| (i.keyword.as_str(), i.line, i.column))
            .collect()
    }

    #[test]
    fn continuation_lines_are_joined() {
        let p = parse("FROM alpine\nRUN apk add \\\n    curl \\\n    git\nUSER app\n");
        assert!(p.errors.is_empty());
        assert_eq!(
            keywords(&p),
            vec![("FROM", 1, 1), ("RUN", 2, 1), ("USER", 5, 1)]
        );
        assert_eq!(p.instructions[1].args, "apk add     curl     git");
    }

    #[test]
    fn comments_and_blank_lines_inside_continuations_are_skipped() {
        let p = parse("RUN a \\\n# comment\n\n   \n  b\nCMD x");
        assert_eq!(keywords(&p), vec![("RUN", 1, 1), ("CMD", 6, 1)]);
        assert_eq!(p.instructions[0].args, "a   b");
    }

    #[test]
    fn trailing_blanks_after_escape_still_continue() {
        let p = parse("RUN a \\  \n b\n");
        assert_eq!(p.instructions.len(), 1);
        assert_eq!(p.instructions[0].args, "a  b");
    }

    #[test]
    fn escape_directive_sets_backtick() {
        let p = parse(
            "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir C:\\ `\n  /s\nCOPY a C:\\\n",
        );
        assert_eq!(p.escape, '`');
        assert_eq!(
            keywords(&p),
            vec![("FROM", 2, 1), ("RUN", 3, 1), ("COPY", 5, 1)]
        );
        assert_eq!(p.instructions[1].args, "dir C:\\   /s");
        assert_eq!(p.instructions[2].args, "a C:\\");
    }

    #[test]
    fn directives_only_count_at_the_top() {
        let p = parse("FROM a\n# escape=`\nRUN x `\nRUN y\n");
        assert_eq!(p.escape, '\\');
        assert_eq!(p.instructions.len(), 3);
        let p = parse("# syntax=docker/dockerfile:1\n#Escape = `\nRUN x `\n y\n");
        assert_eq!(p.escape, '`');
        assert_eq!(p.instructions.len(), 1);
        // An unknown directive is a comment, which ends the directives.
        let p = parse("# foo=bar\n# escape=`\nRUN x `\nRUN y\n");
        assert_eq!(p.escape, '\\');
        assert_eq!(p.instructions.len(), 2);
    }

    #[test]
    fn invalid_escape_is_an_error() {
        let p = parse("# escape=x\nFROM a\n");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, 1);
        assert_eq!(p.escape, '\\');
    }

    #[test]
    fn lowercase_keywords_and_indentation() {
        let p = parse("from alpine as build\n  run echo hi\n\tUser app\n");
        assert_eq!(
            keywords(&p),
            vec![("FROM", 1, 1), ("RUN", 2, 3), ("USER", 3, 2)]
        );
        assert_eq!(p.instructions[0].args, "alpine as build");
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let src = "FROM alpine\nRUN <<EOF\nUSER root\nFROM evil\nEOF\nCOPY <<-'END' /etc/x\n\tUSER nobody\n\tEND\nUSER app\n";
        let p = parse(src);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            keywords(&p),
            vec![
                ("FROM", 1, 1),
                ("RUN", 2, 1),
                ("COPY", 6, 1),
                ("USER", 9, 1)
            ]
        );
        assert_eq!(p.instructions[1].heredocs[0].body, "USER root\nFROM evil\n");
        let copy = &p.instructions[2].heredocs[0];
        assert_eq!(copy.body, "USER nobody\n");
        assert!(copy.marker.quoted && copy.marker.strip_tabs);
    }

    #[test]
    fn several_heredocs_in_one_instruction() {
        let p = parse("RUN <<A cat - <<\"B\"\na\nA\nb\nB\nUSER x\n");
        assert_eq!(p.instructions.len(), 2);
        let h = &p.instructions[0].heredocs;
        assert_eq!((h[0].body.as_str(), h[1].body.as_str()), ("a\n", "b\n"));
    }

    #[test]
    fn heredoc_only_for_shell_form_run_copy_add() {
        let p = parse("CMD cat <<EOF\nUSER root\nRUN [\"sh\", \"<<EOF\"]\nEOF\n");
        assert_eq!(keywords(&p).len(), 4);
        assert!(p.errors.is_empty());
        // Quoted `<<` and here-strings are not heredocs.
        let p = parse("RUN echo '<<EOF' && cat <<<EOF\nUSER root\n");
        assert_eq!(p.instructions.len(), 2);
    }

    #[test]
    fn unterminated_heredoc_is_an_error_but_earlier_instructions_stay() {
        let p = parse("FROM a\nUSER root\nRUN <<EOF\necho\n");
        assert_eq!(p.instructions.len(), 3);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, 3);
        assert!(p.errors[0].message.contains("unterminated heredoc"));
        assert_eq!(p.instructions[2].heredocs[0].body, "echo\n");
    }

    #[test]
    fn crlf_and_bom() {
        let p = parse("\u{feff}FROM a\r\nRUN x \\\r\n y\r\n");
        assert_eq!(keywords(&p), vec![("FROM", 1, 1), ("RUN", 2, 1)]);
        assert_eq!(p.instructions[1].args, "x  y");
    }

    #[test]
    fn long_lines_are_errors_and_drop_their_instruction() {
        let long = "x".repeat(MAX_LINE_BYTES + 1);
        let src = format!("FROM a\nRUN a \\\n{long} \\\n b\nUSER app\nRUN {long}\n");
        let p = parse(&src);
        assert_eq!(keywords(&p), vec![("FROM", 1, 1), ("USER", 5, 1)]);
        assert_eq!(
            p.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![3, 6]
        );
    }
}

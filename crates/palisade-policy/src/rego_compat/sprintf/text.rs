//! Strings as Go's fmt writes them: `%q` (strconv.Quote), `%x` of bytes.

use super::{Spec, pad, push_n, truncate};
use std::fmt::Write as _;

/// Go's `strconv.Quote` (or `QuoteToASCII` when `ascii`).
pub(super) fn quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', ascii);
    }
    out.push('"');
    out
}

pub(super) fn push_escaped(out: &mut String, c: char, q: char, ascii: bool) {
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == q => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (ascii && !c.is_ascii()) || !is_print(c) => {
            if (c as u32) < 0x10000 {
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
        c => out.push(c),
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space.
pub(super) fn is_print(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    c == ' '
        || matches!(
            get_general_category(c),
            G::UppercaseLetter
                | G::LowercaseLetter
                | G::TitlecaseLetter
                | G::ModifierLetter
                | G::OtherLetter
                | G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
                | G::DecimalNumber
                | G::LetterNumber
                | G::OtherNumber
                | G::ConnectorPunctuation
                | G::DashPunctuation
                | G::OpenPunctuation
                | G::ClosePunctuation
                | G::InitialPunctuation
                | G::FinalPunctuation
                | G::OtherPunctuation
                | G::MathSymbol
                | G::CurrencySymbol
                | G::ModifierSymbol
                | G::OtherSymbol
        )
}

pub(super) fn fmt_sx(out: &mut String, text: &str, upper: bool, s: &Spec) {
    let bytes = text.as_bytes();
    let length = s.prec.map_or(bytes.len(), |p| p.min(bytes.len()));
    let mut width = 2 * length;
    if width > 0 {
        if s.space {
            if s.sharp {
                width *= 2;
            }
            width += length - 1;
        } else if s.sharp {
            width += 2;
        }
    } else {
        if let Some(w) = s.wid {
            push_n(out, if s.zero && !s.minus { '0' } else { ' ' }, w);
        }
        return;
    }
    let padc = if s.zero && !s.minus { '0' } else { ' ' };
    if let Some(w) = s.wid
        && w > width
        && !s.minus
    {
        push_n(out, padc, w - width);
    }
    let x = if upper { "0X" } else { "0x" };
    if s.sharp {
        out.push_str(x);
    }
    for (i, b) in bytes.iter().take(length).enumerate() {
        if s.space && i > 0 {
            out.push(' ');
            if s.sharp {
                out.push_str(x);
            }
        }
        if upper {
            let _ = write!(out, "{b:02X}");
        } else {
            let _ = write!(out, "{b:02x}");
        }
    }
    if let Some(w) = s.wid
        && w > width
        && s.minus
    {
        push_n(out, ' ', w - width);
    }
}

pub(super) fn fmt_q(out: &mut String, text: &str, s: &Spec) {
    let text = truncate(text, s.prec);
    if s.sharp && can_backquote(text) {
        pad(out, &format!("`{text}`"), s);
        return;
    }
    pad(out, &quote(text, s.plus), s);
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

//! Colour only when asked for.
#![allow(missing_docs)]

use crate::common::{clean, hostile, options, rendered, sample};
use palisade_report::{Format, RenderOptions};

#[test]
fn no_escape_sequences_without_colour() {
    for report in [sample(), clean(), hostile()] {
        for format in [Format::Table, Format::Json, Format::Sarif, Format::Junit] {
            for show in [false, true] {
                let out = rendered(&report, format, &options(show));
                assert!(!out.contains('\u{1b}'), "{format} wrote an escape sequence");
            }
        }
    }
}

#[test]
fn table_is_coloured_by_severity_when_asked() {
    let colored = RenderOptions {
        color: true,
        ..options(true)
    };
    let out = rendered(&sample(), Format::Table, &colored);
    assert!(out.contains("\u{1b}["));
    // Each severity has its own colour: critical and info are styled
    // differently.
    let styled = |word: &str| {
        out.lines()
            .find_map(|l| {
                let at = l.find(word)?;
                let start = l.get(..at)?.rfind('\u{1b}')?;
                l.get(start..at).map(str::to_string)
            })
            .unwrap_or_default()
    };
    assert!(!styled("critical").is_empty());
    assert_ne!(styled("critical"), styled("info"));
    // Text from the scanned files never carries raw escape sequences, even
    // with colour on: every ESC in the output starts one of ours (SGR).
    let out = rendered(&hostile(), Format::Table, &colored);
    for (i, _) in out.match_indices('\u{1b}') {
        let rest = out.get(i..).unwrap_or_default();
        assert!(
            rest.starts_with("\u{1b}[0m")
                || rest.starts_with("\u{1b}[1m")
                || rest.starts_with("\u{1b}[2m")
                || rest.starts_with("\u{1b}[3")
                || rest.starts_with("\u{1b}[9"),
            "unexpected escape at {i}"
        );
    }
    assert!(!out.contains("\u{1b}[31mred"));
}

//! Snapshots of every format, for a report with findings and for a clean one.
#![allow(missing_docs, clippy::unwrap_used)]

use crate::common::{clean, hostile, options, rendered, sample};
use palisade_report::Format;

#[test]
fn table() {
    insta::assert_snapshot!("table", rendered(&sample(), Format::Table, &options(false)));
}

#[test]
fn table_show_suppressed() {
    insta::assert_snapshot!(
        "table_show_suppressed",
        rendered(&sample(), Format::Table, &options(true))
    );
}

#[test]
fn table_clean() {
    insta::assert_snapshot!(
        "table_clean",
        rendered(&clean(), Format::Table, &options(false))
    );
}

#[test]
fn table_hostile() {
    insta::assert_snapshot!(
        "table_hostile",
        rendered(&hostile(), Format::Table, &options(true))
    );
}

#[test]
fn json() {
    insta::assert_snapshot!("json", rendered(&sample(), Format::Json, &options(false)));
}

#[test]
fn json_clean() {
    insta::assert_snapshot!(
        "json_clean",
        rendered(&clean(), Format::Json, &options(false))
    );
}

#[test]
fn sarif() {
    insta::assert_snapshot!("sarif", rendered(&sample(), Format::Sarif, &options(false)));
}

#[test]
fn sarif_clean() {
    insta::assert_snapshot!(
        "sarif_clean",
        rendered(&clean(), Format::Sarif, &options(false))
    );
}

#[test]
fn junit() {
    insta::assert_snapshot!("junit", rendered(&sample(), Format::Junit, &options(false)));
}

#[test]
fn junit_show_suppressed() {
    insta::assert_snapshot!(
        "junit_show_suppressed",
        rendered(&sample(), Format::Junit, &options(true))
    );
}

#[test]
fn junit_clean() {
    insta::assert_snapshot!(
        "junit_clean",
        rendered(&clean(), Format::Junit, &options(false))
    );
}

#[test]
fn junit_hostile() {
    insta::assert_snapshot!(
        "junit_hostile",
        rendered(&hostile(), Format::Junit, &options(true))
    );
}

/// The machine formats do not depend on `show_suppressed` or `color`.
#[test]
fn machine_formats_ignore_display_options() {
    let colored = palisade_report::RenderOptions {
        color: true,
        ..options(true)
    };
    for format in [Format::Json, Format::Sarif] {
        assert_eq!(
            rendered(&sample(), format, &options(false)),
            rendered(&sample(), format, &colored)
        );
    }
}

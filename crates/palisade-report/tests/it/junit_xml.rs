//! The JUnit output is well-formed XML (checked with a strict parser),
//! hostile text round-trips, and the counts add up.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common::{HOSTILE, clean, hostile, options, rendered, sample};
use palisade_report::Format;

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"))
}

fn attr_usize(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
    node.attribute(name).unwrap().parse().unwrap()
}

/// Characters XML 1.0 does not allow anywhere in a document.
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// The counts on each suite and on the root match the test cases.
fn check_counts(doc: &roxmltree::Document<'_>) {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let mut totals = [0; 4];
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                .count()
        };
        let got = [
            cases.len(),
            count("failure"),
            count("error"),
            count("skipped"),
        ];
        let declared = [
            attr_usize(suite, "tests"),
            attr_usize(suite, "failures"),
            attr_usize(suite, "errors"),
            attr_usize(suite, "skipped"),
        ];
        assert_eq!(got, declared, "suite {:?}", suite.attribute("name"));
        assert!(!cases.is_empty());
        for (t, g) in totals.iter_mut().zip(got) {
            *t += g;
        }
    }
    let declared = [
        attr_usize(root, "tests"),
        attr_usize(root, "failures"),
        attr_usize(root, "errors"),
        attr_usize(root, "skipped"),
    ];
    assert_eq!(totals, declared);
}

#[test]
fn sample_is_well_formed_and_counts_add_up() {
    for show in [false, true] {
        let xml = rendered(&sample(), Format::Junit, &options(show));
        let doc = parse(&xml);
        check_counts(&doc);
        let root = doc.root_element();
        // 7 unsuppressed findings fail; 2 input errors error; suppressed
        // findings are skipped only when shown.
        assert_eq!(attr_usize(root, "failures"), 7);
        assert_eq!(attr_usize(root, "errors"), 2);
        assert_eq!(attr_usize(root, "skipped"), if show { 3 } else { 0 });

        let suites: Vec<&str> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("name").unwrap())
            .collect();
        let mut sorted = suites.clone();
        sorted.sort_unstable();
        assert_eq!(suites, sorted, "suites in path order");
        assert!(suites.contains(&"stdin"));
        assert!(suites.contains(&"deploy/cni.yaml"));

        // A file whose only finding is suppressed: skipped when shown,
        // otherwise one passing test case.
        let cni = root
            .children()
            .find(|n| n.attribute("name") == Some("deploy/cni.yaml"))
            .unwrap();
        let case = cni.children().find(|n| n.has_tag_name("testcase")).unwrap();
        if show {
            assert!(case.children().any(|n| n.has_tag_name("skipped")));
        } else {
            assert_eq!(case.attribute("name"), Some("no findings"));
            assert!(!case.children().any(|n| n.is_element()));
        }
    }
}

#[test]
fn failure_carries_severity_location_and_message() {
    let xml = rendered(&sample(), Format::Junit, &options(false));
    let doc = parse(&xml);
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure")
                && n.attribute("message")
                    == Some("Container `web` sets securityContext.privileged to true")
        })
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("high"));
    let text = failure.text().unwrap();
    assert!(text.starts_with("deploy/web.yaml:12:7: high PSS002"));
    assert!(text.contains("Deployment/shop/web"));
    let case = failure.parent().unwrap();
    assert_eq!(case.attribute("classname"), Some("deploy/web.yaml"));
    assert_eq!(case.attribute("file"), Some("deploy/web.yaml"));
    assert_eq!(case.attribute("line"), Some("12"));

    let error = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("error") && n.text().unwrap().starts_with("deploy/broken.yaml:3:5:")
        })
        .unwrap();
    assert_eq!(
        error.attribute("message"),
        Some("mapping values are not allowed in this context")
    );
}

#[test]
fn clean_report_is_one_passing_test() {
    let xml = rendered(&clean(), Format::Junit, &options(false));
    let doc = parse(&xml);
    check_counts(&doc);
    let root = doc.root_element();
    assert_eq!(attr_usize(root, "tests"), 1);
    assert_eq!(attr_usize(root, "failures"), 0);
}

/// What the renderer writes for a character XML 1.0 cannot hold.
fn expected(text: &str) -> String {
    text.chars()
        .map(|c| {
            if xml_char_ok(c) {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect()
}

#[test]
fn hostile_text_is_escaped_and_round_trips() {
    let xml = rendered(&hostile(), Format::Junit, &options(true));
    assert!(xml.chars().all(xml_char_ok), "a character XML 1.0 forbids");
    assert!(!xml.contains("]]>"));
    assert!(!xml.contains("<script"));
    let doc = parse(&xml);
    check_counts(&doc);

    let want = expected(HOSTILE);
    // Attribute values, including newline, tab and carriage return.
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure")
                && n.attribute("type") == Some("high")
                && n.attribute("message").unwrap().starts_with("message ")
        })
        .unwrap();
    assert_eq!(
        failure.attribute("message").unwrap(),
        format!("message {want}")
    );
    // Character data, including a carriage return.
    assert!(
        failure
            .text()
            .unwrap()
            .contains(&format!("message {want}\n"))
    );
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(
        skipped.attribute("message").unwrap(),
        format!("suppressed by annotation: {}", want.trim())
    );
    let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
    assert_eq!(error.attribute("message").unwrap(), want);
    let suite_names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert!(suite_names.contains(&"a&b<c>.yaml"));
    assert!(suite_names.contains(&format!("evil/{want}.yaml").as_str()));
}

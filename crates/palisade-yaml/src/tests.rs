#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;

fn one(text: &str) -> Node {
    let s = parse_stream(text, &Limits::default());
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.documents.len(), 1);
    s.documents.into_iter().next().unwrap().root
}

#[test]
fn positions_point_at_values() {
    let n = one("a:\n  b: 1\n  c:\n  - x: true\n");
    let c = n.at(&["a", "c"]).unwrap();
    let x = c.items()[0].get("x").unwrap();
    assert_eq!(x.pos, Pos { line: 4, col: 8 });
    assert_eq!(x.as_bool(), Some(true));
    assert_eq!(n.at(&["a", "b"]).unwrap().as_i64(), Some(1));
}

#[test]
fn yaml_11_booleans_like_kubernetes() {
    let n = one("a: yes\nb: on\nc: 'yes'\nd: Off\ne: y\n");
    assert_eq!(n.get("a").unwrap().as_bool(), Some(true));
    assert_eq!(n.get("b").unwrap().as_bool(), Some(true));
    assert_eq!(n.get("c").unwrap().as_str(), Some("yes"));
    assert_eq!(n.get("d").unwrap().as_bool(), Some(false));
    assert_eq!(n.get("e").unwrap().as_bool(), Some(true));
}

#[test]
fn numbers() {
    let n = one("a: 0\nb: -12\nc: 0x1F\nd: 010\ne: 1.5\nf: 1e3\ng: '0'\nh: 1_000\ni: 12abc\n");
    assert_eq!(n.get("a").unwrap().as_i64(), Some(0));
    assert_eq!(n.get("b").unwrap().as_i64(), Some(-12));
    assert_eq!(n.get("c").unwrap().as_i64(), Some(31));
    assert_eq!(n.get("d").unwrap().as_i64(), Some(8));
    assert_eq!(n.get("e").unwrap().value, Value::Float(1.5));
    assert_eq!(n.get("f").unwrap().as_i64(), Some(1000));
    assert_eq!(n.get("g").unwrap().as_str(), Some("0"));
    assert_eq!(n.get("h").unwrap().as_i64(), Some(1000));
    assert_eq!(n.get("i").unwrap().as_str(), Some("12abc"));
}

#[test]
fn last_duplicate_key_wins() {
    let n = one("privileged: false\nprivileged: true\n");
    assert_eq!(n.get("privileged").unwrap().as_bool(), Some(true));
}

#[test]
fn merge_keys() {
    let n = one("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n");
    let d = n.get("d").unwrap();
    assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
}

#[test]
fn multi_document_and_json() {
    let s = parse_stream("---\na: 1\n---\n---\n{\"b\": [1, 2]}\n", &Limits::default());
    assert!(s.errors.is_empty());
    assert_eq!(s.documents.len(), 2);
    assert_eq!(s.documents[1].start_line, 4);
    assert_eq!(s.documents[1].root.get("b").unwrap().items().len(), 2);
}

#[test]
fn alias_bomb_is_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("---\nok: 1\n");
    let s = parse_stream(&text, &Limits::default());
    assert!(matches!(s.errors[0].kind, ErrorKind::TooManyNodes(_)));
    // The next document is still read.
    assert_eq!(s.documents.len(), 1);
    assert_eq!(s.documents[0].root.get("ok").unwrap().as_i64(), Some(1));
}

#[test]
fn deep_nesting_is_bounded() {
    let text = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let s = parse_stream(&text, &Limits::default());
    // The scanner stops deep flow nesting itself (a syntax error); either way
    // the answer is a bounded error, not a crash.
    assert!(
        match &s.errors[0].kind {
            ErrorKind::TooDeep(128) => true,
            ErrorKind::Syntax(m) => m.contains("recursion"),
            _ => false,
        },
        "{:?}",
        s.errors
    );
    let block: String = (0..5000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let s = parse_stream(&block, &Limits::default());
    assert!(matches!(s.errors[0].kind, ErrorKind::TooDeep(128)));
}

#[test]
fn syntax_error_has_position() {
    let s = parse_stream("a: 1\nb: [unclosed\n", &Limits::default());
    assert_eq!(s.errors.len(), 1);
    assert!(matches!(s.errors[0].kind, ErrorKind::Syntax(_)));
    assert!(s.errors[0].pos.line >= 2);
}

#[test]
fn size_limit() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let s = parse_stream("a: 1234567890\n", &limits);
    assert!(matches!(s.errors[0].kind, ErrorKind::TooLarge { .. }));
}

#[test]
fn tags_force_strings() {
    let n = one("a: !!str 123\nb: !!int '7'\n");
    assert_eq!(n.get("a").unwrap().as_str(), Some("123"));
    assert_eq!(n.get("b").unwrap().as_i64(), Some(7));
}

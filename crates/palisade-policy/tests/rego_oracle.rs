//! Rego as OPA runs it: Palisade's engine (regorus with the `rego_compat`
//! steps) against OPA itself.
//!
//! The oracle is OPA v1.20.2 built as a C shared library (the PyPI wheel
//! `opa-golib-python-bindings` 0.4.4, pinned by hash), fetched by
//! `tools/rego-oracle/fetch.sh` and driven by `tools/rego-oracle/oracle.py`
//! with ctypes. OPA 1.x parses only Rego v1, so each construct is given
//! in v1 (compared with OPA) and again in v0, the dialect of most
//! Gatekeeper libraries (compared with the v1 answer Palisade gives, which
//! OPA confirmed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::{Value as J, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Fetches the oracle once (a test that cannot get it fails: the machine
/// that runs CI reaches PyPI).
fn oracle_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rego-oracle");
        let status = Command::new("bash")
            .arg(repo_root().join("tools/rego-oracle/fetch.sh"))
            .arg(&dir)
            .status()
            .expect("run tools/rego-oracle/fetch.sh");
        assert!(
            status.success(),
            "fetching the OPA oracle failed (needs python3 and pip with access to PyPI)"
        );
        dir
    })
}

struct Case {
    modules: Vec<(String, String)>,
    query: String,
    input: J,
}

/// OPA's answers, in order: the bindings of each result, or an error.
fn opa(cases: &[Case]) -> Vec<Result<J, String>> {
    let mut child = Command::new("python3")
        .arg(repo_root().join("tools/rego-oracle/oracle.py"))
        .arg(oracle_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut stdin = child.stdin.take().unwrap();
    let lines: Vec<String> = cases
        .iter()
        .map(|c| {
            let modules: serde_json::Map<String, J> = c
                .modules
                .iter()
                .map(|(n, s)| (n.clone(), J::String(s.clone())))
                .collect();
            json!({"modules": modules, "query": c.query, "input": c.input}).to_string()
        })
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            writeln!(stdin, "{l}").unwrap();
        }
    });
    let out: Vec<Result<J, String>> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| {
            let v: J = serde_json::from_str(&l.unwrap()).unwrap();
            match v.get("error") {
                Some(e) => Err(e.as_str().unwrap_or("").to_string()),
                None => Ok(v["result"].clone()),
            }
        })
        .collect();
    writer.join().unwrap();
    assert!(child.wait().unwrap().success(), "oracle.py failed");
    assert_eq!(out.len(), cases.len(), "the oracle answered every case");
    out
}

/// Palisade's answer: the engine every template gets.
fn palisade(modules: &[(String, String)], v1: bool, query: &str, input: &J) -> Result<J, String> {
    let mut engine = palisade_policy::template::new_engine(v1)?;
    for (name, src) in modules {
        palisade_policy::template::add_module(&mut engine, name, src).map_err(|e| e.to_string())?;
    }
    engine.set_input(regorus::Value::from_json_str(&input.to_string()).unwrap());
    let r = engine
        .eval_query(query.into(), false)
        .map_err(|e| e.to_string())?;
    let bindings: Vec<J> = r
        .result
        .iter()
        .map(|x| serde_json::from_str(&x.bindings.to_json_str().unwrap()).unwrap())
        .collect();
    Ok(J::Array(bindings))
}

fn module(src: &str) -> Vec<(String, String)> {
    vec![("t.rego".to_string(), src.to_string())]
}

/// One construct: its v1 module (run by both), its v0 twin (Palisade),
/// the query and the inputs.
struct Construct {
    name: &'static str,
    v1: &'static str,
    v0: &'static str,
    inputs: Vec<J>,
}

fn constructs() -> Vec<Construct> {
    vec![
        Construct {
            name: "a parenthesised expression on the next line",
            v1: "package t\nimport rego.v1\n\nspread_ok if {\n\tinput.min\n\t(input.max - input.min) >= input.spread\n}\n",
            v0: "package t\n\nspread_ok {\n\tinput.min\n\t(input.max - input.min) >= input.spread\n}\n",
            inputs: vec![
                json!({"min": 1, "max": 5, "spread": 2}),
                json!({"min": 1, "max": 2, "spread": 2}),
                json!({"min": false, "max": 9, "spread": 1}),
                json!({}),
            ],
        },
        Construct {
            name: "rules with several bodies",
            v1: "package t\nimport rego.v1\n\nv contains m if { input.a; m := \"a\" } { input.b; m := \"b\" }\n\nc := 1 if { input.a } { input.b }\n\nf(x) := y if { x > 0; y := \"pos\" } { x < 0; y := \"neg\" }\n\nr := [f(n) | some n in input.ns]\n",
            v0: "package t\n\nv[m] { input.a; m := \"a\" } { input.b; m := \"b\" }\n\nc = 1 { input.a } { input.b }\n\nf(x) = y { x > 0; y := \"pos\" } { x < 0; y := \"neg\" }\n\nr = [f(n) | n := input.ns[_]]\n",
            inputs: vec![
                json!({"a": true, "ns": [1, -1, 0]}),
                json!({"b": true, "ns": [2]}),
                json!({"a": true, "b": true, "ns": []}),
                json!({"ns": []}),
            ],
        },
        Construct {
            name: "functions by constant arguments, called under not",
            v1: "package t\nimport rego.v1\n\nviolation contains msg if {\n\tsome c in input.containers\n\tv := c.group\n\tnot accept_value(input.rule, v, input.ranges)\n\tmsg := sprintf(\"group %v is not allowed by %v\", [v, input.rule])\n}\n\naccept_value(\"RunAsAny\", _, _)\n\naccept_value(\"MustRunAs\", v, ranges) := in_range(v, ranges)\n\nin_range(v, ranges) := count({1 | some r in ranges; v >= r.min; v <= r.max}) > 0\n",
            v0: "package t\n\nviolation[msg] {\n\tc := input.containers[_]\n\tv := c.group\n\tnot accept_value(input.rule, v, input.ranges)\n\tmsg := sprintf(\"group %v is not allowed by %v\", [v, input.rule])\n}\n\naccept_value(\"RunAsAny\", _, _)\n\naccept_value(\"MustRunAs\", v, ranges) = res { res := in_range(v, ranges) }\n\nin_range(v, ranges) = res {\n\tm := {1 | r := ranges[_]; v >= r.min; v <= r.max}\n\tres := count(m) > 0\n}\n",
            inputs: vec![
                json!({"rule": "RunAsAny", "ranges": [{"min": 1, "max": 5}], "containers": [{"group": 9}]}),
                json!({"rule": "RunAsAny", "containers": [{"group": 9}]}),
                json!({"rule": "MustRunAs", "ranges": [{"min": 1, "max": 5}], "containers": [{"group": 9}, {"group": 3}]}),
                json!({"rule": "MustRunAs", "containers": [{"group": 9}]}),
                json!({"rule": "MayRunAs", "ranges": [], "containers": [{"group": 1}, {"group": 2}]}),
            ],
        },
        Construct {
            name: "what OPA moves out of a negation",
            v1: NEGATIONS_V1,
            v0: NEGATIONS_V0,
            inputs: vec![
                json!({}),
                json!({"x": 1, "k": "a", "s": "A", "xs": [1, 2], "c": {}, "m": 1, "n": 1, "y": 1, "a": {"a": 1}}),
                json!({"x": 2, "k": "z", "s": "b", "xs": [], "c": {"missing": 1}, "m": 2, "n": 5, "y": 3}),
                json!({"xs": [1], "a": {"a": 2}, "k": "a", "ns": ["x", "y"]}),
            ],
        },
        Construct {
            name: "sprintf with missing and extra arguments",
            v1: "package t\nimport rego.v1\n\nmsgs contains sprintf(\"%v needs %v and %d\", [input.name, input.what]) if input.name\nmsgs contains sprintf(\"%s\", [input.name, 1]) if input.name\nmsgs contains sprintf(\"%5.1f|%-4d|%q|%x\", [input.f, input.n, input.name, input.n]) if input.name\n",
            v0: "package t\n\nmsgs[sprintf(\"%v needs %v and %d\", [input.name, input.what])] { input.name }\nmsgs[sprintf(\"%s\", [input.name, 1])] { input.name }\nmsgs[sprintf(\"%5.1f|%-4d|%q|%x\", [input.f, input.n, input.name, input.n])] { input.name }\n",
            inputs: vec![
                json!({"name": "web", "what": "limits", "f": 2.25, "n": 255}),
                json!({"name": "a\"b", "what": ["x", 1], "f": -0.05, "n": -3}),
            ],
        },
    ]
}

const NEGATIONS_V1: &str = r#"package t
import rego.v1

f(_) := true
g(x) if x == 1
h(o) if o.a == 1
obj := {"a": 1}
u if false

p1 if not f(input.missing)
p2 if { not g(input.x) }
p3 if { not obj[input.k] }
p4 if { not lower(input.s) == "a" }
p5 if { not count(input.xs) > 0 }
p6 if { not input.missing }
p7 if { not g(input.xs[1]) }
p8 if { c := input.c; not f(c.missing) }
p9 if { not h({"a": input.m}) }
p10 if { not input.x == input.y }
p11 if { not input.a[input.k] == 1 }
p12 if { not (input.n + 1) > 2 }
p13 if { xs := [x | some x in input.xs; not g(x)]; count(xs) > 0 }
p14 if { not startswith(input.s, "a") }
p15 if { not f(u) }
p16 if { not input.ns[0] == "x" }
p17 if {
	not f(input.x,
		input.missing)
}
"#;

const NEGATIONS_V0: &str = r#"package t

f(_) = true
g(x) { x == 1 }
h(o) { o.a == 1 }
obj = {"a": 1}
u { false }

p1 { not f(input.missing) }
p2 { not g(input.x) }
p3 { not obj[input.k] }
p4 { not lower(input.s) == "a" }
p5 { not count(input.xs) > 0 }
p6 { not input.missing }
p7 { not g(input.xs[1]) }
p8 { c := input.c; not f(c.missing) }
p9 { not h({"a": input.m}) }
p10 { not input.x == input.y }
p11 { not input.a[input.k] == 1 }
p12 { not (input.n + 1) > 2 }
p13 { xs := [x | x := input.xs[_]; not g(x)]; count(xs) > 0 }
p14 { not startswith(input.s, "a") }
p15 { not f(u) }
p16 { not input.ns[0] == "x" }
p17 {
	not f(input.x,
		input.missing)
}
"#;

#[test]
fn each_construct_gives_opas_answer_in_v1_and_v0() {
    let mut cases = Vec::new();
    let mut labels = Vec::new();
    for c in constructs() {
        for input in &c.inputs {
            cases.push(Case {
                modules: module(c.v1),
                query: "x := data.t".into(),
                input: input.clone(),
            });
            labels.push((c.name, c.v0, input.clone()));
        }
    }
    let answers = opa(&cases);
    let mut failures = Vec::new();
    for ((case, want), (name, v0, input)) in cases.iter().zip(&answers).zip(&labels) {
        let want = want
            .clone()
            .unwrap_or_else(|e| panic!("OPA rejected {name}: {e}"));
        let got = palisade(&case.modules, true, &case.query, input);
        if got.as_ref() != Ok(&want) {
            failures.push(format!(
                "{name} (v1) on {input}:\n  OPA      {want}\n  Palisade {got:?}"
            ));
        }
        let got0 = palisade(&module(v0), false, &case.query, input);
        if got0.as_ref() != Ok(&want) {
            failures.push(format!(
                "{name} (v0) on {input}:\n  OPA (v1) {want}\n  Palisade {got0:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same modules without the compatibility steps give other answers:
/// the steps are what makes them agree (if regorus is fixed upstream, this
/// test says the step can go).
#[test]
fn regorus_alone_differs_on_each_construct() {
    // regorus's own answer: the bindings as JSON, or its error.
    let alone = |src: &str, input: &J| -> Result<J, String> {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(true);
        engine
            .add_policy("t.rego".into(), src.into())
            .map_err(|e| e.to_string())?;
        engine.set_input(regorus::Value::from_json_str(&input.to_string()).unwrap());
        let r = engine
            .eval_query("x := data.t".into(), false)
            .map_err(|e| e.to_string())?;
        Ok(J::Array(
            r.result
                .iter()
                .map(|x| serde_json::from_str(&x.bindings.to_json_str().unwrap()).unwrap())
                .collect(),
        ))
    };
    for c in constructs() {
        let differs = c.inputs.iter().any(|input| {
            alone(c.v0, input) != palisade(&module(c.v0), false, "x := data.t", input)
        });
        assert!(
            differs,
            "{}: regorus alone already gives the same answers; its compatibility step may go",
            c.name
        );
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn random_format(rng: &mut Rng) -> String {
    let mut f = String::new();
    for _ in 0..1 + rng.below(3) {
        f.push_str(rng.pick(&["", "x=", " ", "é:", "%%", "[", "a b "]));
        f.push('%');
        for _ in 0..rng.below(3) {
            f.push_str(rng.pick(&["+", "-", "#", " ", "0"]));
        }
        match rng.below(8) {
            0 => f.push_str(&format!("[{}]", 1 + rng.below(3))),
            1 => f.push('*'),
            2 | 3 => f.push_str(&rng.below(12).to_string()),
            _ => {}
        }
        match rng.below(6) {
            0 => f.push('.'),
            1 => f.push_str(&format!(".{}", rng.below(8))),
            2 => f.push_str(".*"),
            _ => {}
        }
        f.push_str(rng.pick(&[
            "v", "v", "v", "s", "s", "d", "d", "q", "x", "X", "o", "O", "b", "c", "U", "e", "E",
            "f", "F", "g", "G", "t", "T", "p", "z", "%",
        ]));
    }
    if rng.below(5) == 0 {
        f.push('%');
    }
    f
}

fn random_arg(rng: &mut Rng) -> J {
    match rng.below(10) {
        0 => json!(rng.below(300) as i64 - 150),
        1 => json!((rng.next() >> 1) as i64 * if rng.below(2) == 0 { 1 } else { -1 }),
        2 => json!(rng.pick(&[
            "web",
            "",
            "a\"b",
            "tab\there",
            "é→ü",
            "`raw`",
            "nl\n",
            "x\u{7}"
        ])),
        3 => json!(rng.pick(&["%d", "100%", "gatekeeper.sh/v1"])),
        4 => {
            // Fractions written without an exponent (OPA reads exponent
            // literals differently: see docs).
            let m = (rng.below(2_000_000) as f64 - 1_000_000.0)
                / [1.0, 10.0, 1000.0, 7.0][rng.below(4)];
            json!(m)
        }
        5 => json!(
            rng.pick(&["0.5", "3.25", "-0.125", "1234.5678", "0.001", "99.99"])
                .parse::<f64>()
                .unwrap()
        ),
        6 => json!(rng.below(2) == 0),
        7 => J::Null,
        8 => json!(["a", 1, {"k": "v"}]),
        _ => json!({"name": "api", "n": 2}),
    }
}

#[test]
fn sprintf_agrees_with_opa_on_generated_formats() {
    let mut rng = Rng(0x5eed_cafe);
    let m = module("package t\n");
    let mut cases = Vec::new();
    for _ in 0..6000 {
        let f = random_format(&mut rng);
        let n = rng.below(5);
        let args: Vec<J> = (0..n).map(|_| random_arg(&mut rng)).collect();
        // Numbers whose JSON uses an exponent are left out (see docs).
        if args
            .iter()
            .any(|a| a.is_f64() && a.to_string().contains('e'))
        {
            continue;
        }
        cases.push(Case {
            modules: m.clone(),
            query: "x := sprintf(input.f, input.args)".into(),
            input: json!({"f": f, "args": args}),
        });
    }
    // Extremes: the largest widths and precisions Go takes, and past them.
    for f in [
        "%.999999f",
        "%.999999e",
        "%.999999g",
        "%999999.999999x",
        "%.70000f",
        "%.1100f",
        "%.9999999f",
        "%1000001d",
    ] {
        for x in [json!(0.1), json!(0.001), json!(-1.5), json!(7)] {
            cases.push(Case {
                modules: m.clone(),
                query: "x := sprintf(input.f, input.args)".into(),
                input: json!({"f": f, "args": [x]}),
            });
        }
    }
    let answers = opa(&cases);
    let mut failures = Vec::new();
    for (c, want) in cases.iter().zip(&answers) {
        let want = want.clone().unwrap();
        let got = palisade(&c.modules, true, &c.query, &c.input);
        if got.as_ref() != Ok(&want) {
            failures.push(format!(
                "{}:\n  OPA      {want}\n  Palisade {got:?}",
                c.input
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

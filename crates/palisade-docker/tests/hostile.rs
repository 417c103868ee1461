//! Hostile and malformed input: every case must end without a panic, with
//! a clear error where the input is at fault, and in time linear in its size.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use palisade_core::Config;
use palisade_docker::{MAX_FILE_BYTES, MAX_LINE_BYTES, Output, check};

fn run(source: &str) -> Output {
    check("hostile/Dockerfile", source, &Config::default())
}

fn rule_ids(out: &Output) -> Vec<&str> {
    out.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn huge_file_is_an_error_not_a_scan() {
    let mut source = String::from("FROM alpine:3.20\nUSER root\n");
    source.push_str(&"# padding\n".repeat(MAX_FILE_BYTES / 10 + 1));
    let out = run(&source);
    assert!(out.findings.is_empty());
    assert_eq!(out.errors.len(), 1);
    let e = &out.errors[0];
    assert_eq!(e.path, "hostile/Dockerfile");
    assert!(e.message.contains("larger than 4 MiB"), "{}", e.message);
}

#[test]
fn very_long_line_is_an_error_naming_its_line() {
    let source = format!(
        "FROM alpine:3.20\nRUN echo {}\nUSER root\n",
        "a".repeat(MAX_LINE_BYTES)
    );
    let out = run(&source);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].line, Some(2));
    assert!(out.errors[0].message.contains("longer than 1 MiB"));
    // The rest of the file is still checked.
    assert!(rule_ids(&out).contains(&"DF001"));
}

#[test]
fn unterminated_heredoc_is_an_error_and_the_rest_is_checked() {
    let out = run("FROM alpine:3.20\nUSER root\nRUN <<EOF\ncurl https://x | sh\nUSER app\n");
    assert_eq!(out.errors.len(), 1);
    let e = &out.errors[0];
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
    assert!(e.message.contains("unterminated heredoc"), "{}", e.message);
    assert!(e.message.contains("`EOF`"), "{}", e.message);
    // `USER app` is inside the heredoc, so the image still runs as root; the
    // body that was read is still checked.
    let ids = rule_ids(&out);
    assert!(ids.contains(&"DF001"), "{ids:?}");
    assert!(ids.contains(&"DF006"), "{ids:?}");
}

#[test]
fn deeply_repeated_continuations() {
    let mut source = String::from("FROM alpine:3.20\nRUN true");
    source.push_str(&" \\\n && true".repeat(300_000));
    source.push_str("\nUSER 1000\n");
    assert!(source.len() < MAX_FILE_BYTES);
    let out = run(&source);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(rule_ids(&out), ["DF003"]);
    // A file that is nothing but continuation characters.
    let out = run(&"\\\n".repeat(1_000_000));
    assert!(out.findings.is_empty());
}

#[test]
fn long_stage_chains_and_many_instructions_stay_linear() {
    let mut source = String::from(
        "FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS s0\n",
    );
    for i in 1..40_000 {
        source.push_str(&format!(
            "FROM s{} AS s{i}\nENV V{i}=x\nRUN pip install a\n",
            i - 1
        ));
    }
    let out = run(&source);
    assert!(out.errors.is_empty());
    assert_eq!(
        out.findings.iter().filter(|f| f.rule_id == "DF007").count(),
        39_999
    );
    assert!(rule_ids(&out).contains(&"DF001"));
}

#[test]
fn many_heredocs_and_commands_on_one_line_stay_linear() {
    let n = 200_000;
    let mut source = String::from("FROM alpine:3.20\nRUN ");
    source.push_str(&"<<A ".repeat(n));
    source.push('\n');
    source.push_str(&"A\n".repeat(n));
    source.push_str("RUN ");
    source.push_str(&"apt-get install x; ".repeat(40_000));
    source.push_str("\nUSER 1000\n");
    let out = run(&source);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(rule_ids(&out), ["DF003", "DF007"]);
}

#[test]
fn variable_expansion_cannot_explode() {
    // Each ENV repeats the previous one 16 times: 16^8 bytes if unbounded.
    let mut source = String::from("FROM alpine:3.20\nENV A0=xxxxxxxxxxxxxxxx\n");
    for i in 1..9 {
        source.push_str(&format!(
            "ENV A{i}={}\n",
            format!("${{A{}}}", i - 1).repeat(16)
        ));
    }
    source.push_str("USER $A8\n");
    let out = run(&source);
    assert!(out.errors.is_empty());
    // The user cannot be resolved within the limits, so it is not guessed.
    assert!(!rule_ids(&out).contains(&"DF001"));

    let nested = format!(
        "ARG A\nFROM {}alpine{}\n",
        "${A:-".repeat(50_000),
        "}".repeat(50_000)
    );
    let out = run(&nested);
    assert!(out.errors.is_empty());
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn random_bytes_as_text() {
    let mut rng = Lcg(0x5eed);
    for _ in 0..300 {
        let len = (rng.next() % 4096) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = run(&text);
    }
}

#[test]
fn random_dockerfile_token_soup() {
    const TOKENS: &[&str] = &[
        "FROM ",
        "from ",
        "RUN ",
        "ADD ",
        "COPY ",
        "ENV ",
        "ARG ",
        "USER ",
        "ONBUILD ",
        " AS ",
        "scratch",
        "alpine",
        ":latest",
        "@sha256:",
        "${",
        "}",
        "$",
        "$(",
        ")",
        "<(",
        "`",
        "\"",
        "'",
        "\\",
        "\\\n",
        "\n",
        "\n\n",
        "# escape=`\n",
        "# syntax=x\n",
        "<<EOF",
        "<<-'E'",
        "EOF\n",
        "\tE\n",
        "|",
        "||",
        "&&",
        ";",
        "curl ",
        "wget ",
        "sh",
        "bash",
        "python3",
        "sudo ",
        "apt-get install ",
        "apk add ",
        "pip install ",
        "dnf install ",
        "rm -rf /var/lib/apt/lists",
        "--mount=type=cache,target=",
        "--checksum=",
        "https://u:p@h/x?t=1 ",
        "git@h:r.git ",
        "PASSWORD=",
        "TOKEN ",
        "root",
        "0:0",
        "[\"",
        "\", \"",
        "\"]",
        "=",
        " ",
        "é",
        "\u{feff}",
        "\r\n",
        "-c ",
    ];
    let mut rng = Lcg(42);
    for _ in 0..2_000 {
        let n = (rng.next() % 80) as usize;
        let text: String = (0..n)
            .map(|_| TOKENS[(rng.next() as usize) % TOKENS.len()])
            .collect();
        let out = run(&text);
        for f in &out.findings {
            assert!(f.location.line >= 1 && f.location.column >= 1, "{text:?}");
        }
    }
}

#[test]
fn not_a_dockerfile() {
    let out = run("hello world\nthis is not a Dockerfile\n");
    assert!(out.findings.is_empty());
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].message.contains("no FROM instruction"));
    assert_eq!(out.errors[0].line, Some(1));
    // Empty files and comment-only files are not errors.
    assert_eq!(run(""), Output::default());
    assert_eq!(run("# just a comment\n\n"), Output::default());
}

#[test]
fn invalid_escape_directive_is_reported() {
    let out = run("# escape=$\nFROM alpine:3.20\nUSER 1000\n");
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].line, Some(1));
    assert!(out.errors[0].message.contains("escape"));
}

#[test]
fn secrets_never_appear_in_messages() {
    let secret = "hunter2-Sup3rS3cret";
    let source = format!(
        "ARG DB_PASSWORD={secret}\nFROM alpine:3.20\nENV API_TOKEN={secret} SMTP_PASS \"{secret}\"\nENV CLIENT_SECRET {secret}\nADD https://user:{secret}@example.com/a?token={secret} /a\nUSER 1000\n"
    );
    let out = run(&source);
    assert!(
        out.findings.iter().filter(|f| f.rule_id == "DF004").count() >= 3,
        "{:?}",
        out.findings
    );
    for f in &out.findings {
        assert!(!f.message.contains(secret), "{}", f.message);
    }
}

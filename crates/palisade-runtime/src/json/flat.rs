//! A fast path for the events process sensors emit: one flat JSON object
//! keyed by Falco field names, whose values are strings without escapes,
//! integers, booleans, `null`, or arrays of those. It declines (returns
//! `None`) anything else, including every malformed input, and the general
//! parser then decides; a differential test holds the two to the same
//! result on everything the fast path accepts.

use super::Json;
use std::borrow::Cow;

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// A string with no escape and no control character.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => break,
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => self.pos += 1,
            }
        }
        let s = self.text.get(start..self.pos)?;
        self.pos += 1;
        Some(s)
    }

    fn literal(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word.as_bytes()).then(|| {
            self.pos = end;
            value
        })
    }

    /// An integer that fits `i64` (fractions and exponents are declined).
    fn integer(&mut self) -> Option<Json<'a>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let n = self.pos - digits;
        if n == 0 || (n > 1 && self.bytes.get(digits) == Some(&b'0')) {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        // serde_json reads `-0` as the float -0.0: leave it to serde_json.
        if digits > start && n == 1 && self.bytes.get(digits) == Some(&b'0') {
            return None;
        }
        self.text
            .get(start..self.pos)?
            .parse::<i64>()
            .ok()
            .map(Json::Int)
    }

    fn scalar(&mut self) -> Option<Json<'a>> {
        match self.peek()? {
            b'"' => self.string().map(|s| Json::Str(Cow::Borrowed(s))),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn value(&mut self) -> Option<Json<'a>> {
        if self.peek()? != b'[' {
            return self.scalar();
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.scalar()?);
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Json::Array(items));
                }
                _ => return None,
            }
        }
    }
}

/// Parses a flat event object, or declines.
pub(super) fn parse(text: &str) -> Option<Json<'_>> {
    let mut s = Scan {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    s.ws();
    s.eat(b'{')?;
    let mut entries = Vec::with_capacity(24);
    s.ws();
    if s.eat(b'}').is_none() {
        loop {
            s.ws();
            let key = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let value = s.value()?;
            entries.push((Cow::Borrowed(key), value));
            s.ws();
            match s.peek()? {
                b',' => s.pos += 1,
                b'}' => {
                    s.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.ws();
    (s.pos == s.bytes.len()).then_some(Json::Object(entries))
}

/// Whether `text` looks like a process event (its first key has a dot, as
/// Falco field names do), so that the fast path is worth trying.
pub(super) fn looks_flat(text: &str) -> bool {
    let t = text.trim_start();
    let Some(rest) = t.strip_prefix('{') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    rest.split('"').next().is_some_and(|k| k.contains('.'))
}

//! A failing writer is reported, never a panic, whichever byte it fails at.
#![allow(missing_docs, clippy::unwrap_used)]

use crate::common::{hostile, options, rendered, sample};
use palisade_report::{Format, render};
use std::io::{self, Write};

/// Accepts `limit` bytes, then fails like a closed pipe.
struct ClosedAfter {
    limit: usize,
    written: usize,
}

impl Write for ClosedAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.written);
        if room == 0 {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        let n = room.min(buf.len());
        self.written += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn broken_pipe_is_returned_at_any_point() {
    for report in [sample(), hostile()] {
        for format in [Format::Table, Format::Json, Format::Sarif, Format::Junit] {
            let len = rendered(&report, format, &options(true)).len();
            // Every cut point for short prefixes, then a stride.
            let cuts = (0..64).chain((64..len).step_by(97));
            for limit in cuts {
                let mut out = ClosedAfter { limit, written: 0 };
                let err = render(&report, format, &options(true), &mut out).unwrap_err();
                assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{format} at {limit}");
            }
            let mut out = ClosedAfter {
                limit: len,
                written: 0,
            };
            render(&report, format, &options(true), &mut out).unwrap();
            assert_eq!(out.written, len);
        }
    }
}

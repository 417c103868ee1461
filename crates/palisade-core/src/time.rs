//! Time stamps as reports write them.

/// A Unix time in seconds as RFC 3339 UTC (`2026-12-08T01:02:03Z`).
pub fn rfc3339(secs: i64) -> String {
    let (y, m, d) = crate::admission::date_of_unix(secs);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now, as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(now_unix())
}

/// Now, in seconds since the epoch, from the system clock.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_leap_day_and_before() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_694_029), "2026-12-08T01:40:29Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}

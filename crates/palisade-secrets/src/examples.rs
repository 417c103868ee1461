//! Rule examples as templates, so the repository holds no string shaped
//! like a live credential (which would trip push protection and other
//! scanners) while every example still matches its rule.
//!
//! `«cN»` stands for `N` pseudo-random characters of class `c`, the same on
//! every run: `a` alphanumeric, `l` lower-case alphanumeric, `u` upper-case
//! alphanumeric, `d` digits, `h` lower-case hex, `H` upper-case hex, `b`
//! base64, `x` URL-safe base64 (`A-Za-z0-9_-`), `A` letters, `B` upper-case
//! base32 (`A-Z2-7`), `z` lower-case base32, `C` upper-case bech32. `«»` alone
//! expands to nothing, which splits a literal prefix from its token
//! (`ghp«»_`) for the same reason.

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";

fn class(c: char) -> Option<String> {
    Some(match c {
        'a' => format!("{UPPER}{LOWER}{DIGITS}"),
        'l' => format!("{LOWER}{DIGITS}"),
        'u' => format!("{UPPER}{DIGITS}"),
        'd' => DIGITS.to_string(),
        'h' => "0123456789abcdef".to_string(),
        'H' => "0123456789ABCDEF".to_string(),
        'b' => format!("{UPPER}{LOWER}{DIGITS}+/"),
        'x' => format!("{UPPER}{LOWER}{DIGITS}_-"),
        'A' => format!("{UPPER}{LOWER}"),
        'B' => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".to_string(),
        'z' => "abcdefghijklmnopqrstuvwxyz234567".to_string(),
        'C' => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".to_string(),
        _ => return None,
    })
}

/// Expands a template; `seed` varies the characters.
pub fn expand(template: &str, seed: u64) -> String {
    let mut state = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    for b in template.bytes() {
        state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('«') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open + '«'.len_utf8()..).unwrap_or("");
        let Some(close) = after.find('»') else {
            out.push_str(rest.get(open..).unwrap_or(""));
            return out;
        };
        let spec = after.get(..close).unwrap_or("");
        rest = after.get(close + '»'.len_utf8()..).unwrap_or("");
        let mut chars = spec.chars();
        let Some(cls) = chars.next().and_then(class) else {
            continue;
        };
        let n: usize = chars.as_str().parse().unwrap_or(0);
        let pool: Vec<char> = cls.chars().collect();
        let mut piece: Vec<char> = (0..n)
            .map(|_| {
                // xorshift64*
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33;
                let i = usize::try_from(r).unwrap_or(0) % pool.len().max(1);
                pool.get(i).copied().unwrap_or('x')
            })
            .collect();
        // Real tokens mix letters and digits; so do examples, or entropy
        // and digit checks would make them flaky.
        let has_digit = pool.iter().any(char::is_ascii_digit);
        let has_alpha = pool.iter().any(char::is_ascii_alphabetic);
        if n >= 4 && has_digit && has_alpha {
            if !piece.iter().any(char::is_ascii_digit)
                && let Some(c) = piece.get_mut(n / 2)
            {
                *c = '7';
            }
            if !piece.iter().any(char::is_ascii_alphabetic)
                && let Some(c) = piece.get_mut(n / 3)
            {
                *c = pool
                    .iter()
                    .copied()
                    .find(char::is_ascii_alphabetic)
                    .unwrap_or('k');
            }
        }
        out.extend(piece);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_deterministically() {
        let a = expand("ghp«»_«a36» and «d4»", 1);
        assert_eq!(a, expand("ghp«»_«a36» and «d4»", 1));
        assert!(a.starts_with("ghp_"));
        assert_eq!(a.len(), 4 + 36 + 5 + 4);
        assert_ne!(a, expand("ghp«»_«a36» and «d4»", 2));
        assert_eq!(expand("no template", 0), "no template");
        assert_eq!(expand("broken «a3", 0), "broken «a3");
    }
}

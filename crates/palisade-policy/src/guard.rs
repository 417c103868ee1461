//! Builtins that could allocate without bound in a single step, which the
//! execution timer cannot interrupt, replaced by bounded versions.
//!
//! `numbers.range(1, 3000000000)` builds three billion numbers in one
//! builtin call: tens of gigabytes before the timer next looks. Extensions
//! are looked up before builtins, so these take their place with the same
//! semantics up to [`MAX_RANGE`] elements, and an error past it (reported
//! as a policy error, like a timeout).

use regorus::Value;

/// Most numbers one `numbers.range`/`numbers.range_step` call may build.
pub const MAX_RANGE: u64 = 1_000_000;

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) if n.is_integer() => n.as_i64(),
        _ => None,
    }
}

/// `a..=b` (descending when `a > b`) by `step`, within the bound.
fn range(a: i64, b: i64, step: u64, name: &str) -> anyhow::Result<Value> {
    let span = a.abs_diff(b);
    let count = (span / step).saturating_add(1);
    if count > MAX_RANGE {
        anyhow::bail!("{name} would build {count} numbers; Palisade allows at most {MAX_RANGE}");
    }
    let step = i64::try_from(step)?;
    let down = a > b;
    let mut out = Vec::with_capacity(usize::try_from(count)?);
    let mut v = a;
    for _ in 0..count {
        out.push(Value::from(v));
        v = if down {
            v.saturating_sub(step)
        } else {
            v.saturating_add(step)
        };
    }
    Ok(Value::from(out))
}

/// Installs the bounded builtins on `engine`.
pub(crate) fn install(engine: &mut regorus::Engine) -> Result<(), String> {
    engine
        .add_extension(
            "numbers.range".into(),
            2,
            Box::new(|args: Vec<Value>| {
                match (
                    args.first().and_then(integer),
                    args.get(1).and_then(integer),
                ) {
                    (Some(a), Some(b)) => range(a, b, 1, "numbers.range"),
                    _ => Ok(Value::Undefined),
                }
            }),
        )
        .map_err(|e| e.to_string())?;
    engine
        .add_extension(
            "numbers.range_step".into(),
            3,
            Box::new(|args: Vec<Value>| {
                let a = args.first().and_then(integer);
                let b = args.get(1).and_then(integer);
                let step = args.get(2).and_then(integer);
                match (a, b, step) {
                    (Some(_), Some(_), Some(s)) if s <= 0 => {
                        anyhow::bail!("numbers.range_step: step must be a positive integer")
                    }
                    (Some(a), Some(b), Some(s)) => {
                        range(a, b, s.unsigned_abs(), "numbers.range_step")
                    }
                    _ => Ok(Value::Undefined),
                }
            }),
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn eval(q: &str) -> Result<String, String> {
        let mut e = regorus::Engine::new();
        install(&mut e).unwrap();
        e.eval_query(q.into(), false)
            .map(|r| {
                r.result
                    .first()
                    .and_then(|x| x.expressions.first())
                    .map(|x| x.value.to_json_str().unwrap().split_whitespace().collect())
                    .unwrap_or_default()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn same_results_as_the_builtins_within_the_bound() {
        assert_eq!(eval("numbers.range(1, 4)").unwrap(), "[1,2,3,4]");
        assert_eq!(eval("numbers.range(2, -1)").unwrap(), "[2,1,0,-1]");
        assert_eq!(eval("numbers.range_step(0, 10, 4)").unwrap(), "[0,4,8]");
        assert_eq!(eval("numbers.range_step(10, 0, 5)").unwrap(), "[10,5,0]");
        assert!(eval("numbers.range_step(0, 10, 0)").is_err());
    }

    #[test]
    fn huge_ranges_are_errors_not_allocations() {
        let e = eval("count(numbers.range(1, 3000000000))").unwrap_err();
        assert!(e.contains("at most 1000000"), "{e}");
        assert!(eval("numbers.range(-9223372036854775808, 9223372036854775807)").is_err());
        assert!(eval("numbers.range_step(0, 9223372036854775807, 1)").is_err());
    }
}

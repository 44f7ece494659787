//! Differential test: our condition evaluator against the `expr-lang` crate (jdx/expr.rs,
//! a Rust port of expr) on listed and generated expressions over several `result` values.
//!
//! Where both succeed with a bool the results must be equal. Known, documented
//! divergences (not counted as failures):
//! - **Typing.** We type-check against the runtime type of `result` as Go expr does
//!   (`result > 0.9` on a list, `result[0]` on a scalar, `isNaN(result)` on a list are
//!   compile errors); the oracle has no checker and may run such programs or fail later.
//! - **Error texts** differ (the oracle's are not Go's); only outcomes are compared.
//! - **Out-of-range index.** Go expr panics (`index out of range: -1 (array length is 0)`),
//!   the oracle yields nil, so e.g. `result[-1] != 1` on an empty vector is an Error for us
//!   and `true` for the oracle.
//! - **Syntax the oracle lacks**: chained comparisons `0.9 < result < 1.1` and a doubled
//!   unary minus `--1` (Go expr lexes `-` as a one-rune operator, so both are valid there).
//! - **Argo's functions** (`asInt`, `isNil`, ...) are registered in the oracle by this test,
//!   so they agree by construction and are checked only lightly.

use expr::{Context, Environment, Value};
use rollsim::analysis::ResultValue;
use rollsim::analysis::condition::{ResultType, check, evaluate_condition, parse};

fn oracle(src: &str, result: Option<&ResultValue>) -> Result<bool, String> {
    let mut ctx = Context::default();
    let value = match result {
        None => Value::Nil,
        Some(ResultValue::Scalar(v)) => Value::Float(*v),
        Some(ResultValue::List(vs)) => Value::Array(vs.iter().map(|v| Value::Float(*v)).collect()),
    };
    ctx.insert("result", value.clone());
    let mut env = Environment::new();
    let is_nil = result.is_none();
    env.add_function("isNaN", |c| {
        Ok(Value::Bool(
            c.args
                .first()
                .and_then(|v| v.as_float())
                .is_some_and(f64::is_nan),
        ))
    });
    env.add_function("isInf", |c| {
        Ok(Value::Bool(
            c.args
                .first()
                .and_then(|v| v.as_float())
                .is_some_and(f64::is_infinite),
        ))
    });
    env.add_function("isNil", move |_| Ok(Value::Bool(is_nil)));
    env.add_function("default", move |c| {
        Ok(if is_nil {
            c.args.get(1).cloned().unwrap_or(Value::Nil)
        } else {
            value.clone()
        })
    });
    match env.eval(src, &ctx) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("non-bool {other:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Hand-written expressions in the shapes Argo users write.
const LISTED: &[&str] = &[
    "result >= 0.95",
    "result < 0.05",
    "result == 10",
    "result != 0.5",
    "result[0] >= 0.95",
    "len(result) == 0 || result[0] >= 0.95",
    "len(result) > 0 && result[0] >= 0.95",
    "isNaN(result) || result >= 0.95",
    "isInf(result)",
    "all(result, # < 1000)",
    "all(result, {# < 1000})",
    "any(result, # > 1)",
    "none(result, # > 1)",
    "one(result, # > 1)",
    "10 in result",
    "2 in result",
    "2 not in result",
    "count(result, # > 0.5) >= 1",
    "len(filter(result, # > 0.5)) == 2",
    "sum(result) > 1",
    "max(result) > 1",
    "min(result) < 1",
    "default(result, 0) < 0.05",
    "isNil(result)",
    "result[-1] > 1",
    "len(result[1:]) == 1",
    "result * 100 > 90",
    "result / 2 < 1",
    "result ** 2 > 0.5",
    "result > 0.9 ? true : false",
    "!(result > 0.9)",
    "not (result > 0.9)",
    "(result > 0.5) == true",
    "1 + 2 * 3 == 7",
    "2 ** 3 ** 2 == 512",
    "-2 ** 2 == -4",
    "7 % 3 == 1",
    "7 / 2 == 3.5",
    "abs(-2) == 2",
    "ceil(1.1) == 2",
    "floor(1.9) == 1",
    "round(2.5) == 3",
    "int(2.7) == 2",
    "float(3) == 3.0",
    "nil ?? true",
    "'abc' contains 'b'",
    "'abc' startsWith 'a'",
    "'abc' endsWith 'bc'",
    "[1, 2, 3][1] == 2",
    "len([1, 2]) == 2",
    "true && false || true",
    "true || false && false",
    "1 < 2 == true",
    "0.9 < result < 1.1",
    "map(result, # * 2)[0] > 1",
    "first(result) > 0",
    "last(result) > 0",
    "mean(result) > 0.5",
    "median(result) > 0.5",
    "sum(result, # * 2) > 2",
    "result[0] + result[1] > 1",
];

fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// A random numeric expression of bounded depth.
fn num(seed: &mut u64, depth: u32, list: bool) -> String {
    let atoms: &[&str] = if list {
        &[
            "result[0]",
            "result[-1]",
            "len(result)",
            "1",
            "2",
            "0.5",
            "3",
            "sum(result)",
            "10",
        ]
    } else {
        &["result", "1", "2", "0.5", "3", "-1", "10", "1e2"]
    };
    let pick = xorshift(seed) % if depth == 0 { 1 } else { 4 };
    match pick {
        0 => atoms[(xorshift(seed) % atoms.len() as u64) as usize].to_string(),
        1 => {
            let ops = ["+", "-", "*", "/", "**"];
            let op = ops[(xorshift(seed) % ops.len() as u64) as usize];
            format!(
                "({} {op} {})",
                num(seed, depth - 1, list),
                num(seed, depth - 1, list)
            )
        }
        2 => {
            let fns = ["abs", "ceil", "floor", "round", "float"];
            format!(
                "{}({})",
                fns[(xorshift(seed) % fns.len() as u64) as usize],
                num(seed, depth - 1, list)
            )
        }
        // `-(x)`, not `-x`: the oracle's grammar rejects `--1`, which Go expr accepts.
        _ => format!("-({})", num(seed, depth - 1, list)),
    }
}

/// A random boolean expression of bounded depth.
fn boolean(seed: &mut u64, depth: u32, list: bool) -> String {
    let pick = xorshift(seed) % if depth == 0 { 2 } else { 6 };
    let cmp = ["<", "<=", ">", ">=", "==", "!="];
    match pick {
        0 | 1 => {
            let op = cmp[(xorshift(seed) % cmp.len() as u64) as usize];
            format!(
                "{} {op} {}",
                num(seed, depth.min(2), list),
                num(seed, depth.min(2), list)
            )
        }
        2 => format!(
            "({} && {})",
            boolean(seed, depth - 1, list),
            boolean(seed, depth - 1, list)
        ),
        3 => format!(
            "({} || {})",
            boolean(seed, depth - 1, list),
            boolean(seed, depth - 1, list)
        ),
        4 => format!("!({})", boolean(seed, depth - 1, list)),
        _ if list => {
            let q = ["all", "any", "none", "one"][(xorshift(seed) % 4) as usize];
            let op = cmp[(xorshift(seed) % cmp.len() as u64) as usize];
            format!(
                "{q}(result, # {op} {})",
                ["0.5", "1", "2", "1000"][(xorshift(seed) % 4) as usize]
            )
        }
        _ => format!(
            "({} ? {} : {})",
            boolean(seed, depth - 1, list),
            boolean(seed, depth - 1, list),
            boolean(seed, depth - 1, list)
        ),
    }
}

#[derive(Default, Debug)]
struct Tally {
    agree: usize,
    both_err: usize,
    only_ours_err: usize,
    only_oracle_err: usize,
    disagree: Vec<String>,
    oracle_only_failures: Vec<String>,
    ours_only_failures: Vec<String>,
}

fn compare(src: &str, r: Option<&ResultValue>, t: &mut Tally) {
    match (evaluate_condition(src, r), oracle(src, r)) {
        (Ok(a), Ok(b)) if a == b => t.agree += 1,
        (Ok(a), Ok(b)) => t
            .disagree
            .push(format!("{src} on {r:?}: ours {a}, oracle {b}")),
        (Err(_), Err(_)) => t.both_err += 1,
        (Err(e), Ok(b)) => {
            t.only_ours_err += 1;
            let typing = parse(src).is_ok_and(|p| check(&p, ResultType::of(r)).is_err());
            if !typing {
                t.ours_only_failures
                    .push(format!("{src} on {r:?}: ours error {e}, oracle {b}"));
            }
        }
        (Ok(a), Err(e)) => {
            t.only_oracle_err += 1;
            t.oracle_only_failures
                .push(format!("{src} on {r:?}: ours {a}, oracle error {e}"));
        }
    }
}

#[test]
fn agrees_with_expr_lang_oracle() {
    let scalars = [
        ResultValue::Scalar(0.97),
        ResultValue::Scalar(f64::NAN),
        ResultValue::Scalar(10.0),
    ];
    let lists = [
        ResultValue::List(vec![0.96, 0.5, 2.0]),
        ResultValue::List(vec![]),
        ResultValue::List(vec![f64::NAN, 1.0]),
    ];
    let mut t = Tally::default();
    for src in LISTED {
        for r in scalars.iter().chain(&lists) {
            compare(src, Some(r), &mut t);
        }
        compare(src, None, &mut t);
    }
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..400 {
        let list = i % 2 == 0;
        let src = boolean(&mut seed, 3, list);
        for r in if list { &lists } else { &scalars } {
            compare(&src, Some(r), &mut t);
        }
    }
    assert!(
        t.disagree.is_empty(),
        "boolean disagreements:\n{}",
        t.disagree.join("\n")
    );
    assert!(t.agree > 1000, "too few comparable cases: {t:?}");
    // Where only we fail, it must be a compile-time type error or Go's index panic.
    let unexplained_ours: Vec<&String> = t
        .ours_only_failures
        .iter()
        // On a nil result Go fails calling `isInf(float64)` with nil; the oracle's stand-in
        // returns false. Argo reports any error on nil as "no data", so this is harmless.
        .filter(|f| !f.contains("index out of range") && !f.contains(" on None:"))
        .collect();
    assert!(
        unexplained_ours.is_empty(),
        "ours-only failures:\n{unexplained_ours:#?}"
    );
    // The oracle failing where we succeed is tolerated only for the documented forms.
    let unexplained: Vec<&String> = t
        .oracle_only_failures
        .iter()
        .filter(|f| !KNOWN_ORACLE_GAPS.iter().any(|k| f.contains(k)))
        .collect();
    assert!(
        unexplained.is_empty(),
        "oracle-only failures:\n{unexplained:#?}\n{t:?}"
    );
}

/// Forms the oracle rejects that Go expr accepts (see the module docs).
const KNOWN_ORACLE_GAPS: &[&str] = &[
    // Chained comparisons (`a < b < c` is `a < b && b < c` since expr v1.16); the oracle
    // compares a bool with a number and fails.
    "0.9 < result < 1.1",
    // Go's `runtime.In(x, nil)` is false; the oracle rejects `in` on nil.
    "in result on None",
];

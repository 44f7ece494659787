//! Unit tests for result comparison: tolerance, NaN, stale, ordering, range gaps, annotations.

use super::compare::*;
use super::parse::{Command, EvalCmd, parse_test_file};
use crate::ingest::series_notation::SeriesValue;
use crate::model::{Labels, STALE_NAN_BITS};
use crate::promql::{QueryError, QueryResult, RangeSeries, Sample, Value};

fn eval(src: &str) -> EvalCmd {
    match parse_test_file(src).into_iter().next() {
        Some(Command::Eval(e)) => *e,
        other => panic!("not an eval: {other:?}"),
    }
}

fn l(pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().copied())
}

fn ok(value: Value) -> Result<QueryResult, QueryError> {
    Ok(QueryResult {
        value,
        warnings: vec![],
        infos: vec![],
    })
}

fn vector(items: &[(&[(&str, &str)], f64)]) -> Value {
    Value::Vector(
        items
            .iter()
            .map(|(p, v)| Sample {
                labels: l(p),
                t: 0,
                v: *v,
            })
            .collect(),
    )
}

const STALE: f64 = f64::from_bits(STALE_NAN_BITS);

#[test]
fn float_tolerance() {
    assert!(float_eq(1.0, 1.0 + 1e-7));
    assert!(!float_eq(1.0, 1.0 + 3e-6));
    assert!(float_eq(1e300, 1e300 * (1.0 + 1e-7)));
    assert!(float_eq(-5.0, -5.000001));
    assert!(!float_eq(-5.0, 5.0));
    // Zero only equals (almost exactly) zero.
    assert!(float_eq(0.0, -0.0));
    assert!(!float_eq(0.0, 1e-300));
    assert!(float_eq(0.0, 1e-320));
    assert!(float_eq(f64::INFINITY, f64::INFINITY));
    assert!(!float_eq(f64::INFINITY, f64::NEG_INFINITY));
    assert!(!float_eq(f64::INFINITY, f64::MAX));
    assert!(float_eq(f64::NAN, -f64::NAN));
    assert!(!float_eq(f64::NAN, 0.0));
}

#[test]
fn stale_only_equals_stale() {
    assert!(value_eq(SeriesValue::Stale, STALE));
    assert!(!value_eq(SeriesValue::Stale, f64::NAN));
    assert!(!value_eq(SeriesValue::Float(f64::NAN), STALE));
    assert!(value_eq(SeriesValue::Float(f64::NAN), f64::NAN));
}

#[test]
fn instant_vectors() {
    let e = eval("eval instant at 0 x\n  x{a=\"1\"} 1\n  {a=\"2\"} NaN\n");
    let good = vector(&[
        (&[("a", "2")], f64::NAN),
        (&[("__name__", "x"), ("a", "1")], 1.0000001),
    ]);
    assert_eq!(check_outcome(&e, &ok(good)), Ok(()));
    // Exact label sets: a missing __name__ is a different series.
    let r = vector(&[(&[("a", "1")], 1.0), (&[("a", "2")], f64::NAN)]);
    assert!(check_outcome(&e, &ok(r)).is_err());
    let missing = vector(&[(&[("__name__", "x"), ("a", "1")], 1.0)]);
    assert!(
        check_outcome(&e, &ok(missing))
            .unwrap_err()
            .contains("not found")
    );
    let wrong = vector(&[
        (&[("__name__", "x"), ("a", "1")], 2.0),
        (&[("a", "2")], f64::NAN),
    ]);
    assert!(check_outcome(&e, &ok(wrong)).is_err());
    assert!(check_outcome(&e, &ok(Value::Scalar { t: 0, v: 1.0 })).is_err());
    assert!(check_outcome(&e, &Err(QueryError::Execution("boom".into()))).is_err());
    // No result lines: empty vector or matrix only.
    let empty = eval("eval instant at 0 x\n");
    assert_eq!(check_outcome(&empty, &ok(Value::Vector(vec![]))), Ok(()));
    assert_eq!(check_outcome(&empty, &ok(Value::Matrix(vec![]))), Ok(()));
    assert!(check_outcome(&empty, &ok(Value::Scalar { t: 0, v: 0.0 })).is_err());
}

#[test]
fn ordered() {
    let e = eval("eval instant at 0 sort(x)\n  expect ordered\n  {a=\"1\"} 1\n  {a=\"2\"} 2\n");
    let sorted = vector(&[(&[("a", "1")], 1.0), (&[("a", "2")], 2.0)]);
    let reversed = vector(&[(&[("a", "2")], 2.0), (&[("a", "1")], 1.0)]);
    assert_eq!(check_outcome(&e, &ok(sorted)), Ok(()));
    assert!(
        check_outcome(&e, &ok(reversed.clone()))
            .unwrap_err()
            .contains("position")
    );
    let unordered = eval("eval instant at 0 sort(x)\n  {a=\"1\"} 1\n  {a=\"2\"} 2\n");
    assert_eq!(check_outcome(&unordered, &ok(reversed)), Ok(()));
}

#[test]
fn scalars_strings_and_failures() {
    let e = eval("eval instant at 0 1/0\n  +Inf\n");
    assert_eq!(
        check_outcome(
            &e,
            &ok(Value::Scalar {
                t: 0,
                v: f64::INFINITY
            })
        ),
        Ok(())
    );
    assert!(check_outcome(&e, &ok(vector(&[(&[], f64::INFINITY)]))).is_err());
    let s = eval("eval instant at 0 \"a\"\n  expect string \"a\"\n");
    assert_eq!(
        check_outcome(
            &s,
            &ok(Value::String {
                t: 0,
                s: "a".into()
            })
        ),
        Ok(())
    );
    assert!(
        check_outcome(
            &s,
            &ok(Value::String {
                t: 0,
                s: "b".into()
            })
        )
        .is_err()
    );
    let err = |m: &str| Err(QueryError::Execution(m.into()));
    let f = eval("eval instant at 0 x\n  expect fail msg: vector cannot contain metrics\n");
    assert_eq!(
        check_outcome(&f, &err("vector cannot contain metrics")),
        Ok(())
    );
    assert!(check_outcome(&f, &err("vector cannot contain metrics!")).is_err());
    assert!(check_outcome(&f, &ok(Value::Vector(vec![]))).is_err());
    let r = eval("eval instant at 0 x\n  expect fail regex: many-to-\\w+\n");
    assert_eq!(
        check_outcome(&r, &err("found duplicate series: many-to-many matching")),
        Ok(())
    );
    assert!(check_outcome(&r, &err("other")).is_err());
}

#[test]
fn range_results_with_gaps() {
    let e = eval("eval range from 0 to 4m step 1m x\n  x 1 _ 3 stale\n  {} 5\n");
    let m = |pts: Vec<(i64, f64)>| {
        ok(Value::Matrix(vec![
            RangeSeries {
                labels: l(&[]),
                points: vec![(0, 5.0)],
            },
            RangeSeries {
                labels: l(&[("__name__", "x")]),
                points: pts,
            },
        ]))
    };
    assert_eq!(
        check_outcome(&e, &m(vec![(0, 1.0), (120_000, 3.0), (180_000, STALE)])),
        Ok(())
    );
    // A point where `_` says there is none, a missing trailing point, a wrong timestamp.
    assert!(
        check_outcome(
            &e,
            &m(vec![
                (0, 1.0),
                (60_000, 2.0),
                (120_000, 3.0),
                (180_000, STALE)
            ])
        )
        .is_err()
    );
    assert!(check_outcome(&e, &m(vec![(0, 1.0), (120_000, 3.0)])).is_err());
    assert!(check_outcome(&e, &m(vec![(0, 1.0), (120_000, 3.0), (240_000, STALE)])).is_err());
    // Values past the last step are an error; so is an unsorted matrix.
    let long = eval("eval range from 0 to 1m step 1m x\n  x 1 2 3\n");
    let r = ok(Value::Matrix(vec![RangeSeries {
        labels: l(&[("__name__", "x")]),
        points: vec![(0, 1.0), (60_000, 2.0)],
    }]));
    assert!(check_outcome(&long, &r).is_err());
    let unsorted = ok(Value::Matrix(vec![
        RangeSeries {
            labels: l(&[("__name__", "x")]),
            points: vec![(0, 1.0), (120_000, 3.0), (180_000, STALE)],
        },
        RangeSeries {
            labels: l(&[]),
            points: vec![(0, 5.0)],
        },
    ]));
    assert!(check_outcome(&e, &unsorted).unwrap_err().contains("sorted"));
}

#[test]
fn annotations_checked_only_when_asserted() {
    let with = |w: &[&str], i: &[&str]| {
        Ok(QueryResult {
            value: Value::Vector(vec![]),
            warnings: w.iter().map(|s| s.to_string()).collect(),
            infos: i.iter().map(|s| s.to_string()).collect(),
        })
    };
    let plain = eval("eval instant at 0 x\n");
    assert_eq!(
        check_outcome(&plain, &with(&["PromQL warning: w"], &["PromQL info: i"])),
        Ok(())
    );
    let no_warn = eval("eval instant at 0 x\n  expect no_warn\n");
    assert!(check_outcome(&no_warn, &with(&["PromQL warning: w"], &[])).is_err());
    assert_eq!(
        check_outcome(&no_warn, &with(&[], &["PromQL info: i"])),
        Ok(())
    );
    let warn = eval(
        "eval instant at 0 x\n  expect warn msg: PromQL warning: w\n  expect warn regex: other\n",
    );
    assert_eq!(
        check_outcome(
            &warn,
            &with(&["PromQL warning: w", "PromQL warning: other thing"], &[])
        ),
        Ok(())
    );
    assert!(check_outcome(&warn, &with(&[], &[])).is_err());
    assert!(check_outcome(&warn, &with(&["PromQL warning: x"], &[])).is_err());
    // Every expectation line must be matched by some warning.
    assert!(check_outcome(&warn, &with(&["PromQL warning: w"], &[])).is_err());
    let info = eval("eval instant at 0 x\n  expect info\n");
    assert_eq!(
        check_outcome(&info, &with(&[], &["PromQL info: anything"])),
        Ok(())
    );
    assert!(check_outcome(&info, &with(&["PromQL warning: w"], &[])).is_err());
}

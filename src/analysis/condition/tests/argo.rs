//! Argo's functions (`asInt asFloat isNaN isInf isNil default`) and the empty-vector and
//! NaN rules of SEMANTICS.md §2.5/§3.

use super::super::*;
use super::{list, run, scalar};

#[test]
fn argo_functions() {
    let s = scalar(1.7);
    let nan = scalar(f64::NAN);
    let inf = scalar(f64::NEG_INFINITY);
    let empty = list(&[]);
    let l = list(&[1.0, 2.0]);
    let cases: &[(&str, Option<&ResultValue>, &str)] = &[
        ("asInt(result) == 1", Some(&s), "true"),
        ("asInt('12') == 12", Some(&s), "true"),
        (
            "asInt(result) == -9223372036854775807 - 1",
            Some(&nan),
            "true",
        ), // amd64 int64(NaN)
        (
            "asInt('1.1') == 1",
            Some(&s),
            "ERR strconv.ParseInt: parsing \"1.1\": invalid syntax",
        ),
        (
            "asInt('abc') == 1",
            Some(&s),
            "ERR strconv.ParseInt: parsing \"abc\": invalid syntax",
        ),
        (
            "asInt(result) == 1",
            Some(&l),
            "ERR asInt() not supported on []float64 [1 2]",
        ),
        ("asFloat('1.5') == 1.5 && asFloat(2) == 2", Some(&s), "true"),
        (
            "asFloat('NotANum') > 0",
            Some(&s),
            "ERR strconv.ParseFloat: parsing \"NotANum\": invalid syntax",
        ),
        ("isNaN(asFloat('NaN'))", Some(&s), "true"),
        ("isNaN(result)", Some(&nan), "true"),
        ("isNaN(result)", Some(&s), "false"),
        ("isNaN(1)", Some(&s), "false"),
        ("isNaN(result) || result >= 0.95", Some(&nan), "true"),
        ("isInf(result)", Some(&inf), "true"),
        ("isInf(result[0])", Some(&l), "false"),
        ("isNil(result)", None, "true"),
        ("isNil(result)", Some(&empty), "false"),
        ("isNil(1)", None, "true"),
        ("isNil(nil)", Some(&s), "false"),
        ("default(result, 0) < 0.05", None, "true"),
        // A nil result is statically unknown, as in expr: this compiles and short-circuits.
        ("isNil(result) || result > 1", None, "true"),
        ("result > 1", None, "ERR invalid operation: <nil> > int"),
        (
            "len(result) == 0",
            None,
            "ERR invalid argument for len (type <nil>)",
        ),
        ("len(default(result, 0)) == 0", Some(&empty), "true"),
        (
            "default(result[0], 0) < 0.05",
            Some(&empty),
            "ERR index out of range: 0 (array length is 0)",
        ),
        ("default(nil, 5) == 1.7", Some(&s), "true"),
    ];
    for (src, r, want) in cases {
        assert_eq!(run(src, *r), *want, "{src}");
    }
}

#[test]
fn empty_vector_and_nan_rules() {
    let empty = list(&[]);
    let e = Some(&empty);
    assert_eq!(
        run("result[0] >= 0.95", e),
        "ERR index out of range: 0 (array length is 0)"
    );
    assert_eq!(run("len(result) == 0", e), "true");
    assert_eq!(run("len(result) == 0 || result[0] >= 0.95", e), "true");
    assert_eq!(run("len(result) > 0 && result[0] >= 0.95", e), "false");
    assert_eq!(run("all(result, # > 1)", e), "true");
    assert_eq!(run("any(result, # > 1)", e), "false");
    assert_eq!(run("sum(result) == 0", e), "true");
    let nan = scalar(f64::NAN);
    let n = Some(&nan);
    for (src, want) in [
        ("result >= 0.9", "false"),
        ("result < 0.9", "false"),
        ("result == result", "false"),
        ("result != 0.9", "true"),
    ] {
        assert_eq!(run(src, n), want, "{src}");
    }
    assert_eq!(run("result >= 0.9", Some(&scalar(f64::INFINITY))), "true");
    assert_eq!(run("result == 10", Some(&scalar(10.0))), "true");
}

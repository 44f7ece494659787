//! Table tests of the whole pipeline: typing errors against the type of `result`,
//! evaluation, and spans of check errors. Argo's functions and the fuzz test are in `tests/`.

use super::*;

pub(super) fn scalar(v: f64) -> ResultValue {
    ResultValue::Scalar(v)
}
pub(super) fn list(vs: &[f64]) -> ResultValue {
    ResultValue::List(vs.to_vec())
}

/// Runs `src` and renders the outcome as `true`, `false` or `ERR <message>`.
pub(super) fn run(src: &str, result: Option<&ResultValue>) -> String {
    match evaluate_condition(src, result) {
        Ok(b) => b.to_string(),
        Err(e) => format!("ERR {e}"),
    }
}

#[test]
fn one_condition_is_checked_against_each_result_type() {
    // The type check is remembered per shape of `result`, never across shapes.
    let src = "result > 0.9";
    let mismatch = "ERR invalid operation: > (mismatched types []float64 and float64)";
    for _ in 0..2 {
        assert_eq!(run(src, Some(&scalar(0.95))), "true");
        assert_eq!(run(src, Some(&list(&[0.95]))), mismatch);
        assert_eq!(run(src, None), "ERR invalid operation: <nil> > float64");
    }
}

#[test]
fn typing_errors_against_result_type() {
    let l = list(&[0.5]);
    let s = scalar(0.5);
    let cases: &[(&str, &ResultValue, &str)] = &[
        (
            "result > 0.9",
            &l,
            "ERR invalid operation: > (mismatched types []float64 and float64)",
        ),
        (
            "len(result) == 0 || result > 0.9",
            &list(&[]),
            "ERR invalid operation: > (mismatched types []float64 and float64)",
        ),
        ("result[0]", &s, "ERR type float64[int] is undefined"),
        (
            "result[0] >= 0.95",
            &s,
            "ERR type float64[int] is undefined",
        ),
        ("foo > 1", &s, "ERR unknown name foo"),
        ("foo(1)", &s, "ERR unknown name foo"),
        (
            "isNaN(result)",
            &l,
            "ERR cannot use []float64 as argument (type float64) to call isNaN ",
        ),
        (
            "isInf(result)",
            &l,
            "ERR cannot use []float64 as argument (type float64) to call isInf ",
        ),
        ("isNaN()", &s, "ERR not enough arguments to call isNaN"),
        (
            "isNaN(result, 1)",
            &s,
            "ERR too many arguments to call isNaN",
        ),
        (
            "default(result)",
            &s,
            "ERR not enough arguments to call default",
        ),
        (
            "len(result)",
            &s,
            "ERR invalid argument for len (type float64)",
        ),
        (
            "len(result, 1) > 0",
            &l,
            "ERR invalid number of arguments (expected 1, got 2)",
        ),
        (
            "all(result, # > 1)",
            &s,
            "ERR builtin all takes only array (got float64)",
        ),
        (
            "all(result, # + 1)",
            &l,
            "ERR predicate should return boolean (got float64)",
        ),
        (
            "result['a'] > 1",
            &l,
            "ERR array elements can only be selected using an integer (got string)",
        ),
        (
            "result.foo > 1",
            &l,
            "ERR array elements can only be selected using an integer (got string)",
        ),
        (
            "'a' in result",
            &l,
            "ERR cannot use string as type float64 in array",
        ),
        (
            "result == 'a'",
            &s,
            "ERR invalid operation: == (mismatched types float64 and string)",
        ),
        (
            "!result",
            &s,
            "ERR invalid operation: ! (mismatched type float64)",
        ),
        (
            "result % 2 == 0",
            &s,
            "ERR invalid operation: % (mismatched types float64 and int)",
        ),
        (
            "result && true",
            &s,
            "ERR invalid operation: && (mismatched types float64 and bool)",
        ),
        (
            "result ? true : false",
            &s,
            "ERR non-bool expression (type float64) used as condition",
        ),
        ("#", &s, "ERR cannot use pointer accessor outside predicate"),
        ("result[1.5:]", &l, "ERR non-integer slice index float64"),
        ("result[1:] == 1", &s, "ERR cannot slice float64"),
        (
            "first(result) > 1",
            &s,
            "ERR cannot get first element from float64",
        ),
        ("max() > 1", &s, "ERR not enough arguments to call max"),
        (
            "abs('a') > 1",
            &s,
            "ERR invalid argument for abs (type string)",
        ),
        ("round(result)", &s, "ERR expected bool, but got float64"),
    ];
    for (src, r, want) in cases {
        assert_eq!(run(src, Some(r)), *want, "{src}");
    }
}

#[test]
fn evaluation_table() {
    let l = list(&[0.96, 0.5, 2.0]);
    let s = scalar(0.97);
    let cases: &[(&str, &ResultValue, &str)] = &[
        ("result >= 0.95", &s, "true"),
        ("result == 0.97", &s, "true"),
        ("result[0] >= 0.95", &l, "true"),
        ("result[-1] == 2", &l, "true"),
        ("result[-3] == 0.96", &l, "true"),
        (
            "result[3] > 0",
            &l,
            "ERR index out of range: 3 (array length is 3)",
        ),
        (
            "result[-4] > 0",
            &l,
            "ERR index out of range: -1 (array length is 3)",
        ),
        ("result[1:3] == [0.5, 2]", &l, "true"), // []float64 vs []interface {}: element-wise
        ("len(result[1:3]) == 2 && result[1:][0] == 0.5", &l, "true"),
        ("len(result[5:]) == 0 && len(result[-2:]) == 2", &l, "true"),
        ("len(result) == 3", &l, "true"),
        ("all(result, # > 0.1)", &l, "true"),
        ("all(result, {# > 0.6})", &l, "false"),
        ("any(result, # > 1.5)", &l, "true"),
        ("none(result, # > 5)", &l, "true"),
        ("one(result, # > 1)", &l, "true"),
        ("count(result, # > 0.9) == 2", &l, "true"),
        ("len(filter(result, # > 0.9)) == 2", &l, "true"),
        ("map(result, # * 2)[2] == 4", &l, "true"),
        ("sum(result) == 3.46", &l, "true"),
        ("sum(result, # * 2) > 6.9", &l, "true"),
        ("max(result) == 2 && min(result) == 0.5", &l, "true"),
        (
            "mean([1, 2, 3]) == 2 && median([3, 1, 2, 10]) == 2.5",
            &s,
            "true",
        ),
        ("first(result) == 0.96 && last(result) == 2", &l, "true"),
        (
            "abs(-1.5) == 1.5 && ceil(1.2) == 2 && floor(1.8) == 1 && round(2.5) == 3",
            &s,
            "true",
        ),
        (
            "int(2.9) == 2 && float(2) == 2.0 && int('42') == 42",
            &s,
            "true",
        ),
        ("string(result) == '0.97'", &s, "true"),
        (
            "int('x') == 1",
            &s,
            "ERR strconv.Atoi: parsing \"x\": invalid syntax",
        ),
        ("2 in result", &l, "true"),
        ("10 in result", &l, "false"),
        ("10 not in result", &l, "true"),
        ("7 / 2 == 3.5", &s, "true"),
        ("1 / 0 > 1000", &s, "true"),
        (
            "7 % 0 == 1",
            &s,
            "ERR runtime error: integer divide by zero",
        ),
        ("7 % 3 == 1 && -7 % 3 == -1", &s, "true"),
        ("2 ** 10 == 1024 && 2 ^ 0.5 > 1.41", &s, "true"),
        ("1 + 2 * 3 == 7", &s, "true"),
        ("result * 100 > 96", &s, "true"),
        ("true || result[5] > 1", &l, "true"),
        ("false && result[5] > 1", &l, "false"),
        (
            "false || result[5] > 1",
            &l,
            "ERR index out of range: 5 (array length is 3)",
        ),
        ("result > 1 ? false : true", &s, "true"),
        ("nil ?? true", &s, "true"),
        (
            "'abc' contains 'b' && 'abc' startsWith 'a' && 'abc' endsWith 'c'",
            &s,
            "true",
        ),
        ("'abc' matches '^a.c$'", &s, "true"),
        ("'a' + 'b' == 'ab'", &s, "true"),
        ("not (result < 0.5)", &s, "true"),
        ("0.9 < result < 1", &s, "true"),
        ("[1, 2][0] == 1 && len([]) == 0", &s, "true"),
        ("result", &s, "ERR expected bool, but got float64"),
        ("len(result)", &l, "ERR expected bool, but got int"),
        ("result", &l, "ERR expected bool, but got []float64"),
        ("nil", &s, "ERR expected bool, but got <nil>"),
        (
            "map(result, # > 1)",
            &l,
            "ERR expected bool, but got []interface {}",
        ),
    ];
    for (src, r, want) in cases {
        assert_eq!(run(src, Some(r)), *want, "{src}");
    }
}

#[test]
fn check_reports_spans() {
    let p = parse("len(result) > 0 && result > 0.9").unwrap();
    let e = check(&p, ResultType::List).unwrap_err();
    assert_eq!(e.span, (19, 31));
    assert_eq!(&p.source[e.span.0..e.span.1], "result > 0.9");
    let p = parse("result[0] >= 0.95 || foo").unwrap();
    let e = check(&p, ResultType::List).unwrap_err();
    assert_eq!((e.message.as_str(), e.span), ("unknown name foo", (21, 24)));
    assert_eq!(
        check(&parse("result[0] >= 0.95").unwrap(), ResultType::List),
        Ok(Type::Bool)
    );
}

mod argo;
mod fuzz;

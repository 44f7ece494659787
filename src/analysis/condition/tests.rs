//! Table tests of the whole pipeline: typing errors, evaluation, Argo's functions, the
//! result shapes of SEMANTICS.md §2.5/§3, and a no-panic test on random input.

use super::*;

fn scalar(v: f64) -> ResultValue {
    ResultValue::Scalar(v)
}
fn list(vs: &[f64]) -> ResultValue {
    ResultValue::List(vs.to_vec())
}

/// Runs `src` and renders the outcome as `true`, `false` or `ERR <message>`.
fn run(src: &str, result: Option<&ResultValue>) -> String {
    match evaluate_condition(src, result) {
        Ok(b) => b.to_string(),
        Err(e) => format!("ERR {e}"),
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

/// A tiny xorshift generator: the no-panic test is reproducible from its seed.
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_input_never_panics() {
    let alphabet: Vec<&str> = vec![
        "result", "[", "]", "(", ")", "{", "}", "#", "0", "1", "-1", ".5", "1e3", "'a'", "\"", "`",
        "\\", "+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", ">=", "&&", "||", "!", "not",
        "in", "and", "?", ":", "??", ",", ".", "len", "all", "filter", "map", "sum", "max",
        "isNaN", "asInt", "default", "isNil", "nil", "true", "matches", "é", "@", " ", "first",
        "count",
    ];
    let results = [
        None,
        Some(scalar(f64::NAN)),
        Some(list(&[])),
        Some(list(&[1.0, f64::INFINITY])),
    ];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut parsed = 0;
    for _ in 0..20_000 {
        let n = (xorshift(&mut seed) % 12) as usize;
        let src: String = (0..n)
            .map(|_| alphabet[(xorshift(&mut seed) % alphabet.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join("");
        let r = &results[(xorshift(&mut seed) % 4) as usize];
        let _ = evaluate_condition(&src, r.as_ref());
        let _ = measurement_phase(&src, &src, r.as_ref());
        // Whatever parses prints to a form that parses back to the same print.
        if let Ok(p) = parse(&src) {
            parsed += 1;
            let printed = p.ast.to_string();
            let again = parse(&printed).map(|q| q.ast.to_string());
            assert_eq!(again.as_deref(), Ok(printed.as_str()), "{src:?}");
        }
    }
    assert!(parsed > 500, "only {parsed} random inputs parsed");
    for _ in 0..5_000 {
        let n = (xorshift(&mut seed) % 24) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| (xorshift(&mut seed) % 256) as u8).collect();
        let src = String::from_utf8_lossy(&bytes);
        let _ = evaluate_condition(&src, Some(&list(&[1.0])));
    }
}

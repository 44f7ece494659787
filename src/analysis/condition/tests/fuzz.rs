//! No input panics: random token soups and random bytes through the whole pipeline, and
//! every parseable input prints to a form that parses back to the same print.

use super::super::*;

fn scalar(v: f64) -> ResultValue {
    ResultValue::Scalar(v)
}
fn list(vs: &[f64]) -> ResultValue {
    ResultValue::List(vs.to_vec())
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

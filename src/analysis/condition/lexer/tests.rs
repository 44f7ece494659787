//! Lexer tests: token kinds and values, byte spans, error texts.

use super::*;

fn kinds(src: &str) -> Vec<(Kind, String)> {
    lex(src)
        .unwrap()
        .into_iter()
        .map(|t| (t.kind, t.value))
        .collect()
}

#[test]
fn lexes_table() {
    use Kind::*;
    let cases: &[(&str, &[(Kind, &str)])] = &[
        (
            "result[0] >= 0.95",
            &[
                (Identifier, "result"),
                (Bracket, "["),
                (Number, "0"),
                (Bracket, "]"),
                (Operator, ">="),
                (Number, "0.95"),
            ],
        ),
        (
            "1e3 .5 1_000 0x1F",
            &[
                (Number, "1e3"),
                (Number, ".5"),
                (Number, "1000"),
                (Number, "0x1F"),
            ],
        ),
        (
            "a not in b",
            &[
                (Identifier, "a"),
                (Operator, "not"),
                (Operator, "in"),
                (Identifier, "b"),
            ],
        ),
        (
            r#""a\tb" 'c\'d' `e\n`"#,
            &[(Str, "a\tb"), (Str, "c'd"), (Str, "e\\n")],
        ),
        ("\"\\u00e9\\x41\\101\"", &[(Str, "éAA")]),
        (
            "# ?? ** ^ !",
            &[
                (Operator, "#"),
                (Operator, "??"),
                (Operator, "**"),
                (Operator, "^"),
                (Operator, "!"),
            ],
        ),
        ("1..3", &[(Number, "1"), (Operator, ".."), (Number, "3")]),
    ];
    for (src, want) in cases {
        let mut got = kinds(src);
        assert_eq!(got.pop().map(|t| t.0), Some(Eof));
        let want: Vec<(Kind, String)> = want.iter().map(|(k, v)| (*k, v.to_string())).collect();
        assert_eq!(got, want, "{src}");
    }
}

#[test]
fn spans_are_bytes() {
    let toks = lex("é >= 1").unwrap_err();
    assert_eq!(toks.span, (0, 2));
    assert_eq!(toks.message, "unrecognized character: U+00E9 'é'");
    let toks = lex("a  >= 1").unwrap();
    assert_eq!(toks[1].span, (3, 5));
}

#[test]
fn errors() {
    assert_eq!(lex("'abc").unwrap_err().message, "literal not terminated");
    assert_eq!(lex(r#""\q""#).unwrap_err().message, "invalid char escape");
    assert_eq!(
        lex("@").unwrap_err().message,
        "unrecognized character: U+0040 '@'"
    );
    // `=` is a token in expr, so `result = 1` is a parse error, not a lexer error.
    assert_eq!(lex("a = 1").unwrap()[1].value, "=");
}

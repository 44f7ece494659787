//! Tokenizer for the condition language, after expr-lang's `parser/lexer`: numbers (with
//! `_`, hex, exponents, `.5`), Go-escaped strings in `'`, `"` and backticks, word operators
//! (`and or not in matches contains startsWith endsWith`) and byte spans. Depends on `ast`.

use super::ConditionError;
use super::ast::Span;

/// Token kinds, named as expr names them in `unexpected token ...` messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Identifier,
    Number,
    Str,
    Operator,
    Bracket,
    Eof,
}

/// One token: its kind, its text (unquoted for strings) and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Kind,
    pub value: String,
    pub span: Span,
}

impl Token {
    pub fn is(&self, kind: Kind, value: &str) -> bool {
        self.kind == kind && self.value == value
    }

    /// expr's `Token.String()`: `Operator("+")`, `EOF`.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            Kind::Identifier => "Identifier",
            Kind::Number => "Number",
            Kind::Str => "String",
            Kind::Operator => "Operator",
            Kind::Bracket => "Bracket",
            Kind::Eof => return "EOF".to_string(),
        };
        format!("{kind}({:?})", self.value)
    }
}

const WORD_OPERATORS: [&str; 8] = [
    "and",
    "or",
    "not",
    "in",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
];

const SYMBOL_OPERATORS: [&str; 24] = [
    "??", "?.", "**", "==", "!=", "<=", ">=", "&&", "||", "..", "!", "<", ">", "+", "-", "*", "/",
    "%", "^", "?", ":", ",", "=", "&",
];

/// Splits `src` into tokens, ending with an `Eof` token.
pub fn lex(src: &str) -> Result<Vec<Token>, ConditionError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i = scan_number(bytes, i);
            let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
            out.push(tok(Kind::Number, text, start, i));
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let (value, end) = scan_string(src, i)?;
            i = end;
            out.push(tok(Kind::Str, value, start, i));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            let word = &src[start..i];
            let kind = if WORD_OPERATORS.contains(&word) {
                Kind::Operator
            } else {
                Kind::Identifier
            };
            out.push(tok(kind, word.to_string(), start, i));
        } else if c == b'#' {
            i += 1;
            out.push(tok(Kind::Operator, "#".into(), start, i));
        } else if b"()[]{}".contains(&c) {
            i += 1;
            out.push(tok(Kind::Bracket, (c as char).to_string(), start, i));
        } else if let Some(op) = SYMBOL_OPERATORS
            .iter()
            .find(|op| src[i..].starts_with(**op))
        {
            i += op.len();
            out.push(tok(Kind::Operator, op.to_string(), start, i));
        } else if c == b'.' || c == b'|' {
            i += 1;
            out.push(tok(Kind::Operator, (c as char).to_string(), start, i));
        } else {
            let ch = src[i..]
                .chars()
                .next()
                .expect("i is on a char boundary below len");
            let end = i + ch.len_utf8();
            return Err(ConditionError::new(
                (start, end),
                format!("unrecognized character: U+{:04X} '{ch}'", ch as u32),
            ));
        }
    }
    out.push(tok(Kind::Eof, String::new(), src.len(), src.len()));
    Ok(out)
}

fn tok(kind: Kind, value: String, start: usize, end: usize) -> Token {
    Token {
        kind,
        value,
        span: (start, end),
    }
}

fn scan_number(b: &[u8], mut i: usize) -> usize {
    let digit = |c: u8| c.is_ascii_digit() || c == b'_';
    if b[i] == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')) {
        i += 2;
        while i < b.len() && (b[i].is_ascii_hexdigit() || b[i] == b'_') {
            i += 1;
        }
        return i;
    }
    while i < b.len() && digit(b[i]) {
        i += 1;
    }
    // `1..3` is a range, not `1.` followed by `.3`.
    if i < b.len() && b[i] == b'.' && b.get(i + 1) != Some(&b'.') {
        i += 1;
        while i < b.len() && digit(b[i]) {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            i = j;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i
}

/// Scans a quoted string starting at `start`; returns the unescaped value and the end.
fn scan_string(src: &str, start: usize) -> Result<(String, usize), ConditionError> {
    let quote = src.as_bytes()[start] as char;
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        let pos = start + 1 + off;
        if c == quote {
            return Ok((out, pos + 1));
        }
        if c == '\\' && quote != '`' {
            let Some((_, e)) = chars.next() else { break };
            out.push(unescape(e, &mut chars).ok_or_else(|| {
                ConditionError::new((pos, pos + 2), "invalid char escape".to_string())
            })?);
        } else if c == '\n' && quote != '`' {
            break;
        } else {
            out.push(c);
        }
    }
    Err(ConditionError::new(
        (start, src.len()),
        "literal not terminated".to_string(),
    ))
}

fn unescape(e: char, chars: &mut std::str::CharIndices<'_>) -> Option<char> {
    let mut take_hex = |n: usize| -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * 16 + chars.next()?.1.to_digit(16)?;
        }
        Some(v)
    };
    Some(match e {
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '\\' | '\'' | '"' | '`' => e,
        'x' => char::from_u32(take_hex(2)?)?,
        'u' => char::from_u32(take_hex(4)?)?,
        'U' => char::from_u32(take_hex(8)?)?,
        '0'..='7' => {
            let mut v = e.to_digit(8)?;
            for _ in 0..2 {
                v = v * 8 + chars.next()?.1.to_digit(8)?;
            }
            char::from_u32(v)?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;

//! Duration expressions (Prometheus 3.x): arithmetic where PromQL expects a duration.
//!
//! `x[26m+4m]`, `x[60*30]`, `x[5m:step()*2]`, `x offset (2*2)`, `x offset -step()`,
//! `min_of(..)`/`max_of(..)`, `step()`, `range()`, and bare numbers as seconds. The
//! `promql-parser` crate reads none of these, so this module evaluates them in the query
//! text first and writes canonical durations back (`[30m]`, `offset 4s`); the rewritten
//! query means the same thing to Prometheus. Mirrors Prometheus's grammar: after `offset`
//! without parentheses only one signed term belongs to the offset (`x offset 100 + 2` is
//! `(x offset 100s) + 2`); inside `[...]` the whole text is the expression. `^` binds
//! tighter than unary minus. Text inside string literals is never touched.

use std::borrow::Cow;

use crate::model::Duration;

/// Values of `step()` and `range()` for one query (milliseconds; 0 for instant queries).
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryTiming {
    pub step_ms: i64,
    pub range_ms: i64,
}

/// Rewrites every duration expression in `query`; returns it unchanged when there is none.
pub fn rewrite(query: &str, timing: QueryTiming) -> Cow<'_, str> {
    let b = query.as_bytes();
    let mut out = String::new(); // allocated only when something is rewritten
    let (mut i, mut copied, mut changed) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => i = skip_string(b, i),
            b'[' => {
                let Some(close) = matching(b, i, b'[', b']') else {
                    break;
                };
                if let Some(new) = rewrite_brackets(&query[i + 1..close], timing) {
                    out.push_str(&query[copied..=i]);
                    out.push_str(&new);
                    copied = close;
                    changed = true;
                }
                i = close + 1;
            }
            b'o' | b'O' if is_keyword(query, i, "offset") => {
                let start = skip_ws(b, i + 6);
                match offset_term(query, start, timing) {
                    Some((end, ms)) => {
                        if ms == 0 {
                            // `offset 0` means no offset; the parser crate rejects a zero one.
                            out.push_str(&query[copied..i]);
                        } else {
                            out.push_str(&query[copied..start]);
                            out.push_str(&Duration::from_millis(ms).to_string());
                        }
                        copied = end;
                        changed = true;
                        i = end;
                    }
                    None => i += 6,
                }
            }
            _ => i += 1,
        }
    }
    if !changed {
        return Cow::Borrowed(query);
    }
    out.push_str(&query[copied..]);
    Cow::Owned(out)
}

/// `range` or `range:step` inside brackets; `None` when both parts are plain durations.
fn rewrite_brackets(inner: &str, timing: QueryTiming) -> Option<String> {
    let parts: Vec<&str> = split_top_level_colon(inner);
    if parts
        .iter()
        .all(|p| p.trim().is_empty() || Duration::parse(p.trim()).is_ok())
    {
        return None;
    }
    let mut rewritten = Vec::with_capacity(parts.len());
    for p in &parts {
        let t = p.trim();
        if t.is_empty() || Duration::parse(t).is_ok() {
            rewritten.push(t.to_string());
        } else {
            let ms = evaluate(t, timing)?;
            rewritten.push(Duration::from_millis(ms).to_string());
        }
    }
    Some(rewritten.join(":"))
}

fn split_top_level_colon(s: &str) -> Vec<&str> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ':' if depth == 0 => return vec![&s[..i], &s[i + 1..]],
            _ => {}
        }
    }
    vec![s]
}

/// The single signed term after `offset`: returns (end index, milliseconds), or `None`
/// when it is a plain duration already (or not a duration at all).
fn offset_term(q: &str, start: usize, timing: QueryTiming) -> Option<(usize, i64)> {
    let b = q.as_bytes();
    let mut i = start;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i = skip_ws(b, i + 1);
    }
    let end = match *b.get(i)? {
        b'(' => matching(b, i, b'(', b')')? + 1,
        c if c.is_ascii_alphabetic() => {
            let name_end = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let open = skip_ws(b, name_end);
            if b.get(open) != Some(&b'(') {
                return None;
            }
            matching(b, open, b'(', b')')? + 1
        }
        c if c.is_ascii_digit() || c == b'.' => {
            i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.')
                .count()
        }
        _ => return None,
    };
    let text = &q[start..end];
    if Duration::parse(text).is_ok() {
        return None;
    }
    Some((end, evaluate(text, timing)?))
}

/// Evaluates a duration expression to milliseconds, as Prometheus converts float seconds
/// to a `time.Duration` and then to milliseconds (both truncating).
pub fn evaluate(text: &str, timing: QueryTiming) -> Option<i64> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        timing,
    };
    let v = p.expr()?;
    p.ws();
    if p.i != p.s.len() || !v.is_finite() {
        return None;
    }
    let ns = v * 1e9;
    if ns.abs() >= 9.2e18 {
        return None;
    }
    Some(ns as i64 / 1_000_000)
}

/// Recursive-descent evaluator over seconds.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    timing: QueryTiming,
}

impl Parser<'_> {
    fn ws(&mut self) {
        self.i = skip_ws(self.s, self.i);
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expr(&mut self) -> Option<f64> {
        let mut v = self.term()?;
        loop {
            if self.eat(b'+') {
                v += self.term()?;
            } else if self.eat(b'-') {
                v -= self.term()?;
            } else {
                return Some(v);
            }
        }
    }
    fn term(&mut self) -> Option<f64> {
        let mut v = self.unary()?;
        loop {
            if self.eat(b'*') {
                v *= self.unary()?;
            } else if self.eat(b'/') {
                v /= self.unary()?;
            } else if self.eat(b'%') {
                v %= self.unary()?;
            } else {
                return Some(v);
            }
        }
    }
    fn unary(&mut self) -> Option<f64> {
        if self.eat(b'-') {
            return Some(-self.unary()?);
        }
        if self.eat(b'+') {
            return self.unary();
        }
        let base = self.atom()?;
        if self.eat(b'^') {
            Some(base.powf(self.unary()?))
        } else {
            Some(base)
        }
    }
    fn atom(&mut self) -> Option<f64> {
        self.ws();
        let c = *self.s.get(self.i)?;
        if c == b'(' {
            self.i += 1;
            let v = self.expr()?;
            return self.eat(b')').then_some(v);
        }
        if c.is_ascii_alphabetic() {
            return self.call();
        }
        self.number()
    }
    fn call(&mut self) -> Option<f64> {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
        {
            self.i += 1;
        }
        let name = std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .to_ascii_lowercase();
        if !self.eat(b'(') {
            return None;
        }
        let v = match name.as_str() {
            "step" => self.timing.step_ms as f64 / 1000.0,
            "range" => self.timing.range_ms as f64 / 1000.0,
            "min_of" | "max_of" => {
                let a = self.expr()?;
                if !self.eat(b',') {
                    return None;
                }
                let b = self.expr()?;
                if name == "min_of" { a.min(b) } else { a.max(b) }
            }
            _ => return None,
        };
        self.eat(b')').then_some(v)
    }
    /// A number (seconds) or a duration literal such as `1h30m` or `8000ms`.
    fn number(&mut self) -> Option<f64> {
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.') {
            self.i += 1;
        }
        if self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
            while self.i < self.s.len() && self.s[self.i].is_ascii_alphanumeric() {
                self.i += 1;
            }
            let lit = std::str::from_utf8(&self.s[start..self.i]).ok()?;
            return Duration::parse(lit)
                .ok()
                .map(|d| d.millis() as f64 / 1000.0);
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Index just past a string literal starting at `i` (Go escapes in `"`/`'`, none in `` ` ``).
fn skip_string(b: &[u8], i: usize) -> usize {
    let quote = b[i];
    let mut j = i + 1;
    while j < b.len() && b[j] != quote {
        j += if b[j] == b'\\' && quote != b'`' { 2 } else { 1 };
    }
    j + 1
}

/// Index of the bracket closing the one at `open`, skipping strings.
fn matching(b: &[u8], open: usize, l: u8, r: u8) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' | b'`' => {
                i = skip_string(b, i);
                continue;
            }
            c if c == l => depth += 1,
            c if c == r => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `word` starts at `i` as a whole word (not part of an identifier).
fn is_keyword(q: &str, i: usize, word: &str) -> bool {
    let b = q.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
    q.get(i..i + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && (i == 0 || !ident(b[i - 1]))
        && b.get(i + word.len()).is_none_or(|c| !ident(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: QueryTiming = QueryTiming {
        step_ms: 10_000,
        range_ms: 60_000,
    };
    const INSTANT: QueryTiming = QueryTiming {
        step_ms: 0,
        range_ms: 0,
    };

    #[test]
    fn rewrites_duration_expressions() {
        for (input, want) in [
            ("changes(x[26m+4m])", "changes(x[30m])"),
            ("changes(x[1800])", "changes(x[30m])"),
            ("changes(x[60*30])", "changes(x[30m])"),
            ("changes(x[2m*(10+5)])", "changes(x[30m])"),
            ("changes(x[1h30m % 1h])", "changes(x[30m])"),
            ("changes(x[30m1s-30m1s % 1m])", "changes(x[30m])"),
            ("changes(x[24m+((1.5*2m)+2m)])", "changes(x[29m])"),
            (
                "sum_over_time(x[29s+1s:5s+5s])",
                "sum_over_time(x[30s:10s])",
            ),
            ("x[5m:]", "x[5m:]"),
            ("x offset (100 + 2)", "x offset 1m42s"),
            ("x offset 100 + 2", "x offset 1m40s + 2"),
            ("x offset -2 ^ 2", "x offset -2s ^ 2"),
            ("x offset (-2 ^ 2)", "x offset -4s"),
            ("x offset -step()*2", "x offset -10s*2"),
            ("x offset min_of(step(), 1s)+8000", "x offset 1s+8000"),
            ("x offset 5m", "x offset 5m"),
            (
                "count_over_time(x[max_of(min_of(step()+1,1h),1ms)])",
                "count_over_time(x[11s])",
            ),
            ("count_over_time(x[range()])", "count_over_time(x[1m])"),
            (
                r#"x{a="[1800]", offset="offset 100"}"#,
                r#"x{a="[1800]", offset="offset 100"}"#,
            ),
            ("sum by (offset) (x)", "sum by (offset) (x)"),
        ] {
            assert_eq!(rewrite(input, T), input.replace(input, want), "{input}");
        }
    }

    #[test]
    fn zero_offset_is_dropped() {
        assert_eq!(rewrite("x offset range() + 1", INSTANT), "x  + 1");
    }

    #[test]
    fn evaluates_like_prometheus() {
        assert_eq!(evaluate("1h/2", T), Some(1_800_000));
        assert_eq!(evaluate("-5m+35m", T), Some(1_800_000));
        assert_eq!(evaluate("STep()", T), Some(10_000));
        assert_eq!(
            evaluate("((((8 - 2) / 3) * 7s) % 4) + 8000ms", T),
            Some(10_000)
        );
        assert_eq!(evaluate("1 +", T), None);
        assert_eq!(evaluate("foo()", T), None);
    }
}

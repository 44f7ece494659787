//! A small PromQL scanner that finds identifiers, range brackets and parenthesis groups as
//! byte spans, skipping strings, comments and label matchers. No dependencies.

use super::query::Span;

/// Identifiers and brackets outside strings and `{...}`, in text order.
pub struct Tokens<'t> {
    text: &'t str,
    pub idents: Vec<Span>,
    /// `[...]` groups, including the brackets.
    pub brackets: Vec<Span>,
}

pub fn scan(text: &str) -> Tokens<'_> {
    let b = text.as_bytes();
    let mut t = Tokens {
        text,
        idents: Vec::new(),
        brackets: Vec::new(),
    };
    let mut i = 0;
    let mut braces = 0usize;
    let mut open_bracket = None;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' | b'\'' | b'`' => i = skip_string(b, i),
            b'#' => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p)
            }
            b'{' => braces += 1,
            b'}' => braces = braces.saturating_sub(1),
            b'[' if braces == 0 => open_bracket = Some(i),
            b']' if braces == 0 => {
                if let Some(s) = open_bracket.take() {
                    t.brackets.push((s, i + 1));
                }
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c == b':' => {
                let end = b[i..]
                    .iter()
                    .position(|&x| !(x.is_ascii_alphanumeric() || x == b'_' || x == b':'))
                    .map_or(b.len(), |p| i + p);
                if braces == 0 && open_bracket.is_none() {
                    t.idents.push((i, end));
                }
                i = end;
                continue;
            }
            _ if c.is_ascii_digit() || c == b'.' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    t
}

fn skip_string(b: &[u8], start: usize) -> usize {
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\\' && q != b'`' {
            i += 2;
            continue;
        }
        if b[i] == q {
            return i;
        }
        i += 1;
    }
    b.len()
}

impl Tokens<'_> {
    /// The `nth` (0-based) identifier equal to `name` (case-insensitive, as keywords are).
    pub fn ident(&self, name: &str, nth: usize) -> Option<Span> {
        self.idents
            .iter()
            .filter(|s| self.text[s.0..s.1].eq_ignore_ascii_case(name))
            .nth(nth)
            .copied()
    }

    /// From a function or aggregation name to the end of its argument list (a `by (...)`
    /// clause before the arguments is included).
    pub fn call_span(&self, name: Span) -> Span {
        let mut i = self.skip_ws(name.1);
        let rest = &self.text[i..];
        if rest.starts_with("by") || rest.starts_with("without") {
            let kw = if rest.starts_with("by") { 2 } else { 7 };
            i = self.group_end(self.skip_ws(i + kw)).unwrap_or(i);
            i = self.skip_ws(i);
        }
        (name.0, self.group_end(i).unwrap_or(name.1))
    }

    /// A selector name with its `{...}` matchers, if any.
    pub fn selector_span(&self, name: Span) -> Span {
        let i = self.skip_ws(name.1);
        if self.text[i..].starts_with('{') {
            let b = self.text.as_bytes();
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' | b'\'' | b'`' => j = skip_string(b, j),
                    b'}' => return (name.0, j + 1),
                    _ => {}
                }
                j += 1;
            }
        }
        name
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        let b = self.text.as_bytes();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }

    /// End (exclusive) of the parenthesis group opening at `i`.
    fn group_end(&self, i: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        if b.get(i) != Some(&b'(') {
            return None;
        }
        let mut depth = 0;
        let mut j = i;
        while j < b.len() {
            match b[j] {
                b'"' | b'\'' | b'`' => j = skip_string(b, j),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j + 1);
                    }
                }
                _ => {}
            }
            j += 1;
        }
        None
    }
}

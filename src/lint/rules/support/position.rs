//! Maps a byte offset inside a YAML scalar's decoded value back to the file's line and column
//! (plain, quoted and block scalars). Depends on `manifest::Pos` only.

use crate::manifest::Pos;

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
}

/// The file position of byte `offset` of `value`, a scalar written at `at` in `source`.
///
/// Aligns the non-whitespace characters of the decoded value with those of the source text
/// (an escape `\x` or a doubled `''` counts as one), which is exact for every scalar style
/// whatever its folding or indentation. Falls back to `at` when the text does not line up.
pub fn scalar_pos(source: &str, at: Pos, value: &str, offset: usize) -> Pos {
    let Some(start) = byte_of(source, at) else {
        return at;
    };
    let mut offset = offset.min(value.len());
    while !value.is_char_boundary(offset) {
        offset -= 1;
    }
    let wanted = value[..offset]
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    let total = value.chars().filter(|c| !c.is_whitespace()).count();
    if wanted >= total && total > 0 {
        // The end of the value: just after its last character.
        let last = value.trim_end();
        let p = scalar_pos(
            source,
            at,
            value,
            last.len() - last.chars().last().map_or(0, char::len_utf8),
        );
        return Pos {
            line: p.line,
            column: p.column + 1,
        };
    }
    let rest = &source[start..];
    let (style, skip) = match rest.chars().next() {
        Some('|' | '>') => (Style::Plain, rest.find('\n').map_or(rest.len(), |i| i + 1)),
        Some('"') => (Style::Double, 1),
        Some('\'') => (Style::Single, 1),
        _ => (Style::Plain, 0),
    };
    let mut line = at.line;
    let mut column = at.column;
    let mut count = 0;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= skip && !c.is_whitespace() {
            if count == wanted {
                return Pos { line, column };
            }
            count += 1;
            let escaped = (style == Style::Double && c == '\\')
                || (style == Style::Single
                    && c == '\''
                    && chars.peek().is_some_and(|p| p.1 == '\''));
            if escaped {
                chars.next();
                column += 1;
            }
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    at
}

/// Byte index of a 1-based line and (character) column.
fn byte_of(source: &str, at: Pos) -> Option<usize> {
    if at.line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..at.line {
        start += source[start..].find('\n')? + 1;
    }
    let line = &source[start..];
    let col = usize::try_from(at.column.max(1) - 1).ok()?;
    line.char_indices().nth(col).map(|(i, _)| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn maps_plain_quoted_and_block_scalars() {
        let src = "q: sum(rate(x[5m]))\n";
        assert_eq!(scalar_pos(src, p(1, 4), "sum(rate(x[5m]))", 4), p(1, 8));
        let src = "q: \"a{j=\\\"v\\\"} b\"\n";
        assert_eq!(scalar_pos(src, p(1, 4), "a{j=\"v\"} b", 9), p(1, 16));
        let src = "q: |\n  sum(\n    rate(x[1m])\n  )\n";
        assert_eq!(
            scalar_pos(src, p(1, 4), "sum(\n  rate(x[1m])\n)\n", 7),
            p(3, 5)
        );
        let src = "q: >-\n  a\n  b\n";
        assert_eq!(scalar_pos(src, p(1, 4), "a b", 2), p(3, 3));
    }
}

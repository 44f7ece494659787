//! Finds the line and column of a field inside a loaded document, by a dotted path
//! (`spec.strategy.canary.steps[2].pause.duration`), for findings on fields the typed
//! manifest keeps no position for.
//!
//! Depends on `manifest::node` only. Parses the text again: called only when reporting.

use crate::manifest::{Node, Pos, Value};

/// One step of a path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a.b[2].c` as segments; `None` for a malformed path.
fn segments(path: &str) -> Option<Vec<Seg<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
    }
    Some(out)
}

/// The position of the value at `path` inside the document (or `List` item) that starts at
/// `doc`; `None` when the text does not parse or the path is absent.
pub fn locate(text: &str, doc: Pos, path: &str) -> Option<Pos> {
    let docs = serde_saphyr::from_str_multiple::<Node, Vec<Node>>(text).ok()?;
    let root = docs.iter().find_map(|d| find_document(d, doc))?;
    let mut node = root;
    let mut pos = root.pos;
    for seg in segments(path)? {
        match (seg, &node.value) {
            (Seg::Key(k), Value::Map(entries)) => {
                let (key, value) = entries.iter().find(|(key, _)| key.name == k)?;
                // A null value (`pause:`) has no position of its own: point at the key.
                pos = if value.value == Value::Null {
                    key.pos
                } else {
                    value.pos
                };
                node = value;
            }
            (Seg::Index(i), Value::Seq(items)) => {
                node = items.get(i)?;
                pos = node.pos;
            }
            _ => return None,
        }
    }
    Some(pos)
}

/// The first occurrence of `needle` at or after `from` (a field's position), as (start,
/// end) positions, the end exclusive; `None` when it is not written verbatim (an escaped
/// double-quoted string) within the next `MAX_LINES` lines.
pub fn find_after(text: &str, from: Pos, needle: &str) -> Option<(Pos, Pos)> {
    const MAX_LINES: usize = 200;
    let first = from.line.checked_sub(1)? as usize;
    for (i, line) in text.lines().enumerate().skip(first).take(MAX_LINES) {
        let start_col = if i == first {
            line.char_indices()
                .nth(from.column.saturating_sub(1) as usize)
                .map_or(line.len(), |(b, _)| b)
        } else {
            0
        };
        if let Some(at) = line.get(start_col..).and_then(|l| l.find(needle)) {
            let column = line[..start_col + at].chars().count() + 1;
            let line_no = u32::try_from(i + 1).ok()?;
            let column = u32::try_from(column).ok()?;
            let width = u32::try_from(needle.chars().count()).ok()?;
            return Some((
                Pos {
                    line: line_no,
                    column,
                },
                Pos {
                    line: line_no,
                    column: column + width,
                },
            ));
        }
    }
    None
}

/// The document at `pos`, looking into `List` items too.
fn find_document(node: &Node, pos: Pos) -> Option<&Node> {
    if node.pos == pos {
        return Some(node);
    }
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let (_, items) = entries.iter().find(|(k, _)| k.name == "items")?;
    let Value::Seq(items) = &items.value else {
        return None;
    };
    items.iter().find(|i| i.pos == pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_indices() {
        assert_eq!(
            segments("spec.steps[2].pause"),
            Some(vec![
                Seg::Key("spec"),
                Seg::Key("steps"),
                Seg::Index(2),
                Seg::Key("pause")
            ])
        );
        assert_eq!(segments("a[x]"), None);
    }

    #[test]
    fn locates_values_in_the_right_document() {
        let text = "a: 1\n---\nspec:\n  steps:\n  - setWeight: 20\n  - pause: {}\n  - pause:\n";
        let doc = Pos { line: 3, column: 1 };
        assert_eq!(
            locate(text, doc, "spec.steps[0].setWeight"),
            Some(Pos {
                line: 5,
                column: 16
            })
        );
        assert_eq!(
            locate(text, doc, "spec.steps[2].pause"),
            Some(Pos { line: 7, column: 5 })
        );
        assert_eq!(locate(text, doc, "spec.steps[9]"), None);
        assert_eq!(locate(text, Pos { line: 9, column: 1 }, "spec"), None);
    }

    #[test]
    fn finds_text_inside_a_block_scalar() {
        let text = "query: |\n  sum(x{a=\"{{args.a}}\"})\nnext: {{args.a}}\n";
        let from = Pos { line: 1, column: 8 };
        assert_eq!(
            find_after(text, from, "{{args.a}}"),
            Some((
                Pos {
                    line: 2,
                    column: 12
                },
                Pos {
                    line: 2,
                    column: 22
                }
            ))
        );
        assert_eq!(find_after(text, from, "{{args.b}}"), None);
    }
}

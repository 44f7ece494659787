//! Inline suppression comments in YAML: `# rollsim: ignore[RS004, rate-window-too-short]` on
//! the finding's line or the line above, and `# rollsim: ignore-file[RS0]` anywhere in a file.
//!
//! Depends on `lint::select` and `lint::finding`.

use super::{Finding, Rule, select};

/// The suppression comments of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// (1-based line of the comment, selectors).
    lines: Vec<(u32, Vec<String>)>,
    file: Vec<String>,
}

impl Suppressions {
    /// Reads every `# rollsim: ignore[...]` / `ignore-file[...]` comment of `text`.
    pub fn parse(text: &str) -> Self {
        let mut out = Suppressions::default();
        if !text.contains("rollsim:") {
            return out;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find('#') else { continue };
            let comment = line[at + 1..].trim_start();
            let Some(directive) = comment.strip_prefix("rollsim:") else {
                continue;
            };
            let directive = directive.trim_start();
            let (whole_file, rest) = match directive.strip_prefix("ignore-file") {
                Some(r) => (true, r),
                None => match directive.strip_prefix("ignore") {
                    Some(r) => (false, r),
                    None => continue,
                },
            };
            let Some(list) = rest.strip_prefix('[').and_then(|r| r.split(']').next()) else {
                continue;
            };
            let selectors: Vec<String> = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if whole_file {
                out.file.extend(selectors);
            } else {
                out.lines
                    .push((u32::try_from(i + 1).unwrap_or(0), selectors));
            }
        }
        out
    }

    /// Whether a comment on the finding's line, the line above, or a file-wide comment
    /// names the finding's rule.
    pub fn suppresses(&self, f: &Finding, rule: &dyn Rule) -> bool {
        let hit = |sel: &Vec<String>| sel.iter().any(|s| select::matches(s, rule));
        hit(&self.file)
            || self
                .lines
                .iter()
                .any(|(l, sel)| (*l == f.line || *l + 1 == f.line) && hit(sel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::find;

    fn finding(line: u32) -> Finding {
        let rule = find("RS006").expect("registered");
        let pos = crate::manifest::Pos { line, column: 5 };
        Finding::new(rule, "t.yaml", pos, "m")
    }

    #[test]
    fn same_line_line_above_and_file_wide() {
        let rule = find("RS006").expect("registered");
        let s = Suppressions::parse(
            "a: 1\n# rollsim: ignore[interval-without-unit]\nb: 2  # rollsim: ignore[RS004, RS006]\nc: 3\n",
        );
        assert!(
            s.suppresses(&finding(3), rule),
            "the line above and the same line"
        );
        assert!(
            s.suppresses(&finding(4), rule),
            "the line below a trailing comment"
        );
        assert!(!s.suppresses(&finding(1), rule));
        assert!(!s.suppresses(&finding(5), rule));
        let s = Suppressions::parse("# rollsim: ignore-file[RS0]\n");
        assert!(s.suppresses(&finding(40), rule));
        let s = Suppressions::parse("x: 1 # rollsim: ignore\ny: 2 # rollsim: ignore[]\n");
        assert!(
            !s.suppresses(&finding(1), rule),
            "a bare ignore names no rule"
        );
        assert!(!s.suppresses(&finding(2), rule));
    }
}

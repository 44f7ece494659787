//! Rule selectors (`--select`, `--ignore`, `rollsim.toml`, suppression comments): a code
//! (`RS004`), a name (`count-limit-inconsistent`), a code prefix (`RS1`, `RS`) or `ALL`.
//!
//! Depends on `lint::Rule` only.

use super::Rule;

/// Whether `selector` names `rule`. Codes and prefixes are case-insensitive.
pub fn matches(selector: &str, rule: &dyn Rule) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s == rule.name()
        || (is_code_prefix(s)
            && rule
                .code()
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s)))
}

/// `RS`, `RS1`, `RS004`: letters `RS` then digits. A prefix is valid even when no rule of
/// the build has it yet (rules arrive in ranges: RS0xx structure, RS1xx and up PromQL).
fn is_code_prefix(s: &str) -> bool {
    s.len() >= 2 && s[..2].eq_ignore_ascii_case("RS") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Checks a selector names something: a code prefix, `ALL`, or a rule's name.
pub fn validate(selector: &str, rules: &[&dyn Rule]) -> Result<(), String> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") || is_code_prefix(s) || rules.iter().any(|r| r.name() == s) {
        Ok(())
    } else {
        Err(format!(
            "unknown rule selector `{s}` (expected a code such as RS004, a prefix such as RS0, \
             a rule name, or ALL; `rollsim rule --list` lists them)"
        ))
    }
}

/// Which rules run: selected (all when `select` is empty) and not ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleSelection {
    pub fn enabled(&self, rule: &dyn Rule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| matches(s, rule)))
            && !self.ignored(rule)
    }

    /// Whether an `ignore` selector names `rule`.
    pub fn ignored(&self, rule: &dyn Rule) -> bool {
        self.ignore.iter().any(|s| matches(s, rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::find;

    #[test]
    fn codes_names_prefixes_and_all() {
        let rule = find("RS006").expect("registered");
        for (selector, want) in [
            ("RS006", true),
            ("rs006", true),
            ("RS0", true),
            ("RS", true),
            ("ALL", true),
            ("interval-without-unit", true),
            ("RS00", true),
            ("RS1", false),
            ("RS0060", false),
            ("interval", false),
        ] {
            assert_eq!(matches(selector, rule), want, "{selector}");
        }
        assert!(
            validate("RS1", &[rule]).is_ok(),
            "a prefix without rules yet"
        );
        assert!(validate("interval-without-unit", &[rule]).is_ok());
        assert!(validate("nope", &[rule]).is_err());
        let s = RuleSelection {
            select: vec!["RS0".into()],
            ignore: vec!["interval-without-unit".into()],
        };
        assert!(!s.enabled(rule));
        assert!(s.enabled(find("RS004").expect("registered")));
    }
}

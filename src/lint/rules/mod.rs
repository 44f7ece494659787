//! The rule registry: every rule, one line each, one file per rule.

use super::Rule;

mod support;

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code() == code_or_name || r.name() == code_or_name)
}

//! RS110 `condition-syntax-error`: a successCondition or failureCondition that does not parse.

use super::support::{at_span, conditions, sites};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct ConditionSyntaxError;

impl Rule for ConditionSyntaxError {
    rule_meta!(
        "RS110",
        "condition-syntax-error",
        Severity::Error,
        "## What it does\nParses `successCondition` and `failureCondition` with the expr-lang \
         grammar Argo uses and reports syntax errors at the offending token.\n\n## Why is this \
         bad?\nThe controller fails to compile the condition at every measurement: each one is \
         an Error, and after `consecutiveErrorLimit` + 1 (default 5) the analysis aborts.\n\n\
         ## Example\n```yaml\nsuccessCondition: result[0] =< 0.05\n```\n\n## Use instead\n\
         ```yaml\nsuccessCondition: result[0] <= 0.05\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            for c in conditions::conds(&site) {
                if let Err(e) = &c.program {
                    let message = format!("{} does not parse: {}", c.kind, e.message);
                    out.push(at_span(self, &site, &c.field, e.span, message));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_syntax_errors() {
        let r = ConditionSyntaxError;
        assert_eq!(
            lines(&r, "condition-syntax-error/flagged.yaml"),
            vec![(8, 35), (15, 25)]
        );
        assert!(lines(&r, "condition-syntax-error/clean.yaml").is_empty());
    }
}

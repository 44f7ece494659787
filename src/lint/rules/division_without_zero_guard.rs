//! RS104 `division-without-zero-guard`: a division whose denominator is a traffic-dependent
//! rate (0 at zero traffic) with no guard, so the query yields NaN when no requests arrive.

use super::support::{at_node, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::Expr;

pub struct DivisionWithoutZeroGuard;

impl Rule for DivisionWithoutZeroGuard {
    rule_meta!(
        "RS104",
        "division-without-zero-guard",
        Severity::Warning,
        "## What it does\nFlags `a / b` where the denominator `b` contains `rate`, `irate` or \
         `increase` (so it is 0 when no traffic arrives) and nothing guards it. A guard is any \
         of: `clamp_min(b, c)` with c > 0, a filter `b > c` / `b >= c` / `b != 0` on the \
         denominator, or an `or` with a fallback around the division.\n\n## Why is this bad?\n\
         At zero traffic (a fresh canary, a quiet hour) `0 / 0` is NaN. Conditions compare NaN \
         as false, so `result[0] < 0.05` fails and the rollout aborts though nothing is wrong.\n\n\
         ## Example\n```promql\nsum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))\n```\n\n\
         ## Use instead\n```promql\nsum(rate(errors_total[5m])) / (sum(rate(requests_total[5m])) > 0)\n\
         # or: ... / clamp_min(sum(rate(requests_total[5m])), 1e-9)\n# or: (...) or vector(0)\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            query::walk(&p.expr, &mut |e, up| {
                let Expr::Binary(b) = e else { return };
                if b.op.to_string() != "/" || !has_rate(&b.rhs) || guarded(&b.rhs) {
                    return;
                }
                if up
                    .iter()
                    .any(|a| matches!(a, Expr::Binary(x) if x.op.to_string() == "or"))
                {
                    return;
                }
                let message =
                    "denominator is 0 at zero traffic and the division is NaN; add `> 0`, \
                               `clamp_min` or an `or` fallback"
                        .to_string();
                out.push(at_node(
                    self,
                    &site,
                    &q,
                    &p,
                    denominator_node(&b.rhs),
                    message,
                ));
            });
        }
    }
}

fn has_rate(e: &Expr) -> bool {
    let mut found = false;
    query::walk(e, &mut |n, _| {
        found |= matches!(n, Expr::Call(c) if matches!(c.func.name, "rate" | "irate" | "increase"));
    });
    found
}

/// Whether the denominator itself excludes zero.
fn guarded(e: &Expr) -> bool {
    match query::unparen(e) {
        Expr::Call(c) => c.func.name == "clamp_min" || c.func.name == "clamp",
        Expr::Binary(b) => {
            let op = b.op.to_string();
            matches!(op.as_str(), ">" | ">=" | "!=" | "or") || guarded(&b.lhs) && guarded(&b.rhs)
        }
        _ => false,
    }
}

/// The located node of the denominator (the first aggregation or call inside parentheses).
fn denominator_node(e: &Expr) -> &Expr {
    query::unparen(e)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_unguarded_rate_denominators() {
        let r = DivisionWithoutZeroGuard;
        assert_eq!(
            lines(&r, "division-without-zero-guard/flagged.yaml"),
            vec![(10, 48), (17, 13)]
        );
        assert!(lines(&r, "division-without-zero-guard/clean.yaml").is_empty());
    }
}

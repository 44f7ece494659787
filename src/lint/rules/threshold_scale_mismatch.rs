//! RS115 `threshold-scale-mismatch`: a percentage query (`* 100`) compared with a fraction, or
//! a ratio query (a division, no `* 100`) compared with a value above 1.

use super::support::{at_span, conditions, query, sites};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::Expr;

pub struct ThresholdScaleMismatch;

/// How a query scales its value.
#[derive(PartialEq)]
enum Scale {
    Percent,
    Ratio,
    Other,
}

impl Rule for ThresholdScaleMismatch {
    rule_meta!(
        "RS115",
        "threshold-scale-mismatch",
        Severity::Warning,
        "## What it does\nClassifies the query: *percent* if it multiplies by 100, *ratio* if it \
         divides two non-constant expressions (not a `_sum / _count` average) without `* 100`. \
         Flags a comparison of the result with a threshold in (0, 1] for a percent query, or \
         above 1 for a ratio query.\n\n## Why is this bad?\nA threshold on the wrong scale makes \
         the condition always or never true: `errors% < 0.05` fails at 0.06% errors; \
         `ratio < 5` passes at 100% errors.\n\n## Example\n```yaml\nquery: 100 * sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))\n\
         successCondition: result[0] < 0.05\n```\n\n## Use instead\n```yaml\nsuccessCondition: result[0] < 5\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            let Some(q) = site.query() else { continue };
            let Ok(p) = query::parse(&q.text) else {
                continue;
            };
            let scale = scale(&p.expr);
            if scale == Scale::Other {
                continue;
            }
            for c in conditions::conds(&site) {
                let Ok(pr) = &c.program else { continue };
                for (node, other, v) in conditions::thresholds(&pr.ast) {
                    if !conditions::reads_result(other) || v == 0.0 {
                        continue;
                    }
                    let message = match scale {
                        Scale::Percent if v.abs() <= 1.0 => format!(
                            "the query is a percentage (× 100) but is compared with {v}, a fraction"
                        ),
                        Scale::Ratio if v.abs() > 1.0 => format!(
                            "the query is a ratio (0–1) but is compared with {v}, a percentage"
                        ),
                        _ => continue,
                    };
                    out.push(at_span(self, &site, &c.field, node.span, message));
                }
            }
        }
    }
}

fn scale(e: &Expr) -> Scale {
    let mut percent = false;
    let mut ratio = false;
    query::walk(e, &mut |n, _| {
        let Expr::Binary(b) = n else { return };
        let op = b.op.to_string();
        let is_100 =
            |x: &Expr| matches!(query::unparen(x), Expr::NumberLiteral(l) if l.val == 100.0);
        if op == "*" && (is_100(&b.lhs) || is_100(&b.rhs)) {
            percent = true;
        }
        if op == "/" && !constant(&b.lhs) && !constant(&b.rhs) && !average(&b.lhs, &b.rhs) {
            ratio = true;
        }
    });
    match (percent, ratio) {
        (true, _) => Scale::Percent,
        (false, true) => Scale::Ratio,
        _ => Scale::Other,
    }
}

fn constant(e: &Expr) -> bool {
    matches!(query::unparen(e), Expr::NumberLiteral(_))
}

/// `x_sum / x_count`: an average, not a fraction.
fn average(num: &Expr, den: &Expr) -> bool {
    let names = |e: &Expr| {
        let mut v = Vec::new();
        query::walk(e, &mut |n, _| {
            if let Expr::VectorSelector(s) = n {
                v.extend(s.name.clone());
            }
            if let Expr::MatrixSelector(m) = n {
                v.extend(m.vs.name.clone());
            }
        });
        v
    };
    names(num).iter().any(|n| n.ends_with("_sum"))
        && names(den).iter().any(|n| n.ends_with("_count"))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_scale_mismatches() {
        let r = ThresholdScaleMismatch;
        assert_eq!(
            lines(&r, "threshold-scale-mismatch/flagged.yaml"),
            vec![(8, 45), (13, 44)]
        );
        assert!(lines(&r, "threshold-scale-mismatch/clean.yaml").is_empty());
    }
}

//! RS105 `multiple-series-read-as-first`: a query that can return several series (not fully
//! aggregated, or aggregated `by` labels) while a condition reads only `result[0]`.

use super::support::{at_node, conditions, parsed_queries, query};
use crate::lint::{Finding, LintContext, Rule, Severity};
use promql_parser::parser::{Expr, LabelModifier};

pub struct MultipleSeriesReadAsFirst;

impl Rule for MultipleSeriesReadAsFirst {
    rule_meta!(
        "RS105",
        "multiple-series-read-as-first",
        Severity::Warning,
        "## What it does\nFlags a query that can return more than one series (a bare selector, a \
         function of one, an aggregation `by (labels)` or `without (...)`, `topk(k>1, ...)`) \
         when a condition reads `result[N]`. It points at the part of the query that keeps \
         several series.\n\n## Why is this bad?\nArgo passes every series' value as a list in \
         an order you do not control; `result[0]` checks one arbitrary series (e.g. one pod or \
         one status code) and ignores the others, so a failing canary can pass.\n\n## Example\n\
         ```yaml\nquery: sum by (pod) (rate(errors_total[5m]))\nsuccessCondition: result[0] < 1\n```\n\n\
         ## Use instead\n```yaml\nquery: sum(rate(errors_total[5m]))\nsuccessCondition: result[0] < 1\n\
         # or check every series: all(result, # < 1)\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            let reads_first = conditions::conds(&site).iter().any(|c| {
                c.program
                    .as_ref()
                    .is_ok_and(|pr| !conditions::result_indexes(&pr.ast).is_empty())
            });
            if !reads_first {
                continue;
            }
            if let Some(node) = multi(&p.expr) {
                let message =
                    "this can return several series but the condition reads only `result[0]`"
                        .to_string();
                out.push(at_node(self, &site, &q, &p, node, message));
            }
        }
    }
}

/// The node responsible for several series in the result, if the query can return several.
pub fn multi(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => None,
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::Subquery(_) => Some(e),
        Expr::Paren(x) => multi(&x.expr),
        Expr::Unary(x) => multi(&x.expr),
        Expr::Aggregate(a) => {
            let op = a.op.to_string();
            let k_is_one = a.param.as_deref().is_some_and(
                |p| matches!(query::unparen(p), Expr::NumberLiteral(n) if n.val <= 1.0),
            );
            if op == "count_values" {
                return Some(e);
            }
            if matches!(op.as_str(), "topk" | "bottomk" | "limitk") {
                return if k_is_one { multi(&a.expr) } else { Some(e) };
            }
            match &a.modifier {
                None => None,
                Some(LabelModifier::Include(l)) if l.labels.is_empty() => None,
                Some(_) => Some(e),
            }
        }
        Expr::Call(c) => match c.func.name {
            "vector" | "scalar" | "time" | "absent" | "absent_over_time" | "pi" => None,
            // histogram_quantile consumes `le`: `sum by (le) (...)` under it is one series.
            "histogram_quantile" => c.args.args.get(1).and_then(|a| match query::unparen(a) {
                Expr::Aggregate(agg) if by_le_only(agg) => None,
                other => multi(other),
            }),
            _ => c.args.args.iter().find_map(|a| multi(a)),
        },
        Expr::Binary(b) => {
            let op = b.op.to_string();
            let (l, r) = (multi(&b.lhs), multi(&b.rhs));
            match op.as_str() {
                "and" | "unless" => l,
                "or" => l.or(r),
                _ if l.is_none() || r.is_none() => l
                    .or(r)
                    .filter(|_| scalarish(&b.lhs) || scalarish(&b.rhs))
                    .or(l.and(r)),
                _ => l.and(r),
            }
        }
    }
}

fn by_le_only(a: &promql_parser::parser::AggregateExpr) -> bool {
    matches!(&a.modifier, Some(LabelModifier::Include(l)) if l.labels.iter().all(|x| x == "le"))
}

fn scalarish(e: &Expr) -> bool {
    use promql_parser::parser::value::ValueType;
    matches!(e.value_type(), ValueType::Scalar)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_multi_series_read_as_first() {
        let r = MultipleSeriesReadAsFirst;
        assert_eq!(
            lines(&r, "multiple-series-read-as-first/flagged.yaml"),
            vec![(11, 18), (17, 18)]
        );
        assert!(lines(&r, "multiple-series-read-as-first/clean.yaml").is_empty());
    }
}

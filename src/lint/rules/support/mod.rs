//! Helpers shared by the PromQL, condition, hygiene and `--data` rules: metric sites with
//! rendered fields, position mapping, a PromQL walker and locator, condition inspection.

pub mod conditions;
pub mod data;
pub mod position;
pub mod query;
pub mod rollouts;
pub mod sites;
pub mod tokens;

#[cfg(test)]
pub mod testing;

use crate::lint::{Finding, Rule};
use crate::manifest::Pos;

/// A finding of `rule` at `start` (to `end` when known).
pub fn finding(
    rule: &dyn Rule,
    file: &str,
    start: Pos,
    end: Option<Pos>,
    message: String,
) -> Finding {
    Finding {
        code: rule.code(),
        name: rule.name(),
        severity: rule.default_severity(),
        message,
        file: file.to_string(),
        line: start.line,
        column: start.column,
        end_line: end.map(|p| p.line),
        end_column: end.map(|p| p.column),
    }
}

/// A finding on a span of a rendered field.
pub fn at_span(
    rule: &dyn Rule,
    site: &sites::Site,
    field: &sites::Field,
    span: (usize, usize),
    message: String,
) -> Finding {
    let start = field.file_pos(site.source, span.0);
    let end = field.file_pos(site.source, span.1.saturating_sub(1));
    let end = Pos {
        line: end.line,
        column: end.column + 1,
    };
    finding(rule, site.file, start, Some(end), message)
}

/// Every metric with a Prometheus query that parses: (site, rendered query, parsed query).
pub fn parsed_queries<'a>(
    cx: &'a crate::lint::LintContext,
) -> Vec<(sites::Site<'a>, sites::Field, query::Parsed)> {
    sites::sites(cx)
        .into_iter()
        .filter_map(|site| {
            let q = site.query()?;
            let p = query::parse(&q.text).ok()?;
            Some((site, q, p))
        })
        .collect()
}

/// A finding on a node of a parsed query (the whole query when the node is not located).
pub fn at_node(
    rule: &dyn Rule,
    site: &sites::Site,
    field: &sites::Field,
    parsed: &query::Parsed,
    node: &promql_parser::parser::Expr,
    message: String,
) -> Finding {
    let span = parsed
        .span(node)
        .unwrap_or((0, field.text.trim_end().len().max(1)));
    at_span(rule, site, field, span, message)
}

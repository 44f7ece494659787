//! RS100 `promql-syntax-error`: a Prometheus query that does not parse, pointing at the
//! offending token inside the query, mapped back to the YAML file.

use super::support::{at_span, query, sites};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct PromqlSyntaxError;

impl Rule for PromqlSyntaxError {
    rule_meta!(
        "RS100",
        "promql-syntax-error",
        Severity::Error,
        "## What it does\nParses every `provider.prometheus.query` as Prometheus would (3.x duration \
         expressions included; `{{args.x}}` replaced by the arg's default or a placeholder) and \
         reports parse errors at the offending token.\n\n## Why is this bad?\nThe provider \
         returns an error for every measurement: the metric goes Error, and after \
         `consecutiveErrorLimit` + 1 (default 5) errors the analysis aborts the rollout.\n\n\
         ## Example\n```yaml\nquery: sum(rate(http_requests_total[5m])\n```\n\n## Use instead\n\
         ```yaml\nquery: sum(rate(http_requests_total[5m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            let Some(q) = site.query() else { continue };
            if let Err(e) = query::parse(&q.text) {
                let span = error_span(&q.text, &e);
                out.push(at_span(self, &site, &q, span, format!("PromQL {e}")));
            }
        }
    }
}

/// The best guess at where a promql-parser error is (its messages carry no position).
fn error_span(text: &str, err: &str) -> (usize, usize) {
    let whole = (0, text.trim_end().len().max(1));
    if err.contains("unclosed left parenthesis") {
        return unmatched(text, true).map_or(whole, |i| (i, i + 1));
    }
    if err.contains("unexpected right parenthesis") {
        return unmatched(text, false).map_or(whole, |i| (i, i + 1));
    }
    if err.contains("unterminated quoted string") {
        return text
            .find(['"', '\'', '`'])
            .map_or(whole, |i| (i, text.len()));
    }
    let quoted = err
        .split('\'')
        .nth(1)
        .filter(|_| err.matches('\'').count() >= 2)
        .or_else(|| err.rsplit(": ").next().filter(|s| !s.contains(' ')));
    match quoted
        .filter(|s| !s.is_empty())
        .and_then(|s| text.find(s).map(|i| (i, i + s.len())))
    {
        Some(span) => span,
        None => whole,
    }
}

/// The first unmatched `(` (when `open`) or `)`, outside strings.
fn unmatched(text: &str, open: bool) -> Option<usize> {
    let mut stack = Vec::new();
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c == '(' => stack.push(i),
            None if c == ')' && stack.pop().is_none() && !open => return Some(i),
            None => {}
        }
        prev = if prev == '\\' { ' ' } else { c };
    }
    if open { stack.first().copied() } else { None }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_parse_errors_at_the_token() {
        let r = PromqlSyntaxError;
        assert_eq!(
            lines(&r, "promql-syntax-error/flagged.yaml"),
            vec![(10, 21), (18, 22), (24, 17)]
        );
        assert!(lines(&r, "promql-syntax-error/clean.yaml").is_empty());
    }
}

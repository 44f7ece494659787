//! Which raw data a query reads: every selector of a parsed PromQL expression with the time
//! intervals its samples must cover, given the instants the query is evaluated at.
//!
//! Mirrors Prometheus's engine: an instant selector at `t` reads `[t - lookback_delta, t]`,
//! a range selector `x[r]` reads `[t - r, t]`, `offset o` shifts both back by `o` (forward
//! for a negative offset), `@ T` pins the evaluation time to `T` (`@ start()`/`@ end()` are
//! the query's own time in an instant query, which is how Argo measures), and a subquery
//! `e[r:s]` evaluates `e` over `[t - r, t]`. Depends on `promql-parser`'s AST only.

use std::collections::BTreeMap;

use promql_parser::parser::{AtModifier, Expr, Offset, VectorSelector};

use crate::promql::eval::{at_ms, offset_ms};

/// Inclusive millisecond interval `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub from: i64,
    pub to: i64,
}

impl Interval {
    pub fn new(from: i64, to: i64) -> Self {
        Interval { from, to }
    }
}

/// One selector to fetch (canonical PromQL without `offset`/`@`) and where its samples are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    pub selector: String,
    /// Sorted, disjoint, with touching or overlapping intervals merged.
    pub intervals: Vec<Interval>,
}

/// Selectors of `exprs` evaluated at every instant in `eval` (the measurement times),
/// deduplicated across all expressions, sorted by selector text.
pub fn needed(exprs: &[&Expr], eval: Interval, lookback_delta: i64) -> Vec<Needed> {
    let mut acc: BTreeMap<String, Vec<Interval>> = BTreeMap::new();
    let mut walk = Walk {
        query: eval,
        lookback_delta,
        acc: &mut acc,
    };
    for e in exprs {
        walk.expr(e, eval);
    }
    acc.into_iter()
        .map(|(selector, intervals)| Needed {
            selector,
            intervals: merge(intervals),
        })
        .collect()
}

struct Walk<'a> {
    /// The query's own evaluation range (`@ start()`/`@ end()` resolve inside it).
    query: Interval,
    lookback_delta: i64,
    acc: &'a mut BTreeMap<String, Vec<Interval>>,
}

impl Walk<'_> {
    fn expr(&mut self, e: &Expr, eval: Interval) {
        match e {
            Expr::VectorSelector(vs) => {
                let t = self.shift(eval, &vs.at, &vs.offset);
                self.add(vs, Interval::new(t.from - self.lookback_delta, t.to));
            }
            Expr::MatrixSelector(ms) => {
                let t = self.shift(eval, &ms.vs.at, &ms.vs.offset);
                self.add(&ms.vs, Interval::new(t.from - millis(ms.range), t.to));
            }
            Expr::Subquery(sq) => {
                let t = self.shift(eval, &sq.at, &sq.offset);
                self.expr(&sq.expr, Interval::new(t.from - millis(sq.range), t.to));
            }
            Expr::Call(c) => c.args.args.iter().for_each(|a| self.expr(a, eval)),
            Expr::Aggregate(a) => {
                self.expr(&a.expr, eval);
                if let Some(p) = &a.param {
                    self.expr(p, eval);
                }
            }
            Expr::Binary(b) => {
                self.expr(&b.lhs, eval);
                self.expr(&b.rhs, eval);
            }
            Expr::Paren(p) => self.expr(&p.expr, eval),
            Expr::Unary(u) => self.expr(&u.expr, eval),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }

    /// Evaluation times after `@` and `offset`.
    fn shift(&self, eval: Interval, at: &Option<AtModifier>, offset: &Option<Offset>) -> Interval {
        let off = offset_ms(offset);
        let t = match at {
            None => eval,
            // An instant query's start() and end() are its evaluation time.
            Some(AtModifier::Start | AtModifier::End) => self.query,
            Some(AtModifier::At(_)) => {
                let ms = at_ms(at, 0, 0).unwrap_or(0);
                Interval::new(ms, ms)
            }
        };
        Interval::new(t.from - off, t.to - off)
    }

    fn add(&mut self, vs: &VectorSelector, iv: Interval) {
        self.acc.entry(selector_text(vs)).or_default().push(iv);
    }
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// The selector as PromQL, without its `offset` and `@` (they are applied at fetch time).
pub fn selector_text(vs: &VectorSelector) -> String {
    let mut plain = vs.clone();
    plain.offset = None;
    plain.at = None;
    plain.to_string()
}

/// Sorts and merges overlapping or touching intervals.
pub fn merge(mut v: Vec<Interval>) -> Vec<Interval> {
    v.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(v.len());
    for iv in v {
        match out.last_mut() {
            Some(last) if iv.from <= last.to.saturating_add(1) => last.to = last.to.max(iv.to),
            _ => out.push(iv),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::Engine;

    const M: i64 = 60_000;

    fn run(queries: &[&str]) -> Vec<(String, Vec<(i64, i64)>)> {
        let engine = Engine::default();
        let parsed: Vec<Expr> = queries.iter().map(|q| engine.parse(q).unwrap()).collect();
        let refs: Vec<&Expr> = parsed.iter().collect();
        // Measurements every instant of [60m, 120m]; 5m lookback.
        needed(&refs, Interval::new(60 * M, 120 * M), 5 * M)
            .into_iter()
            .map(|n| {
                let iv = n.intervals.iter().map(|i| (i.from / M, i.to / M)).collect();
                (n.selector, iv)
            })
            .collect()
    }

    fn one(q: &str) -> (String, Vec<(i64, i64)>) {
        let mut v = run(&[q]);
        assert_eq!(v.len(), 1, "{q}: {v:?}");
        v.remove(0)
    }

    #[test]
    fn windows_offsets_at_and_subqueries() {
        type Case<'a> = (&'a str, &'a str, &'a [(i64, i64)]);
        let cases: &[Case] = &[
            ("up", "up", &[(55, 120)]),
            ("rate(x_total[10m])", "x_total", &[(50, 120)]),
            ("rate(x_total[10m] offset 1h)", "x_total", &[(-10, 60)]),
            ("x offset -5m", "x", &[(60, 125)]),
            ("x @ 600", "x", &[(5, 10)]),
            ("x[5m] @ 600 offset 1m", "x", &[(4, 9)]),
            ("x @ start()", "x", &[(55, 120)]),
            (
                "max_over_time(rate(x_total[1m])[30m:1m])",
                "x_total",
                &[(29, 120)],
            ),
            (
                "max_over_time(rate(x_total[1m] @ end())[30m:1m])",
                "x_total",
                &[(59, 120)],
            ),
            ("avg_over_time(x[1h:] offset 10m)", "x", &[(-15, 110)]),
            ("x[26m+4m]", "x", &[(30, 120)]),
            (
                "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
                "h_bucket",
                &[(55, 120)],
            ),
            ("topk(scalar(k), x)", "k", &[(55, 120)]),
        ];
        for (q, sel, iv) in cases {
            let got = if *q == "topk(scalar(k), x)" {
                run(&[q]).into_iter().find(|(s, _)| s == sel).unwrap()
            } else {
                one(q)
            };
            assert_eq!(got, (sel.to_string(), iv.to_vec()), "{q}");
        }
    }

    #[test]
    fn selectors_are_deduplicated_and_intervals_merged() {
        let got = run(&[
            r#"sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#,
            r#"sum(rate(http_requests_total[1h]))"#,
            r#"http_requests_total offset 1d"#,
            r#"{__name__="up", job="a"}"#,
            r#"vector(1) + time()"#,
        ]);
        assert_eq!(
            got,
            vec![
                (
                    "http_requests_total".to_string(),
                    vec![(60 - 1440 - 5, 120 - 1440), (0, 120)]
                ),
                (
                    r#"http_requests_total{status!~"5.."}"#.to_string(),
                    vec![(55, 120)]
                ),
                (r#"{__name__="up",job="a"}"#.to_string(), vec![(55, 120)]),
            ]
        );
    }

    #[test]
    fn merge_joins_touching_intervals_only() {
        let iv = |a, b| Interval::new(a, b);
        assert_eq!(
            merge(vec![
                iv(10, 20),
                iv(0, 5),
                iv(6, 8),
                iv(21, 21),
                iv(30, 40),
                iv(35, 36)
            ]),
            vec![iv(0, 8), iv(10, 21), iv(30, 40)]
        );
        assert_eq!(merge(vec![]), vec![]);
    }
}

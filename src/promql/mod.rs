//! The PromQL evaluator over the in-memory store.
//!
//! Parsing is done by the `promql-parser` crate; evaluation follows Prometheus's engine:
//! every node is evaluated over all steps at once, values are Scalar / String / Vector /
//! Matrix, non-fatal annotations are returned beside the result. Depends on `model`.

pub mod aggregate;
pub mod annotations;
pub mod api_json;
pub mod binary;
pub mod duration_expr;
pub mod eval;
pub mod format;
pub mod functions;
pub mod kahan;
pub mod reach;
pub mod selector;
pub mod series;
pub mod value;

pub use value::{QueryResult, RangeSeries, Sample, Value};

use promql_parser::parser::{self, Expr};

pub use self::duration_expr::QueryTiming;
use self::eval::{Ctx, Node};
use self::series::Grid;
use std::rc::Rc;

use crate::memo::Memo;
use crate::model::{Duration, Labels, Store, Timestamp};

/// Which Prometheus major version's semantics to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// Prometheus 2.x: closed range selectors `[t-d, t]`, lookback `[t-5m, t]`, `holt_winters`.
    V2,
    /// Prometheus 3.x (default): left-open `(t-d, t]`, `double_exponential_smoothing`.
    #[default]
    V3,
}

impl Compat {
    /// Labels that go with the metric name: `__name__`, and in 3.x also the type-and-unit
    /// labels `__type__` and `__unit__`, which Prometheus drops and ignores together with it.
    pub fn is_name_label(self, name: &str) -> bool {
        name == crate::model::METRIC_NAME
            || (self == Compat::V3 && (name == "__type__" || name == "__unit__"))
    }

    /// [`Compat::strip_name`] without its memo, for callers that remember the result.
    pub fn strip_name_now(self, labels: &Labels) -> Labels {
        labels.filtered(|n| !self.is_name_label(n))
    }

    /// `labels` without the name labels. Remembered per thread by label storage: a
    /// simulation strips the names of the same stored series at every measurement.
    pub fn strip_name(self, labels: &Labels) -> Labels {
        if !labels.iter().any(|l| self.is_name_label(&l.name)) {
            return labels.clone();
        }
        thread_local! {
            static STRIPPED: Memo<(usize, bool), (Labels, Labels)> = Memo::new(8192);
        }
        // The entry keeps a clone of `labels`, so its storage (the key) cannot be reused
        // by another label set while the entry lives.
        let key = (labels.storage_id(), self == Compat::V3);
        STRIPPED.with(|m| {
            m.read_or_insert(
                &key,
                || key,
                || (labels.clone(), self.strip_name_now(labels)),
                |(_, stripped)| stripped.clone(),
            )
        })
    }
}

/// Engine settings (Prometheus flags of the same names).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub compat: Compat,
    /// `--query.lookback-delta`, default 5m.
    pub lookback_delta: Duration,
    /// `--query.max-samples`; 0 means unlimited.
    pub max_samples: usize,
    /// Accept experimental functions (`--enable-feature=promql-experimental-functions`).
    pub experimental_functions: bool,
    /// Keep `__name__` until a function or operator result is final
    /// (`--enable-feature=promql-delayed-name-removal`).
    pub delayed_name_removal: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            compat: Compat::V3,
            lookback_delta: Duration::from_secs(300),
            max_samples: 50_000_000,
            experimental_functions: true,
            delayed_name_removal: false,
        }
    }
}

/// `promql_parser::parser::parse`, remembered per thread: simulations and tuning runs parse
/// the same few queries over and over.
fn parse_cached(text: &str) -> Result<Rc<Expr>, String> {
    thread_local! {
        static PARSED: Memo<String, Result<Rc<Expr>, String>> = Memo::new(1024);
    }
    PARSED.with(|m| {
        m.get_or_insert(
            text,
            || text.to_string(),
            || parser::parse(text).map(Rc::new),
        )
    })
}

/// A query failure: Prometheus-style text (`parse error: ...`, `execution: ...`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Parse(String),
    #[error("{0}")]
    Execution(String),
}

/// Evaluates queries over one store.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub options: EngineOptions,
}

impl Engine {
    pub fn new(options: EngineOptions) -> Self {
        Engine { options }
    }

    /// Parses a query for an instant evaluation (`step()` and `range()` are 0).
    pub fn parse(&self, query: &str) -> Result<Expr, QueryError> {
        self.parse_with(query, QueryTiming::default())
    }

    /// How far before its evaluation time `expr` reads data (`None`: unbounded, an `@`
    /// modifier pins a selector), with this engine's lookback delta.
    pub fn reach(&self, expr: &Expr) -> Option<Duration> {
        reach::reach(expr, self.options.lookback_delta.millis()).map(Duration::from_millis)
    }

    /// Parses a query with promql-parser, after rewriting Prometheus 3.x duration
    /// expressions (which the crate cannot read) and with `holt_winters` known (2.x).
    pub fn parse_with(&self, query: &str, timing: QueryTiming) -> Result<Expr, QueryError> {
        self.parse_shared(query, timing).map(|e| (*e).clone())
    }

    /// `parse_with`, sharing the parsed tree (no copy): the form for hot paths.
    pub fn parse_shared(&self, query: &str, timing: QueryTiming) -> Result<Rc<Expr>, QueryError> {
        if timing.step_ms != 0 || timing.range_ms != 0 {
            return self.parse_checked(query, timing);
        }
        // Instant queries (every measurement) skip the rewrite and checks once seen.
        thread_local! {
            static PREPARED: [Memo<String, Result<Rc<Expr>, QueryError>>; 4] =
                std::array::from_fn(|_| Memo::new(1024));
        }
        let flags = usize::from(self.options.compat == Compat::V3) * 2
            + usize::from(self.options.experimental_functions);
        PREPARED.with(|m| {
            m[flags].get_or_insert(
                query,
                || query.to_string(),
                || self.parse_checked(query, timing),
            )
        })
    }

    /// `parse_shared` without its last memo: rewrite, parse (memoised), check.
    fn parse_checked(&self, query: &str, timing: QueryTiming) -> Result<Rc<Expr>, QueryError> {
        register_holt_winters();
        let text = match self.options.compat {
            Compat::V3 => duration_expr::rewrite(query, timing),
            Compat::V2 => std::borrow::Cow::Borrowed(query),
        };
        let expr =
            parse_cached(&text).map_err(|e| QueryError::Parse(format!("parse error: {e}")))?;
        if self.options.compat == Compat::V3
            && !self.options.experimental_functions
            && let Some(name) = experimental_function(&expr)
        {
            return Err(QueryError::Parse(format!(
                "parse error: function {name:?} is not enabled (needs --enable-feature=promql-experimental-functions)"
            )));
        }
        Ok(expr)
    }

    /// Evaluates `query` at one instant.
    pub fn instant_query(
        &self,
        store: &Store,
        query: &str,
        t: Timestamp,
    ) -> Result<QueryResult, QueryError> {
        let expr = self.parse(query)?;
        self.instant_expr(store, &expr, t)
    }

    /// Evaluates a parsed query at one instant.
    pub fn instant_expr(
        &self,
        store: &Store,
        expr: &Expr,
        t: Timestamp,
    ) -> Result<QueryResult, QueryError> {
        let grid = Grid::new(t.millis(), t.millis(), 1);
        let mut ctx = self.ctx(store, t.millis(), t.millis(), 0);
        let node = ctx.eval(grid, expr).map_err(QueryError::Execution)?;
        let value = match self.cleanup(node, grid).map_err(QueryError::Execution)? {
            Node::Scalar(v) => Value::Scalar {
                t: t.millis(),
                v: v[0],
            },
            Node::String(s) => Value::String { t: t.millis(), s },
            Node::Matrix(m) => Value::Matrix(m),
            Node::Vector(vs) => {
                let mut out: Vec<Sample> = vs
                    .into_iter()
                    .filter(|s| !series::is_absent(s.values[0]))
                    .map(|s| Sample {
                        labels: s.labels,
                        t: t.millis(),
                        v: s.values[0],
                    })
                    .collect();
                if !keeps_order(expr) {
                    out.sort_by(|a, b| a.labels.cmp(&b.labels));
                }
                Value::Vector(out)
            }
        };
        Ok(finish(value, ctx))
    }

    /// Evaluates `query` at `start, start+step, ..., end` (inclusive); the result is a Matrix.
    pub fn range_query(
        &self,
        store: &Store,
        query: &str,
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    ) -> Result<QueryResult, QueryError> {
        let timing = QueryTiming {
            step_ms: step.millis(),
            range_ms: (end - start).millis(),
        };
        let expr = self.parse_with(query, timing)?;
        self.range_expr(store, &expr, start, end, step)
    }

    /// Evaluates a parsed query over a range.
    pub fn range_expr(
        &self,
        store: &Store,
        expr: &Expr,
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    ) -> Result<QueryResult, QueryError> {
        if step.millis() <= 0 {
            return Err(QueryError::Execution(
                "zero or negative query resolution step widths are not accepted. Try a positive integer".into(),
            ));
        }
        if end < start {
            return Err(QueryError::Execution(
                "end timestamp must not be before start time".into(),
            ));
        }
        let grid = Grid::new(start.millis(), end.millis(), step.millis());
        let mut ctx = self.ctx(store, start.millis(), end.millis(), step.millis());
        let node = ctx.eval(grid, expr).map_err(QueryError::Execution)?;
        if calls_sort(expr) {
            ctx.annos.warn(
                "sort is ineffective for range queries since results are always ordered by labels",
            );
        }
        let mut series: Vec<RangeSeries> =
            match self.cleanup(node, grid).map_err(QueryError::Execution)? {
                Node::Scalar(v) => vec![RangeSeries {
                    labels: Labels::empty(),
                    points: v.iter().enumerate().map(|(k, &x)| (grid.t(k), x)).collect(),
                }],
                Node::Vector(vs) => vs
                    .into_iter()
                    .map(|s| RangeSeries {
                        labels: s.labels,
                        points: s
                            .values
                            .iter()
                            .enumerate()
                            .filter(|(_, x)| !series::is_absent(**x))
                            .map(|(k, &x)| (grid.t(k), x))
                            .collect(),
                    })
                    .filter(|s| !s.points.is_empty())
                    .collect(),
                Node::String(_) | Node::Matrix(_) => {
                    return Err(QueryError::Execution(
                        "invalid expression type for range query, must be Scalar or instant Vector"
                            .into(),
                    ));
                }
            };
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
        Ok(finish(Value::Matrix(series), ctx))
    }

    fn ctx<'a>(&'a self, store: &'a Store, start: i64, end: i64, step: i64) -> Ctx<'a> {
        Ctx {
            store,
            opts: &self.options,
            query_start: start,
            query_end: end,
            query_step: step,
            annos: Default::default(),
            samples: 0,
        }
    }

    /// Applies delayed `__name__` removal at the end of the query.
    fn cleanup(&self, node: Node, grid: Grid) -> Result<Node, String> {
        match node {
            Node::Vector(vs) if vs.iter().any(|s| s.drop_name) => {
                let stripped = vs
                    .into_iter()
                    .map(|mut s| {
                        if s.drop_name {
                            s.labels = self.options.compat.strip_name(&s.labels);
                            s.drop_name = false;
                        }
                        s
                    })
                    .collect();
                series::merge_by_labels(stripped, grid.n).map(Node::Vector)
            }
            other => Ok(other),
        }
    }
}

fn finish(value: Value, ctx: Ctx) -> QueryResult {
    QueryResult {
        value,
        warnings: ctx.annos.warnings.into_iter().collect(),
        infos: ctx.annos.infos.into_iter().collect(),
    }
}

/// Whether an instant result keeps evaluation order (sorting functions, topk/bottomk).
fn keeps_order(expr: &Expr) -> bool {
    use promql_parser::parser::token::{T_BOTTOMK, T_LIMITK, T_TOPK};
    match expr {
        Expr::Paren(p) => keeps_order(&p.expr),
        Expr::Call(c) => matches!(
            c.func.name,
            "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc"
        ),
        Expr::Aggregate(a) => matches!(a.op.id(), T_TOPK | T_BOTTOMK | T_LIMITK),
        _ => false,
    }
}

/// Whether the expression calls a sorting function anywhere (pointless in range queries).
fn calls_sort(expr: &Expr) -> bool {
    match expr {
        Expr::Call(c) => {
            matches!(
                c.func.name,
                "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc"
            ) || c.args.args.iter().any(|a| calls_sort(a))
        }
        Expr::Aggregate(a) => calls_sort(&a.expr),
        Expr::Binary(b) => calls_sort(&b.lhs) || calls_sort(&b.rhs),
        Expr::Paren(p) => calls_sort(&p.expr),
        Expr::Unary(u) => calls_sort(&u.expr),
        _ => false,
    }
}

/// The first experimental function the expression calls, if any.
fn experimental_function(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::Call(c) if c.func.experimental => Some(c.func.name),
        Expr::Call(c) => c.args.args.iter().find_map(|a| experimental_function(a)),
        Expr::Aggregate(a) => experimental_function(&a.expr),
        Expr::Binary(b) => experimental_function(&b.lhs).or_else(|| experimental_function(&b.rhs)),
        Expr::Paren(p) => experimental_function(&p.expr),
        Expr::Unary(u) => experimental_function(&u.expr),
        Expr::Subquery(s) => experimental_function(&s.expr),
        _ => None,
    }
}

/// Makes `holt_winters(range, sf, tf)` parse (Prometheus 2.x); the engine rejects it in 3.x mode.
fn register_holt_winters() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use promql_parser::parser::value::ValueType;
        let f = parser::Function::new(
            "holt_winters",
            vec![ValueType::Matrix, ValueType::Scalar, ValueType::Scalar],
            0,
            ValueType::Vector,
            false,
        );
        // Registration fails only if the crate gains a built-in of that name, which is fine.
        let _ = parser::register_extra_functions(vec![f]);
    });
}

/// Small stores for unit tests across the crate.
#[cfg(test)]
pub(crate) mod testdata {
    use crate::model::{Labels, Store, StoreBuilder};

    /// `http_requests_total` for two statuses, 15 s scrape, 10 min: 200s grow by 99/scrape,
    /// 500s by 1/scrape (a 99% success rate).
    pub(crate) fn requests_store() -> Store {
        let mut b = StoreBuilder::new();
        for (status, inc) in [("200", 99.0), ("500", 1.0)] {
            let id = b.series_id(Labels::from_pairs([
                ("__name__", "http_requests_total"),
                ("status", status),
            ]));
            for k in 0..=40 {
                b.append(id, k * 15_000, inc * k as f64);
            }
        }
        b.finish().expect("test samples are in order")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StoreBuilder;

    fn store() -> Store {
        testdata::requests_store()
    }

    fn instant(e: &Engine, q: &str, t_s: i64) -> Value {
        e.instant_query(&store(), q, Timestamp::from_millis(t_s * 1000))
            .unwrap()
            .value
    }

    #[test]
    fn success_rate_ratio() {
        let e = Engine::default();
        let q = r#"100 * sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#;
        match instant(&e, q, 600) {
            Value::Vector(v) => {
                assert_eq!(v.len(), 1);
                assert!((v[0].v - 99.0).abs() < 1e-9, "{}", v[0].v);
                assert!(v[0].labels.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn lookback_and_v2_closed_windows_differ() {
        let v3 = Engine::default();
        let v2 = Engine::new(EngineOptions {
            compat: Compat::V2,
            ..Default::default()
        });
        let q = r#"count_over_time(http_requests_total{status="500"}[1m])"#;
        let count = |v: Value| match v {
            Value::Vector(s) => s[0].v,
            other => panic!("{other:?}"),
        };
        assert_eq!(count(instant(&v3, q, 600)), 4.0);
        assert_eq!(count(instant(&v2, q, 600)), 5.0);
        // Past the 5m lookback nothing is returned.
        assert_eq!(
            instant(&v3, "http_requests_total", 600 + 301),
            Value::Vector(vec![])
        );
    }

    #[test]
    fn range_query_returns_sorted_matrix_and_scalars() {
        let e = Engine::default();
        let r = e
            .range_query(
                &store(),
                "http_requests_total",
                Timestamp(0),
                Timestamp(60_000),
                Duration::from_secs(30),
            )
            .unwrap();
        match r.value {
            Value::Matrix(m) => {
                assert_eq!(m.len(), 2);
                assert_eq!(m[0].labels.get("status"), Some("200"));
                assert_eq!(
                    m[0].points,
                    vec![(0, 0.0), (30_000, 198.0), (60_000, 396.0)]
                );
            }
            other => panic!("{other:?}"),
        }
        let s = e
            .range_query(
                &store(),
                "time()",
                Timestamp(0),
                Timestamp(60_000),
                Duration::from_secs(60),
            )
            .unwrap();
        assert_eq!(
            s.value,
            Value::Matrix(vec![RangeSeries {
                labels: Labels::empty(),
                points: vec![(0, 0.0), (60_000, 60.0)]
            }])
        );
    }

    #[test]
    fn errors_and_annotations() {
        let e = Engine::default();
        assert!(matches!(
            e.instant_query(&store(), "sum(", Timestamp(0)),
            Err(QueryError::Parse(_))
        ));
        let r = e.instant_query(
            &store(),
            "rate(http_requests_total[5m]) / on() group_left rate(http_requests_total[5m])",
            Timestamp(600_000),
        );
        assert!(r.is_err(), "two series on the one side must fail");
        let mut b = StoreBuilder::new();
        let id = b.series_id(Labels::from_pairs([("__name__", "queue_depth")]));
        b.append(id, 0, 1.0);
        b.append(id, 15_000, 2.0);
        let st = b.finish().unwrap();
        let r = e
            .instant_query(&st, "rate(queue_depth[1m])", Timestamp(30_000))
            .unwrap();
        assert_eq!(r.infos.len(), 1, "{:?}", r.infos);
        assert!(r.infos[0].contains("might not be a counter"));
    }

    #[test]
    fn rate_keeps_series_apart_unless_dropping_names_collides() {
        let mut b = StoreBuilder::new();
        for (name, job) in [("a_total", "x"), ("a_total", "y"), ("b", "x"), ("c", "z")] {
            let id = b.series_id(Labels::from_pairs([("__name__", name), ("job", job)]));
            b.append(id, 0, 1.0);
            b.append(id, 15_000, 2.0);
        }
        let st = b.finish().unwrap();
        let e = Engine::default();
        let at = Timestamp(30_000);
        let one_name = e.instant_query(&st, "rate(a_total[1m])", at).unwrap();
        assert!(matches!(&one_name.value, Value::Vector(v) if v.len() == 2));
        assert!(one_name.infos.is_empty(), "{:?}", one_name.infos);
        // `a_total{job="x"}` and `b{job="x"}` both become `{job="x"}`.
        let err = e
            .instant_query(&st, r#"rate({__name__=~"a_total|b"}[1m])"#, at)
            .unwrap_err();
        assert!(err.to_string().contains("same labelset"), "{err}");
        // 3.x drops `__type__` with the name: series told apart only by it collide.
        let mut b = StoreBuilder::new();
        for typ in ["counter", "gauge"] {
            let id = b.series_id(Labels::from_pairs([
                ("__name__", "t_total"),
                ("__type__", typ),
                ("job", "x"),
            ]));
            b.append(id, 0, 1.0);
            b.append(id, 15_000, 2.0);
        }
        let typed = b.finish().unwrap();
        let err = e
            .instant_query(&typed, "rate(t_total[1m])", at)
            .unwrap_err();
        assert!(err.to_string().contains("same labelset"), "{err}");
        let v2 = Engine::new(EngineOptions {
            compat: Compat::V2,
            ..Default::default()
        });
        let kept = v2.instant_query(&typed, "rate(t_total[1m])", at).unwrap();
        assert!(
            matches!(&kept.value, Value::Vector(v) if v.len() == 2),
            "2.x keeps __type__"
        );
        // Each name that does not look like a counter is reported, once.
        let r = e
            .instant_query(&st, r#"rate({__name__=~"b|c"}[1m])"#, at)
            .unwrap();
        assert_eq!(r.infos.len(), 2, "{:?}", r.infos);
    }
}

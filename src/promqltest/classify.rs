//! Static classification of an eval: experimental functions, flag-gated syntax and whether
//! its selectors reach series that hold native-histogram samples or start timestamps (the
//! INVENTORY.md definitions, used for skips and the "NH-free and flag-free" pass rate).

use std::sync::LazyLock;

use promql_parser::parser::{Expr, VectorSelector};
use regex::Regex;

use crate::model::{Labels, METRIC_NAME};

/// Functions and aggregations behind `--enable-feature=promql-experimental-functions` in 3.14.
pub const EXPERIMENTAL_FUNCTIONS: &[&str] = &[
    "double_exponential_smoothing",
    "end",
    "histogram_quantiles",
    "info",
    "mad_over_time",
    "max_of",
    "min_of",
    "range",
    "sort_by_label",
    "sort_by_label_desc",
    "start",
    "start_timestamp",
    "step",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
    "limitk",
    "limit_ratio",
];

static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(@\s*)?\b([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:(?:by|without)\s*\([^)]*\)\s*)?\(")
        .expect("static regex")
});
static EXTENDED_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(anchored|smoothed)\b").expect("static regex"));
static FILL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(fill|fill_left|fill_right)\s*\(").expect("static regex"));

/// `expr` with the contents of string literals blanked out, so names inside strings are ignored.
pub fn strip_strings(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in expr.chars() {
        match quote {
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                out.push(c);
            }
            Some(q) => {
                if escaped {
                    escaped = false;
                    out.push(' ');
                } else if c == '\\' && q != '`' {
                    escaped = true;
                    out.push(' ');
                } else if c == q {
                    quote = None;
                    out.push(c);
                } else {
                    out.push(' ');
                }
            }
        }
    }
    out
}

/// Experimental functions/aggregations called by `expr`. Calls in duration expressions
/// (inside `[...]`, after `offset` or `@`, e.g. `x[step()]`, `@ start()`) do not count.
pub fn experimental_calls(expr: &str) -> Vec<&'static str> {
    let code = strip_strings(expr);
    let mut found: Vec<&'static str> = Vec::new();
    for c in CALL.captures_iter(&code) {
        let Some(name) = c.get(2) else { continue };
        if c.get(1).is_some() || in_duration_context(&code, name.start()) {
            continue;
        }
        if let Some(f) = EXPERIMENTAL_FUNCTIONS.iter().find(|f| **f == name.as_str())
            && !found.contains(f)
        {
            found.push(f);
        }
    }
    found
}

/// Whether position `at` lies inside `[...]` or in an `offset`/`@` operand.
fn in_duration_context(code: &str, at: usize) -> bool {
    let before = &code[..at];
    let depth = before.chars().fold(0i32, |d, c| match c {
        '[' => d + 1,
        ']' => d - 1,
        _ => d,
    });
    if depth > 0 {
        return true;
    }
    // Walk out of enclosing calls and parentheses: `offset -min_of(step(), 1s)`.
    let mut head = before;
    loop {
        head = head.trim_end_matches(|c: char| c.is_whitespace() || "-+".contains(c));
        if head.ends_with('@') || head.ends_with("offset") {
            return true;
        }
        if let Some(h) = head.strip_suffix('(') {
            head = h.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        } else if head.ends_with(',') {
            let mut depth = 0;
            let open = head.char_indices().rev().find(|&(_, c)| {
                match c {
                    ')' => depth += 1,
                    '(' if depth == 0 => return true,
                    '(' => depth -= 1,
                    _ => {}
                }
                false
            });
            match open {
                Some((i, _)) => head = &head[..=i],
                None => return false,
            }
        } else {
            return false;
        }
    }
}

/// The expression with flag-gated syntax and histogram-only operators removed, parsed:
/// good enough to see which series it selects when the real expression does not parse.
pub fn parse_for_classification(expr: &str) -> Option<Expr> {
    let mut s = EXTENDED_RANGE.replace_all(expr, " ").into_owned();
    while let Some(m) = FILL.find(&s) {
        let open = m.end() - 1;
        let close = s[open..].find(')').map(|p| open + p + 1)?;
        s.replace_range(m.start()..close, " ");
    }
    let s = s.replace("</", "<").replace(">/", ">");
    promql_parser::parser::parse(&s).ok()
}

/// Fallback when nothing parses: a series whose metric name appears as a word in `expr`.
pub fn mentions_any(expr: &str, series: &[Labels]) -> bool {
    let code = strip_strings(expr);
    let words: std::collections::HashSet<&str> = code
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .collect();
    series
        .iter()
        .any(|l| l.metric_name().is_some_and(|n| words.contains(n)))
}

/// The flag-gated syntax `expr` uses (`anchored`, `smoothed`, `fill(`...), if any.
pub fn flag_gated_syntax(expr: &str) -> Option<String> {
    let code = strip_strings(expr);
    if let Some(m) = EXTENDED_RANGE.find(&code) {
        return Some(format!(
            "`{}` (promql-extended-range-selectors)",
            m.as_str()
        ));
    }
    FILL.captures(&code)
        .map(|c| format!("`{}()` (promql-binop-fill-modifiers)", &c[1]))
}

/// Whether any selector of `expr` matches one of `series`.
pub fn selects_any(expr: &Expr, series: &[Labels]) -> bool {
    if series.is_empty() {
        return false;
    }
    let mut hit = false;
    visit_selectors(expr, &mut |vs| {
        hit = hit || series.iter().any(|l| selector_matches(vs, l));
    });
    hit
}

/// Calls `f` on every vector selector (incl. those inside matrix selectors and subqueries).
pub fn visit_selectors(expr: &Expr, f: &mut dyn FnMut(&VectorSelector)) {
    match expr {
        Expr::Aggregate(a) => {
            visit_selectors(&a.expr, f);
            if let Some(p) = &a.param {
                visit_selectors(p, f);
            }
        }
        Expr::Unary(u) => visit_selectors(&u.expr, f),
        Expr::Binary(b) => {
            visit_selectors(&b.lhs, f);
            visit_selectors(&b.rhs, f);
        }
        Expr::Paren(p) => visit_selectors(&p.expr, f),
        Expr::Subquery(s) => visit_selectors(&s.expr, f),
        Expr::VectorSelector(vs) => f(vs),
        Expr::MatrixSelector(ms) => f(&ms.vs),
        Expr::Call(c) => {
            for a in &c.args.args {
                visit_selectors(a, f);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Whether a selector's name and matchers (incl. `or` groups) accept `labels`.
pub fn selector_matches(vs: &VectorSelector, labels: &Labels) -> bool {
    if let Some(name) = &vs.name
        && labels.get(METRIC_NAME) != Some(name.as_str())
    {
        return false;
    }
    let all = |ms: &[promql_parser::label::Matcher]| {
        ms.iter()
            .all(|m| m.is_match(labels.get(&m.name).unwrap_or("")))
    };
    if !all(&vs.matchers.matchers) {
        return false;
    }
    vs.matchers.or_matchers.is_empty() || vs.matchers.or_matchers.iter().any(|g| all(g))
}

/// The custom-bucket histogram series `load_with_nhcb` derives from a `X_bucket{le=..}` series.
pub fn nhcb_series(labels: &Labels) -> Option<Labels> {
    let base = labels.metric_name()?.strip_suffix("_bucket")?;
    labels.get("le")?;
    let mut b = labels.builder();
    b.remove("le");
    b.set_str(METRIC_NAME, base);
    Some(b.build())
}

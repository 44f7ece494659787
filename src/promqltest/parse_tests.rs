//! Unit tests for the `.test` parser and the runner's skip decisions.

use super::parse::*;
use super::report::Outcome;
use super::run::{RunOptions, run_source};
use crate::ingest::series_notation::SeriesValue;
use crate::model::{Duration, Timestamp};

fn evals(src: &str) -> Vec<EvalCmd> {
    parse_test_file(src)
        .into_iter()
        .filter_map(|c| match c {
            Command::Eval(e) => Some(*e),
            _ => None,
        })
        .collect()
}

#[test]
fn blocks_comments_and_clear() {
    let src = "# c\nload 5m\n  a{x=\"1\"} 1 2\n  # comment ends the block\n  b 3\nclear\nload 1m\n  c 1\n\neval instant at 5m a\n  a{x=\"1\"} 2\n";
    let cmds = parse_test_file(src);
    let kinds: Vec<String> = cmds
        .iter()
        .map(|c| format!("{c:?}").chars().take(5).collect())
        .collect();
    assert_eq!(kinds, ["Load(", "Inval", "Clear", "Load(", "Eval("]);
    let Command::Load(l) = &cmds[0] else { panic!() };
    assert_eq!(
        (l.line, l.interval, l.series.len()),
        (2, Duration::from_secs(300), 1)
    );
    let Command::Eval(e) = &cmds[4] else { panic!() };
    assert_eq!(e.line, 10);
    assert_eq!(
        e.kind,
        EvalKind::Instant {
            at: Timestamp(300_000)
        }
    );
    assert_eq!(
        e.expect.series[0].values,
        vec![Some(SeriesValue::Float(2.0))]
    );
}

#[test]
fn eval_headers_and_expectations() {
    let src = "eval range from 0 to 10m step 5m sum(x) by (a)\n  expect warn msg: PromQL warning: w\n  expect warn\n  expect no_info\n  {a=\"1\"} 1 _ stale\n\n\
               eval instant at 1m30s foo\n  expect fail regex: bad.*thing\n\n\
               eval instant at 0 \"a\"\n  expect string \"a\\n\"\n\n\
               eval instant at 1m x[1m]\n  expect range vector from 10s to 1m step 10s\n  x 1 2 _\n\n\
               eval instant at 0 1\n  -Inf\n  ignored 1\n\n\
               eval_ordered instant at 0 sort(x)\n  x{a=\"1\"} 1\n\n\
               eval_fail instant at 0 y\n  expected_fail_message boom\n";
    let e = evals(src);
    assert_eq!(e.len(), 7);
    assert_eq!(
        e[0].kind,
        EvalKind::Range {
            start: Timestamp(0),
            end: Timestamp(600_000),
            step: Duration::from_secs(300)
        }
    );
    assert_eq!(e[0].expr, "sum(x) by (a)");
    assert_eq!(
        e[0].expect.warn,
        vec![TextMatch::Msg("PromQL warning: w".into()), TextMatch::Any]
    );
    assert!(e[0].expect.no_info && e[0].expect.checks_annotations());
    assert_eq!(e[0].expect.series[0].values[2], Some(SeriesValue::Stale));
    assert!(e[0].errors.is_empty(), "{:?}", e[0].errors);
    assert_eq!(
        e[1].kind,
        EvalKind::Instant {
            at: Timestamp(90_000)
        }
    );
    assert_eq!(
        e[1].expect.fail,
        Some(TextMatch::Regex("bad.*thing".into()))
    );
    assert_eq!(e[2].expect.string.as_deref(), Some("a\n"));
    assert_eq!(
        e[3].expect.range_vector,
        Some((
            Timestamp(10_000),
            Timestamp(60_000),
            Duration::from_secs(10)
        ))
    );
    assert!(e[3].errors.is_empty());
    assert_eq!(e[4].expect.scalar, Some(f64::NEG_INFINITY));
    assert!(e[4].expect.series.is_empty(), "scalar line ends the block");
    assert!(e[5].expect.ordered);
    assert_eq!(e[6].expect.fail, Some(TextMatch::Msg("boom".into())));
}

#[test]
fn malformed_blocks_do_not_panic() {
    let src = "bogus\n\nload\n\nload 0\n  a 1\n\nload 1m\n  a{ 1\n\neval instant at x foo\n\neval range from 5m to 1m step 1m x\n\n\
               eval instant at 0 x\n  expect nonsense\n  {a=\"1\"} 1 2\n  expect warn\n  expect no_warn\n  expect fail regex: (\n\n\
               eval\n\n{{\n\neval instant at 0 x\n  x {{schema:0}}\n";
    let cmds = parse_test_file(src);
    let invalid = cmds
        .iter()
        .filter(|c| matches!(c, Command::Invalid { .. }))
        .count();
    assert_eq!(invalid, 7);
    let e = evals(src);
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].errors.len(), 4, "{:?}", e[0].errors);
    assert!(e[1].expect.histogram_literal);
    let r = run_source(src, &RunOptions::v3());
    assert_eq!(r.errors.len(), 8, "{:?}", r.errors);
    assert!(matches!(&r.evals[0].outcome, Outcome::Fail(m) if m.starts_with("test file error")));
}

#[test]
fn skip_reasons() {
    let src = "load 1m\n  h {{schema:0 sum:1 count:1}}\n  f 1 2\n  cnt{a=\"x\"}@st -1s\n  cnt{a=\"x\"} 1\n\n\
               eval instant at 1m h\n\neval instant at 1m f\n\neval instant at 1m rate(f[1m] anchored)\n\n\
               eval instant at 1m f + fill(0) f\n\n\
               eval instant at 1m info(f, {data=~\".*\"})\n\n\
               eval instant at 1m info(f, {data=~\".*\"})\n  expect fail\n\neval instant at 1m sum(cnt)\n\n\
               eval instant at 1m {__name__=~\"h|x\"}\n\nclear\n\neval instant at 1m h\n\n\
               load 1m\n  @st -1s\n  other 1\n\neval instant at 1m other\n";
    let r = run_source(src, &RunOptions::v3());
    let o: Vec<String> = r
        .evals
        .iter()
        .map(|e| match &e.outcome {
            Outcome::Pass => "pass".into(),
            Outcome::Fail(_) => "fail".into(),
            Outcome::Skip(s) => s.split(':').next().unwrap_or("").to_string(),
        })
        .collect();
    assert_eq!(
        o,
        [
            "native histograms not supported",
            "fail",
            "flag-gated syntax",
            "flag-gated syntax",
            "promql-parser cannot parse",
            "pass",
            "start timestamps (@st) not supported",
            "native histograms not supported",
            "pass",
            "start timestamps (@st) not supported",
        ]
    );
    assert!(r.evals[0].native_histograms && !r.evals[1].native_histograms);
    assert!(r.evals[2].flag_gated && !r.evals[2].is_core());
    assert!(r.evals[1].is_core());
}

#[test]
fn range_mode_applies_like_prometheus() {
    use super::range_mode::applies;
    let e = evals(
        "eval instant at 1m x\n  x 1\n\neval instant at 1m sort(x)\n  expect ordered\n\n\
         eval instant at 1m x[1m]\n  expect range vector from 0 to 1m step 1m\n\n\
         eval instant at 1m \"s\"\n  expect string \"s\"\n\neval instant at 1m x + step()\n\n\
         eval instant at 1m x\n  expect fail\n",
    );
    let got: Vec<bool> = e.iter().map(applies).collect();
    assert_eq!(got, [true, false, false, false, false, false]);
}

#[test]
fn loads_accumulate_replace_within_block_and_clear() {
    use super::state::State;
    let mut st = State::default();
    let loads: Vec<LoadCmd> = parse_test_file(
        "load 1m\n  a 1 2\n  a 7 _ 9\n  b 1\n\nload 1m\n  a _ _ _ 4\n\nload_with_nhcb 1m\n  h_bucket{le=\"1\"} 1\n",
    )
    .into_iter()
    .filter_map(|c| match c {
        Command::Load(l) => Some(l),
        _ => None,
    })
    .collect();
    for l in &loads {
        st.load(l);
    }
    let store = st.store().expect("store");
    let a = &store.series()[store.series_named("a")[0] as usize];
    assert_eq!(&*a.timestamps, &[0, 120_000, 180_000]);
    assert_eq!(&*a.values, &[7.0, 9.0, 4.0]);
    assert_eq!(st.histogram_series.len(), 1);
    assert_eq!(st.histogram_series[0].to_string(), "h");
    st.clear();
    assert!(st.store().expect("store").series().is_empty());
    assert!(st.histogram_series.is_empty());
    // A later load with another value at the same timestamp is an error, as in Prometheus.
    st.load(&loads[0]);
    let conflicting = parse_test_file("load 1m\n  b 5\n");
    let Some(Command::Load(l)) = conflicting.first() else {
        panic!()
    };
    st.load(l);
    assert!(st.store().unwrap_err().contains("conflicting"));
}

//! The review report as one self-contained HTML file: the outcome and why, the charts
//! (inline SVG), the scenario's inputs (queries with arguments resolved, conditions, limits)
//! and the timeline table. No scripts, no external resources: it opens offline. Everything
//! that comes from the user's files is HTML-escaped.
//!
//! Depends on `report::chart`, `report::render`, `report::timeline` and `replay`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::chart::SimulationChart;
use super::render::ChartError;
use super::render::svg::escape;
use super::timeline;
use crate::manifest::{self, Provider};
use crate::model::Duration;
use crate::replay::expect::result_name;
use crate::replay::{Evidence, Replay};

/// What a review report is made of.
pub struct Review<'a> {
    pub replay: &'a Replay,
    pub evidence: &'a Evidence,
    pub chart: &'a SimulationChart,
    pub sources: Sources,
}

/// Where the replay's inputs came from, as the user named them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub scenario: Option<PathBuf>,
    pub rollout: PathBuf,
    pub templates: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    /// `seed 42, 200 requests/s, router nginx` for a synthetic world.
    pub world: Option<String>,
    pub args: Vec<(String, String)>,
    pub compat: String,
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1320px;color:#111;line-height:1.4}\
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f2f2f2}pre,code{font-family:'DejaVu Sans Mono',monospace;font-size:.92em}pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;margin:0}\
.result{font-size:1.25em;font-weight:bold;padding:.3em .6em;border-left:8px solid}\
.promoted{border-color:#009E73}.aborted,.invalid{border-color:#D55E00}.paused{border-color:#E69F00}\
.Failed{color:#a04600;font-weight:bold}.Error{color:#8a3f6a;font-weight:bold}.Inconclusive{color:#8a6000;font-weight:bold}\
.chart svg{max-width:100%;height:auto;border:1px solid #ddd}td.t{white-space:nowrap;font-variant-numeric:tabular-nums}";

/// The report as one HTML document.
pub fn render(r: &Review) -> String {
    render_with_svg(r, &super::render::simulation_svg(r.chart))
}

/// [`render`] with the chart already drawn (a caller that also writes the SVG file).
pub fn render_with_svg(r: &Review, svg: &Result<String, ChartError>) -> String {
    let mut out = String::new();
    let o = &r.replay.simulation.outcome;
    let result = result_name(o.result);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rollsim: {} {result}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&r.replay.rollout)
    );
    let _ = writeln!(
        out,
        "<h1>Rollout {}: {result} at +{}</h1>",
        escape(&r.replay.rollout),
        Duration::from_millis(o.at)
    );
    outcome(&mut out, r);
    charts(&mut out, svg);
    inputs(&mut out, r);
    timeline_table(&mut out, r);
    if !r.replay.warnings.is_empty() {
        out.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for w in &r.replay.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        out,
        "<footer><p>Generated offline by rollsim {}.</p></footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// `name=value` pairs as code, joined by `sep`.
fn args_html(args: &[(String, String)], sep: &str) -> String {
    args.iter()
        .map(|(k, v)| format!("<code>{}={}</code>", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join(sep)
}

fn row(out: &mut String, name: &str, html: &str) {
    let _ = writeln!(out, "<tr><th>{name}</th><td>{html}</td></tr>");
}

fn outcome(out: &mut String, r: &Review) {
    let o = &r.replay.simulation.outcome;
    let result = result_name(o.result);
    let at = r.replay.start + Duration::from_millis(o.at);
    out.push_str("<section id=\"outcome\">\n<h2>Outcome</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"result {result}\">{result} at +{} ({at})</p>",
        Duration::from_millis(o.at)
    );
    out.push_str("<table>\n");
    row(out, "Why", &escape(&o.reason));
    let decision = if o.result.decided() {
        Duration::from_millis(o.at).to_string()
    } else {
        "no decision".into()
    };
    row(out, "Time to decision", &decision);
    if let Some(run) = &o.deciding_run {
        let metric = o
            .deciding_metric
            .as_deref()
            .map(|m| format!("metric <code>{}</code> of ", escape(m)))
            .unwrap_or_default();
        row(
            out,
            "Decided by",
            &format!("{metric}AnalysisRun <code>{}</code>", escape(run)),
        );
    }
    if let Some((p, m)) = r.chart.failing_measurement() {
        let message = if m.message.is_empty() {
            String::new()
        } else {
            format!(": {}", escape(&m.message))
        };
        row(
            out,
            "Failing measurement",
            &format!(
                "<code>{}</code> #{} at +{} = <code>{}</code> → <span class=\"{}\">{}</span>{message}",
                escape(&p.metric),
                m.seq,
                Duration::from_millis((m.t * 1000.0) as i64),
                escape(&m.value_text),
                m.phase,
                m.phase
            ),
        );
    }
    if let Some(i) = &r.replay.impact {
        row(
            out,
            "Blast radius",
            &format!(
                "{} failed canary requests before the decision (synthetic world)",
                i.bad_requests_before_decision
            ),
        );
        row(
            out,
            "Canary traffic",
            &format!(
                "{} of {} requests, {} failed",
                i.canary_requests, i.requests, i.canary_errors
            ),
        );
        if let Some(start) = i.regression_started_seconds {
            let detect = i
                .time_to_detect_seconds
                .map_or("not detected".to_string(), |d| {
                    format!("detected after {}", secs(d))
                });
            row(
                out,
                "Regression",
                &format!("started at +{}; {detect}", secs(start)),
            );
        }
    }
    out.push_str("</table>\n</section>\n");
}

fn secs(s: f64) -> Duration {
    Duration::from_millis((s * 1000.0).round() as i64)
}

fn charts(out: &mut String, svg: &Result<String, ChartError>) {
    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"chart\">\n");
    match svg {
        Ok(svg) => out.push_str(svg),
        Err(e) => {
            let _ = writeln!(out, "<p>{}</p>", escape(&e.to_string()));
        }
    }
    out.push_str("</div>\n</section>\n");
}

fn inputs(out: &mut String, r: &Review) {
    let s = &r.sources;
    out.push_str("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n");
    let path = |p: &Path| format!("<code>{}</code>", escape(&p.display().to_string()));
    if let Some(sc) = &s.scenario {
        row(out, "Scenario", &path(sc));
    }
    row(out, "Rollout", &path(&s.rollout));
    if !s.templates.is_empty() {
        let list: Vec<String> = s.templates.iter().map(|t| path(t)).collect();
        row(out, "Templates", &list.join("<br>"));
    }
    match &s.world {
        Some(w) => row(out, "Data", &format!("synthetic world: {}", escape(w))),
        None => {
            let list: Vec<String> = s.data.iter().map(|d| path(d)).collect();
            row(out, "Data", &list.join("<br>"));
        }
    }
    row(out, "Start", &r.replay.start.to_string());
    if !s.args.is_empty() {
        row(out, "Arguments given", &args_html(&s.args, "<br>"));
    }
    row(out, "PromQL semantics", &escape(&s.compat));
    out.push_str("</table>\n");
    for (run, index) in &r.evidence.runs {
        let Some(a) = r.evidence.analyses.get(*index) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<h3>AnalysisRun <code>{}</code> (templates: {})</h3>",
            escape(run),
            escape(&a.name)
        );
        if !a.args.is_empty() {
            let _ = writeln!(
                out,
                "<p>Arguments resolved: {}</p>",
                args_html(&a.args, ", ")
            );
        }
        if let Some(e) = &a.run_error {
            let _ = writeln!(out, "<p class=\"Error\">{}</p>", escape(e));
        }
        for m in &a.metrics {
            metric_table(out, m);
        }
    }
    out.push_str("</section>\n");
}

fn metric_table(out: &mut String, m: &manifest::Metric) {
    let _ = writeln!(
        out,
        "<table class=\"metric\">\n<tr><th colspan=\"2\">metric <code>{}</code></th></tr>",
        escape(&m.name)
    );
    let query = match &m.provider {
        Provider::Prometheus(p) => format!("<pre>{}</pre>", escape(p.query.trim())),
        Provider::Other { name, .. } => format!("{} provider (not replayed offline)", escape(name)),
        Provider::None => "no provider".into(),
        Provider::Multiple(names) => format!("several providers: {}", escape(&names.join(", "))),
    };
    row(out, "Query (arguments resolved)", &query);
    let code = |v: &Option<String>| {
        v.as_deref().map_or("—".to_string(), |s| {
            format!("<code>{}</code>", escape(s.trim()))
        })
    };
    row(out, "successCondition", &code(&m.success_condition));
    row(out, "failureCondition", &code(&m.failure_condition));
    let int = |v: &Option<manifest::IntOrString>, default: &str| {
        let unset = match default {
            "" => "unset".to_string(),
            d => format!("{d} (default)"),
        };
        v.as_ref().map_or(unset, |i| match i {
            manifest::IntOrString::Int(n) => n.to_string(),
            manifest::IntOrString::Str(s) => escape(s),
        })
    };
    let text = |v: &Option<String>| v.as_deref().map_or("—".to_string(), escape);
    row(out, "interval", &text(&m.interval));
    row(out, "initialDelay", &text(&m.initial_delay));
    row(out, "count", &int(&m.count, ""));
    row(out, "failureLimit", &int(&m.failure_limit, "0"));
    row(out, "inconclusiveLimit", &int(&m.inconclusive_limit, "0"));
    row(
        out,
        "consecutiveErrorLimit",
        &int(&m.consecutive_error_limit, "4"),
    );
    out.push_str("</table>\n");
}

fn timeline_table(out: &mut String, r: &Review) {
    out.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n<table>\n");
    out.push_str("<tr><th>t</th><th>clock</th><th>event</th><th>details</th></tr>\n");
    for e in &r.replay.simulation.events {
        let (name, details) = timeline::describe(&e.event);
        let class = match &e.event {
            crate::sim::Event::MeasurementTaken { phase, .. } => format!(" class=\"{phase}\""),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td{class}>{}</td></tr>",
            timeline::offset(e.t),
            timeline::clock(r.replay.start, e),
            escape(&name),
            escape(&details)
        );
    }
    out.push_str("</table>\n</section>\n");
}

//! Renders a tune report as a text table, JSON (schema `rollsim.tune/v1`) or CSV (one row
//! per candidate). Deterministic: the same report gives the same bytes.
//!
//! Depends on `tune::report` and `model::Duration`.

use super::report::{CandidateReport, Report};
use super::stats::{Quantile, Rate};
use crate::model::Duration;

/// Pretty JSON with a final newline.
pub fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r).expect("reports serialize") + "\n"
}

/// Seconds as a Prometheus duration rounded to the second (`1m30s`); `never` for none.
pub fn secs(s: Option<f64>) -> String {
    match s {
        Some(s) => Duration::from_secs(s.round() as i64).to_string(),
        None => "never".into(),
    }
}

fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p == 0.0 || p == 100.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

fn rate(r: &Rate) -> String {
    format!("{} [{}–{}]", pct(r.rate), pct(r.lo), pct(r.hi))
}

fn quant(q: &Quantile) -> String {
    let lo = q.lo.map_or("?".into(), |v| secs(Some(v)));
    format!("{} [{}–{}]", secs(q.value), lo, secs(q.hi))
}

/// The table, then the frontier, the recommendation and its YAML.
pub fn text(r: &Report) -> String {
    let mut out = format!(
        "rollsim tune: {} (rollout {}), {} runs per candidate and world, seed {}\n",
        r.scenario, r.rollout, r.runs, r.seed
    );
    for w in &r.worlds {
        if w.regression.is_empty() {
            out.push_str(&format!(
                "  world {}: the canary without regression\n",
                w.label
            ));
        } else {
            out.push_str(&format!("  world {}: {}\n", w.label, w.regression));
        }
    }
    out.push('\n');
    let header = [
        "#",
        "candidate",
        "false rollback [95% CI]",
        "false pause",
        "detection [95% CI]",
        "detect p50 [95% CI]",
        "detect p95",
        "promote p50",
        "blast mean/p95",
        "",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for c in &r.candidates {
        rows.push(row(c));
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i == 0 {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str("\n* on the frontier (no other candidate has fewer false rollbacks, more detections and faster detection at once); R recommended\n");
    out.push_str(&recommendation(r));
    out
}

fn row(c: &CandidateReport) -> Vec<String> {
    let dash = || "-".to_string();
    let (fr, fp, promote) = match &c.healthy {
        Some(h) => (
            rate(&h.false_rollback),
            pct(h.false_pause.rate),
            secs(h.promote_p50.value),
        ),
        None => (dash(), dash(), dash()),
    };
    let (det, p50, p95, blast) = match &c.regressed {
        Some(g) => (
            rate(&g.detection),
            quant(&g.detect_p50),
            secs(g.detect_p95.value),
            format!(
                "{:.0} / {}",
                g.blast_radius_mean,
                g.blast_radius_p95
                    .value
                    .map_or("?".into(), |v| format!("{v:.0}"))
            ),
        ),
        None => (dash(), dash(), dash(), dash()),
    };
    let mut flags = String::new();
    if c.on_frontier {
        flags.push('*');
    }
    if c.recommended {
        flags.push('R');
    }
    vec![
        c.index.to_string(),
        c.label.clone(),
        fr,
        fp,
        det,
        p50,
        p95,
        promote,
        blast,
        flags,
    ]
}

fn targets(r: &Report) -> String {
    let t = &r.targets;
    let mut parts = Vec::new();
    if let Some(m) = t.max_false_rollback {
        parts.push(format!("false rollback <= {}", pct(m)));
    }
    if let Some(m) = t.max_detect_seconds {
        parts.push(format!("detect p95 <= {}", secs(Some(m))));
    }
    if let Some(m) = t.min_detection {
        parts.push(format!("detection >= {}", pct(m)));
    }
    parts.join(", ")
}

fn recommendation(r: &Report) -> String {
    let mut out = String::new();
    match (r.recommended, r.targets_met) {
        (Some(i), Some(true)) => out.push_str(&format!(
            "\nRecommended: #{i} {} (the fastest to detect of those meeting {})\n",
            r.candidates[i].label,
            targets(r)
        )),
        (Some(i), _) => out.push_str(&format!(
            "\nRecommended: #{i} {} (no targets given: the fastest to detect on the frontier; \
             set --max-false-rollback / --max-detect / --min-detection)\n",
            r.candidates[i].label
        )),
        (None, _) => {
            out.push_str(&format!(
                "\nNo candidate meets {}; widen the grid or the targets.\n",
                targets(r)
            ));
            return out;
        }
    }
    match r.snippet.as_deref() {
        Some("") | None => out.push_str("It is the scenario as written: nothing to change.\n"),
        Some(s) => {
            out.push('\n');
            out.push_str(s);
            if !s.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// One row per candidate; times in seconds (`inf`: never), rates as fractions.
pub fn csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "index",
        "candidate",
        "healthy_runs",
        "false_rollback",
        "false_rollback_lo",
        "false_rollback_hi",
        "false_pause",
        "false_pause_lo",
        "false_pause_hi",
        "promote_p50_s",
        "promote_p95_s",
        "regressed_runs",
        "detection",
        "detection_lo",
        "detection_hi",
        "detect_p50_s",
        "detect_p50_lo_s",
        "detect_p50_hi_s",
        "detect_p95_s",
        "blast_radius_mean",
        "blast_radius_p95",
        "on_frontier",
        "meets_targets",
        "recommended",
    ];
    w.write_record(header).expect("writing to memory");
    let q = |v: Option<f64>| v.map_or("inf".to_string(), |v| v.to_string());
    let rate = |r: &Rate| [r.rate, r.lo, r.hi].map(|v| v.to_string());
    for c in &r.candidates {
        let mut rec = vec![c.index.to_string(), c.label.clone()];
        match &c.healthy {
            Some(h) => {
                rec.push(h.n.to_string());
                rec.extend(rate(&h.false_rollback));
                rec.extend(rate(&h.false_pause));
                rec.extend([q(h.promote_p50.value), q(h.promote_p95.value)]);
            }
            None => rec.extend(std::iter::repeat_n(String::new(), 9)),
        }
        match &c.regressed {
            Some(g) => {
                rec.push(g.n.to_string());
                rec.extend(rate(&g.detection));
                rec.extend([
                    q(g.detect_p50.value),
                    g.detect_p50.lo.map_or(String::new(), |v| v.to_string()),
                    q(g.detect_p50.hi),
                    q(g.detect_p95.value),
                    g.blast_radius_mean.to_string(),
                    q(g.blast_radius_p95.value),
                ]);
            }
            None => rec.extend(std::iter::repeat_n(String::new(), 10)),
        }
        rec.extend([
            c.on_frontier.to_string(),
            c.meets_targets.map_or(String::new(), |m| m.to_string()),
            c.recommended.to_string(),
        ]);
        w.write_record(&rec).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 fields")
}

//! Charts and review reports of the bundled scenarios: the SVG has an element per
//! measurement and per threshold line, the HTML its sections, the PNG decodes at the
//! expected size and is the same on every run; `simulate --chart` and `rollsim report`
//! write them and exit as documented.

mod common;

use std::path::Path;

use common::rollsim;

use rollsim::cli::simulate::scenario_input;
use rollsim::replay::{self, Evidence, Replay};
use rollsim::report::chart::{self, SimulationChart};
use rollsim::report::html::{self, Review, Sources};
use rollsim::report::markdown::{self, Links};
use rollsim::report::render;
use rollsim::sim::Event;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn replayed(scenario: &str) -> (Replay, Evidence, SimulationChart) {
    let path = root().join("scenarios").join(scenario);
    let s = rollsim::scenario::load(&path).expect("bundled scenario loads");
    let input = scenario_input(&s, &[]).expect("scenario input");
    let (replay, evidence) = replay::run_with_evidence(&input).expect("replays");
    let chart = chart::build(&replay, &evidence);
    (replay, evidence, chart)
}

/// Each `<g class="CLASS">` group, from its opening tag to its first `</g>`.
fn groups<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
    let open = format!("<g class=\"{class}\"");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let end = svg[i..].find("</g>").expect("groups close") + i;
            &svg[i..end]
        })
        .collect()
}

fn has_shape(group: &str) -> bool {
    ["<circle", "<line", "<polygon", "<rect", "<polyline"]
        .iter()
        .any(|s| group.contains(s))
}

/// `(metric, seq, phase)` of the scenario's measurements, sorted.
fn measured(replay: &Replay) -> Vec<(String, u32, String)> {
    let mut out: Vec<(String, u32, String)> = replay
        .simulation
        .events
        .iter()
        .filter_map(|e| match &e.event {
            Event::MeasurementTaken {
                metric, seq, phase, ..
            } => Some((metric.clone(), *seq, phase.to_string())),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// The value of `data-NAME` in a group's opening tag.
fn attr(group: &str, name: &str) -> String {
    let key = format!("data-{name}=\"");
    let start = group.find(&key).expect("attribute") + key.len();
    group[start..start + group[start..].find('"').expect("quoted")].to_string()
}

fn check_svg(scenario: &str, thresholds: &[(&str, &str)], markers: &[&str]) -> String {
    let (replay, _, chart) = replayed(scenario);
    let svg = render::simulation_svg(&chart).unwrap();
    let measurements = groups(&svg, "measurement");
    let want = measured(&replay);
    assert!(!want.is_empty(), "{scenario}");
    let mut got: Vec<(String, u32, String)> = measurements
        .iter()
        .map(|g| {
            assert!(has_shape(g), "a measurement group draws its marker: {g}");
            let seq = attr(g, "seq").parse().expect("a number");
            (attr(g, "metric"), seq, attr(g, "phase"))
        })
        .collect();
    got.sort();
    assert_eq!(got, want, "{scenario}: a marker per measurement");
    let lines = groups(&svg, "threshold");
    let got: Vec<(String, String)> = lines
        .iter()
        .map(|g| {
            assert!(has_shape(g), "a threshold group draws its line: {g}");
            (attr(g, "kind"), attr(g, "value"))
        })
        .collect();
    let want: Vec<(String, String)> = thresholds
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(got, want, "{scenario}: threshold lines");
    for kind in markers {
        assert!(
            svg.contains(&format!("<g class=\"marker\" data-kind=\"{kind}\"")),
            "{scenario}: marker {kind}"
        );
    }
    assert!(svg.contains("font-family=\"DejaVu Sans, sans-serif\""));
    assert!(
        groups(&svg, "query-line")
            .iter()
            .all(|g| g.contains("<polyline"))
    );
    assert_eq!(groups(&svg, "query-line").len(), chart.panels.len());
    svg
}

#[test]
fn canonical_incident_svg() {
    let svg = check_svg("canonical-incident.yaml", &[("success", "99")], &["abort"]);
    // The failing measurement is the fourth, labelled with its value.
    assert!(
        svg.contains("data-phase=\"Failed\" data-seq=\"4\""),
        "the fourth fails"
    );
    assert!(svg.contains("#4 98.39 Failed"));
    // Recorded data: wall-clock ticks beside the minutes.
    assert!(svg.contains("8 · 00:18"), "wall clock on the time axis");
    assert!(svg.contains("step 1: pause: {duration: 5m}"));
    assert_eq!(groups(&svg, "pause").len(), 1);
}

#[test]
fn bluegreen_incident_svg() {
    let svg = check_svg("bluegreen-incident.yaml", &[("success", "99")], &["abort"]);
    assert!(svg.contains("traffic to the new version (%)"));
    assert!(svg.contains("data-phase=\"Failed\" data-seq=\"5\""));
}

#[test]
fn synthetic_regression_svg() {
    let svg = check_svg(
        "synthetic-regression.yaml",
        &[("success", "0.99")],
        &["regression", "abort"],
    );
    assert!(svg.contains("regression starts +4:30"));
    // No wall clock for synthetic data.
    assert!(!svg.contains(" · 10:0"));
}

#[test]
fn tune_scenario_draws_every_metric_and_threshold() {
    check_svg(
        "tune-checkout.yaml",
        &[("success", "0.99"), ("success", "0.5"), ("failure", "2")],
        &["regression", "abort"],
    );
}

#[test]
fn png_decodes_at_its_size_and_is_deterministic() {
    for scenario in ["canonical-incident.yaml", "synthetic-regression.yaml"] {
        let (_, _, chart) = replayed(scenario);
        let a = render::simulation_png(&chart).unwrap();
        let b = render::simulation_png(&chart).unwrap();
        assert!(a == b, "{scenario}: the same bytes on every run");
        let decoder = png::Decoder::new(std::io::Cursor::new(&a));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), render::simulation_size(&chart));
        assert_eq!(info.width, 1280);
        assert_eq!(
            info.height,
            92 + 420
                + 210
                + 16
                + 20 * if scenario.starts_with("synthetic") {
                    3
                } else {
                    2
                }
        );
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        // Not blank: text and lines are drawn (the embedded font needs no system fonts).
        let dark = pixels
            .chunks(3)
            .filter(|p| p.iter().all(|c| *c < 80))
            .count();
        assert!(dark > 2000, "{scenario}: {dark} dark pixels");
    }
}

fn review_html(scenario: &str) -> (String, String) {
    let (replay, evidence, chart) = replayed(scenario);
    let review = Review {
        replay: &replay,
        evidence: &evidence,
        chart: &chart,
        sources: Sources {
            scenario: Some(scenario.into()),
            rollout: "rollout.yaml".into(),
            ..Default::default()
        },
    };
    let links = Links {
        images: vec!["chart.png".into()],
        report: Some("index.html".into()),
    };
    (html::render(&review), markdown::render(&review, &links))
}

#[test]
fn html_report_has_every_section() {
    let (html, md) = review_html("synthetic-regression.yaml");
    for section in ["outcome", "charts", "inputs", "timeline"] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    // Inputs: the query with its arguments resolved, escaped.
    assert!(html.contains("service=&quot;checkout&quot;,version=&quot;canary&quot;"));
    assert!(!html.contains("{{args.service}}"));
    assert!(html.contains("<code>len(result) &gt; 0 &amp;&amp; result[0] &gt;= 0.99</code>"));
    // The chart inline, nothing external, no scripts.
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http")
    );
    // The outcome and why, and what users felt.
    assert!(html.contains("aborted at +5m"));
    assert!(html.contains("Blast radius"));
    assert!(html.contains("time to detect") || html.contains("detected after 30s"));
    // One timeline row per event.
    let (replay, _, _) = replayed("synthetic-regression.yaml");
    let rows = html.matches("<tr><td class=\"t\">").count();
    assert_eq!(rows, replay.simulation.events.len());

    assert!(md.contains("| Time to decision | 5m |"), "{md}");
    assert!(
        md.contains("| Failing measurement | `success-rate` #5 at +5m"),
        "{md}"
    );
    assert!(
        md.contains("| Blast radius | 34 failed canary requests"),
        "{md}"
    );
    assert!(md.contains("time to detect 30s"), "{md}");
    assert!(md.contains("![rollsim chart of checkout](chart.png)"));
    assert!(md.contains("[Full report](index.html)"));
}

#[test]
fn recorded_report_has_no_blast_radius() {
    let (html, md) = review_html("canonical-incident.yaml");
    assert!(html.contains("Failing measurement"));
    assert!(!html.contains("Blast radius") && !md.contains("Blast radius"));
    assert!(md.contains("`[98.39073806078147]` → **Failed**"), "{md}");
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    (reader.info().width, reader.info().height)
}

#[test]
fn simulate_writes_a_chart_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("c.png");
    let svg = dir.path().join("c.svg");
    for out in [&png, &svg] {
        let o = rollsim(&[
            "simulate",
            "scenarios/canonical-incident.yaml",
            "--chart",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        // The timeline still prints.
        assert!(String::from_utf8_lossy(&o.stdout).contains("RolloutAborted"));
    }
    assert_eq!(png_size(&png).0, 1280);
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("class=\"measurement\"")
    );
    let jpg = dir.path().join("c.jpg");
    let o = rollsim(&[
        "simulate",
        "scenarios/canonical-incident.yaml",
        "--chart",
        jpg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unsupported chart format (use .svg or .png)")
    );
    assert!(o.stdout.is_empty() && !jpg.exists());
}

#[test]
fn report_writes_a_folder_a_file_or_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("review");
    let md = dir.path().join("pr/comment.md");
    let o = rollsim(&[
        "report",
        "scenarios/synthetic-regression.yaml",
        "--out",
        folder.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in ["index.html", "chart.svg", "chart.png", "summary.md"] {
        assert!(folder.join(name).is_file(), "{name}");
    }
    let comment = std::fs::read_to_string(&md).unwrap();
    assert!(comment.contains("](../review/chart.png)"), "{comment}");
    assert!(
        comment.contains("[Full report](../review/index.html)"),
        "{comment}"
    );
    let summary = std::fs::read_to_string(folder.join("summary.md")).unwrap();
    assert!(summary.contains("](chart.png)"));
    assert_eq!(png_size(&folder.join("chart.png")).0, 1280);

    let single = dir.path().join("one.html");
    let o = rollsim(&[
        "report",
        "scenarios/bluegreen-incident.yaml",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&single).unwrap();
    assert!(html.contains("<section id=\"charts\">") && html.contains("class=\"measurement\""));

    // A summary alone brings its chart along.
    let alone = dir.path().join("alone.md");
    let o = rollsim(&[
        "report",
        "scenarios/canonical-incident.yaml",
        "--markdown",
        alone.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&alone)
            .unwrap()
            .contains("](alone.png)")
    );
    assert_eq!(png_size(&dir.path().join("alone.png")).0, 1280);

    // Usage errors: nothing to write, an output that is neither a folder nor .html, bad input.
    assert_eq!(
        rollsim(&["report", "scenarios/canonical-incident.yaml"])
            .status
            .code(),
        Some(2)
    );
    let svg = dir.path().join("x.svg");
    let o = rollsim(&[
        "report",
        "scenarios/canonical-incident.yaml",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give a folder or a .html file"));
    let o = rollsim(&[
        "report",
        "scenarios/missing.yaml",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn operator_waits_are_marked_with_their_reason() {
    // The canonical canary with indefinite pauses, promoted 4 minutes into each.
    let dir = tempfile::tempdir().unwrap();
    let rollout = std::fs::read_to_string(root().join("fixtures/canonical/rollout.yaml"))
        .unwrap()
        .replace("- pause: {duration: 5m}", "- pause: {}");
    std::fs::write(dir.path().join("rollout.yaml"), rollout).unwrap();
    let scenario = dir.path().join("s.yaml");
    let fixtures = root().join("fixtures/canonical");
    std::fs::write(
        &scenario,
        format!(
            "rollout: rollout.yaml\ntemplates: [{}]\ndata: {{files: [{}], start: 2024-01-01T00:10:00Z}}\noperator: {{promote_after: 4m}}\n",
            fixtures.join("template.yaml").display(),
            fixtures.join("healthy.om").display()
        ),
    )
    .unwrap();
    let s = rollsim::scenario::load(&scenario).unwrap();
    let (replay, evidence) = replay::run_with_evidence(&scenario_input(&s, &[]).unwrap()).unwrap();
    let chart = chart::build(&replay, &evidence);
    let svg = render::simulation_svg(&chart).unwrap();
    let waits = groups(&svg, "marker")
        .into_iter()
        .filter(|g| g.contains("data-kind=\"waiting\""))
        .collect::<Vec<_>>();
    assert_eq!(waits.len(), 3, "{svg}");
    assert!(waits[0].contains("paused, waiting at +0:00 (00:10:00): CanaryPauseStep"));
    assert_eq!(svg.matches("data-kind=\"resumed\"").count(), 3);
    assert_eq!(svg.matches("data-kind=\"promote\"").count(), 1);
    assert_eq!(groups(&svg, "pause").len(), 3);
}

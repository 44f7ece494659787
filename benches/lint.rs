//! Criterion benchmark of `rollsim lint` on a folder of 1,000 generated AnalysisTemplates
//! (three Prometheus metrics each, one in ten with a structure finding) and 100 Rollouts
//! referencing them, written to a temp dir once. Measures `lint_paths`: discovery, reading,
//! YAML decoding, every rule, suppression and sorting. The target: well under 1 s.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rollsim::lint::{LintConfig, lint_paths};

const TEMPLATES: usize = 1000;
const ROLLOUTS: usize = 100;

fn template(i: usize) -> String {
    // One template in ten has a unit-less interval (RS006).
    let interval = if i.is_multiple_of(10) { "\"60\"" } else { "1m" };
    let mut text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: t{i}\n\
         spec:\n  args:\n  - name: service\n  metrics:\n"
    );
    for (m, q) in [
        (
            "error-rate",
            "sum(rate(http_requests_total{service=\"{{args.service}}\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{service=\"{{args.service}}\"}[5m]))",
        ),
        (
            "latency-p99",
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service=\"{{args.service}}\"}[5m])))",
        ),
        (
            "saturation",
            "avg(container_cpu_usage_seconds_total{pod=~\"{{args.service}}-.*\"})",
        ),
    ] {
        text.push_str(&format!(
            "  - name: {m}\n    interval: {interval}\n    count: 5\n    failureLimit: 1\n    \
             successCondition: result[0] < 0.05\n    provider:\n      prometheus:\n        \
             address: http://prometheus:9090\n        query: |\n          {q}\n"
        ));
    }
    text
}

fn rollout(i: usize) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r{i}\nspec:\n  \
         selector:\n    matchLabels: {{app: r{i}}}\n  strategy:\n    canary:\n      steps:\n      \
         - setWeight: 20\n      - analysis:\n          templates:\n          - templateName: t{i}\n          \
         args:\n          - name: service\n            value: r{i}\n      - setWeight: 50\n      \
         - pause: {{duration: 5m}}\n"
    )
}

fn write_corpus(dir: &Path) {
    for i in 0..TEMPLATES {
        std::fs::write(dir.join(format!("t{i:04}.yaml")), template(i)).expect("write template");
    }
    for i in 0..ROLLOUTS {
        std::fs::write(dir.join(format!("r{i:04}.yaml")), rollout(i)).expect("write rollout");
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path());
    let paths = [dir.path().to_path_buf()];
    let config = LintConfig::default();
    let report = lint_paths(&paths, &config).expect("lints");
    assert_eq!(report.sources.len(), TEMPLATES + ROLLOUTS);
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    group.bench_function("1000_templates_100_rollouts", |b| {
        b.iter(|| black_box(lint_paths(black_box(&paths), &config).expect("lints")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Turns a pod's state into samples in a `StoreBuilder`, named and labelled as exporters do:
//! request counters by status, a classic histogram, resident memory, and kube-state-metrics'
//! restart counter.
//!
//! Depends on `pods`, `config` and `model`; `le` values are formatted as client_golang does.

use super::config::MetricsConfig;
use super::pods::Pod;
use crate::model::{Duration, Labels, StoreBuilder, Timestamp};
use crate::promql::api_json::format_value;

fn append(builder: &mut StoreBuilder, labels: Labels, t: Timestamp, v: f64) {
    let id = builder.series_id(labels);
    // The world writes each series once per timestamp, so a conflict cannot arise.
    let _ = builder.append(id, t.millis(), v);
}

fn with(base: &Labels, name: &str, extra: &[(&str, &str)]) -> Labels {
    let mut b = base.builder();
    b.set_str("__name__", name);
    for (k, v) in extra {
        b.set_str(k, v);
    }
    b.build()
}

/// Declares the families' `# TYPE`s: a counter family drops `_total` (OpenMetrics); a
/// counter name without `_total` is declared `unknown`.
pub fn declare_types(builder: &mut StoreBuilder, m: &MetricsConfig) {
    for name in [&m.requests, &m.restarts] {
        match name.strip_suffix("_total") {
            Some(family) => builder.set_metric_type(family, "counter"),
            None => builder.set_metric_type(name, "unknown"),
        }
    }
    builder.set_metric_type(&m.duration, "histogram");
    builder.set_metric_type(&m.memory, "gauge");
}

/// The application's own metrics, scraped from the pod at `t`.
pub fn scrape_pod(builder: &mut StoreBuilder, m: &MetricsConfig, pod: &Pod, t: Timestamp) {
    for (code, v) in &pod.requests {
        append(
            builder,
            with(&pod.labels, &m.requests, &[("status", code)]),
            t,
            *v as f64,
        );
    }
    let mut cumulative = 0u64;
    let bucket_name = format!("{}_bucket", m.duration);
    for (i, k) in pod.buckets.iter().enumerate() {
        cumulative += k;
        let le = m
            .buckets
            .get(i)
            .map_or_else(|| "+Inf".to_string(), |b| format_value(*b));
        append(
            builder,
            with(&pod.labels, &bucket_name, &[("le", &le)]),
            t,
            cumulative as f64,
        );
    }
    let sum_name = format!("{}_sum", m.duration);
    append(builder, with(&pod.labels, &sum_name, &[]), t, pod.sum);
    let count_name = format!("{}_count", m.duration);
    append(
        builder,
        with(&pod.labels, &count_name, &[]),
        t,
        pod.count as f64,
    );
    append(
        builder,
        with(&pod.labels, &m.memory, &[]),
        t,
        pod.memory.round(),
    );
}

/// kube-state-metrics' restart counter for the pod's container, scraped at `t`.
pub fn scrape_restarts(builder: &mut StoreBuilder, m: &MetricsConfig, pod: &Pod, t: Timestamp) {
    let labels = with(&pod.labels, &m.restarts, &[("container", &m.service)]);
    append(builder, labels, t, pod.restarts as f64);
}

/// One scrape slot at `t` for a pod: kube-state-metrics always reports the restart counter;
/// the pod's own scrape lands within ±`jitter` (at a time whose OpenMetrics text is exact)
/// unless the pod is restarting or the scrape is missed.
pub fn scrape(
    builder: &mut StoreBuilder,
    m: &MetricsConfig,
    pod: &mut Pod,
    t: Timestamp,
    jitter: Duration,
    missed: f64,
) {
    scrape_restarts(builder, m, pod, t);
    let (j, miss) = pod.scrape_outcome(jitter.millis(), missed);
    if !(pod.down || miss) {
        let at = super::write::openmetrics_exact(t + Duration(j));
        scrape_pod(builder, m, pod, at);
    }
}

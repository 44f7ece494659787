//! Turns a pod's state into samples in a `StoreBuilder`, named and labelled as exporters do:
//! request counters by status, a classic histogram, resident memory, and kube-state-metrics'
//! restart counter.
//!
//! Depends on `pods`, `config` and `model`; `le` values are formatted as client_golang does.

use super::config::MetricsConfig;
use super::pods::Pod;
use crate::model::{Duration, Labels, StoreBuilder, Timestamp};
use crate::promql::api_json::format_value;

fn with(base: &Labels, name: &str, extra: &[(&str, &str)]) -> Labels {
    let mut b = base.builder();
    b.set_str("__name__", name);
    for (k, v) in extra {
        b.set_str(k, v);
    }
    b.build()
}

/// The ids of one pod's series in one builder: label sets are built, hashed and looked up
/// on a pod's first scrape only (and when a new status code appears).
#[derive(Debug, Clone, Default)]
pub struct PodSeries {
    /// `StoreBuilder::instance` the ids belong to (0: none yet).
    builder: u64,
    requests: Vec<(String, u32)>,
    /// Cumulative buckets, the last for `+Inf`.
    buckets: Vec<u32>,
    sum: u32,
    count: u32,
    memory: u32,
    restarts: u32,
}

impl PodSeries {
    /// Makes the ids belong to `builder`, looking every series of `pod` up if they did not,
    /// in the order a scrape writes them (restarts, requests, buckets, sum, count, memory).
    fn bind(&mut self, builder: &mut StoreBuilder, m: &MetricsConfig, pod: &Pod) {
        let buckets = pod.buckets.len();
        if self.builder == builder.instance() && self.buckets.len() == buckets {
            return;
        }
        self.builder = builder.instance();
        let labels = &pod.labels;
        self.restarts = builder.series_id(with(labels, &m.restarts, &[("container", &m.service)]));
        self.requests.clear();
        for code in pod.requests.keys() {
            self.request(builder, m, labels, code);
        }
        let mut id =
            |name: &str, extra: &[(&str, &str)]| builder.series_id(with(labels, name, extra));
        let bucket_name = format!("{}_bucket", m.duration);
        self.buckets = (0..buckets)
            .map(|i| {
                let le = m
                    .buckets
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |b| format_value(*b));
                id(&bucket_name, &[("le", &le)])
            })
            .collect();
        self.sum = id(&format!("{}_sum", m.duration), &[]);
        self.count = id(&format!("{}_count", m.duration), &[]);
        self.memory = id(&m.memory, &[]);
    }

    fn request(
        &mut self,
        builder: &mut StoreBuilder,
        m: &MetricsConfig,
        labels: &Labels,
        code: &str,
    ) -> u32 {
        if let Some((_, id)) = self.requests.iter().find(|(c, _)| c == code) {
            return *id;
        }
        let id = builder.series_id(with(labels, &m.requests, &[("status", code)]));
        self.requests.push((code.to_string(), id));
        id
    }
}

fn append(builder: &mut StoreBuilder, id: u32, t: Timestamp, v: f64) {
    // The world writes each series once per timestamp, so a conflict cannot arise.
    let _ = builder.append(id, t.millis(), v);
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
pub fn scrape_pod(builder: &mut StoreBuilder, m: &MetricsConfig, pod: &mut Pod, t: Timestamp) {
    let mut ids = std::mem::take(&mut pod.series);
    ids.bind(builder, m, pod);
    for (code, v) in &pod.requests {
        let id = ids.request(builder, m, &pod.labels, code);
        append(builder, id, t, *v as f64);
    }
    let mut cumulative = 0u64;
    for (k, &id) in pod.buckets.iter().zip(&ids.buckets) {
        cumulative += k;
        append(builder, id, t, cumulative as f64);
    }
    append(builder, ids.sum, t, pod.sum);
    append(builder, ids.count, t, pod.count as f64);
    append(builder, ids.memory, t, pod.memory.round());
    pod.series = ids;
}

/// kube-state-metrics' restart counter for the pod's container, scraped at `t`.
pub fn scrape_restarts(builder: &mut StoreBuilder, m: &MetricsConfig, pod: &mut Pod, t: Timestamp) {
    let mut ids = std::mem::take(&mut pod.series);
    ids.bind(builder, m, pod);
    append(builder, ids.restarts, t, pod.restarts as f64);
    pod.series = ids;
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

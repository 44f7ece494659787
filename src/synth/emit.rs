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

/// Labels a scrape adds to a pod's own (`with`): a filter cannot judge them from the pod.
pub const SERIES_LABELS: [&str; 4] = ["__name__", "status", "le", "container"];

type LabelTest = std::sync::Arc<dyn Fn(&Labels) -> bool + Send + Sync>;

/// Which series a world writes (`World::keep_only`).
#[derive(Clone)]
pub struct SeriesFilter {
    series: LabelTest,
    pod: LabelTest,
}

impl SeriesFilter {
    /// `series` decides for one series' labels; `pod`, given a pod's labels, returns false
    /// only when `series` keeps none of the pod's series (their labels then need not be
    /// built at all). `pod` must not read the labels of [`SERIES_LABELS`].
    pub fn new(series: LabelTest, pod: LabelTest) -> SeriesFilter {
        SeriesFilter { series, pod }
    }
    pub fn keeps(&self, labels: &Labels) -> bool {
        (self.series)(labels)
    }
    /// Whether some series of a pod with these labels may be kept.
    pub fn may_keep_pod(&self, pod: &Labels) -> bool {
        (self.pod)(pod)
    }
}

impl std::fmt::Debug for SeriesFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeriesFilter")
    }
}

/// Status codes a pod's request counter can carry: always 200 and the usual errors, plus
/// any the configuration names (its `statuses` and regressions'), for `PodSeries::any`.
const USUAL_CODES: [&str; 4] = ["200", "500", "502", "503"];

/// The ids of one pod's series in one builder: label sets are built, hashed and looked up
/// on a pod's first scrape only (and when a new status code appears). `None` marks a
/// series the world's filter leaves out.
#[derive(Debug, Clone, Default)]
pub struct PodSeries {
    /// `StoreBuilder::instance` the ids belong to (0: none yet).
    builder: u64,
    requests: Vec<(String, Option<u32>)>,
    /// Cumulative buckets, the last for `+Inf`.
    buckets: Vec<Option<u32>>,
    sum: Option<u32>,
    count: Option<u32>,
    memory: Option<u32>,
    restarts: Option<u32>,
    /// Whether the filter keeps any of the pod's series (a request counter with any usual
    /// or configured status code counts).
    any: bool,
}

impl PodSeries {
    /// Whether any of the pod's series is written (true before the first `bind`).
    pub fn any(&self) -> bool {
        self.any || self.builder == 0
    }

    /// Whether the ids belong to `builder`, for a pod with `buckets` buckets.
    fn bound_to(&self, builder: &StoreBuilder, buckets: usize) -> bool {
        self.builder == builder.instance() && self.buckets.len() == buckets
    }

    /// Makes the ids belong to `builder`, looking every series of `pod` up if they did not,
    /// in the order a scrape writes them (restarts, requests, buckets, sum, count, memory).
    pub fn bind(
        &mut self,
        builder: &mut StoreBuilder,
        m: &MetricsConfig,
        pod: &Pod,
        filter: Option<&SeriesFilter>,
        codes: &[String],
    ) {
        let buckets = pod.buckets.len();
        if self.bound_to(builder, buckets) {
            return;
        }
        self.builder = builder.instance();
        if filter.is_some_and(|f| !f.may_keep_pod(&pod.labels)) {
            *self = PodSeries {
                builder: self.builder,
                buckets: vec![None; buckets],
                ..PodSeries::default()
            };
            return;
        }
        let labels = &pod.labels;
        let mut id = |labels: Labels| {
            filter
                .is_none_or(|keep| keep.keeps(&labels))
                .then(|| builder.series_id(labels))
        };
        self.restarts = id(with(labels, &m.restarts, &[("container", &m.service)]));
        self.requests.clear();
        for code in pod.requests.keys() {
            let series = id(with(labels, &m.requests, &[("status", code)]));
            self.requests.push((code.clone(), series));
        }
        let bucket_name = format!("{}_bucket", m.duration);
        self.buckets = (0..buckets)
            .map(|i| {
                let le = m
                    .buckets
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |b| format_value(*b));
                id(with(labels, &bucket_name, &[("le", &le)]))
            })
            .collect();
        self.sum = id(with(labels, &format!("{}_sum", m.duration), &[]));
        self.count = id(with(labels, &format!("{}_count", m.duration), &[]));
        self.memory = id(with(labels, &m.memory, &[]));
        let fixed = [self.restarts, self.sum, self.count, self.memory];
        self.any = fixed.iter().chain(&self.buckets).any(Option::is_some)
            || self.requests.iter().any(|(_, id)| id.is_some())
            || filter.is_none_or(|keep| {
                USUAL_CODES
                    .iter()
                    .copied()
                    .chain(codes.iter().map(String::as_str))
                    .any(|code| keep.keeps(&with(labels, &m.requests, &[("status", code)])))
            });
    }

    fn request(
        &mut self,
        builder: &mut StoreBuilder,
        m: &MetricsConfig,
        labels: &Labels,
        filter: Option<&SeriesFilter>,
        code: &str,
    ) -> Option<u32> {
        if let Some((_, id)) = self.requests.iter().find(|(c, _)| c == code) {
            return *id;
        }
        let series = with(labels, &m.requests, &[("status", code)]);
        let id = filter
            .is_none_or(|keep| keep.keeps(&series))
            .then(|| builder.series_id(series));
        self.requests.push((code.to_string(), id));
        id
    }
}

fn append(builder: &mut StoreBuilder, id: Option<u32>, t: Timestamp, v: f64) {
    if let Some(id) = id {
        // The world writes each series once per timestamp, so a conflict cannot arise.
        let _ = builder.append(id, t.millis(), v);
    }
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

/// What a scrape writes besides the pod: the metric names, the world's series filter and
/// the status codes its configuration names.
pub struct Scrape<'a> {
    pub metrics: &'a MetricsConfig,
    pub filter: Option<&'a SeriesFilter>,
    pub codes: &'a [String],
}

impl<'a> Scrape<'a> {
    pub fn new(
        metrics: &'a MetricsConfig,
        filter: Option<&'a SeriesFilter>,
        codes: &'a [String],
    ) -> Scrape<'a> {
        Scrape {
            metrics,
            filter,
            codes,
        }
    }

    /// Binds the pod's series ids to `builder` (see `PodSeries::bind`).
    pub fn bind(&self, builder: &mut StoreBuilder, pod: &mut Pod) {
        if pod.series.bound_to(builder, pod.buckets.len()) {
            return;
        }
        let mut ids = std::mem::take(&mut pod.series);
        ids.bind(builder, self.metrics, pod, self.filter, self.codes);
        pod.series = ids;
    }

    /// The application's own metrics, scraped at `t` from a pod bound to `builder`.
    fn pod_bound(&self, builder: &mut StoreBuilder, pod: &mut Pod, t: Timestamp) {
        let ids = &mut pod.series;
        let m = self.metrics;
        for (code, v) in &pod.requests {
            let id = ids.request(builder, m, &pod.labels, self.filter, code);
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
    }

    /// One scrape slot at `t` for a pod: kube-state-metrics always reports the restart
    /// counter; the pod's own scrape lands within ±`jitter` (at a time whose OpenMetrics
    /// text is exact) unless the pod is restarting or the scrape is missed.
    pub fn slot(
        &self,
        builder: &mut StoreBuilder,
        pod: &mut Pod,
        t: Timestamp,
        jitter: Duration,
        missed: f64,
    ) {
        self.bind(builder, pod);
        if !pod.series.any() {
            return; // nothing of it is written, and its streams are its own
        }
        append(builder, pod.series.restarts, t, pod.restarts as f64);
        let (j, miss) = pod.scrape_outcome(jitter.millis(), missed);
        if !(pod.down || miss) {
            let at = super::write::openmetrics_exact(t + Duration(j));
            self.pod_bound(builder, pod, at);
        }
    }
}

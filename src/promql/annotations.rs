//! Non-fatal query annotations (Prometheus `annotations` package): warnings and infos
//! returned beside a result, never as errors. Texts match Prometheus 3.x.

use std::collections::BTreeSet;

#[derive(Debug, Default, Clone)]
pub struct Annotations {
    pub warnings: BTreeSet<String>,
    pub infos: BTreeSet<String>,
}

impl Annotations {
    pub fn warn(&mut self, msg: impl AsRef<str>) {
        self.warnings
            .insert(format!("PromQL warning: {}", msg.as_ref()));
    }
    pub fn info(&mut self, msg: impl AsRef<str>) {
        self.infos.insert(format!("PromQL info: {}", msg.as_ref()));
    }
    /// `rate`/`increase` over a series that does not look like a counter: by its `__type__`
    /// label when it has one (3.x type-and-unit labels), else by its name's suffix.
    pub fn check_counter(&mut self, metric: &str, type_label: Option<&str>) {
        match type_label {
            Some(t) if t != "counter" && t != "histogram" => self.info(format!(
                "metric might not be a counter, __type__ label is not set to \"counter\" or \"histogram\", got {t:?}: {metric:?}"
            )),
            Some(_) => {}
            None if !["_total", "_sum", "_count", "_bucket"].iter().any(|s| metric.ends_with(s)) => self.info(format!(
                "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {metric:?}"
            )),
            None => {}
        }
    }
    pub fn quantile_out_of_range(&mut self, q: f64) {
        self.warn(format!(
            "quantile value should be between 0 and 1, got {}",
            super::format::go_g(q)
        ));
    }
}

/// Appends ` for metric name "x"` when the name is known, as Prometheus's `maybeAddMetricName`.
pub fn with_metric_name(msg: &str, metric: &str) -> String {
    if metric.is_empty() {
        msg.to_string()
    } else {
        format!("{msg} for metric name {metric:?}")
    }
}

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
    /// `rate`/`increase`/`irate` over a name that does not look like a counter.
    pub fn possible_non_counter(&mut self, metric: &str) {
        self.info(format!(
            "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {metric:?}"
        ));
    }
    pub fn quantile_out_of_range(&mut self, q: f64) {
        self.warn(format!(
            "quantile value should be between 0 and 1, got {}",
            super::format::go_g(q)
        ));
    }
}

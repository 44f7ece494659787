//! Argo's metric validation (`analysis::validate_metrics`, SEMANTICS §2.9) applied to one
//! manifest metric, field group by field group, so each rule reports its own problem even
//! when Argo would stop at an earlier one. The messages are Argo's, unchanged.
//!
//! Depends on `manifest` and `analysis::validate`.

use crate::analysis::{self, validate_metrics};
use crate::manifest::{IntOrString, Metric, Provider};

/// The metric as `validate_metrics` reads it: every field unset, one provider.
pub fn blank(m: &Metric) -> analysis::Metric {
    analysis::Metric::named(&m.name)
}

/// An int-or-string field as Argo's `IntValue()` reads it; `None` when unset or templated
/// (`{{args.n}}`: only the Rollout's arguments give it a value).
pub fn int(v: &Option<IntOrString>) -> Option<i64> {
    match v {
        Some(IntOrString::Str(s)) if s.contains("{{") => None,
        other => other.as_ref().map(IntOrString::int_value),
    }
}

/// Whether a field holds an `{{...}}` tag, so its value is unknown until the run is built.
pub fn templated(v: &Option<IntOrString>) -> bool {
    matches!(v, Some(IntOrString::Str(s)) if s.contains("{{"))
}

/// Whether a string field holds an `{{...}}` tag.
pub fn templated_str(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| s.contains("{{"))
}

/// Argo's message for `m`, without the `metrics[0]: ` prefix; `None` when valid.
pub fn argo_error(m: analysis::Metric) -> Option<String> {
    validate_metrics(&[m]).err().map(|e| {
        e.strip_prefix("metrics[0]: ")
            .map_or(e.clone(), str::to_string)
    })
}

/// The number of providers, as validation counts them.
pub fn provider_count(p: &Provider) -> usize {
    match p {
        Provider::None => 0,
        Provider::Multiple(names) => names.len(),
        _ => 1,
    }
}

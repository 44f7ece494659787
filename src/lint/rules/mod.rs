//! The rule registry: every rule, one line each, one file per rule.

use super::Rule;

mod support;

mod analysis_without_error_or_latency_metric;
mod condition_always_or_never_true;
mod condition_syntax_error;
mod condition_truth_table;
mod condition_type_error;
mod correlated_measurements;
mod division_without_zero_guard;
mod full_weight_without_analysis;
mod histogram_quantile_drops_le;
mod lagging_window;
mod missing_condition;
mod multiple_series_read_as_first;
mod pause_shorter_than_window;
mod promql_syntax_error;
mod query_empty_or_nan_in_data;
mod rate_on_non_counter;
mod rate_window_too_short;
mod selector_matches_no_series;
mod threshold_never_or_always_met;
mod threshold_scale_mismatch;
mod unguarded_result_index;
mod vector_compared_as_scalar;
mod whole_service_analysis;

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[
    &promql_syntax_error::PromqlSyntaxError,
    &rate_on_non_counter::RateOnNonCounter,
    &rate_window_too_short::RateWindowTooShort,
    &histogram_quantile_drops_le::HistogramQuantileDropsLe,
    &division_without_zero_guard::DivisionWithoutZeroGuard,
    &multiple_series_read_as_first::MultipleSeriesReadAsFirst,
    &condition_syntax_error::ConditionSyntaxError,
    &condition_type_error::ConditionTypeError,
    &vector_compared_as_scalar::VectorComparedAsScalar,
    &unguarded_result_index::UnguardedResultIndex,
    &missing_condition::MissingCondition,
    &threshold_scale_mismatch::ThresholdScaleMismatch,
    &condition_always_or_never_true::ConditionAlwaysOrNeverTrue,
    &whole_service_analysis::WholeServiceAnalysis,
    &pause_shorter_than_window::PauseShorterThanWindow,
    &lagging_window::LaggingWindow,
    &correlated_measurements::CorrelatedMeasurements,
    &analysis_without_error_or_latency_metric::AnalysisWithoutErrorOrLatencyMetric,
    &full_weight_without_analysis::FullWeightWithoutAnalysis,
    &condition_truth_table::ConditionTruthTable,
    &selector_matches_no_series::SelectorMatchesNoSeries,
    &query_empty_or_nan_in_data::QueryEmptyOrNanInData,
    &threshold_never_or_always_met::ThresholdNeverOrAlwaysMet,
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code() == code_or_name || r.name() == code_or_name)
}

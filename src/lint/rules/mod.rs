//! The rule registry: every rule, one line each, one file per rule. Codes RS000-RS099 are
//! structure rules (manifests as the controller validates them); RS100 and up are PromQL,
//! condition and hygiene rules.

use super::Rule;

/// The metadata half of a `Rule` impl: code, name, default severity and docs.
macro_rules! rule_meta {
    ($code:literal, $name:literal, $severity:expr, $docs:expr $(,)?) => {
        fn code(&self) -> &'static str {
            $code
        }
        fn name(&self) -> &'static str {
            $name
        }
        fn default_severity(&self) -> Severity {
            $severity
        }
        fn docs(&self) -> &'static str {
            $docs
        }
    };
}

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

mod active_service_missing;
mod canary_service_same_as_stable;
mod count_limit_inconsistent;
mod count_without_interval;
mod dry_run_rule_matches_nothing;
mod duplicate_metric_name;
mod empty_arg_value;
mod indefinite_metric_in_step_analysis;
mod interval_without_unit;
mod invalid_manifest;
mod max_surge_and_unavailable_zero;
mod pause_duration_invalid;
mod provider_not_exactly_one;
mod retention_rule_matches_nothing;
mod set_weight_out_of_range;
mod starting_step_out_of_range;
mod step_not_exactly_one_action;
mod strategy_not_exactly_one;
mod template_merge_conflict;
mod template_not_found;
mod template_without_metrics;
mod traffic_routing_option_without_router;
mod unknown_field;
mod unresolved_template_arg;

/// The pseudo-rule the driver reports files that cannot be loaded under.
pub static INVALID_MANIFEST: &dyn Rule = &invalid_manifest::InvalidManifest;

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[
    &invalid_manifest::InvalidManifest,
    &unknown_field::UnknownField,
    &template_without_metrics::TemplateWithoutMetrics,
    &duplicate_metric_name::DuplicateMetricName,
    &count_limit_inconsistent::CountLimitInconsistent,
    &count_without_interval::CountWithoutInterval,
    &interval_without_unit::IntervalWithoutUnit,
    &provider_not_exactly_one::ProviderNotExactlyOne,
    &indefinite_metric_in_step_analysis::IndefiniteMetricInStepAnalysis,
    &unresolved_template_arg::UnresolvedTemplateArg,
    &empty_arg_value::EmptyArgValue,
    &template_not_found::TemplateNotFound,
    &dry_run_rule_matches_nothing::DryRunRuleMatchesNothing,
    &retention_rule_matches_nothing::RetentionRuleMatchesNothing,
    &template_merge_conflict::TemplateMergeConflict,
    &strategy_not_exactly_one::StrategyNotExactlyOne,
    &step_not_exactly_one_action::StepNotExactlyOneAction,
    &set_weight_out_of_range::SetWeightOutOfRange,
    &pause_duration_invalid::PauseDurationInvalid,
    &starting_step_out_of_range::StartingStepOutOfRange,
    &active_service_missing::ActiveServiceMissing,
    &max_surge_and_unavailable_zero::MaxSurgeAndUnavailableZero,
    &traffic_routing_option_without_router::TrafficRoutingOptionWithoutRouter,
    &canary_service_same_as_stable::CanaryServiceSameAsStable,
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

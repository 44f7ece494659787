//! The rule registry: every rule, one line each, one file per rule. Codes RS000-RS099 are
//! structure rules (manifests as the controller validates them); RS100 and up are PromQL,
//! condition and hygiene rules.

use super::Rule;

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
mod no_metrics;
mod pause_duration_invalid;
mod provider_not_exactly_one;
mod retention_rule_matches_nothing;
mod set_weight_out_of_range;
mod starting_step_out_of_range;
mod step_not_exactly_one_action;
mod strategy_not_exactly_one;
mod template_merge_conflict;
mod template_not_found;
mod traffic_routing_option_without_router;
mod unknown_field;
mod unresolved_template_arg;

/// The pseudo-rule the driver reports files that cannot be loaded under.
pub static INVALID_MANIFEST: &dyn Rule = &invalid_manifest::InvalidManifest;

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[
    &invalid_manifest::InvalidManifest,
    &unknown_field::UnknownField,
    &no_metrics::NoMetrics,
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
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code() == code_or_name || r.name() == code_or_name)
}

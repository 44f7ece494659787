//! A metric's `MetricResult` inside an `AnalysisRun` (SEMANTICS.md §1.3), and building the
//! results from a validated spec (§2.2 step 2).
//!
//! Depends on `analysis::{spec, validate, counters, metric, run_event}`.

use crate::analysis::Phase;
use crate::analysis::counters::MetricCounters;
use crate::analysis::metric::LimitBreach;
use crate::analysis::run_event::Measurement;
use crate::analysis::spec::{DEFAULT_MEASUREMENT_RETENTION, Metric, MetricSpec};
use crate::analysis::validate::{
    MeasurementRetention, validate_dry_run, validate_measurement_retention, validate_metrics,
    validate_specs,
};

/// A metric's `MetricResult`: its spec, stored phase and message, counters and measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricResult {
    pub spec: MetricSpec,
    /// `Pending` until the first measurement (Argo has no MetricResult then), `Running` after.
    pub phase: Phase,
    /// The last measurement's message at the last phase change, or for a dry-run metric
    /// `Metric assessed <Phase> due to <limit message>`.
    pub message: String,
    /// The limit breach behind the phase, if any (`MetricCompleted.limitMessage`).
    pub limit: Option<LimitBreach>,
    pub counters: MetricCounters,
    /// Every measurement taken, oldest first. Argo trims to the retention limit; the sim keeps
    /// all (trimming never affects decisions), see [`MetricResult::retained_measurements`].
    pub measurements: Vec<Measurement>,
    /// Measurements Argo keeps in the status (default 10, `measurementRetention` overrides).
    pub retention: usize,
}

impl MetricResult {
    /// The measurements Argo's status would still hold after trimming (§2.2 step 7).
    pub fn retained_measurements(&self) -> &[Measurement] {
        let n = self.measurements.len();
        &self.measurements[n.saturating_sub(self.retention)..]
    }

    pub(crate) fn stored(&self) -> Option<(Phase, &str)> {
        (!self.measurements.is_empty()).then_some((self.phase, self.message.as_str()))
    }

    pub(crate) fn last(&self) -> Option<&Measurement> {
        self.measurements.last()
    }
}

/// Validates and resolves the spec into fresh metric results (§2.2 step 2).
pub(crate) fn build_results(
    metrics: &[Metric],
    dry_run: &[String],
    retention: &[MeasurementRetention],
) -> Result<Vec<MetricResult>, String> {
    let mut specs = validate_metrics(metrics)?;
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let dry = validate_dry_run(dry_run, &names)?;
    for (spec, dry_run) in specs.iter_mut().zip(dry) {
        spec.dry_run = dry_run;
    }
    results_from_specs(specs, retention)
}

/// Fresh results for parsed specs (their `dry_run` flags already resolved), after
/// [`validate_specs`] and the `measurementRetention` rules.
pub(crate) fn results_from_specs(
    specs: Vec<MetricSpec>,
    retention: &[MeasurementRetention],
) -> Result<Vec<MetricResult>, String> {
    validate_specs(&specs)?;
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let limits = validate_measurement_retention(retention, &names)?;
    Ok(specs
        .into_iter()
        .zip(limits)
        .map(|(spec, limit)| MetricResult {
            spec,
            phase: Phase::Pending,
            message: String::new(),
            limit: None,
            counters: MetricCounters::default(),
            measurements: Vec::new(),
            retention: limit
                .filter(|&l| l > 0)
                .map_or(DEFAULT_MEASUREMENT_RETENTION, |l| l as usize),
        })
        .collect())
}

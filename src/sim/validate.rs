//! InvalidSpec detection (SEMANTICS.md §4.4, §5, §6.1, §8.2, §8.4): spec errors that stop the
//! Rollout before it progresses at all. Pure; depends on `plan` and `message`.

use super::message;
use super::plan::{AnalysisId, RolloutPlan, Step, Strategy};
use super::weight::MAX_TRAFFIC_WEIGHT;

/// The InvalidSpec condition message, or `None` when the spec may progress.
pub fn invalid_spec(plan: &RolloutPlan) -> Option<String> {
    if let Some(e) = &plan.invalid {
        return Some(message::invalid_spec(&plan.identity.name, e));
    }
    let error = match &plan.strategy {
        Strategy::Canary(c) => c
            .steps
            .iter()
            .enumerate()
            .find_map(|(i, s)| step_error(plan, i, s)),
        Strategy::BlueGreen(b) => b
            .pre_promotion
            .into_iter()
            .chain(b.post_promotion)
            .find_map(|id| indefinite_error(plan, id)),
    }?;
    Some(message::invalid_spec(&plan.identity.name, &error))
}

fn step_error(plan: &RolloutPlan, index: usize, step: &Step) -> Option<String> {
    let path = format!("spec.strategy.canary.steps[{index}]");
    match step {
        Step::SetWeight(w) if !(0..=MAX_TRAFFIC_WEIGHT).contains(w) => Some(format!(
            "{path}.setWeight: Invalid value: {w}: SetWeight needs to be between 0 and {MAX_TRAFFIC_WEIGHT}"
        )),
        Step::Pause(Some(d)) if d.millis() < 0 => Some(format!(
            "{path}.pause.duration: Invalid value: -1: Duration needs to be greater than 0"
        )),
        Step::Analysis(id) => indefinite_error(plan, *id),
        _ => None,
    }
}

/// `AnalysisTemplate <t> has metric <m> which runs indefinitely. Invalid value for count: <c>`.
fn indefinite_error(plan: &RolloutPlan, id: AnalysisId) -> Option<String> {
    let m = plan.analysis(id)?.indefinite_metric.as_ref()?;
    Some(format!(
        "AnalysisTemplate {} has metric {} which runs indefinitely. Invalid value for count: {}",
        m.template, m.metric, m.count
    ))
}

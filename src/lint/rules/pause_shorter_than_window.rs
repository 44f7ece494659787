//! RS121 `pause-shorter-than-window`: a pause right before a step analysis, or while background
//! analysis runs, shorter than the queries' range window or than `interval × count`.

use super::support::finding;
use super::support::rollouts::{self, Use, Where};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{CanaryStep, Rollout};
use crate::model::Duration;

pub struct PauseShorterThanWindow;

impl Rule for PauseShorterThanWindow {
    rule_meta!(
        "RS121",
        "pause-shorter-than-window",
        Severity::Warning,
        "## What it does\nFor each timed `pause` of a canary: if the next step is an analysis, \
         flags a pause shorter than that analysis's longest range window (the first \
         measurement still averages mostly the previous weight); while background analysis \
         runs, flags a pause shorter than its longest window or than `interval × count` of a \
         metric (the rollout moves on before the analysis has measured this weight).\n\n\
         ## Why is this bad?\nThe analysis judges traffic from before the weight change, so a \
         canary regression at the new weight is noticed only at a later, larger weight, or not \
         at all.\n\n## Example\n```yaml\nsteps:\n  - setWeight: 20\n  - pause: {duration: 1m}\n  \
         - analysis: {templates: [{templateName: error-rate-10m}]}\n```\n\n## Use instead\n```yaml\n  \
         - pause: {duration: 10m}\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let uses = rollouts::uses(cx);
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            for (i, step) in c.steps.iter().enumerate() {
                let Some(CanaryStep::Pause { duration: Some(d) }) = step.action() else {
                    continue;
                };
                let Some(pause) = d.duration().map(|d| d.millis()) else {
                    continue;
                };
                for (what, need) in needs(r, &uses, i) {
                    if pause < need {
                        let message = format!(
                            "pause {} is shorter than {what} ({})",
                            Duration::from_millis(pause),
                            Duration::from_millis(need)
                        );
                        out.push(finding(self, &r.source.file, step.pos, None, message));
                        break;
                    }
                }
            }
        }
    }
}

/// What the analyses around pause step `i` need: (description, ms).
fn needs(r: &Rollout, uses: &[Use], i: usize) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for u in uses.iter().filter(|u| std::ptr::eq(u.rollout, r)) {
        match u.at {
            Where::Step(s) if s == i + 1 => {
                if let Some(w) = u.flat.metrics.iter().filter_map(|m| u.window(m)).max() {
                    out.push((
                        "the range window of the next step's analysis".to_string(),
                        w,
                    ));
                }
            }
            Where::Background(start) if start <= i => {
                for m in &u.flat.metrics {
                    if let Some(w) = u.window(m) {
                        out.push((
                            format!("the range window of background metric `{}`", m.name),
                            w,
                        ));
                    }
                    let count = m.count.as_ref().map_or(0, |c| c.int_value());
                    if let Some(iv) = rollouts::interval(m).filter(|_| count > 0) {
                        out.push((
                            format!("interval × count of background metric `{}`", m.name),
                            iv * count,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_short_pauses() {
        let r = PauseShorterThanWindow;
        assert_eq!(
            lines(&r, "pause-shorter-than-window/flagged.yaml"),
            vec![(10, 11), (31, 11)]
        );
        assert!(lines(&r, "pause-shorter-than-window/clean.yaml").is_empty());
    }
}

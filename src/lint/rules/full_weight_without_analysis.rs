//! RS125 `full-weight-without-analysis`: a canary that reaches 100% (a `setWeight: 100` step
//! or the end of its steps) with no step or background analysis before it.

use super::support::finding;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{CanaryStep, Pos};

pub struct FullWeightWithoutAnalysis;

impl Rule for FullWeightWithoutAnalysis {
    rule_meta!(
        "RS125",
        "full-weight-without-analysis",
        Severity::Warning,
        "## What it does\nFlags a canary strategy that reaches full weight — a `setWeight: 100` \
         step, or the end of its steps (promotion) — with no `analysis` step and no background \
         `analysis` started before that point. Experiments with analyses count as analysis.\n\n\
         ## Why is this bad?\nNothing measures the canary: a bad release is promoted to all \
         traffic unless someone watches and aborts by hand.\n\n## Example\n```yaml\nsteps:\n  \
         - setWeight: 20\n  - pause: {duration: 10m}\n```\n\n## Use instead\n```yaml\nsteps:\n  \
         - setWeight: 20\n  - analysis: {templates: [{templateName: error-rate}]}\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for r in &cx.manifests.rollouts {
            let Some(c) = &r.strategy.canary else {
                continue;
            };
            let background = c
                .analysis
                .as_ref()
                .map(|b| usize::try_from(b.starting_step.unwrap_or(0)).unwrap_or(0));
            let mut analysed = false;
            let mut at: Option<Pos> = None;
            for (i, step) in c.steps.iter().enumerate() {
                analysed |= background.is_some_and(|s| s <= i);
                for a in &step.actions {
                    match a {
                        CanaryStep::Analysis(_) => analysed = true,
                        CanaryStep::Experiment(e) if !e.analyses.is_empty() => analysed = true,
                        CanaryStep::SetWeight(100) if !analysed => at = at.or(Some(step.pos)),
                        _ => {}
                    }
                }
            }
            analysed |= background.is_some();
            let pos = match at {
                Some(p) => Some(p),
                None if !analysed => Some(c.steps.last().map_or(r.source.pos, |s| s.pos)),
                None => None,
            };
            if let Some(pos) = pos {
                let message = format!(
                    "Rollout `{}` reaches 100% with no analysis before it",
                    r.name
                );
                out.push(finding(self, &r.source.file, pos, None, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_unanalysed_promotion() {
        let r = FullWeightWithoutAnalysis;
        assert_eq!(
            lines(&r, "full-weight-without-analysis/flagged.yaml"),
            vec![(11, 11), (25, 11)]
        );
        assert!(lines(&r, "full-weight-without-analysis/clean.yaml").is_empty());
    }
}

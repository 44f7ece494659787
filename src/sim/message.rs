//! The controller's exact message strings (SEMANTICS.md §4.4–§4.8, §5, §8.4), as pure
//! functions. Depends on `runs` and `plan` for kinds.

use super::plan::RolloutIdentity;
use super::runs::RunKind;

/// `Rollout step i/N completed (<step>)`, with 1-based `i` as the controller's event shows.
pub fn step_completed(index: usize, total: usize, step: &str) -> String {
    format!("Rollout step {}/{total} completed ({step})", index + 1)
}

/// The abort reason for a Failed/Error run: `<Kind> analysis phase error/failed[: <run
/// message>]`. Mirrors Argo for experiments: the reason is the Experiment's message, which is
/// its worst run's message (`None` when empty).
pub fn analysis_failed(kind: RunKind, run_message: &str) -> Option<String> {
    let prefix = match kind {
        RunKind::Step(_) => "Step-based",
        RunKind::Background => "Background",
        RunKind::PrePromotion => "Blue/green pre-promotion",
        RunKind::PostPromotion => "Blue/green post-promotion",
        RunKind::Experiment(_) => {
            return (!run_message.is_empty()).then(|| run_message.to_string());
        }
    };
    Some(if run_message.is_empty() {
        format!("{prefix} analysis phase error/failed")
    } else {
        format!("{prefix} analysis phase error/failed: {run_message}")
    })
}

/// `Rollout aborted update to revision N[: <reason>]` (a manual abort has no reason).
pub fn rollout_aborted(revision: u32, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("Rollout aborted update to revision {revision}: {r}"),
        None => format!("Rollout aborted update to revision {revision}"),
    }
}

/// `The Rollout "<name>" is invalid: <error>`, the InvalidSpec condition message.
pub fn invalid_spec(name: &str, error: &str) -> String {
    format!("The Rollout \"{name}\" is invalid: {error}")
}

/// `Completed all N canary steps`.
pub fn completed_canary(steps: usize) -> String {
    format!("Completed all {steps} canary steps")
}

/// The AnalysisRun name (§1.6) before collision suffixes.
pub fn run_name(id: &RolloutIdentity, kind: RunKind, analysis_name: &str) -> String {
    let base = format!("{}-{}-{}", id.name, id.pod_hash, id.revision);
    match kind {
        RunKind::Step(i) => format!("{base}-{i}"),
        RunKind::Background => base,
        RunKind::PrePromotion => format!("{base}-pre"),
        RunKind::PostPromotion => format!("{base}-post"),
        RunKind::Experiment(i) => format!("{base}-{i}-{analysis_name}"),
    }
}

/// The name with the controller's `.1`, `.2` suffix when `taken` already holds it.
pub fn unique_name(base: String, taken: &[String]) -> String {
    if !taken.contains(&base) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}.{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> RolloutIdentity {
        RolloutIdentity {
            name: "web".into(),
            pod_hash: "6d4f8".into(),
            revision: 3,
        }
    }

    #[test]
    fn run_names_follow_argo() {
        let id = identity();
        assert_eq!(run_name(&id, RunKind::Step(2), "sr"), "web-6d4f8-3-2");
        assert_eq!(run_name(&id, RunKind::Background, "err"), "web-6d4f8-3");
        assert_eq!(run_name(&id, RunKind::PrePromotion, "x"), "web-6d4f8-3-pre");
        assert_eq!(
            run_name(&id, RunKind::PostPromotion, "x"),
            "web-6d4f8-3-post"
        );
        assert_eq!(
            run_name(&id, RunKind::Experiment(1), "smoke"),
            "web-6d4f8-3-1-smoke"
        );
        let taken = vec!["web-6d4f8-3".to_string(), "web-6d4f8-3.1".to_string()];
        assert_eq!(unique_name("web-6d4f8-3".into(), &taken), "web-6d4f8-3.2");
        assert_eq!(unique_name("web-6d4f8-3-0".into(), &taken), "web-6d4f8-3-0");
    }

    #[test]
    fn abort_messages() {
        assert_eq!(
            rollout_aborted(
                3,
                analysis_failed(RunKind::Step(2), "Metric \"sr\" x").as_deref()
            ),
            "Rollout aborted update to revision 3: Step-based analysis phase error/failed: Metric \"sr\" x"
        );
        assert_eq!(
            analysis_failed(RunKind::Background, "").as_deref(),
            Some("Background analysis phase error/failed")
        );
        assert_eq!(
            analysis_failed(RunKind::PostPromotion, "m").as_deref(),
            Some("Blue/green post-promotion analysis phase error/failed: m")
        );
        assert_eq!(
            analysis_failed(RunKind::Experiment(1), "m").as_deref(),
            Some("m")
        );
        assert_eq!(
            rollout_aborted(7, None),
            "Rollout aborted update to revision 7"
        );
        assert_eq!(
            step_completed(0, 5, "setWeight: 20"),
            "Rollout step 1/5 completed (setWeight: 20)"
        );
    }
}

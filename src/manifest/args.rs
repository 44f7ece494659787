//! Building an AnalysisRun's spec from a Rollout's analysis reference (SEMANTICS.md §1.4,
//! §1.6, §11.4): flattening templates and resolving arguments, with Argo's messages.
//!
//! Depends on `manifest::types`.

use super::types::{
    AnalysisTemplate, Argument, DryRun, Manifests, MeasurementRetention, Metric, RolloutAnalysis,
    TemplateKind, TemplateRef,
};

/// A spec problem found while building the run; the message is the controller's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AnalysisSpecError(pub String);

/// The referenced templates flattened into one spec, as the controller builds an AnalysisRun.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlatAnalysis {
    /// Templates used, in flattening order (namespaced first, then cluster).
    pub templates: Vec<(TemplateKind, String)>,
    pub metrics: Vec<Metric>,
    /// Template args merged by name (not yet merged with the Rollout's args).
    pub args: Vec<Argument>,
    /// Template rules followed by the Rollout's.
    pub dry_run: Vec<DryRun>,
    pub measurement_retention: Vec<MeasurementRetention>,
}

/// Flattens the templates `analysis` references, found in `manifests`.
///
/// Mirrors Argo: namespaced templates first, then cluster templates, each in reference order;
/// nested `templates` come after their parent; a template referenced twice is kept once.
pub fn flatten(
    analysis: &RolloutAnalysis,
    manifests: &Manifests,
) -> Result<FlatAnalysis, AnalysisSpecError> {
    let (mut namespaced, mut cluster) = (Vec::new(), Vec::new());
    collect(
        &analysis.templates,
        manifests,
        &mut namespaced,
        &mut cluster,
    )?;
    let mut flat = FlatAnalysis::default();
    for t in namespaced.iter().chain(&cluster) {
        flat.templates.push((t.kind, t.name.clone()));
        for m in &t.spec.metrics {
            if flat.metrics.iter().any(|x| x.name == m.name) {
                return Err(AnalysisSpecError(format!(
                    "two metrics have the same name '{}'",
                    m.name
                )));
            }
            flat.metrics.push(m.clone());
        }
        for a in &t.spec.args {
            merge_template_arg(&mut flat.args, a)?;
        }
        flat.dry_run.extend(t.spec.dry_run.iter().cloned());
        flat.measurement_retention
            .extend(t.spec.measurement_retention.iter().cloned());
    }
    flat.dry_run.extend(analysis.dry_run.iter().cloned());
    flat.measurement_retention
        .extend(analysis.measurement_retention.iter().cloned());
    if let Some(name) = first_duplicate(flat.dry_run.iter().map(|d| &d.metric_name)) {
        return Err(AnalysisSpecError(format!(
            "two Dry-Run metric rules have the same name '{name}'"
        )));
    }
    let retention_names = flat.measurement_retention.iter().map(|d| &d.metric_name);
    if let Some(name) = first_duplicate(retention_names) {
        return Err(AnalysisSpecError(format!(
            "two Measurement Retention metric rules have the same name '{name}'"
        )));
    }
    Ok(flat)
}

fn collect<'a>(
    refs: &[TemplateRef],
    manifests: &'a Manifests,
    namespaced: &mut Vec<&'a AnalysisTemplate>,
    cluster: &mut Vec<&'a AnalysisTemplate>,
) -> Result<(), AnalysisSpecError> {
    for r in refs {
        let (pool, list, kind) = if r.cluster_scope {
            (
                &manifests.cluster_analysis_templates,
                &mut *cluster,
                "ClusterAnalysisTemplate",
            )
        } else {
            (
                &manifests.analysis_templates,
                &mut *namespaced,
                "AnalysisTemplate",
            )
        };
        let template = pool
            .iter()
            .find(|t| t.name == r.template_name)
            .ok_or_else(|| AnalysisSpecError(format!("{kind} '{}' not found", r.template_name)))?;
        if list.iter().any(|t| t.name == template.name) {
            continue;
        }
        list.push(template);
        collect(&template.spec.templates, manifests, namespaced, cluster)?;
    }
    Ok(())
}

/// Argo's `flattenArgs`: same name with two different non-nil values is an error; a nil value
/// never replaces a set one.
fn merge_template_arg(args: &mut Vec<Argument>, new: &Argument) -> Result<(), AnalysisSpecError> {
    match args.iter_mut().find(|a| a.name == new.name) {
        None => args.push(new.clone()),
        Some(prev) => {
            if let (Some(a), Some(b)) = (&prev.value, &new.value)
                && a != b
            {
                return Err(AnalysisSpecError(format!(
                    "Argument `{}` specified multiple times with different values: '{a}', '{b}'",
                    new.name
                )));
            }
            if prev.value.is_none() {
                *prev = new.clone();
            }
        }
    }
    Ok(())
}

fn first_duplicate<'a>(names: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().find(|n| !seen.insert(*n))
}

/// Arguments after merging, ready for `render_metric`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvedArgs {
    pub args: Vec<Argument>,
    /// Rollout args and overrides naming an argument no template declares (Argo drops them).
    pub ignored: Vec<String>,
}

impl ResolvedArgs {
    /// Args whose only source is a `valueFrom` that cannot be read offline (secret, field
    /// reference, pod template hash); the simulator warns naming them.
    pub fn unresolved(&self) -> Vec<&str> {
        self.args
            .iter()
            .filter(|a| a.value.is_none())
            .map(|a| a.name.as_str())
            .collect()
    }
}

/// Merges template args (`template_args`, from `flatten`) with the Rollout's args and the
/// user's overrides (`--arg`, scenario `args:`), then checks every arg has a source.
///
/// Mirrors Argo's `MergeArgs`: only names the template declares are used; a Rollout arg's
/// value (always a string, `""` when omitted) replaces the template's, or else its `valueFrom`.
/// Overrides take precedence over everything and replace any `valueFrom` (§11.4).
pub fn resolve_args(
    template_args: &[Argument],
    rollout_args: &[Argument],
    overrides: &[(String, String)],
) -> Result<ResolvedArgs, AnalysisSpecError> {
    let mut out = ResolvedArgs {
        args: template_args.to_vec(),
        ignored: Vec::new(),
    };
    for arg in rollout_args {
        let Some(slot) = out.args.iter_mut().find(|a| a.name == arg.name) else {
            out.ignored.push(arg.name.clone());
            continue;
        };
        // The controller resolves a Rollout arg's valueFrom itself; offline it stays unread.
        match &arg.value_from {
            Some(from) => {
                slot.value = None;
                slot.value_from = Some(from.clone());
            }
            None => slot.value = Some(arg.value.clone().unwrap_or_default()),
        }
    }
    for (name, value) in overrides {
        match out.args.iter_mut().find(|a| &a.name == name) {
            Some(slot) => {
                slot.value = Some(value.clone());
                slot.value_from = None;
            }
            None => out.ignored.push(name.clone()),
        }
    }
    if let Some(a) = out
        .args
        .iter()
        .find(|a| a.value.is_none() && a.value_from.is_none())
    {
        return Err(AnalysisSpecError(format!(
            "args.{} was not resolved",
            a.name
        )));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;

//! Turns a Rollout's analysis reference into what one AnalysisRun needs: templates
//! flattened, arguments merged (with `--arg`/scenario overrides first, SEMANTICS.md §11.4),
//! every metric rendered.
//!
//! Mirrors the controller's split of failures: a missing template, a merge conflict or an arg
//! that nothing supplies makes the Rollout InvalidSpec (§8.4); a tag that cannot be rendered
//! makes the run `Error` with `Unable to resolve metric arguments: ...` (§2.2).

use crate::analysis::{self, effective_count};
use crate::manifest::{
    self, Manifests, RolloutAnalysis, TemplateKind, flatten, render_metric, resolve_args,
};

/// One analysis, ready to be run any number of times.
#[derive(Debug, Clone)]
pub struct PreparedAnalysis {
    /// Template names joined with `,`.
    pub name: String,
    /// Metrics after argument substitution (as written when rendering failed).
    pub metrics: Vec<manifest::Metric>,
    pub dry_run: Vec<String>,
    pub retention: Vec<analysis::MeasurementRetention>,
    /// Resolved `(name, value)` pairs (`""` for values that cannot be read offline).
    pub args: Vec<(String, String)>,
    /// Args whose value comes from a `valueFrom` rollsim cannot read and no override gave.
    pub unresolved: Vec<String>,
    /// Set when substitution failed: the run ends `Error` with this message.
    pub run_error: Option<String>,
    /// `(template, metric, count as written)` of a metric without an effective count.
    pub indefinite: Option<(String, String, String)>,
}

impl PreparedAnalysis {
    /// Stands in for an analysis whose preparation failed (the Rollout is InvalidSpec and
    /// never runs it).
    pub fn empty(name: &str) -> Self {
        PreparedAnalysis {
            name: name.to_string(),
            metrics: Vec::new(),
            dry_run: Vec::new(),
            retention: Vec::new(),
            args: Vec::new(),
            unresolved: Vec::new(),
            run_error: None,
            indefinite: None,
        }
    }
}

/// The Rollout-level failure (InvalidSpec message) or the prepared analysis.
pub fn prepare(
    analysis: &RolloutAnalysis,
    manifests: &Manifests,
    overrides: &[(String, String)],
) -> Result<PreparedAnalysis, String> {
    let flat = flatten(analysis, manifests).map_err(|e| e.to_string())?;
    let resolved =
        resolve_args(&flat.args, &analysis.args, overrides).map_err(|e| e.to_string())?;
    let unresolved: Vec<String> = resolved
        .unresolved()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut run_error = None;
    let mut metrics = Vec::with_capacity(flat.metrics.len());
    for m in &flat.metrics {
        match render_metric(m, &resolved.args) {
            Ok(r) => metrics.push(r),
            Err(e) => {
                run_error.get_or_insert(format!("Unable to resolve metric arguments: {e}"));
                metrics.push(m.clone());
            }
        }
    }
    let indefinite = metrics
        .iter()
        .find_map(|m| indefinite(m, &flat.templates, manifests));
    Ok(PreparedAnalysis {
        name: flat
            .templates
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(","),
        dry_run: flat.dry_run.iter().map(|d| d.metric_name.clone()).collect(),
        retention: flat.measurement_retention.clone(),
        args: resolved
            .args
            .iter()
            .map(|a| (a.name.clone(), a.value.clone().unwrap_or_default()))
            .collect(),
        unresolved,
        run_error,
        indefinite,
        metrics,
    })
}

/// A metric with an interval but no count runs until terminated (§1.2 EffectiveCount).
fn indefinite(
    m: &manifest::Metric,
    templates: &[(TemplateKind, String)],
    manifests: &Manifests,
) -> Option<(String, String, String)> {
    let interval = m.interval.as_deref().filter(|s| !s.is_empty());
    let count = m.count.as_ref().map(|c| c.int_value());
    let interval = interval.map(|_| crate::model::Duration::from_secs(1));
    if effective_count(count, interval).is_some() {
        return None;
    }
    let owner = templates
        .iter()
        .find(|(kind, name)| template_has_metric(manifests, *kind, name, &m.name))
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let written = match &m.count {
        None => String::new(),
        Some(manifest::IntOrString::Int(i)) => i.to_string(),
        Some(manifest::IntOrString::Str(s)) => s.clone(),
    };
    Some((owner, m.name.clone(), written))
}

fn template_has_metric(
    manifests: &Manifests,
    kind: TemplateKind,
    name: &str,
    metric: &str,
) -> bool {
    let list = match kind {
        TemplateKind::AnalysisTemplate => &manifests.analysis_templates,
        TemplateKind::ClusterAnalysisTemplate => &manifests.cluster_analysis_templates,
    };
    list.iter()
        .any(|t| t.name == name && t.spec.metrics.iter().any(|x| x.name == metric))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: sr}\nspec:\n  args:\n  - name: service\n  - name: token\n    valueFrom: {secretKeyRef: {name: s, key: k}}\n  metrics:\n  - name: success-rate\n    interval: 1m\n    count: 3\n    successCondition: result[0] >= 0.99\n    provider:\n      prometheus:\n        query: 'sum(up{service=\"{{args.service}}\"})'\n";

    fn analysis(args: &str) -> RolloutAnalysis {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {{name: r}}\nspec:\n  strategy:\n    canary:\n      steps:\n      - analysis:\n          templates: [{{templateName: sr}}]\n          args: {args}\n"
        );
        let m = manifest::load_str(&text, "r.yaml").unwrap();
        let step = &m.rollouts[0].strategy.canary.as_ref().unwrap().steps[0];
        match step.action() {
            Some(manifest::CanaryStep::Analysis(a)) => a.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn renders_with_rollout_args_and_overrides() {
        let templates = manifest::load_str(TEMPLATE, "t.yaml").unwrap();
        let a = analysis("[{name: service, value: checkout}]");
        // A secret rollsim cannot read leaves `token` unsupplied, which fails substitution
        // of every metric, even those that do not use it (SEMANTICS.md §1.4).
        let p = prepare(&a, &templates, &[]).unwrap();
        assert_eq!(p.unresolved, vec!["token".to_string()]);
        assert_eq!(
            p.run_error.as_deref(),
            Some("Unable to resolve metric arguments: argument \"token\" was not supplied")
        );
        let p = prepare(
            &a,
            &templates,
            &[
                ("token".into(), "x".into()),
                ("service".into(), "cart".into()),
            ],
        )
        .unwrap();
        assert!(p.run_error.is_none() && p.unresolved.is_empty());
        match &p.metrics[0].provider {
            manifest::Provider::Prometheus(q) => assert_eq!(q.query, "sum(up{service=\"cart\"})"),
            other => panic!("{other:?}"),
        }
        assert_eq!(p.indefinite, None);
    }

    #[test]
    fn missing_args_and_templates_are_invalid_spec() {
        let templates = manifest::load_str(TEMPLATE, "t.yaml").unwrap();
        let e = prepare(&analysis("[]"), &templates, &[("token".into(), "x".into())]).unwrap_err();
        assert_eq!(e, "args.service was not resolved");
        let e = prepare(&analysis("[]"), &Manifests::default(), &[]).unwrap_err();
        assert!(e.contains("not found"), "{e}");
    }

    #[test]
    fn finds_indefinite_metrics() {
        let text = TEMPLATE.replace("    count: 3\n", "");
        let templates = manifest::load_str(&text, "t.yaml").unwrap();
        let p = prepare(&analysis("[{name: service, value: a}]"), &templates, &[]).unwrap();
        assert_eq!(
            p.indefinite,
            Some(("sr".into(), "success-rate".into(), String::new()))
        );
    }
}

//! The patched YAML of a candidate: the metrics it changed (only the changed fields, with
//! `name` to find them) per template, and the Rollout's steps when it changed them, ready to
//! paste over the manifests.
//!
//! Depends on `manifest`.

use crate::manifest::{
    AnalysisTemplate, CanaryStep, IntOrString, Manifests, Metric, PauseDuration, Provider, Step,
    TemplateKind,
};

/// The changes from `original` to `patched` as commented YAML documents; empty when none.
pub fn render(original: &Manifests, patched: &Manifests) -> String {
    let mut docs = Vec::new();
    let templates = |m: &Manifests| -> Vec<AnalysisTemplate> {
        m.analysis_templates
            .iter()
            .chain(&m.cluster_analysis_templates)
            .cloned()
            .collect()
    };
    for (o, p) in templates(original).iter().zip(templates(patched).iter()) {
        let changed: Vec<String> = o
            .spec
            .metrics
            .iter()
            .zip(&p.spec.metrics)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| metric_diff(a, b))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let kind = match o.kind {
            TemplateKind::AnalysisTemplate => "AnalysisTemplate",
            TemplateKind::ClusterAnalysisTemplate => "ClusterAnalysisTemplate",
        };
        docs.push(format!(
            "# {kind} {} ({}): changed fields of these metrics\nspec:\n  metrics:\n{}",
            o.name,
            o.source.file,
            changed.concat()
        ));
    }
    for (o, p) in original.rollouts.iter().zip(&patched.rollouts) {
        let (Some(a), Some(b)) = (&o.strategy.canary, &p.strategy.canary) else {
            continue;
        };
        if a.steps != b.steps {
            docs.push(format!(
                "# Rollout {} ({}): spec.strategy.canary.steps\n{}",
                o.name,
                o.source.file,
                steps(&b.steps)
            ));
        }
    }
    docs.join("---\n")
}

fn metric_diff(a: &Metric, b: &Metric) -> String {
    let mut s = format!("    - name: {}\n", scalar(&b.name));
    let text = |x: &Option<String>| x.clone().unwrap_or_default();
    let int = |x: &Option<IntOrString>| match x {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::Str(t)) => scalar(t),
        None => String::new(),
    };
    let fields = [
        ("interval", text(&a.interval), text(&b.interval)),
        (
            "initialDelay",
            text(&a.initial_delay),
            text(&b.initial_delay),
        ),
        ("count", int(&a.count), int(&b.count)),
        ("failureLimit", int(&a.failure_limit), int(&b.failure_limit)),
        (
            "inconclusiveLimit",
            int(&a.inconclusive_limit),
            int(&b.inconclusive_limit),
        ),
        (
            "consecutiveErrorLimit",
            int(&a.consecutive_error_limit),
            int(&b.consecutive_error_limit),
        ),
        (
            "consecutiveSuccessLimit",
            int(&a.consecutive_success_limit),
            int(&b.consecutive_success_limit),
        ),
        (
            "successCondition",
            text(&a.success_condition),
            scalar(&text(&b.success_condition)),
        ),
        (
            "failureCondition",
            text(&a.failure_condition),
            scalar(&text(&b.failure_condition)),
        ),
    ];
    for (name, old, new) in fields {
        let plain_old = if name.ends_with("Condition") {
            scalar(&old)
        } else {
            old
        };
        if plain_old != new {
            s.push_str(&format!("      {name}: {new}\n"));
        }
    }
    if let (Provider::Prometheus(pa), Provider::Prometheus(pb)) = (&a.provider, &b.provider)
        && pa.query != pb.query
    {
        s.push_str("      provider:\n        prometheus:\n          query: |\n");
        for line in pb.query.trim_end().lines() {
            s.push_str(&format!("            {line}\n"));
        }
    }
    s
}

fn steps(steps: &[Step]) -> String {
    let mut s = String::from("spec:\n  strategy:\n    canary:\n      steps:\n");
    for (i, step) in steps.iter().enumerate() {
        let line = match step.action() {
            Some(CanaryStep::SetWeight(w)) => format!("setWeight: {w}"),
            Some(CanaryStep::Pause { duration: None }) => "pause: {}".into(),
            Some(CanaryStep::Pause {
                duration: Some(PauseDuration::Seconds(n)),
            }) => format!("pause: {{duration: {n}}}"),
            Some(CanaryStep::Pause {
                duration: Some(PauseDuration::Text(t)),
            }) => format!("pause: {{duration: {}}}", scalar(t)),
            _ => format!("# steps[{i}] unchanged: keep it as written"),
        };
        if line.starts_with('#') {
            s.push_str(&format!("        {line}\n"));
        } else {
            s.push_str(&format!("        - {line}\n"));
        }
    }
    s
}

/// A YAML scalar: plain when it reads back as the same string, single-quoted otherwise.
pub fn scalar(s: &str) -> String {
    let special_start = s
        .chars()
        .next()
        .is_none_or(|c| "-?:,[]{}#&*!|>'\"%@` ".contains(c));
    let ambiguous = s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(' ')
        || s.contains('\n')
        || matches!(s, "true" | "false" | "null" | "~" | "yes" | "no")
        || s.parse::<f64>().is_ok();
    if special_start || ambiguous {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::grid::Candidate;
    use super::super::patch::{self, tests::TEMPLATES};
    use super::*;

    fn render_with(settings: &[&str]) -> String {
        let m = crate::manifest::load_str(TEMPLATES, "all.yaml").unwrap();
        let c = Candidate::parse(settings).unwrap();
        render(&m, &patch::apply(&m, &c).unwrap())
    }

    #[test]
    fn prints_only_what_changed() {
        assert_eq!(render_with(&[]), "");
        assert_eq!(
            render_with(&["sr.threshold=0.995", "sr.failureLimit=1"]),
            "# AnalysisTemplate t (all.yaml): changed fields of these metrics\n\
             spec:\n  metrics:\n    - name: sr\n      failureLimit: 1\n      \
             successCondition: len(result) > 0 && result[0] >= 0.995\n"
        );
        assert_eq!(
            render_with(&["sr.window=5m", "pause[0]=10m"]),
            "# AnalysisTemplate t (all.yaml): changed fields of these metrics\n\
             spec:\n  metrics:\n    - name: sr\n      provider:\n        prometheus:\n          \
             query: |\n            sum(rate(x{s=~\"[45]..\"}[5m])) / sum(rate(x[5m]))\n\
             ---\n# Rollout r (all.yaml): spec.strategy.canary.steps\n\
             spec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n        \
             - pause: {duration: 10m}\n        - setWeight: 50\n        - pause: {duration: 5m}\n"
        );
    }

    #[test]
    fn quotes_scalars_that_need_it() {
        let table = [
            ("result[0] >= 0.99", "result[0] >= 0.99"),
            ("{{args.x}} > 1", "'{{args.x}} > 1'"),
            ("a: b", "'a: b'"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("0.5", "'0.5'"),
            ("", "''"),
        ];
        for (s, want) in table {
            assert_eq!(scalar(s), want, "{s}");
        }
    }
}

//! RS009 unresolved-template-arg: a `{{args.x}}` the template does not declare, or a
//! template argument without a default that the referencing Rollout does not supply.

use crate::lint::analysis_refs::{all_templates, analysis_refs, template_scope};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::{
    AnalysisTemplate, IntOrString, Metric, Node, Pos, Provider, Value, flatten, resolve_args,
};

pub struct UnresolvedTemplateArg;

impl Rule for UnresolvedTemplateArg {
    rule_meta!("RS009", "unresolved-template-arg", Severity::Error, DOCS);
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for t in all_templates(cx.manifests) {
            self.check_tags(cx, t, out);
        }
        for r in analysis_refs(cx.manifests) {
            let Ok(flat) = flatten(r.analysis, r.manifests()) else {
                continue;
            };
            for a in &flat.args {
                if a.value.is_some() || a.value_from.is_some() {
                    continue;
                }
                if r.analysis.args.iter().any(|ra| ra.name == a.name) {
                    continue;
                }
                let Err(e) = resolve_args(std::slice::from_ref(a), &[], &[]) else {
                    continue;
                };
                let pos = cx.locate(&r.rollout.source, &r.path);
                let message = format!(
                    "Rollout '{}' {}: {e}: the template declares `{}` without a default and \
                     the Rollout does not supply it",
                    r.rollout.name, r.path, a.name
                );
                out.push(Finding::new(self, &r.rollout.source.file, pos, message));
            }
        }
    }
}

impl UnresolvedTemplateArg {
    /// Every `{{tag}}` in the template's metrics that is not a declared `args.NAME`.
    fn check_tags(&self, cx: &LintContext, t: &AnalysisTemplate, out: &mut Vec<Finding>) {
        let (_, args) = template_scope(t, cx.manifests);
        let declared: Vec<String> = args.into_iter().map(|a| a.name).collect();
        for m in &t.spec.metrics {
            for (text, pos) in fields(m) {
                for tag in tags(&text) {
                    let known = tag
                        .strip_prefix("args.")
                        .is_some_and(|n| declared.iter().any(|d| d == n));
                    if known {
                        continue;
                    }
                    let hint = match tag.strip_prefix("args.") {
                        Some(n) => format!("the template declares no argument `{n}`"),
                        None => "only `{{args.NAME}}` tags can be resolved".to_string(),
                    };
                    let message = format!(
                        "metric '{}': failed to resolve {{{{{tag}}}}}: {hint}",
                        m.name
                    );
                    let mut f = Finding::new(self, &t.source.file, pos, message);
                    // The tag itself when it is written verbatim after the field's start.
                    if let Some((start, end)) = cx.find_after(&t.source.file, pos, &tag) {
                        f.line = start.line;
                        f.column = start.column;
                        f.end_line = Some(end.line);
                        f.end_column = Some(end.column);
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// The trimmed contents of every `{{...}}` in `text`.
fn tags(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push(rest[start + 2..start + 2 + len].trim().to_string());
        rest = &rest[start + 4 + len..];
    }
    out
}

/// Every templatable string of a metric with the narrowest known position.
fn fields(m: &Metric) -> Vec<(String, Pos)> {
    let at = |p: Option<Pos>| p.unwrap_or(m.spans.metric);
    let ios = |v: &Option<IntOrString>| match v {
        Some(IntOrString::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let mut out = vec![(m.name.clone(), at(m.spans.name))];
    let strings = [
        (m.interval.clone(), m.spans.interval),
        (m.initial_delay.clone(), m.spans.initial_delay),
        (ios(&m.count), m.spans.count),
        (m.success_condition.clone(), m.spans.success_condition),
        (m.failure_condition.clone(), m.spans.failure_condition),
        (ios(&m.failure_limit), m.spans.failure_limit),
        (ios(&m.inconclusive_limit), None),
        (ios(&m.consecutive_error_limit), None),
        (ios(&m.consecutive_success_limit), None),
    ];
    out.extend(strings.into_iter().filter_map(|(s, p)| Some((s?, at(p)))));
    match &m.provider {
        Provider::Prometheus(p) => {
            out.push((p.query.clone(), at(m.spans.query)));
            let rest = p.address.iter().chain(p.headers.iter().map(|h| &h.value));
            out.extend(rest.map(|s| (s.clone(), at(None))));
            if let Some(q) = &p.range_query {
                for s in [&q.start, &q.end, &q.step] {
                    out.push((s.clone(), at(None)));
                }
            }
        }
        Provider::Other { raw, .. } => node_strings(raw, &mut out),
        Provider::None | Provider::Multiple(_) => {}
    }
    out
}

fn node_strings(n: &Node, out: &mut Vec<(String, Pos)>) {
    match &n.value {
        Value::Str(s) => out.push((s.clone(), n.pos)),
        Value::Seq(items) => items.iter().for_each(|i| node_strings(i, out)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| node_strings(v, out)),
        _ => {}
    }
}

const DOCS: &str = "\
## What it does
Flags an `{{args.x}}` (or any other `{{...}}` tag) that the template does not declare, and,
for each Rollout analysis, a template argument with no default that the Rollout does not
supply. A template linted on its own may leave arguments without a value: the Rollout
supplies them.

## Why is this bad?
An undeclared tag makes every measurement fail (`failed to resolve {{args.x}}`), so the run
ends in Error. An argument nobody supplies makes the Rollout InvalidSpec (`args.x was not
resolved`): no progress at all.

## Example
```yaml
kind: AnalysisTemplate
spec:
  args:
  - name: service
  metrics:
  - provider:
      prometheus:
        query: rate(http_requests_total{service=\"{{args.service-name}}\"}[5m])
```

## Use instead
Use the declared name (`{{args.service}}`), and supply every argument without a default in
the Rollout's `analysis.args`.
";

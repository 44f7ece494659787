//! Every metric of every linted template, with its query and conditions rendered for linting
//! (`{{args.x}}` replaced by the template's default value or a placeholder) and a way to map
//! byte offsets of the rendered text back to file line/column.
//!
//! Depends on `manifest` and `support::position`.

use super::position::scalar_pos;
use crate::lint::LintContext;
use crate::manifest::{AnalysisTemplate, Argument, Metric, Pos, Provider};

/// One field (query or condition) as linted: rendered text and a map back to the source.
pub struct Field {
    /// Text with args substituted.
    pub text: String,
    /// The field as written.
    pub original: String,
    /// Where the scalar was written.
    pub pos: Option<Pos>,
    /// Whether some `{{...}}` had no default value and got the placeholder.
    pub placeholder_used: bool,
    /// Substitutions: (rendered start, rendered len, original start, original len).
    subs: Vec<(usize, usize, usize, usize)>,
}

impl Field {
    /// Renders `original`, substituting each `{{args.x}}` by the arg's default or `placeholder`.
    pub fn render(original: &str, pos: Option<Pos>, args: &[Argument], placeholder: &str) -> Field {
        let mut text = String::new();
        let mut subs = Vec::new();
        let mut placeholder_used = false;
        let mut i = 0;
        while let Some(s) = original[i..].find("{{").map(|s| s + i) {
            let Some(e) = original[s..].find("}}").map(|e| e + s + 2) else {
                break;
            };
            text.push_str(&original[i..s]);
            let tag = original[s + 2..e - 2].trim();
            let value = tag
                .strip_prefix("args.")
                .and_then(|n| args.iter().find(|a| a.name == n))
                .and_then(|a| a.value.as_deref())
                .unwrap_or_else(|| {
                    placeholder_used = true;
                    let in_range = original[..s].trim_end().ends_with('[')
                        || original[e..].trim_start().starts_with(']');
                    if in_range && placeholder == "ARG" {
                        "5m"
                    } else {
                        placeholder
                    }
                });
            subs.push((text.len(), value.len(), s, e - s));
            text.push_str(value);
            i = e;
        }
        text.push_str(&original[i..]);
        Field {
            text,
            original: original.to_string(),
            pos,
            placeholder_used,
            subs,
        }
    }

    /// Whether the rendered span overlaps a substituted tag.
    pub fn span_templated(&self, span: (usize, usize)) -> bool {
        self.subs
            .iter()
            .any(|&(rs, rl, _, _)| span.0 < rs + rl && rs < span.1)
    }

    /// Offset in the original text of a rendered offset.
    pub fn original_offset(&self, r: usize) -> usize {
        let mut delta: isize = 0;
        for &(rs, rl, os, ol) in &self.subs {
            if r < rs {
                break;
            }
            if r < rs + rl {
                return os;
            }
            delta = (os + ol) as isize - (rs + rl) as isize;
        }
        (r as isize + delta).max(0) as usize
    }

    /// File position of a rendered offset (the field's own position if unknown).
    pub fn file_pos(&self, source: Option<&str>, r: usize) -> Pos {
        let at = self.pos.unwrap_or_default();
        match source {
            Some(src) => scalar_pos(src, at, &self.original, self.original_offset(r)),
            None => at,
        }
    }
}

/// One metric of one template.
pub struct Site<'a> {
    pub file: &'a str,
    pub source: Option<&'a str>,
    pub template: &'a AnalysisTemplate,
    pub metric: &'a Metric,
}

impl<'a> Site<'a> {
    /// The Prometheus query, rendered with placeholder `ARG`.
    pub fn query(&self) -> Option<Field> {
        match &self.metric.provider {
            Provider::Prometheus(p) => Some(Field::render(
                &p.query,
                self.metric.spans.query,
                &self.template.spec.args,
                "ARG",
            )),
            _ => None,
        }
    }

    /// `successCondition` and `failureCondition` (when set and non-empty), rendered with
    /// placeholder `1`, labelled with their field names.
    pub fn conditions(&self) -> Vec<(&'static str, Field)> {
        let m = self.metric;
        [
            (
                "successCondition",
                &m.success_condition,
                m.spans.success_condition,
            ),
            (
                "failureCondition",
                &m.failure_condition,
                m.spans.failure_condition,
            ),
        ]
        .into_iter()
        .filter_map(|(k, c, p)| {
            let c = c.as_deref().filter(|c| !c.trim().is_empty())?;
            Some((k, Field::render(c, p, &self.template.spec.args, "1")))
        })
        .collect()
    }

    /// The metric's own position (its `name` when known).
    pub fn pos(&self) -> Pos {
        self.metric.spans.name.unwrap_or(self.metric.spans.metric)
    }
}

/// Every metric of every template, in file order.
pub fn sites<'a>(cx: &'a LintContext) -> Vec<Site<'a>> {
    let m = cx.manifests;
    m.analysis_templates
        .iter()
        .chain(&m.cluster_analysis_templates)
        .flat_map(|t| {
            t.spec.metrics.iter().map(move |metric| Site {
                file: &t.source.file,
                source: cx.source(&t.source.file),
                template: t,
                metric,
            })
        })
        .collect()
}

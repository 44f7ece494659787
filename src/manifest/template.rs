//! `{{args.NAME}}` substitution over a metric (SEMANTICS.md §1.4 step 4), with Argo's error
//! texts and its "last unresolved tag in JSON field order" rule.
//!
//! Depends on `manifest::types` and `manifest::node`.

use super::node::{Node, Value};
use super::types::{Argument, Header, IntOrString, Metric, Provider, RangeQuery};
use std::collections::HashMap;

/// Substitutes `args` into every string field of `metric`.
///
/// Mirrors Argo, which templates the metric serialized as JSON: every arg must have a value
/// (`argument "x" was not supplied`, even if unused); any other `{{tag}}` fails with
/// `failed to resolve {{tag}}`, and with several failures the last one in JSON field order is
/// reported. Argo JSON-escapes values before insertion into the JSON text; on decoded strings
/// that is the same as inserting the value as is.
pub fn render_metric(metric: &Metric, args: &[Argument]) -> Result<Metric, String> {
    let mut map = HashMap::new();
    for a in args {
        let Some(v) = &a.value else {
            return Err(format!("argument \"{}\" was not supplied", a.name));
        };
        map.insert(format!("args.{}", a.name), v.as_str());
    }
    let mut r = Renderer {
        args: &map,
        last_error: None,
    };
    // Field order is Go's `Metric` JSON order.
    let out = Metric {
        name: r.str(&metric.name),
        interval: r.opt(&metric.interval),
        initial_delay: r.opt(&metric.initial_delay),
        count: r.int_or_string(&metric.count),
        success_condition: r.opt(&metric.success_condition),
        failure_condition: r.opt(&metric.failure_condition),
        failure_limit: r.int_or_string(&metric.failure_limit),
        inconclusive_limit: r.int_or_string(&metric.inconclusive_limit),
        consecutive_error_limit: r.int_or_string(&metric.consecutive_error_limit),
        provider: r.provider(&metric.provider),
        consecutive_success_limit: r.int_or_string(&metric.consecutive_success_limit),
        spans: metric.spans,
    };
    match r.last_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Substitutes one string; unresolved tags are kept and remembered.
pub(crate) fn render_str(
    text: &str,
    args: &HashMap<String, &str>,
    last_error: &mut Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start + 2..start + 2 + len];
        match args.get(tag.trim()) {
            Some(v) if !tag.trim().is_empty() => out.push_str(v),
            _ => {
                *last_error = Some(format!("failed to resolve {{{{{tag}}}}}"));
                out.push_str(&rest[start..start + 4 + len]);
            }
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

struct Renderer<'a> {
    args: &'a HashMap<String, &'a str>,
    last_error: Option<String>,
}

impl Renderer<'_> {
    fn str(&mut self, s: &str) -> String {
        render_str(s, self.args, &mut self.last_error)
    }
    fn opt(&mut self, s: &Option<String>) -> Option<String> {
        s.as_ref().map(|s| self.str(s))
    }
    fn int_or_string(&mut self, v: &Option<IntOrString>) -> Option<IntOrString> {
        match v {
            Some(IntOrString::Str(s)) => Some(IntOrString::Str(self.str(s))),
            other => other.clone(),
        }
    }
    fn provider(&mut self, p: &Provider) -> Provider {
        match p {
            Provider::Prometheus(p) => {
                let mut p = p.clone();
                // Go field order: address, query, authentication, timeout, insecure, headers,
                // rangeQuery.
                p.address = self.opt(&p.address);
                p.query = self.str(&p.query);
                p.authentication = p.authentication.as_ref().map(|n| self.node(n));
                p.headers = p
                    .headers
                    .iter()
                    .map(|h| Header {
                        key: self.str(&h.key),
                        value: self.str(&h.value),
                    })
                    .collect();
                p.range_query = p.range_query.as_ref().map(|q| RangeQuery {
                    start: self.str(&q.start),
                    end: self.str(&q.end),
                    step: self.str(&q.step),
                });
                Provider::Prometheus(p)
            }
            Provider::Other { name, raw } => Provider::Other {
                name: name.clone(),
                raw: self.node(raw),
            },
            other => other.clone(),
        }
    }
    fn node(&mut self, n: &Node) -> Node {
        let value = match &n.value {
            Value::Str(s) => Value::Str(self.str(s)),
            Value::Seq(items) => Value::Seq(items.iter().map(|i| self.node(i)).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.node(v)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Node { pos: n.pos, value }
    }
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;

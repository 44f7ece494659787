//! Decodes `AnalysisTemplateSpec`, `Metric`, providers and arguments from a `Node`, strictly.
//!
//! Depends on `manifest::obj`, `manifest::node`, `manifest::types`.

use super::node::{Node, Value};
use super::obj::{Ctx, Obj, Result, as_str};
use super::types::{
    AnalysisTemplateSpec, Argument, DryRun, Header, MeasurementRetention, Metric, MetricSpans,
    Prometheus, Provider, RangeQuery, TemplateRef, ValueFrom,
};

const PROVIDERS: &[&str] = &[
    "prometheus",
    "web",
    "datadog",
    "wavefront",
    "newRelic",
    "job",
    "kayenta",
    "cloudWatch",
    "graphite",
    "influxdb",
    "skywalking",
    "plugin",
];

pub fn template_spec(cx: &Ctx, path: &str, node: &Node) -> Result<AnalysisTemplateSpec> {
    let o = Obj::new(
        cx,
        path,
        node,
        &[
            "metrics",
            "args",
            "dryRun",
            "measurementRetention",
            "templates",
        ],
    )?;
    Ok(AnalysisTemplateSpec {
        metrics: o.list("metrics", |p, n| metric(cx, p, n))?,
        args: o.list("args", |p, n| argument(cx, p, n))?,
        dry_run: o.list("dryRun", |p, n| dry_run(cx, p, n))?,
        measurement_retention: o.list("measurementRetention", |p, n| retention(cx, p, n))?,
        templates: o.list("templates", |p, n| template_ref(cx, p, n))?,
    })
}

pub fn metric(cx: &Ctx, path: &str, node: &Node) -> Result<Metric> {
    let o = Obj::new(
        cx,
        path,
        node,
        &[
            "name",
            "interval",
            "initialDelay",
            "count",
            "successCondition",
            "failureCondition",
            "failureLimit",
            "inconclusiveLimit",
            "consecutiveErrorLimit",
            "consecutiveSuccessLimit",
            "provider",
        ],
    )?;
    let (provider, query_pos) = match o.get("provider") {
        None => (Provider::None, None),
        Some(n) => provider(cx, &o.child("provider"), n)?,
    };
    Ok(Metric {
        name: o.req_str("name")?,
        interval: o.str("interval")?,
        initial_delay: o.str("initialDelay")?,
        count: o.int_or_string("count")?,
        success_condition: o.str("successCondition")?,
        failure_condition: o.str("failureCondition")?,
        failure_limit: o.int_or_string("failureLimit")?,
        inconclusive_limit: o.int_or_string("inconclusiveLimit")?,
        consecutive_error_limit: o.int_or_string("consecutiveErrorLimit")?,
        consecutive_success_limit: o.int_or_string("consecutiveSuccessLimit")?,
        provider,
        spans: MetricSpans {
            metric: node.pos,
            name: o.pos_of("name"),
            interval: o.pos_of("interval"),
            initial_delay: o.pos_of("initialDelay"),
            count: o.pos_of("count"),
            success_condition: o.pos_of("successCondition"),
            failure_condition: o.pos_of("failureCondition"),
            failure_limit: o.pos_of("failureLimit"),
            query: query_pos,
        },
    })
}

fn provider(cx: &Ctx, path: &str, node: &Node) -> Result<(Provider, Option<super::node::Pos>)> {
    let o = Obj::new(cx, path, node, PROVIDERS)?;
    let names: Vec<&str> = o
        .keys()
        .filter(|(_, v)| v.value != Value::Null)
        .map(|(k, _)| k)
        .collect();
    match names.as_slice() {
        [] => Ok((Provider::None, None)),
        ["prometheus"] => {
            let n = o.get("prometheus").expect("key listed above is present");
            prometheus(cx, &o.child("prometheus"), n)
        }
        [one] => Ok((
            Provider::Other {
                name: (*one).to_string(),
                raw: o.get(one).expect("key listed above is present").clone(),
            },
            None,
        )),
        many => Ok((
            Provider::Multiple(many.iter().map(|s| s.to_string()).collect()),
            None,
        )),
    }
}

fn prometheus(cx: &Ctx, path: &str, node: &Node) -> Result<(Provider, Option<super::node::Pos>)> {
    let o = Obj::new(
        cx,
        path,
        node,
        &[
            "address",
            "query",
            "authentication",
            "timeout",
            "insecure",
            "headers",
            "rangeQuery",
        ],
    )?;
    let range_query = match o.get("rangeQuery") {
        None => None,
        Some(n) => {
            let r = Obj::new(cx, &o.child("rangeQuery"), n, &["start", "end", "step"])?;
            Some(RangeQuery {
                start: r.str("start")?.unwrap_or_default(),
                end: r.str("end")?.unwrap_or_default(),
                step: r.str("step")?.unwrap_or_default(),
            })
        }
    };
    let p = Prometheus {
        address: o.str("address")?,
        query: o.str("query")?.unwrap_or_default(),
        timeout: o.int("timeout")?,
        insecure: o.bool("insecure")?.unwrap_or(false),
        headers: o.list("headers", |p, n| {
            let h = Obj::new(cx, p, n, &["key", "value"])?;
            Ok(Header {
                key: h.str("key")?.unwrap_or_default(),
                value: h.str("value")?.unwrap_or_default(),
            })
        })?,
        range_query,
        authentication: o.get("authentication").cloned(),
    };
    Ok((Provider::Prometheus(p), o.pos_of("query")))
}

/// A template `Argument` or a Rollout `AnalysisRunArgument` (same shape for decoding).
pub fn argument(cx: &Ctx, path: &str, node: &Node) -> Result<Argument> {
    let o = Obj::new(cx, path, node, &["name", "value", "valueFrom"])?;
    let value_from = match o.get("valueFrom") {
        None => None,
        Some(n) => Some(value_from(cx, &o.child("valueFrom"), n)?),
    };
    Ok(Argument {
        name: o.req_str("name")?,
        value: o.str("value")?,
        value_from,
    })
}

fn value_from(cx: &Ctx, path: &str, node: &Node) -> Result<ValueFrom> {
    let o = Obj::new(
        cx,
        path,
        node,
        &["secretKeyRef", "fieldRef", "podTemplateHashValue"],
    )?;
    if let Some(n) = o.get("secretKeyRef") {
        let s = Obj::new(cx, &o.child("secretKeyRef"), n, &["name", "key"])?;
        return Ok(ValueFrom::SecretKeyRef {
            name: s.str("name")?.unwrap_or_default(),
            key: s.str("key")?.unwrap_or_default(),
        });
    }
    if let Some(n) = o.get("fieldRef") {
        let f = Obj::new(cx, &o.child("fieldRef"), n, &["fieldPath", "apiVersion"])?;
        return Ok(ValueFrom::FieldRef {
            field_path: f.str("fieldPath")?.unwrap_or_default(),
        });
    }
    if let Some(n) = o.get("podTemplateHashValue") {
        return Ok(ValueFrom::PodTemplateHashValue(as_str(
            cx,
            &o.child("podTemplateHashValue"),
            n,
        )?));
    }
    Ok(ValueFrom::FieldRef {
        field_path: String::new(),
    })
}

pub fn dry_run(cx: &Ctx, path: &str, node: &Node) -> Result<DryRun> {
    let o = Obj::new(cx, path, node, &["metricName"])?;
    Ok(DryRun {
        metric_name: o.req_str("metricName")?,
    })
}

pub fn retention(cx: &Ctx, path: &str, node: &Node) -> Result<MeasurementRetention> {
    let o = Obj::new(cx, path, node, &["metricName", "limit"])?;
    Ok(MeasurementRetention {
        metric_name: o.req_str("metricName")?,
        limit: o.int("limit")?.unwrap_or(0),
    })
}

pub fn template_ref(cx: &Ctx, path: &str, node: &Node) -> Result<TemplateRef> {
    let o = Obj::new(cx, path, node, &["templateName", "clusterScope"])?;
    Ok(TemplateRef {
        template_name: o.req_str("templateName")?,
        cluster_scope: o.bool("clusterScope")?.unwrap_or(false),
    })
}

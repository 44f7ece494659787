//! Decodes a Rollout's `spec` (strategy, steps, analyses, traffic routing) from a `Node`.
//! Fields the simulator does not read (pod template, selector, ...) are accepted unread.
//!
//! Depends on `manifest::obj`, `manifest::decode_template`, `manifest::types`.

use super::decode_template::{argument, dry_run, retention, template_ref};
use super::duration::PauseDuration;
use super::node::{Node, Value};
use super::obj::{Ctx, Obj, Result, as_str, type_error};
use super::types::{
    BackgroundAnalysis, BlueGreenStrategy, CanaryStep, CanaryStrategy, Experiment,
    ExperimentAnalysis, RolloutAnalysis, RolloutStrategy, SetCanaryScale, Step, TrafficRouting,
};

const SPEC_FIELDS: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "workloadRef",
    "minReadySeconds",
    "revisionHistoryLimit",
    "strategy",
    "paused",
    "progressDeadlineSeconds",
    "progressDeadlineAbort",
    "restartAt",
    "rollbackWindow",
    "analysis",
];

/// The parts of `spec` a simulator reads: (replicas, paused, progressDeadlineSeconds, strategy).
pub fn rollout_spec(cx: &Ctx, node: &Node) -> Result<(i64, bool, Option<i64>, RolloutStrategy)> {
    let o = Obj::new(cx, "spec", node, SPEC_FIELDS)?;
    let strategy = match o.get("strategy") {
        None => RolloutStrategy::default(),
        Some(n) => {
            let s = Obj::new(cx, "spec.strategy", n, &["canary", "blueGreen"])?;
            RolloutStrategy {
                canary: s.get("canary").map(|n| canary(cx, n)).transpose()?,
                blue_green: s.get("blueGreen").map(|n| blue_green(cx, n)).transpose()?,
            }
        }
    };
    Ok((
        o.int("replicas")?.unwrap_or(1),
        o.bool("paused")?.unwrap_or(false),
        o.int("progressDeadlineSeconds")?,
        strategy,
    ))
}

fn canary(cx: &Ctx, node: &Node) -> Result<CanaryStrategy> {
    let o = Obj::new(
        cx,
        "spec.strategy.canary",
        node,
        &[
            "canaryService",
            "stableService",
            "steps",
            "trafficRouting",
            "maxUnavailable",
            "maxSurge",
            "analysis",
            "antiAffinity",
            "canaryMetadata",
            "stableMetadata",
            "scaleDownDelaySeconds",
            "scaleDownDelayRevisionLimit",
            "abortScaleDownDelaySeconds",
            "dynamicStableScale",
            "pingPong",
            "minPodsPerReplicaSet",
            "replicaProgressThreshold",
        ],
    )?;
    let analysis = match o.get("analysis") {
        None => None,
        Some(n) => {
            let path = o.child("analysis");
            Some(BackgroundAnalysis {
                analysis: rollout_analysis(cx, &path, n, &["startingStep"])?,
                starting_step: Obj::lenient(cx, &path, n)?.int("startingStep")?,
            })
        }
    };
    Ok(CanaryStrategy {
        canary_service: o.str("canaryService")?,
        stable_service: o.str("stableService")?,
        steps: o.list("steps", |p, n| step(cx, p, n))?,
        analysis,
        traffic_routing: o
            .get("trafficRouting")
            .map(|n| traffic_routing(cx, n))
            .transpose()?,
        max_surge: o.int_or_string("maxSurge")?,
        max_unavailable: o.int_or_string("maxUnavailable")?,
        scale_down_delay_seconds: o.int("scaleDownDelaySeconds")?,
        abort_scale_down_delay_seconds: o.int("abortScaleDownDelaySeconds")?,
        dynamic_stable_scale: o.bool("dynamicStableScale")?.unwrap_or(false),
    })
}

fn step(cx: &Ctx, path: &str, node: &Node) -> Result<Step> {
    let o = Obj::new(
        cx,
        path,
        node,
        &[
            "setWeight",
            "pause",
            "analysis",
            "setCanaryScale",
            "experiment",
            "setHeaderRoute",
            "setMirrorRoute",
            "plugin",
        ],
    )?;
    let mut actions = Vec::new();
    for (key, n) in o.keys() {
        let p = o.child(key);
        let action = match key {
            "setWeight" => CanaryStep::SetWeight(super::obj::as_int(cx, &p, n)?),
            "pause" => pause(cx, &p, n)?,
            "analysis" => CanaryStep::Analysis(rollout_analysis(cx, &p, n, &[])?),
            "setCanaryScale" => CanaryStep::SetCanaryScale(set_canary_scale(cx, &p, n)?),
            "experiment" => CanaryStep::Experiment(experiment(cx, &p, n)?),
            "setHeaderRoute" => CanaryStep::SetHeaderRoute(n.clone()),
            "setMirrorRoute" => CanaryStep::SetMirrorRoute(n.clone()),
            _ => CanaryStep::Plugin(n.clone()),
        };
        if n.value != Value::Null || key == "pause" {
            actions.push(action);
        }
    }
    Ok(Step {
        pos: node.pos,
        actions,
    })
}

fn pause(cx: &Ctx, path: &str, node: &Node) -> Result<CanaryStep> {
    if node.value == Value::Null {
        return Ok(CanaryStep::Pause { duration: None });
    }
    let o = Obj::new(cx, path, node, &["duration"])?;
    let duration = match o.get("duration") {
        None => None,
        Some(Node {
            value: Value::Int(i),
            ..
        }) => Some(PauseDuration::Seconds(*i)),
        Some(Node {
            value: Value::Str(s),
            ..
        }) => Some(PauseDuration::Text(s.clone())),
        Some(n) => return Err(type_error(cx, &o.child("duration"), n, "integer or string")),
    };
    Ok(CanaryStep::Pause { duration })
}

fn set_canary_scale(cx: &Ctx, path: &str, node: &Node) -> Result<SetCanaryScale> {
    let o = Obj::new(
        cx,
        path,
        node,
        &["weight", "replicas", "matchTrafficWeight"],
    )?;
    Ok(SetCanaryScale {
        weight: o.int("weight")?,
        replicas: o.int("replicas")?,
        match_traffic_weight: o.bool("matchTrafficWeight")?.unwrap_or(false),
    })
}

fn experiment(cx: &Ctx, path: &str, node: &Node) -> Result<Experiment> {
    let o = Obj::new(
        cx,
        path,
        node,
        &[
            "duration",
            "templates",
            "analyses",
            "dryRun",
            "analysisRunMetadata",
        ],
    )?;
    Ok(Experiment {
        duration: o.str("duration")?,
        templates: o.list("templates", |_, n| Ok(n.clone()))?,
        analyses: o.list("analyses", |p, n| {
            let a = Obj::new(
                cx,
                p,
                n,
                &[
                    "name",
                    "templateName",
                    "clusterScope",
                    "args",
                    "requiredForCompletion",
                ],
            )?;
            Ok(ExperimentAnalysis {
                name: a.req_str("name")?,
                template_name: a.req_str("templateName")?,
                cluster_scope: a.bool("clusterScope")?.unwrap_or(false),
                args: a.list("args", |p, n| argument(cx, p, n))?,
                required_for_completion: a.bool("requiredForCompletion")?.unwrap_or(false),
            })
        })?,
    })
}

/// `RolloutAnalysis`; `extra` names additional allowed keys (background `startingStep`).
pub fn rollout_analysis(
    cx: &Ctx,
    path: &str,
    node: &Node,
    extra: &[&str],
) -> Result<RolloutAnalysis> {
    let mut allowed = vec![
        "templates",
        "args",
        "dryRun",
        "measurementRetention",
        "analysisRunMetadata",
    ];
    allowed.extend_from_slice(extra);
    let o = Obj::new(cx, path, node, &allowed)?;
    Ok(RolloutAnalysis {
        pos: node.pos,
        templates: o.list("templates", |p, n| template_ref(cx, p, n))?,
        args: o.list("args", |p, n| argument(cx, p, n))?,
        dry_run: o.list("dryRun", |p, n| dry_run(cx, p, n))?,
        measurement_retention: o.list("measurementRetention", |p, n| retention(cx, p, n))?,
    })
}

const ROUTERS: &[&str] = &[
    "nginx",
    "alb",
    "istio",
    "smi",
    "traefik",
    "ambassador",
    "appMesh",
    "apisix",
    "plugins",
];

fn traffic_routing(cx: &Ctx, node: &Node) -> Result<TrafficRouting> {
    let path = "spec.strategy.canary.trafficRouting";
    let mut allowed = ROUTERS.to_vec();
    allowed.extend(["maxTrafficWeight", "managedRoutes"]);
    let o = Obj::new(cx, path, node, &allowed)?;
    let routers = o
        .keys()
        .filter(|(k, v)| ROUTERS.contains(k) && v.value != Value::Null)
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let managed_routes = o.list("managedRoutes", |p, n| {
        let r = Obj::new(cx, p, n, &["name"])?;
        r.get("name")
            .map(|n| as_str(cx, p, n))
            .unwrap_or_else(|| Err(cx.error(n.pos, format!("{p}: missing name"))))
    })?;
    Ok(TrafficRouting {
        routers,
        max_traffic_weight: o.int("maxTrafficWeight")?,
        managed_routes,
    })
}

fn blue_green(cx: &Ctx, node: &Node) -> Result<BlueGreenStrategy> {
    let o = Obj::new(
        cx,
        "spec.strategy.blueGreen",
        node,
        &[
            "activeService",
            "previewService",
            "previewReplicaCount",
            "autoPromotionEnabled",
            "autoPromotionSeconds",
            "maxUnavailable",
            "scaleDownDelaySeconds",
            "scaleDownDelayRevisionLimit",
            "prePromotionAnalysis",
            "postPromotionAnalysis",
            "antiAffinity",
            "previewMetadata",
            "activeMetadata",
            "abortScaleDownDelaySeconds",
        ],
    )?;
    let analysis = |key: &str| {
        o.get(key)
            .map(|n| rollout_analysis(cx, &o.child(key), n, &[]))
            .transpose()
    };
    Ok(BlueGreenStrategy {
        active_service: o.str("activeService")?.unwrap_or_default(),
        preview_service: o.str("previewService")?,
        auto_promotion_enabled: o.bool("autoPromotionEnabled")?.unwrap_or(true),
        auto_promotion_seconds: o.int("autoPromotionSeconds")?,
        pre_promotion_analysis: analysis("prePromotionAnalysis")?,
        post_promotion_analysis: analysis("postPromotionAnalysis")?,
        scale_down_delay_seconds: o.int("scaleDownDelaySeconds")?,
        abort_scale_down_delay_seconds: o.int("abortScaleDownDelaySeconds")?,
        preview_replica_count: o.int("previewReplicaCount")?,
    })
}

//! The candidate grid: axes written as `METRIC.PARAM=v1,v2,...` or `steps[i].setWeight=...`
//! (command line) or as a scenario `tune.grid` map, and their cartesian product.
//!
//! Pure parsing; the values are checked when a candidate is applied (`patch`). Depends on
//! nothing else in the crate.

use std::fmt;

/// What an axis changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Param {
    /// A metric field of the AnalysisTemplates (`success-rate.failureLimit`).
    Metric { metric: String, field: MetricField },
    /// `steps[i].setWeight`.
    SetWeight(usize),
    /// `steps[i].pause` (also written `steps[i].pause.duration` or `pause[k]`, the k-th pause
    /// step, resolved to its step index by `patch`).
    Pause(StepRef),
}

/// A step named by its index in `steps`, or as the k-th `pause` step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StepRef {
    Step(usize),
    NthPause(usize),
}

/// The tunable fields of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MetricField {
    /// The numeric literal of the one simple comparison in the success or failure condition.
    Threshold(Which),
    Interval,
    InitialDelay,
    Count,
    FailureLimit,
    InconclusiveLimit,
    ConsecutiveErrorLimit,
    ConsecutiveSuccessLimit,
    /// Every range duration `[5m]` in the query.
    Window,
}

/// Which condition a threshold lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Which {
    /// Whichever of the two conditions has a comparable literal (an error when both do).
    Either,
    SuccessCondition,
    FailureCondition,
}

/// Field spellings accepted after `METRIC.`, longest first so `successCondition.threshold`
/// wins over `threshold`.
const FIELDS: [(&str, MetricField); 12] = [
    (
        "successCondition.threshold",
        MetricField::Threshold(Which::SuccessCondition),
    ),
    (
        "failureCondition.threshold",
        MetricField::Threshold(Which::FailureCondition),
    ),
    (
        "consecutiveSuccessLimit",
        MetricField::ConsecutiveSuccessLimit,
    ),
    ("consecutiveErrorLimit", MetricField::ConsecutiveErrorLimit),
    ("inconclusiveLimit", MetricField::InconclusiveLimit),
    ("failureLimit", MetricField::FailureLimit),
    ("initialDelay", MetricField::InitialDelay),
    ("threshold", MetricField::Threshold(Which::Either)),
    ("query.window", MetricField::Window),
    ("interval", MetricField::Interval),
    ("window", MetricField::Window),
    ("count", MetricField::Count),
];

impl MetricField {
    pub fn name(self) -> &'static str {
        if self == MetricField::Window {
            return "window";
        }
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .expect("every field has a spelling")
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Metric { metric, field } => write!(f, "{metric}.{}", field.name()),
            Param::SetWeight(i) => write!(f, "steps[{i}].setWeight"),
            Param::Pause(StepRef::Step(i)) => write!(f, "steps[{i}].pause"),
            Param::Pause(StepRef::NthPause(k)) => write!(f, "pause[{k}]"),
        }
    }
}

/// One dimension of the grid: a parameter and the values to try, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    pub param: Param,
    pub values: Vec<String>,
}

/// One point of the grid: a value per axis, in axis order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub settings: Vec<(Param, String)>,
}

impl Candidate {
    /// A candidate from `param=value` settings (one value each).
    pub fn parse(settings: &[&str]) -> Result<Candidate, String> {
        let settings = settings
            .iter()
            .map(|s| {
                let a = parse_axis(s)?;
                match <[String; 1]>::try_from(a.values) {
                    Ok([v]) => Ok((a.param, v)),
                    Err(_) => Err(format!("{s:?}: one value per setting")),
                }
            })
            .collect::<Result<_, String>>()?;
        Ok(Candidate { settings })
    }

    /// Stable label: `success-rate.threshold=0.995,success-rate.failureLimit=1`, or
    /// `as-written` for the scenario unchanged.
    pub fn label(&self) -> String {
        if self.settings.is_empty() {
            return "as-written".into();
        }
        self.settings
            .iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Parses a parameter name (`success-rate.failureLimit`, `steps[2].setWeight`, `pause[0]`).
pub fn parse_param(s: &str) -> Result<Param, String> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("steps[") {
        let (index, field) = rest
            .split_once(']')
            .ok_or_else(|| format!("{s:?}: expected steps[N].setWeight or steps[N].pause"))?;
        let i = index_of(s, index)?;
        return match field {
            ".setWeight" => Ok(Param::SetWeight(i)),
            ".pause" | ".pause.duration" => Ok(Param::Pause(StepRef::Step(i))),
            _ => Err(format!(
                "{s:?}: a step parameter is steps[N].setWeight or steps[N].pause"
            )),
        };
    }
    if let Some(rest) = s.strip_prefix("pause[") {
        let index = rest
            .strip_suffix(']')
            .ok_or_else(|| format!("{s:?}: expected pause[K]"))?;
        return Ok(Param::Pause(StepRef::NthPause(index_of(s, index)?)));
    }
    for (name, field) in FIELDS {
        if let Some(metric) = s.strip_suffix(name).and_then(|m| m.strip_suffix('.'))
            && !metric.is_empty()
        {
            return Ok(Param::Metric {
                metric: metric.to_string(),
                field,
            });
        }
    }
    Err(format!(
        "{s:?}: unknown parameter; use METRIC.FIELD with FIELD one of threshold, \
         successCondition.threshold, failureCondition.threshold, interval, initialDelay, count, \
         failureLimit, inconclusiveLimit, consecutiveErrorLimit, consecutiveSuccessLimit, window; \
         or steps[N].setWeight, steps[N].pause, pause[K]"
    ))
}

fn index_of(whole: &str, s: &str) -> Result<usize, String> {
    s.parse()
        .map_err(|_| format!("{whole:?}: {s:?} is not a step index"))
}

/// Parses one `--grid PARAM=v1,v2,...` flag.
pub fn parse_axis(s: &str) -> Result<Axis, String> {
    let (param, values) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected PARAM=v1,v2,..."))?;
    axis(parse_param(param)?, values.split(',').map(str::to_string))
}

/// An axis from a parameter and its values (trimmed; empty or repeated values are errors).
pub fn axis(param: Param, values: impl IntoIterator<Item = String>) -> Result<Axis, String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(format!("{param}: empty value"));
        }
        if out.contains(&v) {
            return Err(format!("{param}: value {v} given twice"));
        }
        out.push(v);
    }
    if out.is_empty() {
        return Err(format!("{param}: no values"));
    }
    Ok(Axis { param, values: out })
}

/// Command-line axes on top of the scenario's: a flag replaces the scenario's axis for the
/// same parameter and adds new ones after them. Two flags for one parameter are an error.
pub fn merge(scenario: Vec<Axis>, flags: Vec<Axis>) -> Result<Vec<Axis>, String> {
    let mut out = scenario;
    let mut seen = Vec::new();
    for a in flags {
        if seen.contains(&a.param) {
            return Err(format!("--grid {} given twice", a.param));
        }
        seen.push(a.param.clone());
        match out.iter_mut().find(|b| b.param == a.param) {
            Some(b) => *b = a,
            None => out.push(a),
        }
    }
    Ok(out)
}

/// The cartesian product, first axis varying slowest; no axes give one candidate, the
/// scenario as written.
pub fn candidates(axes: &[Axis]) -> Vec<Candidate> {
    let mut out = vec![Candidate {
        settings: Vec::new(),
    }];
    for a in axes {
        out = out
            .into_iter()
            .flat_map(|c| {
                a.values.iter().map(move |v| {
                    let mut settings = c.settings.clone();
                    settings.push((a.param.clone(), v.clone()));
                    Candidate { settings }
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(m: &str, field: MetricField) -> Param {
        Param::Metric {
            metric: m.into(),
            field,
        }
    }

    #[test]
    fn parses_parameters() {
        use MetricField::*;
        let table = [
            (
                "success-rate.threshold",
                metric("success-rate", Threshold(Which::Either)),
            ),
            (
                "sr.successCondition.threshold",
                metric("sr", Threshold(Which::SuccessCondition)),
            ),
            (
                "sr.failureCondition.threshold",
                metric("sr", Threshold(Which::FailureCondition)),
            ),
            ("a.b.failureLimit", metric("a.b", FailureLimit)),
            ("sr.interval", metric("sr", Interval)),
            ("sr.initialDelay", metric("sr", InitialDelay)),
            ("sr.count", metric("sr", Count)),
            ("sr.inconclusiveLimit", metric("sr", InconclusiveLimit)),
            (
                "sr.consecutiveErrorLimit",
                metric("sr", ConsecutiveErrorLimit),
            ),
            (
                "sr.consecutiveSuccessLimit",
                metric("sr", ConsecutiveSuccessLimit),
            ),
            ("sr.window", metric("sr", Window)),
            ("sr.query.window", metric("sr", Window)),
            ("steps[2].setWeight", Param::SetWeight(2)),
            ("steps[1].pause", Param::Pause(StepRef::Step(1))),
            ("steps[1].pause.duration", Param::Pause(StepRef::Step(1))),
            ("pause[0]", Param::Pause(StepRef::NthPause(0))),
        ];
        for (s, want) in table {
            assert_eq!(parse_param(s), Ok(want), "{s}");
        }
        for bad in [
            "threshold",
            ".threshold",
            "sr.thresh",
            "steps[x].pause",
            "steps[1].foo",
            "pause[1",
        ] {
            assert!(parse_param(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn axes_and_their_product() {
        let a = parse_axis("sr.threshold=0.99, 0.995").unwrap();
        assert_eq!(a.values, ["0.99", "0.995"]);
        let b = parse_axis("sr.failureLimit=0,1,2").unwrap();
        let c = candidates(&[a.clone(), b]);
        let labels: Vec<String> = c.iter().map(Candidate::label).collect();
        assert_eq!(labels.len(), 6);
        assert_eq!(labels[0], "sr.threshold=0.99,sr.failureLimit=0");
        assert_eq!(labels[1], "sr.threshold=0.99,sr.failureLimit=1");
        assert_eq!(labels[5], "sr.threshold=0.995,sr.failureLimit=2");
        assert_eq!(candidates(&[])[0].label(), "as-written");
        for bad in [
            "sr.threshold",
            "sr.threshold=",
            "sr.threshold=1,1",
            "sr.threshold=1,,2",
        ] {
            assert!(parse_axis(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_replace_scenario_axes() {
        let s = vec![
            parse_axis("sr.threshold=0.99").unwrap(),
            parse_axis("sr.count=5").unwrap(),
        ];
        let f = vec![
            parse_axis("sr.count=3,4").unwrap(),
            parse_axis("sr.interval=30s").unwrap(),
        ];
        let m = merge(s, f).unwrap();
        let names: Vec<String> = m.iter().map(|a| a.param.to_string()).collect();
        assert_eq!(names, ["sr.threshold", "sr.count", "sr.interval"]);
        assert_eq!(m[1].values, ["3", "4"]);
        let twice = vec![
            parse_axis("sr.count=3").unwrap(),
            parse_axis("sr.count=4").unwrap(),
        ];
        assert!(merge(Vec::new(), twice).is_err());
    }
}

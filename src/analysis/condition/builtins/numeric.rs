//! expr's non-predicate builtins: `len abs ceil floor round int float string first last
//! max min mean median sum`, with their checker rules and runtime errors.

use super::super::types::Type;
use super::super::value::{Value, go_f64_to_i64};
use super::argo::{parse_go_float, parse_go_int};

/// Types a one-argument builtin (`Validate` in expr's `builtin/builtin.go`).
pub(super) fn check_single(name: &str, t: &Type) -> Result<Type, String> {
    let any = t.is_any();
    let bad = || Err(format!("invalid argument for {name} (type {t})"));
    match name {
        "len" if t.is_array() || *t == Type::Str || any => Ok(Type::Int),
        "abs" if t.is_number() || any => Ok(t.clone()),
        "ceil" | "floor" | "round" if t.is_number() || any => Ok(Type::Float),
        "int" if t.is_number() || *t == Type::Str || any => Ok(Type::Int),
        "float" if t.is_number() || *t == Type::Str || any => Ok(Type::Float),
        "string" => Ok(Type::Str),
        "first" | "last" if t.is_array() || any => Ok(t.elem()),
        "first" | "last" => Err(format!("cannot get {name} element from {t}")),
        _ => bad(),
    }
}

/// Evaluates a non-predicate builtin on evaluated arguments.
pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let first = args.first().cloned().unwrap_or(Value::Nil);
    let bad = || {
        Err(format!(
            "invalid argument for {name} (type {})",
            first.go_type()
        ))
    };
    match (name, &first) {
        ("len", Value::Array(items, _)) => Ok(Value::Int(items.len() as i64)),
        ("len", Value::Str(s)) => Ok(Value::Int(s.len() as i64)),
        ("abs", Value::Int(i)) => Ok(Value::Int(i.wrapping_abs())),
        ("abs", Value::Float(f)) => Ok(Value::Float(f.abs())),
        ("ceil" | "floor" | "round", v @ (Value::Int(_) | Value::Float(_))) => {
            let f = v.as_f64().expect("matched a number");
            Ok(Value::Float(match name {
                "ceil" => f.ceil(),
                "floor" => f.floor(),
                _ => f.round(), // Go's math.Round: half away from zero, as f64::round.
            }))
        }
        ("int", Value::Int(i)) => Ok(Value::Int(*i)),
        ("int", Value::Float(f)) => Ok(Value::Int(go_f64_to_i64(*f))),
        ("int", Value::Str(s)) => parse_go_int(s)
            .map(Value::Int)
            .map_err(|e| e.replace("strconv.ParseInt", "strconv.Atoi")),
        ("float", Value::Int(i)) => Ok(Value::Float(*i as f64)),
        ("float", Value::Float(f)) => Ok(Value::Float(*f)),
        ("float", Value::Str(s)) => parse_go_float(s).map(Value::Float),
        ("int" | "float", other) => Err(format!("invalid operation: {name}({})", other.go_type())),
        ("string", v) => Ok(Value::Str(v.go_string().into())),
        ("first", Value::Array(items, _)) => Ok(items.first().cloned().unwrap_or(Value::Nil)),
        ("last", Value::Array(items, _)) => Ok(items.last().cloned().unwrap_or(Value::Nil)),
        ("first" | "last", other) => Err(format!(
            "cannot get {name} element from {}",
            other.go_type()
        )),
        ("max" | "min" | "mean" | "median", _) => aggregate(name, args),
        ("len" | "abs" | "ceil" | "floor" | "round", _) => bad(),
        _ => Err(format!("unknown name {name}")),
    }
}

/// Flattens numbers and arrays of numbers, as expr's `max min mean median` do.
fn flatten(name: &str, args: &[Value], out: &mut Vec<Value>) -> Result<(), String> {
    for a in args {
        match a {
            Value::Int(_) | Value::Float(_) => out.push(a.clone()),
            Value::Array(items, _) => flatten(name, items, out)?,
            other => {
                return Err(format!(
                    "invalid argument for {name} (type {})",
                    other.go_type()
                ));
            }
        }
    }
    Ok(())
}

fn aggregate(name: &str, args: &[Value]) -> Result<Value, String> {
    let mut xs = Vec::new();
    flatten(name, args, &mut xs)?;
    match name {
        "max" | "min" => {
            let mut best: Option<Value> = None;
            for x in xs {
                best = Some(match best {
                    None => x,
                    Some(b) => {
                        let (bf, xf) = (
                            b.as_f64().unwrap_or(f64::NAN),
                            x.as_f64().unwrap_or(f64::NAN),
                        );
                        let better = if name == "max" { bf < xf } else { xf < bf };
                        if better { x } else { b }
                    }
                });
            }
            Ok(best.unwrap_or(Value::Nil))
        }
        "mean" => {
            if xs.is_empty() {
                return Ok(Value::Float(0.0));
            }
            let total: f64 = xs.iter().filter_map(Value::as_f64).sum();
            Ok(Value::Float(total / xs.len() as f64))
        }
        _ => {
            let mut fs: Vec<f64> = xs.iter().filter_map(Value::as_f64).collect();
            if fs.is_empty() {
                return Ok(Value::Float(0.0));
            }
            fs.sort_by(f64::total_cmp);
            let n = fs.len();
            Ok(Value::Float(if n.is_multiple_of(2) {
                (fs[n / 2 - 1] + fs[n / 2]) / 2.0
            } else {
                fs[n / 2]
            }))
        }
    }
}

/// expr's `sum`: an int while every element is an int, a float64 otherwise; `0` when empty.
pub(super) fn sum(items: &[Value]) -> Result<Value, String> {
    let mut int_total: i64 = 0;
    let mut float_total: Option<f64> = None;
    for v in items {
        match (v, float_total.as_mut()) {
            (Value::Int(i), None) => int_total = int_total.wrapping_add(*i),
            (Value::Int(i), Some(f)) => *f += *i as f64,
            (Value::Float(x), None) => float_total = Some(int_total as f64 + x),
            (Value::Float(x), Some(f)) => *f += x,
            (other, _) => {
                return Err(format!(
                    "invalid argument for sum (type {})",
                    other.go_type()
                ));
            }
        }
    }
    Ok(float_total.map_or(Value::Int(int_total), Value::Float))
}

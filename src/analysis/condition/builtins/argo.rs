//! Argo's condition functions (`utils/evaluate/evaluate.go`): `asInt asFloat isNaN isInf
//! isNil default`. They are Go functions in the env map, so expr types their arguments
//! (`isNaN(float64)`), and Argo's panics become the errors (`strconv.ParseInt: ...`).

use super::super::ConditionError;
use super::super::ast::Expr;
use super::super::check::Checker;
use super::super::eval::Evaluator;
use super::super::types::Type;
use super::super::value::{Value, go_f64_to_i64};

/// Parameter types (`None` = `interface {}`) and return type.
fn signature(name: &str) -> (&'static [Option<Type>], Type) {
    const ANY1: &[Option<Type>] = &[None];
    const FLOAT1: &[Option<Type>] = &[Some(Type::Float)];
    match name {
        "asInt" => (ANY1, Type::Int),
        "asFloat" => (ANY1, Type::Float),
        "isNaN" | "isInf" => (FLOAT1, Type::Bool),
        "isNil" => (ANY1, Type::Bool),
        _ => (&[None, None], Type::Any),
    }
}

pub(super) fn check(
    c: &mut Checker,
    e: &Expr,
    name: &str,
    args: &[Expr],
) -> Result<Type, ConditionError> {
    let (params, out) = signature(name);
    if args.len() > params.len() {
        return Err(ConditionError::new(
            e.span,
            format!("too many arguments to call {name}"),
        ));
    }
    if args.len() < params.len() {
        return Err(ConditionError::new(
            e.span,
            format!("not enough arguments to call {name}"),
        ));
    }
    for (arg, param) in args.iter().zip(params) {
        let t = c.visit(arg)?;
        let Some(p) = param else { continue };
        if t == Type::Nil {
            return Err(ConditionError::new(
                arg.span,
                format!("cannot use nil as argument (type {p}) to call {name}"),
            ));
        }
        // expr converts integer arguments of a float64 parameter (`isNaN(1)` compiles).
        if !(t == *p || t.is_any() || t == Type::Int) {
            return Err(ConditionError::new(
                arg.span,
                format!("cannot use {t} as argument (type {p}) to call {name} "),
            ));
        }
    }
    Ok(out)
}

pub(super) fn call(ev: &Evaluator, name: &str, values: &[Value]) -> Result<Value, String> {
    let first = values.first().cloned().unwrap_or(Value::Nil);
    match name {
        "asInt" => as_int(&first),
        "asFloat" => as_float(&first),
        "isNaN" => float_param(&first).map(|f| Value::Bool(f.is_nan())),
        "isInf" => float_param(&first).map(|f| Value::Bool(f.is_infinite())),
        // Both ignore their first argument and look at the whole `result` (§3).
        "isNil" => Ok(Value::Bool(ev.result_is_nil)),
        _ => Ok(if ev.result_is_nil {
            values.get(1).cloned().unwrap_or(Value::Nil)
        } else {
            ev.result_value.clone()
        }),
    }
}

/// A `float64` parameter receiving a runtime value (Go's `reflect.Value.Call` check).
fn float_param(v: &Value) -> Result<f64, String> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Nil => Err("reflect: Call using zero Value argument".into()),
        other => Err(format!(
            "reflect: Call using {} as type float64",
            other.go_type()
        )),
    }
}

fn as_int(v: &Value) -> Result<Value, String> {
    match v {
        Value::Float(f) => Ok(Value::Int(go_f64_to_i64(*f))),
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Str(s) => parse_go_int(s).map(Value::Int),
        other => Err(format!(
            "asInt() not supported on {} {}",
            other.go_type(),
            other.go_string()
        )),
    }
}

fn as_float(v: &Value) -> Result<Value, String> {
    match v {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Str(s) => parse_go_float(s).map(Value::Float),
        other => Err(format!(
            "asFloat() not supported on {} {}",
            other.go_type(),
            other.go_string()
        )),
    }
}

/// `strconv.ParseInt(s, 10, 64)` with Go's error text.
pub(super) fn parse_go_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

/// `strconv.ParseFloat(s, 64)` with Go's error text (`NaN`, `Inf`, `infinity` accepted).
pub(super) fn parse_go_float(s: &str) -> Result<f64, String> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let valid = !body.is_empty()
        && (body
            .bytes()
            .all(|b| b.is_ascii_digit() || b"._eE+-".contains(&b))
            || ["nan", "inf", "infinity"].contains(&body.to_ascii_lowercase().as_str()));
    match s.parse::<f64>() {
        Ok(f) if valid && !body.contains('_') => Ok(f),
        _ => Err(format!("strconv.ParseFloat: parsing {s:?}: invalid syntax")),
    }
}

//! Built-in functions: typing (`check_call`) and evaluation (`call`) of expr's builtins
//! (`len all any none one filter map count sum max min mean median abs ceil floor round int
//! float string first last`) and Argo's `asInt asFloat isNaN isInf isNil default`
//! (SEMANTICS.md §3). Depends on `check`, `eval`, `ops`, `value`, `types`.

mod argo;
mod numeric;

use super::ConditionError;
use super::ast::{Expr, ExprKind};
use super::check::Checker;
use super::eval::Evaluator;
use super::ops;
use super::types::Type;
use super::value::Value;

const PREDICATES: [&str; 8] = ["all", "any", "none", "one", "filter", "map", "count", "sum"];
const ARGO: [&str; 6] = ["asInt", "asFloat", "isNaN", "isInf", "isNil", "default"];
const SINGLE: [&str; 10] = [
    "len", "abs", "ceil", "floor", "round", "int", "float", "string", "first", "last",
];
const VARIADIC: [&str; 4] = ["max", "min", "mean", "median"];

fn err(e: &Expr, message: String) -> ConditionError {
    ConditionError::new(e.span, message)
}

/// Types a call node as expr's checker does.
pub(super) fn check_call(
    c: &mut Checker,
    e: &Expr,
    name: &str,
    args: &[Expr],
) -> Result<Type, ConditionError> {
    if PREDICATES.contains(&name) {
        return check_predicate(c, e, name, args);
    }
    if ARGO.contains(&name) {
        return argo::check(c, e, name, args);
    }
    let types = args
        .iter()
        .map(|a| c.visit(a))
        .collect::<Result<Vec<_>, _>>()?;
    if SINGLE.contains(&name) {
        if types.len() != 1 {
            return Err(err(
                e,
                format!(
                    "invalid number of arguments (expected 1, got {})",
                    types.len()
                ),
            ));
        }
        return numeric::check_single(name, &types[0]).map_err(|m| err(e, m));
    }
    if VARIADIC.contains(&name) {
        if types.is_empty() {
            return Err(err(e, format!("not enough arguments to call {name}")));
        }
        if let Some(t) = types
            .iter()
            .find(|t| !(t.is_number() || t.is_array() || t.is_any()))
        {
            return Err(err(e, format!("invalid argument for {name} (type {t})")));
        }
        return Ok(if matches!(name, "max" | "min") {
            Type::Any
        } else {
            Type::Float
        });
    }
    if name == "result" {
        let message = match c.result_type() {
            Type::Nil => "result is nil; cannot call nil as function".to_string(),
            t => format!("{t} is not callable"),
        };
        return Err(err(e, message));
    }
    Err(err(e, format!("unknown name {name}")))
}

fn check_predicate(
    c: &mut Checker,
    e: &Expr,
    name: &str,
    args: &[Expr],
) -> Result<Type, ConditionError> {
    let Some(first) = args.first() else {
        return Err(err(e, format!("not enough arguments to call {name}")));
    };
    let collection = c.visit(first)?;
    if !collection.is_array() && !collection.is_any() {
        return Err(err(
            first,
            format!("builtin {name} takes only array (got {collection})"),
        ));
    }
    let elem = collection.elem();
    let out = match args.get(1) {
        Some(pred) => {
            c.scopes.push(elem.clone());
            let t = c.visit(pred);
            c.scopes.pop();
            let t = t?;
            if !matches!(name, "map" | "sum") && t != Type::Bool && !t.is_any() {
                return Err(err(
                    pred,
                    format!("predicate should return boolean (got {t})"),
                ));
            }
            t
        }
        None => elem.clone(),
    };
    Ok(match name {
        "filter" => Type::Array(Box::new(elem)),
        "map" => Type::Array(Box::new(out)),
        "count" => Type::Int,
        "sum" => out,
        _ => Type::Bool,
    })
}

/// Evaluates a call node.
pub(super) fn call(ev: &mut Evaluator, name: &str, args: &[Expr]) -> Result<Value, String> {
    if PREDICATES.contains(&name) {
        return call_predicate(ev, name, args);
    }
    let values = args
        .iter()
        .map(|a| ev.eval(a))
        .collect::<Result<Vec<_>, _>>()?;
    if ARGO.contains(&name) {
        return argo::call(ev, name, &values);
    }
    numeric::call(name, &values)
}

fn call_predicate(ev: &mut Evaluator, name: &str, args: &[Expr]) -> Result<Value, String> {
    let collection = ev.eval(
        args.first()
            .ok_or_else(|| format!("not enough arguments to call {name}"))?,
    )?;
    let Value::Array(items, _) = &collection else {
        return Err(format!(
            "invalid argument for {name} (type {})",
            collection.go_type()
        ));
    };
    let body = match args.get(1).map(|a| &a.kind) {
        Some(ExprKind::Closure(body)) => Some(&**body),
        Some(_) => return Err(format!("predicate of {name} is not a closure")),
        None => None,
    };
    let Some(body) = body else {
        // `sum(xs)` and `count(xs)` without a predicate.
        return if name == "sum" {
            numeric::sum(items)
        } else {
            count_true(items)
        };
    };
    let mut kept = Vec::new();
    let mut hits = 0usize;
    for item in items.iter() {
        let v = ev.with_element(item.clone(), body)?;
        if matches!(name, "map" | "sum") {
            kept.push(v);
            continue;
        }
        let Value::Bool(b) = v else {
            return Err(ops::not_bool(&v));
        };
        match (name, b) {
            ("all", false) => return Ok(Value::Bool(false)),
            ("any", true) => return Ok(Value::Bool(true)),
            ("none", true) => return Ok(Value::Bool(false)),
            ("filter", true) => kept.push(item.clone()),
            (_, true) => hits += 1,
            _ => {}
        }
    }
    Ok(match name {
        "all" | "none" => Value::Bool(true),
        "any" => Value::Bool(false),
        "one" => Value::Bool(hits == 1),
        "count" => Value::Int(hits as i64),
        "sum" => return numeric::sum(&kept),
        _ => Value::array(kept),
    })
}

fn count_true(items: &[Value]) -> Result<Value, String> {
    let mut n = 0;
    for v in items {
        match v {
            Value::Bool(true) => n += 1,
            Value::Bool(false) => {}
            other => return Err(ops::not_bool(other)),
        }
    }
    Ok(Value::Int(n))
}

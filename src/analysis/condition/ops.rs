//! Runtime operators, after expr-lang v1.17's `vm/runtime`: Go int/float promotion,
//! `/` always float, IEEE NaN comparisons, `Fetch` with negative indices and its
//! `index out of range` panic text. Depends on `value`, `ast`.

use std::rc::Rc;

use super::ast::{BinaryOp, UnaryOp};
use super::value::{ArrayKind, Value, go_f64_to_i64};

/// The Go panic text for using a non-bool where expr's VM asserts `.(bool)`.
pub fn not_bool(v: &Value) -> String {
    let t = if *v == Value::Nil { "nil" } else { v.go_type() };
    format!("interface conversion: interface {{}} is {t}, not bool")
}

fn invalid(a: &Value, op: &str, b: &Value) -> String {
    format!("invalid operation: {} {op} {}", a.go_type(), b.go_type())
}

pub fn unary(op: UnaryOp, v: Value) -> Result<Value, String> {
    match (op, v) {
        (UnaryOp::Bang | UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (UnaryOp::Bang | UnaryOp::Not, v) => Err(not_bool(&v)),
        (UnaryOp::Neg, Value::Int(i)) => Ok(Value::Int(i.wrapping_neg())),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Plus, v @ (Value::Int(_) | Value::Float(_))) => Ok(v),
        (op, v) => Err(format!(
            "invalid operation: {} {}",
            op.as_str(),
            v.go_type()
        )),
    }
}

/// expr's `runtime.Equal`: numbers compare across int/float; arrays element-wise (a
/// `[]float64` equals a `[]interface {}` with equal elements); other mixed types are unequal.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Array(x, _), Value::Array(y, _)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equal(a, b))
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Evaluates a non-short-circuit binary operator on two values.
pub fn binary(op: BinaryOp, a: Value, b: Value) -> Result<Value, String> {
    use BinaryOp::*;
    match op {
        Eq => Ok(Value::Bool(equal(&a, &b))),
        Ne => Ok(Value::Bool(!equal(&a, &b))),
        Lt | Le | Gt | Ge => compare(op, &a, &b),
        Add | Sub | Mul => arithmetic(op, a, b),
        Div => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Ok(Value::Float(x / y)),
            _ => Err(invalid(&a, "/", &b)),
        },
        Mod => match (&a, &b) {
            (Value::Int(_), Value::Int(0)) => Err("runtime error: integer divide by zero".into()),
            (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_rem(*y))),
            _ => Err(invalid(&a, "%", &b)),
        },
        Pow(_) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Ok(Value::Float(x.powf(y))),
            (None, _) => Err(format!("invalid operation: float({})", a.go_type())),
            _ => Err(format!("invalid operation: float({})", b.go_type())),
        },
        In => contains(&b, &a),
        Matches => match (&a, &b) {
            (Value::Str(s), Value::Str(p)) => regex::Regex::new(p)
                .map(|re| Value::Bool(re.is_match(s)))
                .map_err(|e| e.to_string()),
            _ => Err(not_string(if matches!(a, Value::Str(_)) { &b } else { &a })),
        },
        Contains | StartsWith | EndsWith => match (&a, &b) {
            (Value::Str(s), Value::Str(t)) => Ok(Value::Bool(match op {
                Contains => s.contains(&**t),
                StartsWith => s.starts_with(&**t),
                _ => s.ends_with(&**t),
            })),
            _ => Err(not_string(if matches!(a, Value::Str(_)) { &b } else { &a })),
        },
        And(_) | Or(_) | Coalesce => unreachable!("short-circuit operators are evaluated by eval"),
    }
}

fn not_string(v: &Value) -> String {
    let t = if *v == Value::Nil { "nil" } else { v.go_type() };
    format!("interface conversion: interface {{}} is {t}, not string")
}

fn compare(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    let ord = match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => match (a.as_f64(), b.as_f64()) {
            // NaN: partial_cmp is None and every ordered comparison is false (IEEE).
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => return Err(invalid(a, op.as_str(), b)),
        },
    };
    let Some(ord) = ord else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(match op {
        BinaryOp::Lt => ord.is_lt(),
        BinaryOp::Le => ord.is_le(),
        BinaryOp::Gt => ord.is_gt(),
        _ => ord.is_ge(),
    }))
}

fn arithmetic(op: BinaryOp, a: Value, b: Value) -> Result<Value, String> {
    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
        return Ok(Value::Int(match op {
            BinaryOp::Add => x.wrapping_add(*y),
            BinaryOp::Sub => x.wrapping_sub(*y),
            _ => x.wrapping_mul(*y),
        }));
    }
    if let (BinaryOp::Add, Value::Str(x), Value::Str(y)) = (op, &a, &b) {
        return Ok(Value::Str(format!("{x}{y}").into()));
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => Ok(Value::Float(match op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            _ => x * y,
        })),
        _ => Err(invalid(&a, op.as_str(), &b)),
    }
}

/// expr's `runtime.In(needle, haystack)`.
fn contains(haystack: &Value, needle: &Value) -> Result<Value, String> {
    match haystack {
        Value::Array(items, _) => Ok(Value::Bool(items.iter().any(|v| equal(v, needle)))),
        Value::Nil => Ok(Value::Bool(false)),
        Value::Str(s) => match needle {
            Value::Str(n) => Ok(Value::Bool(s.contains(&**n))),
            _ => Err(not_string(needle)),
        },
        _ => Err(format!(
            r#"operator "in" not defined on {}"#,
            haystack.go_type()
        )),
    }
}

/// expr's `runtime.ToInt` for an index: numbers truncate, anything else panics.
fn to_index(i: &Value) -> Result<i64, String> {
    match i {
        Value::Int(i) => Ok(*i),
        Value::Float(f) => Ok(go_f64_to_i64(*f)),
        _ => Err(format!("invalid operation: int({})", i.go_type())),
    }
}

/// expr's `runtime.Fetch` for arrays and strings: a negative index counts from the end.
pub fn fetch(base: &Value, index: &Value) -> Result<Value, String> {
    match base {
        Value::Array(items, _) => {
            let i = to_index(index)?;
            let len = items.len() as i64;
            let i = if i < 0 { i.saturating_add(len) } else { i };
            if i < 0 || i >= len {
                return Err(format!("index out of range: {i} (array length is {len})"));
            }
            Ok(items[i as usize].clone())
        }
        Value::Str(s) => {
            let i = to_index(index)?;
            let len = s.len() as i64;
            let i = if i < 0 { i.saturating_add(len) } else { i };
            if i < 0 || i >= len {
                return Err(format!("index out of range: {i} (array length is {len})"));
            }
            Ok(Value::Int(i64::from(s.as_bytes()[i as usize])))
        }
        _ => Err(format!(
            "cannot fetch {} from {}",
            index.go_string(),
            base.go_type()
        )),
    }
}

/// expr's `runtime.Slice`: bounds are clamped, negative bounds count from the end.
pub fn slice(base: &Value, from: Option<&Value>, to: Option<&Value>) -> Result<Value, String> {
    let len = match base {
        Value::Array(items, _) => items.len() as i64,
        Value::Str(s) => s.len() as i64,
        // Go prints the lower bound here (`panic(fmt.Sprintf("cannot slice %v", from))`).
        _ => {
            return Err(format!(
                "cannot slice {}",
                from.map_or("0".into(), Value::go_string)
            ));
        }
    };
    let bound = |v: Option<&Value>, default: i64| -> Result<i64, String> {
        let b = match v {
            Some(v) => to_index(v)?,
            None => default,
        };
        let b = if b < 0 { b.saturating_add(len) } else { b };
        Ok(b.clamp(0, len))
    };
    let b = bound(to, len)?;
    let a = bound(from, 0)?.min(b);
    Ok(match base {
        Value::Array(items, kind) => {
            Value::Array(Rc::new(items[a as usize..b as usize].to_vec()), *kind)
        }
        Value::Str(s) => {
            Value::Str(String::from_utf8_lossy(&s.as_bytes()[a as usize..b as usize]).into())
        }
        _ => unreachable!("non-sliceable values returned above"),
    })
}

/// Builds the `[]float64` value of a Prometheus list result.
pub fn float_list(values: &[f64]) -> Value {
    Value::Array(
        Rc::new(values.iter().map(|v| Value::Float(*v)).collect()),
        ArrayKind::Float64,
    )
}

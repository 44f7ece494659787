//! Runtime values of the evaluator and their Go spellings (`%T` and `%v`), which appear in
//! expr's and Argo's runtime error texts. Depends on nothing.

use std::rc::Rc;

/// The Go element type an array has at runtime: `result` is a `[]float64`; literals,
/// `map` and `filter` build `[]interface {}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayKind {
    Float64,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Array(Rc<Vec<Value>>, ArrayKind),
}

impl Value {
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(items), ArrayKind::Any)
    }

    /// Go's `%T` of the value expr would hold.
    pub fn go_type(&self) -> &'static str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Array(_, ArrayKind::Float64) => "[]float64",
            Value::Array(_, ArrayKind::Any) => "[]interface {}",
        }
    }

    /// The value as f64 if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Go's `%v`.
    pub fn go_string(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => go_float(*f),
            Value::Str(s) => s.to_string(),
            Value::Array(items, _) => {
                let parts: Vec<String> = items.iter().map(Value::go_string).collect();
                format!("[{}]", parts.join(" "))
            }
        }
    }
}

/// Go's `int64(f)` as compiled for amd64: truncation toward zero, and NaN or an
/// out-of-range value gives `math.MinInt64` (Rust's `as` would saturate instead).
pub fn go_f64_to_i64(f: f64) -> i64 {
    let limit = -(i64::MIN as f64); // 2^63, exact
    if f.is_nan() || !(-limit..limit).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `%v` for a float64 (`strconv.FormatFloat(f, 'g', -1, 64)` with %v's exponent
/// threshold of 21): `0.95`, `1e+21`, `1e-05`, `NaN`, `+Inf`.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always writes an exponent");
    let exp: i32 = exp.parse().expect("{:e} writes an integer exponent");
    if !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formats() {
        assert_eq!(go_float(0.95), "0.95");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e20), "100000000000000000000");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(1.5e-7), "1.5e-07");
        assert_eq!(go_float(f64::NEG_INFINITY), "-Inf");
        let list = Value::Array(
            Rc::new(vec![Value::Float(1.0), Value::Float(2.5)]),
            ArrayKind::Float64,
        );
        assert_eq!(list.go_string(), "[1 2.5]");
        assert_eq!(list.go_type(), "[]float64");
    }
}

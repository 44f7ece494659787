//! Static types of the condition checker, printed as Go's `reflect.Type` prints them in
//! expr's messages (`float64`, `[]float64`, `[]interface {}`). Depends on `analysis::phase`.

use std::fmt;

use super::super::ResultValue;

/// The static type ("nature") of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `interface {}`: resolved at runtime; expr allows most operations on it.
    Any,
    Nil,
    Int,
    Float,
    Bool,
    Str,
    Array(Box<Type>),
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("interface {}"),
            Type::Nil => f.write_str("nil"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("float64"),
            Type::Bool => f.write_str("bool"),
            Type::Str => f.write_str("string"),
            Type::Array(t) => write!(f, "[]{t}"),
        }
    }
}

impl Type {
    pub fn is_any(&self) -> bool {
        *self == Type::Any
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Int | Type::Float)
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Type::Array(_))
    }
    /// Element type of an array, `Any` for `Any`.
    pub fn elem(&self) -> Type {
        match self {
            Type::Array(t) => (**t).clone(),
            _ => Type::Any,
        }
    }
}

/// The runtime shape of `result`, which is what Argo's expr compiles against (§3):
/// Prometheus passes a `float64` for a scalar and a `[]float64` for a vector or matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultType {
    Nil,
    Scalar,
    List,
}

impl ResultType {
    pub fn of(result: Option<&ResultValue>) -> ResultType {
        match result {
            None => ResultType::Nil,
            Some(ResultValue::Scalar(_)) => ResultType::Scalar,
            Some(ResultValue::List(_)) => ResultType::List,
        }
    }

    pub fn static_type(self) -> Type {
        match self {
            // Argo puts an untyped nil in the env map; expr's nature of it is "unknown", so
            // `isNil(result) || result > 1` compiles and short-circuits at runtime.
            ResultType::Nil => Type::Any,
            ResultType::Scalar => Type::Float,
            ResultType::List => Type::Array(Box::new(Type::Float)),
        }
    }
}

/// expr's `or(l, r, fns...)`: one side unknown and the other unknown or accepted.
pub fn either_any(l: &Type, r: &Type, ok: impl Fn(&Type) -> bool) -> bool {
    (l.is_any() && (r.is_any() || ok(r))) || (r.is_any() && ok(l))
}

/// expr's `isComparable`: what `==`/`!=` (and `in` on elements) accept.
pub fn comparable(l: &Type, r: &Type) -> bool {
    l.is_any()
        || r.is_any()
        || *l == Type::Nil
        || *r == Type::Nil
        || (l.is_number() && r.is_number())
        || (l.is_array() && r.is_array())
        || l == r
}

/// Result type of `+ - *` on two numbers: int only when both are ints.
pub fn combined(l: &Type, r: &Type) -> Type {
    if *l == Type::Int && *r == Type::Int {
        Type::Int
    } else {
        Type::Float
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_names() {
        assert_eq!(ResultType::List.static_type().to_string(), "[]float64");
        assert_eq!(
            Type::Array(Box::new(Type::Any)).to_string(),
            "[]interface {}"
        );
        assert_eq!(Type::Any.to_string(), "interface {}");
        assert!(comparable(&Type::Int, &Type::Float));
        assert!(!comparable(&Type::Str, &Type::Float));
        assert!(either_any(&Type::Any, &Type::Float, Type::is_number));
        assert!(!either_any(&Type::Str, &Type::Float, Type::is_number));
    }
}

//! Compile-time typing, after expr-lang v1.17's `checker`: operators are checked against the
//! static type of `result` (`float64` or `[]float64`) and the first error wins, with expr's
//! message. Depends on `ast`, `types`, `builtins`.

use super::ConditionError;
use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use super::builtins;
use super::types::{ResultType, Type, combined, comparable, either_any};

/// Checks `e` with `result` typed as `result_type`; returns the program's static type.
pub fn check(e: &Expr, result_type: ResultType) -> Result<Type, ConditionError> {
    let mut c = Checker {
        result: result_type.static_type(),
        scopes: Vec::new(),
    };
    c.visit(e)
}

pub(super) struct Checker {
    result: Type,
    /// Element types of the enclosing predicates (innermost last), for `#`.
    pub(super) scopes: Vec<Type>,
}

fn err(e: &Expr, message: String) -> ConditionError {
    ConditionError::new(e.span, message)
}

impl Checker {
    pub(super) fn result_type(&self) -> &Type {
        &self.result
    }

    pub(super) fn visit(&mut self, e: &Expr) -> Result<Type, ConditionError> {
        match &e.kind {
            ExprKind::Nil => Ok(Type::Nil),
            ExprKind::Bool(_) => Ok(Type::Bool),
            ExprKind::Int(_) => Ok(Type::Int),
            ExprKind::Float(_) => Ok(Type::Float),
            ExprKind::Str(_) => Ok(Type::Str),
            ExprKind::Ident(name) if name == "result" => Ok(self.result.clone()),
            ExprKind::Ident(name) => Err(err(e, format!("unknown name {name}"))),
            ExprKind::Pointer => self
                .scopes
                .last()
                .cloned()
                .ok_or_else(|| err(e, "cannot use pointer accessor outside predicate".into())),
            ExprKind::Array(items) => {
                for item in items {
                    self.visit(item)?;
                }
                Ok(Type::Array(Box::new(Type::Any)))
            }
            ExprKind::Unary { op, expr } => self.unary(e, *op, expr),
            ExprKind::Binary { op, left, right } => self.binary(e, *op, left, right),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => self.ternary(cond, then, otherwise),
            ExprKind::Index { base, index } => self.index(e, base, index),
            ExprKind::Slice { base, from, to } => {
                self.slice(e, base, from.as_deref(), to.as_deref())
            }
            ExprKind::Call { name, args } => builtins::check_call(self, e, name, args),
            ExprKind::Closure(body) => self.visit(body),
        }
    }

    fn unary(&mut self, e: &Expr, op: UnaryOp, inner: &Expr) -> Result<Type, ConditionError> {
        let t = self.visit(inner)?;
        match op {
            UnaryOp::Bang | UnaryOp::Not if t == Type::Bool || t.is_any() => Ok(Type::Bool),
            UnaryOp::Neg | UnaryOp::Plus if t.is_number() || t.is_any() => Ok(t),
            _ => Err(err(
                e,
                format!("invalid operation: {} (mismatched type {t})", op.as_str()),
            )),
        }
    }

    fn binary(
        &mut self,
        e: &Expr,
        op: BinaryOp,
        l: &Expr,
        r: &Expr,
    ) -> Result<Type, ConditionError> {
        let lt = self.visit(l)?;
        let rt = self.visit(r)?;
        if let Some(t) = binary_type(op, &lt, &rt, r) {
            return t.map_err(|m| err(e, m));
        }
        Err(err(
            e,
            format!(
                "invalid operation: {} (mismatched types {lt} and {rt})",
                op.as_str()
            ),
        ))
    }

    fn ternary(
        &mut self,
        cond: &Expr,
        then: &Expr,
        otherwise: &Expr,
    ) -> Result<Type, ConditionError> {
        let c = self.visit(cond)?;
        if c != Type::Bool && !c.is_any() {
            return Err(err(
                cond,
                format!("non-bool expression (type {c}) used as condition"),
            ));
        }
        let a = self.visit(then)?;
        let b = self.visit(otherwise)?;
        Ok(if a == b { a } else { Type::Any })
    }

    fn index(&mut self, e: &Expr, base: &Expr, index: &Expr) -> Result<Type, ConditionError> {
        let b = self.visit(base)?;
        let i = self.visit(index)?;
        let field = match &index.kind {
            ExprKind::Str(name) => Some(name),
            _ => None,
        };
        match (&b, field) {
            (Type::Any, _) => Ok(Type::Any),
            (Type::Array(elem), _) if i == Type::Int || i.is_any() => Ok((**elem).clone()),
            (Type::Array(_), _) => Err(err(
                index,
                format!("array elements can only be selected using an integer (got {i})"),
            )),
            (_, Some(name)) => Err(err(e, format!("type {b} has no field {name}"))),
            _ => Err(err(e, format!("type {b}[{i}] is undefined"))),
        }
    }

    fn slice(
        &mut self,
        e: &Expr,
        base: &Expr,
        from: Option<&Expr>,
        to: Option<&Expr>,
    ) -> Result<Type, ConditionError> {
        let b = self.visit(base)?;
        if !(b.is_any() || b.is_array() || b == Type::Str) {
            return Err(err(e, format!("cannot slice {b}")));
        }
        for bound in [from, to].into_iter().flatten() {
            let t = self.visit(bound)?;
            if t != Type::Int && !t.is_any() {
                return Err(err(bound, format!("non-integer slice index {t}")));
            }
        }
        Ok(b)
    }
}

/// expr's `BinaryNode` rules. `None` means "mismatched types"; `Some(Err)` another message.
fn binary_type(op: BinaryOp, l: &Type, r: &Type, right: &Expr) -> Option<Result<Type, String>> {
    let num = Type::is_number;
    let is_str = |t: &Type| *t == Type::Str;
    let ok = |t: Type| Some(Ok(t));
    match op {
        BinaryOp::Eq | BinaryOp::Ne if comparable(l, r) => ok(Type::Bool),
        BinaryOp::Or(_) | BinaryOp::And(_)
            if (*l == Type::Bool && *r == Type::Bool) || either_any(l, r, |t| *t == Type::Bool) =>
        {
            ok(Type::Bool)
        }
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
            if (num(l) && num(r))
                || (is_str(l) && is_str(r))
                || either_any(l, r, |t| num(t) || is_str(t)) =>
        {
            ok(Type::Bool)
        }
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Add if num(l) && num(r) => ok(combined(l, r)),
        BinaryOp::Add if is_str(l) && is_str(r) => ok(Type::Str),
        BinaryOp::Add if either_any(l, r, |t| num(t) || is_str(t)) => ok(Type::Any),
        BinaryOp::Sub | BinaryOp::Mul if either_any(l, r, num) => ok(Type::Any),
        BinaryOp::Div | BinaryOp::Pow(_) if (num(l) && num(r)) || either_any(l, r, num) => {
            ok(Type::Float)
        }
        BinaryOp::Mod if *l == Type::Int && *r == Type::Int => ok(Type::Int),
        BinaryOp::Mod if either_any(l, r, |t| *t == Type::Int) => ok(Type::Any),
        BinaryOp::In => in_type(l, r),
        BinaryOp::Matches => {
            if let ExprKind::Str(pattern) = &right.kind
                && let Err(e) = regex::Regex::new(pattern)
            {
                return Some(Err(e.to_string()));
            }
            ((is_str(l) && is_str(r)) || either_any(l, r, is_str)).then_some(Ok(Type::Bool))
        }
        BinaryOp::Contains | BinaryOp::StartsWith | BinaryOp::EndsWith => {
            ((is_str(l) && is_str(r)) || either_any(l, r, is_str)).then_some(Ok(Type::Bool))
        }
        BinaryOp::Coalesce => ok(match (l, r) {
            (Type::Nil, r) => r.clone(),
            (l, Type::Nil) => l.clone(),
            (l, r) if l == r => l.clone(),
            _ => Type::Any,
        }),
        _ => None,
    }
}

fn in_type(l: &Type, r: &Type) -> Option<Result<Type, String>> {
    match r {
        Type::Array(elem) => {
            if *l == Type::Nil || comparable(l, elem) {
                Some(Ok(Type::Bool))
            } else {
                Some(Err(format!("cannot use {l} as type {elem} in array")))
            }
        }
        Type::Any => Some(Ok(Type::Bool)),
        Type::Str if l.is_any() => Some(Ok(Type::Bool)),
        _ => None,
    }
}

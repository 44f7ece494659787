//! Operands and postfix forms of the condition parser: literals, identifiers, calls with
//! predicate arguments, array literals, member access, indexing and slicing.

use super::super::ConditionError;
use super::super::ast::{Expr, ExprKind};
use super::super::lexer::{Kind, Token};
use super::operators::PREDICATE_BUILTINS;
use super::{Parser, unexpected};

impl Parser {
    pub(super) fn secondary(&mut self) -> Result<Expr, ConditionError> {
        let t = self.next();
        let kind = match t.kind {
            Kind::Identifier => return self.identifier(t),
            Kind::Number => number(&t)?,
            Kind::Str => ExprKind::Str(t.value.clone()),
            Kind::Operator if t.value == "#" => ExprKind::Pointer,
            Kind::Bracket if t.value == "[" => return self.array(t),
            _ => return Err(unexpected(&t)),
        };
        Ok(Expr::new(kind, t.span))
    }

    fn identifier(&mut self, t: Token) -> Result<Expr, ConditionError> {
        let kind = match t.value.as_str() {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "nil" => ExprKind::Nil,
            _ if self.current().is(Kind::Bracket, "(") => return self.call(t),
            name => ExprKind::Ident(name.to_string()),
        };
        Ok(Expr::new(kind, t.span))
    }

    fn call(&mut self, name: Token) -> Result<Expr, ConditionError> {
        self.expect(Kind::Bracket, "(")?;
        let predicate = PREDICATE_BUILTINS.iter().find(|(n, _)| *n == name.value);
        let mut args = Vec::new();
        if let Some((_, optional)) = predicate {
            args.push(self.expression(0)?);
            if !*optional || self.current().is(Kind::Operator, ",") {
                self.expect(Kind::Operator, ",")?;
                if !(*optional && self.current().is(Kind::Bracket, ")")) {
                    args.push(self.predicate()?);
                }
            }
            if self.current().is(Kind::Operator, ",") {
                self.next();
            }
        } else {
            while !self.current().is(Kind::Bracket, ")") {
                if !args.is_empty() {
                    self.expect(Kind::Operator, ",")?;
                    if self.current().is(Kind::Bracket, ")") {
                        break;
                    }
                }
                args.push(self.expression(0)?);
            }
        }
        let close = self.expect(Kind::Bracket, ")")?;
        let kind = ExprKind::Call {
            name: name.value,
            args,
        };
        Ok(Expr::new(kind, (name.span.0, close.span.1)))
    }

    /// A predicate: `{ expr }` or a bare expression, wrapped in a closure node.
    fn predicate(&mut self) -> Result<Expr, ConditionError> {
        let start = self.current().span.0;
        let body = if self.current().is(Kind::Bracket, "{") {
            self.next();
            let body = self.expression(0)?;
            self.expect(Kind::Bracket, "}")?;
            body
        } else {
            self.expression(0)?
        };
        let end = self.tokens[self.pos.saturating_sub(1)].span.1;
        Ok(Expr::new(
            ExprKind::Closure(Box::new(body)),
            (start, end.max(start)),
        ))
    }

    fn array(&mut self, open: Token) -> Result<Expr, ConditionError> {
        let mut items = Vec::new();
        while !self.current().is(Kind::Bracket, "]") {
            if !items.is_empty() {
                self.expect(Kind::Operator, ",")?;
                if self.current().is(Kind::Bracket, "]") {
                    break;
                }
            }
            items.push(self.expression(0)?);
        }
        let close = self.next();
        Ok(Expr::new(
            ExprKind::Array(items),
            (open.span.0, close.span.1),
        ))
    }

    pub(super) fn postfix(&mut self, mut node: Expr) -> Result<Expr, ConditionError> {
        loop {
            let t = self.current().clone();
            if t.is(Kind::Operator, ".") || t.is(Kind::Operator, "?.") {
                self.next();
                let name = self.next();
                if !matches!(name.kind, Kind::Identifier | Kind::Operator) || name.value == "#" {
                    return Err(unexpected(&name));
                }
                let prop = Expr::new(ExprKind::Str(name.value.clone()), name.span);
                let span = (node.span.0, name.span.1);
                node = Expr::new(
                    ExprKind::Index {
                        base: Box::new(node),
                        index: Box::new(prop),
                    },
                    span,
                );
            } else if t.is(Kind::Bracket, "[") {
                self.next();
                node = self.index_or_slice(node)?;
            } else {
                return Ok(node);
            }
        }
    }

    fn index_or_slice(&mut self, base: Expr) -> Result<Expr, ConditionError> {
        let from = if self.current().is(Kind::Operator, ":") {
            None
        } else {
            Some(Box::new(self.expression(0)?))
        };
        if self.current().is(Kind::Operator, ":") {
            self.next();
            let to = if self.current().is(Kind::Bracket, "]") {
                None
            } else {
                Some(Box::new(self.expression(0)?))
            };
            let close = self.expect(Kind::Bracket, "]")?;
            let span = (base.span.0, close.span.1);
            return Ok(Expr::new(
                ExprKind::Slice {
                    base: Box::new(base),
                    from,
                    to,
                },
                span,
            ));
        }
        let close = self.expect(Kind::Bracket, "]")?;
        let index = from.expect("an index expression was parsed when no ':' follows '['");
        let span = (base.span.0, close.span.1);
        Ok(Expr::new(
            ExprKind::Index {
                base: Box::new(base),
                index,
            },
            span,
        ))
    }
}

fn number(t: &Token) -> Result<ExprKind, ConditionError> {
    let v = t.value.as_str();
    let lower = v.to_ascii_lowercase();
    let (kind, radix) = match lower.get(..2) {
        Some("0x") => ("hex", 16),
        Some("0o") => ("octal", 8),
        Some("0b") => ("binary", 2),
        _ if lower.contains(['.', 'e']) => {
            return v.parse::<f64>().map(ExprKind::Float).map_err(|_| {
                let m = format!(
                    "invalid float literal: strconv.ParseFloat: parsing {v:?}: invalid syntax"
                );
                ConditionError::new(t.span, m)
            });
        }
        _ => ("integer", 10),
    };
    let digits = if radix == 10 { v } else { &v[2..] };
    i64::from_str_radix(digits, radix)
        .map(ExprKind::Int)
        .map_err(|e| {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow => "value out of range",
                _ => "invalid syntax",
            };
            let m = format!("invalid {kind} literal: strconv.ParseInt: parsing {v:?}: {why}");
            ConditionError::new(t.span, m)
        })
}

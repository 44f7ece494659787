//! Element-wise math kernels, with Go's `math` special cases where Rust's differ.

use promql_parser::parser::Call;

use super::{scalar_args, vector_arg};
use crate::promql::eval::{Ctx, EvalResult, Node};
use crate::promql::series::{ABSENT, Grid, canonical, is_absent};

pub fn abs(v: f64, _: &[f64]) -> f64 {
    v.abs()
}
pub fn ceil(v: f64, _: &[f64]) -> f64 {
    v.ceil()
}
pub fn floor(v: f64, _: &[f64]) -> f64 {
    v.floor()
}
pub fn exp(v: f64, _: &[f64]) -> f64 {
    v.exp()
}
pub fn sqrt(v: f64, _: &[f64]) -> f64 {
    v.sqrt()
}
pub fn ln(v: f64, _: &[f64]) -> f64 {
    v.ln()
}
pub fn log2(v: f64, _: &[f64]) -> f64 {
    v.log2()
}
pub fn log10(v: f64, _: &[f64]) -> f64 {
    v.log10()
}
/// Go: -1, +1, or the value itself (0, -0, NaN).
pub fn sgn(v: f64, _: &[f64]) -> f64 {
    if v < 0.0 {
        -1.0
    } else if v > 0.0 {
        1.0
    } else {
        v
    }
}
pub fn sin(v: f64, _: &[f64]) -> f64 {
    v.sin()
}
pub fn cos(v: f64, _: &[f64]) -> f64 {
    v.cos()
}
pub fn tan(v: f64, _: &[f64]) -> f64 {
    v.tan()
}
pub fn asin(v: f64, _: &[f64]) -> f64 {
    v.asin()
}
pub fn acos(v: f64, _: &[f64]) -> f64 {
    v.acos()
}
pub fn atan(v: f64, _: &[f64]) -> f64 {
    v.atan()
}
pub fn sinh(v: f64, _: &[f64]) -> f64 {
    v.sinh()
}
pub fn cosh(v: f64, _: &[f64]) -> f64 {
    v.cosh()
}
pub fn tanh(v: f64, _: &[f64]) -> f64 {
    v.tanh()
}
pub fn asinh(v: f64, _: &[f64]) -> f64 {
    v.asinh()
}
pub fn acosh(v: f64, _: &[f64]) -> f64 {
    v.acosh()
}
pub fn atanh(v: f64, _: &[f64]) -> f64 {
    v.atanh()
}
pub fn deg(v: f64, _: &[f64]) -> f64 {
    v * 180.0 / std::f64::consts::PI
}
pub fn rad(v: f64, _: &[f64]) -> f64 {
    v * std::f64::consts::PI / 180.0
}

/// `round(v, to_nearest=1)`: Go's `math.Floor(v*inv+0.5)/inv` with `inv = 1/to_nearest`.
pub fn round(v: f64, args: &[f64]) -> f64 {
    let to_nearest = args.first().copied().unwrap_or(1.0);
    let inv = 1.0 / to_nearest;
    (v * inv + 0.5).floor() / inv
}

/// Go's `math.Max`: +Inf wins, then NaN.
pub fn go_max(a: f64, b: f64) -> f64 {
    if a == f64::INFINITY || b == f64::INFINITY {
        f64::INFINITY
    } else if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { b } else { a }
    } else if a > b {
        a
    } else {
        b
    }
}

/// Go's `math.Min`: -Inf wins, then NaN.
pub fn go_min(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY || b == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else if a < b {
        a
    } else {
        b
    }
}

pub fn clamp_min(v: f64, args: &[f64]) -> f64 {
    go_max(args[0], v)
}
pub fn clamp_max(v: f64, args: &[f64]) -> f64 {
    go_min(args[0], v)
}

/// `min_of(a, b)` / `max_of(a, b)` (experimental): Go's `math.Min`/`math.Max` of two scalars.
fn of_two(ctx: &mut Ctx, grid: Grid, call: &Call, f: fn(f64, f64) -> f64) -> EvalResult<Node> {
    let s = scalar_args(ctx, grid, call, usize::MAX)?;
    Ok(Node::Scalar(
        s[0].iter().zip(&s[1]).map(|(&a, &b)| f(a, b)).collect(),
    ))
}
pub fn min_of(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    of_two(ctx, grid, call, go_min)
}
pub fn max_of(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    of_two(ctx, grid, call, go_max)
}

/// `clamp(v, min, max)`: nothing at steps where `max < min`.
pub fn clamp(ctx: &mut Ctx, grid: Grid, call: &Call) -> EvalResult<Node> {
    let s = scalar_args(ctx, grid, call, 0)?;
    let input = vector_arg(ctx, grid, &call.args.args[0])?;
    let mut out = Vec::with_capacity(input.len());
    for mut series in input {
        for (k, v) in series.values.iter_mut().enumerate() {
            if is_absent(*v) {
                continue;
            }
            let (lo, hi) = (s[0][k], s[1][k]);
            *v = if hi < lo {
                ABSENT
            } else {
                canonical(go_max(lo, go_min(hi, *v)))
            };
        }
        ctx.drop_name(&mut series);
        if series.has_any() {
            out.push(series);
        }
    }
    ctx.merge(out, grid).map(Node::Vector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_min_max_special_cases() {
        assert_eq!(go_max(f64::NAN, f64::INFINITY), f64::INFINITY);
        assert!(go_max(f64::NAN, 1.0).is_nan());
        assert_eq!(go_min(f64::NAN, f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(round(2.5, &[]), 3.0);
        assert_eq!(round(-2.5, &[]), -2.0);
        assert_eq!(round(0.123, &[0.1]), 0.1);
        assert!(sgn(f64::NAN, &[]).is_nan());
    }
}

//! Float formatting that matches Go's `strconv` output, for labels and messages.

/// Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip decimal, no exponent.
pub fn go_f(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's Display for f64 is the shortest round-trip representation without exponent.
    let s = format!("{v}");
    if s == "-0" { "-0".into() } else { s }
}

/// Go `%g` / `strconv.FormatFloat(v, 'g', -1, 64)`: shortest round-trip, exponent when
/// the exponent is < -4 or >= 21.
pub fn go_g(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{v:e}"); // e.g. "1.5e-7", shortest digits
    let (mant, exp) = e.split_once('e').expect("Rust {:e} always has an exponent");
    let exp: i32 = exp.parse().expect("Rust {:e} exponent is an integer");
    if !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        go_f(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(go_f(0.25), "0.25");
        assert_eq!(go_f(1e6), "1000000");
        assert_eq!(go_f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(go_g(1e21), "1e+21");
        assert_eq!(go_g(1.5e-7), "1.5e-07");
        assert_eq!(go_g(0.5), "0.5");
        assert_eq!(go_g(-2.0), "-2");
    }
}

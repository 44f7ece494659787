//! Unit tests for the series notation (examples from the corpus README, section 3.4).

use super::*;
use crate::model::STALE_NAN_BITS;

fn vals(s: &str) -> Vec<Option<f64>> {
    expand_values(s)
        .unwrap()
        .into_iter()
        .map(|v| v.map(SeriesValue::to_f64))
        .collect()
}

fn f(xs: &[f64]) -> Vec<Option<f64>> {
    xs.iter().map(|x| Some(*x)).collect()
}

#[test]
fn readme_examples() {
    assert_eq!(vals("1+1x3"), f(&[1.0, 2.0, 3.0, 4.0]));
    assert_eq!(vals("0+10x10").len(), 11);
    assert_eq!(vals("0+10x10")[10], Some(100.0));
    assert_eq!(vals("-2+4x3"), f(&[-2.0, 2.0, 6.0, 10.0]));
    assert_eq!(vals("1-2x4"), f(&[1.0, -1.0, -3.0, -5.0, -7.0]));
    assert_eq!(vals("1x4"), f(&[1.0; 5]));
    let v = expand_values("1 _x3 stale").unwrap();
    assert_eq!(v.len(), 5);
    assert_eq!(v[1..4], [None, None, None]);
    assert_eq!(v[4], Some(SeriesValue::Stale));
    let v = vals("5 2+3x2 _ stale");
    assert_eq!(&v[..4], &f(&[5.0, 2.0, 5.0, 8.0])[..]);
    assert_eq!(v[4], None);
    assert_eq!(v[5].map(f64::to_bits), Some(STALE_NAN_BITS));
}

#[test]
fn repeated_addition_not_multiplication() {
    let v = vals("0+0.1x10");
    let mut acc = 0.0f64;
    for _ in 0..10 {
        acc += 0.1;
    }
    assert_eq!(v[10].unwrap().to_bits(), acc.to_bits());
    assert_ne!(acc.to_bits(), (10.0f64 * 0.1).to_bits());
}

#[test]
fn numbers() {
    assert_eq!(
        vals(".8 1e100 -9.988465674311579e+307"),
        f(&[
            0.8,
            1e100,
            "-9.988465674311579e+307".parse::<f64>().unwrap()
        ])
    );
    let v = vals("Inf -inf +INF nan NaN -NaN");
    assert_eq!(v[0], Some(f64::INFINITY));
    assert_eq!(v[1], Some(f64::NEG_INFINITY));
    assert_eq!(v[2], Some(f64::INFINITY));
    assert!(v[3..].iter().all(|x| x.unwrap().is_nan()));
    assert_eq!(vals("Infx2"), f(&[f64::INFINITY; 3]));
    assert_eq!(vals("1e3+1e1x1"), f(&[1000.0, 1010.0]));
    assert_eq!(vals("_"), vec![None]);
    assert_eq!(vals("_x0"), Vec::<Option<f64>>::new());
    assert_eq!(
        vals("-0x1")
            .iter()
            .map(|v| v.unwrap().to_bits())
            .collect::<Vec<_>>(),
        [(-0.0f64).to_bits(); 2]
    );
    for bad in [
        "0x1F", "abc", "1+x3", "1x", "stalex2", "1+2", "_x", "1.2.3", ".",
    ] {
        assert!(expand_values(bad).is_err(), "{bad} should fail");
    }
}

#[test]
fn histogram_literal_is_distinct() {
    assert_eq!(
        expand_values("1 {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2"),
        Err(NotationError::NativeHistogram { column: 2 })
    );
    let e = parse_series_line("h {{}}").unwrap_err();
    assert!(matches!(e, NotationError::NativeHistogram { column: 2 }));
}

#[test]
fn selectors() {
    let (l, v) = parse_series_line(r#"http_requests{job="api", instance="0"}   0+10x2"#).unwrap();
    assert_eq!(l.to_string(), r#"http_requests{instance="0", job="api"}"#);
    assert_eq!(v.len(), 3);
    let (l, _) = parse_series_line(r#"{__name__="other", a="b"} 1x3"#).unwrap();
    assert_eq!(l.metric_name(), Some("other"));
    let (l, _) = parse_series_line(r#"x{a="", b='q\"'} 1"#).unwrap();
    assert_eq!(l.get("a"), None);
    assert_eq!(l.get("b"), Some("q\""));
    let (l, v) = parse_series_line(r#"{a="x,}y",} 1"#).unwrap();
    assert_eq!(l.get("a"), Some("x,}y"));
    assert_eq!(v, vec![Some(SeriesValue::Float(1.0))]);
    let (l, _) = parse_series_line(r#"{"my.metric", "a.b"="c"} 1"#).unwrap();
    assert_eq!(l.to_string(), r#"my.metric{a.b="c"}"#);
    let (l, v) = parse_series_line("expect{} 2").unwrap();
    assert_eq!(l.metric_name(), Some("expect"));
    assert_eq!(v.len(), 1);
    for bad in [
        "{a=~\"x\"} 1",
        "x{a=\"b\" 1",
        "x{a=b} 1",
        "1x 2",
        "x{a=\"1\",a=\"2\"} 1",
    ] {
        assert!(parse_series_line(bad).is_err(), "{bad} should fail");
    }
}

#[test]
fn reads_series_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.series");
    std::fs::write(
        &p,
        "# comment\nload 1m\n  up{job=\"a\"} 1 2 3\n  up{job=\"a\"} 7 _ 9\n\nload 10s\n  down 0+1x2 stale\n",
    )
    .unwrap();
    let mut b = StoreBuilder::new();
    read(&mut b, &p).unwrap();
    let s = b.finish().unwrap();
    let up = &s.series()[s.series_named("up")[0] as usize];
    assert_eq!(&*up.timestamps, &[0, 120_000]);
    assert_eq!(&*up.values, &[7.0, 9.0]);
    let down = &s.series()[s.series_named("down")[0] as usize];
    assert_eq!(&*down.timestamps, &[0, 10_000, 20_000]);
    assert_eq!(&*down.stale, &[30_000]);

    std::fs::write(&p, "load 1m\n  up{job=\"a\" 1\n").unwrap();
    let e = read(&mut StoreBuilder::new(), &p).unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(14)));
    std::fs::write(&p, "up 1\n").unwrap();
    assert!(read(&mut StoreBuilder::new(), &p).is_err());
    std::fs::write(&p, "load 1m\n  up 1 {{}}\n").unwrap();
    let e = read(&mut StoreBuilder::new(), &p).unwrap_err();
    assert!(e.message.contains("native histograms"), "{e}");
}

//! `rollsim record` against fake Prometheus servers on 127.0.0.1 (a std `TcpListener` in a
//! thread): retries after 5xx, giving up with a clear error, timeouts, connections closed
//! mid-response, truncated JSON, Prometheus error documents (not retried), sample-limit
//! splitting, the `query_range` fallback, limits, and authentication headers that are sent
//! but never printed. Every failure exits 2 and leaves no file behind.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the fake server received.
#[derive(Debug, Clone)]
struct Req {
    path: String,
    /// Decoded query parameters.
    params: Vec<(String, String)>,
    /// Lower-cased header names.
    headers: Vec<(String, String)>,
}

impl Req {
    fn param(&self, k: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    }
    fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
}

enum Reply {
    Json(u16, String),
    /// Bytes written as they are, then the connection is closed.
    Raw(String),
    Sleep(Duration, Box<Reply>),
}

struct Fake {
    url: String,
    requests: Arc<Mutex<Vec<Req>>>,
}

impl Fake {
    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// Serves at most 200 connections, one at a time, with `handler(n, request)`.
fn serve(handler: impl Fn(usize, &Req) -> Reply + Send + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(200).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let Some(req) = read_request(&stream) else {
                continue;
            };
            seen.lock().unwrap().push(req.clone());
            write_reply(&mut stream, handler(n, &req));
        }
    });
    Fake { url, requests }
}

fn read_request(stream: &TcpStream) -> Option<Req> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    Some(Req {
        path: path.to_string(),
        params,
        headers,
    })
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn write_reply(stream: &mut TcpStream, reply: Reply) {
    match reply {
        Reply::Json(status, body) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(bytes.as_bytes());
        }
        Reply::Sleep(d, then) => {
            std::thread::sleep(d);
            write_reply(stream, *then);
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A healthy Prometheus holding `up{job="a"}` = 1 every 15 s (and `count_over_time` probes).
fn ok(req: &Req) -> Reply {
    let q = req.param("query");
    let secs = |k: &str| -> i64 { req.param(k).parse::<f64>().unwrap() as i64 };
    let body = if req.path.ends_with("/query_range") {
        // Step points see the latest 15 s sample; `timestamp()` gives its time.
        let (start, end, step) = (secs("start"), secs("end"), secs("step").max(1));
        let pts: Vec<String> = (0..)
            .map(|k| start + k * step)
            .take_while(|t| *t <= end)
            .map(|t| {
                let sample = t - t.rem_euclid(15);
                if q.starts_with("timestamp(") {
                    format!("[{t},\"{sample}\"]")
                } else {
                    format!("[{t},\"{}\"]", sample % 100)
                }
            })
            .collect();
        let metric = if q.starts_with("timestamp(") {
            r#"{"job":"a"}"#
        } else {
            r#"{"__name__":"up","job":"a"}"#
        };
        format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{metric},"values":[{}]}}]}}}}"#,
            pts.join(",")
        )
    } else if q.starts_with("count_over_time(") {
        let t = req.param("time");
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"job":"a"}},"value":[{t},"25"]}}]}}}}"#
        )
    } else {
        // `up[Nms]` at `time`: the 15 s samples in the window.
        let t_ms = (req.param("time").parse::<f64>().unwrap() * 1000.0).round() as i64;
        let range: i64 = q
            .trim_start_matches("up[")
            .trim_end_matches("ms]")
            .parse()
            .unwrap();
        let pts: Vec<String> = ((t_ms - range) / 15_000 + 1..=t_ms / 15_000)
            .map(|k| format!("[{},\"{}\"]", k * 15, (k * 15) % 100))
            .collect();
        format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"__name__":"up","job":"a"}},"values":[{}]}}]}}}}"#,
            pts.join(",")
        )
    };
    Reply::Json(200, body)
}

fn record(fake_url: &str, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "--prometheus",
        fake_url,
        "--query",
        "up",
        "--start",
        "2024-01-01T00:10:00Z",
        "--end",
        "2024-01-01T00:11:00Z",
        "--retry-backoff",
        "10ms",
    ];
    args.extend_from_slice(extra);
    record_raw(&args, dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, the message contains `want`, and the folder holds no file at all.
fn assert_fails(o: &Output, dir: &Path, want: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(want), "want {want:?} in:\n{err}");
    assert!(
        err.contains("nothing written") || err.starts_with("error: --"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
    err
}

fn recorded(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("out.om")).expect("the recording");
    assert!(text.ends_with("# EOF\n"), "{text}");
    text.lines()
        .filter(|l| l.starts_with("up{"))
        .map(String::from)
        .collect()
}

const START_MINUS_LOOKBACK: i64 = 1_704_067_500; // 00:05:00
const END: i64 = 1_704_067_860; // 00:11:00

/// Every 15 s sample from 00:05:00 to 00:11:00.
fn all_samples() -> Vec<String> {
    (START_MINUS_LOOKBACK / 15..=END / 15)
        .map(|k| format!("up{{job=\"a\"}} {} {}", (k * 15) % 100, k * 15))
        .collect()
}

#[test]
fn retries_server_errors_then_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|n, req| {
        if n < 2 {
            Reply::Json(if n == 0 { 500 } else { 429 }, "busy".into())
        } else {
            ok(req)
        }
    });
    let o = record(&fake.url, dir.path(), &["--retries", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(recorded(dir.path()), all_samples());
    assert_eq!(fake.count(), 4, "two failures, the probe, one chunk");
}

#[test]
fn gives_up_after_the_retries_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, _| Reply::Json(503, "<html>service unavailable</html>".into()));
    let o = record(&fake.url, dir.path(), &["--retries", "2"]);
    assert_fails(
        &o,
        dir.path(),
        "HTTP 503 (after 3 attempts): <html>service unavailable</html>",
    );
    assert_eq!(fake.count(), 3);
}

#[test]
fn a_server_slower_than_the_timeout_fails() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| Reply::Sleep(Duration::from_secs(3), Box::new(ok(req))));
    let began = std::time::Instant::now();
    let o = record(
        &fake.url,
        dir.path(),
        &["--timeout", "300ms", "--retries", "1"],
    );
    assert_fails(
        &o,
        dir.path(),
        "timed out after 300ms (--timeout) (after 2 attempts)",
    );
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
}

#[test]
fn a_connection_closed_mid_response_fails() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, _| {
        Reply::Raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"status\":\"succ".into())
    });
    let o = record(&fake.url, dir.path(), &["--retries", "1"]);
    assert_fails(&o, dir.path(), "reading the response failed");
    assert_eq!(fake.count(), 2, "a cut connection is retried");
}

#[test]
fn truncated_json_fails() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, _| {
        Reply::Json(
            200,
            r#"{"status":"success","data":{"resultType":"vec"#.into(),
        )
    });
    let o = record(&fake.url, dir.path(), &["--retries", "0"]);
    assert_fails(&o, dir.path(), "truncated JSON response");
}

#[test]
fn a_prometheus_error_is_reported_and_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, _| {
        Reply::Json(400, r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:3: parse error: unexpected"}"#.into())
    });
    let o = record(&fake.url, dir.path(), &["--retries", "3"]);
    assert_fails(
        &o,
        dir.path(),
        r#"Prometheus error (bad_data, HTTP 400): invalid parameter "query": 1:3: parse error: unexpected"#,
    );
    assert_eq!(fake.count(), 1);
}

#[test]
fn a_refused_connection_fails() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = record(
        &format!("http://127.0.0.1:{port}"),
        dir.path(),
        &["--retries", "1"],
    );
    assert_fails(&o, dir.path(), "(after 2 attempts)");
}

#[test]
fn too_many_samples_splits_the_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| {
        let q = req.param("query");
        let range: i64 = q
            .trim_start_matches("up[")
            .trim_end_matches("ms]")
            .parse()
            .unwrap_or(0);
        if q.starts_with("up[") && range > 60_000 {
            Reply::Json(422, r#"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}"#.into())
        } else {
            ok(req)
        }
    });
    let o = record(&fake.url, dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("up: 8 chunk(s)"), "{}", stderr(&o));
    assert_eq!(recorded(dir.path()), all_samples());
}

#[test]
fn falls_back_to_query_range_when_raw_samples_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| {
        if req.path.ends_with("/query") && req.param("query").starts_with("up[") {
            Reply::Json(400, r#"{"status":"error","errorType":"bad_data","error":"invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"}"#.into())
        } else {
            ok(req)
        }
    });
    let o = record(&fake.url, dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(query_range fallback)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(recorded(dir.path()), all_samples());
    let reqs = fake.requests.lock().unwrap();
    let step = reqs
        .iter()
        .find(|r| r.path.ends_with("/query_range"))
        .map(|r| r.param("step").to_string());
    assert_eq!(
        step.as_deref(),
        Some("7.000"),
        "half the 15 s spacing the probe saw"
    );
}

#[test]
fn limits_stop_the_recording_before_fetching() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| ok(req));
    let o = record(&fake.url, dir.path(), &["--max-samples", "10"]);
    assert_fails(
        &o,
        dir.path(),
        "up (1 series, 25 samples in range): more than 10 samples (--max-samples)",
    );
    assert_eq!(fake.count(), 1, "only the probe");
}

#[test]
fn the_bearer_token_is_sent_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let token = "tok-3f9a1c77e2";
    let fake = serve(move |_, req| {
        if req.header("authorization") == Some(&format!("Bearer {token}")) {
            ok(req)
        } else {
            Reply::Json(401, "unauthorized".into())
        }
    });
    let token_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token_file.path(), format!("{token}\n")).unwrap();
    let o = record(
        &fake.url,
        dir.path(),
        &["--bearer-token-file", token_file.path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains(token) && !String::from_utf8_lossy(&o.stdout).contains(token));
    assert!(
        !std::fs::read_to_string(dir.path().join("out.om"))
            .unwrap()
            .contains(token)
    );
    assert_eq!(fake.count(), 2);

    // A server that echoes the header back in an error: the message is scrubbed.
    let dir = tempfile::tempdir().unwrap();
    let echo = serve(|_, req| {
        Reply::Json(
            500,
            format!("bad auth {}", req.header("authorization").unwrap_or("none")),
        )
    });
    let o = Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .env("ROLLSIM_TEST_TOKEN", token)
        .args([
            "record",
            "--prometheus",
            &echo.url,
            "--query",
            "up",
            "--start",
            "0",
            "--end",
            "60",
        ])
        .args([
            "--bearer-token-env",
            "ROLLSIM_TEST_TOKEN",
            "--retries",
            "0",
            "--out",
        ])
        .arg(dir.path().join("out.om"))
        .output()
        .unwrap();
    let err = assert_fails(&o, dir.path(), "bad auth Bearer <redacted>");
    assert!(!err.contains(token), "{err}");
}

#[test]
fn basic_auth_and_extra_headers_are_sent() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| ok(req));
    let pass = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pass.path(), "s3cret\n").unwrap();
    let o = record(
        &fake.url,
        dir.path(),
        &[
            "--basic-auth-user",
            "alice",
            "--basic-auth-password-file",
            pass.path().to_str().unwrap(),
            "--header",
            "X-Scope-OrgID: team-a",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("s3cret"));
    for r in fake.requests.lock().unwrap().iter() {
        assert_eq!(
            r.header("authorization"),
            Some("Basic YWxpY2U6czNjcmV0"),
            "alice:s3cret"
        );
        assert_eq!(r.header("x-scope-orgid"), Some("team-a"));
    }
}

/// `rollsim record ARGS... --out dir/out.om`.
fn record_raw(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .arg("record")
        .args(args)
        .arg("--out")
        .arg(dir.join("out.om"))
        .output()
        .expect("run rollsim")
}

#[test]
fn bad_input_exits_2_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let fake = serve(|_, req| ok(req));
    let o = record(&fake.url, dir.path(), &["--header", "no colon"]);
    assert_fails(&o, dir.path(), "--header: expected 'Name: value'");
    let times = ["--start", "0", "--end", "60"];
    let o = record_raw(
        &[
            &["--prometheus", "localhost:9090", "--query", "up"],
            &times[..],
        ]
        .concat(),
        dir.path(),
    );
    assert_fails(
        &o,
        dir.path(),
        "--prometheus: the Prometheus URL must start with http:// or https://",
    );
    let o = record_raw(
        &[&["--prometheus", &fake.url, "--query", "sum("], &times[..]].concat(),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("parse error"), "{}", stderr(&o));
    // A template argument without a value.
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/record/template.yaml");
    let template = template.to_str().unwrap();
    let o = record_raw(
        &[
            &["--prometheus", &fake.url, "--template", template],
            &times[..],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("args.service was not resolved; pass --arg"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fake.count(), 0);
}

//! The HTTP client for Prometheus's API: authentication, TLS, timeouts and retries.
//!
//! Blocking `ureq` over rustls. Every request is a GET of `base/api/v1/...`; the answer
//! must be a Prometheus JSON document (`{"status":"success","data":...}`), whose `data` is
//! returned. Secrets (bearer token, passwords, header values) are sent but never put into
//! an error: errors name the API path and the query, and any text from the server is
//! scrubbed of the secrets before it is shown.

use std::sync::Arc;
use std::time::Duration;

use super::retry::{self, Failure};
use super::url::BaseUrl;

/// A value that must never be printed (`Debug` shows `<redacted>`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How to reach and authenticate to the server.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base: BaseUrl,
    pub bearer_token: Option<Secret>,
    pub basic_auth: Option<(String, Secret)>,
    /// Extra headers, `(name, value)`; values are treated as secrets.
    pub headers: Vec<(String, Secret)>,
    /// PEM file of CA certificates to trust instead of the built-in roots.
    pub ca_pem: Option<Vec<u8>>,
    pub insecure_skip_verify: bool,
    /// Whole-request timeout (connect, send, receive).
    pub timeout: Duration,
    /// Attempts after the first one.
    pub retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

/// A request that failed for good (after any retries).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    /// Prometheus answered with an error document.
    #[error("{what}: Prometheus error ({error_type}, HTTP {status}): {message}")]
    Api {
        what: String,
        status: u16,
        error_type: String,
        message: String,
    },
    /// An HTTP error status without a Prometheus error document.
    #[error("{what}: HTTP {status}{attempts}: {body}")]
    Status {
        what: String,
        status: u16,
        attempts: String,
        body: String,
    },
    /// No usable answer (connection, timeout, truncated or invalid body).
    #[error("{what}: {message}{attempts}")]
    Transport {
        what: String,
        message: String,
        attempts: String,
    },
}

impl FetchError {
    /// Prometheus's own message, for errors that carry one.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            FetchError::Api { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// One attempt's failure, before deciding whether to retry.
struct Attempt {
    failure: Failure,
    retry_after: Option<u64>,
    error: FetchError,
}

pub struct Client {
    agent: ureq::Agent,
    config: ClientConfig,
    /// Requests sent, including retries.
    pub requests: std::cell::Cell<u64>,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, String> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = &config.ca_pem {
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                    Ok(_) => {}
                    Err(e) => return Err(format!("--ca-file: {e}")),
                }
            }
            if certs.is_empty() {
                return Err("--ca-file: no PEM certificate found".into());
            }
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
        }
        if config.insecure_skip_verify {
            tls = tls.disable_verification(true);
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .tls_config(tls.build())
            .user_agent(concat!("rollsim/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(Client {
            agent,
            config,
            requests: std::cell::Cell::new(0),
        })
    }

    pub fn base(&self) -> &BaseUrl {
        &self.config.base
    }

    /// GETs `path` with `params` and returns the `data` of a success document; `what`
    /// describes the request in errors (e.g. `query x[1h] at 1704067200.000`).
    pub fn get(
        &self,
        path: &str,
        params: &[(&str, String)],
        what: &str,
    ) -> Result<serde_json::Value, FetchError> {
        let url = self.config.base.join(path, params);
        let what = self.scrub(&format!(
            "GET {}/{} ({what})",
            self.config.base,
            path.trim_start_matches('/')
        ));
        let mut attempt = 0;
        loop {
            match self.attempt(&url, &what) {
                Ok(data) => return Ok(data),
                Err(a) if attempt < self.config.retries && retry::retryable(a.failure) => {
                    let wait = retry::backoff(
                        attempt,
                        self.config.backoff_base,
                        self.config.backoff_cap,
                        a.retry_after,
                    );
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                Err(a) => return Err(with_attempts(a.error, attempt + 1)),
            }
        }
    }

    fn attempt(&self, url: &str, what: &str) -> Result<serde_json::Value, Attempt> {
        self.requests.set(self.requests.get() + 1);
        let mut req = self.agent.get(url).header("Accept", "application/json");
        if let Some(token) = &self.config.bearer_token {
            req = req.header("Authorization", format!("Bearer {}", token.0));
        } else if let Some((user, pass)) = &self.config.basic_auth {
            req = req.header(
                "Authorization",
                format!("Basic {}", base64(&format!("{user}:{}", pass.0))),
            );
        }
        for (k, v) in &self.config.headers {
            req = req.header(k.as_str(), v.0.as_str());
        }
        let transport = |message: String| Attempt {
            failure: Failure::Transport,
            retry_after: None,
            error: FetchError::Transport {
                what: what.to_string(),
                message: self.scrub(&message),
                attempts: String::new(),
            },
        };
        let mut resp = req
            .call()
            .map_err(|e| transport(describe(&e, self.config.timeout)))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body = resp
            .body_mut()
            .with_config()
            .limit(4 << 30)
            .read_to_string()
            .map_err(|e| {
                transport(format!(
                    "reading the response failed: {}",
                    describe(&e, self.config.timeout)
                ))
            })?;
        self.interpret(status, retry_after, &body, what)
    }

    fn interpret(
        &self,
        status: u16,
        retry_after: Option<u64>,
        body: &str,
        what: &str,
    ) -> Result<serde_json::Value, Attempt> {
        let doc: Option<serde_json::Value> = serde_json::from_str(body).ok();
        let ok = (200..300).contains(&status);
        if let Some(mut doc) = doc {
            match doc.get("status").and_then(|s| s.as_str()) {
                Some("success") if ok => {
                    if let Some(data) = doc.get_mut("data") {
                        return Ok(data.take());
                    }
                }
                Some("error") => {
                    let field = |k: &str| {
                        doc.get(k)
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_string()
                    };
                    return Err(Attempt {
                        failure: if ok {
                            Failure::Status(422)
                        } else {
                            Failure::Status(status)
                        },
                        retry_after,
                        error: FetchError::Api {
                            what: what.to_string(),
                            status,
                            error_type: self.scrub(&field("errorType")),
                            message: self.scrub(&field("error")),
                        },
                    });
                }
                _ => {}
            }
        }
        if ok {
            let why = match serde_json::from_str::<serde_json::Value>(body) {
                Err(e) if e.is_eof() => {
                    format!("truncated JSON response ({} bytes): {e}", body.len())
                }
                Err(e) => format!("invalid JSON response: {e}"),
                Ok(_) => "not a Prometheus API response (no status/data)".to_string(),
            };
            return Err(Attempt {
                failure: Failure::Malformed,
                retry_after,
                error: FetchError::Transport {
                    what: what.to_string(),
                    message: why,
                    attempts: String::new(),
                },
            });
        }
        Err(Attempt {
            failure: Failure::Status(status),
            retry_after,
            error: FetchError::Status {
                what: what.to_string(),
                status,
                attempts: String::new(),
                body: self.scrub(&snippet(body)),
            },
        })
    }

    /// `text` with every secret replaced by `<redacted>`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut secrets: Vec<&str> = Vec::new();
        if let Some(t) = &self.config.bearer_token {
            secrets.push(&t.0);
        }
        if let Some((_, p)) = &self.config.basic_auth {
            secrets.push(&p.0);
        }
        secrets.extend(self.config.headers.iter().map(|(_, v)| v.0.as_str()));
        for s in secrets.into_iter().filter(|s| s.len() >= 3) {
            out = out.replace(s, "<redacted>");
        }
        out
    }
}

fn with_attempts(e: FetchError, n: u32) -> FetchError {
    let note = if n > 1 {
        format!(" (after {n} attempts)")
    } else {
        String::new()
    };
    match e {
        FetchError::Status {
            what, status, body, ..
        } => FetchError::Status {
            what,
            status,
            attempts: note,
            body,
        },
        FetchError::Transport { what, message, .. } => FetchError::Transport {
            what,
            message,
            attempts: note,
        },
        api => api,
    }
}

/// A readable transport error; timeouts name the configured limit.
fn describe(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "timed out after {} (--timeout)",
            crate::model::Duration::from_millis(timeout.as_millis() as i64)
        ),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::Io(io) => format!("connection error: {io}"),
        other => other.to_string(),
    }
}

/// The first 200 characters of a body, on one line.
fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &one[..i]),
        None if one.is_empty() => "(empty body)".into(),
        None => one,
    }
}

/// Standard base64 with padding (for `Authorization: Basic`).
pub fn base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(token: &str) -> Client {
        Client::new(ClientConfig {
            base: BaseUrl::parse("http://127.0.0.1:1").unwrap().0,
            bearer_token: Some(Secret(token.into())),
            basic_auth: None,
            headers: vec![("X-Scope-OrgID".into(), Secret("tenant-7".into()))],
            ca_pem: None,
            insecure_skip_verify: false,
            timeout: Duration::from_secs(1),
            retries: 0,
            backoff_base: Duration::from_millis(1),
            backoff_cap: Duration::from_millis(1),
        })
        .unwrap()
    }

    #[test]
    fn base64_matches_rfc4648() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("alice:s3cret", "YWxpY2U6czNjcmV0"),
        ] {
            assert_eq!(base64(i), o, "{i}");
        }
    }

    #[test]
    fn interprets_prometheus_documents() {
        let c = client("tok-123");
        let w = "GET q";
        let data = c
            .interpret(
                200,
                None,
                r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                w,
            )
            .ok()
            .unwrap();
        assert_eq!(data["resultType"], "matrix");
        let e = c
            .interpret(
                400,
                None,
                r#"{"status":"error","errorType":"bad_data","error":"parse error: tok-123"}"#,
                w,
            )
            .err()
            .unwrap();
        assert_eq!(e.failure, Failure::Status(400));
        assert_eq!(
            e.error.to_string(),
            "GET q: Prometheus error (bad_data, HTTP 400): parse error: <redacted>"
        );
        let e = c
            .interpret(200, None, r#"{"status":"success","da"#, w)
            .err()
            .unwrap();
        assert_eq!(e.failure, Failure::Malformed);
        assert!(
            e.error.to_string().contains("truncated JSON response"),
            "{}",
            e.error
        );
        let e = c
            .interpret(503, Some(2), "<html>busy tenant-7</html>", w)
            .err()
            .unwrap();
        assert_eq!((e.failure, e.retry_after), (Failure::Status(503), Some(2)));
        assert_eq!(
            e.error.to_string(),
            "GET q: HTTP 503: <html>busy <redacted></html>"
        );
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let c = client("tok-123");
        assert!(!format!("{:?}", c.config).contains("tok-123"));
        assert!(!format!("{:?}", c.config).contains("tenant-7"));
    }
}

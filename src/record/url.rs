//! Prometheus API URLs: the base URL checked and split from any `user:password@`, paths
//! joined under it (a path prefix such as `/prometheus` is kept), query parameters
//! percent-encoded, times as seconds with milliseconds.

/// A checked base URL (`http(s)://host[:port][/prefix]`) without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

/// Credentials found in a URL's userinfo (`http://user:pass@host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredentials {
    pub user: String,
    pub password: String,
}

impl BaseUrl {
    /// Parses `--prometheus URL`; credentials in it are returned apart so they never end up
    /// in messages.
    pub fn parse(text: &str) -> Result<(BaseUrl, Option<UrlCredentials>), String> {
        let text = text.trim();
        let (scheme, rest) = text
            .split_once("://")
            .filter(|(s, _)| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
            .ok_or_else(|| "the Prometheus URL must start with http:// or https://".to_string())?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if path.contains('?') || path.contains('#') {
            return Err("the Prometheus URL must not have a query or fragment".into());
        }
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if host.is_empty() {
            return Err("the Prometheus URL has no host".into());
        }
        let creds = userinfo.map(|u| {
            let (user, password) = u.split_once(':').unwrap_or((u, ""));
            UrlCredentials {
                user: percent_decode(user),
                password: percent_decode(password),
            }
        });
        let path = path.trim_end_matches('/');
        Ok((
            BaseUrl(format!("{}://{host}{path}", scheme.to_ascii_lowercase())),
            creds,
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `base/api/v1/...?k=v&...` with every value percent-encoded.
    pub fn join(&self, path: &str, params: &[(&str, String)]) -> String {
        let mut url = format!("{}/{}", self.0, path.trim_start_matches('/'));
        for (i, (k, v)) in params.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&percent_encode(k));
            url.push('=');
            url.push_str(&percent_encode(v));
        }
        url
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 3986 unreserved characters stay, every other byte becomes `%XX`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Unix seconds with exactly three decimals (`1704067200.123`), as the API accepts them.
pub fn api_time(t_ms: i64) -> String {
    let sign = if t_ms < 0 { "-" } else { "" };
    let a = t_ms.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_base_urls() {
        let ok = |s: &str| BaseUrl::parse(s).unwrap();
        assert_eq!(
            ok("http://127.0.0.1:9090").0.as_str(),
            "http://127.0.0.1:9090"
        );
        assert_eq!(
            ok("http://127.0.0.1:9090/").0.as_str(),
            "http://127.0.0.1:9090"
        );
        assert_eq!(
            ok("HTTPS://prom.example/prometheus/").0.as_str(),
            "https://prom.example/prometheus"
        );
        let (base, creds) = ok("http://alice:s%40cret@prom:9090");
        assert_eq!(base.as_str(), "http://prom:9090");
        assert_eq!(
            creds,
            Some(UrlCredentials {
                user: "alice".into(),
                password: "s@cret".into()
            })
        );
        for bad in ["prom:9090", "ftp://x", "http://", "http://h/p?x=1"] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn builds_api_urls() {
        let (base, _) = BaseUrl::parse("http://h:9090/prom").unwrap();
        assert_eq!(
            base.join(
                "/api/v1/query",
                &[
                    ("query", r#"x{a="b c"}[3600001ms]"#.to_string()),
                    ("time", api_time(1_704_067_200_123))
                ]
            ),
            "http://h:9090/prom/api/v1/query?query=x%7Ba%3D%22b%20c%22%7D%5B3600001ms%5D&time=1704067200.123"
        );
        assert_eq!(
            base.join("api/v1/query", &[]),
            "http://h:9090/prom/api/v1/query"
        );
        assert_eq!(api_time(5), "0.005");
        assert_eq!(api_time(-1500), "-1.500");
        assert_eq!(percent_encode("+&=é"), "%2B%26%3D%C3%A9");
    }
}

//! When to try a request again and how long to wait: pure decisions, tested as tables.
//!
//! Retried: server errors (5xx), rate limiting (429), and transport failures (refused or
//! reset connections, timeouts, a body cut short). Not retried: other 4xx answers (a bad
//! query stays bad) and Prometheus error documents that arrive with them. The wait doubles
//! from `base` each attempt, capped at `cap`; a `Retry-After` in seconds is honoured up to
//! the cap.

use std::time::Duration;

/// How one attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// An HTTP answer with this status code (not 2xx).
    Status(u16),
    /// No usable answer: connection refused/reset/closed, timeout, truncated body.
    Transport,
    /// A complete 2xx answer that is not a Prometheus response.
    Malformed,
}

/// Whether this failure is worth another attempt.
pub fn retryable(f: Failure) -> bool {
    match f {
        Failure::Status(code) => code == 429 || (500..=599).contains(&code),
        Failure::Transport | Failure::Malformed => true,
    }
}

/// The wait before attempt `attempt + 1` (the first retry is `attempt` 0).
pub fn backoff(attempt: u32, base: Duration, cap: Duration, retry_after: Option<u64>) -> Duration {
    if let Some(secs) = retry_after {
        return Duration::from_secs(secs).min(cap);
    }
    base.saturating_mul(1u32 << attempt.min(20)).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_server_errors_and_transport_failures_only() {
        let cases = [
            (Failure::Status(500), true),
            (Failure::Status(502), true),
            (Failure::Status(503), true),
            (Failure::Status(504), true),
            (Failure::Status(429), true),
            (Failure::Status(400), false),
            (Failure::Status(401), false),
            (Failure::Status(403), false),
            (Failure::Status(404), false),
            (Failure::Status(422), false),
            (Failure::Transport, true),
            (Failure::Malformed, true),
        ];
        for (f, want) in cases {
            assert_eq!(retryable(f), want, "{f:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let ms = Duration::from_millis;
        let cap = Duration::from_secs(10);
        let got: Vec<Duration> = (0..7).map(|a| backoff(a, ms(500), cap, None)).collect();
        assert_eq!(
            got,
            [ms(500), ms(1000), ms(2000), ms(4000), ms(8000), cap, cap]
        );
        assert_eq!(backoff(0, ms(500), cap, Some(3)), Duration::from_secs(3));
        assert_eq!(backoff(0, ms(500), cap, Some(3600)), cap);
        assert_eq!(backoff(40, ms(500), cap, None), cap);
    }
}

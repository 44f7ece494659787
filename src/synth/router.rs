//! The router model: from the weight Argo wrote to the probability that a request reaches
//! the canary (TRAFFIC.md §6). Pure functions plus the small sticky-pin state.
//!
//! Depends on `config` only. What each router approximates is listed in the module docs of
//! `synth`.

use std::collections::VecDeque;

use super::config::{InternalService, NginxAffinity, Router, RoutingConfig};
use crate::model::Duration;

/// Ready pods per version during an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pods {
    pub canary: u32,
    pub stable: u32,
}

/// Canary probabilities for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// For an external request that missed the cache.
    pub external: f64,
    /// For an internal request.
    pub internal: f64,
}

/// Default data-plane lag after Argo's write (TRAFFIC.md §3: NGINX syncs ≥3.3 s apart, ALB
/// takes seconds to tens of seconds, istiod pushes in about 1 s).
pub fn default_weight_delay(router: Router) -> Duration {
    Duration::from_millis(match router {
        Router::None => 0,
        Router::Nginx => 2_000,
        Router::Alb => 10_000,
        Router::Istio | Router::Smi => 1_000,
    })
}

/// The weight the data plane applies: Argo's integer percent, rounded to the nearest
/// multiple of `granularity` percent and capped at 100.
pub fn quantize(weight: f64, granularity: u32) -> f64 {
    let g = f64::from(granularity.max(1));
    ((weight / g).round() * g).clamp(0.0, 100.0)
}

/// Per-request canary probability at the router, before stickiness.
/// - none: the replica ratio c/(c+s) (kube-proxy per connection; the weight only sized pods);
/// - nginx: W / max(100, canary-weight-total), the Lua ignoring totals ≤ 100;
/// - alb, istio, smi: W / 100.
pub fn router_probability(router: Router, weight: f64, nginx_total: u32, pods: Pods) -> f64 {
    match router {
        Router::None => replica_ratio(pods),
        Router::Nginx => (weight / f64::from(nginx_total.max(100))).clamp(0.0, 1.0),
        Router::Alb | Router::Istio | Router::Smi => (weight / 100.0).clamp(0.0, 1.0),
    }
}

/// Share of an all-pods Service's connections the canary gets.
pub fn replica_ratio(pods: Pods) -> f64 {
    let total = pods.canary + pods.stable;
    if total == 0 {
        0.0
    } else {
        f64::from(pods.canary) / f64::from(total)
    }
}

/// Canary share of requests from clients that carry a pin: `sticky_share` for sticky pins
/// (S of TRAFFIC.md §4.1), and for NGINX legacy affinity p/((1−p)·k), capped at p.
pub fn pinned_probability(
    router: Router,
    affinity: NginxAffinity,
    p: f64,
    sticky_share: f64,
    requests_per_session: f64,
) -> f64 {
    match (router, affinity) {
        (Router::Istio | Router::Smi, _) | (Router::Nginx, NginxAffinity::Off) => p,
        (Router::Nginx, NginxAffinity::Legacy) if p >= 1.0 => 1.0,
        (Router::Nginx, NginxAffinity::Legacy) => (p / ((1.0 - p) * requests_per_session)).min(p),
        _ => sticky_share,
    }
}

/// The internal callers' canary probability for the Service they use.
pub fn internal_probability(service: InternalService, p_router: f64, pods: Pods) -> f64 {
    match service {
        InternalService::Stable => 0.0,
        InternalService::Canary => 1.0,
        InternalService::AllPods => replica_ratio(pods),
        InternalService::Mesh => p_router,
    }
}

/// The Service internal callers use when the config leaves it open.
pub fn default_internal_service(router: Router) -> InternalService {
    match router {
        Router::Istio | Router::Smi => InternalService::Mesh,
        _ => InternalService::AllPods,
    }
}

/// The split for one interval: `weight` is the (time-averaged) weight the data plane
/// applied, `sticky_share` the pinned clients' canary share.
pub fn split(cfg: &RoutingConfig, weight: f64, pods: Pods, sticky_share: f64) -> Split {
    let w = quantize(weight, cfg.weight_granularity);
    let p = router_probability(cfg.router, w, cfg.nginx_weight_total, pods);
    let f = cfg.sticky_sessions;
    let pinned = pinned_probability(
        cfg.router,
        cfg.nginx_affinity,
        p,
        sticky_share,
        cfg.requests_per_session,
    );
    let service = cfg
        .internal_service
        .unwrap_or_else(|| default_internal_service(cfg.router));
    Split {
        external: ((1.0 - f) * p + f * pinned).clamp(0.0, 1.0),
        internal: internal_probability(service, p, pods),
    }
}

/// How pins expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinLifetime {
    /// Exponential with this mean (cookies, ClientIP affinity): S follows a first-order lag.
    Exponential(Duration),
    /// Exactly this long (ALB `durationSeconds`): S is the mean of p over the last L.
    Fixed(Duration),
}

impl PinLifetime {
    pub fn for_router(router: Router, lifetime: Duration) -> PinLifetime {
        match router {
            Router::Alb => PinLifetime::Fixed(lifetime),
            _ => PinLifetime::Exponential(lifetime),
        }
    }
}

/// The canary share S of live pinned sessions (TRAFFIC.md §4.1), steady arrivals assumed.
#[derive(Debug, Clone)]
pub struct StickyState {
    lifetime: PinLifetime,
    share: f64,
    /// Fixed pins: (interval length ms, p) of the intervals within the last L.
    window: VecDeque<(i64, f64)>,
}

impl StickyState {
    /// Before the rollout every pin points at stable.
    pub fn new(lifetime: PinLifetime) -> Self {
        StickyState {
            lifetime,
            share: 0.0,
            window: VecDeque::new(),
        }
    }

    pub fn share(&self) -> f64 {
        self.share
    }

    /// Every pin is dropped: the canary Service now selects stable pods (abort) or the
    /// canary's pods are gone.
    pub fn reset(&mut self) {
        self.share = 0.0;
        self.window.clear();
    }

    /// New sessions were pinned with probability `p` during `dt`; returns the mean share
    /// over the interval.
    pub fn advance(&mut self, p: f64, dt: Duration) -> f64 {
        let before = self.share;
        let dt_ms = dt.millis().max(0);
        match self.lifetime {
            PinLifetime::Exponential(t) => {
                let decay = (-(dt_ms as f64) / t.millis().max(1) as f64).exp();
                self.share = p + (before - p) * decay;
            }
            PinLifetime::Fixed(l) => {
                let l = l.millis().max(1);
                self.window.push_back((dt_ms, p));
                let mut covered: i64 = self.window.iter().map(|w| w.0).sum();
                while covered > l {
                    let excess = covered - l;
                    let front = self
                        .window
                        .front_mut()
                        .expect("covered > 0 means non-empty");
                    if front.0 <= excess {
                        covered -= front.0;
                        self.window.pop_front();
                    } else {
                        front.0 -= excess;
                        covered = l;
                    }
                }
                // Pins older than the history we hold were made before the rollout: stable.
                let canary: f64 = self.window.iter().map(|(d, p)| *d as f64 * p).sum();
                self.share = canary / l as f64;
            }
        }
        0.5 * (before + self.share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PODS: Pods = Pods {
        canary: 1,
        stable: 3,
    };

    #[test]
    fn router_probability_table() {
        for (router, w, total, want) in [
            (Router::None, 10.0, 100, 0.25), // replica ratio, TRAFFIC.md §1.3 (N=3, W=10)
            (Router::Nginx, 10.0, 100, 0.10),
            (Router::Nginx, 10.0, 50, 0.10), // totals ≤ 100 are ignored
            (Router::Nginx, 10.0, 200, 0.05),
            (Router::Alb, 10.0, 100, 0.10),
            (Router::Istio, 50.0, 100, 0.50),
            (Router::Smi, 100.0, 100, 1.0),
        ] {
            let p = router_probability(router, w, total, PODS);
            assert!((p - want).abs() < 1e-12, "{router:?} {w} {total}: {p}");
        }
        let none = Pods {
            canary: 0,
            stable: 0,
        };
        assert_eq!(router_probability(Router::None, 50.0, 100, none), 0.0);
    }

    #[test]
    fn quantize_table() {
        for (w, g, want) in [
            (12.0, 1, 12.0),
            (12.0, 5, 10.0),
            (13.0, 5, 15.0),
            (99.0, 10, 100.0),
        ] {
            assert_eq!(quantize(w, g), want, "{w} by {g}");
        }
    }

    #[test]
    fn pinned_probability_table() {
        use NginxAffinity::*;
        for (router, aff, p, s, want) in [
            (Router::Nginx, Sticky, 0.5, 0.2, 0.2),
            (Router::Nginx, Off, 0.5, 0.2, 0.5),
            (Router::Nginx, Legacy, 0.1, 0.0, 0.1 / (0.9 * 10.0)),
            (Router::Nginx, Legacy, 1.0, 0.0, 1.0),
            (Router::Alb, Sticky, 0.5, 0.3, 0.3),
            (Router::Istio, Sticky, 0.5, 0.3, 0.5),
        ] {
            let got = pinned_probability(router, aff, p, s, 10.0);
            assert!((got - want).abs() < 1e-12, "{router:?} {aff:?}: {got}");
        }
    }

    #[test]
    fn internal_probability_table() {
        use InternalService::*;
        for (svc, want) in [(Stable, 0.0), (Canary, 1.0), (AllPods, 0.25), (Mesh, 0.1)] {
            assert_eq!(internal_probability(svc, 0.1, PODS), want, "{svc:?}");
        }
    }

    #[test]
    fn exponential_pins_follow_the_first_order_lag() {
        // TRAFFIC.md §4.1: T = 30 min, 10% → 50%: ≈16% after 5 min, ≈21% after 10 min.
        let mut s = StickyState::new(PinLifetime::Exponential(Duration::from_secs(1800)));
        s.share = 0.1;
        s.advance(0.5, Duration::from_secs(300));
        assert!((s.share() - 0.1614).abs() < 1e-3, "{}", s.share());
        s.advance(0.5, Duration::from_secs(300));
        assert!((s.share() - 0.2135).abs() < 1e-3, "{}", s.share());
    }

    #[test]
    fn fixed_pins_catch_up_linearly() {
        let mut s = StickyState::new(PinLifetime::Fixed(Duration::from_secs(600)));
        for _ in 0..40 {
            s.advance(0.1, Duration::from_secs(15)); // 10 min at 10%
        }
        assert!((s.share() - 0.1).abs() < 1e-12);
        for _ in 0..20 {
            s.advance(0.5, Duration::from_secs(15)); // 5 min at 50%: halfway
        }
        assert!((s.share() - 0.3).abs() < 1e-12, "{}", s.share());
        for _ in 0..20 {
            s.advance(0.5, Duration::from_secs(15));
        }
        assert!((s.share() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn split_combines_stickiness_and_internal_callers() {
        let cfg = RoutingConfig {
            router: Router::Nginx,
            sticky_sessions: 0.5,
            ..RoutingConfig::default()
        };
        let sp = split(&cfg, 50.0, PODS, 0.1);
        assert!((sp.external - 0.3).abs() < 1e-12);
        assert_eq!(sp.internal, 0.25);
    }
}

//! The client limiter, timed and counted: `flashsale_rate_limiter_duration_seconds{key}` and
//! `flashsale_rate_limiter_decisions_total{key, decision}` (key `ip`; the per-product limits are
//! counted by the stock gate's `rate_limited` outcome).

use std::net::IpAddr;
use std::time::Instant;

use flashsale_application::ports::{RateLimitError, RateLimiter};
use flashsale_domain::RateDecision;

use crate::measured::{seconds_since, Measured};
use crate::names::{RATE_LIMITER_DECISIONS, RATE_LIMITER_DURATION};

impl<L: RateLimiter> RateLimiter for Measured<L> {
    async fn check(&self, client: IpAddr) -> Result<RateDecision, RateLimitError> {
        let start = Instant::now();
        let result = self.inner().check(client).await;
        let kind = "ip";
        let decision = match &result {
            Ok(RateDecision::Allowed) => "allowed",
            Ok(RateDecision::Limited { .. }) => "limited",
            Err(RateLimitError::Unavailable(_)) => "error",
        };
        metrics::histogram!(RATE_LIMITER_DURATION, "key" => kind).record(seconds_since(start));
        metrics::counter!(RATE_LIMITER_DECISIONS, "key" => kind, "decision" => decision)
            .increment(1);
        result
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::testing::{capture, counter_value, histogram_count, FakeLimiter};

    #[test]
    fn decisions_are_counted_by_key_kind() {
        let limiter = Measured::new(FakeLimiter::default());
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let (_, snapshot) = capture(async {
            limiter.check(ip).await.expect("decides");
            limiter.check(ip).await.expect("decides");
        });
        let decided = |decision| {
            counter_value(
                &snapshot,
                RATE_LIMITER_DECISIONS,
                &[("key", "ip"), ("decision", decision)],
            )
        };
        assert_eq!(decided("allowed"), Some(1));
        assert_eq!(decided("limited"), Some(1));
        assert_eq!(
            histogram_count(&snapshot, RATE_LIMITER_DURATION, &[("key", "ip")]),
            2
        );
    }
}

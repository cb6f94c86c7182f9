//! The client limiter contract, for a limiter configured with a burst of `burst` tokens per
//! client and a refill so slow that none comes back during the test.

use std::net::{IpAddr, Ipv4Addr};

use flashsale_application::ports::RateLimiter;
use flashsale_domain::RateDecision;

pub async fn rate_limiter_contract<L: RateLimiter>(limiter: L, burst: u32) {
    let flooder = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 8));
    for _ in 0..burst {
        assert_eq!(limiter.check(flooder).await.unwrap(), RateDecision::Allowed);
    }
    match limiter.check(flooder).await.unwrap() {
        RateDecision::Limited { retry_after } => assert!(!retry_after.is_zero()),
        RateDecision::Allowed => panic!("the bucket should be empty"),
    }
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));
    assert_eq!(limiter.check(other).await.unwrap(), RateDecision::Allowed);
}

//! The rate limiter contract, for a limiter configured with a burst of `burst` tokens per key
//! and a refill so slow that none comes back during the test.

use std::net::{IpAddr, Ipv4Addr};

use flashsale_application::ports::{RateKey, RateLimiter};
use flashsale_domain::{RateDecision, UserId};

pub async fn rate_limiter_contract<L: RateLimiter>(limiter: L, scope: &str, burst: u32) {
    let user = RateKey::User(UserId::parse(format!("{scope}-flooder")).unwrap());
    for _ in 0..burst {
        assert_eq!(limiter.check(&user).await.unwrap(), RateDecision::Allowed);
    }
    match limiter.check(&user).await.unwrap() {
        RateDecision::Limited { retry_after } => assert!(!retry_after.is_zero()),
        RateDecision::Allowed => panic!("the bucket should be empty"),
    }
    let other = RateKey::User(UserId::parse(format!("{scope}-other")).unwrap());
    assert_eq!(limiter.check(&other).await.unwrap(), RateDecision::Allowed);
    let ip = RateKey::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9)));
    assert_eq!(limiter.check(&ip).await.unwrap(), RateDecision::Allowed);
}

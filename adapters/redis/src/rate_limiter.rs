//! The Redis rate limiter: a token bucket per key in Lua, on the server's clock.

use std::time::Duration;

use flashsale_application::ports::{RateKey, RateLimitError, RateLimiter};
use flashsale_domain::{RateDecision, RatePolicy};

use crate::error::unavailable;
use crate::scripts::TOKEN_BUCKET;
use crate::RedisPool;

/// Token buckets shared by every API process.
#[derive(Clone)]
pub struct RedisRateLimiter {
    redis: RedisPool,
    per_ip: Option<RatePolicy>,
    per_user: Option<RatePolicy>,
}

impl RedisRateLimiter {
    /// A limiter with these policies; `None` turns a limit off.
    pub fn new(redis: RedisPool, per_ip: Option<RatePolicy>, per_user: Option<RatePolicy>) -> Self {
        Self {
            redis,
            per_ip,
            per_user,
        }
    }
}

impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &RateKey) -> Result<RateDecision, RateLimitError> {
        let keys = self.redis.keys();
        let (policy, bucket) = match key {
            RateKey::Ip(ip) => (self.per_ip, keys.ip_bucket(ip)),
            RateKey::User(user) => (self.per_user, keys.user_bucket(user)),
        };
        let Some(policy) = policy else {
            return Ok(RateDecision::Allowed);
        };
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(RateLimitError::Unavailable)?;
        let (allowed, wait_ms): (i64, i64) = TOKEN_BUCKET
            .key(bucket)
            .arg(policy.per_second())
            .arg(policy.burst())
            .invoke_async(&mut *connection)
            .await
            .map_err(|e| RateLimitError::Unavailable(unavailable(e)))?;
        Ok(if allowed == 1 {
            RateDecision::Allowed
        } else {
            let wait = u64::try_from(wait_ms).unwrap_or(1).max(1);
            RateDecision::Limited {
                retry_after: Duration::from_millis(wait),
            }
        })
    }
}

//! The token bucket: `burst` tokens at most, refilled at `per_second`, one taken per request.
//!
//! The in-memory limiter runs this code; the Redis limiter runs the same arithmetic in Lua on the
//! server's clock.

use std::time::Duration;

use crate::Timestamp;

/// How fast a bucket refills and how much it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePolicy {
    per_second: f64,
    burst: u32,
}

/// Why a rate policy is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatePolicyError {
    /// The refill rate is zero, negative or not a number.
    #[error("the refill rate must be a positive number of tokens per second")]
    NonPositiveRate,
    /// The bucket holds nothing.
    #[error("the burst must be at least one token")]
    ZeroBurst,
}

impl RatePolicy {
    /// A policy refilling `per_second` tokens each second, holding at most `burst`.
    ///
    /// # Errors
    /// [`RatePolicyError`] for a rate that is not positive or a burst of zero.
    pub fn new(per_second: f64, burst: u32) -> Result<Self, RatePolicyError> {
        if per_second.is_nan() || per_second <= 0.0 {
            return Err(RatePolicyError::NonPositiveRate);
        }
        if burst == 0 {
            return Err(RatePolicyError::ZeroBurst);
        }
        Ok(Self { per_second, burst })
    }

    /// Tokens added per second.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// Most tokens a bucket holds.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// How long an empty bucket takes to be full again: how long its state is worth keeping.
    pub fn refill_time(&self) -> Duration {
        Duration::from_secs_f64(f64::from(self.burst) / self.per_second)
    }
}

/// Whether one request may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// It may.
    Allowed,
    /// It may not; a token will be there after `retry_after`.
    Limited {
        /// When to try again.
        retry_after: Duration,
    },
}

/// One client's bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBucket {
    tokens: f64,
    updated_at: Timestamp,
}

impl TokenBucket {
    /// A full bucket.
    pub fn full(policy: &RatePolicy, now: Timestamp) -> Self {
        Self {
            tokens: f64::from(policy.burst),
            updated_at: now,
        }
    }

    /// Refills for the time since the last call, then takes one token if there is one.
    pub fn take(&mut self, policy: &RatePolicy, now: Timestamp) -> RateDecision {
        let elapsed = now.since(self.updated_at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * policy.per_second).min(f64::from(policy.burst));
        self.updated_at = self.updated_at.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return RateDecision::Allowed;
        }
        let missing = 1.0 - self.tokens;
        RateDecision::Limited {
            retry_after: Duration::from_secs_f64(missing / policy.per_second),
        }
    }

    /// Whether the bucket is full at `now`, so forgetting it changes nothing.
    pub fn is_full_at(&self, policy: &RatePolicy, now: Timestamp) -> bool {
        now.since(self.updated_at) >= policy.refill_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis(millis)
    }

    #[test]
    fn a_policy_needs_a_positive_rate_and_burst() {
        assert_eq!(
            RatePolicy::new(0.0, 1),
            Err(RatePolicyError::NonPositiveRate)
        );
        assert_eq!(
            RatePolicy::new(f64::NAN, 1),
            Err(RatePolicyError::NonPositiveRate)
        );
        assert_eq!(RatePolicy::new(1.0, 0), Err(RatePolicyError::ZeroBurst));
    }

    #[test]
    fn a_full_bucket_allows_a_burst_then_limits() {
        let policy = RatePolicy::new(1.0, 3).expect("valid");
        let mut bucket = TokenBucket::full(&policy, at(0));
        for _ in 0..3 {
            assert_eq!(bucket.take(&policy, at(0)), RateDecision::Allowed);
        }
        assert_eq!(
            bucket.take(&policy, at(0)),
            RateDecision::Limited {
                retry_after: Duration::from_secs(1)
            }
        );
    }

    #[test]
    fn tokens_refill_at_the_rate_and_never_above_the_burst() {
        let policy = RatePolicy::new(10.0, 2).expect("valid");
        let mut bucket = TokenBucket::full(&policy, at(0));
        bucket.take(&policy, at(0));
        bucket.take(&policy, at(0));
        assert_eq!(bucket.take(&policy, at(100)), RateDecision::Allowed);
        assert!(matches!(
            bucket.take(&policy, at(100)),
            RateDecision::Limited { .. }
        ));
        assert_eq!(bucket.take(&policy, at(10_000)), RateDecision::Allowed);
        assert_eq!(bucket.take(&policy, at(10_000)), RateDecision::Allowed);
        assert!(matches!(
            bucket.take(&policy, at(10_000)),
            RateDecision::Limited { .. }
        ));
    }

    #[test]
    fn a_clock_going_backwards_gives_no_tokens() {
        let policy = RatePolicy::new(1.0, 1).expect("valid");
        let mut bucket = TokenBucket::full(&policy, at(5_000));
        bucket.take(&policy, at(5_000));
        assert!(matches!(
            bucket.take(&policy, at(0)),
            RateDecision::Limited { .. }
        ));
    }

    #[test]
    fn a_bucket_is_full_after_its_refill_time() {
        let policy = RatePolicy::new(2.0, 4).expect("valid");
        let mut bucket = TokenBucket::full(&policy, at(0));
        bucket.take(&policy, at(0));
        assert!(!bucket.is_full_at(&policy, at(1_999)));
        assert!(bucket.is_full_at(&policy, at(2_000)));
    }
}

//! The in-memory rate limiter: the domain's token bucket per key, in lock-striped shards.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use flashsale_application::ports::{Clock, RateKey, RateLimitError, RateLimiter};
use flashsale_domain::{RateDecision, RatePolicy, TokenBucket};

const SHARDS: usize = 32;
/// A shard first forgets full buckets once it holds this many; then at twice what it kept.
const FIRST_SWEEP_AT: usize = 4_096;

struct Shard {
    buckets: HashMap<RateKey, TokenBucket>,
    sweep_at: usize,
}

/// Policies per key kind; `None` turns that limit off.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Per client address.
    pub per_ip: Option<RatePolicy>,
    /// Per authenticated user.
    pub per_user: Option<RatePolicy>,
}

/// Token buckets in memory; buckets that refilled completely are forgotten.
#[derive(Clone)]
pub struct MemoryRateLimiter<C: Clock> {
    limits: RateLimits,
    clock: C,
    shards: Arc<Vec<Mutex<Shard>>>,
}

impl<C: Clock> MemoryRateLimiter<C> {
    /// A limiter with these policies, reading time from `clock`.
    pub fn new(limits: RateLimits, clock: C) -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    buckets: HashMap::new(),
                    sweep_at: FIRST_SWEEP_AT,
                })
            })
            .collect();
        Self {
            limits,
            clock,
            shards: Arc::new(shards),
        }
    }

    fn policy(&self, key: &RateKey) -> Option<RatePolicy> {
        match key {
            RateKey::Ip(_) => self.limits.per_ip,
            RateKey::User(_) => self.limits.per_user,
        }
    }

    fn shard(&self, key: &RateKey) -> &Mutex<Shard> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let index = usize::try_from(hasher.finish() % SHARDS as u64).unwrap_or(0);
        &self.shards[index]
    }
}

impl<C: Clock> RateLimiter for MemoryRateLimiter<C> {
    async fn check(&self, key: &RateKey) -> Result<RateDecision, RateLimitError> {
        let Some(policy) = self.policy(key) else {
            return Ok(RateDecision::Allowed);
        };
        let now = self.clock.now();
        let mut shard = self
            .shard(key)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if shard.buckets.len() >= shard.sweep_at {
            shard.buckets.retain(|key, bucket| {
                self.policy(key)
                    .is_some_and(|policy| !bucket.is_full_at(&policy, now))
            });
            shard.sweep_at = (shard.buckets.len() * 2).max(FIRST_SWEEP_AT);
        }
        let bucket = shard
            .buckets
            .entry(key.clone())
            .or_insert_with(|| TokenBucket::full(&policy, now));
        Ok(bucket.take(&policy, now))
    }
}

//! The in-memory client limiter: the domain's token bucket per client address, in lock-striped
//! shards, for this process only.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use flashsale_application::ports::{Clock, GateLimits, RateLimitError, RateLimiter};
use flashsale_domain::{RateDecision, RatePolicy};

use crate::buckets::Buckets;

const SHARDS: usize = 32;

/// Every rate limit of a deployment; `None` turns one off.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Per client address across products, in each API process (the client limiter).
    pub per_ip: Option<RatePolicy>,
    /// Per (client address, product), in the stock gate's atomic step.
    pub per_ip_product: Option<RatePolicy>,
    /// Per (buyer, product), in the stock gate's atomic step.
    pub per_user: Option<RatePolicy>,
}

impl RateLimits {
    /// No limit at all.
    pub const NONE: Self = Self {
        per_ip: None,
        per_ip_product: None,
        per_user: None,
    };

    /// The limits the stock gate applies.
    pub fn gate(&self) -> GateLimits {
        GateLimits {
            per_client: self.per_ip_product,
            per_buyer: self.per_user,
        }
    }
}

/// Token buckets per client address in memory; buckets that refilled completely are forgotten.
#[derive(Clone)]
pub struct MemoryRateLimiter<C: Clock> {
    clock: C,
    shards: Option<Arc<Vec<Mutex<Buckets<IpAddr>>>>>,
}

impl<C: Clock> MemoryRateLimiter<C> {
    /// A limiter with this policy per client (`None`: no limit), reading time from `clock`.
    pub fn new(per_client: Option<RatePolicy>, clock: C) -> Self {
        let shards = per_client.map(|policy| {
            Arc::new(
                (0..SHARDS)
                    .map(|_| Mutex::new(Buckets::new(policy)))
                    .collect(),
            )
        });
        Self { clock, shards }
    }
}

fn shard_of(client: &IpAddr) -> usize {
    let mut hasher = DefaultHasher::new();
    client.hash(&mut hasher);
    usize::try_from(hasher.finish() % SHARDS as u64).unwrap_or(0)
}

impl<C: Clock> RateLimiter for MemoryRateLimiter<C> {
    async fn check(&self, client: IpAddr) -> Result<RateDecision, RateLimitError> {
        let Some(shards) = &self.shards else {
            return Ok(RateDecision::Allowed);
        };
        let now = self.clock.now();
        let mut shard = shards[shard_of(&client)]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(shard.take(&client, now))
    }
}

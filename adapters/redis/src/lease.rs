//! The Redis lease: one key per lease, held by `lua/lease.lua` on the caller's clock, shared by
//! every process that uses the same Redis and key prefix.

use std::time::Duration;

use flashsale_application::ports::{Lease, LeaseError};
use flashsale_domain::Timestamp;

use crate::error::command_failed;
use crate::scripts::LEASE;
use crate::RedisPool;

/// Leases in Redis.
#[derive(Clone)]
pub struct RedisLease {
    redis: RedisPool,
}

impl RedisLease {
    /// Leases kept in `redis`.
    pub fn new(redis: RedisPool) -> Self {
        Self { redis }
    }
}

impl Lease for RedisLease {
    async fn hold(
        &self,
        name: &str,
        holder: &str,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<bool, LeaseError> {
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(LeaseError::Unavailable)?;
        let held: i64 = LEASE
            .key(self.redis.keys().lease(name))
            .arg(holder)
            .arg(now.as_millis())
            .arg(ttl_ms)
            .invoke_async(&mut *connection)
            .await
            .map_err(|error| LeaseError::Unavailable(command_failed("running lease.lua", error)))?;
        Ok(held == 1)
    }
}

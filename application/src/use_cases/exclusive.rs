//! Work that several processes could do but one at a time should (reconciling, expiring unpaid
//! orders): a named lease, held under this process's name for a time to live and renewed by
//! every pass of its holder, so another process takes over once a holder stops passing.

use std::time::Duration;

use flashsale_domain::Timestamp;

use crate::ports::{Lease, LeaseError};

/// One process's claim on one piece of exclusive work.
#[derive(Clone)]
pub struct Exclusive<L: Lease> {
    lease: L,
    name: &'static str,
    holder: String,
    ttl: Duration,
}

impl<L: Lease> Exclusive<L> {
    /// Work `name`, claimed through `lease` by `holder` (unique per process) for `ttl` per
    /// pass: longer than the pause between passes, so the holder keeps it while it runs.
    pub fn new(lease: L, name: &'static str, holder: String, ttl: Duration) -> Self {
        Self {
            lease,
            name,
            holder,
            ttl,
        }
    }

    /// Whether this process may do the work now (taking or renewing the lease).
    ///
    /// # Errors
    /// [`LeaseError`] when the lease cannot be asked for: the work must not be done then.
    pub async fn claim(&self, now: Timestamp) -> Result<bool, LeaseError> {
        self.lease
            .hold(self.name, &self.holder, now, self.ttl)
            .await
    }
}

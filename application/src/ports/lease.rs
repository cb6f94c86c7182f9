//! A lease: one holder at a time for work that several processes could do but only one
//! should (the reconciler's passes), held for a time to live by the caller's clock and renewed
//! by its holder before it lapses.

use std::future::Future;
use std::time::Duration;

use flashsale_domain::Timestamp;

use super::PortFailure;

/// Why a lease could not be asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeaseError {
    /// The backing store did not answer: the caller does not know whether it holds the lease
    /// and must act as if it did not.
    #[error("the lease store is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
}

/// Named leases shared by every process of a deployment.
pub trait Lease: Clone + Send + Sync + 'static {
    /// Takes lease `name` for `holder` until `now + ttl` when it is free, lapsed, or already
    /// `holder`'s (then it is renewed). `true` when `holder` holds it now, `false` when another
    /// holder does.
    ///
    /// # Errors
    /// [`LeaseError::Unavailable`] when the backing store fails.
    fn hold(
        &self,
        name: &str,
        holder: &str,
        now: Timestamp,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, LeaseError>> + Send;
}

//! The in-memory lease: the leases of one process, by the caller's clock. In the embedded
//! profile there is one process, so its reconciler always holds the lease; the contract is the
//! same as the shared store's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use flashsale_application::ports::{Lease, LeaseError};
use flashsale_domain::Timestamp;

/// Leases held in this process: name → (holder, until).
#[derive(Clone, Default)]
pub struct MemoryLease {
    held: Arc<Mutex<HashMap<String, (String, Timestamp)>>>,
}

impl MemoryLease {
    /// No lease held.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Lease for MemoryLease {
    async fn hold(
        &self,
        name: &str,
        holder: &str,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<bool, LeaseError> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((current, until)) = held.get(name) {
            if current != holder && *until > now {
                return Ok(false);
            }
        }
        held.insert(name.to_owned(), (holder.to_owned(), now.plus(ttl)));
        Ok(true)
    }
}

//! One reconciler among many processes: each pass first holds the reconciler's lease, so only
//! one process at a time reconciles, and remembers what it re-published across passes.

use std::time::Duration;

use crate::ports::{Clock, Lease, LeaseError, Ports};
use crate::use_cases::exclusive::Exclusive;
use crate::use_cases::reconcile::{ReconcileError, ReconcileReport};
use crate::use_cases::republished::Republished;
use crate::FlashSale;

/// The name of the reconciler's lease.
pub const RECONCILER_LEASE: &str = "reconciler";

/// What one pass of a [`Reconciliation`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassOutcome {
    /// This process holds the lease and reconciled.
    Reconciled(ReconcileReport),
    /// Another process holds the lease; nothing was done.
    HeldElsewhere,
}

/// Why a pass of a [`Reconciliation`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ReconciliationError {
    /// The lease could not be asked for; nothing was done.
    #[error(transparent)]
    Lease(#[from] LeaseError),
    /// The pass failed part way.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
}

/// The reconciler of one process.
pub struct Reconciliation<L: Lease> {
    exclusive: Exclusive<L>,
    stale_after: Duration,
    republished: Republished,
}

impl<L: Lease> Reconciliation<L> {
    /// A reconciler known to the others as `holder` (unique per process), holding `lease` for
    /// `lease_ttl` per pass (longer than the interval between passes, so that it keeps the
    /// lease while it runs, and short enough for another process to take over when it dies),
    /// re-publishing reservations in flight for `stale_after`.
    pub fn new(lease: L, holder: String, lease_ttl: Duration, stale_after: Duration) -> Self {
        Self {
            exclusive: Exclusive::new(lease, RECONCILER_LEASE, holder, lease_ttl),
            stale_after,
            republished: Republished::new(),
        }
    }

    /// Holds the lease (taking or renewing it), then runs one [`FlashSale::reconcile`] pass;
    /// does nothing while another process holds it. A process that loses the lease forgets
    /// what it re-published (the new holder decides now).
    ///
    /// # Errors
    /// See [`ReconciliationError`].
    pub async fn pass<P: Ports>(
        &mut self,
        service: &FlashSale<P>,
    ) -> Result<PassOutcome, ReconciliationError> {
        let now = service.ports.clock.now();
        let held = self.exclusive.claim(now).await?;
        if !held {
            self.republished = Republished::new();
            return Ok(PassOutcome::HeldElsewhere);
        }
        let report = service
            .reconcile(self.stale_after, &mut self.republished)
            .await?;
        Ok(PassOutcome::Reconciled(report))
    }
}

//! Reconcile: repair the gaps between the stock gate, the queue and the system of record.
//!
//! Three gaps: a reservation taken but never queued (the API died between the two, a message
//! was lost, or its publish's outcome is unknown) stays in flight forever; a stock gate that
//! lost its data (Redis restarted without persistence) no longer holds the sales; and a gate
//! whose count drifted from the system of record's for a settled sale (units given back for
//! an order that was stored after all, before settling took them again, or any other slip).
//! Reconciling re-publishes stale in-flight reservations (processing is idempotent, so a
//! message that did arrive is harmless), each [claimed](StockGate::claim_for_republish) first
//! so that it can no longer be withdrawn, and each at most once per `stale_after` (see
//! [`Republished`]), reloads every sale the gate no longer holds from the system of record, and
//! sets the count of a sale with nothing in flight to the system of record's when they differ.
//! A sale that ended is [retired](crate::GateRetention) from the gate once its retention
//! passed: reconciling sets that deadline in the gate, and never reloads a retired sale.

use std::collections::HashSet;
use std::time::Duration;

use flashsale_domain::SalePhase;

use crate::ports::{
    CatalogError, Clock, LoadOutcome, OrderQueue, Ports, SaleCatalog, SaleRecord, StockGate,
    StockGateError,
};
use crate::use_cases::republished::Republished;
use crate::{ErrorChain, FlashSale};

/// What one reconciliation pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Sales the gate had lost and that were reloaded from the system of record.
    pub reloaded_sales: usize,
    /// Stale in-flight reservations queued again.
    pub republished: usize,
    /// Stale in-flight reservations not queued again because this reconciler did so less than
    /// `stale_after` ago (still waiting in the queue, most likely).
    pub recently_republished: usize,
    /// Stale reservations that could not be queued (retried on the next pass).
    pub publish_failures: usize,
    /// Sales with nothing in flight whose gate count was set to the system of record's.
    pub repaired_sales: usize,
}

impl ReconcileReport {
    /// Whether the pass changed anything or failed to (holding back a recent re-publish is
    /// neither).
    pub fn changed_anything(&self) -> bool {
        self.reloaded_sales + self.republished + self.publish_failures + self.repaired_sales > 0
    }
}

/// Why a reconciliation pass stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// One reconciliation pass: reloads sales the gate lost, repairs the count of sales with
    /// nothing in flight whose gate and system of record disagree, then re-publishes every
    /// in-flight reservation older than `stale_after` that `republished` does not show as
    /// re-published less than `stale_after` ago. Safe to run at any time and from several
    /// processes (a [`Reconciliation`](crate::Reconciliation) runs it in one at a time).
    ///
    /// After the gate lost its data, reservations still queued but not yet persisted are not
    /// in the system of record: their units look available again and their buyers may buy
    /// again. The order store then refuses the surplus (`sold_out` / `already_purchased`), so the
    /// database never oversells, but those buyers see a failure after their `202`.
    ///
    /// # Errors
    /// See [`ReconcileError`]; a failed publish is counted, not an error.
    pub async fn reconcile(
        &self,
        stale_after: Duration,
        republished: &mut Republished,
    ) -> Result<ReconcileReport, ReconcileError> {
        let mut report = ReconcileReport::default();
        let sales = self.sales_with_live_stock::<ReconcileError>().await?;
        let retention = self.gate_retention();
        let now = self.ports.clock.now();
        if sales
            .iter()
            .any(|(record, live)| live.is_none() && !retention.is_retired(&record.sale, now))
        {
            for snapshot in self.ports.catalog.snapshots().await? {
                if retention.is_retired(&snapshot.sale, now) {
                    continue;
                }
                if self.ports.gate.load(&snapshot).await? == LoadOutcome::Loaded {
                    tracing::warn!(product = %snapshot.sale.product_id(), "sale reloaded into the stock gate");
                    report.reloaded_sales += 1;
                }
            }
        }
        for (record, live) in &sales {
            if let Some(seen) = live {
                if self.repair_drift(record, *seen).await? {
                    report.repaired_sales += 1;
                }
                if record.sale.window().phase(now) == SalePhase::Ended {
                    let product = record.sale.product_id();
                    let until = retention.until(&record.sale);
                    self.ports.gate.retire(product, until, now).await?;
                }
            }
        }
        let mut stale = HashSet::new();
        for (record, _) in &sales {
            let product = record.sale.product_id();
            for reservation in self.ports.gate.in_flight(product).await? {
                if now.since(reservation.reserved_at) < stale_after {
                    break;
                }
                stale.insert(reservation.request_id.clone());
                if !republished.due(&reservation.request_id, now, stale_after) {
                    report.recently_republished += 1;
                    continue;
                }
                // Claimed first: a process whose own publish failed can then no longer
                // withdraw it and tell its buyer nothing was taken.
                if !self.ports.gate.claim_for_republish(&reservation).await? {
                    continue;
                }
                match self.ports.queue.publish(&reservation).await {
                    Ok(()) => {
                        republished.record(&reservation.request_id, now);
                        report.republished += 1;
                    }
                    Err(error) => {
                        // The queue is down: the next pass tries again, rather than this one
                        // waiting out a timeout per reservation.
                        tracing::warn!(error = %ErrorChain(&error), request_id = %reservation.request_id, "republish failed");
                        report.publish_failures += 1;
                        break;
                    }
                }
            }
        }
        republished.keep_only(&stale);
        Ok(report)
    }

    /// Sets the gate's count of a settled sale to the system of record's. The reads go gate
    /// count (`seen`, read by the caller), then in-flight count, then the system of record:
    /// a reservation in flight when `seen` was read is counted, and one settled before the
    /// in-flight count is already in the system of record's count; the gate's own check
    /// (nothing in flight, still `seen`) refuses the repair if anything moved since.
    async fn repair_drift(&self, record: &SaleRecord, seen: u32) -> Result<bool, ReconcileError> {
        let product = record.sale.product_id();
        if self.ports.gate.in_flight_count(product).await? > 0 {
            return Ok(false);
        }
        let Some(audit) = self.ports.catalog.audit(product).await? else {
            return Ok(false);
        };
        if audit.remaining == seen {
            return Ok(false);
        }
        let repaired = self
            .ports
            .gate
            .repair(product, seen, audit.remaining)
            .await?;
        if repaired {
            tracing::warn!(%product, gate = seen, system_of_record = audit.remaining, "gate count repaired");
        }
        Ok(repaired)
    }
}

//! Process orders: persist a batch of queued reservations idempotently, then publish results.

use flashsale_domain::{FailureReason, Purchase, Reservation};

use crate::ports::{
    Clock, IdGenerator, NewOrder, OrderStore, OrderStoreError, Persisted, Ports, ResultStore,
    ResultStoreError, StockGate, StockGateError,
};
use crate::FlashSale;

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// New orders.
    pub created: usize,
    /// Redelivered messages recognised and skipped.
    pub redelivered: usize,
    /// Reservations refused by the system of record: their units returned to the gate, or
    /// dropped when the system of record had none (sold out).
    pub failed: usize,
}

/// Why a batch must be retried. Retrying the same batch is always safe.
#[derive(Debug, thiserror::Error)]
pub enum ProcessOrdersError {
    /// The transaction did not commit; nothing of the batch is stored.
    #[error(transparent)]
    Store(#[from] OrderStoreError),
    /// Orders are stored but their results could not be written.
    #[error(transparent)]
    Results(#[from] ResultStoreError),
    /// Orders are stored but the gate could not settle or release reservations.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl ProcessOrdersError {
    /// Whether retrying the batch may succeed: only a store that refuses it for good makes
    /// retrying useless (results and the gate are retried until they answer).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Store(error) => error.is_transient(),
            Self::Results(_) | Self::Gate(_) => true,
        }
    }
}

impl<P: Ports> FlashSale<P> {
    /// Persists a batch of reservations as orders in one transaction, then records each buyer's
    /// result. A redelivered message is a no-op; a reservation the store refuses has its stock
    /// released (exactly once; dropped instead when the store had no stock for it, so the gate
    /// converges on the system of record) and its buyer told why.
    ///
    /// The queue's consumer must acknowledge the batch only after this returns `Ok`.
    ///
    /// # Errors
    /// See [`ProcessOrdersError`].
    pub async fn process_orders(
        &self,
        batch: &[Reservation],
    ) -> Result<BatchReport, ProcessOrdersError> {
        if batch.is_empty() {
            return Ok(BatchReport::default());
        }
        let now = self.ports.clock.now();
        let orders: Vec<NewOrder> = batch
            .iter()
            .map(|reservation| NewOrder {
                order_id: self.ports.ids.order_id(),
                reservation: reservation.clone(),
                created_at: now,
            })
            .collect();
        let outcomes = self.ports.store.persist(&orders).await?;

        let mut report = BatchReport::default();
        let mut results = Vec::with_capacity(batch.len());
        let mut settled = Vec::with_capacity(batch.len());
        let mut refused = Vec::new();
        for (reservation, outcome) in batch.iter().zip(outcomes) {
            let mut purchase = Purchase::accepted(reservation);
            let ended = match outcome {
                Persisted::Created(order) => {
                    report.created += 1;
                    settled.push(reservation.clone());
                    purchase.succeed(order.id, Some(order.payment_deadline))
                }
                Persisted::AlreadyPersisted(order) => {
                    report.redelivered += 1;
                    settled.push(reservation.clone());
                    purchase.succeed(order.id, Some(order.payment_deadline))
                }
                Persisted::Refused(reason) => {
                    report.failed += 1;
                    refused.push((reservation, reason));
                    purchase.fail(reason)
                }
            };
            debug_assert!(ended.is_ok(), "a fresh purchase is pending");
            results.push(purchase);
        }
        // Results first, then the gate: the in-flight record (the pending state) goes only once
        // the final state is there to be polled.
        self.ports.results.save(&results).await?;
        for (reservation, reason) in refused {
            match reason {
                // The system of record has no such units: never offer them again.
                FailureReason::SoldOut | FailureReason::UnknownSale => {
                    self.ports.gate.discard(reservation).await?
                }
                _ => self.ports.gate.release(reservation).await?,
            };
        }
        self.ports.gate.settle(&settled).await?;
        Ok(report)
    }
}

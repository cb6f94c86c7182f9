//! The order store: the system of record, where a reservation becomes an order.

use std::future::Future;

use flashsale_domain::{
    FailureReason, Order, OrderId, ProductId, RequestId, Reservation, Timestamp, UserId,
};

use super::PortFailure;

/// A reservation to persist as an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// The id to give the order if it is created.
    pub order_id: OrderId,
    /// The reservation it comes from.
    pub reservation: Reservation,
    /// When it is created.
    pub created_at: Timestamp,
}

/// What persisting one reservation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persisted {
    /// A new order, and the stock decremented with it.
    Created(Order),
    /// This very request was persisted before (a redelivered message): nothing changed.
    AlreadyPersisted(Order),
    /// No order was created and no stock taken, for this reason.
    Refused(FailureReason),
}

/// Why a batch could not be persisted. Nothing of it was committed; retrying is safe, and
/// [`is_transient`](Self::is_transient) says whether it can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderStoreError {
    /// The database did not answer, or rolled the transaction back for a reason that may pass
    /// (a deadlock, a lock wait timeout, a lost connection): retrying may succeed.
    #[error("the order store is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
    /// The database refused the batch for a reason retrying cannot fix (a constraint, a
    /// trigger, a value it does not accept, a row the domain refuses).
    #[error("the order store refuses the batch: {0}")]
    Refused(#[source] PortFailure),
}

impl OrderStoreError {
    /// Whether retrying the same call may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// Persists orders with their stock decrement, idempotently on (user, product).
pub trait OrderStore: Clone + Send + Sync + 'static {
    /// Persists a batch in one transaction: per product a conditional stock decrement that never
    /// goes below zero, plus the order inserts. Returns one [`Persisted`] per input, in order.
    /// A reservation whose request already has an order is [`Persisted::AlreadyPersisted`];
    /// one whose buyer already has another order for the product is refused as
    /// [`FailureReason::AlreadyPurchased`]; one that finds too little stock is refused as
    /// [`FailureReason::SoldOut`]; one for an unknown sale as [`FailureReason::UnknownSale`].
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the transaction could not commit for a reason that
    /// may pass, [`OrderStoreError::Refused`] when the database refuses the batch for good;
    /// nothing of the batch is then stored.
    fn persist(
        &self,
        orders: &[NewOrder],
    ) -> impl Future<Output = Result<Vec<Persisted>, OrderStoreError>> + Send;

    /// The order created for a purchase request, if any: the truth a buyer's result falls back
    /// on when the result store no longer has it.
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn find_order(
        &self,
        request_id: &RequestId,
    ) -> impl Future<Output = Result<Option<Order>, OrderStoreError>> + Send;

    /// The buyer's order for a product, if any (at most one exists): what a buyer looking up
    /// their purchase by product falls back on when neither the gate nor the result store
    /// knows it.
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn find_order_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> impl Future<Output = Result<Option<Order>, OrderStoreError>> + Send;
}

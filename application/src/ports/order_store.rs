//! The order store: the system of record, where a reservation becomes an order.

use std::future::Future;

use flashsale_domain::{
    FailureReason, Order, OrderId, OrderStatus, PaymentId, ProductId, RequestId, Reservation,
    Timestamp, UserId,
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

/// How an unpaid order is closed, giving its units back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The buyer cancels it.
    Cancel,
    /// Its payment deadline passed.
    Expire,
}

impl Closing {
    /// The status the order ends in.
    pub fn status(self) -> OrderStatus {
        match self {
            Self::Cancel => OrderStatus::Cancelled,
            Self::Expire => OrderStatus::Expired,
        }
    }
}

/// What closing an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// The order moved from pending payment to the closing's status and its units went back to
    /// the sale's `remaining`, in one transaction: this caller, and no other, returns them to
    /// the stock gate.
    Closed(Order),
    /// Nothing changed: the order is no longer pending payment (paid, or closed before), or,
    /// for an expiry, its deadline has not come. The order as it stands.
    Unchanged(Order),
    /// No such order.
    Unknown,
}

/// What recording a payment of an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// The order moved from pending payment to paid, recording this payment: this call, and no
    /// other, paid it.
    Paid(Order),
    /// Nothing changed: the order as it stands. Paid before (by this payment, a redelivery, or
    /// by another), cancelled, expired, or still pending payment past its deadline.
    Unchanged(Order),
    /// Nothing changed: this payment already pays another order, the one named.
    PaymentUsed(OrderId),
    /// No such order.
    Unknown,
}

/// One page of a buyer's orders, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderPage {
    /// Orders to skip.
    pub offset: u32,
    /// Most orders to return.
    pub limit: u32,
}

/// A page of a sale's orders, newest first (by creation, then order id): an operator's view,
/// paged by position (keyset) so a deep page costs what the first one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleOrdersQuery {
    /// Only orders in this status; all when `None`.
    pub status: Option<OrderStatus>,
    /// Only orders after this one in the page order (the last order of the previous page).
    pub after: Option<OrderPosition>,
    /// Most orders to return.
    pub limit: u32,
}

/// Where an order stands in a newest-first listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPosition {
    /// When the order was created.
    pub created_at: Timestamp,
    /// The order's id (orders created at the same millisecond come by id, descending).
    pub order_id: OrderId,
}

impl OrderPosition {
    /// The position of `order`.
    #[must_use]
    pub fn of(order: &Order) -> Self {
        Self {
            created_at: order.created_at,
            order_id: order.id.clone(),
        }
    }

    /// Whether `order` comes after this position in a newest-first listing.
    #[must_use]
    pub fn precedes(&self, order: &Order) -> bool {
        (order.created_at, &order.id) < (self.created_at, &self.order_id)
    }
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
///
/// Every change of an order's status it commits (an order created by [`Self::persist`], paid by
/// [`Self::pay`], closed by [`Self::close`]) also writes one order event into the outbox in the
/// same transaction, and a call that changes nothing writes none (see
/// [`super::OrderEvents`]).
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

    /// The order with this id, if any.
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn order(
        &self,
        order_id: &OrderId,
    ) -> impl Future<Output = Result<Option<Order>, OrderStoreError>> + Send;

    /// A page of the buyer's orders, newest first (by creation, then order id).
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn orders_of(
        &self,
        user_id: &UserId,
        page: OrderPage,
    ) -> impl Future<Output = Result<Vec<Order>, OrderStoreError>> + Send;

    /// A page of a sale's orders, newest first (by creation, then order id), as `query` says.
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn sale_orders(
        &self,
        product_id: &ProductId,
        query: &SaleOrdersQuery,
    ) -> impl Future<Output = Result<Vec<Order>, OrderStoreError>> + Send;

    /// Closes an order pending payment, in one transaction: a compare-and-set of its status
    /// from `pending_payment` to the closing's (for [`Closing::Expire`] only once `now` is at
    /// or past its payment deadline) and the return of its units to the sale's `remaining`.
    /// Of any number of concurrent calls for one order, at most one answers [`Closed::Closed`].
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the transaction could not commit (nothing
    /// changed; retrying is safe), [`OrderStoreError::Refused`] when the database refuses it.
    fn close(
        &self,
        order_id: &OrderId,
        closing: Closing,
        now: Timestamp,
    ) -> impl Future<Output = Result<Closed, OrderStoreError>> + Send;

    /// Records that `payment_id` pays the order: a compare-and-set of its status from
    /// `pending_payment` to `paid`, only while `now` is before its payment deadline, storing
    /// the payment id with it. A payment id pays at most one order (unique in the store); an
    /// order is paid at most once. Of any number of concurrent calls for one order, at most
    /// one answers [`Paid::Paid`]; an order already paid by `payment_id` answers
    /// [`Paid::Unchanged`] with it, so a redelivered payment sees the same order. Nothing
    /// else changes: the units of a paid order stay taken.
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails (nothing changed; retrying is
    /// safe), [`OrderStoreError::Refused`] when it refuses the write for good.
    fn pay(
        &self,
        order_id: &OrderId,
        payment_id: &PaymentId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Paid, OrderStoreError>> + Send;

    /// Up to `limit` orders pending payment whose deadline is at or before `now`, oldest
    /// deadline first: what the expiry worker closes (served by an index on (status,
    /// deadline)).
    ///
    /// # Errors
    /// [`OrderStoreError::Unavailable`] when the database fails.
    fn overdue(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Order>, OrderStoreError>> + Send;

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

//! Confirm a payment (the payment provider's webhook): an order pending payment becomes paid,
//! once, by one payment; a payment the order cannot take is refused, so the provider refunds it.

use flashsale_domain::{Order, OrderId, OrderStatus, PaymentId, Timestamp};

use crate::ports::{Clock, OrderStore, OrderStoreError, Paid, Ports};
use crate::FlashSale;

/// A confirmed payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentConfirmed {
    /// The paid order.
    pub order: Order,
    /// Whether this confirmation paid it (`false`: a redelivery of the payment that had).
    pub newly_paid: bool,
}

/// Why a payment was not taken. Nothing changed; for every variant but `Store` the provider
/// should refund the payment.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmPaymentError {
    /// No such order.
    #[error("no order {0}")]
    UnknownOrder(OrderId),
    /// The order cannot be paid: it is cancelled or expired, paid by another payment, or still
    /// pending payment but past its deadline (it is about to expire).
    #[error("order {order_id} is {status:?} and cannot be paid")]
    NotPayable {
        /// The order.
        order_id: OrderId,
        /// Where it stands.
        status: OrderStatus,
        /// Its payment deadline.
        deadline: Timestamp,
    },
    /// The payment already paid another order.
    #[error("payment {payment_id} already paid order {paid_order}")]
    PaymentUsed {
        /// The payment.
        payment_id: PaymentId,
        /// The order it paid.
        paid_order: OrderId,
    },
    /// The store failed; nothing changed, and confirming again is safe.
    #[error(transparent)]
    Store(#[from] OrderStoreError),
}

impl<P: Ports> FlashSale<P> {
    /// Records that `payment_id` pays the order: `pending_payment -> paid` with a
    /// compare-and-set, only before the order's payment deadline (by the clock port). The
    /// order's units stay taken. Idempotent by payment id: the same payment confirmed again
    /// answers the same order (`newly_paid: false`), however often it is delivered.
    ///
    /// # Errors
    /// [`ConfirmPaymentError::NotPayable`] when the order is cancelled, expired, past its
    /// deadline or paid by another payment; [`ConfirmPaymentError::PaymentUsed`] when the
    /// payment paid another order; [`ConfirmPaymentError::UnknownOrder`];
    /// [`ConfirmPaymentError::Store`] when the store fails. Nothing changed in any case.
    pub async fn confirm_payment(
        &self,
        order_id: &OrderId,
        payment_id: &PaymentId,
    ) -> Result<PaymentConfirmed, ConfirmPaymentError> {
        let now = self.ports.clock.now();
        match self.ports.store.pay(order_id, payment_id, now).await? {
            Paid::Paid(order) => {
                tracing::info!(order_id = %order.id, %payment_id, "order paid");
                Ok(PaymentConfirmed {
                    order,
                    newly_paid: true,
                })
            }
            Paid::Unchanged(order) if order.payment_id() == Some(payment_id) => {
                tracing::info!(order_id = %order.id, %payment_id, "payment confirmed again");
                Ok(PaymentConfirmed {
                    order,
                    newly_paid: false,
                })
            }
            Paid::Unchanged(order) => {
                tracing::warn!(
                    order_id = %order.id,
                    %payment_id,
                    status = ?order.status(),
                    "payment refused: the order cannot be paid"
                );
                Err(ConfirmPaymentError::NotPayable {
                    order_id: order.id.clone(),
                    status: order.status(),
                    deadline: order.payment_deadline,
                })
            }
            Paid::PaymentUsed(paid_order) => {
                tracing::warn!(%order_id, %payment_id, %paid_order, "payment refused: it paid another order");
                Err(ConfirmPaymentError::PaymentUsed {
                    payment_id: payment_id.clone(),
                    paid_order,
                })
            }
            Paid::Unknown => Err(ConfirmPaymentError::UnknownOrder(order_id.clone())),
        }
    }
}

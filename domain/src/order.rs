//! An order and its payment life cycle: pending payment, then paid, cancelled or expired.

use crate::{OrderId, PaymentId, ProductId, Quantity, RequestId, Timestamp, UserId};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Created from a reservation; waiting for the buyer to pay.
    PendingPayment,
    /// Paid: final.
    Paid,
    /// Cancelled by the buyer or an operator: final.
    Cancelled,
    /// Not paid in time: final.
    Expired,
}

impl OrderStatus {
    /// Whether no further transition is possible.
    pub fn is_final(self) -> bool {
        !matches!(self, OrderStatus::PendingPayment)
    }
}

/// An illegal move of an order's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an order cannot go from {from:?} to {to:?}")]
pub struct OrderTransitionError {
    /// The status the order had.
    pub from: OrderStatus,
    /// The status asked for.
    pub to: OrderStatus,
}

/// One buyer's order for one product: at most one per (user, product).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order's id.
    pub id: OrderId,
    /// The purchase request it was created for.
    pub request_id: RequestId,
    /// The buyer.
    pub user_id: UserId,
    /// The product.
    pub product_id: ProductId,
    /// Units bought.
    pub quantity: Quantity,
    /// When it was created.
    pub created_at: Timestamp,
    /// The first instant at which, still unpaid, it is overdue and may expire (its creation
    /// plus the sale's [`crate::PaymentWindow`]).
    pub payment_deadline: Timestamp,
    status: OrderStatus,
    /// The payment that paid it, once paid.
    payment_id: Option<PaymentId>,
}

impl Order {
    /// A new order waiting for payment until `payment_deadline`.
    pub fn new(
        id: OrderId,
        request_id: RequestId,
        user_id: UserId,
        product_id: ProductId,
        quantity: Quantity,
        created_at: Timestamp,
        payment_deadline: Timestamp,
    ) -> Self {
        Self {
            id,
            request_id,
            user_id,
            product_id,
            quantity,
            created_at,
            payment_deadline,
            status: OrderStatus::PendingPayment,
            payment_id: None,
        }
    }

    /// An order as stored, with the status it has there.
    pub fn with_status(mut self, status: OrderStatus) -> Self {
        self.status = status;
        self
    }

    /// An order as stored, with the payment that paid it.
    pub fn with_payment(mut self, payment_id: Option<PaymentId>) -> Self {
        self.payment_id = payment_id;
        self
    }

    /// The order's status.
    pub fn status(&self) -> OrderStatus {
        self.status
    }

    /// The payment that paid the order; `None` unless it is paid.
    pub fn payment_id(&self) -> Option<&PaymentId> {
        self.payment_id.as_ref()
    }

    /// Marks the order paid by `payment_id` at `now`.
    ///
    /// # Errors
    /// [`OrderTransitionError`] unless the order is [payable](Self::is_payable) at `now`:
    /// pending payment and before its deadline.
    pub fn pay(
        &mut self,
        payment_id: PaymentId,
        now: Timestamp,
    ) -> Result<(), OrderTransitionError> {
        if self.status == OrderStatus::PendingPayment && !self.is_payable(now) {
            return Err(OrderTransitionError {
                from: self.status,
                to: OrderStatus::Paid,
            });
        }
        self.move_to(OrderStatus::Paid)?;
        self.payment_id = Some(payment_id);
        Ok(())
    }

    /// Cancels the order.
    ///
    /// # Errors
    /// [`OrderTransitionError`] unless the order is pending payment.
    pub fn cancel(&mut self) -> Result<(), OrderTransitionError> {
        self.move_to(OrderStatus::Cancelled)
    }

    /// Whether the order is still unpaid at or after its payment deadline: it may expire.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == OrderStatus::PendingPayment && now >= self.payment_deadline
    }

    /// Whether `now` is still inside the payment window (an unpaid order may be paid).
    pub fn is_payable(&self, now: Timestamp) -> bool {
        self.status == OrderStatus::PendingPayment && now < self.payment_deadline
    }

    /// Expires the unpaid order at `now`.
    ///
    /// # Errors
    /// [`OrderTransitionError`] unless the order is [overdue](Self::is_overdue) at `now`.
    pub fn expire(&mut self, now: Timestamp) -> Result<(), OrderTransitionError> {
        if self.status == OrderStatus::PendingPayment && !self.is_overdue(now) {
            return Err(OrderTransitionError {
                from: self.status,
                to: OrderStatus::Expired,
            });
        }
        self.move_to(OrderStatus::Expired)
    }

    fn move_to(&mut self, to: OrderStatus) -> Result<(), OrderTransitionError> {
        if self.status.is_final() {
            return Err(OrderTransitionError {
                from: self.status,
                to,
            });
        }
        self.status = to;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order::new(
            OrderId::parse("o1").expect("valid"),
            RequestId::parse("r1").expect("valid"),
            UserId::parse("u1").expect("valid"),
            ProductId::parse("p1").expect("valid"),
            Quantity::ONE,
            Timestamp::from_millis(1),
            Timestamp::from_millis(100),
        )
    }

    fn payment() -> PaymentId {
        PaymentId::parse("pay_1").expect("valid")
    }

    #[test]
    fn a_new_order_waits_for_payment() {
        assert_eq!(order().status(), OrderStatus::PendingPayment);
        assert!(!order().status().is_final());
        assert_eq!(order().payment_id(), None);
    }

    #[test]
    fn an_order_is_paid_only_before_its_deadline() {
        let mut late = order();
        assert_eq!(
            late.pay(payment(), Timestamp::from_millis(100)),
            Err(OrderTransitionError {
                from: OrderStatus::PendingPayment,
                to: OrderStatus::Paid
            })
        );
        assert_eq!(late.status(), OrderStatus::PendingPayment);
        assert_eq!(late.payment_id(), None, "a refused payment is not kept");
    }

    #[test]
    fn a_pending_order_can_be_paid_cancelled_or_expired() {
        let mut paid = order();
        paid.pay(payment(), Timestamp::from_millis(99))
            .expect("legal");
        assert_eq!(paid.status(), OrderStatus::Paid);
        assert_eq!(paid.payment_id(), Some(&payment()));
        let mut cancelled = order();
        cancelled.cancel().expect("legal");
        assert_eq!(cancelled.status(), OrderStatus::Cancelled);
        let mut expired = order();
        expired.expire(Timestamp::from_millis(100)).expect("legal");
        assert_eq!(expired.status(), OrderStatus::Expired);
    }

    #[test]
    fn an_order_expires_only_from_its_deadline_on() {
        let mut early = order();
        assert!(early.is_payable(Timestamp::from_millis(99)));
        assert!(!early.is_overdue(Timestamp::from_millis(99)));
        assert!(early.expire(Timestamp::from_millis(99)).is_err());
        assert_eq!(early.status(), OrderStatus::PendingPayment);
        assert!(early.is_overdue(Timestamp::from_millis(100)));
        assert!(!early.is_payable(Timestamp::from_millis(100)));
        early.expire(Timestamp::from_millis(100)).expect("due");
        assert!(!early.is_overdue(Timestamp::from_millis(200)));
    }

    #[test]
    fn a_final_order_cannot_move_again() {
        for status in [
            OrderStatus::Paid,
            OrderStatus::Cancelled,
            OrderStatus::Expired,
        ] {
            let mut done = order().with_status(status);
            assert!(status.is_final());
            assert_eq!(
                done.pay(payment(), Timestamp::from_millis(2)),
                Err(OrderTransitionError {
                    from: status,
                    to: OrderStatus::Paid
                })
            );
            assert!(done.cancel().is_err());
            assert!(done.expire(Timestamp::from_millis(1_000)).is_err());
            assert_eq!(done.status(), status);
        }
    }
}

//! The purchase request a buyer polls: accepted (queued), then succeeded or failed, for good.
//!
//! Every path that ends a request writes one of the two final states, so polling never waits on
//! a request that can no longer succeed: the order is persisted (succeeded), or the reservation's
//! stock is returned and the buyer is told why (failed).

use crate::{OrderId, ProductId, Quantity, RequestId, Reservation, Timestamp, UserId};

/// Why an accepted purchase ended without an order. The stock it held has been returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The system of record had no stock left for it.
    SoldOut,
    /// The system of record already holds another order of this buyer for this product.
    AlreadyPurchased,
    /// The sale is unknown to the system of record.
    UnknownSale,
    /// The order could not be queued; the buyer may try again.
    QueueUnavailable,
    /// The reservation was never queued or its message was lost, and reconciliation released it.
    Abandoned,
    /// The system of record refused the order for good (a data or constraint error that
    /// retrying cannot fix); the units went back on sale and the order message was dead-lettered.
    Rejected,
}

/// Where a purchase request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchaseState {
    /// Accepted and queued; an order is being created.
    Pending,
    /// The order exists.
    Succeeded {
        /// The order created for this request.
        order_id: OrderId,
        /// Until when the order may be paid; `None` in records written before orders had one.
        payment_deadline: Option<Timestamp>,
    },
    /// No order will be created.
    Failed {
        /// Why.
        reason: FailureReason,
    },
}

/// An illegal move of a purchase's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a purchase that is already {from} cannot change any more")]
pub struct PurchaseTransitionError {
    /// The final state the purchase was in.
    pub from: &'static str,
}

/// One accepted purchase request and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    /// The request id the buyer polls.
    pub request_id: RequestId,
    /// The buyer.
    pub user_id: UserId,
    /// The product.
    pub product_id: ProductId,
    /// Units bought.
    pub quantity: Quantity,
    /// When it was accepted.
    pub accepted_at: Timestamp,
    state: PurchaseState,
}

impl Purchase {
    /// A purchase that has just been accepted for a reservation.
    pub fn accepted(reservation: &Reservation) -> Self {
        Self {
            request_id: reservation.request_id.clone(),
            user_id: reservation.user_id.clone(),
            product_id: reservation.product_id.clone(),
            quantity: reservation.quantity,
            accepted_at: reservation.reserved_at,
            state: PurchaseState::Pending,
        }
    }

    /// Where the purchase stands.
    pub fn state(&self) -> &PurchaseState {
        &self.state
    }

    /// Whether the purchase can no longer change.
    pub fn is_final(&self) -> bool {
        !matches!(self.state, PurchaseState::Pending)
    }

    /// Records that the order exists, payable until `payment_deadline` (`None` for a record
    /// written before orders had a deadline).
    ///
    /// # Errors
    /// [`PurchaseTransitionError`] when the purchase already ended.
    pub fn succeed(
        &mut self,
        order_id: OrderId,
        payment_deadline: Option<Timestamp>,
    ) -> Result<(), PurchaseTransitionError> {
        self.end(PurchaseState::Succeeded {
            order_id,
            payment_deadline,
        })
    }

    /// Records that no order will be created.
    ///
    /// # Errors
    /// [`PurchaseTransitionError`] when the purchase already ended.
    pub fn fail(&mut self, reason: FailureReason) -> Result<(), PurchaseTransitionError> {
        self.end(PurchaseState::Failed { reason })
    }

    fn end(&mut self, next: PurchaseState) -> Result<(), PurchaseTransitionError> {
        match &self.state {
            PurchaseState::Pending => {
                self.state = next;
                Ok(())
            }
            PurchaseState::Succeeded { .. } => Err(PurchaseTransitionError { from: "succeeded" }),
            PurchaseState::Failed { .. } => Err(PurchaseTransitionError { from: "failed" }),
        }
    }

    /// Which of two records of the same request should be kept: a final state is never replaced
    /// by a pending one, and the first final state wins, with one exception: a success replaces
    /// [`Purchase::superseded_failure`], because the order exists after all (a message
    /// whose publish was reported failed reached the queue).
    pub fn supersedes(&self, stored: &Purchase) -> bool {
        (!stored.is_final() && self.is_final())
            || self.superseded_failure().as_ref() == Some(stored)
    }

    /// For a succeeded purchase, the one final record of the same request it replaces: the
    /// same purchase failed with [`FailureReason::QueueUnavailable`]. `None` otherwise.
    pub fn superseded_failure(&self) -> Option<Purchase> {
        match self.state {
            PurchaseState::Succeeded { .. } => Some(Purchase {
                state: PurchaseState::Failed {
                    reason: FailureReason::QueueUnavailable,
                },
                ..self.clone()
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted() -> Purchase {
        Purchase::accepted(&Reservation {
            request_id: RequestId::parse("r1").expect("valid"),
            user_id: UserId::parse("u1").expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(7),
        })
    }

    fn order_id() -> OrderId {
        OrderId::parse("o1").expect("valid")
    }

    #[test]
    fn an_accepted_purchase_is_pending() {
        let purchase = accepted();
        assert_eq!(purchase.state(), &PurchaseState::Pending);
        assert!(!purchase.is_final());
        assert_eq!(purchase.accepted_at, Timestamp::from_millis(7));
    }

    #[test]
    fn a_pending_purchase_can_succeed_once() {
        let mut purchase = accepted();
        purchase.succeed(order_id(), None).expect("legal");
        assert!(purchase.is_final());
        assert!(purchase.succeed(order_id(), None).is_err());
        assert!(purchase.fail(FailureReason::SoldOut).is_err());
        assert_eq!(
            purchase.state(),
            &PurchaseState::Succeeded {
                order_id: order_id(),
                payment_deadline: None,
            }
        );
    }

    #[test]
    fn a_pending_purchase_can_fail_once() {
        let mut purchase = accepted();
        purchase.fail(FailureReason::SoldOut).expect("legal");
        assert_eq!(
            purchase.succeed(order_id(), None),
            Err(PurchaseTransitionError { from: "failed" })
        );
        assert_eq!(
            purchase.state(),
            &PurchaseState::Failed {
                reason: FailureReason::SoldOut
            }
        );
    }

    #[test]
    fn a_final_record_is_never_replaced_by_a_pending_one() {
        let pending = accepted();
        let mut done = accepted();
        done.succeed(order_id(), None).expect("legal");
        assert!(done.supersedes(&pending));
        assert!(!pending.supersedes(&done));
        assert!(!pending.supersedes(&pending));
        let mut failed = accepted();
        failed.fail(FailureReason::SoldOut).expect("legal");
        assert!(!failed.supersedes(&done));
        assert!(!done.supersedes(&failed));
    }

    #[test]
    fn a_success_replaces_only_a_queue_failure_of_the_same_request() {
        let mut done = accepted();
        done.succeed(order_id(), None).expect("legal");
        let mut queue_failed = accepted();
        queue_failed
            .fail(FailureReason::QueueUnavailable)
            .expect("legal");
        assert!(done.supersedes(&queue_failed));
        assert!(!queue_failed.supersedes(&done));
        assert_eq!(done.superseded_failure(), Some(queue_failed.clone()));
        assert_eq!(queue_failed.superseded_failure(), None);
        let mut other = Purchase::accepted(&Reservation {
            request_id: RequestId::parse("r2").expect("valid"),
            user_id: UserId::parse("u1").expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(7),
        });
        other.fail(FailureReason::QueueUnavailable).expect("legal");
        assert!(!done.supersedes(&other));
    }
}

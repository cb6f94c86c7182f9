//! Place a purchase: the process's client limiter, one atomic step of the stock gate (its rate
//! limits, the sale's rules, the reservation), then queue the order.

use std::net::IpAddr;
use std::time::Duration;

use flashsale_domain::{
    FailureReason, ProductId, Purchase, Quantity, RateDecision, Refusal, RequestId, Reservation,
    ReservationRequest, SalePhase, Timestamp, UserId,
};

use crate::ports::{
    Clock, IdGenerator, OrderQueue, Ports, QueueError, RateLimitError, RateLimiter, ResultStore,
    SaleCatalog, StockGate, StockGateError, Withdrawal,
};
use crate::{ErrorChain, FlashSale};

/// A purchase that took stock and is queued; its result can be polled by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The id to poll.
    pub request_id: RequestId,
    /// The units taken.
    pub reservation: Reservation,
}

/// Why a purchase was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum PlacePurchaseError {
    /// The client or the buyer sends too many requests (the process's client limiter, or a
    /// rate limit of the gate for this product).
    #[error("too many requests; retry after {retry_after:?}")]
    RateLimited {
        /// When a token will be there.
        retry_after: Duration,
    },
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The sale's rules refused the attempt; no stock was taken. Never
    /// [`Refusal::RateLimited`] nor [`Refusal::AlreadyPurchased`], which have their own variants.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The buyer already holds units of this product (a purchase pending or an order); nothing
    /// more was taken.
    #[error("already purchased (request {holder:?})")]
    AlreadyPurchased {
        /// The request holding the units, when the gate could say: a buyer who lost the `202`
        /// of that request polls it.
        holder: Option<RequestId>,
    },
    /// The purchase may or may not have taken units: the stock gate's answer was lost and
    /// cancelling the request could not be confirmed, or the order was sent to the queue but
    /// not acknowledged (the units then stay taken, the purchase pending), or its publish failed
    /// but the reservation could not be withdrawn (reconciliation had re-published it, or the
    /// gate could not be asked). Reconciliation
    /// settles it (units taken become an order); the buyer polls `request_id` to learn which.
    #[error("the outcome of request {request_id} is unknown")]
    OutcomeUnknown {
        /// The request to poll.
        request_id: RequestId,
    },
    /// The order certainly was not queued; the reservation was withdrawn and the buyer may retry.
    #[error("the order queue is unavailable")]
    QueueUnavailable,
    /// The rate limiter's store failed.
    #[error(transparent)]
    Limiter(#[from] RateLimitError),
    /// The stock gate failed.
    #[error(transparent)]
    Gate(StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Places a purchase for `buyer`, coming from `client` when its address is known.
    ///
    /// The order of checks is fixed: the client's bucket in this process, then one atomic step
    /// of the gate (the product's client and buyer buckets, window, duplicate, limit, stock,
    /// and the in-flight record that is the purchase's pending state), then the queue. If
    /// queueing certainly failed, the reservation is withdrawn and the result recorded as
    /// failed; if its outcome is unknown, the purchase stays pending.
    ///
    /// When the gate's answer is lost ([`StockGateError::OutcomeUnknown`]), the request is
    /// [cancelled](StockGate::cancel): confirmed, nothing was taken and the error is
    /// [`PlacePurchaseError::Gate`]; else [`PlacePurchaseError::OutcomeUnknown`].
    ///
    /// # Errors
    /// See [`PlacePurchaseError`]; every variant but [`PlacePurchaseError::OutcomeUnknown`]
    /// leaves the stock as it was.
    pub async fn place_purchase(
        &self,
        buyer: &UserId,
        client: Option<IpAddr>,
        product_id: ProductId,
        quantity: Quantity,
    ) -> Result<Accepted, PlacePurchaseError> {
        if let Some(ip) = client {
            self.admit(ip).await?;
        }
        let request = ReservationRequest {
            request_id: self.ports.ids.request_id(&product_id),
            user_id: buyer.clone(),
            product_id,
            quantity,
        };
        self.reserve_and_queue(request, client).await
    }

    /// One atomic step of the gate for `request`, then the queue (see [`Self::place_purchase`],
    /// whose client limiter the caller has passed). Safe to run again with the same request id:
    /// the gate answers a held request id with its reservation, and the order store knows a
    /// request it persisted.
    pub(crate) async fn reserve_and_queue(
        &self,
        request: ReservationRequest,
        client: Option<IpAddr>,
    ) -> Result<Accepted, PlacePurchaseError> {
        let buyer = request.user_id.clone();
        let product_id = request.product_id.clone();
        let now = self.ports.clock.now();
        let reservation = match self.ports.gate.reserve(request.clone(), client, now).await {
            Ok(Ok(reservation)) => reservation,
            Ok(Err(Refusal::RateLimited { retry_after })) => {
                return Err(PlacePurchaseError::RateLimited { retry_after })
            }
            Ok(Err(Refusal::AlreadyPurchased)) => {
                // Only on this refusal: a second look at the gate for the holding request. A
                // failure there does not make the refusal less certain, so it is not an error.
                let holder = self.ports.gate.holder(&product_id, &buyer).await;
                return Err(PlacePurchaseError::AlreadyPurchased {
                    holder: holder.ok().flatten(),
                });
            }
            Ok(Err(refusal)) => return Err(PlacePurchaseError::Refused(refusal)),
            Err(StockGateError::UnknownProduct(product)) => {
                return Err(self.unknown_to_gate(product, now).await)
            }
            Err(lost @ StockGateError::OutcomeUnknown(_)) => {
                return Err(self.cancel_lost(request, now, lost).await)
            }
            Err(other) => return Err(PlacePurchaseError::Gate(other)),
        };
        self.queue(reservation).await
    }

    /// Queues a reservation's order; if queueing fails, the reservation is undone.
    pub(crate) async fn queue(
        &self,
        reservation: Reservation,
    ) -> Result<Accepted, PlacePurchaseError> {
        // Fault injection: the process "dies" here, with the units reserved (the purchase
        // pending) but nothing queued (see docs/guarantees.md).
        #[cfg(feature = "failpoints")]
        fail::fail_point!("place_purchase::before_publish");
        match self.ports.queue.publish(&reservation).await {
            Ok(()) => {}
            Err(error @ QueueError::Unavailable(_)) => {
                tracing::warn!(error = %ErrorChain(&error), request_id = %reservation.request_id, "publish failed; withdrawing");
                return Err(self.undo(&reservation).await);
            }
            Err(error @ QueueError::OutcomeUnknown(_)) => {
                tracing::warn!(error = %ErrorChain(&error), request_id = %reservation.request_id, "publish outcome unknown; the purchase stays pending");
                return Err(PlacePurchaseError::OutcomeUnknown {
                    request_id: reservation.request_id,
                });
            }
        }
        Ok(Accepted {
            request_id: reservation.request_id.clone(),
            reservation,
        })
    }

    /// The gate holds no sale for `product`: a sale that ended (and was
    /// [retired](crate::GateRetention) from the gate) is refused as ended, as the gate would
    /// have; anything else is an unknown product. Asks the catalog, on this answer only.
    async fn unknown_to_gate(&self, product: ProductId, now: Timestamp) -> PlacePurchaseError {
        match self.ports.catalog.sale(&product).await {
            Ok(Some(record)) if record.sale.window().phase(now) == SalePhase::Ended => {
                PlacePurchaseError::Refused(Refusal::Ended)
            }
            Ok(_) => PlacePurchaseError::UnknownProduct(product),
            Err(error) => {
                tracing::warn!(error = %ErrorChain(&error), %product, "catalog unavailable; answering unknown product");
                PlacePurchaseError::UnknownProduct(product)
            }
        }
    }

    pub(crate) async fn admit(&self, client: IpAddr) -> Result<(), PlacePurchaseError> {
        match self.ports.limiter.check(client).await? {
            RateDecision::Allowed => Ok(()),
            RateDecision::Limited { retry_after } => {
                Err(PlacePurchaseError::RateLimited { retry_after })
            }
        }
    }

    /// The gate's answer to `request` was lost: cancels the request (its units back if it took
    /// any; a late arrival takes nothing). Confirmed, nothing was taken; otherwise the outcome
    /// is unknown and a stale reservation, if any, becomes an order through reconciliation.
    async fn cancel_lost(
        &self,
        request: ReservationRequest,
        now: Timestamp,
        lost: StockGateError,
    ) -> PlacePurchaseError {
        let reservation = Reservation {
            request_id: request.request_id,
            user_id: request.user_id,
            product_id: request.product_id,
            quantity: request.quantity,
            reserved_at: now,
        };
        let request_id = reservation.request_id.clone();
        match self.ports.gate.cancel(&reservation).await {
            Ok(Withdrawal::Republished) => {
                tracing::warn!(cause = %ErrorChain(&lost), %request_id, "reserve answer lost; reconciliation re-published the reservation: outcome unknown");
                PlacePurchaseError::OutcomeUnknown { request_id }
            }
            Ok(withdrawal) => {
                tracing::warn!(cause = %ErrorChain(&lost), %request_id, ?withdrawal, "reserve answer lost; request cancelled");
                PlacePurchaseError::Gate(StockGateError::Cancelled(request_id))
            }
            Err(error) => {
                tracing::error!(cause = %ErrorChain(&lost), error = %ErrorChain(&error), %request_id, "reserve answer lost and cancel failed; outcome unknown");
                PlacePurchaseError::OutcomeUnknown { request_id }
            }
        }
    }

    /// Withdraws a reservation whose order certainly was not queued, then records the purchase
    /// as failed: [`PlacePurchaseError::QueueUnavailable`], nothing taken. When the gate did not
    /// withdraw it (reconciliation re-published it meanwhile, or it is no longer in flight) or
    /// could not be asked, an order may yet be stored: the outcome is unknown, the buyer polls.
    /// Withdrawn first, so a purchase is never recorded failed while its units may still become
    /// an order; the buyer learns its request id only from this answer, so nobody polls between
    /// the two steps. A failed result save is logged: a poll then answers not found.
    async fn undo(&self, reservation: &Reservation) -> PlacePurchaseError {
        let request_id = reservation.request_id.clone();
        match self.ports.gate.withdraw(reservation).await {
            Ok(Withdrawal::Withdrawn) => {
                let mut purchase = Purchase::accepted(reservation);
                if purchase.fail(FailureReason::QueueUnavailable).is_ok() {
                    if let Err(error) = self.ports.results.save(&[purchase]).await {
                        tracing::error!(error = %ErrorChain(&error), %request_id, "result not saved");
                    }
                }
                PlacePurchaseError::QueueUnavailable
            }
            Ok(withdrawal) => {
                tracing::warn!(%request_id, ?withdrawal, "publish failed but the reservation was not withdrawn; outcome unknown");
                PlacePurchaseError::OutcomeUnknown { request_id }
            }
            Err(error) => {
                tracing::error!(error = %ErrorChain(&error), %request_id, "withdraw failed; outcome unknown");
                PlacePurchaseError::OutcomeUnknown { request_id }
            }
        }
    }
}

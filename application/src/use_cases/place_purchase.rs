//! Place a purchase: rate limit, atomic reservation, then queue the order.

use std::net::IpAddr;
use std::time::Duration;

use flashsale_domain::{
    FailureReason, ProductId, Purchase, Quantity, RateDecision, Refusal, RequestId, Reservation,
    ReservationRequest, UserId,
};

use crate::ports::{
    Clock, IdGenerator, OrderQueue, Ports, RateKey, RateLimitError, RateLimiter, ResultStore,
    ResultStoreError, StockGate, StockGateError,
};
use crate::FlashSale;

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
    /// The client or the buyer sends too many requests.
    #[error("too many requests; retry after {retry_after:?}")]
    RateLimited {
        /// When a token will be there.
        retry_after: Duration,
    },
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The sale's rules refused the attempt; no stock was taken.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The order could not be queued; the reservation was released and the buyer may retry.
    #[error("the order queue is unavailable")]
    QueueUnavailable,
    /// The rate limiter's store failed.
    #[error(transparent)]
    Limiter(#[from] RateLimitError),
    /// The stock gate failed.
    #[error(transparent)]
    Gate(StockGateError),
    /// The result store failed before the order was queued; the reservation was released.
    #[error(transparent)]
    Results(#[from] ResultStoreError),
}

impl<P: Ports> FlashSale<P> {
    /// Places a purchase for `buyer`, coming from `client` when its address is known.
    ///
    /// The order of checks is fixed: the client's bucket, the buyer's bucket, then one atomic
    /// reservation (window, duplicate, limit, stock), then the pending record, then the queue.
    /// If queueing fails, the reservation is released and the record marked failed.
    ///
    /// # Errors
    /// See [`PlacePurchaseError`]; every variant leaves the stock as it was.
    pub async fn place_purchase(
        &self,
        buyer: &UserId,
        client: Option<IpAddr>,
        product_id: ProductId,
        quantity: Quantity,
    ) -> Result<Accepted, PlacePurchaseError> {
        if let Some(ip) = client {
            self.admit(&RateKey::Ip(ip)).await?;
        }
        self.admit(&RateKey::User(buyer.clone())).await?;

        let request = ReservationRequest {
            request_id: self.ports.ids.request_id(),
            user_id: buyer.clone(),
            product_id,
            quantity,
        };
        let now = self.ports.clock.now();
        let reservation = match self.ports.gate.reserve(request, now).await {
            Ok(Ok(reservation)) => reservation,
            Ok(Err(refusal)) => return Err(PlacePurchaseError::Refused(refusal)),
            Err(StockGateError::UnknownProduct(product)) => {
                return Err(PlacePurchaseError::UnknownProduct(product))
            }
            Err(other) => return Err(PlacePurchaseError::Gate(other)),
        };

        let pending = Purchase::accepted(&reservation);
        if let Err(error) = self
            .ports
            .results
            .save(std::slice::from_ref(&pending))
            .await
        {
            self.undo(&reservation, None).await;
            return Err(error.into());
        }
        // Fault injection: the process "dies" here, with the units reserved and the pending
        // record written but nothing queued (see docs/guarantees.md).
        #[cfg(feature = "failpoints")]
        fail::fail_point!("place_purchase::before_publish");
        if let Err(error) = self.ports.queue.publish(&reservation).await {
            tracing::warn!(%error, request_id = %reservation.request_id, "publish failed; releasing");
            self.undo(&reservation, Some(pending)).await;
            return Err(PlacePurchaseError::QueueUnavailable);
        }
        Ok(Accepted {
            request_id: reservation.request_id.clone(),
            reservation,
        })
    }

    async fn admit(&self, key: &RateKey) -> Result<(), PlacePurchaseError> {
        match self.ports.limiter.check(key).await? {
            RateDecision::Allowed => Ok(()),
            RateDecision::Limited { retry_after } => {
                Err(PlacePurchaseError::RateLimited { retry_after })
            }
        }
    }

    /// Gives the units back and, when a pending record was written, ends it as failed. Failures
    /// here are logged: the reservation stays in flight for reconciliation to settle.
    async fn undo(&self, reservation: &Reservation, pending: Option<Purchase>) {
        if let Err(error) = self.ports.gate.release(reservation).await {
            tracing::error!(%error, request_id = %reservation.request_id, "release failed");
        }
        if let Some(mut purchase) = pending {
            if purchase.fail(FailureReason::QueueUnavailable).is_ok() {
                if let Err(error) = self.ports.results.save(&[purchase]).await {
                    tracing::error!(%error, request_id = %reservation.request_id, "result not saved");
                }
            }
        }
    }
}

//! Place a purchase under an idempotency key: a retry of the same buy (same buyer, key, product
//! and body) is answered as the first attempt was, with its request id, instead of buying again.

use std::net::IpAddr;

use flashsale_domain::{
    IdempotencyKey, ProductId, Quantity, Refusal, RequestId, Reservation, ReservationRequest,
    UserId,
};

use crate::ports::{
    Begun, Clock, Finish, IdGenerator, IdempotencyError, IdempotencyStore, KeyClaim, KeyOutcome,
    Ports, StockGate, StockGateError,
};
use crate::use_cases::place_purchase::{Accepted, PlacePurchaseError};
use crate::{ErrorChain, FlashSale};

/// Why a purchase under an idempotency key was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum IdempotentPurchaseError {
    /// The purchase itself was refused or failed, now or (replayed) on the key's first attempt.
    #[error(transparent)]
    Purchase(#[from] PlacePurchaseError),
    /// The buyer used this key for another product or body; nothing was done.
    #[error("the idempotency key was used for another request")]
    KeyReused,
    /// Another attempt with this key is being processed; nothing was done.
    #[error("a request with this idempotency key is in progress")]
    KeyInUse,
    /// The idempotency store failed; nothing was done.
    #[error(transparent)]
    Store(#[from] IdempotencyError),
}

/// The fingerprint of a buy: its product and its body, all a retry must repeat.
fn fingerprint(product: &ProductId, quantity: Quantity) -> String {
    format!("{product}:{quantity}")
}

impl<P: Ports> FlashSale<P> {
    /// Places a purchase as [`Self::place_purchase`] does, under the buyer's `key`.
    ///
    /// The first attempt with a key records its request id, then its outcome (an acceptance or
    /// a refusal by the sale's rules). A retry with the same product and quantity gets that
    /// outcome again (an acceptance under the same request id); a retry while an attempt holds
    /// the key is refused. An attempt that failed transiently leaves no outcome: the retry runs
    /// again, under the same request id when units may have been taken (the gate answers a held
    /// request id with its reservation), under a new one when nothing was. The client limiter
    /// applies to every attempt, before the key is looked at.
    ///
    /// # Errors
    /// See [`IdempotentPurchaseError`]; every variant leaves the stock as it was.
    pub async fn place_purchase_idempotently(
        &self,
        buyer: &UserId,
        client: Option<IpAddr>,
        product_id: ProductId,
        quantity: Quantity,
        key: IdempotencyKey,
    ) -> Result<Accepted, IdempotentPurchaseError> {
        if let Some(ip) = client {
            self.admit(ip).await?;
        }
        let claim = KeyClaim {
            buyer: buyer.clone(),
            key,
            fingerprint: fingerprint(&product_id, quantity),
        };
        let candidate = self.ports.ids.request_id(&product_id);
        let now = self.ports.clock.now();
        let (request_id, resumed) = match self
            .ports
            .idempotency
            .begin(&claim, &candidate, now)
            .await?
        {
            Begun::Started => (candidate, false),
            Begun::Resumed { request_id } => (request_id, true),
            Begun::InProgress => return Err(IdempotentPurchaseError::KeyInUse),
            Begun::Mismatch => return Err(IdempotentPurchaseError::KeyReused),
            Begun::Completed(outcome) => {
                return replay(outcome, buyer, product_id, quantity).map_err(Into::into)
            }
        };
        let request = ReservationRequest {
            request_id: request_id.clone(),
            user_id: buyer.clone(),
            product_id,
            quantity,
        };
        let mut result = self.reserve_and_queue(request.clone(), client).await;
        if resumed && matches!(result, Err(PlacePurchaseError::Refused(Refusal::SoldOut))) {
            // A gate may answer "sold out" from memory before it would replay a held request id.
            if let Some(accepted) = self.recover(&request).await {
                result = accepted;
            }
        }
        let finish = finish_of(&result);
        if let Err(error) = self
            .ports
            .idempotency
            .finish(buyer, &claim.key, &request_id, &finish)
            .await
        {
            // The record stays held until its lease runs out; then a retry resumes it.
            tracing::warn!(error = %ErrorChain(&error), %request_id, "idempotency record not finished");
        }
        result.map_err(Into::into)
    }

    /// The outcome of a resumed request whose units its buyer holds, in flight (queued again:
    /// the order store knows a request it persisted) or settled; `None` when they hold none.
    async fn recover(
        &self,
        request: &ReservationRequest,
    ) -> Option<Result<Accepted, PlacePurchaseError>> {
        let gate = &self.ports.gate;
        let holder = gate.holder(&request.product_id, &request.user_id).await;
        if holder.ok().flatten().as_ref() != Some(&request.request_id) {
            return None;
        }
        match gate.pending(&request.product_id, &request.request_id).await {
            Ok(Some(reservation)) => Some(self.queue(reservation).await),
            Ok(None) => Some(Ok(accepted(
                request.request_id.clone(),
                request,
                self.ports.clock.now(),
            ))),
            Err(error) => Some(Err(PlacePurchaseError::Gate(error))),
        }
    }
}

fn accepted(
    request_id: RequestId,
    request: &ReservationRequest,
    reserved_at: flashsale_domain::Timestamp,
) -> Accepted {
    Accepted {
        request_id: request_id.clone(),
        reservation: Reservation {
            request_id,
            user_id: request.user_id.clone(),
            product_id: request.product_id.clone(),
            quantity: request.quantity,
            reserved_at,
        },
    }
}

/// The answer a completed key gives again.
fn replay(
    outcome: KeyOutcome,
    buyer: &UserId,
    product_id: ProductId,
    quantity: Quantity,
) -> Result<Accepted, PlacePurchaseError> {
    match outcome {
        KeyOutcome::Accepted {
            request_id,
            reserved_at,
        } => {
            let request = ReservationRequest {
                request_id: request_id.clone(),
                user_id: buyer.clone(),
                product_id,
                quantity,
            };
            Ok(accepted(request_id, &request, reserved_at))
        }
        KeyOutcome::Refused(refusal) => Err(PlacePurchaseError::Refused(refusal)),
        KeyOutcome::AlreadyPurchased { holder } => {
            Err(PlacePurchaseError::AlreadyPurchased { holder })
        }
        KeyOutcome::UnknownProduct => Err(PlacePurchaseError::UnknownProduct(product_id)),
    }
}

/// How an attempt's result ends its record: outcomes of the sale's rules are kept; a failure
/// after which units may be held keeps the request id; a failure that undid everything
/// (the queue refused; the units went back and the request is recorded failed) leaves nothing.
fn finish_of(result: &Result<Accepted, PlacePurchaseError>) -> Finish {
    let outcome = match result {
        Ok(accepted) => KeyOutcome::Accepted {
            request_id: accepted.request_id.clone(),
            reserved_at: accepted.reservation.reserved_at,
        },
        // A pause passes: a retry under the same key asks again once the sale resumes.
        Err(PlacePurchaseError::Refused(Refusal::Paused)) => return Finish::Nothing,
        Err(PlacePurchaseError::Refused(refusal)) => KeyOutcome::Refused(*refusal),
        Err(PlacePurchaseError::AlreadyPurchased { holder }) => KeyOutcome::AlreadyPurchased {
            holder: holder.clone(),
        },
        Err(PlacePurchaseError::UnknownProduct(_)) => KeyOutcome::UnknownProduct,
        // The request id is spent (the queue refused it, or it was cancelled after its answer
        // was lost): a retry starts afresh under a new one.
        Err(
            PlacePurchaseError::QueueUnavailable
            | PlacePurchaseError::Gate(StockGateError::Cancelled(_)),
        ) => return Finish::Nothing,
        Err(
            PlacePurchaseError::RateLimited { .. }
            | PlacePurchaseError::Limiter(_)
            | PlacePurchaseError::Gate(_)
            | PlacePurchaseError::OutcomeUnknown { .. },
        ) => return Finish::Unknown,
    };
    Finish::Completed(outcome)
}

//! Buying a product and polling the result.

use std::sync::Arc;
use std::time::Instant;

use flashsale_application::{FlashSale, Ports};
use flashsale_domain::{ProductId, Quantity, RequestId};
use poem::Request;
use poem_openapi::param::{Header, Path};
use poem_openapi::{payload::Json, ApiResponse, OpenApi};
use validator::Validate;

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::buy_meter::{BuyMeter, BuyOutcome};
use crate::client_ip::client_ip;
use crate::errors::{failure_into, Failure};
use crate::idempotency_key;
use crate::problem::{Problem, ProblemType};
use crate::schemas::{PurchaseAccepted, PurchaseRequest, PurchaseResult};
use crate::wire::{ProductIdText, RequestIdText};

/// Buying and polling.
pub struct PurchasesApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
    /// The proxy header trusted for the client address, if any.
    pub client_ip_header: Option<String>,
    /// Counts the buys of each sale for its live figures.
    pub meter: BuyMeter,
}

/// How a buy's response counts in the live figures; `None` for a product without a sale.
fn outcome_of(response: &BuyResponse) -> Option<BuyOutcome> {
    Some(match response {
        BuyResponse::Accepted(..) => BuyOutcome::Accepted,
        BuyResponse::NotFound(_) => return None,
        BuyResponse::Conflict(problem) if problem.0.kind == ProblemType::SoldOut => {
            BuyOutcome::SoldOut
        }
        BuyResponse::TooManyRequests(..) => BuyOutcome::RateLimited,
        BuyResponse::Unavailable(..) | BuyResponse::Internal(_) => BuyOutcome::Failed,
        BuyResponse::BadRequest(_)
        | BuyResponse::Unauthorized(_)
        | BuyResponse::PayloadTooLarge(_)
        | BuyResponse::UriTooLong(_)
        | BuyResponse::HeadersTooLarge(_)
        | BuyResponse::UnsupportedMediaType(_)
        | BuyResponse::Conflict(_)
        | BuyResponse::Unprocessable(_) => BuyOutcome::Refused,
    })
}

/// Outcome of a buy.
#[derive(ApiResponse)]
pub enum BuyResponse {
    /// A unit is reserved and the order is queued: poll `Location` for the result. A retry with
    /// the same `Idempotency-Key` gets the same `requestId` and `Location` again.
    #[oai(status = 202)]
    Accepted(Json<PurchaseAccepted>, #[oai(header = "Location")] String),
    /// The product id, the body or the `Idempotency-Key` is malformed, or the body has unknown
    /// fields.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The body is larger than the server accepts.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// No sale for this product.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// Refused by the sale's rules (`sold-out`, `already-purchased`, `sale-not-started`,
    /// `sale-ended`); no stock was taken. `already-purchased` names the request that holds your
    /// units (`requestId`, `resultUrl`), so a buyer who lost that request's `202` can poll it.
    /// Or `idempotency-key-in-use`: a request with this `Idempotency-Key` is still being
    /// processed; nothing was done.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// A field breaks its rule, the quantity is above the per-user limit (`above-limit`), or
    /// the `Idempotency-Key` was used for another product or body (`idempotency-key-reused`).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many requests from this client or buyer; retry after `Retry-After` seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// `unavailable`: a dependency is down and nothing was taken; retry after `Retry-After`
    /// seconds. `outcome-unknown`: the service cannot tell whether a unit was taken (the
    /// stock gate's answer was lost, or the order was sent but not acknowledged); poll
    /// `resultUrl` (`requestId`) before buying again. `overloaded`: nothing was done.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(BuyResponse {
    400 => BadRequest, 401 => Unauthorized, 404 => NotFound, 409 => Conflict, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
    422 => Unprocessable,
} retry { 429 => TooManyRequests, 503 => Unavailable });

/// Outcome of polling a purchase.
#[derive(ApiResponse)]
pub enum GetPurchaseResponse {
    /// The purchase and where it stands.
    #[oai(status = 200)]
    Ok(Json<PurchaseResult>),
    /// The request id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// No such purchase of yours (another buyer's purchases are reported the same way).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(GetPurchaseResponse {
    400 => BadRequest, 401 => Unauthorized, 404 => NotFound,
} retry { 503 => Unavailable });

fn bad_id(what: &str, error: impl std::fmt::Display) -> Failure {
    Failure::new(ProblemType::BadRequest, format!("Invalid {what}: {error}."))
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Purchases")]
impl<P: Ports> PurchasesApi<P> {
    /// Buy a product
    ///
    /// Reserves units of the product for the caller (identified by the token's `sub`) and queues
    /// the order. Answers `202` as soon as the order is queued; poll the `Location` for the
    /// result. A buyer gets one order per product; rate limits apply per client address and
    /// per buyer.
    ///
    /// Retries are safe with an `Idempotency-Key` header (IETF httpapi draft "The
    /// Idempotency-Key HTTP Header Field"): a key of your choosing, 1 to 64 ASCII letters,
    /// digits, `-`, `_` or `.`, optionally as a quoted string, e.g. a UUID. Retried with the same
    /// key, product and body, the buy is answered as its first attempt was: a `202` with the
    /// same `requestId` and `Location`, or the same refusal; nothing more is bought. The same key
    /// with another product or body gets `422` `idempotency-key-reused`; a retry while the first
    /// attempt is still being processed gets `409` `idempotency-key-in-use`. Keys are scoped to
    /// the buyer and remembered for a configured time (24 hours by default), then forgotten.
    /// Rate limits (`429`) and unavailable dependencies (`503`) are not remembered: retry with
    /// the same key.
    #[oai(
        path = "/sales/:productId/purchases",
        method = "post",
        operation_id = "buyProduct"
    )]
    async fn buy(
        &self,
        req: &Request,
        auth: BearerAuth,
        /// The product to buy.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
        /// Makes retries of this buy safe: see the operation's description.
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<Option<String>>,
        body: Json<PurchaseRequest>,
    ) -> BuyResponse {
        let product_id = match ProductId::parse(product_id.0) {
            Ok(id) => id,
            Err(error) => return bad_id("product id", error).into(),
        };
        let started = Instant::now();
        let response = self
            .place(req, auth, &product_id, idempotency_key.0, body.0)
            .await;
        if let Some(outcome) = outcome_of(&response) {
            self.meter.record(&product_id, outcome, started.elapsed());
        }
        response
    }

    /// Get a purchase result
    ///
    /// The caller's own purchase by its request id. `pending` turns into `succeeded` (with the
    /// order id) or `failed` (with the reason; the unit went back into stock), never back.
    #[oai(
        path = "/purchases/:requestId",
        method = "get",
        operation_id = "getPurchase"
    )]
    async fn get_purchase(
        &self,
        auth: BearerAuth,
        /// The request id returned by `buyProduct`.
        #[oai(name = "requestId")]
        request_id: Path<RequestIdText>,
    ) -> GetPurchaseResponse {
        let request_id = match RequestId::parse(request_id.0) {
            Ok(id) => id,
            Err(error) => return bad_id("request id", error).into(),
        };
        match self
            .service
            .query_result(&auth.0.user_id, &request_id)
            .await
        {
            Ok(purchase) => GetPurchaseResponse::Ok(Json(purchase.into())),
            Err(error) => Failure::from(error).into(),
        }
    }

    /// Get my purchase of a product
    ///
    /// The caller's latest purchase of the product, whatever its request id.
    #[oai(
        path = "/sales/:productId/purchase",
        method = "get",
        operation_id = "getMyPurchaseOfProduct"
    )]
    async fn get_my_purchase(
        &self,
        auth: BearerAuth,
        /// The product.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> GetPurchaseResponse {
        let product_id = match ProductId::parse(product_id.0) {
            Ok(id) => id,
            Err(error) => return bad_id("product id", error).into(),
        };
        match self
            .service
            .query_result_for_product(&auth.0.user_id, &product_id)
            .await
        {
            Ok(purchase) => GetPurchaseResponse::Ok(Json(purchase.into())),
            Err(error) => Failure::from(error).into(),
        }
    }
}

impl<P: Ports> PurchasesApi<P> {
    /// A buy of `product_id` once its id is known to be well formed.
    async fn place(
        &self,
        req: &Request,
        auth: BearerAuth,
        product_id: &ProductId,
        idempotency_key: Option<String>,
        body: PurchaseRequest,
    ) -> BuyResponse {
        if let Err(errors) = body.validate() {
            return Failure::validation(&errors).into();
        }
        let quantity = match Quantity::new(body.quantity.0) {
            Ok(quantity) => quantity,
            Err(error) => return Failure::invalid_field("quantity", error.to_string()).into(),
        };
        let key = match idempotency_key::parse(idempotency_key.as_deref()) {
            Ok(key) => key,
            Err(failure) => return failure.into(),
        };
        let client = client_ip(req, self.client_ip_header.as_deref());
        let buyer = &auth.0.user_id;
        let placed = match key {
            Some(key) => {
                self.service
                    .place_purchase_idempotently(buyer, client, product_id.clone(), quantity, key)
                    .await
            }
            None => self
                .service
                .place_purchase(buyer, client, product_id.clone(), quantity)
                .await
                .map_err(Into::into),
        };
        match placed {
            Ok(accepted) => {
                let body = PurchaseAccepted::from_accepted(&accepted);
                let location = body.result_url.clone();
                BuyResponse::Accepted(Json(body), location)
            }
            Err(error) => Failure::from(error).into(),
        }
    }
}

//! The payment provider's webhook: a signed confirmation that a payment paid an order.

use std::sync::Arc;

use flashsale_application::ports::Clock;
use flashsale_application::{FlashSale, Ports};
use poem_openapi::param::Header;
use poem_openapi::types::ParseFromJSON;
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::ApiTags;
use crate::errors::{Failure, RETRY_AFTER_UNAVAILABLE};
use crate::order_schemas::OrderView;
use crate::payment_schemas::PaymentNotification;
use crate::problem::{Problem, ProblemType};
use crate::raw_json::RawJson;
use crate::webhook_signature::WebhookSettings;

/// The `WWW-Authenticate` challenge of a refused webhook: the signature scheme it expects.
const CHALLENGE: &str = "Flashsale-Signature";

/// Payment confirmations.
pub struct PaymentsApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
    /// How webhooks are checked.
    pub webhook: WebhookSettings,
}

/// Outcome of a payment confirmation. Any answer but `2xx` means the payment was not taken.
#[derive(ApiResponse)]
pub enum WebhookResponse {
    /// The order is paid by this payment: now, or before by this same payment (a redelivery is
    /// answered the same, changing nothing). The order as it stands.
    #[oai(status = 200)]
    Ok(Json<OrderView>),
    /// The body, whose signature is genuine, is not JSON of the documented shape.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// `webhook-signature-invalid`: the `Flashsale-Signature` header is missing, malformed or
    /// does not match; `webhook-timestamp-outside-tolerance`: its timestamp is too far from
    /// now (a replay, or a clock far off). Nothing was read or changed.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>, #[oai(header = "WWW-Authenticate")] String),
    /// No such order (`not-found`); nothing changed: refund the payment.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// `order-not-payable`: the order is cancelled, expired, past its payment deadline or paid
    /// by another payment (`orderStatus` says which); `payment-id-used`: this payment paid
    /// another order (`orderId`). Nothing changed: refund the payment.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The body is larger than the server accepts.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// `orderId` or `paymentId` breaks the id rules.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down and nothing changed; deliver again after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

impl From<Failure> for WebhookResponse {
    fn from(failure: Failure) -> Self {
        let retry_after = failure.retry_after_secs();
        let problem = Json(*failure.problem);
        match problem.status {
            400 => Self::BadRequest(problem),
            401 => Self::Unauthorized(problem, CHALLENGE.to_owned()),
            404 => Self::NotFound(problem),
            409 => Self::Conflict(problem),
            413 => Self::PayloadTooLarge(problem),
            415 => Self::UnsupportedMediaType(problem),
            422 => Self::Unprocessable(problem),
            503 => Self::Unavailable(problem, retry_after.max(RETRY_AFTER_UNAVAILABLE)),
            other => {
                tracing::error!(status = other, "no response variant for this status");
                Self::Internal(Json(Problem::new(
                    ProblemType::Internal,
                    "An unexpected error occurred.",
                )))
            }
        }
    }
}

impl<P: Ports> PaymentsApi<P> {
    /// Checks the signature over the raw body, then parses it and pays the order.
    async fn confirm(&self, signature: Option<&str>, body: &[u8]) -> Result<OrderView, Failure> {
        let now_secs = self
            .service
            .ports()
            .clock
            .now()
            .as_millis()
            .div_euclid(1_000);
        self.webhook.verify(signature, body, now_secs)?;
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
            Failure::new(
                ProblemType::BadRequest,
                format!("The body is not JSON: {error}."),
            )
        })?;
        let notification = PaymentNotification::parse_from_json(Some(value)).map_err(|error| {
            Failure::new(
                ProblemType::BadRequest,
                format!(
                    "The body is not a payment confirmation: {}.",
                    error.into_message()
                ),
            )
        })?;
        let (order_id, payment_id) = notification.ids()?;
        let confirmed = self.service.confirm_payment(&order_id, &payment_id).await?;
        Ok(confirmed.order.into())
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Payments")]
impl<P: Ports> PaymentsApi<P> {
    /// Confirm a payment (payment provider's webhook)
    ///
    /// The payment provider tells that a payment paid an order: `pending_payment -> paid`, if
    /// the order is still pending payment and before its payment deadline. No bearer token: the
    /// request is signed. `Flashsale-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the
    /// HMAC-SHA256, keyed with the webhook secret shared with the provider, of `<t>.<body>`:
    /// the timestamp, a dot and the body's raw bytes exactly as sent. `t` must be within the
    /// server's tolerance (5 minutes by default) of its clock, so a captured request cannot be
    /// replayed later; several `v1` may be sent (secret rotation). Idempotent by `paymentId`:
    /// the same payment delivered again is answered `200` with the same order. Any other
    /// answer means the payment was not taken: `409` and `404` call for a refund, `503` for a
    /// later delivery.
    #[oai(
        path = "/payments/webhook",
        method = "post",
        operation_id = "confirmPayment"
    )]
    async fn webhook(
        &self,
        /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Absent, the request
        /// is refused with `401` `webhook-signature-invalid`.
        #[oai(name = "Flashsale-Signature")]
        signature: Header<Option<String>>,
        body: RawJson<PaymentNotification>,
    ) -> WebhookResponse {
        match self.confirm(signature.0.as_deref(), &body.bytes).await {
            Ok(order) => WebhookResponse::Ok(Json(order)),
            Err(failure) => failure.into(),
        }
    }
}

//! RFC 9457 problem details: the body of every error response, with a stable `type`.

use poem::http::StatusCode;
use poem_openapi::{Enum, Object};

use crate::order_schemas::OrderState;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What went wrong, as a stable URI that clients branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ProblemType {
    /// The request is malformed: bad JSON, a bad parameter, an unknown field.
    #[oai(rename = "urn:flashsale:problem:bad-request")]
    BadRequest,
    /// The request is well-formed but a field breaks a rule; see `errors`.
    #[oai(rename = "urn:flashsale:problem:validation-failed")]
    ValidationFailed,
    /// The bearer token is missing, malformed, expired or badly signed.
    #[oai(rename = "urn:flashsale:problem:unauthorized")]
    Unauthorized,
    /// The token is valid but does not allow this operation.
    #[oai(rename = "urn:flashsale:problem:forbidden")]
    Forbidden,
    /// No such resource (or not yours).
    #[oai(rename = "urn:flashsale:problem:not-found")]
    NotFound,
    /// The HTTP method is not supported on this path.
    #[oai(rename = "urn:flashsale:problem:method-not-allowed")]
    MethodNotAllowed,
    /// No unit is left.
    #[oai(rename = "urn:flashsale:problem:sold-out")]
    SoldOut,
    /// This buyer already bought this product.
    #[oai(rename = "urn:flashsale:problem:already-purchased")]
    AlreadyPurchased,
    /// The sale has not opened yet.
    #[oai(rename = "urn:flashsale:problem:sale-not-started")]
    SaleNotStarted,
    /// The sale has closed.
    #[oai(rename = "urn:flashsale:problem:sale-ended")]
    SaleEnded,
    /// An operator paused the sale; buys are refused until it resumes.
    #[oai(rename = "urn:flashsale:problem:sale-paused")]
    SalePaused,
    /// More units than the sale allows one buyer.
    #[oai(rename = "urn:flashsale:problem:above-limit")]
    AboveLimit,
    /// The order is paid or expired: it cannot be cancelled.
    #[oai(rename = "urn:flashsale:problem:order-not-cancellable")]
    OrderNotCancellable,
    /// The payment webhook's `Flashsale-Signature` is missing, malformed, or matches neither
    /// the body nor the timestamp with the configured secret: not taken as the provider's.
    #[oai(rename = "urn:flashsale:problem:webhook-signature-invalid")]
    WebhookSignatureInvalid,
    /// The payment webhook's signature is genuine but its timestamp is outside the replay
    /// window (`tolerance_secs` either side of the server's clock).
    #[oai(rename = "urn:flashsale:problem:webhook-timestamp-outside-tolerance")]
    WebhookTimestampOutsideTolerance,
    /// The order cannot take this payment: it is cancelled, expired, paid by another payment,
    /// or past its payment deadline (see `orderStatus`). Nothing changed; refund the payment.
    #[oai(rename = "urn:flashsale:problem:order-not-payable")]
    OrderNotPayable,
    /// This payment id already paid another order (`orderId`). Nothing changed.
    #[oai(rename = "urn:flashsale:problem:payment-id-used")]
    PaymentIdUsed,
    /// A sale for this product exists already.
    #[oai(rename = "urn:flashsale:problem:sale-exists")]
    SaleExists,
    /// The `Idempotency-Key` was used by this buyer for another request (another product or
    /// body); nothing was done.
    #[oai(rename = "urn:flashsale:problem:idempotency-key-reused")]
    IdempotencyKeyReused,
    /// The `restockId` added another number of units to this sale before (see `detail`);
    /// nothing was added. A restock id is one operator's one addition to one sale.
    #[oai(rename = "urn:flashsale:problem:restock-id-reused")]
    RestockIdReused,
    /// A request with this `Idempotency-Key` is still being processed; retry shortly.
    #[oai(rename = "urn:flashsale:problem:idempotency-key-in-use")]
    IdempotencyKeyInUse,
    /// The body is larger than the server accepts.
    #[oai(rename = "urn:flashsale:problem:payload-too-large")]
    PayloadTooLarge,
    /// The body is not `application/json`.
    #[oai(rename = "urn:flashsale:problem:unsupported-media-type")]
    UnsupportedMediaType,
    /// The request target (path and query) is longer than the server accepts.
    #[oai(rename = "urn:flashsale:problem:uri-too-long")]
    UriTooLong,
    /// The request headers are larger than the server accepts.
    #[oai(rename = "urn:flashsale:problem:headers-too-large")]
    HeadersTooLarge,
    /// Too many requests from this client or buyer; see `Retry-After`.
    #[oai(rename = "urn:flashsale:problem:rate-limited")]
    RateLimited,
    /// A dependency is down; nothing was taken; see `Retry-After`.
    #[oai(rename = "urn:flashsale:problem:unavailable")]
    Unavailable,
    /// The purchase's outcome is unknown: the stock gate's answer was lost and cancelling the
    /// request could not be confirmed, or the order was sent to the queue but not
    /// acknowledged. A unit may or may not have been taken; poll `resultUrl` (`requestId`).
    /// Units taken become an order through reconciliation.
    #[oai(rename = "urn:flashsale:problem:outcome-unknown")]
    OutcomeUnknown,
    /// The server has as many requests in flight as it accepts; nothing was done; see
    /// `Retry-After`. Any operation may answer it, before its handler runs.
    #[oai(rename = "urn:flashsale:problem:overloaded")]
    Overloaded,
    /// An unexpected error; details are in the server's log, never in the response.
    #[oai(rename = "urn:flashsale:problem:internal")]
    Internal,
}

/// One field that broke a rule.
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's name in the request body.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Problem details (RFC 9457). `instance` names the HTTP request that met the problem:
/// `urn:flashsale:request:<id>`, where `<id>` is the response's `X-Request-Id` (the request's
/// own `X-Request-Id` when it is 1 to 128 of `A-Z a-z 0-9 . _ : -`, else one the server made);
/// the server's log lines about the request carry the same id as `request_id`.
#[derive(Debug, Clone, PartialEq, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct Problem {
    // What went wrong, stable across versions: see `ProblemType`. Enum-typed fields carry no doc
    // comment, so the spec has a plain `$ref` (a description beside it becomes an `allOf` that
    // client generators cannot read).
    #[allow(missing_docs)]
    #[oai(rename = "type")]
    pub kind: ProblemType,
    /// A short human summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human explanation of this occurrence.
    pub detail: String,
    /// Fields that broke a rule, for `validation-failed`; absent otherwise.
    #[oai(skip_serializing_if_is_empty, default)]
    pub errors: Vec<FieldError>,
    /// For `already-purchased`: the request that holds your units, to poll at `resultUrl`
    /// (e.g. when the `202` of that request was lost); for `outcome-unknown`: your request,
    /// whose outcome `resultUrl` tells; absent otherwise.
    #[oai(skip_serializing_if_is_none)]
    pub request_id: Option<String>,
    /// For `already-purchased` and `outcome-unknown`: where to poll that request.
    #[oai(skip_serializing_if_is_none)]
    pub result_url: Option<String>,
    /// For `order-not-payable`: the order; for `payment-id-used`: the order the payment paid.
    #[oai(skip_serializing_if_is_none)]
    pub order_id: Option<String>,
    // For `order-not-payable`: where the order stands (see `OrderState`; no doc comment on
    // enum-typed fields: see `kind`).
    #[allow(missing_docs)]
    #[oai(skip_serializing_if_is_none)]
    pub order_status: Option<OrderState>,
    /// The HTTP request that met the problem: `urn:flashsale:request:<X-Request-Id>`.
    #[oai(skip_serializing_if_is_none)]
    pub instance: Option<String>,
}

impl Problem {
    /// A problem of `kind` with this explanation.
    pub fn new(kind: ProblemType, detail: impl Into<String>) -> Self {
        let (status, title) = kind.status_and_title();
        Self {
            kind,
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            request_id: None,
            result_url: None,
            order_id: None,
            order_status: None,
            instance: None,
        }
    }
}

impl poem_openapi::types::Example for Problem {
    fn example() -> Self {
        Self {
            instance: Some("urn:flashsale:request:0192f3a4b5c67d8e9f0a1b2c3d4e5f60".into()),
            ..Self::new(ProblemType::SoldOut, "No unit is left.")
        }
    }
}

impl ProblemType {
    /// The status code and title of this problem type.
    pub fn status_and_title(self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest => (StatusCode::BAD_REQUEST, "Bad request"),
            Self::ValidationFailed => (StatusCode::UNPROCESSABLE_ENTITY, "Validation failed"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "Forbidden"),
            Self::NotFound => (StatusCode::NOT_FOUND, "Not found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
            Self::SoldOut => (StatusCode::CONFLICT, "Sold out"),
            Self::AlreadyPurchased => (StatusCode::CONFLICT, "Already purchased"),
            Self::SaleNotStarted => (StatusCode::CONFLICT, "Sale not started"),
            Self::SaleEnded => (StatusCode::CONFLICT, "Sale ended"),
            Self::SalePaused => (StatusCode::CONFLICT, "Sale paused"),
            Self::AboveLimit => (StatusCode::UNPROCESSABLE_ENTITY, "Above the per-user limit"),
            Self::SaleExists => (StatusCode::CONFLICT, "Sale exists"),
            Self::OrderNotCancellable => (StatusCode::CONFLICT, "Order not cancellable"),
            Self::WebhookSignatureInvalid => {
                (StatusCode::UNAUTHORIZED, "Invalid webhook signature")
            }
            Self::WebhookTimestampOutsideTolerance => (
                StatusCode::UNAUTHORIZED,
                "Webhook timestamp outside the tolerance",
            ),
            Self::OrderNotPayable => (StatusCode::CONFLICT, "Order not payable"),
            Self::PaymentIdUsed => (StatusCode::CONFLICT, "Payment id used"),
            Self::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Idempotency key reused")
            }
            Self::IdempotencyKeyInUse => (StatusCode::CONFLICT, "Idempotency key in use"),
            Self::RestockIdReused => (StatusCode::UNPROCESSABLE_ENTITY, "Restock id reused"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
            }
            Self::UriTooLong => (StatusCode::URI_TOO_LONG, "URI too long"),
            Self::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "Request headers too large",
            ),
            Self::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable"),
            Self::OutcomeUnknown => (StatusCode::SERVICE_UNAVAILABLE, "Outcome unknown"),
            Self::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, "Overloaded"),
            Self::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        }
    }
}

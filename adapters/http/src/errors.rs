//! The one place where use-case errors become problem details: internals are logged here and
//! never leaked to the caller.

use std::time::Duration;

use flashsale_application::ports::OrderStoreError;
use flashsale_application::{
    AddUnitsError, AuditSaleError, CancelOrderError, ConfirmPaymentError, CreateSaleError,
    ErrorChain, IdempotentPurchaseError, MoveSaleEndError, PauseSaleError, PlacePurchaseError,
    QueryResultError, SaleOrdersError,
};
use flashsale_domain::{OrderStatus, Refusal, RequestId, MAX_STOCK};
use validator::{ValidationError, ValidationErrors};

use crate::catalog::Unready;
use crate::problem::{FieldError, Problem, ProblemType};
use crate::schemas::FIELD_PARAM;
use crate::webhook_signature::SignatureError;

/// Seconds a client should wait after a dependency failure before retrying.
pub(crate) const RETRY_AFTER_UNAVAILABLE: u64 = 1;

/// An error response before it is shaped into an operation's response enum.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The problem to send (boxed: it is large, and errors travel by value).
    pub problem: Box<Problem>,
    /// The `Retry-After` value, for 429 and 503.
    pub retry_after: Option<u64>,
}

impl Failure {
    /// A failure with no retry hint.
    pub fn new(kind: ProblemType, detail: impl Into<String>) -> Self {
        Self {
            problem: Box::new(Problem::new(kind, detail)),
            retry_after: None,
        }
    }

    /// Names the request to poll (`requestId`, `resultUrl`).
    fn polling(mut self, request: &RequestId) -> Self {
        self.problem.result_url = Some(crate::schemas::result_url(request.as_str()));
        self.problem.request_id = Some(request.to_string());
        self
    }

    fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The `Retry-After` seconds (at least one).
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.unwrap_or(RETRY_AFTER_UNAVAILABLE)
    }

    /// A dependency is down: the error is logged with its causes, the caller learns nothing
    /// of them.
    fn unavailable(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %ErrorChain(error), "dependency unavailable");
        Self::new(
            ProblemType::Unavailable,
            "A dependency is unavailable; nothing was taken. Try again shortly.",
        )
        .retry_after(RETRY_AFTER_UNAVAILABLE)
    }

    /// Body fields broke their rules; each error names its field (a whole-body rule names it
    /// in its `field` parameter) and says the rule, with the bounds the rule was checked with.
    pub fn validation(errors: &ValidationErrors) -> Self {
        let mut fields: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errors)| {
                errors.iter().map(move |error| FieldError {
                    field: error
                        .params
                        .get(FIELD_PARAM)
                        .and_then(|named| named.as_str())
                        .map_or_else(|| camel_case(&field), str::to_owned),
                    message: rule_message(error),
                })
            })
            .collect();
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        let mut failure = Self::new(
            ProblemType::ValidationFailed,
            "Some fields break their rules.",
        );
        failure.problem.errors = fields;
        failure
    }

    /// One field broke its rule.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut failure = Self::new(ProblemType::ValidationFailed, "A field breaks its rule.");
        failure.problem.errors = vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }];
        failure
    }
}

/// What a broken rule says: its own message, or one made from its code and bounds.
fn rule_message(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let bound = |name: &str| error.params.get(name).map(ToString::to_string);
    match (error.code.as_ref(), bound("min"), bound("max")) {
        ("range", Some(min), Some(max)) => format!("must be from {min} to {max}"),
        ("range", None, Some(max)) => format!("must be at most {max}"),
        ("length", Some(min), Some(max)) => format!("must be {min} to {max} characters"),
        (code, _, _) => format!("breaks the rule `{code}`"),
    }
}

fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl From<PlacePurchaseError> for Failure {
    fn from(error: PlacePurchaseError) -> Self {
        match error {
            PlacePurchaseError::RateLimited { retry_after } => rate_limited(retry_after),
            PlacePurchaseError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            PlacePurchaseError::Refused(refusal) => refused(refusal),
            PlacePurchaseError::AlreadyPurchased { holder } => {
                let mut failure = refused(Refusal::AlreadyPurchased);
                if let Some(request) = holder {
                    failure = failure.polling(&request);
                }
                failure
            }
            PlacePurchaseError::OutcomeUnknown { request_id } => Self::new(
                ProblemType::OutcomeUnknown,
                "We cannot tell yet whether your purchase took a unit (the stock gate's answer \
                 was lost, or the order was sent but not acknowledged). Poll resultUrl: pending \
                 or succeeded means you have it; failed or not found means nothing was taken \
                 so far.",
            )
            .polling(&request_id)
            .retry_after(RETRY_AFTER_UNAVAILABLE),
            PlacePurchaseError::QueueUnavailable => Self::new(
                ProblemType::Unavailable,
                "The order could not be queued; your unit went back into stock. Try again.",
            )
            .retry_after(RETRY_AFTER_UNAVAILABLE),
            PlacePurchaseError::Limiter(error) => Self::unavailable(&error),
            PlacePurchaseError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<IdempotentPurchaseError> for Failure {
    fn from(error: IdempotentPurchaseError) -> Self {
        match error {
            IdempotentPurchaseError::Purchase(error) => error.into(),
            IdempotentPurchaseError::KeyReused => Self::new(
                ProblemType::IdempotencyKeyReused,
                "You used this Idempotency-Key for another request; use a new key.",
            ),
            IdempotentPurchaseError::KeyInUse => Self::new(
                ProblemType::IdempotencyKeyInUse,
                "A request with this Idempotency-Key is still being processed; retry shortly.",
            ),
            IdempotentPurchaseError::Store(error) => Self::unavailable(&error),
        }
    }
}

fn refused(refusal: Refusal) -> Failure {
    match refusal {
        Refusal::SoldOut => Failure::new(ProblemType::SoldOut, "No unit is left."),
        Refusal::AlreadyPurchased => Failure::new(
            ProblemType::AlreadyPurchased,
            "You already bought this product.",
        ),
        Refusal::NotStarted => {
            Failure::new(ProblemType::SaleNotStarted, "The sale has not started.")
        }
        Refusal::Ended => Failure::new(ProblemType::SaleEnded, "The sale has ended."),
        Refusal::Paused => Failure::new(
            ProblemType::SalePaused,
            "The sale is paused by its operators; try again once it resumes.",
        ),
        Refusal::AboveLimit { limit } => Failure::new(
            ProblemType::AboveLimit,
            format!("One buyer may take at most {limit} unit(s) of this product."),
        ),
        Refusal::RateLimited { retry_after } => rate_limited(retry_after),
    }
}

fn rate_limited(retry_after: Duration) -> Failure {
    Failure::new(ProblemType::RateLimited, "Too many requests; slow down.")
        .retry_after(ceil_secs(retry_after))
}

fn ceil_secs(duration: Duration) -> u64 {
    let secs = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

impl From<QueryResultError> for Failure {
    fn from(error: QueryResultError) -> Self {
        match error {
            QueryResultError::NotFound => {
                Self::new(ProblemType::NotFound, "No such purchase of yours.")
            }
            QueryResultError::Results(error) => Self::unavailable(&error),
            QueryResultError::Store(error) => Self::unavailable(&error),
            QueryResultError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<CreateSaleError> for Failure {
    fn from(error: CreateSaleError) -> Self {
        match error {
            CreateSaleError::AlreadyExists => Self::new(
                ProblemType::SaleExists,
                "A sale for this product exists already.",
            ),
            CreateSaleError::Catalog(error) => Self::unavailable(&error),
            CreateSaleError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<CancelOrderError> for Failure {
    fn from(error: CancelOrderError) -> Self {
        match error {
            CancelOrderError::NotFound(_) => Self::no_such_order(),
            CancelOrderError::NotCancellable { status, .. } => Self::new(
                ProblemType::OrderNotCancellable,
                format!(
                    "The order is {} and cannot be cancelled.",
                    match status {
                        flashsale_domain::OrderStatus::Paid => "paid",
                        flashsale_domain::OrderStatus::Expired => "expired",
                        flashsale_domain::OrderStatus::Cancelled => "cancelled",
                        flashsale_domain::OrderStatus::PendingPayment => "pending payment",
                    }
                ),
            ),
            CancelOrderError::Store(error) => Self::unavailable(&error),
            CancelOrderError::Catalog(error) => Self::unavailable(&error),
            CancelOrderError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<ConfirmPaymentError> for Failure {
    fn from(error: ConfirmPaymentError) -> Self {
        match error {
            ConfirmPaymentError::UnknownOrder(order_id) => {
                Self::new(ProblemType::NotFound, format!("No order {order_id}."))
            }
            ConfirmPaymentError::NotPayable {
                order_id,
                status,
                deadline,
            } => {
                let why = match status {
                    OrderStatus::Paid => "is paid by another payment".to_owned(),
                    OrderStatus::Cancelled => "is cancelled: its unit went back on sale".to_owned(),
                    OrderStatus::Expired => "expired unpaid: its unit went back on sale".to_owned(),
                    OrderStatus::PendingPayment => format!(
                        "is past its payment deadline ({}) and is expiring",
                        crate::time::to_wire(deadline).to_rfc3339()
                    ),
                };
                let mut failure = Self::new(
                    ProblemType::OrderNotPayable,
                    format!("Order {order_id} {why}. The payment was not taken: refund it."),
                );
                failure.problem.order_id = Some(order_id.to_string());
                failure.problem.order_status = Some(status.into());
                failure
            }
            ConfirmPaymentError::PaymentUsed {
                payment_id,
                paid_order,
            } => {
                let mut failure = Self::new(
                    ProblemType::PaymentIdUsed,
                    format!(
                        "Payment {payment_id} already paid order {paid_order}; nothing changed."
                    ),
                );
                failure.problem.order_id = Some(paid_order.to_string());
                failure
            }
            ConfirmPaymentError::Store(error) => Self::unavailable(&error),
        }
    }
}

impl From<SignatureError> for Failure {
    /// Why the signature is refused is told: it helps the provider's operators, and tells a
    /// forger nothing the header format does not.
    fn from(error: SignatureError) -> Self {
        let kind = match error {
            SignatureError::OutsideTolerance { .. } => {
                ProblemType::WebhookTimestampOutsideTolerance
            }
            SignatureError::Missing | SignatureError::Malformed(_) | SignatureError::Mismatch => {
                ProblemType::WebhookSignatureInvalid
            }
        };
        Self::new(
            kind,
            format!("Not taken as the payment provider's: {error}."),
        )
    }
}

impl From<OrderStoreError> for Failure {
    fn from(error: OrderStoreError) -> Self {
        Self::unavailable(&error)
    }
}

impl Failure {
    /// No such order of the caller's (another buyer's orders are reported the same way).
    pub fn no_such_order() -> Self {
        Self::new(ProblemType::NotFound, "No such order of yours.")
    }
}

impl From<AuditSaleError> for Failure {
    fn from(error: AuditSaleError) -> Self {
        match error {
            AuditSaleError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            AuditSaleError::Catalog(error) => Self::unavailable(&error),
            AuditSaleError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<SaleOrdersError> for Failure {
    fn from(error: SaleOrdersError) -> Self {
        match error {
            SaleOrdersError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            SaleOrdersError::Catalog(error) => Self::unavailable(&error),
            SaleOrdersError::Store(error) => Self::unavailable(&error),
        }
    }
}

impl From<PauseSaleError> for Failure {
    fn from(error: PauseSaleError) -> Self {
        match error {
            PauseSaleError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            PauseSaleError::Catalog(error) => Self::unavailable(&error),
            PauseSaleError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<AddUnitsError> for Failure {
    fn from(error: AddUnitsError) -> Self {
        match error {
            AddUnitsError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            AddUnitsError::TooMuchStock => {
                Self::invalid_field("units", format!("would take the stock above {MAX_STOCK}"))
            }
            AddUnitsError::RestockIdReused { restock, units } => Self::new(
                ProblemType::RestockIdReused,
                format!("Restock {restock} added {units} units to this sale before."),
            ),
            AddUnitsError::Catalog(error) => Self::unavailable(&error),
            AddUnitsError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl From<MoveSaleEndError> for Failure {
    fn from(error: MoveSaleEndError) -> Self {
        match error {
            MoveSaleEndError::UnknownProduct(product) => Self::new(
                ProblemType::NotFound,
                format!("No sale for product {product}."),
            ),
            MoveSaleEndError::Window(_) => {
                Self::invalid_field("endsAt", "must be after the sale's startsAt")
            }
            MoveSaleEndError::Catalog(error) => Self::unavailable(&error),
            MoveSaleEndError::Gate(error) => Self::unavailable(&error),
        }
    }
}

impl Failure {
    /// A dependency of the process cannot serve yet, or the process is stopping
    /// ([`crate::Readiness`]); the reason names which, without internals.
    pub fn not_ready(why: &str) -> Self {
        Self::new(
            ProblemType::Unavailable,
            format!("Not ready: {why}. Try again shortly."),
        )
        .retry_after(RETRY_AFTER_UNAVAILABLE)
    }
}

impl From<Unready> for Failure {
    /// The snapshot of the sales cannot be served; why is no secret (the cause was logged when
    /// the listing failed), so the detail says it.
    fn from(unready: Unready) -> Self {
        Self::new(
            ProblemType::Unavailable,
            format!("Not ready: {unready}. Try again shortly."),
        )
        .retry_after(RETRY_AFTER_UNAVAILABLE)
    }
}

/// Implements `From<Failure>` for an operation's response enum: each listed status goes to its
/// variant (those under `retry` carry a `Retry-After` header); anything else is a 500.
macro_rules! failure_into {
    ($response:ty { $($status:literal => $variant:ident),* $(,)? }
        $(retry { $($retry_status:literal => $retry_variant:ident),* $(,)? })?) => {
        impl From<$crate::errors::Failure> for $response {
            fn from(failure: $crate::errors::Failure) -> Self {
                use poem_openapi::payload::Json;
                match failure.problem.status {
                    $($status => Self::$variant(Json(*failure.problem)),)*
                    $($($retry_status => {
                        let seconds = failure.retry_after_secs();
                        Self::$retry_variant(Json(*failure.problem), seconds)
                    })*)?
                    other => {
                        tracing::error!(status = other, "no response variant for this status");
                        Self::Internal(Json($crate::problem::Problem::new(
                            $crate::problem::ProblemType::Internal,
                            "An unexpected error occurred.",
                        )))
                    }
                }
            }
        }
    };
}
pub(crate) use failure_into;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields_are_reported_in_camel_case() {
        assert_eq!(camel_case("per_user_limit"), "perUserLimit");
        assert_eq!(camel_case("name"), "name");
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(2)), 2);
        assert_eq!(ceil_secs(Duration::from_millis(2_500)), 3);
    }

    #[test]
    fn an_unknown_outcome_is_a_503_of_its_own_type_that_says_where_to_poll() {
        let request_id = flashsale_domain::RequestId::parse("req-1").unwrap();
        let failure = Failure::from(PlacePurchaseError::OutcomeUnknown {
            request_id: request_id.clone(),
        });
        assert_eq!(failure.problem.kind, ProblemType::OutcomeUnknown);
        assert_eq!(failure.problem.status, 503);
        assert_eq!(failure.problem.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            failure.problem.result_url,
            Some(crate::schemas::result_url("req-1"))
        );
        assert!(
            !failure.problem.detail.contains("nothing was taken."),
            "never a definite statement: {}",
            failure.problem.detail
        );
    }

    #[test]
    fn every_refusal_has_its_own_problem_type() {
        let kinds = [
            Refusal::SoldOut,
            Refusal::AlreadyPurchased,
            Refusal::NotStarted,
            Refusal::Ended,
            Refusal::AboveLimit {
                limit: flashsale_domain::Quantity::ONE,
            },
            Refusal::RateLimited {
                retry_after: Duration::from_secs(1),
            },
        ]
        .map(|r| refused(r).problem.kind);
        for (i, a) in kinds.iter().enumerate() {
            for b in &kinds[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}

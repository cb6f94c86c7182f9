//! Request and response bodies: wire shapes only, converted into domain types at the edge.

use chrono::{DateTime, Utc};
use flashsale_application::{Accepted, SaleAudit as AuditView, SaleView};
use flashsale_domain::{
    FailureReason, ProductId, Purchase, PurchaseState, SalePhase, Timestamp, MAX_NAME_LEN,
    MAX_QUANTITY, MAX_STOCK, MIN_QUANTITY,
};
use poem_openapi::{Enum, Object};
use validator::{Validate, ValidationError};

use crate::time::{from_wire, to_wire};
use crate::wire::{AddedUnits, NameText, ProductIdText, RestockIdText, StockUnits, Units};

/// The default quantity and per-user limit: the fewest units there are.
fn one() -> Units {
    Units(MIN_QUANTITY)
}

/// What to buy.
#[derive(Debug, Clone, Object, Validate)]
#[oai(rename_all = "camelCase", deny_unknown_fields, example)]
pub struct PurchaseRequest {
    /// Units to buy, at most the sale's per-user limit. Defaults to 1; `null` is refused.
    #[validate(range(min = MIN_QUANTITY, max = MAX_QUANTITY))]
    pub quantity: Units,
}

impl poem_openapi::types::Example for PurchaseRequest {
    fn example() -> Self {
        Self { quantity: one() }
    }
}

/// Where an accepted purchase stands: `pending` turns into `succeeded` or `failed`, never back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PurchaseStatus {
    /// The unit is reserved and the order is being created.
    Pending,
    /// The order exists.
    Succeeded,
    /// No order will be created; the unit went back into stock.
    Failed,
}

/// Why an accepted purchase `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PurchaseFailure {
    /// The system of record had no stock left.
    SoldOut,
    /// The buyer already has an order for this product.
    AlreadyPurchased,
    /// The sale is unknown to the system of record.
    UnknownSale,
    /// The order could not be queued; try again.
    QueueUnavailable,
    /// The reservation was never queued and was released by reconciliation.
    Abandoned,
    /// The order was refused for good when it was stored (the operators were alerted); the unit
    /// went back on sale.
    Rejected,
}

impl From<FailureReason> for PurchaseFailure {
    fn from(reason: FailureReason) -> Self {
        match reason {
            FailureReason::SoldOut => Self::SoldOut,
            FailureReason::AlreadyPurchased => Self::AlreadyPurchased,
            FailureReason::UnknownSale => Self::UnknownSale,
            FailureReason::QueueUnavailable => Self::QueueUnavailable,
            FailureReason::Abandoned => Self::Abandoned,
            FailureReason::Rejected => Self::Rejected,
        }
    }
}

/// A purchase that took stock and is queued.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct PurchaseAccepted {
    /// The id to poll the result with: `<productId>.<32 hex digits>`, up to 128 characters.
    /// Treat it as opaque.
    pub request_id: String,
    /// The product bought.
    pub product_id: String,
    /// Units reserved.
    pub quantity: u32,
    // Always `pending` here: see `PurchaseStatus` (no doc comment on enum-typed fields: see `Problem::kind`).
    #[allow(missing_docs)]
    pub status: PurchaseStatus,
    /// Where to poll the result.
    pub result_url: String,
}

impl PurchaseAccepted {
    /// The wire form of an accepted purchase.
    pub fn from_accepted(accepted: &Accepted) -> Self {
        let request_id = accepted.request_id.to_string();
        Self {
            result_url: result_url(&request_id),
            request_id,
            product_id: accepted.reservation.product_id.to_string(),
            quantity: accepted.reservation.quantity.get(),
            status: PurchaseStatus::Pending,
        }
    }
}

/// The request id of the response examples.
pub(crate) const EXAMPLE_REQUEST_ID: &str = "phone-x.4f9c2b7e1a8d4c3b9e6f0a1b2c3d4e5f";

/// When the example sale opens: 2026-12-01T10:00:00Z.
/// The order id the examples show.
pub(crate) const EXAMPLE_ORDER_ID: &str = "b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";

pub(crate) fn example_start() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_796_119_200, 0).unwrap_or_default()
}

impl poem_openapi::types::Example for PurchaseAccepted {
    fn example() -> Self {
        Self {
            request_id: EXAMPLE_REQUEST_ID.into(),
            product_id: "phone-x".into(),
            quantity: 1,
            status: PurchaseStatus::Pending,
            result_url: result_url(EXAMPLE_REQUEST_ID),
        }
    }
}

/// The path of a purchase's result.
pub fn result_url(request_id: &str) -> String {
    format!("/api/v1/purchases/{request_id}")
}

/// What became of an accepted purchase.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct PurchaseResult {
    /// The purchase request's id.
    pub request_id: String,
    /// The product bought.
    pub product_id: String,
    /// Units reserved.
    pub quantity: u32,
    /// When it was accepted.
    pub accepted_at: DateTime<Utc>,
    // Where it stands; `pending` turns into `succeeded` or `failed`, never back: see `PurchaseStatus` (no doc comment on enum-typed fields: see `Problem::kind`).
    #[allow(missing_docs)]
    pub status: PurchaseStatus,
    /// The order's id, once `succeeded`.
    #[oai(skip_serializing_if_is_none)]
    pub order_id: Option<String>,
    /// Where the order, its status and its payment deadline are read, once `succeeded`:
    /// `/api/v1/orders/{orderId}`.
    #[oai(skip_serializing_if_is_none)]
    pub order_url: Option<String>,
    /// Until when the order may be paid, once `succeeded`; unpaid then, it expires and its units
    /// go back on sale. The order (`orderUrl`) says where it stands now.
    #[oai(skip_serializing_if_is_none)]
    pub payment_deadline: Option<DateTime<Utc>>,
    // Why it `failed`: see `PurchaseFailure` (no doc comment on enum-typed fields: see `Problem::kind`).
    #[allow(missing_docs)]
    #[oai(skip_serializing_if_is_none)]
    pub failure: Option<PurchaseFailure>,
}

impl From<Purchase> for PurchaseResult {
    fn from(purchase: Purchase) -> Self {
        let (status, order_id, payment_deadline, failure) = match purchase.state() {
            PurchaseState::Pending => (PurchaseStatus::Pending, None, None, None),
            PurchaseState::Succeeded {
                order_id,
                payment_deadline,
            } => (
                PurchaseStatus::Succeeded,
                Some(order_id.to_string()),
                payment_deadline.map(to_wire),
                None,
            ),
            PurchaseState::Failed { reason } => {
                (PurchaseStatus::Failed, None, None, Some((*reason).into()))
            }
        };
        Self {
            request_id: purchase.request_id.to_string(),
            product_id: purchase.product_id.to_string(),
            quantity: purchase.quantity.get(),
            accepted_at: to_wire(purchase.accepted_at),
            status,
            order_url: order_id.as_deref().map(crate::order_schemas::order_url),
            order_id,
            payment_deadline,
            failure,
        }
    }
}

impl poem_openapi::types::Example for PurchaseResult {
    fn example() -> Self {
        Self {
            request_id: EXAMPLE_REQUEST_ID.into(),
            product_id: "phone-x".into(),
            quantity: 1,
            accepted_at: example_start() + chrono::Duration::milliseconds(12),
            status: PurchaseStatus::Succeeded,
            order_id: Some(EXAMPLE_ORDER_ID.into()),
            order_url: Some(crate::order_schemas::order_url(EXAMPLE_ORDER_ID)),
            payment_deadline: Some(example_start() + chrono::Duration::milliseconds(900_040)),
            failure: None,
        }
    }
}

/// Where a sale stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SaleStatus {
    /// Not open yet.
    Upcoming,
    /// Open: buying is allowed.
    Open,
    /// Within its window, but paused by its operators: buys are refused (`sale-paused`) until
    /// it resumes.
    Paused,
    /// Closed.
    Ended,
}

/// A sale as buyers see it.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct SaleSummary {
    /// The product on sale.
    pub product_id: String,
    /// The product's name.
    pub name: String,
    /// Units on sale in total.
    pub stock: u32,
    /// Units still available.
    pub remaining: u32,
    /// When buying opens.
    pub starts_at: DateTime<Utc>,
    /// When buying closes.
    pub ends_at: DateTime<Utc>,
    /// Most units one buyer may take.
    pub per_user_limit: u32,
    /// Seconds a buyer has to pay an order of this sale, from its creation.
    pub payment_window_secs: u32,
    /// Whether a buyer whose order was cancelled or expired may buy this sale again.
    pub rebuy_after_cancel: bool,
    // Where the sale stands now: see `SaleStatus` (no doc comment on enum-typed fields: see `Problem::kind`).
    #[allow(missing_docs)]
    pub status: SaleStatus,
}

impl SaleSummary {
    /// The wire form of a sale at `now`.
    pub fn at(view: SaleView, now: Timestamp) -> Self {
        let sale = &view.sale;
        let status = match sale.window().phase(now) {
            SalePhase::NotStarted => SaleStatus::Upcoming,
            SalePhase::Open if sale.is_paused() => SaleStatus::Paused,
            SalePhase::Open => SaleStatus::Open,
            SalePhase::Ended => SaleStatus::Ended,
        };
        Self {
            product_id: sale.product_id().to_string(),
            name: sale.name().to_owned(),
            stock: sale.stock(),
            remaining: view.remaining,
            starts_at: to_wire(sale.window().starts_at()),
            ends_at: to_wire(sale.window().ends_at()),
            per_user_limit: sale.per_user_limit().get(),
            payment_window_secs: sale.payment_window().secs(),
            rebuy_after_cancel: sale.rebuy_after_cancel(),
            status,
        }
    }
}

impl poem_openapi::types::Example for SaleSummary {
    fn example() -> Self {
        let starts_at = example_start();
        Self {
            product_id: "phone-x".into(),
            name: "Phone X, launch edition".into(),
            stock: 100,
            remaining: 37,
            starts_at,
            ends_at: starts_at + chrono::Duration::hours(1),
            per_user_limit: 1,
            payment_window_secs: 900,
            rebuy_after_cancel: false,
            status: SaleStatus::Open,
        }
    }
}

/// The field a whole-body rule concerns, as a parameter of its error (`errors` names it).
pub const FIELD_PARAM: &str = "field";

fn window_is_ordered(request: &NewSale) -> Result<(), ValidationError> {
    if request.ends_at <= request.starts_at {
        let mut error = ValidationError::new("window");
        error.message = Some("must be after startsAt".into());
        error.add_param(FIELD_PARAM.into(), &"endsAt");
        return Err(error);
    }
    Ok(())
}

fn is_product_id(id: &ProductIdText) -> Result<(), ValidationError> {
    ProductId::parse(id.as_str()).map(drop).map_err(|error| {
        let mut failure = ValidationError::new("product_id");
        failure.message = Some(error.to_string().into());
        failure
    })
}

/// A sale to create.
#[derive(Debug, Clone, Object, Validate)]
#[oai(rename_all = "camelCase", deny_unknown_fields, example)]
#[validate(schema(function = "window_is_ordered", skip_on_field_errors = false))]
pub struct NewSale {
    /// The product's id: 1 to 64 of `A-Z a-z 0-9 . _ -`, not `.` or `..`.
    #[validate(custom(function = "is_product_id"))]
    pub product_id: ProductIdText,
    /// The product's name.
    #[validate(length(min = 1, max = MAX_NAME_LEN))]
    pub name: NameText,
    /// Units on sale.
    #[validate(range(max = MAX_STOCK))]
    pub stock: StockUnits,
    /// When buying opens.
    pub starts_at: DateTime<Utc>,
    /// When buying closes; after `startsAt`.
    pub ends_at: DateTime<Utc>,
    /// Most units one buyer may take. Defaults to 1; `null` is refused.
    #[validate(range(min = MIN_QUANTITY, max = MAX_QUANTITY))]
    pub per_user_limit: Units,
    /// Seconds a buyer has to pay an order, from its creation: 1 to 604800 (7 days). Absent:
    /// the server's default (`orders.payment_window_secs`, 900 unless configured). An unpaid
    /// order expires at its deadline and its units go back on sale.
    #[oai(skip_serializing_if_is_none)]
    pub payment_window_secs: Option<u32>,
    /// Whether a buyer whose order was cancelled or expired may buy this sale again. Absent:
    /// `false` (one order per buyer, live or closed).
    #[oai(skip_serializing_if_is_none)]
    pub rebuy_after_cancel: Option<bool>,
}

impl poem_openapi::types::Example for NewSale {
    fn example() -> Self {
        let starts_at = example_start();
        Self {
            product_id: "phone-x".into(),
            name: "Phone X, launch edition".into(),
            stock: StockUnits(100),
            ends_at: starts_at + chrono::Duration::hours(1),
            starts_at,
            per_user_limit: one(),
            payment_window_secs: Some(900),
            rebuy_after_cancel: Some(false),
        }
    }
}

impl NewSale {
    /// The window's bounds in domain form.
    pub fn window_bounds(&self) -> (Timestamp, Timestamp) {
        (from_wire(self.starts_at), from_wire(self.ends_at))
    }
}

/// Units to add to a sale.
#[derive(Debug, Clone, Object, Validate)]
#[oai(rename_all = "camelCase", deny_unknown_fields, example)]
pub struct NewUnits {
    /// Units to put on sale on top of the stock, at least 1; the stock may not exceed
    /// 100000000.
    #[validate(range(min = 1, max = MAX_STOCK))]
    pub units: AddedUnits,
    /// The operator's id for this addition (e.g. a UUID made once per click): 1 to 64 of
    /// `A-Z a-z 0-9 . _ -`. The units are added once per id, however often it is sent.
    pub restock_id: RestockIdText,
}

impl poem_openapi::types::Example for NewUnits {
    fn example() -> Self {
        Self {
            units: AddedUnits(50),
            restock_id: "restock-2f1c9a".into(),
        }
    }
}

/// A sale's new end.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", deny_unknown_fields, example)]
pub struct SaleEnd {
    /// When buying closes from now on; after the sale's `startsAt`. Earlier than the current
    /// end closes the sale early, later extends it.
    pub ends_at: DateTime<Utc>,
}

impl poem_openapi::types::Example for SaleEnd {
    fn example() -> Self {
        Self {
            ends_at: example_start() + chrono::Duration::hours(2),
        }
    }
}

/// One sale audited: the system of record's counts next to the stock gate's. Once no
/// reservation is in flight, `gateRemaining` equals `remaining`, `remaining + unitsOrdered`
/// equals `stock`, and `maxOrdersPerBuyer` is at most 1.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct SaleAudit {
    /// The product audited.
    pub product_id: String,
    /// Units the sale started with.
    pub stock: u32,
    /// Units the system of record has not turned into orders.
    pub remaining: u32,
    /// Live orders in the system of record: pending payment or paid (cancelled and expired
    /// orders gave their units back).
    pub orders: u64,
    /// Units those orders hold: `unitsPendingPayment + unitsPaid`.
    pub units_ordered: u64,
    /// Units of orders waiting for payment.
    pub units_pending_payment: u64,
    /// Units of paid orders.
    pub units_paid: u64,
    /// Distinct buyers among those orders.
    pub distinct_buyers: u64,
    /// Most orders any one buyer holds for the product.
    pub max_orders_per_buyer: u64,
    /// Units the stock gate still offers; absent when the gate does not hold the sale.
    #[oai(skip_serializing_if_is_none)]
    pub gate_remaining: Option<u32>,
    /// Reservations taken at the gate and not yet persisted or released.
    pub in_flight: u64,
}

impl SaleAudit {
    /// The wire form of a product's audit.
    pub fn of(product_id: &str, audit: &AuditView) -> Self {
        Self {
            product_id: product_id.to_owned(),
            stock: audit.store.stock,
            remaining: audit.store.remaining,
            orders: audit.store.orders,
            units_ordered: audit.store.units_ordered,
            units_pending_payment: audit.store.units_pending_payment,
            units_paid: audit.store.units_paid,
            distinct_buyers: audit.store.distinct_buyers,
            max_orders_per_buyer: audit.store.max_orders_per_buyer,
            gate_remaining: audit.gate_remaining,
            in_flight: audit.in_flight as u64,
        }
    }
}

impl poem_openapi::types::Example for SaleAudit {
    fn example() -> Self {
        Self {
            product_id: "phone-x".into(),
            stock: 100,
            remaining: 37,
            orders: 63,
            units_ordered: 63,
            units_pending_payment: 13,
            units_paid: 50,
            distinct_buyers: 63,
            max_orders_per_buyer: 1,
            gate_remaining: Some(37),
            in_flight: 0,
        }
    }
}

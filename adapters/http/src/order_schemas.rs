//! Response bodies of a buyer's orders: one order with its status and payment deadline, and a
//! page of them.

use chrono::{DateTime, Utc};
use flashsale_domain::{Order, OrderStatus};
use poem_openapi::{Enum, Object};

use crate::schemas::{example_start, EXAMPLE_ORDER_ID, EXAMPLE_REQUEST_ID};
use crate::time::to_wire;

/// Where an order is read: `/api/v1/orders/{orderId}`.
pub fn order_url(order_id: &str) -> String {
    format!("/api/v1/orders/{order_id}")
}

/// Where an order stands. `pending_payment` turns into `paid`, `cancelled` (by the buyer) or
/// `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
/// back on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum OrderState {
    /// Waiting for payment until `paymentDeadline`.
    PendingPayment,
    /// Paid.
    Paid,
    /// Cancelled by the buyer before payment.
    Cancelled,
    /// Not paid by its deadline.
    Expired,
}

impl From<OrderStatus> for OrderState {
    fn from(status: OrderStatus) -> Self {
        match status {
            OrderStatus::PendingPayment => Self::PendingPayment,
            OrderStatus::Paid => Self::Paid,
            OrderStatus::Cancelled => Self::Cancelled,
            OrderStatus::Expired => Self::Expired,
        }
    }
}

impl From<OrderState> for OrderStatus {
    fn from(state: OrderState) -> Self {
        match state {
            OrderState::PendingPayment => Self::PendingPayment,
            OrderState::Paid => Self::Paid,
            OrderState::Cancelled => Self::Cancelled,
            OrderState::Expired => Self::Expired,
        }
    }
}

/// One of the caller's orders.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct OrderView {
    /// The order's id.
    pub order_id: String,
    /// The purchase request it was created for.
    pub request_id: String,
    /// The product.
    pub product_id: String,
    /// Units ordered.
    pub quantity: u32,
    // Where it stands: see `OrderState` (no doc comment on enum-typed fields: see `Problem::kind`).
    #[allow(missing_docs)]
    pub status: OrderState,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Until when it may be paid; unpaid then, it expires and its units go back on sale.
    pub payment_deadline: DateTime<Utc>,
    /// The payment provider's id of the payment that paid it, once `paid`.
    #[oai(skip_serializing_if_is_none)]
    pub payment_id: Option<String>,
}

impl From<Order> for OrderView {
    fn from(order: Order) -> Self {
        Self {
            status: order.status().into(),
            payment_id: order.payment_id().map(ToString::to_string),
            order_id: order.id.to_string(),
            request_id: order.request_id.to_string(),
            product_id: order.product_id.to_string(),
            quantity: order.quantity.get(),
            created_at: to_wire(order.created_at),
            payment_deadline: to_wire(order.payment_deadline),
        }
    }
}

impl poem_openapi::types::Example for OrderView {
    fn example() -> Self {
        let created_at = example_start() + chrono::Duration::milliseconds(40);
        Self {
            order_id: EXAMPLE_ORDER_ID.into(),
            request_id: EXAMPLE_REQUEST_ID.into(),
            product_id: "phone-x".into(),
            quantity: 1,
            status: OrderState::PendingPayment,
            created_at,
            payment_deadline: created_at + chrono::Duration::minutes(15),
            payment_id: None,
        }
    }
}

/// A page of the caller's orders, newest first.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct OrderPageView {
    /// The orders of this page.
    pub orders: Vec<OrderView>,
    /// Orders skipped before this page.
    pub offset: u32,
    /// Most orders per page.
    pub limit: u32,
    /// The `offset` of the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_offset: Option<u32>,
}

impl poem_openapi::types::Example for OrderPageView {
    fn example() -> Self {
        Self {
            orders: vec![<OrderView as poem_openapi::types::Example>::example()],
            offset: 0,
            limit: 20,
            next_offset: None,
        }
    }
}

/// One order of a sale, as its operators see it: the order and its buyer.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct SaleOrderView {
    /// The buyer.
    pub user_id: String,
    #[oai(flatten)]
    #[allow(missing_docs)]
    pub order: OrderView,
}

impl From<Order> for SaleOrderView {
    fn from(order: Order) -> Self {
        Self {
            user_id: order.user_id.to_string(),
            order: order.into(),
        }
    }
}

/// A page of a sale's orders, newest first.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct SaleOrdersView {
    /// The orders of this page.
    pub orders: Vec<SaleOrderView>,
    /// Pass it as `after` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next: Option<String>,
}

//! Rows as the database returns them, and their conversion into domain values.
//!
//! Every conversion is fallible: a stored value the domain refuses (an id with a forbidden
//! character, a zero quantity, an empty window, an unknown status) becomes an [`InvalidRow`],
//! never a panic.
//!
//! Id columns are TEXT, read as `String` and parsed by the domain ([`RowKey::id`]).

use std::fmt::Display;

use flashsale_application::ports::{EventId, OrderEvent, SaleRecord, SaleStock};
use flashsale_domain::{
    Order, OrderId, OrderStatus, PaymentId, PaymentWindow, ProductId, Quantity, RequestId, Sale,
    SaleWindow, Timestamp, UserId,
};

use crate::error::InvalidRow;

/// The columns of `sales` the store reads.
pub(crate) const SALE_COLUMNS: &str = "product_id, name, stock, remaining, starts_at_ms, \
     ends_at_ms, per_user_limit, payment_window_secs, rebuy_after_cancel, paused";

/// The columns of `orders` the store reads.
pub(crate) const ORDER_COLUMNS: &str = "order_id, request_id, user_id, product_id, quantity, \
     status, created_at_ms, payment_deadline_ms, payment_id";

/// The columns of `order_events` the relay reads.
pub(crate) const ORDER_EVENT_COLUMNS: &str = "event_id, order_id, request_id, user_id, \
     product_id, quantity, status, payment_id, payment_deadline_ms, occurred_at_ms";

/// One row of `sales`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SaleRow {
    pub product_id: String,
    pub name: String,
    pub stock: u32,
    pub remaining: u32,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub per_user_limit: u32,
    pub payment_window_secs: u32,
    pub rebuy_after_cancel: bool,
    pub paused: bool,
}

/// A sales row as a batch reads it: its product, remaining stock and payment window.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SaleStockRow {
    pub product_id: String,
    pub remaining: u32,
    pub payment_window_secs: u32,
}

/// One row of `orders`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OrderRow {
    pub order_id: String,
    pub request_id: String,
    pub user_id: String,
    pub product_id: String,
    pub quantity: u32,
    pub status: String,
    pub created_at_ms: i64,
    pub payment_deadline_ms: i64,
    /// The payment that paid it; NULL until paid.
    pub payment_id: Option<String>,
}

/// One row of `order_events`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OrderEventRow {
    pub event_id: u64,
    pub order_id: String,
    pub request_id: String,
    pub user_id: String,
    pub product_id: String,
    pub quantity: u32,
    pub status: String,
    pub payment_id: Option<String>,
    pub payment_deadline_ms: i64,
    pub occurred_at_ms: i64,
}

/// One buyer of a sale, as snapshots read it from `orders`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct BuyerRow {
    pub product_id: String,
    pub user_id: String,
    pub request_id: String,
    pub quantity: u32,
    pub status: String,
    /// 1 while the order holds its buyer's place in the sale (`active_user_id` set).
    pub holds_place: i64,
}

/// A buyer holding their place in a sale (`orders.active_user_id`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlaceRow {
    pub user_id: String,
    pub product_id: String,
}

impl PlaceRow {
    /// The (buyer, product) pair.
    pub(crate) fn into_pair(self) -> Result<(UserId, ProductId), InvalidRow> {
        let row = RowKey {
            table: "orders",
            key: &self.user_id,
        };
        Ok((
            row.id(&self.user_id, UserId::parse)?,
            row.id(&self.product_id, ProductId::parse)?,
        ))
    }
}

/// The `orders.status` value of a status.
pub(crate) fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => "pending_payment",
        OrderStatus::Paid => "paid",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Expired => "expired",
    }
}

fn parse_status(raw: &str) -> Result<OrderStatus, String> {
    match raw {
        "pending_payment" => Ok(OrderStatus::PendingPayment),
        "paid" => Ok(OrderStatus::Paid),
        "cancelled" => Ok(OrderStatus::Cancelled),
        "expired" => Ok(OrderStatus::Expired),
        other => Err(format!("unknown order status {other:?}")),
    }
}

/// Which row is being converted, to say so when the domain refuses a value.
pub(crate) struct RowKey<'a> {
    /// The table.
    pub table: &'static str,
    /// The row's key, for the error.
    pub key: &'a str,
}

impl RowKey<'_> {
    /// Parses an id column's text with the domain's `parse`.
    pub(crate) fn id<T, E: Display>(
        &self,
        text: &str,
        parse: impl FnOnce(String) -> Result<T, E>,
    ) -> Result<T, InvalidRow> {
        parse(text.to_owned()).map_err(self.bad())
    }

    /// Turns a refusal of the domain into an [`InvalidRow`] naming this row.
    pub(crate) fn bad<E: Display>(&self) -> impl FnOnce(E) -> InvalidRow + '_ {
        move |problem| InvalidRow {
            table: self.table,
            key: self.key.to_owned(),
            problem: problem.to_string(),
        }
    }
}

impl SaleRow {
    /// The sale and its remaining stock.
    pub(crate) fn into_record(self) -> Result<SaleRecord, InvalidRow> {
        let key = self.product_id.clone();
        let row = RowKey {
            table: "sales",
            key: &key,
        };
        let product = row.id(&self.product_id, ProductId::parse)?;
        let window = SaleWindow::new(
            Timestamp::from_millis(self.starts_at_ms),
            Timestamp::from_millis(self.ends_at_ms),
        )
        .map_err(row.bad())?;
        let limit = Quantity::new(self.per_user_limit).map_err(row.bad())?;
        let payment_window =
            PaymentWindow::from_secs(self.payment_window_secs).map_err(row.bad())?;
        let sale = Sale::new(product, self.name.as_str(), self.stock, window)
            .map_err(row.bad())?
            .with_per_user_limit(limit)
            .with_payment_window(payment_window)
            .with_rebuy_after_cancel(self.rebuy_after_cancel)
            .with_paused(self.paused);
        if self.remaining > self.stock {
            return Err(row.bad()(format!(
                "remaining {} exceeds the stock of {}",
                self.remaining, self.stock
            )));
        }
        Ok(SaleRecord {
            sale,
            remaining: self.remaining,
        })
    }
}

impl SaleStockRow {
    /// The product, its remaining stock and its payment window.
    pub(crate) fn into_stock(self) -> Result<(ProductId, SaleStock), InvalidRow> {
        let key = self.product_id.clone();
        let row = RowKey {
            table: "sales",
            key: &key,
        };
        let stock = SaleStock {
            remaining: self.remaining,
            payment_window: PaymentWindow::from_secs(self.payment_window_secs)
                .map_err(row.bad())?,
        };
        Ok((row.id(&self.product_id, ProductId::parse)?, stock))
    }
}

impl OrderRow {
    /// The order with its stored status.
    pub(crate) fn into_order(self) -> Result<Order, InvalidRow> {
        let key = self.order_id.clone();
        let row = RowKey {
            table: "orders",
            key: &key,
        };
        let order = Order::new(
            row.id(&self.order_id, OrderId::parse)?,
            row.id(&self.request_id, RequestId::parse)?,
            row.id(&self.user_id, UserId::parse)?,
            row.id(&self.product_id, ProductId::parse)?,
            Quantity::new(self.quantity).map_err(row.bad())?,
            Timestamp::from_millis(self.created_at_ms),
            Timestamp::from_millis(self.payment_deadline_ms),
        );
        let status = parse_status(&self.status).map_err(row.bad())?;
        let payment = self
            .payment_id
            .map(|text| row.id(&text, PaymentId::parse))
            .transpose()?;
        Ok(order.with_status(status).with_payment(payment))
    }
}

impl OrderEventRow {
    /// The event.
    pub(crate) fn into_event(self) -> Result<OrderEvent, InvalidRow> {
        let key = self.event_id.to_string();
        let row = RowKey {
            table: "order_events",
            key: &key,
        };
        Ok(OrderEvent {
            id: EventId::new(self.event_id),
            order_id: row.id(&self.order_id, OrderId::parse)?,
            request_id: row.id(&self.request_id, RequestId::parse)?,
            user_id: row.id(&self.user_id, UserId::parse)?,
            product_id: row.id(&self.product_id, ProductId::parse)?,
            quantity: Quantity::new(self.quantity).map_err(row.bad())?,
            status: parse_status(&self.status).map_err(row.bad())?,
            payment_id: self
                .payment_id
                .map(|text| row.id(&text, PaymentId::parse))
                .transpose()?,
            payment_deadline: Timestamp::from_millis(self.payment_deadline_ms),
            occurred_at: Timestamp::from_millis(self.occurred_at_ms),
        })
    }
}

impl BuyerRow {
    /// Whether the order still holds its units (pending payment or paid), rather than having
    /// given them back (cancelled, expired: its buyer is barred from buying again).
    pub(crate) fn is_live(&self) -> bool {
        matches!(self.status.as_str(), "pending_payment" | "paid")
    }

    /// Whether the order, closed, still holds its buyer's place: the buyer may not buy again.
    pub(crate) fn bars_its_buyer(&self) -> bool {
        !self.is_live() && self.holds_place != 0
    }

    /// The product, and the buyer as a stock snapshot lists it.
    pub(crate) fn into_buyer(
        self,
    ) -> Result<(ProductId, (UserId, RequestId, Quantity)), InvalidRow> {
        let key = format!("{}/{}", self.user_id, self.product_id);
        let row = RowKey {
            table: "orders",
            key: &key,
        };
        Ok((
            row.id(&self.product_id, ProductId::parse)?,
            (
                row.id(&self.user_id, UserId::parse)?,
                row.id(&self.request_id, RequestId::parse)?,
                Quantity::new(self.quantity).map_err(row.bad())?,
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale_row() -> SaleRow {
        SaleRow {
            product_id: "p1".to_owned(),
            name: "Phone".to_owned(),
            stock: 10,
            remaining: 4,
            starts_at_ms: 100,
            ends_at_ms: 200,
            per_user_limit: 2,
            payment_window_secs: 60,
            rebuy_after_cancel: true,
            paused: false,
        }
    }

    fn order_row() -> OrderRow {
        OrderRow {
            order_id: "o1".to_owned(),
            request_id: "r1".to_owned(),
            user_id: "u1".to_owned(),
            product_id: "p1".to_owned(),
            quantity: 1,
            status: "paid".to_owned(),
            created_at_ms: 150,
            payment_deadline_ms: 60_150,
            payment_id: Some("pay_1".to_owned()),
        }
    }

    #[test]
    fn a_valid_sale_row_becomes_a_record() {
        let record = sale_row().into_record().expect("valid");
        assert_eq!(record.remaining, 4);
        assert_eq!(record.sale.product_id().as_str(), "p1");
        assert_eq!(record.sale.per_user_limit().get(), 2);
        assert_eq!(record.sale.window().ends_at(), Timestamp::from_millis(200));
        assert_eq!(record.sale.payment_window().secs(), 60);
        assert!(record.sale.rebuy_after_cancel());
    }

    #[test]
    fn a_sale_row_the_domain_refuses_is_reported_not_panicked_on() {
        let mut row = sale_row();
        row.ends_at_ms = 100;
        let error = row.into_record().expect_err("empty window");
        assert_eq!(error.table, "sales");
        assert_eq!(error.key, "p1");
        let mut row = sale_row();
        row.remaining = 11;
        assert!(row.into_record().is_err());
        let mut row = sale_row();
        row.product_id = "p 1".to_owned();
        assert!(row.into_record().is_err());
    }

    #[test]
    fn an_order_row_keeps_its_status() {
        let order = order_row().into_order().expect("valid");
        assert_eq!(order.status(), OrderStatus::Paid);
        assert_eq!(order.created_at, Timestamp::from_millis(150));
        assert_eq!(order.payment_deadline, Timestamp::from_millis(60_150));
        assert_eq!(order.payment_id().map(PaymentId::as_str), Some("pay_1"));
    }

    #[test]
    fn every_status_round_trips_through_its_column_value() {
        for status in [
            OrderStatus::PendingPayment,
            OrderStatus::Paid,
            OrderStatus::Cancelled,
            OrderStatus::Expired,
        ] {
            assert_eq!(parse_status(status_name(status)), Ok(status));
        }
    }

    #[test]
    fn an_order_row_with_an_unknown_status_or_zero_quantity_is_refused() {
        let mut row = order_row();
        row.status = "shipped".to_owned();
        let error = row.into_order().expect_err("unknown status");
        assert!(error.problem.contains("shipped"), "{error}");
        let mut row = order_row();
        row.quantity = 0;
        assert!(row.into_order().is_err());
        let mut row = order_row();
        row.payment_id = Some("pay 1".to_owned());
        assert!(row.into_order().is_err(), "a payment id the domain refuses");
    }
}

//! The column lists the SQL adapters read and write, the same in both dialects.

/// The columns of `sales` the store reads, as a [`SaleRow`](crate::SaleRow).
pub const SALE_COLUMNS: &str = "product_id, name, stock, remaining, starts_at_ms, \
     ends_at_ms, per_user_limit, payment_window_secs, rebuy_after_cancel, paused";

/// The columns of `orders` the store reads, as an [`OrderRow`](crate::OrderRow).
pub const ORDER_COLUMNS: &str = "order_id, request_id, user_id, product_id, quantity, \
     status, created_at_ms, payment_deadline_ms, payment_id";

/// The columns of `order_events` the relay reads, as an
/// [`OrderEventRow`](crate::OrderEventRow).
pub const ORDER_EVENT_COLUMNS: &str = "event_id, order_id, request_id, user_id, \
     product_id, quantity, status, payment_id, payment_deadline_ms, occurred_at_ms";

/// The columns of `order_events` an event is written with (its id is the table's).
pub const EVENT_WRITTEN_COLUMNS: &str = "order_id, request_id, user_id, product_id, quantity, \
     status, payment_id, payment_deadline_ms, occurred_at_ms";

/// The `orders` columns an event copies, in [`EVENT_WRITTEN_COLUMNS`] order (without its time).
pub const EVENT_ORDER_SNAPSHOT: &str = "order_id, request_id, user_id, product_id, quantity, \
     status, payment_id, payment_deadline_ms";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_copies_every_written_column_but_its_time() {
        assert_eq!(
            format!("{EVENT_ORDER_SNAPSHOT}, occurred_at_ms"),
            EVENT_WRITTEN_COLUMNS,
            "INSERT ... SELECT pairs columns by position"
        );
        for column in EVENT_ORDER_SNAPSHOT.split(", ") {
            assert!(
                ORDER_COLUMNS.contains(column),
                "{column} is an orders column"
            );
        }
    }
}

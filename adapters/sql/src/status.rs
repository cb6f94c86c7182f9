//! The `orders.status` (and `order_events.status`) values of the order statuses.

use flashsale_domain::OrderStatus;

/// The `orders.status` value of a status.
pub fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => "pending_payment",
        OrderStatus::Paid => "paid",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Expired => "expired",
    }
}

/// The status of an `orders.status` value.
pub(crate) fn parse_status(raw: &str) -> Result<OrderStatus, String> {
    match raw {
        "pending_payment" => Ok(OrderStatus::PendingPayment),
        "paid" => Ok(OrderStatus::Paid),
        "cancelled" => Ok(OrderStatus::Cancelled),
        "expired" => Ok(OrderStatus::Expired),
        other => Err(format!("unknown order status {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

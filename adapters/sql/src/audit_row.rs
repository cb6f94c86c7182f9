//! A sale's audit as one statement reads it: its stock and its live orders counted.

use flashsale_application::ports::OrderAudit;

/// The audit row as read (the counts as `u64`, whatever the dialect's integer types).
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    /// The sale's units, restocks included.
    pub stock: u32,
    /// The units not taken yet.
    pub remaining: u32,
    /// Its live orders (pending payment or paid).
    pub orders: u64,
    /// The units of its orders pending payment.
    pub units_pending_payment: u64,
    /// The units of its paid orders.
    pub units_paid: u64,
    /// The buyers with a live order.
    pub distinct_buyers: u64,
    /// The most live orders one buyer holds.
    pub max_orders_per_buyer: u64,
}

impl AuditRow {
    /// The audit, the units ordered being those pending payment and those paid.
    pub fn into_audit(self) -> OrderAudit {
        OrderAudit {
            stock: self.stock,
            remaining: self.remaining,
            orders: self.orders,
            units_ordered: self.units_pending_payment + self.units_paid,
            units_pending_payment: self.units_pending_payment,
            units_paid: self.units_paid,
            distinct_buyers: self.distinct_buyers,
            max_orders_per_buyer: self.max_orders_per_buyer,
        }
    }
}

//! How long the stock gate keeps a sale after it ended: past that, the gate may forget it (the
//! system of record keeps everything), and neither preloading nor reconciliation loads it again.

use std::time::Duration;

use flashsale_domain::{Sale, Timestamp};

/// How long after its end a sale stays in the stock gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateRetention(Duration);

impl GateRetention {
    /// Seven days: long past any payment window, so a cancelled or expired order of the sale
    /// still finds its sale in the gate.
    pub const DEFAULT: Self = Self(Duration::from_secs(7 * 24 * 60 * 60));

    /// A sale stays in the gate for `after_end` once it ended.
    pub const fn new(after_end: Duration) -> Self {
        Self(after_end)
    }

    /// When the gate may forget `sale`.
    pub fn until(self, sale: &Sale) -> Timestamp {
        sale.window().ends_at().plus(self.0)
    }

    /// Whether the gate may have forgotten `sale` at `now`: it is then neither loaded nor
    /// reloaded.
    pub fn is_retired(self, sale: &Sale, now: Timestamp) -> bool {
        now >= self.until(sale)
    }
}

impl Default for GateRetention {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flashsale_domain::{ProductId, SaleWindow};

    #[test]
    fn a_sale_is_retired_once_its_retention_after_the_end_passed() {
        let window =
            SaleWindow::new(Timestamp::from_millis(0), Timestamp::from_millis(1_000)).unwrap();
        let sale = Sale::new(ProductId::parse("p").unwrap(), "P", 1, window).unwrap();
        let retention = GateRetention::new(Duration::from_secs(2));
        assert_eq!(retention.until(&sale), Timestamp::from_millis(3_000));
        assert!(!retention.is_retired(&sale, Timestamp::from_millis(2_999)));
        assert!(retention.is_retired(&sale, Timestamp::from_millis(3_000)));
    }
}

//! What a restock transaction decides from what it read: whether the restock id was applied
//! before with these units, and whether the units fit under `MAX_STOCK`.

use flashsale_domain::MAX_STOCK;

/// What the transaction found and did, before the sale is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestockRow {
    /// The units were added now or by this restock id before.
    Applied,
    /// No sale for the product.
    NoSale,
    /// The restock id added these (other) units before.
    IdReused(u32),
    /// The stock would exceed `MAX_STOCK`.
    TooMuchStock,
}

impl RestockRow {
    /// The answer to a restock id already recorded with `before` units, asked for `units`:
    /// applied when they are the same units, the id reused otherwise.
    pub fn replayed(before: u32, units: u32) -> Self {
        if before == units {
            Self::Applied
        } else {
            Self::IdReused(before)
        }
    }
}

/// Whether `units` more keep a stock of `stock` within `MAX_STOCK`.
pub fn fits_max_stock(stock: u32, units: u32) -> bool {
    u64::from(stock) + u64::from(units) <= u64::from(MAX_STOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_restock_is_applied_only_with_the_same_units() {
        assert_eq!(RestockRow::replayed(5, 5), RestockRow::Applied);
        assert_eq!(RestockRow::replayed(5, 6), RestockRow::IdReused(5));
    }

    #[test]
    fn the_stock_may_reach_max_stock_but_not_pass_it() {
        assert!(fits_max_stock(MAX_STOCK - 1, 1));
        assert!(!fits_max_stock(MAX_STOCK, 1));
        assert!(!fits_max_stock(u32::MAX, u32::MAX));
    }
}

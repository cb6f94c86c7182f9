//! A sale: which product, how much stock, when it runs and how much one buyer may take.

use crate::{PaymentWindow, ProductId, Quantity, Timestamp};

/// Longest product name shown to buyers.
pub const MAX_NAME_LEN: usize = 200;
/// Most units one sale may offer.
pub const MAX_STOCK: u32 = 100_000_000;

/// The interval in which buying is allowed: from `starts_at` (inclusive) to `ends_at` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleWindow {
    starts_at: Timestamp,
    ends_at: Timestamp,
}

/// Where an instant falls relative to a sale's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalePhase {
    /// Before the window opens.
    NotStarted,
    /// Inside the window: buying is allowed.
    Open,
    /// At or after the window closes.
    Ended,
}

/// Why a sale cannot be defined as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaleError {
    /// The window closes at or before it opens.
    #[error("a sale must end after it starts")]
    EmptyWindow,
    /// The product name is blank.
    #[error("a sale needs a product name")]
    BlankName,
    /// The product name is longer than [`MAX_NAME_LEN`].
    #[error("a product name must be at most {MAX_NAME_LEN} characters")]
    NameTooLong,
    /// More units than [`MAX_STOCK`].
    #[error("a sale may offer at most {MAX_STOCK} units")]
    TooMuchStock,
}

impl SaleWindow {
    /// A window from `starts_at` to `ends_at`.
    ///
    /// # Errors
    /// [`SaleError::EmptyWindow`] unless `ends_at` is after `starts_at`.
    pub fn new(starts_at: Timestamp, ends_at: Timestamp) -> Result<Self, SaleError> {
        if ends_at <= starts_at {
            return Err(SaleError::EmptyWindow);
        }
        Ok(Self { starts_at, ends_at })
    }

    /// When buying opens.
    pub fn starts_at(&self) -> Timestamp {
        self.starts_at
    }

    /// When buying closes.
    pub fn ends_at(&self) -> Timestamp {
        self.ends_at
    }

    /// The phase of the sale at `now`.
    pub fn phase(&self, now: Timestamp) -> SalePhase {
        if now < self.starts_at {
            SalePhase::NotStarted
        } else if now < self.ends_at {
            SalePhase::Open
        } else {
            SalePhase::Ended
        }
    }
}

/// One product on sale with a fixed stock during a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    product_id: ProductId,
    name: String,
    stock: u32,
    window: SaleWindow,
    per_user_limit: Quantity,
    payment_window: PaymentWindow,
    rebuy_after_cancel: bool,
    paused: bool,
}

impl Sale {
    /// Defines a sale; the per-user limit is one unit unless set with [`Sale::with_per_user_limit`],
    /// the payment window the default unless set with [`Sale::with_payment_window`].
    ///
    /// # Errors
    /// [`SaleError::BlankName`] or [`SaleError::NameTooLong`] for an unusable name,
    /// [`SaleError::TooMuchStock`] for more than [`MAX_STOCK`] units.
    pub fn new(
        product_id: ProductId,
        name: impl Into<String>,
        stock: u32,
        window: SaleWindow,
    ) -> Result<Self, SaleError> {
        let name = name.into().trim().to_owned();
        if name.is_empty() {
            return Err(SaleError::BlankName);
        }
        if name.chars().count() > MAX_NAME_LEN {
            return Err(SaleError::NameTooLong);
        }
        if stock > MAX_STOCK {
            return Err(SaleError::TooMuchStock);
        }
        Ok(Self {
            product_id,
            name,
            stock,
            window,
            per_user_limit: Quantity::ONE,
            payment_window: PaymentWindow::default(),
            rebuy_after_cancel: false,
            paused: false,
        })
    }

    /// The same sale with another per-user limit.
    pub fn with_per_user_limit(mut self, limit: Quantity) -> Self {
        self.per_user_limit = limit;
        self
    }

    /// The same sale with another payment window.
    pub fn with_payment_window(mut self, window: PaymentWindow) -> Self {
        self.payment_window = window;
        self
    }

    /// How long a buyer has to pay an order of this sale.
    pub fn payment_window(&self) -> PaymentWindow {
        self.payment_window
    }

    /// The same sale letting (`true`) or not letting a buyer whose order was cancelled or
    /// expired buy it again.
    pub fn with_rebuy_after_cancel(mut self, allowed: bool) -> Self {
        self.rebuy_after_cancel = allowed;
        self
    }

    /// Whether a buyer whose order was cancelled or expired may buy this sale again (by default
    /// not: one order per buyer, live or closed).
    pub fn rebuy_after_cancel(&self) -> bool {
        self.rebuy_after_cancel
    }

    /// The same sale paused (`true`: buys are refused while its window is open) or running.
    pub fn with_paused(mut self, paused: bool) -> Self {
        self.paused = paused;
        self
    }

    /// The same sale with `units` more on sale.
    ///
    /// # Errors
    /// [`SaleError::TooMuchStock`] when the stock would exceed [`MAX_STOCK`].
    pub fn with_added_stock(mut self, units: u32) -> Result<Self, SaleError> {
        self.stock = self
            .stock
            .checked_add(units)
            .filter(|stock| *stock <= MAX_STOCK)
            .ok_or(SaleError::TooMuchStock)?;
        Ok(self)
    }

    /// The same sale over another window (an operator closing it early or extending it).
    pub fn with_window(mut self, window: SaleWindow) -> Self {
        self.window = window;
        self
    }

    /// Whether an operator paused the sale: buys are refused until it is resumed.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// The product on sale.
    pub fn product_id(&self) -> &ProductId {
        &self.product_id
    }

    /// The product's display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Units on sale in total.
    pub fn stock(&self) -> u32 {
        self.stock
    }

    /// When buying is allowed.
    pub fn window(&self) -> SaleWindow {
        self.window
    }

    /// Most units one buyer may take (in one order).
    pub fn per_user_limit(&self) -> Quantity {
        self.per_user_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis(millis)
    }

    fn window() -> SaleWindow {
        SaleWindow::new(at(100), at(200)).expect("valid window")
    }

    #[test]
    fn a_window_must_end_after_it_starts() {
        assert_eq!(SaleWindow::new(at(5), at(5)), Err(SaleError::EmptyWindow));
        assert_eq!(SaleWindow::new(at(6), at(5)), Err(SaleError::EmptyWindow));
    }

    #[test]
    fn the_phase_follows_the_window_bounds() {
        let w = window();
        assert_eq!(w.phase(at(99)), SalePhase::NotStarted);
        assert_eq!(w.phase(at(100)), SalePhase::Open);
        assert_eq!(w.phase(at(199)), SalePhase::Open);
        assert_eq!(w.phase(at(200)), SalePhase::Ended);
    }

    #[test]
    fn a_sale_limits_each_user_to_one_unit_by_default() {
        let product = ProductId::parse("p1").expect("valid");
        let sale = Sale::new(product, " Phone ", 10, window()).expect("valid sale");
        assert_eq!(sale.per_user_limit(), Quantity::ONE);
        assert_eq!(sale.name(), "Phone");
        let limit = Quantity::new(3).expect("valid");
        assert_eq!(sale.with_per_user_limit(limit).per_user_limit(), limit);
    }

    #[test]
    fn a_sale_needs_a_usable_name() {
        let product = ProductId::parse("p1").expect("valid");
        assert_eq!(
            Sale::new(product.clone(), "  ", 1, window()),
            Err(SaleError::BlankName)
        );
        assert_eq!(
            Sale::new(product, "x".repeat(MAX_NAME_LEN + 1), 1, window()),
            Err(SaleError::NameTooLong)
        );
    }

    #[test]
    fn a_sale_offers_at_most_the_maximum_stock() {
        let product = ProductId::parse("p1").expect("valid");
        assert!(Sale::new(product.clone(), "Phone", MAX_STOCK, window()).is_ok());
        assert_eq!(
            Sale::new(product, "Phone", MAX_STOCK + 1, window()),
            Err(SaleError::TooMuchStock)
        );
    }
}

//! Move a sale's end: an operator closes it early or extends it. The stock gate refuses buys
//! outside the new window at once.

use flashsale_domain::{ProductId, SaleError, SaleWindow, Timestamp};

use crate::ports::{CatalogError, Ports, SaleCatalog, SaleRecord, StockGate, StockGateError};
use crate::{FlashSale, SaleView};

/// Why a sale's end could not be moved.
#[derive(Debug, thiserror::Error)]
pub enum MoveSaleEndError {
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The new end is not after the sale's start.
    #[error(transparent)]
    Window(#[from] SaleError),
    /// The catalog failed; the gate may already have been told (calling again is safe).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed; nothing was recorded (calling again is safe).
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Ends the sale of `product` at `ends_at` (now, to close it early; later, to extend it)
    /// and returns it as buyers now see it. The gate is told first, since it decides every buy;
    /// then the catalog, which a gate loaded from it and the listing read. Idempotent.
    ///
    /// # Errors
    /// See [`MoveSaleEndError`].
    pub async fn move_sale_end(
        &self,
        product: &ProductId,
        ends_at: Timestamp,
    ) -> Result<SaleView, MoveSaleEndError> {
        let Some(record) = self.ports.catalog.sale(product).await? else {
            return Err(MoveSaleEndError::UnknownProduct(product.clone()));
        };
        let window = SaleWindow::new(record.sale.window().starts_at(), ends_at)?;
        self.apply_window(product, record, window).await
    }

    /// Closes the sale of `product` at `now`: its end moves to `now`, and a sale that has not
    /// started yet ends before it starts (its start moves to just before `now`).
    ///
    /// # Errors
    /// See [`MoveSaleEndError`].
    pub async fn close_sale(
        &self,
        product: &ProductId,
        now: Timestamp,
    ) -> Result<SaleView, MoveSaleEndError> {
        let Some(record) = self.ports.catalog.sale(product).await? else {
            return Err(MoveSaleEndError::UnknownProduct(product.clone()));
        };
        let starts_at = record.sale.window().starts_at();
        let before_now = Timestamp::from_millis(now.as_millis() - 1);
        let window = SaleWindow::new(starts_at.min(before_now), now)?;
        self.apply_window(product, record, window).await
    }

    async fn apply_window(
        &self,
        product: &ProductId,
        record: SaleRecord,
        window: SaleWindow,
    ) -> Result<SaleView, MoveSaleEndError> {
        self.ports.gate.set_window(product, window).await?;
        self.ports.catalog.set_window(product, window).await?;
        tracing::info!(%product, ends_at = window.ends_at().as_millis(), "sale window moved");
        let sale = record.sale.with_window(window);
        Ok(self.live_view(SaleRecord { sale, ..record }).await?)
    }
}

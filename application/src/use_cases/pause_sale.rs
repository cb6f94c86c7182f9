//! Pause and resume a sale: while paused, the stock gate refuses every new buy in its atomic
//! step; the catalog remembers it for a gate loaded again from it.

use flashsale_domain::ProductId;

use crate::ports::{CatalogError, Ports, SaleCatalog, SaleRecord, StockGate, StockGateError};
use crate::{FlashSale, SaleView};

/// Why a sale could not be paused or resumed.
#[derive(Debug, thiserror::Error)]
pub enum PauseSaleError {
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The catalog failed; the gate may already have been told (calling again is safe).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed; nothing was recorded (calling again is safe).
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Pauses (`paused`) or resumes the sale of `product`, and returns it as buyers now see it.
    /// The gate is told first, since it decides every buy; then the catalog, so that a gate
    /// loaded from it (a restart, a Redis that lost its data) keeps the state. Idempotent.
    ///
    /// Two operators racing opposite commands leave the gate with the last one it received and
    /// the catalog with the last one it stored; the next command sets both again.
    ///
    /// # Errors
    /// See [`PauseSaleError`].
    pub async fn set_sale_paused(
        &self,
        product: &ProductId,
        paused: bool,
    ) -> Result<SaleView, PauseSaleError> {
        let Some(record) = self.ports.catalog.sale(product).await? else {
            return Err(PauseSaleError::UnknownProduct(product.clone()));
        };
        self.ports.gate.set_paused(product, paused).await?;
        self.ports.catalog.set_paused(product, paused).await?;
        tracing::info!(%product, paused, "sale paused or resumed");
        let sale = record.sale.with_paused(paused);
        Ok(self.live_view(SaleRecord { sale, ..record }).await?)
    }
}

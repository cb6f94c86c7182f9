//! Create a sale (admin): store it, then open it in the stock gate.

use flashsale_domain::Sale;

use crate::ports::{CatalogError, Ports, SaleCatalog, StockGate, StockGateError, StockSnapshot};
use crate::FlashSale;

/// Why a sale was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateSaleError {
    /// The product already has a sale.
    #[error("a sale for this product exists already")]
    AlreadyExists,
    /// The catalog failed.
    #[error(transparent)]
    Catalog(CatalogError),
    /// The sale is stored but the gate could not load it; preloading will retry at next start.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Stores a new sale and loads its full stock into the gate.
    ///
    /// # Errors
    /// See [`CreateSaleError`].
    pub async fn create_sale(&self, sale: Sale) -> Result<(), CreateSaleError> {
        match self.ports.catalog.create(&sale).await {
            Ok(()) => {}
            Err(CatalogError::AlreadyExists) => return Err(CreateSaleError::AlreadyExists),
            Err(other) => return Err(CreateSaleError::Catalog(other)),
        }
        let snapshot = StockSnapshot {
            remaining: sale.stock(),
            sale,
            buyers: Vec::new(),
            barred: Vec::new(),
        };
        self.ports.gate.load(&snapshot).await?;
        Ok(())
    }
}

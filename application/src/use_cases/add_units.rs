//! Add units to a sale: an operator puts more stock on sale, exactly once per restock id, in
//! the system of record first and then in the stock gate.

use flashsale_domain::{ProductId, RestockId};

use crate::ports::{CatalogError, Ports, Restocked, SaleCatalog, StockGate, StockGateError};
use crate::{FlashSale, SaleView};

/// Why units could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddUnitsError {
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The stock would exceed what a sale may hold; nothing was added.
    #[error("the stock would exceed what a sale may hold")]
    TooMuchStock,
    /// The restock id added another number of units to this sale before; nothing was added.
    #[error("restock {restock} added {units} units to this sale before")]
    RestockIdReused {
        /// The restock id.
        restock: RestockId,
        /// The units it added.
        units: u32,
    },
    /// The catalog failed; nothing or everything was added there (calling again is safe).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed after the catalog took the units: the gate offers fewer units than the
    /// database until this is called again with the same restock id (no oversell meanwhile).
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Puts `units` more of `product` on sale and returns the sale as buyers now see it.
    /// Exactly once per `restock` of the sale, however often it is called: the database first
    /// (its stock and remaining units grow in one transaction that records the restock id),
    /// then the gate (which records it too, and announces that units came back). In that
    /// order, a failure in between leaves the gate offering fewer units than the database,
    /// never more, until the same call is made again.
    ///
    /// # Errors
    /// See [`AddUnitsError`].
    pub async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<SaleView, AddUnitsError> {
        let after = match self
            .ports
            .catalog
            .add_units(product, units, restock)
            .await?
        {
            Restocked::Applied(after) => after,
            Restocked::NoSale => return Err(AddUnitsError::UnknownProduct(product.clone())),
            Restocked::TooMuchStock => return Err(AddUnitsError::TooMuchStock),
            Restocked::IdReused { units } => {
                return Err(AddUnitsError::RestockIdReused {
                    restock: restock.clone(),
                    units,
                })
            }
        };
        self.ports.gate.add_units(product, units, restock).await?;
        tracing::info!(%product, units, %restock, stock = after.sale.stock(), "units added");
        Ok(self.live_view(after).await?)
    }
}

//! List sales: every sale with the stock a buyer can still get.

use flashsale_domain::{ProductId, Sale};

use crate::ports::{CatalogError, Ports, SaleCatalog, SaleRecord, StockGate, StockGateError};
use crate::FlashSale;

/// A sale as buyers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleView {
    /// The sale.
    pub sale: Sale,
    /// Units still available: the gate's live count, or the catalog's when the gate has none.
    pub remaining: u32,
}

/// Why sales cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListSalesError {
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl SaleView {
    /// `record` with the gate's live count, or the catalog's when the gate has none.
    fn of(record: SaleRecord, live: Option<u32>) -> Self {
        Self {
            remaining: live.unwrap_or(record.remaining),
            sale: record.sale,
        }
    }
}

impl<P: Ports> FlashSale<P> {
    /// Every sale with its remaining stock.
    ///
    /// # Errors
    /// See [`ListSalesError`].
    pub async fn list_sales(&self) -> Result<Vec<SaleView>, ListSalesError> {
        Ok(self
            .sales_with_live_stock::<ListSalesError>()
            .await?
            .into_iter()
            .map(|(record, live)| SaleView::of(record, live))
            .collect())
    }

    /// One sale as buyers see it now: `record` with the gate's live count of its units.
    pub(crate) async fn live_view(&self, record: SaleRecord) -> Result<SaleView, StockGateError> {
        let product = record.sale.product_id().clone();
        let live = self.ports.gate.remaining(&[product]).await?;
        Ok(SaleView::of(record, live.first().copied().flatten()))
    }

    /// Every sale of the catalog with the gate's live count (`None` where the gate lacks it).
    pub(crate) async fn sales_with_live_stock<E>(&self) -> Result<Vec<(SaleRecord, Option<u32>)>, E>
    where
        E: From<CatalogError> + From<StockGateError>,
    {
        let records = self.ports.catalog.list().await?;
        let products: Vec<ProductId> = records
            .iter()
            .map(|r| r.sale.product_id().clone())
            .collect();
        let live = self.ports.gate.remaining(&products).await?;
        Ok(records.into_iter().zip(live).collect())
    }
}

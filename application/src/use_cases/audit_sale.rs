//! Audit a sale (admin): what the system of record holds next to what the stock gate holds.

use flashsale_domain::ProductId;

use crate::ports::{CatalogError, OrderAudit, Ports, SaleCatalog, StockGate, StockGateError};
use crate::FlashSale;

/// One sale seen from both sides: once every accepted order is drained (`in_flight == 0`),
/// `gate_remaining == Some(store.remaining)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleAudit {
    /// The system of record's stock and order counts.
    pub store: OrderAudit,
    /// Units the gate still offers; `None` when the gate does not hold the sale.
    pub gate_remaining: Option<u32>,
    /// Reservations taken at the gate and not yet persisted or released.
    pub in_flight: usize,
}

/// Why a sale cannot be audited.
#[derive(Debug, thiserror::Error)]
pub enum AuditSaleError {
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// The sale's counts in the system of record, the gate's remaining stock and the
    /// reservations in flight. The three reads are not one snapshot: audit a quiet sale.
    ///
    /// # Errors
    /// See [`AuditSaleError`].
    pub async fn audit_sale(&self, product: &ProductId) -> Result<SaleAudit, AuditSaleError> {
        let store = self
            .ports
            .catalog
            .audit(product)
            .await?
            .ok_or_else(|| AuditSaleError::UnknownProduct(product.clone()))?;
        let gate_remaining = self
            .ports
            .gate
            .remaining(std::slice::from_ref(product))
            .await?
            .into_iter()
            .next()
            .flatten();
        let in_flight = self.ports.gate.in_flight(product).await?.len();
        Ok(SaleAudit {
            store,
            gate_remaining,
            in_flight,
        })
    }
}

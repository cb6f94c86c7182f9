//! The sale catalog: sales as the system of record knows them.

use std::future::Future;

use flashsale_domain::{Quantity, RequestId, Sale, UserId};

/// A sale with the stock the system of record still has for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRecord {
    /// The sale.
    pub sale: Sale,
    /// Units not yet turned into orders.
    pub remaining: u32,
}

/// Everything a stock gate needs to take over a sale: the stock left and who already bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockSnapshot {
    /// The sale.
    pub sale: Sale,
    /// Units not yet turned into orders.
    pub remaining: u32,
    /// Buyers holding orders: user, the request that created it, units.
    pub buyers: Vec<(UserId, RequestId, Quantity)>,
}

/// Why the catalog could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// A sale for this product exists already.
    #[error("a sale for this product exists already")]
    AlreadyExists,
    /// The database did not answer.
    #[error("the sale catalog is unavailable: {0}")]
    Unavailable(String),
}

/// Stores sales.
pub trait SaleCatalog: Clone + Send + Sync + 'static {
    /// Adds a sale with its full stock.
    ///
    /// # Errors
    /// [`CatalogError::AlreadyExists`] when the product already has a sale;
    /// [`CatalogError::Unavailable`] when the database fails.
    fn create(&self, sale: &Sale) -> impl Future<Output = Result<(), CatalogError>> + Send;

    /// All sales, ordered by start time then product id.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn list(&self) -> impl Future<Output = Result<Vec<SaleRecord>, CatalogError>> + Send;

    /// Every sale with its remaining stock and its buyers, to preload a stock gate.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn snapshots(&self) -> impl Future<Output = Result<Vec<StockSnapshot>, CatalogError>> + Send;
}

//! The sale catalog: sales as the system of record knows them.

use std::future::Future;

use flashsale_domain::{ProductId, Quantity, RequestId, RestockId, Sale, SaleWindow, UserId};

use super::PortFailure;

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
    /// Buyers holding orders pending payment or paid: user, the request that created it, units.
    pub buyers: Vec<(UserId, RequestId, Quantity)>,
    /// Buyers whose order was cancelled or expired and who may not buy this sale again (the
    /// sale does not allow it; their units are in `remaining`).
    pub barred: Vec<UserId>,
}

/// What the system of record holds for one sale, counted in one consistent read: what audits
/// and load tests check the invariants against (orders never above the stock, one order per
/// buyer, stock conserved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderAudit {
    /// Units the sale started with.
    pub stock: u32,
    /// Units not yet turned into orders.
    pub remaining: u32,
    /// Live orders of the product: pending payment or paid (cancelled and expired ones gave
    /// their units back).
    pub orders: u64,
    /// Units those orders hold; `remaining + units_ordered == stock` always.
    pub units_ordered: u64,
    /// Of those, units of orders pending payment.
    pub units_pending_payment: u64,
    /// Of those, units of paid orders.
    pub units_paid: u64,
    /// Distinct buyers among those orders.
    pub distinct_buyers: u64,
    /// Most live orders any one buyer holds for the product (0 without orders; never above 1).
    pub max_orders_per_buyer: u64,
}

/// What asking the catalog to add units did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restocked {
    /// The units are on sale: added now, or by an earlier call with the same restock id and
    /// units. The sale as it stands.
    Applied(SaleRecord),
    /// No sale for the product.
    NoSale,
    /// The restock id added `units` (another number) to this sale before: nothing changed.
    IdReused {
        /// The units the restock id added.
        units: u32,
    },
    /// The sale's stock would exceed [`MAX_STOCK`](flashsale_domain::MAX_STOCK): nothing
    /// changed.
    TooMuchStock,
}

/// Why the catalog could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// A sale for this product exists already.
    #[error("a sale for this product exists already")]
    AlreadyExists,
    /// The database did not answer.
    #[error("the sale catalog is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
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

    /// The sale of this product with its remaining stock; `None` when it has none.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn sale(
        &self,
        product: &ProductId,
    ) -> impl Future<Output = Result<Option<SaleRecord>, CatalogError>> + Send;

    /// Records that a sale is paused (`true`) or running, so that a gate loaded from the
    /// catalog pauses it too. Returns whether the sale exists. Idempotent.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn set_paused(
        &self,
        product: &ProductId,
        paused: bool,
    ) -> impl Future<Output = Result<bool, CatalogError>> + Send;

    /// Records a sale's new window (closed early, or extended). Returns whether the sale
    /// exists. Idempotent.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> impl Future<Output = Result<bool, CatalogError>> + Send;

    /// Puts `units` more of a sale on sale (its stock and its remaining units grow by as many),
    /// exactly once per restock id of the sale however often it is called, in one
    /// transaction. A restock id belongs to one sale: the same id on another sale is another
    /// restock.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> impl Future<Output = Result<Restocked, CatalogError>> + Send;

    /// Every sale with its remaining stock and its buyers, to preload a stock gate.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn snapshots(&self) -> impl Future<Output = Result<Vec<StockSnapshot>, CatalogError>> + Send;

    /// The sale's stock and its orders counted in one consistent read; `None` when the product
    /// has no sale.
    ///
    /// # Errors
    /// [`CatalogError::Unavailable`] when the database fails.
    fn audit(
        &self,
        product: &ProductId,
    ) -> impl Future<Output = Result<Option<OrderAudit>, CatalogError>> + Send;
}

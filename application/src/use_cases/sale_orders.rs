//! A sale's orders for its operators: newest first, filtered by status, paged by position.

use flashsale_domain::{Order, ProductId};

use crate::ports::{
    CatalogError, OrderPosition, OrderStore, OrderStoreError, Ports, SaleCatalog, SaleOrdersQuery,
};
use crate::FlashSale;

/// One page of a sale's orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleOrdersPage {
    /// The orders, newest first.
    pub orders: Vec<Order>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<OrderPosition>,
}

/// Why a sale's orders could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum SaleOrdersError {
    /// No sale for this product.
    #[error("no sale for product {0}")]
    UnknownProduct(ProductId),
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The order store failed.
    #[error(transparent)]
    Store(#[from] OrderStoreError),
}

impl<P: Ports> FlashSale<P> {
    /// A page of the sale's orders as `query` says (at most `query.limit` of them).
    ///
    /// # Errors
    /// See [`SaleOrdersError`].
    pub async fn sale_orders(
        &self,
        product: &ProductId,
        query: SaleOrdersQuery,
    ) -> Result<SaleOrdersPage, SaleOrdersError> {
        if self.ports.catalog.sale(product).await?.is_none() {
            return Err(SaleOrdersError::UnknownProduct(product.clone()));
        }
        let limit = query.limit;
        // One more than asked tells whether another page follows.
        let one_more = SaleOrdersQuery {
            limit: limit.saturating_add(1),
            ..query
        };
        let mut orders = self.ports.store.sale_orders(product, &one_more).await?;
        let more = orders.len() > limit as usize;
        orders.truncate(limit as usize);
        let next = if more {
            orders.last().map(OrderPosition::of)
        } else {
            None
        };
        Ok(SaleOrdersPage { orders, next })
    }
}

//! Query a result: a buyer reads what became of their own purchase.

use flashsale_domain::{Order, ProductId, Purchase, RequestId, Reservation, UserId};

use crate::ports::{OrderStore, OrderStoreError, Ports, ResultStore, ResultStoreError};
use crate::FlashSale;

/// Why no result can be shown.
#[derive(Debug, thiserror::Error)]
pub enum QueryResultError {
    /// No such purchase for this buyer (another buyer's request is reported the same way).
    #[error("no such purchase")]
    NotFound,
    /// The result store failed.
    #[error(transparent)]
    Results(#[from] ResultStoreError),
    /// The order store failed (asked when the result store had no record).
    #[error(transparent)]
    Store(#[from] OrderStoreError),
}

/// The succeeded purchase an order stands for.
fn succeeded(order: Order) -> Purchase {
    let mut purchase = Purchase::accepted(&Reservation {
        request_id: order.request_id,
        user_id: order.user_id,
        product_id: order.product_id,
        quantity: order.quantity,
        reserved_at: order.created_at,
    });
    let _fresh_purchases_can_succeed = purchase.succeed(order.id);
    purchase
}

impl<P: Ports> FlashSale<P> {
    /// The buyer's purchase with this request id. When the result store has no record (it
    /// expired, or the store lost its data) the order store is asked: an order there means the
    /// purchase succeeded.
    ///
    /// # Errors
    /// [`QueryResultError::NotFound`] when it does not exist, expired, or belongs to someone else.
    pub async fn query_result(
        &self,
        buyer: &UserId,
        request_id: &RequestId,
    ) -> Result<Purchase, QueryResultError> {
        let purchase = match self.ports.results.find(request_id).await? {
            Some(purchase) => Some(purchase),
            None => self
                .ports
                .store
                .find_order(request_id)
                .await?
                .map(succeeded),
        };
        match purchase {
            Some(purchase) if &purchase.user_id == buyer => Ok(purchase),
            _ => Err(QueryResultError::NotFound),
        }
    }

    /// The buyer's latest purchase of a product.
    ///
    /// # Errors
    /// [`QueryResultError::NotFound`] when the buyer has none that is still kept.
    pub async fn query_result_for_product(
        &self,
        buyer: &UserId,
        product_id: &ProductId,
    ) -> Result<Purchase, QueryResultError> {
        self.ports
            .results
            .find_for_buyer(buyer, product_id)
            .await?
            .ok_or(QueryResultError::NotFound)
    }
}

//! Query a result: a buyer reads what became of their own purchase.

use flashsale_domain::{ProductId, Purchase, RequestId, UserId};

use crate::ports::{Ports, ResultStore, ResultStoreError};
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
}

impl<P: Ports> FlashSale<P> {
    /// The buyer's purchase with this request id.
    ///
    /// # Errors
    /// [`QueryResultError::NotFound`] when it does not exist, expired, or belongs to someone else.
    pub async fn query_result(
        &self,
        buyer: &UserId,
        request_id: &RequestId,
    ) -> Result<Purchase, QueryResultError> {
        match self.ports.results.find(request_id).await? {
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

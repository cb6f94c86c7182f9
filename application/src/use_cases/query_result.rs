//! Query a result: a buyer reads what became of their own purchase.

use flashsale_domain::{Order, ProductId, Purchase, RequestId, Reservation, UserId};

use crate::ports::{
    OrderStore, OrderStoreError, Ports, ResultStore, ResultStoreError, StockGate, StockGateError,
};
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
    /// The stock gate failed (asked for a pending purchase).
    #[error(transparent)]
    Gate(#[from] StockGateError),
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
    let _fresh_purchases_can_succeed = purchase.succeed(order.id, Some(order.payment_deadline));
    purchase
}

impl<P: Ports> FlashSale<P> {
    /// The buyer's purchase with this request id, wherever its state lives: a final record in
    /// the result store; else the gate's in-flight record (pending; the request id names its
    /// product); else an order in the order store (the result expired, or the store lost it).
    ///
    /// # Errors
    /// [`QueryResultError::NotFound`] when it does not exist, expired, or belongs to someone else.
    pub async fn query_result(
        &self,
        buyer: &UserId,
        request_id: &RequestId,
    ) -> Result<Purchase, QueryResultError> {
        match self.find_purchase(request_id).await? {
            Some(purchase) if &purchase.user_id == buyer => Ok(purchase),
            _ => Err(QueryResultError::NotFound),
        }
    }

    /// The buyer's latest purchase of a product: the one holding the buyer's marker in the gate
    /// (pending or succeeded), else the buyer's order in the order store (the system of record:
    /// what the buyer owns is always found, whatever the gate or the result store lost or
    /// wrongly say), else the latest final record (e.g. a failure whose units went back).
    ///
    /// # Errors
    /// [`QueryResultError::NotFound`] when the buyer has none that is still kept.
    pub async fn query_result_for_product(
        &self,
        buyer: &UserId,
        product_id: &ProductId,
    ) -> Result<Purchase, QueryResultError> {
        if let Some(request_id) = self.ports.gate.holder(product_id, buyer).await? {
            if let Some(purchase) = self.find_purchase(&request_id).await? {
                return Ok(purchase);
            }
        }
        if let Some(order) = self
            .ports
            .store
            .find_order_for_buyer(buyer, product_id)
            .await?
        {
            return Ok(succeeded(order));
        }
        self.ports
            .results
            .find_for_buyer(buyer, product_id)
            .await?
            .ok_or(QueryResultError::NotFound)
    }

    /// A purchase by request id, whoever owns it. The result store is read again after the
    /// gate: a purchase that ends between the two reads is found final rather than missed.
    async fn find_purchase(
        &self,
        request_id: &RequestId,
    ) -> Result<Option<Purchase>, QueryResultError> {
        if let Some(purchase) = self.ports.results.find(request_id).await? {
            return Ok(Some(purchase));
        }
        if let Some(product) = request_id.product() {
            if let Some(reservation) = self.ports.gate.pending(&product, request_id).await? {
                return Ok(Some(Purchase::accepted(&reservation)));
            }
            if let Some(purchase) = self.ports.results.find(request_id).await? {
                return Ok(Some(purchase));
            }
        }
        Ok(self
            .ports
            .store
            .find_order(request_id)
            .await?
            .map(succeeded))
    }
}

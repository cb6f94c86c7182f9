//! Cancel an unpaid order (buyer): its status and its units in one transaction, then its units
//! back to the stock gate, exactly once.

use flashsale_domain::{Order, OrderId, OrderStatus, UserId};

use crate::ports::{
    CatalogError, Clock, Closed, Closing, OrderStore, OrderStoreError, Ports, SaleCatalog,
    StockGate, StockGateError,
};
use crate::FlashSale;

/// Why an order was not cancelled.
#[derive(Debug, thiserror::Error)]
pub enum CancelOrderError {
    /// No such order of this buyer (another buyer's order is not told apart from none).
    #[error("no order {0} of this buyer")]
    NotFound(OrderId),
    /// The order is paid or expired: it cannot be cancelled.
    #[error("order {order_id} is {status:?} and cannot be cancelled")]
    NotCancellable {
        /// The order.
        order_id: OrderId,
        /// Where it stands.
        status: OrderStatus,
    },
    /// The store failed; nothing changed.
    #[error(transparent)]
    Store(#[from] OrderStoreError),
    /// The catalog failed (reading whether the buyer may buy again); nothing changed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The order is cancelled but its units could not be returned to the gate yet: cancelling
    /// again returns them (exactly once).
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Cancels the buyer's order pending payment: `pending_payment -> cancelled` and its units
    /// back to the sale's `remaining` in one transaction, then back to the stock gate. The
    /// buyer stays barred from buying the product again unless the sale allows it
    /// ([`flashsale_domain::Sale::rebuy_after_cancel`]). Idempotent: cancelling a cancelled
    /// order answers it again, and returns its units to the gate if a failure had kept them
    /// (the gate's return is exactly once).
    ///
    /// # Errors
    /// See [`CancelOrderError`].
    pub async fn cancel_order(
        &self,
        buyer: &UserId,
        order_id: &OrderId,
    ) -> Result<Order, CancelOrderError> {
        let not_found = || CancelOrderError::NotFound(order_id.clone());
        let order = self
            .ports
            .store
            .order(order_id)
            .await?
            .filter(|order| &order.user_id == buyer)
            .ok_or_else(not_found)?;
        let may_buy_again = self.may_buy_again(&order).await?;
        let order = match order.status() {
            OrderStatus::PendingPayment => {
                let now = self.ports.clock.now();
                match self
                    .ports
                    .store
                    .close(order_id, Closing::Cancel, now)
                    .await?
                {
                    Closed::Closed(order) | Closed::Unchanged(order) => order,
                    Closed::Unknown => return Err(not_found()),
                }
            }
            _ => order,
        };
        match order.status() {
            OrderStatus::Cancelled => {
                let release = self.ports.gate.restock(&order, may_buy_again).await?;
                tracing::info!(order_id = %order.id, ?release, "order cancelled");
                Ok(order)
            }
            status => Err(CancelOrderError::NotCancellable {
                order_id: order.id,
                status,
            }),
        }
    }

    /// Whether the sale of `order` lets its buyer buy again once the order is closed.
    pub(crate) async fn may_buy_again(&self, order: &Order) -> Result<bool, CatalogError> {
        let sale = self.ports.catalog.sale(&order.product_id).await?;
        Ok(sale.is_some_and(|record| record.sale.rebuy_after_cancel()))
    }
}

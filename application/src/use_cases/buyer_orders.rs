//! A buyer's own orders: one by id, or a page of them.

use flashsale_domain::{Order, OrderId, UserId};

use crate::ports::{OrderPage, OrderStore, OrderStoreError, Ports};
use crate::FlashSale;

impl<P: Ports> FlashSale<P> {
    /// The buyer's order with this id; `None` when there is none or it is another buyer's.
    ///
    /// # Errors
    /// [`OrderStoreError`] when the store fails.
    pub async fn buyer_order(
        &self,
        buyer: &UserId,
        order_id: &OrderId,
    ) -> Result<Option<Order>, OrderStoreError> {
        let order = self.ports.store.order(order_id).await?;
        Ok(order.filter(|order| &order.user_id == buyer))
    }

    /// A page of the buyer's orders, newest first.
    ///
    /// # Errors
    /// [`OrderStoreError`] when the store fails.
    pub async fn buyer_orders(
        &self,
        buyer: &UserId,
        page: OrderPage,
    ) -> Result<Vec<Order>, OrderStoreError> {
        self.ports.store.orders_of(buyer, page).await
    }
}

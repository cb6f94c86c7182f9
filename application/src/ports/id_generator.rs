//! Fresh identifiers for accepted requests and orders.

use flashsale_domain::{OrderId, ProductId, RequestId};

/// Hands out identifiers that are unique across processes and restarts.
pub trait IdGenerator: Clone + Send + Sync + 'static {
    /// A new id for a purchase request of `product`, carrying the product
    /// ([`RequestId::for_product`]). Infallible.
    fn request_id(&self, product: &ProductId) -> RequestId;
    /// A new order id. Infallible.
    fn order_id(&self) -> OrderId;
}

//! Fresh identifiers for accepted requests and orders.

use flashsale_domain::{OrderId, RequestId};

/// Hands out identifiers that are unique across processes and restarts.
pub trait IdGenerator: Clone + Send + Sync + 'static {
    /// A new purchase request id. Infallible.
    fn request_id(&self) -> RequestId;
    /// A new order id. Infallible.
    fn order_id(&self) -> OrderId;
}

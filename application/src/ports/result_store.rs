//! The result store: where buyers poll what became of their accepted purchases.

use std::future::Future;

use flashsale_domain::{ProductId, Purchase, RequestId, UserId};

use super::PortFailure;

/// Why the result store could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultStoreError {
    /// The backing store did not answer.
    #[error("the result store is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
}

/// Keeps final purchase records by request id and by (user, product), for a limited time. A
/// pending purchase is not here: the stock gate's in-flight record is its pending state.
pub trait ResultStore: Clone + Send + Sync + 'static {
    /// Stores final records (pending ones are ignored); the first final state stored for a
    /// request wins, except that a success replaces a `queue_unavailable` failure of the same
    /// request (see [`Purchase::supersedes`]); a stored record becomes the buyer's latest
    /// record for the product, and one not stored (an older request saved again) leaves the
    /// latest as it was.
    ///
    /// # Errors
    /// [`ResultStoreError::Unavailable`] when the backing store fails; saving again is safe.
    fn save(
        &self,
        purchases: &[Purchase],
    ) -> impl Future<Output = Result<(), ResultStoreError>> + Send;

    /// The record of one request, if still kept.
    ///
    /// # Errors
    /// [`ResultStoreError::Unavailable`] when the backing store fails.
    fn find(
        &self,
        request_id: &RequestId,
    ) -> impl Future<Output = Result<Option<Purchase>, ResultStoreError>> + Send;

    /// The latest final record of a buyer for a product, if still kept.
    ///
    /// # Errors
    /// [`ResultStoreError::Unavailable`] when the backing store fails.
    fn find_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> impl Future<Output = Result<Option<Purchase>, ResultStoreError>> + Send;
}

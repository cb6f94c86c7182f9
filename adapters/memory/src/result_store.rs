//! The in-memory result store, keyed by request and by (user, product).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use flashsale_application::ports::{ResultStore, ResultStoreError};
use flashsale_domain::{ProductId, Purchase, RequestId, UserId};

#[derive(Default)]
struct Records {
    by_request: HashMap<RequestId, Purchase>,
    latest: HashMap<(UserId, ProductId), RequestId>,
}

/// Final purchase records for as long as the process lives: at most one per accepted purchase,
/// so bounded by the stock on sale (and by the failures).
#[derive(Clone, Default)]
pub struct MemoryResultStore {
    records: Arc<Mutex<Records>>,
}

impl MemoryResultStore {
    fn records(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ResultStore for MemoryResultStore {
    async fn save(&self, purchases: &[Purchase]) -> Result<(), ResultStoreError> {
        let mut records = self.records();
        for purchase in purchases.iter().filter(|p| p.is_final()) {
            let keep_stored = records
                .by_request
                .get(&purchase.request_id)
                .is_some_and(|stored| !purchase.supersedes(stored));
            if keep_stored {
                continue;
            }
            records.latest.insert(
                (purchase.user_id.clone(), purchase.product_id.clone()),
                purchase.request_id.clone(),
            );
            records
                .by_request
                .insert(purchase.request_id.clone(), purchase.clone());
        }
        Ok(())
    }

    async fn find(&self, request_id: &RequestId) -> Result<Option<Purchase>, ResultStoreError> {
        Ok(self.records().by_request.get(request_id).cloned())
    }

    async fn find_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Purchase>, ResultStoreError> {
        let records = self.records();
        Ok(records
            .latest
            .get(&(user_id.clone(), product_id.clone()))
            .and_then(|request| records.by_request.get(request))
            .cloned())
    }
}

//! The result store, timed: `flashsale_result_store_duration_seconds{op, outcome}`.

use std::time::Instant;

use flashsale_application::ports::{ResultStore, ResultStoreError};
use flashsale_domain::{ProductId, Purchase, RequestId, UserId};

use crate::measured::{seconds_since, Measured};
use crate::names::RESULT_STORE_DURATION;

fn record<T>(op: &'static str, result: &Result<T, ResultStoreError>, start: Instant) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(ResultStoreError::Unavailable(_)) => "error",
    };
    metrics::histogram!(RESULT_STORE_DURATION, "op" => op, "outcome" => outcome)
        .record(seconds_since(start));
}

impl<R: ResultStore> ResultStore for Measured<R> {
    async fn save(&self, purchases: &[Purchase]) -> Result<(), ResultStoreError> {
        let start = Instant::now();
        let result = self.inner().save(purchases).await;
        record("save", &result, start);
        result
    }

    async fn find(&self, request_id: &RequestId) -> Result<Option<Purchase>, ResultStoreError> {
        let start = Instant::now();
        let result = self.inner().find(request_id).await;
        record("find", &result, start);
        result
    }

    async fn find_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Purchase>, ResultStoreError> {
        let start = Instant::now();
        let result = self.inner().find_for_buyer(user_id, product_id).await;
        record("find_for_buyer", &result, start);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{capture, histogram_count, FakeResults};

    #[test]
    fn lookups_are_timed_by_operation() {
        let results = Measured::new(FakeResults);
        let request = RequestId::parse("r-1").expect("id");
        let (found, snapshot) = capture(results.find(&request));
        assert_eq!(found, Ok(None));
        let labels = [("op", "find"), ("outcome", "ok")];
        assert_eq!(
            histogram_count(&snapshot, RESULT_STORE_DURATION, &labels),
            1
        );
    }
}

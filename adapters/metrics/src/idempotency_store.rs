//! The idempotency store, timed: `flashsale_idempotency_store_duration_seconds{op, outcome}`.

use std::time::Instant;

use flashsale_application::ports::{Begun, Finish, IdempotencyError, IdempotencyStore, KeyClaim};
use flashsale_domain::{IdempotencyKey, RequestId, Timestamp, UserId};

use crate::measured::{seconds_since, Measured};
use crate::names::IDEMPOTENCY_STORE_DURATION;

fn record(op: &'static str, outcome: &'static str, start: Instant) {
    metrics::histogram!(IDEMPOTENCY_STORE_DURATION, "op" => op, "outcome" => outcome)
        .record(seconds_since(start));
}

fn begun(result: &Result<Begun, IdempotencyError>) -> &'static str {
    match result {
        Ok(Begun::Started) => "started",
        Ok(Begun::Resumed { .. }) => "resumed",
        Ok(Begun::InProgress) => "in_progress",
        Ok(Begun::Completed(_)) => "completed",
        Ok(Begun::Mismatch) => "mismatch",
        Err(IdempotencyError::Unavailable(_)) => "error",
    }
}

impl<S: IdempotencyStore> IdempotencyStore for Measured<S> {
    async fn begin(
        &self,
        claim: &KeyClaim,
        candidate: &RequestId,
        now: Timestamp,
    ) -> Result<Begun, IdempotencyError> {
        let start = Instant::now();
        let result = self.inner().begin(claim, candidate, now).await;
        record("begin", begun(&result), start);
        result
    }

    async fn finish(
        &self,
        buyer: &UserId,
        key: &IdempotencyKey,
        request_id: &RequestId,
        finish: &Finish,
    ) -> Result<(), IdempotencyError> {
        let start = Instant::now();
        let result = self.inner().finish(buyer, key, request_id, finish).await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        record("finish", outcome, start);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{capture, histogram_count};
    use flashsale_application::ports::KeyTimes;
    use flashsale_memory::MemoryIdempotencyStore;
    use std::time::Duration;

    #[test]
    fn begins_are_timed_by_what_they_found() {
        let store = Measured::new(MemoryIdempotencyStore::new(KeyTimes {
            ttl: Duration::from_secs(60),
            lease: Duration::from_secs(10),
        }));
        let claim = KeyClaim {
            buyer: UserId::parse("alice").expect("id"),
            key: IdempotencyKey::parse("k-1").expect("key"),
            fingerprint: "phone:1".into(),
        };
        let request = RequestId::parse("r-1").expect("id");
        let now = Timestamp::from_millis(1_000);
        let (begun, snapshot) = capture(async {
            store.begin(&claim, &request, now).await.expect("first");
            store.begin(&claim, &request, now).await
        });
        assert_eq!(begun, Ok(Begun::InProgress));
        for outcome in ["started", "in_progress"] {
            let labels = [("op", "begin"), ("outcome", outcome)];
            assert_eq!(
                histogram_count(&snapshot, IDEMPOTENCY_STORE_DURATION, &labels),
                1,
                "{outcome}"
            );
        }
    }
}

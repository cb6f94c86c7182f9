//! The in-memory idempotency store: one record per (buyer, key), forgotten once expired; memory
//! is bounded by the keys begun within one time-to-live.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use flashsale_application::ports::{
    Begun, Finish, IdempotencyError, IdempotencyStore, KeyClaim, KeyOutcome, KeyTimes,
};
use flashsale_domain::{IdempotencyKey, RequestId, Timestamp, UserId};

type Scope = (UserId, IdempotencyKey);

struct Record {
    fingerprint: String,
    request_id: RequestId,
    /// Until when the attempt holding the record keeps it from others.
    held_until: Timestamp,
    expires_at: Timestamp,
    outcome: Option<KeyOutcome>,
}

#[derive(Default)]
struct Records {
    by_scope: HashMap<Scope, Record>,
    /// Scopes in the order their records began, so in the order they expire (the time-to-live
    /// is one for all): the front is purged as time passes.
    by_age: VecDeque<(Timestamp, Scope)>,
}

impl Records {
    /// Drops every record expired at `now`.
    fn purge(&mut self, now: Timestamp) {
        while let Some((expires_at, _)) = self.by_age.front() {
            if *expires_at > now {
                break;
            }
            if let Some((expires_at, scope)) = self.by_age.pop_front() {
                // A record begun again since has a later expiry and stays.
                if self
                    .by_scope
                    .get(&scope)
                    .is_some_and(|record| record.expires_at <= expires_at)
                {
                    self.by_scope.remove(&scope);
                }
            }
        }
    }
}

/// Idempotency records in this process.
#[derive(Clone)]
pub struct MemoryIdempotencyStore {
    times: KeyTimes,
    records: Arc<Mutex<Records>>,
}

impl MemoryIdempotencyStore {
    /// A store whose records live and are held as `times` says.
    pub fn new(times: KeyTimes) -> Self {
        Self {
            times,
            records: Arc::default(),
        }
    }

    fn records(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IdempotencyStore for MemoryIdempotencyStore {
    async fn begin(
        &self,
        claim: &KeyClaim,
        candidate: &RequestId,
        now: Timestamp,
    ) -> Result<Begun, IdempotencyError> {
        let mut records = self.records();
        records.purge(now);
        let scope = (claim.buyer.clone(), claim.key.clone());
        if let Some(record) = records.by_scope.get_mut(&scope) {
            if record.expires_at > now {
                if record.fingerprint != claim.fingerprint {
                    return Ok(Begun::Mismatch);
                }
                if let Some(outcome) = &record.outcome {
                    return Ok(Begun::Completed(outcome.clone()));
                }
                if record.held_until > now {
                    return Ok(Begun::InProgress);
                }
                record.held_until = now.plus(self.times.lease);
                return Ok(Begun::Resumed {
                    request_id: record.request_id.clone(),
                });
            }
        }
        let expires_at = now.plus(self.times.ttl);
        records.by_age.push_back((expires_at, scope.clone()));
        records.by_scope.insert(
            scope,
            Record {
                fingerprint: claim.fingerprint.clone(),
                request_id: candidate.clone(),
                held_until: now.plus(self.times.lease),
                expires_at,
                outcome: None,
            },
        );
        Ok(Begun::Started)
    }

    async fn finish(
        &self,
        buyer: &UserId,
        key: &IdempotencyKey,
        request_id: &RequestId,
        finish: &Finish,
    ) -> Result<(), IdempotencyError> {
        let mut records = self.records();
        let scope = (buyer.clone(), key.clone());
        let Some(record) = records.by_scope.get_mut(&scope) else {
            return Ok(());
        };
        if &record.request_id != request_id || record.outcome.is_some() {
            return Ok(());
        }
        match finish {
            Finish::Completed(outcome) => record.outcome = Some(outcome.clone()),
            Finish::Unknown => record.held_until = Timestamp::from_millis(i64::MIN),
            Finish::Nothing => {
                records.by_scope.remove(&scope);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn expired_records_leave_memory() {
        let store = MemoryIdempotencyStore::new(KeyTimes {
            ttl: Duration::from_secs(10),
            lease: Duration::from_secs(1),
        });
        let at = |s: i64| Timestamp::from_millis(s * 1_000);
        for n in 0..100 {
            let claim = KeyClaim {
                buyer: UserId::parse(format!("u{n}")).expect("id"),
                key: IdempotencyKey::parse("k").expect("key"),
                fingerprint: "p:1".into(),
            };
            let request = RequestId::parse(format!("r{n}")).expect("id");
            store.begin(&claim, &request, at(n)).await.expect("begun");
        }
        let records = store.records();
        assert_eq!(
            records.by_scope.len(),
            10,
            "only those begun within the last ttl"
        );
        assert_eq!(records.by_age.len(), 10);
    }
}

//! The idempotency store contract, for a store built with `times`: a key is begun once per
//! buyer, compared on every retry, answered with its outcome, resumable after an unknown end or
//! a lapsed lease, dropped after nothing was done, and forgotten after its time to live, all
//! decided by the caller's clock.

use std::time::Duration;

use flashsale_application::ports::{
    Begun, Finish, IdempotencyStore, KeyClaim, KeyOutcome, KeyTimes,
};
use flashsale_domain::{IdempotencyKey, Refusal};

use crate::fixtures::{now, Fixtures};

pub async fn idempotency_store_contract<S: IdempotencyStore>(
    store: S,
    times: KeyTimes,
    scope: &str,
) {
    let f = Fixtures::new(scope);
    let claim = |user: usize, key: &str, fingerprint: &str| KeyClaim {
        buyer: f.user(user),
        key: IdempotencyKey::parse(format!("{scope}-{key}")).unwrap(),
        fingerprint: fingerprint.to_owned(),
    };
    let t0 = now();
    let ms = Duration::from_millis(1);

    // One attempt holds a key; a retry is told so, another request is told apart, another
    // buyer's equal key is unrelated.
    let first = claim(1, "k1", "phone:1");
    let r1 = f.request("k1-a");
    assert_eq!(store.begin(&first, &r1, t0).await, Ok(Begun::Started));
    let retry = f.request("k1-b");
    assert_eq!(store.begin(&first, &retry, t0).await, Ok(Begun::InProgress));
    let other_body = claim(1, "k1", "phone:2");
    assert_eq!(
        store.begin(&other_body, &retry, t0).await,
        Ok(Begun::Mismatch)
    );
    assert_eq!(
        store.begin(&claim(2, "k1", "case:1"), &retry, t0).await,
        Ok(Begun::Started),
        "keys are scoped per buyer"
    );

    // A finish naming another request changes nothing; the holder's outcome is answered again.
    let outcome = KeyOutcome::Accepted {
        request_id: r1.clone(),
        reserved_at: t0,
    };
    let done = Finish::Completed(outcome.clone());
    store
        .finish(&first.buyer, &first.key, &retry, &done)
        .await
        .unwrap();
    assert_eq!(store.begin(&first, &retry, t0).await, Ok(Begun::InProgress));
    store
        .finish(&first.buyer, &first.key, &r1, &done)
        .await
        .unwrap();
    assert_eq!(
        store.begin(&first, &retry, t0.plus(ms)).await,
        Ok(Begun::Completed(outcome.clone()))
    );
    assert_eq!(
        store.begin(&other_body, &retry, t0).await,
        Ok(Begun::Mismatch)
    );
    let refused = Finish::Completed(KeyOutcome::Refused(Refusal::SoldOut));
    store
        .finish(&first.buyer, &first.key, &r1, &refused)
        .await
        .unwrap();
    assert_eq!(
        store.begin(&first, &retry, t0).await,
        Ok(Begun::Completed(outcome)),
        "the first outcome stays"
    );

    // Expired, the key is free again, for anything.
    let expired = t0.plus(times.ttl).plus(ms);
    assert_eq!(
        store.begin(&other_body, &retry, expired).await,
        Ok(Begun::Started)
    );

    // An unknown end keeps the request id for the next attempt, which then holds the key.
    let unsure = claim(3, "k2", "phone:1");
    let r2 = f.request("k2-a");
    store.begin(&unsure, &r2, t0).await.unwrap();
    store
        .finish(&unsure.buyer, &unsure.key, &r2, &Finish::Unknown)
        .await
        .unwrap();
    let fresh = f.request("k2-b");
    assert_eq!(
        store.begin(&unsure, &fresh, t0).await,
        Ok(Begun::Resumed {
            request_id: r2.clone()
        })
    );
    assert_eq!(
        store.begin(&unsure, &fresh, t0).await,
        Ok(Begun::InProgress)
    );

    // A lapsed lease lets a retry resume (the first attempt died).
    let lapsed = t0.plus(times.lease).plus(times.lease).plus(ms);
    assert_eq!(
        store.begin(&unsure, &fresh, lapsed).await,
        Ok(Begun::Resumed { request_id: r2 })
    );

    // Nothing done: the record goes, the next attempt starts afresh under its own request id.
    let undone = claim(4, "k3", "phone:1");
    let r3 = f.request("k3-a");
    store.begin(&undone, &r3, t0).await.unwrap();
    store
        .finish(&undone.buyer, &undone.key, &r3, &Finish::Nothing)
        .await
        .unwrap();
    let r4 = f.request("k3-b");
    assert_eq!(store.begin(&undone, &r4, t0).await, Ok(Begun::Started));
    store
        .finish(&undone.buyer, &undone.key, &r4, &Finish::Unknown)
        .await
        .unwrap();
    assert_eq!(
        store.begin(&undone, &r3, t0).await,
        Ok(Begun::Resumed { request_id: r4 })
    );
}

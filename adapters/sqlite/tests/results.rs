//! The SQLite result store beyond the shared contract: a batch is one transaction across its
//! statements, rows are stamped with the database's clock, and the purge deletes by it.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::fresh_store;
use flashsale_application::ports::{ResultStore, ResultStoreError};
use flashsale_contracts::Fixtures;
use flashsale_domain::{FailureReason, OrderId, ProductId, Purchase, Timestamp};
use flashsale_sqlite::SqliteStore;

/// `count` final records of distinct buyers for `product`, successes and failures alternating.
fn finals(f: &Fixtures, product: &ProductId, count: usize) -> Vec<Purchase> {
    (0..count)
        .map(|n| {
            let mut purchase = Purchase::accepted(&f.reservation(product, n, &n.to_string()));
            if n % 2 == 0 {
                let order = OrderId::parse(format!("o-{}", purchase.request_id)).unwrap();
                purchase.succeed(order, None).unwrap();
            } else {
                purchase.fail(FailureReason::SoldOut).unwrap();
            }
            purchase
        })
        .collect()
}

async fn stored_count(store: &SqliteStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM purchase_results")
        .fetch_one(store.reader())
        .await
        .unwrap()
}

fn system_millis() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

#[tokio::test]
async fn a_batch_spanning_several_statements_is_one_transaction() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("results-batch");
    let product = f.product("many");
    let batch = finals(&f, &product, 1_200);
    let refused = batch[1_199].request_id.clone();
    // A real failure of the database on the batch's last row, in its third insert statement.
    sqlx::query(&format!(
        "CREATE TRIGGER refuse_one BEFORE INSERT ON purchase_results \
         WHEN NEW.request_id = '{refused}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ))
    .execute(store.writer())
    .await
    .unwrap();

    let failed = store.save(&batch).await;
    assert!(
        matches!(failed, Err(ResultStoreError::Unavailable(_))),
        "{failed:?}"
    );
    assert_eq!(
        stored_count(&store).await,
        0,
        "nothing of the batch is kept"
    );

    sqlx::query("DROP TRIGGER refuse_one")
        .execute(store.writer())
        .await
        .unwrap();
    store.save(&batch).await.unwrap();
    assert_eq!(stored_count(&store).await, 1_200, "saving again is safe");
    for purchase in [&batch[0], &batch[777], &batch[1_199]] {
        assert_eq!(
            store.find(&purchase.request_id).await.unwrap().as_ref(),
            Some(purchase)
        );
        assert_eq!(
            store
                .find_for_buyer(&purchase.user_id, &product)
                .await
                .unwrap()
                .as_ref(),
            Some(purchase)
        );
    }
}

#[tokio::test]
async fn rows_are_stamped_with_the_database_clock_and_purged_by_it() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("results-purge");
    let product = f.product("old");
    let before = system_millis();
    let batch = finals(&f, &product, 3);
    store.save(&batch).await.unwrap();
    let after = system_millis();
    let (oldest, newest): (i64, i64) =
        sqlx::query_as("SELECT MIN(written_at_ms), MAX(written_at_ms) FROM purchase_results")
            .fetch_one(store.reader())
            .await
            .unwrap();
    assert_eq!(oldest, newest, "one time for the whole batch");
    assert!(
        (before - 1_000..=after + 1_000).contains(&oldest),
        "{before} <= {oldest} <= {after}"
    );

    let an_hour_ago = Timestamp::from_millis(before - 3_600_000);
    assert_eq!(store.purge_results_before(an_hour_ago).await.unwrap(), 0);
    assert_eq!(stored_count(&store).await, 3, "recent rows stay");

    let in_a_minute = Timestamp::from_millis(after + 60_000);
    assert_eq!(store.purge_results_before(in_a_minute).await.unwrap(), 3);
    for purchase in &batch {
        assert_eq!(store.find(&purchase.request_id).await.unwrap(), None);
        assert_eq!(
            store
                .find_for_buyer(&purchase.user_id, &product)
                .await
                .unwrap(),
            None
        );
    }
    store.save(&batch[..1]).await.unwrap();
    assert_eq!(
        store.find(&batch[0].request_id).await.unwrap().as_ref(),
        Some(&batch[0]),
        "a purged request can be stored again"
    );
}

#[tokio::test]
async fn a_shut_store_is_unavailable() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("results-shut");
    let product = f.product("gone");
    store.shutdown().await;
    let batch = finals(&f, &product, 1);
    assert!(matches!(
        store.save(&batch).await,
        Err(ResultStoreError::Unavailable(_))
    ));
    assert!(matches!(
        store.find_for_buyer(&batch[0].user_id, &product).await,
        Err(ResultStoreError::Unavailable(_))
    ));
    assert!(store
        .purge_results_before(Timestamp::from_millis(0))
        .await
        .is_err());
}

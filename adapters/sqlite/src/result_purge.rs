//! Purging old purchase results: records written before a cutoff are deleted in bounded
//! batches, one short write transaction each, so the workers' saves wait at most one batch.
//! Deleting a record deletes the buyers' pointers to it (the foreign key cascades).

use flashsale_application::ports::ResultStoreError;
use flashsale_domain::Timestamp;

use crate::error::{during, StoreFailure};
use crate::SqliteStore;

/// Most records one purge transaction deletes.
const PURGE_BATCH: u32 = 1_000;

impl SqliteStore {
    /// Deletes the purchase results written (stored, or last replaced) before `cutoff`, by the
    /// database's clock, and the buyers' pointers to them; answers how many records went. Runs
    /// in batches of at most 1,000 records, each its own write transaction: a failure leaves
    /// the batches before it deleted, and running it again finishes the job.
    ///
    /// # Errors
    /// [`ResultStoreError::Unavailable`] when the database fails.
    pub async fn purge_results_before(&self, cutoff: Timestamp) -> Result<u64, ResultStoreError> {
        Ok(purge_in_batches(self, cutoff, PURGE_BATCH).await?)
    }
}

/// Deletes the records written before `cutoff`, at most `batch` per transaction, until none is
/// left; answers how many went.
async fn purge_in_batches(
    store: &SqliteStore,
    cutoff: Timestamp,
    batch: u32,
) -> Result<u64, StoreFailure> {
    let mut purged = 0;
    loop {
        let mut tx = store.begin_write("starting a results purge").await?;
        let deleted = sqlx::query(
            "DELETE FROM purchase_results WHERE request_id IN \
             (SELECT request_id FROM purchase_results WHERE written_at_ms < ? \
              ORDER BY written_at_ms LIMIT ?)",
        )
        .bind(cutoff.as_millis())
        .bind(batch)
        .execute(&mut *tx)
        .await
        .map_err(during("purging purchase results"))?
        .rows_affected();
        tx.commit()
            .await
            .map_err(during("committing a results purge"))?;
        purged += deleted;
        if deleted < u64::from(batch) {
            return Ok(purged);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use flashsale_application::ports::ResultStore;
    use flashsale_domain::{
        FailureReason, ProductId, Purchase, Quantity, RequestId, Reservation, UserId,
    };

    use super::*;
    use crate::SqliteSettings;

    fn failed(n: u32) -> Purchase {
        let mut purchase = Purchase::accepted(&Reservation {
            request_id: RequestId::parse(format!("r{n}")).unwrap(),
            user_id: UserId::parse(format!("u{n}")).unwrap(),
            product_id: ProductId::parse("p1").unwrap(),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(1_000),
        });
        purchase.fail(FailureReason::SoldOut).unwrap();
        purchase
    }

    async fn set_written_at(store: &SqliteStore, first: u32, last: u32, at: i64) {
        for n in first..=last {
            sqlx::query("UPDATE purchase_results SET written_at_ms = ? WHERE request_id = ?")
                .bind(at)
                .bind(format!("r{n}"))
                .execute(store.writer())
                .await
                .unwrap();
        }
    }

    async fn pointers(store: &SqliteStore) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM buyer_latest_results")
            .fetch_one(store.reader())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn records_written_before_the_cutoff_go_in_bounded_batches_with_their_pointers() {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&SqliteSettings::new(folder.path().join("results.db")))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let purchases: Vec<Purchase> = (1..=7).map(failed).collect();
        store.save(&purchases).await.unwrap();
        set_written_at(&store, 1, 5, 1_000).await;
        set_written_at(&store, 6, 7, 3_000).await;

        let purged = purge_in_batches(&store, Timestamp::from_millis(2_000), 2)
            .await
            .unwrap();
        assert_eq!(purged, 5, "three full batches of 2, 2 and 1");
        for n in 1..=5 {
            let request = RequestId::parse(format!("r{n}")).unwrap();
            assert_eq!(store.find(&request).await.unwrap(), None);
            let buyer = UserId::parse(format!("u{n}")).unwrap();
            let product = ProductId::parse("p1").unwrap();
            assert_eq!(store.find_for_buyer(&buyer, &product).await.unwrap(), None);
        }
        assert_eq!(
            pointers(&store).await,
            2,
            "the pointers went with their records"
        );
        for n in 6..=7 {
            let request = RequestId::parse(format!("r{n}")).unwrap();
            assert_eq!(store.find(&request).await.unwrap(), Some(failed(n)));
        }

        assert_eq!(
            store
                .purge_results_before(Timestamp::from_millis(3_000))
                .await
                .unwrap(),
            0,
            "nothing written before the cutoff is left"
        );
        assert_eq!(
            store
                .purge_results_before(Timestamp::from_millis(3_001))
                .await
                .unwrap(),
            2
        );
        assert_eq!(pointers(&store).await, 0);
    }
}

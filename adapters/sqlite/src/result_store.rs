//! `ResultStore` on SQLite: final purchase records in `purchase_results`, each buyer's latest
//! request per product in `buyer_latest_results`.
//!
//! [`ResultStore::save`] is called once per worker batch and is one `BEGIN IMMEDIATE`
//! transaction, holding the file's write lock from its start, so what it reads stays true
//! until it commits:
//! 1. read the database's clock once, the time every row of the batch is written at;
//! 2. read the rows already stored for the batch's request ids;
//! 3. decide the batch in memory ([`plan_results`]);
//! 4. upsert the records, then the buyers' pointers, with multi-row statements of at most
//!    [`CHUNK`] rows;
//! 5. commit. Any error drops the transaction, which rolls it back: saving again is safe.
//!
//! Reads go through the read pool. Old rows are deleted by
//! [`SqliteStore::purge_results_before`](crate::SqliteStore::purge_results_before).

use std::collections::{BTreeSet, HashMap};

use flashsale_application::ports::{ResultStore, ResultStoreError};
use flashsale_application::ErrorChain;
use flashsale_domain::{ProductId, Purchase, RequestId, UserId};
use flashsale_sql::{placeholders, row_placeholders, CHUNK};
use sqlx::SqliteConnection;

use crate::error::{during, StoreFailure};
use crate::purchase_row::{PurchaseRow, PURCHASE_COLUMNS, PURCHASE_COLUMN_COUNT};
use crate::result_plan::{plan_results, ResultPlan};
use crate::sql::NOW_MS;
use crate::SqliteStore;

impl ResultStore for SqliteStore {
    async fn save(&self, purchases: &[Purchase]) -> Result<(), ResultStoreError> {
        if !purchases.iter().any(Purchase::is_final) {
            return Ok(());
        }
        save_batch(self, purchases).await.inspect_err(|failure| {
            tracing::warn!(batch = purchases.len(), error = %ErrorChain(failure), "result batch rolled back");
        })?;
        Ok(())
    }

    async fn find(&self, request_id: &RequestId) -> Result<Option<Purchase>, ResultStoreError> {
        let statement =
            format!("SELECT {PURCHASE_COLUMNS} FROM purchase_results WHERE request_id = ?");
        let row = sqlx::query_as::<_, PurchaseRow>(&statement)
            .bind(request_id.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(during("reading a purchase result"))?;
        Ok(into_purchase(row)?)
    }

    async fn find_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Purchase>, ResultStoreError> {
        let columns = PURCHASE_COLUMNS
            .split(", ")
            .map(|column| format!("r.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let statement = format!(
            "SELECT {columns} FROM buyer_latest_results l \
             JOIN purchase_results r ON r.request_id = l.request_id \
             WHERE l.user_id = ? AND l.product_id = ?"
        );
        let row = sqlx::query_as::<_, PurchaseRow>(&statement)
            .bind(user_id.as_str())
            .bind(product_id.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(during("reading a buyer's latest purchase result"))?;
        Ok(into_purchase(row)?)
    }
}

fn into_purchase(row: Option<PurchaseRow>) -> Result<Option<Purchase>, StoreFailure> {
    Ok(row.map(PurchaseRow::into_purchase).transpose()?)
}

/// The steps of [`ResultStore::save`] in one write transaction.
async fn save_batch(store: &SqliteStore, purchases: &[Purchase]) -> Result<(), StoreFailure> {
    let mut tx = store
        .begin_write("starting the results transaction")
        .await?;
    let now: i64 = sqlx::query_scalar(&format!("SELECT {NOW_MS}"))
        .fetch_one(&mut *tx)
        .await
        .map_err(during("reading the database's clock"))?;
    let requests: BTreeSet<&str> = purchases
        .iter()
        .filter(|p| p.is_final())
        .map(|p| p.request_id.as_str())
        .collect();
    let stored = stored_rows(&mut tx, &requests).await?;
    let plan = plan_results(purchases, stored);
    write(&mut tx, &plan, now).await?;
    tx.commit().await.map_err(during("committing the results"))
}

/// The rows already stored for `requests`, by request id.
async fn stored_rows(
    conn: &mut SqliteConnection,
    requests: &BTreeSet<&str>,
) -> Result<HashMap<String, PurchaseRow>, StoreFailure> {
    let requests: Vec<&str> = requests.iter().copied().collect();
    let mut stored = HashMap::with_capacity(requests.len());
    for chunk in requests.chunks(CHUNK) {
        let statement = format!(
            "SELECT {PURCHASE_COLUMNS} FROM purchase_results WHERE request_id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, PurchaseRow>(&statement).persistent(false);
        for request in chunk {
            query = query.bind(*request);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(during("reading the stored results of a batch"))?;
        stored.extend(rows.into_iter().map(|row| (row.request_id.clone(), row)));
    }
    Ok(stored)
}

/// Upserts the plan's records, written at `now`, then its buyers' pointers (which reference
/// the records).
async fn write(
    conn: &mut SqliteConnection,
    plan: &ResultPlan,
    now: i64,
) -> Result<(), StoreFailure> {
    for chunk in plan.records.chunks(CHUNK) {
        let statement = format!(
            "INSERT INTO purchase_results ({PURCHASE_COLUMNS}, written_at_ms) VALUES {} \
             ON CONFLICT (request_id) DO UPDATE SET user_id = excluded.user_id, \
             product_id = excluded.product_id, quantity = excluded.quantity, \
             accepted_at_ms = excluded.accepted_at_ms, outcome = excluded.outcome, \
             order_id = excluded.order_id, payment_deadline_ms = excluded.payment_deadline_ms, \
             failure_reason = excluded.failure_reason, written_at_ms = excluded.written_at_ms",
            row_placeholders(chunk.len(), PURCHASE_COLUMN_COUNT + 1)
        );
        let mut query = sqlx::query(&statement).persistent(false);
        for row in chunk {
            query = query
                .bind(row.request_id.as_str())
                .bind(row.user_id.as_str())
                .bind(row.product_id.as_str())
                .bind(row.quantity)
                .bind(row.accepted_at_ms)
                .bind(row.outcome.as_str())
                .bind(row.order_id.as_deref())
                .bind(row.payment_deadline_ms)
                .bind(row.failure_reason.as_deref())
                .bind(now);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(during("writing purchase results"))?;
    }
    for chunk in plan.latest.chunks(CHUNK) {
        let statement = format!(
            "INSERT INTO buyer_latest_results (user_id, product_id, request_id) VALUES {} \
             ON CONFLICT (user_id, product_id) DO UPDATE SET request_id = excluded.request_id",
            row_placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(&statement).persistent(false);
        for (user, product, request) in chunk {
            query = query
                .bind(user.as_str())
                .bind(product.as_str())
                .bind(request.as_str());
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(during("pointing buyers at their latest results"))?;
    }
    Ok(())
}

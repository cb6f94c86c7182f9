//! The outbox of order events on SQLite (`order_events`): written inside the transactions that
//! change an order's status, read and marked by the relay.

use flashsale_application::ports::{EventId, OrderEvent, OrderEvents, OrderEventsError};
use flashsale_domain::{Order, OrderId, PaymentId, Timestamp};
use flashsale_sql::{
    placeholders, row_placeholders, status_name, CHUNK, EVENT_ORDER_SNAPSHOT,
    EVENT_WRITTEN_COLUMNS, ORDER_EVENT_COLUMNS,
};
use sqlx::SqliteConnection;

use crate::error::{during, StoreFailure};
use crate::rows::OrderEventRow;
use crate::SqliteStore;

/// Records the creation of `orders` (pending payment, at their creation), in the caller's
/// transaction, in their order.
pub(crate) async fn record_created(
    conn: &mut SqliteConnection,
    orders: &[Order],
) -> Result<(), StoreFailure> {
    const COLUMNS: usize = 9;
    for chunk in orders.chunks(CHUNK) {
        let statement = format!(
            "INSERT INTO order_events ({EVENT_WRITTEN_COLUMNS}) VALUES {}",
            row_placeholders(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&statement).persistent(false);
        for order in chunk {
            query = query
                .bind(order.id.as_str())
                .bind(order.request_id.as_str())
                .bind(order.user_id.as_str())
                .bind(order.product_id.as_str())
                .bind(order.quantity.get())
                .bind(status_name(order.status()))
                .bind(order.payment_id().map(PaymentId::as_str))
                .bind(order.payment_deadline.as_millis())
                .bind(order.created_at.as_millis());
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(during("recording the created orders' events"))?;
    }
    Ok(())
}

/// Records the order's current row as the event of a change at `occurred_at`, in the caller's
/// transaction (right after the compare-and-set that changed it).
pub(crate) async fn record_change(
    conn: &mut SqliteConnection,
    order_id: &OrderId,
    occurred_at: Timestamp,
) -> Result<(), StoreFailure> {
    let statement = format!(
        "INSERT INTO order_events ({EVENT_WRITTEN_COLUMNS}) \
         SELECT {EVENT_ORDER_SNAPSHOT}, ? FROM orders WHERE order_id = ?"
    );
    let result = sqlx::query(&statement)
        .bind(occurred_at.as_millis())
        .bind(order_id.as_str())
        .execute(&mut *conn)
        .await
        .map_err(during("recording an order's event"))?;
    if result.rows_affected() != 1 {
        return Err(StoreFailure::Database {
            during: "recording an order's event",
            source: sqlx::Error::RowNotFound,
        });
    }
    Ok(())
}

impl OrderEvents for SqliteStore {
    async fn unpublished(&self, limit: u32) -> Result<Vec<OrderEvent>, OrderEventsError> {
        let statement = format!(
            "SELECT {ORDER_EVENT_COLUMNS} FROM order_events \
             WHERE published_at_ms IS NULL ORDER BY event_id LIMIT ?"
        );
        let rows = sqlx::query_as::<_, OrderEventRow>(&statement)
            .bind(limit)
            .fetch_all(self.reader())
            .await
            .map_err(during("reading the unpublished order events"))?;
        rows.into_iter()
            .map(|row| row.into_event().map_err(|e| StoreFailure::from(e).into()))
            .collect()
    }

    async fn mark_published(
        &self,
        ids: &[EventId],
        now: Timestamp,
    ) -> Result<(), OrderEventsError> {
        // SQLite's integers are signed 64-bit: an id beyond them was never stored, so it has no
        // row to mark.
        let ids: Vec<i64> = ids
            .iter()
            .filter_map(|id| i64::try_from(id.get()).ok())
            .collect();
        for chunk in ids.chunks(CHUNK) {
            let statement = format!(
                "UPDATE order_events SET published_at_ms = ? \
                 WHERE published_at_ms IS NULL AND event_id IN ({})",
                placeholders(chunk.len())
            );
            let mut query = sqlx::query(&statement)
                .persistent(false)
                .bind(now.as_millis());
            for id in chunk {
                query = query.bind(*id);
            }
            query
                .execute(self.writer())
                .await
                .map_err(during("marking order events published"))?;
        }
        Ok(())
    }
}

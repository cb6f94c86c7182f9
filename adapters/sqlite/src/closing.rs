//! The order life cycle on SQLite: reading a buyer's orders, finding overdue ones, and closing
//! an unpaid order (cancel, expire) with its units returned in the same transaction.
//!
//! A close is one `BEGIN IMMEDIATE` transaction (it holds the file's write lock, so a close and
//! a batch queue behind each other): it reads the order and its sale, then changes the status
//! by a compare-and-set (`... WHERE status = 'pending_payment'`); only when it changed a row do
//! the units go back, so of any number of concurrent closers exactly one returns them, and
//! writes the order's event into the outbox.

use flashsale_application::ports::{Closed, Closing, OrderPage};
use flashsale_domain::{Order, OrderId, Timestamp, UserId};
use flashsale_sql::{status_name, ORDER_COLUMNS};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::error::{during, StoreFailure};
use crate::rows::OrderRow;
use crate::SqliteStore;

/// The order with this id, on any connection (a pool, or a transaction's).
pub(crate) async fn order(
    conn: impl SqliteExecutor<'_>,
    order_id: &OrderId,
) -> Result<Option<Order>, StoreFailure> {
    let statement = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?");
    let row = sqlx::query_as::<_, OrderRow>(&statement)
        .bind(order_id.as_str())
        .fetch_optional(conn)
        .await
        .map_err(during("reading an order"))?;
    Ok(row.map(OrderRow::into_order).transpose()?)
}

/// A page of the buyer's orders, newest first (index `orders_of_buyer`).
pub(crate) async fn orders_of(
    store: &SqliteStore,
    user_id: &UserId,
    page: OrderPage,
) -> Result<Vec<Order>, StoreFailure> {
    let statement = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = ? \
         ORDER BY created_at_ms DESC, order_id DESC LIMIT ? OFFSET ?"
    );
    let rows = sqlx::query_as::<_, OrderRow>(&statement)
        .bind(user_id.as_str())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(store.reader())
        .await
        .map_err(during("reading a buyer's orders"))?;
    rows.into_iter()
        .map(|row| row.into_order().map_err(StoreFailure::from))
        .collect()
}

/// Up to `limit` orders pending payment with a deadline at or before `now`, oldest deadline
/// first (index `orders_due`).
pub(crate) async fn overdue(
    store: &SqliteStore,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<Order>, StoreFailure> {
    let statement = format!(
        "SELECT {ORDER_COLUMNS} FROM orders \
         WHERE status = 'pending_payment' AND payment_deadline_ms <= ? \
         ORDER BY payment_deadline_ms, order_id LIMIT ?"
    );
    let rows = sqlx::query_as::<_, OrderRow>(&statement)
        .bind(now.as_millis())
        .bind(limit)
        .fetch_all(store.reader())
        .await
        .map_err(during("reading the overdue orders"))?;
    rows.into_iter()
        .map(|row| row.into_order().map_err(StoreFailure::from))
        .collect()
}

/// Closes an order pending payment and returns its units to its sale, in one transaction.
pub(crate) async fn close(
    store: &SqliteStore,
    order_id: &OrderId,
    closing: Closing,
    now: Timestamp,
) -> Result<Closed, StoreFailure> {
    let mut tx = store.begin_write("starting the close transaction").await?;
    let Some(seen) = order(&mut *tx, order_id).await? else {
        return Ok(Closed::Unknown);
    };
    let rebuy: Option<bool> =
        sqlx::query_scalar("SELECT rebuy_after_cancel FROM sales WHERE product_id = ?")
            .bind(seen.product_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(during("reading the order's sale"))?;
    let frees_buyer = rebuy.unwrap_or(false);
    let changed = compare_and_set(&mut tx, order_id, closing, now, frees_buyer).await?;
    if changed {
        give_back(&mut tx, &seen).await?;
        crate::outbox::record_change(&mut tx, order_id, now).await?;
    }
    let current = order(&mut *tx, order_id)
        .await?
        .ok_or_else(|| StoreFailure::Database {
            during: "reading the closed order",
            source: sqlx::Error::RowNotFound,
        })?;
    tx.commit().await.map_err(during("committing the close"))?;
    Ok(if changed {
        Closed::Closed(current)
    } else {
        Closed::Unchanged(current)
    })
}

/// `pending_payment -> closing` (an expiry only once due), freeing the buyer's place in the
/// sale when `frees_buyer`: whether one row changed.
async fn compare_and_set(
    conn: &mut SqliteConnection,
    order_id: &OrderId,
    closing: Closing,
    now: Timestamp,
    frees_buyer: bool,
) -> Result<bool, StoreFailure> {
    let due = match closing {
        Closing::Cancel => "",
        Closing::Expire => " AND payment_deadline_ms <= ?",
    };
    let free = if frees_buyer {
        ", active_user_id = NULL"
    } else {
        ""
    };
    let statement = format!(
        "UPDATE orders SET status = ?{free} \
         WHERE order_id = ? AND status = 'pending_payment'{due}"
    );
    let mut query = sqlx::query(&statement)
        .persistent(false)
        .bind(status_name(closing.status()))
        .bind(order_id.as_str());
    if closing == Closing::Expire {
        query = query.bind(now.as_millis());
    }
    let result = query
        .execute(&mut *conn)
        .await
        .map_err(during("closing an order"))?;
    Ok(result.rows_affected() == 1)
}

/// Returns a closed order's units to its sale's `remaining`.
async fn give_back(conn: &mut SqliteConnection, order: &Order) -> Result<(), StoreFailure> {
    let result = sqlx::query("UPDATE sales SET remaining = remaining + ? WHERE product_id = ?")
        .bind(order.quantity.get())
        .bind(order.product_id.as_str())
        .execute(&mut *conn)
        .await
        .map_err(during("returning a closed order's units"))?;
    if result.rows_affected() != 1 {
        return Err(StoreFailure::stock_moved(order.product_id.to_string()));
    }
    Ok(())
}

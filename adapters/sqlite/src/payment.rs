//! Paying an order on SQLite: one `BEGIN IMMEDIATE` transaction that looks the order and the
//! payment up, then pays by a compare-and-set that stores the payment id, whose unique key
//! makes a payment pay one order at most.
//!
//! Paying touches no stock (a paid order keeps its units). The transaction holds the file's
//! write lock, so of a payment and a close racing for one order, whichever takes the lock first
//! wins and the other's compare-and-set matches nothing; and a payment found unused stays
//! unused until the transaction commits. The winner's transaction also writes the order's
//! `paid` event into the outbox.

use flashsale_application::ports::Paid;
use flashsale_domain::{OrderId, PaymentId, Timestamp};
use flashsale_sql::RowKey;
use sqlx::SqliteConnection;

use crate::closing::order;
use crate::error::{during, StoreFailure};
use crate::SqliteStore;

/// Records that `payment_id` pays the order, if it is pending payment before its deadline.
pub(crate) async fn pay(
    store: &SqliteStore,
    order_id: &OrderId,
    payment_id: &PaymentId,
    now: Timestamp,
) -> Result<Paid, StoreFailure> {
    let mut tx = store
        .begin_write("starting the payment transaction")
        .await?;
    let Some(seen) = order(&mut *tx, order_id).await? else {
        return Ok(Paid::Unknown);
    };
    if seen.payment_id() == Some(payment_id) {
        return Ok(Paid::Unchanged(seen));
    }
    if let Some(holder) = order_paid_by(&mut tx, payment_id).await? {
        // Not this order: its own payment id was checked above.
        return Ok(Paid::PaymentUsed(holder));
    }
    let changed = sqlx::query(
        "UPDATE orders SET status = 'paid', payment_id = ? \
         WHERE order_id = ? AND status = 'pending_payment' AND payment_deadline_ms > ?",
    )
    .bind(payment_id.as_str())
    .bind(order_id.as_str())
    .bind(now.as_millis())
    .execute(&mut *tx)
    .await
    .map_err(during("paying an order"))?
    .rows_affected()
        == 1;
    if changed {
        crate::outbox::record_change(&mut tx, order_id, now).await?;
    }
    let current = order(&mut *tx, order_id)
        .await?
        .ok_or_else(|| StoreFailure::Database {
            during: "reading the paid order",
            source: sqlx::Error::RowNotFound,
        })?;
    tx.commit()
        .await
        .map_err(during("committing the payment"))?;
    Ok(if changed {
        Paid::Paid(current)
    } else {
        Paid::Unchanged(current)
    })
}

/// The order `payment_id` paid, if any (unique index `orders_payment`).
async fn order_paid_by(
    conn: &mut SqliteConnection,
    payment_id: &PaymentId,
) -> Result<Option<OrderId>, StoreFailure> {
    let holder: Option<String> =
        sqlx::query_scalar("SELECT order_id FROM orders WHERE payment_id = ?")
            .bind(payment_id.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(during("reading the order a payment paid"))?;
    let Some(text) = holder else {
        return Ok(None);
    };
    let row = RowKey {
        table: "orders",
        key: &text,
    };
    Ok(Some(row.id(&text, OrderId::parse)?))
}

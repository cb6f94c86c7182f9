//! Paying an order on MySQL: one compare-and-set statement that stores the payment id, whose
//! unique key makes a payment pay one order at most.
//!
//! Paying touches no stock (a paid order keeps its units), so unlike a close it locks no sale:
//! the `UPDATE` locks the order's row only, and of a payment and a close racing for one order,
//! whichever updates the row first wins; the other's compare-and-set matches nothing. The
//! winner's transaction also writes the order's `paid` event into the outbox.

use flashsale_application::ports::Paid;
use flashsale_domain::{OrderId, PaymentId, Timestamp};
use flashsale_sql::RowKey;
use sqlx::MySqlPool;

use crate::closing::order;
use crate::error::{during, StoreFailure};
use crate::MySqlStore;

/// Records that `payment_id` pays the order, if it is pending payment before its deadline.
pub(crate) async fn pay(
    store: &MySqlStore,
    order_id: &OrderId,
    payment_id: &PaymentId,
    now: Timestamp,
) -> Result<Paid, StoreFailure> {
    let Some(seen) = order(store.pool(), order_id).await? else {
        return Ok(Paid::Unknown);
    };
    if seen.payment_id() == Some(payment_id) {
        return Ok(Paid::Unchanged(seen));
    }
    if let Some(holder) = order_paid_by(store.pool(), payment_id).await? {
        return answer_paid(store, order_id, holder).await;
    }
    let mut tx = store
        .pool()
        .begin()
        .await
        .map_err(during("starting the payment transaction"))?;
    let result = sqlx::query(
        "UPDATE orders SET status = 'paid', payment_id = ? \
         WHERE order_id = ? AND status = 'pending_payment' AND payment_deadline_ms > ?",
    )
    .bind(payment_id.as_str())
    .bind(order_id.as_str())
    .bind(now.as_millis())
    .execute(&mut *tx)
    .await;
    let changed = match result {
        Ok(done) => done.rows_affected() == 1,
        // Another confirmation stored this payment for another order since it was looked up.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            // Give the connection back before taking another to look the holder up.
            tx.rollback()
                .await
                .map_err(during("rolling a refused payment back"))?;
            if let Some(holder) = order_paid_by(store.pool(), payment_id).await? {
                return answer_paid(store, order_id, holder).await;
            }
            return Err(during("paying an order")(sqlx::Error::Database(error)));
        }
        Err(error) => return Err(during("paying an order")(error)),
    };
    if changed {
        crate::outbox::record_change(&mut tx, order_id, now).await?;
    }
    tx.commit()
        .await
        .map_err(during("committing the payment"))?;
    // A paid order never changes again, and an unpaid one is reported as it stands.
    let Some(current) = order(store.pool(), order_id).await? else {
        return Ok(Paid::Unknown);
    };
    Ok(if changed {
        Paid::Paid(current)
    } else {
        Paid::Unchanged(current)
    })
}

/// The answer when the payment already paid `holder`: this very order (a concurrent delivery
/// of the same payment paid it since it was read: the order as it stands), or another one.
async fn answer_paid(
    store: &MySqlStore,
    order_id: &OrderId,
    holder: OrderId,
) -> Result<Paid, StoreFailure> {
    if &holder != order_id {
        return Ok(Paid::PaymentUsed(holder));
    }
    Ok(match order(store.pool(), order_id).await? {
        Some(paid) => Paid::Unchanged(paid),
        None => Paid::Unknown,
    })
}

/// The order `payment_id` paid, if any (unique key `orders_payment`).
async fn order_paid_by(
    pool: &MySqlPool,
    payment_id: &PaymentId,
) -> Result<Option<OrderId>, StoreFailure> {
    let holder: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT order_id FROM orders WHERE payment_id = ?")
            .bind(payment_id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(during("reading the order a payment paid"))?;
    let Some(bytes) = holder else {
        return Ok(None);
    };
    let key = String::from_utf8_lossy(&bytes).into_owned();
    let row = RowKey {
        table: "orders",
        key: &key,
    };
    Ok(Some(row.id(&bytes, OrderId::parse)?))
}

//! Adding units to a sale on MySQL: one transaction grows the sale's `stock` and `remaining`
//! and records the restock id, whose primary key makes a retried or doubled request add nothing
//! more.

use flashsale_domain::{ProductId, RestockId};

use crate::error::{during, StoreFailure};
use crate::MySqlStore;

/// Adds `units` to the sale of `product` unless `restock` was applied before. Returns whether
/// the sale exists.
pub(crate) async fn add_units(
    store: &MySqlStore,
    product: &ProductId,
    units: u32,
    restock: &RestockId,
) -> Result<bool, StoreFailure> {
    let mut tx = store
        .pool()
        .begin()
        .await
        .map_err(during("starting the restock transaction"))?;
    let grown = sqlx::query(
        "UPDATE sales SET stock = stock + ?, remaining = remaining + ? WHERE product_id = ?",
    )
    .bind(units)
    .bind(units)
    .bind(product.as_str())
    .execute(&mut *tx)
    .await
    .map_err(during("adding units to a sale"))?
    .rows_affected();
    if grown == 0 {
        // No sale (`units` is never 0, so an existing row always changes).
        return Ok(false);
    }
    let recorded = sqlx::query(
        "INSERT INTO sale_restocks (restock_id, product_id, units, created_at_ms) \
         VALUES (?, ?, ?, ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000))",
    )
    .bind(restock.as_str())
    .bind(product.as_str())
    .bind(units)
    .execute(&mut *tx)
    .await;
    match recorded {
        Ok(_) => tx
            .commit()
            .await
            .map_err(during("committing the restock"))?,
        // Applied before: the units it would add again are rolled back.
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => tx
            .rollback()
            .await
            .map_err(during("rolling back a repeated restock"))?,
        Err(error) => return Err(during("recording the restock")(error)),
    }
    Ok(true)
}

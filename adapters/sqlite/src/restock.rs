//! Adding units to a sale on SQLite: one `BEGIN IMMEDIATE` transaction (holding the file's
//! write lock) reads the sale's stock, looks for the restock id, and grows the sale's `stock` and `remaining` while recording the id, so a retried or
//! doubled request adds nothing more and concurrent restocks never take the stock above
//! `MAX_STOCK`.

use flashsale_domain::{ProductId, RestockId};
use flashsale_sql::{fits_max_stock, RestockRow};
use sqlx::Row;

use crate::error::{during, StoreFailure};
use crate::sql::NOW_MS;
use crate::SqliteStore;

/// Adds `units` to the sale of `product` unless `restock` was applied to it before.
pub(crate) async fn add_units(
    store: &SqliteStore,
    product: &ProductId,
    units: u32,
    restock: &RestockId,
) -> Result<RestockRow, StoreFailure> {
    let mut tx = store
        .begin_write("starting the restock transaction")
        .await?;
    let stock: Option<u32> = sqlx::query_scalar("SELECT stock FROM sales WHERE product_id = ?")
        .bind(product.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(during("reading the sale to restock"))?;
    let Some(stock) = stock else {
        return Ok(RestockRow::NoSale);
    };
    let applied =
        sqlx::query("SELECT units FROM sale_restocks WHERE product_id = ? AND restock_id = ?")
            .bind(product.as_str())
            .bind(restock.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(during("reading a restock"))?;
    if let Some(row) = applied {
        let before: u32 = row
            .try_get("units")
            .map_err(during("reading a restock's units"))?;
        return Ok(RestockRow::replayed(before, units));
    }
    if !fits_max_stock(stock, units) {
        return Ok(RestockRow::TooMuchStock);
    }
    sqlx::query(
        "UPDATE sales SET stock = stock + ?, remaining = remaining + ? WHERE product_id = ?",
    )
    .bind(units)
    .bind(units)
    .bind(product.as_str())
    .execute(&mut *tx)
    .await
    .map_err(during("adding units to a sale"))?;
    let statement = format!(
        "INSERT INTO sale_restocks (restock_id, product_id, units, created_at_ms) \
         VALUES (?, ?, ?, {NOW_MS})"
    );
    sqlx::query(&statement)
        .bind(restock.as_str())
        .bind(product.as_str())
        .bind(units)
        .execute(&mut *tx)
        .await
        .map_err(during("recording the restock"))?;
    tx.commit()
        .await
        .map_err(during("committing the restock"))?;
    Ok(RestockRow::Applied)
}

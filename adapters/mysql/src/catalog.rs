//! `SaleCatalog` on MySQL: creating, listing and snapshotting sales.

use flashsale_application::ports::{
    CatalogError, OrderAudit, Restocked, SaleCatalog, SaleRecord, StockSnapshot,
};
use flashsale_domain::{ProductId, RestockId, Sale, SaleWindow};
use flashsale_sql::{stock_snapshots, RestockRow, SALE_COLUMNS};
use sqlx::Connection;

use crate::error::{during, StoreFailure};
use crate::rows::{BuyerRow, SaleRow};
use crate::MySqlStore;

impl SaleCatalog for MySqlStore {
    async fn create(&self, sale: &Sale) -> Result<(), CatalogError> {
        // `created_at_ms` is the server's clock: an operator's record, not a domain value.
        let inserted = sqlx::query(
            "INSERT INTO sales (product_id, name, stock, remaining, starts_at_ms, ends_at_ms, \
             per_user_limit, payment_window_secs, rebuy_after_cancel, created_at_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000))",
        )
        .bind(sale.product_id().as_str())
        .bind(sale.name())
        .bind(sale.stock())
        .bind(sale.stock())
        .bind(sale.window().starts_at().as_millis())
        .bind(sale.window().ends_at().as_millis())
        .bind(sale.per_user_limit().get())
        .bind(sale.payment_window().secs())
        .bind(sale.rebuy_after_cancel())
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(CatalogError::AlreadyExists)
            }
            Err(error) => Err(during("creating a sale")(error).into()),
        }
    }

    async fn list(&self) -> Result<Vec<SaleRecord>, CatalogError> {
        let statement =
            format!("SELECT {SALE_COLUMNS} FROM sales ORDER BY starts_at_ms, product_id");
        let rows = sqlx::query_as::<_, SaleRow>(&statement)
            .fetch_all(self.pool())
            .await
            .map_err(during("listing the sales"))?;
        let records = rows
            .into_iter()
            .map(SaleRow::into_record)
            .collect::<Result<_, _>>()
            .map_err(StoreFailure::from)?;
        Ok(records)
    }

    async fn sale(&self, product: &ProductId) -> Result<Option<SaleRecord>, CatalogError> {
        let statement = format!("SELECT {SALE_COLUMNS} FROM sales WHERE product_id = ?");
        let row = sqlx::query_as::<_, SaleRow>(&statement)
            .bind(product.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(during("reading a sale"))?;
        Ok(row
            .map(SaleRow::into_record)
            .transpose()
            .map_err(StoreFailure::from)?)
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, CatalogError> {
        // MySQL counts changed rows, not matched ones: when nothing changed, the sale may be in
        // that state already, so whether it exists is read apart.
        let changed = sqlx::query("UPDATE sales SET paused = ? WHERE product_id = ?")
            .bind(paused)
            .bind(product.as_str())
            .execute(self.pool())
            .await
            .map_err(during("pausing a sale"))?
            .rows_affected();
        if changed > 0 {
            return Ok(true);
        }
        Ok(self.sale(product).await?.is_some())
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> Result<bool, CatalogError> {
        let changed =
            sqlx::query("UPDATE sales SET starts_at_ms = ?, ends_at_ms = ? WHERE product_id = ?")
                .bind(window.starts_at().as_millis())
                .bind(window.ends_at().as_millis())
                .bind(product.as_str())
                .execute(self.pool())
                .await
                .map_err(during("moving a sale's window"))?
                .rows_affected();
        if changed > 0 {
            return Ok(true);
        }
        Ok(self.sale(product).await?.is_some())
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<Restocked, CatalogError> {
        Ok(
            match crate::restock::add_units(self, product, units, restock).await? {
                RestockRow::Applied => match self.sale(product).await? {
                    Some(record) => Restocked::Applied(record),
                    None => Restocked::NoSale,
                },
                RestockRow::NoSale => Restocked::NoSale,
                RestockRow::IdReused(units) => Restocked::IdReused { units },
                RestockRow::TooMuchStock => Restocked::TooMuchStock,
            },
        )
    }

    async fn snapshots(&self) -> Result<Vec<StockSnapshot>, CatalogError> {
        Ok(read_snapshots(self).await?)
    }

    async fn audit(&self, product: &ProductId) -> Result<Option<OrderAudit>, CatalogError> {
        Ok(crate::audit::audit(self, product).await?)
    }
}

/// Sales and buyers read in one repeatable-read transaction, so each sale's remaining stock
/// and its orders are from the same instant and always add up to at most its stock.
async fn read_snapshots(store: &MySqlStore) -> Result<Vec<StockSnapshot>, StoreFailure> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(during("connecting for a snapshot"))?;
    // Applies to the next transaction only, whatever the server's default isolation.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *conn)
        .await
        .map_err(during("preparing the snapshot transaction"))?;
    let mut tx = conn
        .begin()
        .await
        .map_err(during("starting the snapshot transaction"))?;

    let statement = format!("SELECT {SALE_COLUMNS} FROM sales ORDER BY product_id");
    let sales = sqlx::query_as::<_, SaleRow>(&statement)
        .fetch_all(&mut *tx)
        .await
        .map_err(during("reading the sales"))?;
    let buyer_rows = sqlx::query_as::<_, BuyerRow>(
        "SELECT product_id, user_id, request_id, quantity, status, \
         CAST(active_user_id IS NOT NULL AS SIGNED) AS holds_place FROM orders \
         ORDER BY product_id, user_id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(during("reading the buyers"))?;
    tx.commit()
        .await
        .map_err(during("ending the snapshot transaction"))?;

    Ok(stock_snapshots(sales, buyer_rows)?)
}

//! A sale's orders on SQLite, newest first, paged by position: one index range scan
//! (`orders_of_sale`, or `orders_of_sale_by_status` with a status) whatever the page.

use flashsale_application::ports::SaleOrdersQuery;
use flashsale_domain::{Order, ProductId};
use flashsale_sql::{status_name, ORDER_COLUMNS};
use sqlx::{QueryBuilder, Sqlite};

use crate::error::{during, StoreFailure};
use crate::rows::OrderRow;
use crate::SqliteStore;

/// Up to `query.limit` orders of the sale after `query.after`, of `query.status` if given.
pub(crate) async fn sale_orders(
    store: &SqliteStore,
    product: &ProductId,
    query: &SaleOrdersQuery,
) -> Result<Vec<Order>, StoreFailure> {
    let mut sql = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE product_id = "
    ));
    sql.push_bind(product.as_str());
    if let Some(status) = query.status {
        sql.push(" AND status = ").push_bind(status_name(status));
    }
    if let Some(after) = &query.after {
        let created_at = after.created_at.as_millis();
        sql.push(" AND (created_at_ms < ")
            .push_bind(created_at)
            .push(" OR (created_at_ms = ")
            .push_bind(created_at)
            .push(" AND order_id < ")
            .push_bind(after.order_id.as_str())
            .push("))");
    }
    sql.push(" ORDER BY created_at_ms DESC, order_id DESC LIMIT ")
        .push_bind(query.limit);
    let rows = sql
        .build_query_as::<OrderRow>()
        .fetch_all(store.reader())
        .await
        .map_err(during("reading a sale's orders"))?;
    rows.into_iter()
        .map(|row| row.into_order().map_err(StoreFailure::from))
        .collect()
}

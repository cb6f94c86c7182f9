//! `SaleCatalog::audit` on SQLite: a sale's stock and its orders counted in one statement, so
//! every count comes from the same consistent read.

use flashsale_application::ports::OrderAudit;
use flashsale_domain::ProductId;
use flashsale_sql::AuditRow;

use crate::error::{during, StoreFailure};
use crate::SqliteStore;

/// One statement: the sales row with scalar subqueries over its live orders (pending payment
/// or paid; served by the `orders_of_sale_by_status` index).
const AUDIT: &str = "\
    SELECT s.stock, s.remaining, \
      (SELECT COUNT(*) FROM orders o WHERE o.product_id = s.product_id \
         AND o.status IN ('pending_payment', 'paid')) AS orders, \
      (SELECT COALESCE(SUM(o.quantity), 0) FROM orders o \
         WHERE o.product_id = s.product_id AND o.status = 'pending_payment') \
        AS units_pending_payment, \
      (SELECT COALESCE(SUM(o.quantity), 0) FROM orders o \
         WHERE o.product_id = s.product_id AND o.status = 'paid') AS units_paid, \
      (SELECT COUNT(DISTINCT o.user_id) FROM orders o WHERE o.product_id = s.product_id \
         AND o.status IN ('pending_payment', 'paid')) AS distinct_buyers, \
      (SELECT COALESCE(MAX(per_buyer.n), 0) FROM \
         (SELECT COUNT(*) AS n FROM orders o WHERE o.product_id = ? \
          AND o.status IN ('pending_payment', 'paid') GROUP BY o.user_id) AS per_buyer) \
        AS max_orders_per_buyer \
    FROM sales s WHERE s.product_id = ?";

/// The product's audit, `None` when it has no sale.
pub(crate) async fn audit(
    store: &SqliteStore,
    product: &ProductId,
) -> Result<Option<OrderAudit>, StoreFailure> {
    let row = sqlx::query_as::<_, AuditRow>(AUDIT)
        .bind(product.as_str())
        .bind(product.as_str())
        .fetch_optional(store.reader())
        .await
        .map_err(during("auditing a sale"))?;
    Ok(row.map(AuditRow::into_audit))
}

//! `SaleCatalog::audit` on MySQL: a sale's stock and its orders counted in one statement, so
//! every count comes from the same consistent read.

use flashsale_application::ports::OrderAudit;
use flashsale_domain::ProductId;
use flashsale_sql::AuditRow;

use crate::error::{during, StoreFailure};
use crate::MySqlStore;

/// One statement: the sales row joined with scalar subqueries over its live orders (pending
/// payment or paid; served by the `orders_by_product` index). Counts are cast to UNSIGNED so
/// they decode as `u64`.
const AUDIT: &str = "\
    SELECT s.stock, s.remaining, \
      CAST((SELECT COUNT(*) FROM orders o WHERE o.product_id = s.product_id \
            AND o.status IN ('pending_payment', 'paid')) AS UNSIGNED) AS orders, \
      CAST((SELECT COALESCE(SUM(o.quantity), 0) FROM orders o \
            WHERE o.product_id = s.product_id AND o.status = 'pending_payment') AS UNSIGNED) \
        AS units_pending_payment, \
      CAST((SELECT COALESCE(SUM(o.quantity), 0) FROM orders o \
            WHERE o.product_id = s.product_id AND o.status = 'paid') AS UNSIGNED) \
        AS units_paid, \
      CAST((SELECT COUNT(DISTINCT o.user_id) FROM orders o WHERE o.product_id = s.product_id \
            AND o.status IN ('pending_payment', 'paid')) AS UNSIGNED) AS distinct_buyers, \
      CAST((SELECT COALESCE(MAX(per_buyer.n), 0) FROM \
              (SELECT COUNT(*) AS n FROM orders o WHERE o.product_id = ? \
               AND o.status IN ('pending_payment', 'paid') GROUP BY o.user_id) \
              AS per_buyer) AS UNSIGNED) AS max_orders_per_buyer \
    FROM sales s WHERE s.product_id = ?";

/// The product's audit, `None` when it has no sale.
pub(crate) async fn audit(
    store: &MySqlStore,
    product: &ProductId,
) -> Result<Option<OrderAudit>, StoreFailure> {
    let row = sqlx::query_as::<_, AuditRow>(AUDIT)
        .bind(product.as_str())
        .bind(product.as_str())
        .fetch_optional(store.pool())
        .await
        .map_err(during("auditing a sale"))?;
    Ok(row.map(AuditRow::into_audit))
}

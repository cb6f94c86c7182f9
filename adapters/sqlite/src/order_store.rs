//! `OrderStore` on SQLite: one write transaction per batch, read, decided, then written.
//!
//! The steps of [`OrderStore::persist`], all in one `BEGIN IMMEDIATE` transaction, which holds
//! the file's write lock from its start (SQLite's stand-in for MySQL's row locks: no other
//! writer, in this process or another, commits between the reads and the writes):
//! 1. read the remaining stock and payment window of the batch's sales;
//! 2. read the orders of the batch's request ids and of its buyers;
//! 3. decide the batch in memory ([`plan_batch`], the rules every order store shares);
//! 4. take each product's units with one conditional decrement (`... AND remaining >= ?`, a
//!    second guard) and insert the new orders, and their events into the outbox, with
//!    multi-row inserts, at most [`CHUNK`] values per statement;
//! 5. commit. Any error drops the transaction, which rolls it back: nothing is stored.
//!
//! The inserts are plain `INSERT`s, not `ON CONFLICT DO NOTHING`: step 2 already found every
//! order the batch repeats, so a unique key that still fires means the batch is wrong (an order
//! id used twice), and silently skipping the row would report an order created that was not
//! stored. The batch fails instead, and nothing of it is stored.

use std::collections::{BTreeSet, HashMap, HashSet};

use flashsale_application::ports::{
    plan_batch, Closed, Closing, KnownOrders, NewOrder, OrderPage, OrderStore, OrderStoreError,
    Paid, Persisted, SaleOrdersQuery, SaleStock,
};
use flashsale_application::ErrorChain;
use flashsale_domain::{Order, OrderId, PaymentId, ProductId, RequestId, Timestamp, UserId};
use flashsale_sql::{placeholders, row_placeholders, status_name, CHUNK, ORDER_COLUMNS};
use sqlx::SqliteConnection;

use crate::error::{during, StoreFailure};
use crate::rows::{OrderRow, PlaceRow, SaleStockRow};
use crate::SqliteStore;

impl OrderStore for SqliteStore {
    async fn persist(&self, orders: &[NewOrder]) -> Result<Vec<Persisted>, OrderStoreError> {
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        let outcomes = persist_batch(self, orders).await.inspect_err(|failure| {
            tracing::warn!(batch = orders.len(), error = %ErrorChain(failure), "order batch rolled back");
        })?;
        Ok(outcomes)
    }

    async fn find_order(&self, request_id: &RequestId) -> Result<Option<Order>, OrderStoreError> {
        let statement = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE request_id = ?");
        let row = sqlx::query_as::<_, OrderRow>(&statement)
            .bind(request_id.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(during("reading an order by request"))?;
        Ok(row
            .map(OrderRow::into_order)
            .transpose()
            .map_err(StoreFailure::from)?)
    }

    async fn order(&self, order_id: &OrderId) -> Result<Option<Order>, OrderStoreError> {
        Ok(crate::closing::order(self.reader(), order_id).await?)
    }

    async fn orders_of(
        &self,
        user_id: &UserId,
        page: OrderPage,
    ) -> Result<Vec<Order>, OrderStoreError> {
        Ok(crate::closing::orders_of(self, user_id, page).await?)
    }

    async fn sale_orders(
        &self,
        product_id: &ProductId,
        query: &SaleOrdersQuery,
    ) -> Result<Vec<Order>, OrderStoreError> {
        Ok(crate::sale_orders::sale_orders(self, product_id, query).await?)
    }

    async fn close(
        &self,
        order_id: &OrderId,
        closing: Closing,
        now: Timestamp,
    ) -> Result<Closed, OrderStoreError> {
        Ok(crate::closing::close(self, order_id, closing, now).await?)
    }

    async fn pay(
        &self,
        order_id: &OrderId,
        payment_id: &PaymentId,
        now: Timestamp,
    ) -> Result<Paid, OrderStoreError> {
        Ok(crate::payment::pay(self, order_id, payment_id, now).await?)
    }

    async fn overdue(&self, now: Timestamp, limit: u32) -> Result<Vec<Order>, OrderStoreError> {
        Ok(crate::closing::overdue(self, now, limit).await?)
    }

    async fn find_order_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Order>, OrderStoreError> {
        let statement =
            // The order holding the buyer's place first (at most one), else the latest.
            format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = ? AND product_id = ? \
                 ORDER BY active_user_id IS NULL, created_at_ms DESC, order_id DESC LIMIT 1"
            );
        let row = sqlx::query_as::<_, OrderRow>(&statement)
            .bind(user_id.as_str())
            .bind(product_id.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(during("reading a buyer's order of a product"))?;
        Ok(row
            .map(OrderRow::into_order)
            .transpose()
            .map_err(StoreFailure::from)?)
    }
}

async fn persist_batch(
    store: &SqliteStore,
    batch: &[NewOrder],
) -> Result<Vec<Persisted>, StoreFailure> {
    let mut tx = store.begin_write("starting the batch transaction").await?;

    let products: BTreeSet<&str> = batch
        .iter()
        .map(|new| new.reservation.product_id.as_str())
        .collect();
    let mut known = KnownOrders {
        sales: read_sales(&mut tx, &products).await?,
        ..KnownOrders::default()
    };
    let requests: BTreeSet<&str> = batch
        .iter()
        .map(|new| new.reservation.request_id.as_str())
        .collect();
    for order in orders_where(&mut tx, "request_id", &requests).await? {
        known.by_request.insert(order.request_id.clone(), order);
    }
    let users: BTreeSet<&str> = batch
        .iter()
        .map(|new| new.reservation.user_id.as_str())
        .collect();
    known.buyers = places_held(&mut tx, &users).await?;

    let plan = plan_batch(batch, known);
    for (product, units) in &plan.decrements {
        take_stock(&mut tx, product, *units).await?;
    }
    insert_orders(&mut tx, &plan.created).await?;
    crate::outbox::record_created(&mut tx, &plan.created).await?;
    tx.commit()
        .await
        .map_err(during("committing the order batch"))?;
    Ok(plan.outcomes)
}

/// The remaining stock and payment window of the sales of `products` (those that exist).
async fn read_sales(
    conn: &mut SqliteConnection,
    products: &BTreeSet<&str>,
) -> Result<HashMap<ProductId, SaleStock>, StoreFailure> {
    let products: Vec<&str> = products.iter().copied().collect();
    let mut remaining = HashMap::with_capacity(products.len());
    for chunk in products.chunks(CHUNK) {
        let statement = format!(
            "SELECT product_id, remaining, payment_window_secs FROM sales \
             WHERE product_id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, SaleStockRow>(&statement).persistent(false);
        for product in chunk {
            query = query.bind(*product);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(during("reading the batch's sales"))?;
        for row in rows {
            let (product, left) = row.into_stock()?;
            remaining.insert(product, left);
        }
    }
    Ok(remaining)
}

/// The orders whose `column` is one of `values`.
async fn orders_where(
    conn: &mut SqliteConnection,
    column: &'static str,
    values: &BTreeSet<&str>,
) -> Result<Vec<Order>, StoreFailure> {
    let values: Vec<&str> = values.iter().copied().collect();
    let mut orders = Vec::new();
    for chunk in values.chunks(CHUNK) {
        let statement = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE {column} IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, OrderRow>(&statement).persistent(false);
        for value in chunk {
            query = query.bind(*value);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(during("reading the batch's existing orders"))?;
        for row in rows {
            orders.push(row.into_order()?);
        }
    }
    Ok(orders)
}

/// The (buyer, product) places held among `users`' orders: a live order, or a closed one in a
/// sale that does not let its buyer buy again (`active_user_id`, unique per product).
async fn places_held(
    conn: &mut SqliteConnection,
    users: &BTreeSet<&str>,
) -> Result<HashSet<(UserId, ProductId)>, StoreFailure> {
    let users: Vec<&str> = users.iter().copied().collect();
    let mut places = HashSet::new();
    for chunk in users.chunks(CHUNK) {
        let statement = format!(
            "SELECT user_id, product_id FROM orders WHERE active_user_id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, PlaceRow>(&statement).persistent(false);
        for user in chunk {
            query = query.bind(*user);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(during("reading the batch's buyers"))?;
        for row in rows {
            places.insert(row.into_pair()?);
        }
    }
    Ok(places)
}

/// Takes `units` of `product`'s stock, refusing to go below zero.
async fn take_stock(
    conn: &mut SqliteConnection,
    product: &ProductId,
    units: u32,
) -> Result<(), StoreFailure> {
    let result = sqlx::query(
        "UPDATE sales SET remaining = remaining - ? WHERE product_id = ? AND remaining >= ?",
    )
    .bind(units)
    .bind(product.as_str())
    .bind(units)
    .execute(&mut *conn)
    .await
    .map_err(during("decrementing the stock"))?;
    if result.rows_affected() != 1 {
        return Err(StoreFailure::stock_moved(product.to_string()));
    }
    Ok(())
}

/// Inserts `orders`, at most [`CHUNK`] rows per statement.
async fn insert_orders(conn: &mut SqliteConnection, orders: &[Order]) -> Result<(), StoreFailure> {
    const COLUMNS: usize = 10;
    for chunk in orders.chunks(CHUNK) {
        let statement = format!(
            "INSERT INTO orders ({ORDER_COLUMNS}, active_user_id) VALUES {}",
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
                .bind(order.created_at.as_millis())
                .bind(order.payment_deadline.as_millis())
                .bind(order.payment_id().map(PaymentId::as_str))
                .bind(order.user_id.as_str());
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(during("inserting the new orders"))?;
    }
    Ok(())
}

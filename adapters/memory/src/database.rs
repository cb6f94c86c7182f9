//! The in-memory system of record: sales with their stock, and orders unique per (user, product).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use flashsale_application::ports::{
    plan_batch, CatalogError, KnownOrders, NewOrder, OrderAudit, OrderStore, OrderStoreError,
    Persisted, SaleCatalog, SaleRecord, StockSnapshot,
};
use flashsale_domain::{Order, ProductId, RequestId, Sale, UserId};

#[derive(Default)]
struct Tables {
    sales: BTreeMap<ProductId, SaleRow>,
    orders: HashMap<(UserId, ProductId), Order>,
    by_request: HashMap<RequestId, (UserId, ProductId)>,
}

struct SaleRow {
    sale: Sale,
    remaining: u32,
}

/// Sales and orders behind one lock, so a batch commits atomically like a transaction.
#[derive(Clone, Default)]
pub struct MemoryDatabase {
    tables: Arc<Mutex<Tables>>,
}

impl MemoryDatabase {
    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every order of a product, for checks and reports.
    pub fn orders_of(&self, product: &ProductId) -> Vec<Order> {
        self.tables()
            .orders
            .values()
            .filter(|order| &order.product_id == product)
            .cloned()
            .collect()
    }

    /// The stock the system of record still has for a product.
    pub fn remaining_of(&self, product: &ProductId) -> Option<u32> {
        self.tables().sales.get(product).map(|row| row.remaining)
    }
}

impl Tables {
    /// What the tables hold that concerns `batch`.
    fn known(&self, batch: &[NewOrder]) -> KnownOrders {
        let mut known = KnownOrders::default();
        for new in batch {
            let reservation = &new.reservation;
            let buyer = (reservation.user_id.clone(), reservation.product_id.clone());
            if let Some(order) = self
                .by_request
                .get(&reservation.request_id)
                .and_then(|key| self.orders.get(key))
            {
                known
                    .by_request
                    .insert(reservation.request_id.clone(), order.clone());
            }
            if self.orders.contains_key(&buyer) {
                known.buyers.insert(buyer);
            }
            if let Some(row) = self.sales.get(&reservation.product_id) {
                known
                    .remaining
                    .insert(reservation.product_id.clone(), row.remaining);
            }
        }
        known
    }

    /// Decides the batch and applies it, under the one lock: a transaction.
    fn persist(&mut self, batch: &[NewOrder]) -> Vec<Persisted> {
        let plan = plan_batch(batch, self.known(batch));
        for (product, units) in &plan.decrements {
            if let Some(row) = self.sales.get_mut(product) {
                row.remaining = row.remaining.saturating_sub(*units);
            }
        }
        for order in plan.created {
            let key = (order.user_id.clone(), order.product_id.clone());
            self.by_request
                .insert(order.request_id.clone(), key.clone());
            self.orders.insert(key, order);
        }
        plan.outcomes
    }
}

impl OrderStore for MemoryDatabase {
    async fn persist(&self, orders: &[NewOrder]) -> Result<Vec<Persisted>, OrderStoreError> {
        Ok(self.tables().persist(orders))
    }

    async fn find_order(&self, request_id: &RequestId) -> Result<Option<Order>, OrderStoreError> {
        let tables = self.tables();
        Ok(tables
            .by_request
            .get(request_id)
            .and_then(|key| tables.orders.get(key))
            .cloned())
    }

    async fn find_order_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Order>, OrderStoreError> {
        Ok(self
            .tables()
            .orders
            .get(&(user_id.clone(), product_id.clone()))
            .cloned())
    }
}

impl SaleCatalog for MemoryDatabase {
    async fn create(&self, sale: &Sale) -> Result<(), CatalogError> {
        let mut tables = self.tables();
        if tables.sales.contains_key(sale.product_id()) {
            return Err(CatalogError::AlreadyExists);
        }
        let row = SaleRow {
            sale: sale.clone(),
            remaining: sale.stock(),
        };
        tables.sales.insert(sale.product_id().clone(), row);
        Ok(())
    }

    async fn list(&self) -> Result<Vec<SaleRecord>, CatalogError> {
        let mut records: Vec<SaleRecord> = self
            .tables()
            .sales
            .values()
            .map(|row| SaleRecord {
                sale: row.sale.clone(),
                remaining: row.remaining,
            })
            .collect();
        records.sort_by_key(|r| (r.sale.window().starts_at(), r.sale.product_id().clone()));
        Ok(records)
    }

    async fn snapshots(&self) -> Result<Vec<StockSnapshot>, CatalogError> {
        let tables = self.tables();
        Ok(tables
            .sales
            .values()
            .map(|row| StockSnapshot {
                sale: row.sale.clone(),
                remaining: row.remaining,
                buyers: tables
                    .orders
                    .values()
                    .filter(|order| &order.product_id == row.sale.product_id())
                    .map(|o| (o.user_id.clone(), o.request_id.clone(), o.quantity))
                    .collect(),
            })
            .collect())
    }

    async fn audit(&self, product: &ProductId) -> Result<Option<OrderAudit>, CatalogError> {
        let tables = self.tables();
        let Some(row) = tables.sales.get(product) else {
            return Ok(None);
        };
        let mut per_buyer: HashMap<&UserId, u64> = HashMap::new();
        let mut audit = OrderAudit {
            stock: row.sale.stock(),
            remaining: row.remaining,
            orders: 0,
            units_ordered: 0,
            distinct_buyers: 0,
            max_orders_per_buyer: 0,
        };
        for order in tables.orders.values().filter(|o| &o.product_id == product) {
            audit.orders += 1;
            audit.units_ordered += u64::from(order.quantity.get());
            *per_buyer.entry(&order.user_id).or_default() += 1;
        }
        audit.distinct_buyers = per_buyer.len() as u64;
        audit.max_orders_per_buyer = per_buyer.values().copied().max().unwrap_or(0);
        Ok(Some(audit))
    }
}

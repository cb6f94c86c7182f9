//! The in-memory system of record: sales with their stock, and orders unique per (user, product)
//! whose unpaid ones can be paid (each payment id paying one order at most) or closed, giving
//! their units back; every status change also writes its order event into the outbox, under
//! the same lock (the in-memory transaction).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::outbox::Outbox;

use flashsale_application::ports::{
    plan_batch, CatalogError, Closed, Closing, EventId, KnownOrders, NewOrder, OrderAudit,
    OrderEvent, OrderEvents, OrderEventsError, OrderPage, OrderStore, OrderStoreError, Paid,
    Persisted, Restocked, SaleCatalog, SaleOrdersQuery, SaleRecord, SaleStock, StockSnapshot,
};
use flashsale_domain::{
    Order, OrderId, OrderStatus, PaymentId, ProductId, RequestId, RestockId, Sale, SaleWindow,
    Timestamp, UserId,
};

#[derive(Default)]
struct Tables {
    sales: BTreeMap<ProductId, SaleRow>,
    orders: HashMap<OrderId, Order>,
    /// The order holding each buyer's place in a sale: a live one, or a closed one when the
    /// sale does not let its buyer buy again (the unique (user, product) key of the database).
    by_buyer: HashMap<(UserId, ProductId), OrderId>,
    by_request: HashMap<RequestId, OrderId>,
    /// Each product's orders, in the order they were created (the database's index on the
    /// product): audits, snapshots and pages of one sale read only that sale's orders.
    by_product: HashMap<ProductId, Vec<OrderId>>,
    /// Each buyer's orders, of every sale (the database's index on the buyer).
    by_user: HashMap<UserId, Vec<OrderId>>,
    /// Orders pending payment, by deadline (the database's index on status and deadline): the
    /// expiry's pass reads the overdue ones without looking at any other.
    awaiting_payment: BTreeSet<(Timestamp, OrderId)>,
    /// The order each payment paid (the unique payment id of the database).
    by_payment: HashMap<PaymentId, OrderId>,
    /// Units each addition applied, by sale and restock id (the database's primary key).
    restocks: HashMap<(ProductId, RestockId), u32>,
    /// One event per status change, written with it.
    outbox: Outbox,
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
        self.tables().of_product(product).cloned().collect()
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
                .and_then(|id| self.orders.get(id))
            {
                known
                    .by_request
                    .insert(reservation.request_id.clone(), order.clone());
            }
            if self.by_buyer.contains_key(&buyer) {
                known.buyers.insert(buyer);
            }
            if let Some(row) = self.sales.get(&reservation.product_id) {
                let stock = SaleStock {
                    remaining: row.remaining,
                    payment_window: row.sale.payment_window(),
                };
                known.sales.insert(reservation.product_id.clone(), stock);
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
            self.outbox.record(&order, order.created_at);
            let key = (order.user_id.clone(), order.product_id.clone());
            self.by_request
                .insert(order.request_id.clone(), order.id.clone());
            self.by_product
                .entry(order.product_id.clone())
                .or_default()
                .push(order.id.clone());
            self.by_buyer.insert(key, order.id.clone());
            self.by_user
                .entry(order.user_id.clone())
                .or_default()
                .push(order.id.clone());
            if order.status() == OrderStatus::PendingPayment {
                self.awaiting_payment
                    .insert((order.payment_deadline, order.id.clone()));
            }
            self.orders.insert(order.id.clone(), order);
        }
        plan.outcomes
    }

    /// Closes an order pending payment and returns its units to its sale, under the one lock.
    fn close(&mut self, id: &OrderId, closing: Closing, now: Timestamp) -> Closed {
        let Some(order) = self.orders.get_mut(id) else {
            return Closed::Unknown;
        };
        let moved = match closing {
            Closing::Cancel => order.cancel(),
            Closing::Expire => order.expire(now),
        };
        if moved.is_err() {
            return Closed::Unchanged(order.clone());
        }
        self.awaiting_payment
            .remove(&(order.payment_deadline, order.id.clone()));
        self.outbox.record(order, now);
        if let Some(row) = self.sales.get_mut(&order.product_id) {
            row.remaining = row.remaining.saturating_add(order.quantity.get());
            if row.sale.rebuy_after_cancel() {
                self.by_buyer
                    .remove(&(order.user_id.clone(), order.product_id.clone()));
            }
        }
        Closed::Closed(order.clone())
    }

    /// Pays an order pending payment before its deadline, under the one lock.
    fn pay(&mut self, id: &OrderId, payment: &PaymentId, now: Timestamp) -> Paid {
        let Some(order) = self.orders.get(id) else {
            return Paid::Unknown;
        };
        if order.payment_id() == Some(payment) {
            return Paid::Unchanged(order.clone());
        }
        if let Some(other) = self.by_payment.get(payment) {
            return Paid::PaymentUsed(other.clone());
        }
        let Some(order) = self.orders.get_mut(id) else {
            return Paid::Unknown;
        };
        if order.pay(payment.clone(), now).is_err() {
            return Paid::Unchanged(order.clone());
        }
        self.by_payment.insert(payment.clone(), id.clone());
        self.awaiting_payment
            .remove(&(order.payment_deadline, id.clone()));
        self.outbox.record(order, now);
        Paid::Paid(order.clone())
    }

    /// Orders of a product, live (pending payment or paid) or closed.
    fn of_product<'a>(&'a self, product: &'a ProductId) -> impl Iterator<Item = &'a Order> {
        self.by_product
            .get(product)
            .into_iter()
            .flatten()
            .filter_map(|id| self.orders.get(id))
    }
}

/// Whether an order still holds its units: pending payment or paid.
fn is_live(order: &Order) -> bool {
    matches!(
        order.status(),
        OrderStatus::PendingPayment | OrderStatus::Paid
    )
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
            .and_then(|id| tables.orders.get(id))
            .cloned())
    }

    async fn order(&self, order_id: &OrderId) -> Result<Option<Order>, OrderStoreError> {
        Ok(self.tables().orders.get(order_id).cloned())
    }

    async fn orders_of(
        &self,
        user_id: &UserId,
        page: OrderPage,
    ) -> Result<Vec<Order>, OrderStoreError> {
        let tables = self.tables();
        let mut orders: Vec<&Order> = tables
            .by_user
            .get(user_id)
            .into_iter()
            .flatten()
            .filter_map(|id| tables.orders.get(id))
            .collect();
        orders.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(orders
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize)
            .cloned()
            .collect())
    }

    async fn sale_orders(
        &self,
        product_id: &ProductId,
        query: &SaleOrdersQuery,
    ) -> Result<Vec<Order>, OrderStoreError> {
        let tables = self.tables();
        let mut orders: Vec<&Order> = tables
            .of_product(product_id)
            .filter(|order| query.status.is_none_or(|status| order.status() == status))
            .filter(|order| {
                query
                    .after
                    .as_ref()
                    .is_none_or(|after| after.precedes(order))
            })
            .collect();
        orders.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(orders
            .into_iter()
            .take(query.limit as usize)
            .cloned()
            .collect())
    }

    async fn close(
        &self,
        order_id: &OrderId,
        closing: Closing,
        now: Timestamp,
    ) -> Result<Closed, OrderStoreError> {
        Ok(self.tables().close(order_id, closing, now))
    }

    async fn pay(
        &self,
        order_id: &OrderId,
        payment_id: &PaymentId,
        now: Timestamp,
    ) -> Result<Paid, OrderStoreError> {
        Ok(self.tables().pay(order_id, payment_id, now))
    }

    async fn overdue(&self, now: Timestamp, limit: u32) -> Result<Vec<Order>, OrderStoreError> {
        let tables = self.tables();
        Ok(tables
            .awaiting_payment
            .iter()
            .filter_map(|(_, id)| tables.orders.get(id))
            .take_while(|order| order.is_overdue(now))
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn find_order_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Order>, OrderStoreError> {
        let tables = self.tables();
        Ok(tables
            .by_buyer
            .get(&(user_id.clone(), product_id.clone()))
            .and_then(|id| tables.orders.get(id))
            .cloned())
    }
}

impl OrderEvents for MemoryDatabase {
    async fn unpublished(&self, limit: u32) -> Result<Vec<OrderEvent>, OrderEventsError> {
        Ok(self.tables().outbox.unpublished(limit))
    }

    async fn mark_published(
        &self,
        ids: &[EventId],
        _now: Timestamp,
    ) -> Result<(), OrderEventsError> {
        self.tables().outbox.mark_published(ids);
        Ok(())
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

    async fn sale(&self, product: &ProductId) -> Result<Option<SaleRecord>, CatalogError> {
        Ok(self.tables().sales.get(product).map(|row| SaleRecord {
            sale: row.sale.clone(),
            remaining: row.remaining,
        }))
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, CatalogError> {
        let mut tables = self.tables();
        let Some(row) = tables.sales.get_mut(product) else {
            return Ok(false);
        };
        row.sale = row.sale.clone().with_paused(paused);
        Ok(true)
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> Result<bool, CatalogError> {
        let mut tables = self.tables();
        let Some(row) = tables.sales.get_mut(product) else {
            return Ok(false);
        };
        row.sale = row.sale.clone().with_window(window);
        Ok(true)
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<Restocked, CatalogError> {
        let mut tables = self.tables();
        let key = (product.clone(), restock.clone());
        let applied = tables.restocks.get(&key).copied();
        let Some(row) = tables.sales.get_mut(product) else {
            return Ok(Restocked::NoSale);
        };
        match applied {
            Some(before) if before != units => return Ok(Restocked::IdReused { units: before }),
            Some(_) => {}
            None => {
                let Ok(grown) = row.sale.clone().with_added_stock(units) else {
                    return Ok(Restocked::TooMuchStock);
                };
                row.sale = grown;
                row.remaining += units;
            }
        }
        let record = SaleRecord {
            sale: row.sale.clone(),
            remaining: row.remaining,
        };
        tables.restocks.insert(key, units);
        Ok(Restocked::Applied(record))
    }

    async fn snapshots(&self) -> Result<Vec<StockSnapshot>, CatalogError> {
        let tables = self.tables();
        Ok(tables
            .sales
            .values()
            .map(|row| {
                let product = row.sale.product_id();
                let (live, closed): (Vec<&Order>, Vec<&Order>) =
                    tables.of_product(product).partition(|o| is_live(o));
                let holds_place = |o: &&Order| {
                    tables
                        .by_buyer
                        .get(&(o.user_id.clone(), o.product_id.clone()))
                        == Some(&o.id)
                };
                StockSnapshot {
                    sale: row.sale.clone(),
                    remaining: row.remaining,
                    buyers: live
                        .into_iter()
                        .map(|o| (o.user_id.clone(), o.request_id.clone(), o.quantity))
                        .collect(),
                    barred: closed
                        .into_iter()
                        .filter(holds_place)
                        .map(|o| o.user_id.clone())
                        .collect(),
                }
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
            units_pending_payment: 0,
            units_paid: 0,
            distinct_buyers: 0,
            max_orders_per_buyer: 0,
        };
        for order in tables.of_product(product).filter(|o| is_live(o)) {
            let units = u64::from(order.quantity.get());
            audit.orders += 1;
            audit.units_ordered += units;
            match order.status() {
                OrderStatus::Paid => audit.units_paid += units,
                _ => audit.units_pending_payment += units,
            }
            *per_buyer.entry(&order.user_id).or_default() += 1;
        }
        audit.distinct_buyers = per_buyer.len() as u64;
        audit.max_orders_per_buyer = per_buyer.values().copied().max().unwrap_or(0);
        Ok(Some(audit))
    }
}

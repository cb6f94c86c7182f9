//! The in-memory stock gate: the product's rate limits and the domain's inventory rules under
//! one lock per product.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use flashsale_application::ports::{
    GateLimits, LoadOutcome, PortFailure, ReserveOutcome, StockGate, StockGateError, StockSnapshot,
    Withdrawal,
};
use flashsale_domain::{
    Inventory, Order, ProductId, RateDecision, Refusal, Release, RequestId, Reservation,
    ReservationRequest, RestockId, SaleWindow, Timestamp, UserId,
};

use crate::buckets::Buckets;

struct LiveSale {
    inventory: Inventory,
    in_flight: HashMap<RequestId, Reservation>,
    /// In-flight reservations reconciliation re-published (see `StockGate::claim_for_republish`).
    republished: HashSet<RequestId>,
    /// Reservations released because their publish failed (see `StockGate::withdraw`).
    withdrawn: HashSet<RequestId>,
    /// Requests cancelled after a lost answer: they take nothing if they arrive later.
    cancelled: HashSet<RequestId>,
    /// Additions of units applied (see `StockGate::add_units`).
    restocks: HashSet<RestockId>,
    per_client: Option<Buckets<IpAddr>>,
    per_buyer: Option<Buckets<UserId>>,
}

impl LiveSale {
    /// Takes a reservation out of flight, with its re-published mark.
    fn end_in_flight(&mut self, request: &RequestId) -> Option<Reservation> {
        self.republished.remove(request);
        self.in_flight.remove(request)
    }

    /// Withdraws a reservation only while it is in flight and not re-published.
    fn withdraw(&mut self, reservation: &Reservation) -> Withdrawal {
        let request = &reservation.request_id;
        if self.republished.contains(request) {
            return Withdrawal::Republished;
        }
        if self.end_in_flight(request).is_none() {
            return Withdrawal::NotHeld;
        }
        match self.inventory.release(reservation) {
            Release::Released => {
                self.withdrawn.insert(request.clone());
                Withdrawal::Withdrawn
            }
            Release::NotHeld => Withdrawal::NotHeld,
        }
    }

    /// Takes a token from the client's, then the buyer's bucket for this product.
    fn admit(&mut self, client: Option<IpAddr>, buyer: &UserId, now: Timestamp) -> RateDecision {
        if let (Some(buckets), Some(client)) = (self.per_client.as_mut(), client) {
            if let limited @ RateDecision::Limited { .. } = buckets.take(&client, now) {
                return limited;
            }
        }
        match self.per_buyer.as_mut() {
            Some(buckets) => buckets.take(buyer, now),
            None => RateDecision::Allowed,
        }
    }
}

type Shared = Arc<Mutex<LiveSale>>;

/// Holds every loaded sale; buyers of different products never wait on each other.
#[derive(Clone, Default)]
pub struct MemoryStockGate {
    limits: GateLimits,
    sales: Arc<RwLock<HashMap<ProductId, Shared>>>,
}

fn poisoned<T>(_: PoisonError<T>) -> StockGateError {
    StockGateError::Unavailable(PortFailure::new("a stock lock was poisoned by a panic"))
}

impl MemoryStockGate {
    /// A gate applying these rate limits per product.
    pub fn new(limits: GateLimits) -> Self {
        Self {
            limits,
            sales: Arc::default(),
        }
    }

    fn sale(&self, product: &ProductId) -> Result<Option<Shared>, StockGateError> {
        Ok(self.sales.read().map_err(poisoned)?.get(product).cloned())
    }
}

impl StockGate for MemoryStockGate {
    async fn reserve(
        &self,
        request: ReservationRequest,
        client: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let product = request.product_id.clone();
        let sale = self
            .sale(&product)?
            .ok_or(StockGateError::UnknownProduct(product))?;
        let mut live = sale.lock().map_err(poisoned)?;
        if live.cancelled.contains(&request.request_id) {
            return Err(StockGateError::Cancelled(request.request_id));
        }
        // A retried request id gets its reservation again before any bucket or rule is asked
        // (the in-flight record keeps the instant it was taken; a settled one is not kept).
        if let Some(held) = live.inventory.replay(&request, now) {
            let pending = live.in_flight.get(&held.request_id).cloned();
            return Ok(Ok(pending.unwrap_or(held)));
        }
        if let RateDecision::Limited { retry_after } = live.admit(client, &request.user_id, now) {
            return Ok(Err(Refusal::RateLimited { retry_after }));
        }
        let outcome = live.inventory.reserve(request, now);
        if let Ok(reservation) = &outcome {
            live.in_flight
                .insert(reservation.request_id.clone(), reservation.clone());
        }
        Ok(outcome)
    }

    async fn release(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(Release::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        live.end_in_flight(&reservation.request_id);
        Ok(live.inventory.release(reservation))
    }

    async fn withdraw(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(Withdrawal::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        Ok(live.withdraw(reservation))
    }

    async fn cancel(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(Withdrawal::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        live.cancelled.insert(reservation.request_id.clone());
        // Only a reservation still in flight: a settled one is an order, which a cancel keeps.
        Ok(live.withdraw(reservation))
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(false);
        };
        sale.lock().map_err(poisoned)?.inventory.set_paused(paused);
        Ok(true)
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> Result<bool, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(false);
        };
        sale.lock().map_err(poisoned)?.inventory.set_window(window);
        Ok(true)
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<bool, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(false);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        if live.restocks.contains(restock) {
            return Ok(true);
        }
        live.inventory.add_units(units).map_err(|error| {
            StockGateError::Unavailable(PortFailure::caused_by("adding units", error))
        })?;
        live.restocks.insert(restock.clone());
        Ok(true)
    }

    async fn retire(
        &self,
        product: &ProductId,
        until: Timestamp,
        now: Timestamp,
    ) -> Result<(), StockGateError> {
        if now >= until {
            self.sales.write().map_err(poisoned)?.remove(product);
        }
        Ok(())
    }

    async fn claim_for_republish(&self, reservation: &Reservation) -> Result<bool, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(false);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        if !live.in_flight.contains_key(&reservation.request_id) {
            return Ok(false);
        }
        live.republished.insert(reservation.request_id.clone());
        Ok(true)
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(Release::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        live.end_in_flight(&reservation.request_id);
        Ok(live.inventory.discard(reservation))
    }

    async fn restock(&self, order: &Order, may_buy_again: bool) -> Result<Release, StockGateError> {
        let Some(sale) = self.sale(&order.product_id)? else {
            return Ok(Release::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        let release = live
            .inventory
            .restock(&order.user_id, &order.request_id, may_buy_again);
        if release == Release::Released {
            // A settle not yet run: the order's reservation is no longer in flight either.
            live.end_in_flight(&order.request_id);
        }
        Ok(release)
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        for reservation in reservations {
            if let Some(sale) = self.sale(&reservation.product_id)? {
                let mut live = sale.lock().map_err(poisoned)?;
                live.end_in_flight(&reservation.request_id);
                if live.withdrawn.remove(&reservation.request_id) {
                    live.inventory.reclaim(reservation);
                }
            }
        }
        Ok(())
    }

    async fn load(&self, snapshot: &StockSnapshot) -> Result<LoadOutcome, StockGateError> {
        let mut sales = self.sales.write().map_err(poisoned)?;
        let product = snapshot.sale.product_id();
        if sales.contains_key(product) {
            return Ok(LoadOutcome::KeptLive);
        }
        let inventory = Inventory::restore(
            snapshot.sale.clone(),
            snapshot.remaining,
            snapshot.buyers.iter().cloned(),
        )
        .map_err(|error| {
            StockGateError::Unavailable(PortFailure::caused_by("restoring the sale's stock", error))
        })?
        .with_barred(snapshot.barred.iter().cloned());
        let live = LiveSale {
            inventory,
            in_flight: HashMap::new(),
            republished: HashSet::new(),
            withdrawn: HashSet::new(),
            cancelled: HashSet::new(),
            restocks: HashSet::new(),
            per_client: self.limits.per_client.map(Buckets::new),
            per_buyer: self.limits.per_buyer.map(Buckets::new),
        };
        sales.insert(product.clone(), Arc::new(Mutex::new(live)));
        Ok(LoadOutcome::Loaded)
    }

    async fn in_flight(&self, product: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(Vec::new());
        };
        let mut reservations: Vec<Reservation> = sale
            .lock()
            .map_err(poisoned)?
            .in_flight
            .values()
            .cloned()
            .collect();
        reservations.sort_by_key(|r| r.reserved_at);
        Ok(reservations)
    }

    async fn pending(
        &self,
        product: &ProductId,
        request: &RequestId,
    ) -> Result<Option<Reservation>, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(None);
        };
        let live = sale.lock().map_err(poisoned)?;
        Ok(live.in_flight.get(request).cloned())
    }

    async fn holder(
        &self,
        product: &ProductId,
        user: &UserId,
    ) -> Result<Option<RequestId>, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(None);
        };
        let live = sale.lock().map_err(poisoned)?;
        Ok(live.inventory.holder(user))
    }

    async fn in_flight_count(&self, product: &ProductId) -> Result<u64, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(0);
        };
        let live = sale.lock().map_err(poisoned)?;
        Ok(live.in_flight.len() as u64)
    }

    async fn repair(
        &self,
        product: &ProductId,
        seen: u32,
        remaining: u32,
    ) -> Result<bool, StockGateError> {
        let Some(sale) = self.sale(product)? else {
            return Ok(false);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        if !live.in_flight.is_empty() || live.inventory.remaining() != seen {
            return Ok(false);
        }
        Ok(live.inventory.set_remaining(remaining))
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        let sales = self.sales.read().map_err(poisoned)?;
        products
            .iter()
            .map(|product| match sales.get(product) {
                Some(sale) => Ok(Some(sale.lock().map_err(poisoned)?.inventory.remaining())),
                None => Ok(None),
            })
            .collect()
    }
}

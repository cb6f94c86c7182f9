//! The in-memory stock gate: the domain's inventory rules under one lock per product.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use flashsale_application::ports::{
    LoadOutcome, ReserveOutcome, StockGate, StockGateError, StockSnapshot,
};
use flashsale_domain::{
    Inventory, ProductId, Release, RequestId, Reservation, ReservationRequest, Timestamp,
};

struct LiveSale {
    inventory: Inventory,
    in_flight: HashMap<RequestId, Reservation>,
}

type Shared = Arc<Mutex<LiveSale>>;

/// Holds every loaded sale; buyers of different products never wait on each other.
#[derive(Clone, Default)]
pub struct MemoryStockGate {
    sales: Arc<RwLock<HashMap<ProductId, Shared>>>,
}

fn poisoned<T>(_: PoisonError<T>) -> StockGateError {
    StockGateError::Unavailable("a stock lock was poisoned by a panic".into())
}

impl MemoryStockGate {
    fn sale(&self, product: &ProductId) -> Result<Option<Shared>, StockGateError> {
        Ok(self.sales.read().map_err(poisoned)?.get(product).cloned())
    }
}

impl StockGate for MemoryStockGate {
    async fn reserve(
        &self,
        request: ReservationRequest,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let product = request.product_id.clone();
        let sale = self
            .sale(&product)?
            .ok_or(StockGateError::UnknownProduct(product))?;
        let mut live = sale.lock().map_err(poisoned)?;
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
        live.in_flight.remove(&reservation.request_id);
        Ok(live.inventory.release(reservation))
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        let Some(sale) = self.sale(&reservation.product_id)? else {
            return Ok(Release::NotHeld);
        };
        let mut live = sale.lock().map_err(poisoned)?;
        live.in_flight.remove(&reservation.request_id);
        Ok(live.inventory.discard(reservation))
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        for reservation in reservations {
            if let Some(sale) = self.sale(&reservation.product_id)? {
                sale.lock()
                    .map_err(poisoned)?
                    .in_flight
                    .remove(&reservation.request_id);
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
        .map_err(|error| StockGateError::Unavailable(error.to_string()))?;
        let live = LiveSale {
            inventory,
            in_flight: HashMap::new(),
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

//! The Redis stock gate: the domain's reservation rules as one atomic Lua script per call.

use std::collections::BTreeMap;

use flashsale_application::ports::{
    LoadOutcome, ReserveOutcome, StockGate, StockGateError, StockSnapshot,
};
use flashsale_domain::{
    ProductId, Quantity, Refusal, Release, RequestId, Reservation, ReservationRequest, Timestamp,
    UserId,
};
use redis::AsyncCommands;

use crate::error::unavailable;
use crate::scripts::{LOAD, RELEASE, RESERVE};
use crate::RedisPool;

/// Reservations in Redis; one hash tag per product.
#[derive(Clone)]
pub struct RedisStockGate {
    redis: RedisPool,
}

impl RedisStockGate {
    /// A gate over this pool.
    pub fn new(redis: RedisPool) -> Self {
        Self { redis }
    }

    /// Ends a reservation once (`lua/release.lua`), returning its units when `restock` is set.
    async fn end(
        &self,
        reservation: &Reservation,
        restock: bool,
    ) -> Result<Release, StockGateError> {
        let keys = self.redis.keys();
        let product = &reservation.product_id;
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        let released: i64 = RELEASE
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .arg(reservation.user_id.as_str())
            .arg(reservation.request_id.as_str())
            .arg(if restock { "1" } else { "0" })
            .invoke_async(&mut *connection)
            .await
            .map_err(failed)?;
        Ok(if released == 1 {
            Release::Released
        } else {
            Release::NotHeld
        })
    }
}

fn failed(error: impl std::fmt::Display) -> StockGateError {
    StockGateError::Unavailable(unavailable(error))
}

fn refusal_of(code: &[i64]) -> Result<Option<Refusal>, StockGateError> {
    Ok(match code {
        [1] => None,
        [0] => Some(Refusal::SoldOut),
        [-1] => Some(Refusal::AlreadyPurchased),
        [-2] => Some(Refusal::NotStarted),
        [-3] => Some(Refusal::Ended),
        [-4, limit] => {
            let limit = u32::try_from(*limit)
                .ok()
                .and_then(|l| Quantity::new(l).ok())
                .ok_or_else(|| failed(format!("stored limit {limit} is not a quantity")))?;
            Some(Refusal::AboveLimit { limit })
        }
        other => return Err(failed(format!("unexpected reserve reply {other:?}"))),
    })
}

/// Reads an in-flight record, `user:quantity:reserved_at_ms`, as written by `lua/reserve.lua`.
fn in_flight_record(product: &ProductId, request: &str, record: &str) -> Option<Reservation> {
    let mut fields = record.split(':');
    let (user, quantity, reserved_at) = (fields.next()?, fields.next()?, fields.next()?);
    Some(Reservation {
        request_id: RequestId::parse(request).ok()?,
        user_id: UserId::parse(user).ok()?,
        product_id: product.clone(),
        quantity: Quantity::new(quantity.parse().ok()?).ok()?,
        reserved_at: Timestamp::from_millis(reserved_at.parse().ok()?),
    })
}

impl StockGate for RedisStockGate {
    async fn reserve(
        &self,
        request: ReservationRequest,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let keys = self.redis.keys();
        let product = &request.product_id;
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        let reply: Vec<i64> = RESERVE
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .arg(now.as_millis())
            .arg(request.user_id.as_str())
            .arg(request.request_id.as_str())
            .arg(request.quantity.get())
            .invoke_async(&mut *connection)
            .await
            .map_err(failed)?;
        if reply.as_slice() == [-5] {
            return Err(StockGateError::UnknownProduct(request.product_id));
        }
        Ok(match refusal_of(&reply)? {
            Some(refusal) => Err(refusal),
            None => Ok(Reservation {
                request_id: request.request_id,
                user_id: request.user_id,
                product_id: request.product_id,
                quantity: request.quantity,
                reserved_at: now,
            }),
        })
    }

    async fn release(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        self.end(reservation, true).await
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        self.end(reservation, false).await
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        if reservations.is_empty() {
            return Ok(());
        }
        let mut by_product: BTreeMap<&ProductId, Vec<&str>> = BTreeMap::new();
        for reservation in reservations {
            by_product
                .entry(&reservation.product_id)
                .or_default()
                .push(reservation.request_id.as_str());
        }
        let keys = self.redis.keys();
        let mut pipe = redis::pipe();
        for (product, requests) in by_product {
            pipe.hdel(keys.in_flight(product), requests).ignore();
        }
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        pipe.query_async::<()>(&mut *connection)
            .await
            .map_err(failed)
    }

    async fn load(&self, snapshot: &StockSnapshot) -> Result<LoadOutcome, StockGateError> {
        let sale = &snapshot.sale;
        let product = sale.product_id();
        let keys = self.redis.keys();
        let mut invocation = LOAD.prepare_invoke();
        invocation
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .arg(sale.stock())
            .arg(snapshot.remaining)
            .arg(sale.window().starts_at().as_millis())
            .arg(sale.window().ends_at().as_millis())
            .arg(sale.per_user_limit().get());
        for (user, request, quantity) in &snapshot.buyers {
            invocation
                .arg(user.as_str())
                .arg(format!("{request}:{quantity}"));
        }
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        let loaded: i64 = invocation
            .invoke_async(&mut *connection)
            .await
            .map_err(failed)?;
        Ok(if loaded == 1 {
            LoadOutcome::Loaded
        } else {
            LoadOutcome::KeptLive
        })
    }

    async fn in_flight(&self, product: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        let records: Vec<(String, String)> = connection
            .hgetall(self.redis.keys().in_flight(product))
            .await
            .map_err(failed)?;
        let mut reservations = records
            .iter()
            .map(|(request, record)| {
                in_flight_record(product, request, record)
                    .ok_or_else(|| failed(format!("unreadable in-flight record {request}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        reservations.sort_by_key(|r| r.reserved_at);
        Ok(reservations)
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let keys = self.redis.keys();
        let mut pipe = redis::pipe();
        for product in products {
            pipe.hget(keys.sale(product), "remaining");
        }
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)?;
        let counts: Vec<Option<u32>> = pipe.query_async(&mut *connection).await.map_err(failed)?;
        Ok(counts)
    }
}

//! The Redis stock gate: one atomic Lua script per buy (the product's rate limits, the
//! domain's reservation rules, the reservation), and "sold out" answered from memory once seen.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use flashsale_application::ports::{
    GateLimits, LoadOutcome, ReserveOutcome, StockGate, StockGateError, StockSnapshot, Withdrawal,
};
use flashsale_domain::{
    Order, ProductId, Quantity, RatePolicy, Refusal, Release, RequestId, Reservation,
    ReservationRequest, RestockId, SaleWindow, Timestamp, UserId,
};
use futures_util::future::try_join_all;
use redis::AsyncCommands;

use crate::connection::{may_have_run, PooledConnection};
use crate::error::{command_failed, unreadable};
use crate::scripts::{
    ADD_UNITS, CLAIM, LOAD, PAUSE, RELEASE, REPAIR, RESERVE, RESTOCK, RETIRE, SETTLE, WINDOW,
};
use crate::sold_out::SoldOutMemo;
use crate::RedisPool;

#[cfg(test)]
mod tests;

/// The marker of a buyer barred from buying again (`lua/restock.lua`): no request, no units.
const BARRED_MARKER: &str = ":0";

/// How long a cancelled request stays marked: far longer than a request can be held in the
/// network (TCP gives up retransmitting after about 15 minutes).
const CANCEL_MARKER_TTL: Duration = Duration::from_secs(24 * 3600);

/// Reservations in Redis; one hash tag per product.
#[derive(Clone)]
pub struct RedisStockGate {
    redis: RedisPool,
    limits: GateLimits,
    sold_out: SoldOutMemo,
}

/// A policy as the script's two arguments: tokens per second (0: no limit) and burst.
fn policy_args(policy: Option<RatePolicy>) -> (f64, u32) {
    policy.map_or((0.0, 0), |p| (p.per_second(), p.burst()))
}

impl RedisStockGate {
    /// A gate over this pool, applying `limits` per product, answering "sold out" from memory
    /// for at most `sold_out_ttl` after the gate said so (zero: always ask Redis). Spawns the
    /// sold-out memo's listener on the current tokio runtime.
    pub fn new(redis: RedisPool, limits: GateLimits, sold_out_ttl: Duration) -> Self {
        let sold_out = SoldOutMemo::listen(
            redis.client(),
            redis.keys().stock_returned_channel(),
            sold_out_ttl,
        );
        Self {
            redis,
            limits,
            sold_out,
        }
    }

    /// A shared connection, or the gate's `Unavailable`.
    async fn connection(&self) -> Result<PooledConnection, StockGateError> {
        self.redis
            .connection()
            .await
            .map_err(StockGateError::Unavailable)
    }

    /// Ends a reservation once (`lua/release.lua`) in this mode; with `cancel`, also marks the
    /// request so that a later reserve for it takes nothing.
    async fn end(
        &self,
        reservation: &Reservation,
        mode: End,
        cancel: bool,
    ) -> Result<Ended, StockGateError> {
        let keys = self.redis.keys();
        let product = &reservation.product_id;
        let mut connection = self.connection().await?;
        let mut invocation = RELEASE.prepare_invoke();
        invocation
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .key(keys.withdrawn(product));
        if cancel {
            invocation.key(keys.cancelled(product, &reservation.request_id));
        }
        let ended: i64 = invocation
            .arg(reservation.user_id.as_str())
            .arg(reservation.request_id.as_str())
            .arg(mode.code())
            .arg(keys.stock_returned_channel())
            .arg(product.as_str())
            .arg(CANCEL_MARKER_TTL.as_millis().to_string())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running release.lua"))?;
        Ok(match ended {
            1 => Ended::Released,
            2 => Ended::Republished,
            _ => Ended::NotHeld,
        })
    }
}

/// What `lua/release.lua` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Released,
    NotHeld,
    /// A withdraw refused: reconciliation claimed the reservation for re-publishing.
    Republished,
}

impl Ended {
    fn release(self) -> Release {
        match self {
            Self::Released => Release::Released,
            Self::NotHeld | Self::Republished => Release::NotHeld,
        }
    }

    fn withdrawal(self) -> Withdrawal {
        match self {
            Self::Released => Withdrawal::Withdrawn,
            Self::NotHeld => Withdrawal::NotHeld,
            Self::Republished => Withdrawal::Republished,
        }
    }
}

/// How `lua/release.lua` ends a reservation.
#[derive(Debug, Clone, Copy)]
enum End {
    /// The units go back into stock.
    Release,
    /// The units go back and the reservation is remembered as withdrawn.
    Withdraw,
    /// The units do not come back.
    Discard,
}

impl End {
    fn code(self) -> &'static str {
        match self {
            Self::Release => "1",
            Self::Withdraw => "w",
            Self::Discard => "0",
        }
    }
}

/// A command's failure while doing `context`: `Unavailable`.
fn failed(context: &'static str) -> impl FnOnce(redis::RedisError) -> StockGateError {
    move |error| StockGateError::Unavailable(command_failed(context, error))
}

/// A reply or stored value the gate cannot read: `Unavailable`.
fn unreadable_reply(what: impl std::fmt::Display) -> StockGateError {
    StockGateError::Unavailable(unreadable(what))
}

/// A command's failure while doing `context`: `OutcomeUnknown` when the server may have run
/// it, else `Unavailable`.
fn lost_or_failed(context: &'static str) -> impl FnOnce(redis::RedisError) -> StockGateError {
    move |error| {
        if may_have_run(&error) {
            StockGateError::OutcomeUnknown(command_failed(context, error))
        } else {
            StockGateError::Unavailable(command_failed(context, error))
        }
    }
}

fn refusal_of(code: &[i64]) -> Result<Option<Refusal>, StockGateError> {
    Ok(match code {
        [1] => None,
        [0, ..] => Some(Refusal::SoldOut),
        [-1] => Some(Refusal::AlreadyPurchased),
        [-2] => Some(Refusal::NotStarted),
        [-3] => Some(Refusal::Ended),
        [-8] => Some(Refusal::Paused),
        [-4, limit] => {
            let limit = u32::try_from(*limit)
                .ok()
                .and_then(|l| Quantity::new(l).ok())
                .ok_or_else(|| {
                    unreadable_reply(format!("stored limit {limit} is not a quantity"))
                })?;
            Some(Refusal::AboveLimit { limit })
        }
        [-6, wait_ms] => Some(Refusal::RateLimited {
            retry_after: Duration::from_millis(u64::try_from(*wait_ms).unwrap_or(1).max(1)),
        }),
        other => {
            return Err(unreadable_reply(format!(
                "unexpected reserve reply {other:?}"
            )))
        }
    })
}

/// The reservation a retried request id already holds (`{2, quantity[, reserved_at_ms]}` from
/// `lua/reserve.lua`); without the in-flight record's instant (settled), `now` stands in.
fn replayed(
    request: ReservationRequest,
    held: i64,
    reserved_at: Option<i64>,
    now: Timestamp,
) -> Result<ReserveOutcome, StockGateError> {
    let quantity = u32::try_from(held)
        .ok()
        .and_then(|held| Quantity::new(held).ok())
        .ok_or_else(|| unreadable_reply(format!("stored quantity {held} is not a quantity")))?;
    Ok(Ok(Reservation {
        request_id: request.request_id,
        user_id: request.user_id,
        product_id: request.product_id,
        quantity,
        reserved_at: reserved_at.map_or(now, Timestamp::from_millis),
    }))
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
        client: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let product = &request.product_id;
        if self.sold_out.is_sold_out(product, now) {
            return Ok(Err(Refusal::SoldOut));
        }
        let epoch = self.sold_out.epoch();
        let keys = self.redis.keys();
        // A request whose address is unknown draws from no client bucket (as in memory).
        let (client_rate, client_burst) = policy_args(client.and(self.limits.per_client));
        let (buyer_rate, buyer_burst) = policy_args(self.limits.per_buyer);
        let mut connection = self.connection().await?;
        let reply: Vec<i64> = RESERVE
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .key(keys.client_bucket(product, client.as_ref()))
            .key(keys.buyer_bucket(product, &request.user_id))
            .key(keys.cancelled(product, &request.request_id))
            .arg(now.as_millis())
            .arg(request.user_id.as_str())
            .arg(request.request_id.as_str())
            .arg(request.quantity.get())
            .arg(client_rate)
            .arg(client_burst)
            .arg(buyer_rate)
            .arg(buyer_burst)
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running reserve.lua"))?;
        match reply.as_slice() {
            [-5] => return Err(StockGateError::UnknownProduct(request.product_id)),
            [2, held, rest @ ..] => return replayed(request, *held, rest.first().copied(), now),
            [-7] => return Err(StockGateError::Cancelled(request.request_id)),
            [0, ends_at, 0] => {
                self.sold_out
                    .remember(product, Timestamp::from_millis(*ends_at), epoch);
            }
            _ => {}
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

    async fn pending(
        &self,
        product: &ProductId,
        request: &RequestId,
    ) -> Result<Option<Reservation>, StockGateError> {
        let mut connection = self.connection().await?;
        let record: Option<String> = connection
            .hget(self.redis.keys().in_flight(product), request.as_str())
            .await
            .map_err(failed("reading an in-flight record"))?;
        record
            .map(|record| {
                in_flight_record(product, request.as_str(), &record).ok_or_else(|| {
                    unreadable_reply(format!("unreadable in-flight record {request}"))
                })
            })
            .transpose()
    }

    async fn holder(
        &self,
        product: &ProductId,
        user: &UserId,
    ) -> Result<Option<RequestId>, StockGateError> {
        let mut connection = self.connection().await?;
        let marker: Option<String> = connection
            .hget(self.redis.keys().buyers(product), user.as_str())
            .await
            .map_err(failed("reading a buyer's marker"))?;
        // The marker is `request:quantity`, as written by lua/reserve.lua and lua/load.lua, or
        // the barred marker, which names no request (lua/restock.lua).
        marker
            .filter(|marker| marker != BARRED_MARKER)
            .map(|marker| {
                marker
                    .split(':')
                    .next()
                    .and_then(|request| RequestId::parse(request).ok())
                    .ok_or_else(|| unreadable_reply(format!("unreadable buyer marker of {user}")))
            })
            .transpose()
    }

    async fn in_flight_count(&self, product: &ProductId) -> Result<u64, StockGateError> {
        let mut connection = self.connection().await?;
        connection
            .hlen(self.redis.keys().in_flight(product))
            .await
            .map_err(failed("counting the in-flight records"))
    }

    async fn release(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        Ok(self.end(reservation, End::Release, false).await?.release())
    }

    async fn withdraw(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        Ok(self
            .end(reservation, End::Withdraw, false)
            .await?
            .withdrawal())
    }

    async fn cancel(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        Ok(self
            .end(reservation, End::Withdraw, true)
            .await?
            .withdrawal())
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, StockGateError> {
        let mut connection = self.connection().await?;
        let held: i64 = PAUSE
            .prepare_invoke()
            .key(self.redis.keys().sale(product))
            .arg(if paused { "1" } else { "0" })
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running pause.lua"))?;
        Ok(held == 1)
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> Result<bool, StockGateError> {
        let keys = self.redis.keys();
        let mut connection = self.connection().await?;
        let held: i64 = WINDOW
            .prepare_invoke()
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .key(keys.withdrawn(product))
            .key(keys.restocks(product))
            .arg(window.starts_at().as_millis())
            .arg(window.ends_at().as_millis())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running window.lua"))?;
        Ok(held == 1)
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<bool, StockGateError> {
        let keys = self.redis.keys();
        let mut connection = self.connection().await?;
        let held: i64 = ADD_UNITS
            .prepare_invoke()
            .key(keys.sale(product))
            .key(keys.restocks(product))
            .arg(units)
            .arg(restock.as_str())
            .arg(keys.stock_returned_channel())
            .arg(product.as_str())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running add_units.lua"))?;
        Ok(held == 1)
    }

    async fn retire(
        &self,
        product: &ProductId,
        until: Timestamp,
        _now: Timestamp,
    ) -> Result<(), StockGateError> {
        let keys = self.redis.keys();
        let mut connection = self.connection().await?;
        let _: i64 = RETIRE
            .prepare_invoke()
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .key(keys.withdrawn(product))
            .key(keys.restocks(product))
            .arg(until.as_millis())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running retire.lua"))?;
        Ok(())
    }

    async fn claim_for_republish(&self, reservation: &Reservation) -> Result<bool, StockGateError> {
        let mut connection = self.connection().await?;
        let claimed: i64 = CLAIM
            .prepare_invoke()
            .key(self.redis.keys().in_flight(&reservation.product_id))
            .arg(reservation.request_id.as_str())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running claim.lua"))?;
        Ok(claimed == 1)
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        Ok(self.end(reservation, End::Discard, false).await?.release())
    }

    async fn restock(&self, order: &Order, may_buy_again: bool) -> Result<Release, StockGateError> {
        let keys = self.redis.keys();
        let product = &order.product_id;
        let mut connection = self.connection().await?;
        let returned: i64 = RESTOCK
            .prepare_invoke()
            .key(keys.sale(product))
            .key(keys.buyers(product))
            .key(keys.in_flight(product))
            .arg(order.user_id.as_str())
            .arg(order.request_id.as_str())
            .arg(if may_buy_again { "1" } else { "0" })
            .arg(keys.stock_returned_channel())
            .arg(product.as_str())
            .invoke_async(&mut *connection)
            .await
            .map_err(lost_or_failed("running restock.lua"))?;
        Ok(if returned == 1 {
            Release::Released
        } else {
            Release::NotHeld
        })
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        if reservations.is_empty() {
            return Ok(());
        }
        let mut by_product: BTreeMap<&ProductId, Vec<&Reservation>> = BTreeMap::new();
        for reservation in reservations {
            by_product
                .entry(&reservation.product_id)
                .or_default()
                .push(reservation);
        }
        let keys = self.redis.keys();
        let mut invocations = Vec::with_capacity(by_product.len());
        for (product, batch) in by_product {
            let mut invocation = SETTLE.prepare_invoke();
            invocation
                .key(keys.sale(product))
                .key(keys.buyers(product))
                .key(keys.in_flight(product))
                .key(keys.withdrawn(product));
            for reservation in batch {
                invocation
                    .arg(reservation.request_id.as_str())
                    .arg(reservation.user_id.as_str())
                    .arg(reservation.quantity.get());
            }
            invocations.push(invocation);
        }
        // One pipeline per product (a Redis Cluster refuses a pipeline across slots), each
        // loading the script first: a Redis that restarted has forgotten it.
        try_join_all(invocations.iter().map(|invocation| async move {
            let mut pipe = redis::pipe();
            pipe.load_script(&SETTLE).ignore();
            pipe.invoke_script(invocation).ignore();
            let mut connection = self.connection().await?;
            pipe.query_async::<()>(&mut *connection)
                .await
                .map_err(failed("running settle.lua"))
        }))
        .await
        .map(drop)
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
            .arg(sale.per_user_limit().get())
            .arg(keys.stock_returned_channel())
            .arg(product.as_str())
            .arg(if sale.is_paused() { "1" } else { "0" });
        for (user, request, quantity) in &snapshot.buyers {
            invocation
                .arg(user.as_str())
                .arg(format!("{request}:{quantity}"));
        }
        for user in &snapshot.barred {
            invocation.arg(user.as_str()).arg(BARRED_MARKER);
        }
        let mut connection = self.connection().await?;
        let loaded: i64 = invocation
            .invoke_async(&mut *connection)
            .await
            .map_err(failed("running load.lua"))?;
        Ok(if loaded == 1 {
            LoadOutcome::Loaded
        } else {
            LoadOutcome::KeptLive
        })
    }

    async fn in_flight(&self, product: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        let mut connection = self.connection().await?;
        let records: Vec<(String, String)> = connection
            .hgetall(self.redis.keys().in_flight(product))
            .await
            .map_err(failed("reading the in-flight records"))?;
        let mut reservations = records
            .iter()
            .map(|(request, record)| {
                in_flight_record(product, request, record).ok_or_else(|| {
                    unreadable_reply(format!("unreadable in-flight record {request}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        reservations.sort_by_key(|r| r.reserved_at);
        Ok(reservations)
    }

    async fn repair(
        &self,
        product: &ProductId,
        seen: u32,
        remaining: u32,
    ) -> Result<bool, StockGateError> {
        let keys = self.redis.keys();
        let mut connection = self.connection().await?;
        let repaired: i64 = REPAIR
            .key(keys.sale(product))
            .key(keys.in_flight(product))
            .arg(seen)
            .arg(remaining)
            .arg(keys.stock_returned_channel())
            .arg(product.as_str())
            .invoke_async(&mut *connection)
            .await
            .map_err(failed("running repair.lua"))?;
        Ok(repaired == 1)
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        // One read per product, all at once: each product's sale is in its own slot.
        let keys = self.redis.keys();
        try_join_all(products.iter().map(|product| async move {
            let mut connection = self.connection().await?;
            let count: Option<u32> = connection
                .hget(keys.sale(product), "remaining")
                .await
                .map_err(failed("reading the units left"))?;
            Ok(count)
        }))
        .await
    }
}

//! The invariant check every fault test ends with. It first waits for the sale to drain (no
//! reservation in flight at the stock gate, no accepted purchase still pending), then asserts,
//! against MariaDB, Redis and the API:
//!
//! - no oversell: units ordered ≤ the sale's stock, and the database's `remaining` is exactly
//!   stock − units ordered (so never negative);
//! - one order per user per product;
//! - no lost acceptance: every `202` ends `succeeded` with its order in MariaDB, or `failed`
//!   with a reason and no order, never `pending`, never unknown;
//! - refusals take nothing: a buyer whose only request was refused owns no order;
//! - an unknown outcome is settled: a `503 outcome-unknown` request ends with an order and its
//!   result `succeeded`, or with no order and its result `failed` or not found (`404`);
//! - stock conservation: drained, the gate's remaining stock (as `GET /api/v1/sales` lists it)
//!   equals the database's.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Duration;

use flashsale_application::ports::{GateLimits, StockGate};
use flashsale_domain::ProductId;
use flashsale_redis::{RedisConnectionKind, RedisPool, RedisSettings, RedisStockGate};
use serde_json::Value;
use sqlx::MySqlPool;
use tokio::time::Instant;

use super::stampede::{Buy, Outcome};
use super::{token, App};

/// Relaxations a test may claim, each a documented limit (see docs/guarantees.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Redis lost its data: results recorded before are gone (`404`), and reservations that were
    /// still queued are not in the gate's reloaded count, so the gate may offer more than the
    /// database holds. The database must still be exact.
    pub redis_lost_data: bool,
}

/// What the drained sale came to.
#[derive(Debug, Default)]
pub struct Summary {
    pub stock: i64,
    pub orders: i64,
    pub db_remaining: i64,
    pub gate_remaining: u64,
    pub accepted: usize,
    pub succeeded: usize,
    pub failed: HashMap<String, usize>,
    pub refused: HashMap<String, usize>,
    /// `503 outcome-unknown` answers, and how many of them became orders.
    pub undecided: usize,
    pub undecided_taken: usize,
    pub unknown: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stock {} | orders {} | remaining db {} gate {} | accepted {} (succeeded {}, failed {:?}) | refused {:?} | outcome-unknown {} (became orders {}) | unknown {}",
            self.stock,
            self.orders,
            self.db_remaining,
            self.gate_remaining,
            self.accepted,
            self.succeeded,
            self.failed,
            self.refused,
            self.undecided,
            self.undecided_taken,
            self.unknown
        )
    }
}

/// How long draining may take (a worker rejoining its group after a broker restart is slow).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(120);

struct OrderRow {
    request_id: String,
    order_id: String,
    user_id: String,
    quantity: i64,
}

/// Drains, then checks every invariant for `product`; panics naming the first one broken.
pub async fn assert_invariants(app: &App, product: &str, buys: &[Buy], limits: Limits) -> Summary {
    let results = drain(app, product, buys).await;
    let db = app.database().await;
    let (stock, db_remaining) = sale_row(&db, product).await;
    let orders = order_rows(&db, product).await;
    let mut summary = Summary {
        stock,
        db_remaining,
        orders: orders.len() as i64,
        ..Summary::default()
    };

    // No oversell; the database's count is exact.
    let ordered: i64 = orders.iter().map(|o| o.quantity).sum();
    assert!(
        ordered <= stock,
        "oversold: {ordered} units ordered of {stock}"
    );
    assert_eq!(
        db_remaining,
        stock - ordered,
        "database remaining is not stock - ordered"
    );
    // One order per user per product.
    let users: HashSet<&str> = orders.iter().map(|o| o.user_id.as_str()).collect();
    assert_eq!(users.len(), orders.len(), "a user holds two orders");

    let by_request: HashMap<&str, &OrderRow> =
        orders.iter().map(|o| (o.request_id.as_str(), o)).collect();
    let mut may_own = HashSet::new();
    for buy in buys {
        match &buy.outcome {
            Outcome::Accepted { request_id } => {
                summary.accepted += 1;
                may_own.insert(buy.user.as_str());
                let order = by_request.get(request_id.as_str());
                match results.get(request_id.as_str()) {
                    Some(Some(result)) if result["status"] == "succeeded" => {
                        let order = order.unwrap_or_else(|| {
                            panic!("{request_id} succeeded without an order: {result}")
                        });
                        assert_eq!(order.user_id, buy.user);
                        assert_eq!(result["orderId"], order.order_id.as_str());
                        summary.succeeded += 1;
                    }
                    Some(Some(result)) if result["status"] == "failed" => {
                        let reason = result["failure"].as_str().unwrap_or_default();
                        assert!(!reason.is_empty(), "failed without a reason: {result}");
                        assert!(order.is_none(), "{request_id} failed but has an order");
                        *summary.failed.entry(reason.to_owned()).or_default() += 1;
                    }
                    other => panic!("accepted {request_id} of {} ended as {other:?}", buy.user),
                }
            }
            Outcome::Undecided { request_id } => {
                summary.undecided += 1;
                let order = by_request.get(request_id.as_str());
                match results.get(request_id.as_str()) {
                    Some(Some(result)) if result["status"] == "succeeded" => {
                        let order = order.unwrap_or_else(|| {
                            panic!("{request_id} succeeded without an order: {result}")
                        });
                        assert_eq!(order.user_id, buy.user);
                        summary.undecided_taken += 1;
                        may_own.insert(buy.user.as_str());
                    }
                    Some(Some(result)) if result["status"] == "failed" => {
                        assert!(order.is_none(), "{request_id} failed but has an order");
                    }
                    Some(None) => {
                        assert!(
                            order.is_none(),
                            "{request_id} is not found but has an order"
                        );
                    }
                    other => panic!("undecided {request_id} of {} ended as {other:?}", buy.user),
                }
            }
            Outcome::Refused { status, kind } => {
                let kind = kind.rsplit(':').next().unwrap_or_default();
                *summary
                    .refused
                    .entry(format!("{status} {kind}"))
                    .or_default() += 1;
            }
            Outcome::Unknown { .. } => {
                summary.unknown += 1;
                may_own.insert(buy.user.as_str());
            }
        }
    }
    // Refusals take nothing: every order belongs to an accepted (or unanswered) request.
    for order in &orders {
        assert!(
            may_own.contains(order.user_id.as_str()),
            "{} owns order {} (request {}) though their request was refused: {:?}",
            order.user_id,
            order.order_id,
            order.request_id,
            buys.iter()
                .filter(|buy| buy.user == order.user_id)
                .map(|buy| &buy.outcome)
                .collect::<Vec<_>>()
        );
    }

    // Stock conservation: drained, the gate agrees with the database.
    summary.gate_remaining = app.listed_remaining(product).await;
    if limits.redis_lost_data {
        assert!(
            summary.gate_remaining as i64 >= db_remaining,
            "the gate offers less than the database holds: {summary}"
        );
    } else {
        assert_eq!(
            summary.gate_remaining as i64, db_remaining,
            "Redis and MariaDB disagree once drained: {summary}"
        );
    }
    eprintln!("invariants hold for {product}: {summary}");
    summary
}

/// Polls until nothing is in flight at the gate and no accepted or undecided purchase is
/// pending. Returns each such request's last result (`None`: the API does not know it).
async fn drain<'a>(app: &App, product: &str, buys: &'a [Buy]) -> HashMap<&'a str, Option<Value>> {
    let gate = gate(app).await;
    let product_id = ProductId::parse(product).unwrap();
    let deadline = Instant::now() + DRAIN_TIMEOUT;
    loop {
        let mut results = HashMap::new();
        let mut pending = 0;
        for buy in buys {
            if let Outcome::Accepted { request_id } | Outcome::Undecided { request_id } =
                &buy.outcome
            {
                let result = result_of(app, &buy.user, request_id).await;
                if result.as_ref().is_some_and(|r| r["status"] == "pending") {
                    pending += 1;
                }
                results.insert(request_id.as_str(), result);
            }
        }
        let in_flight = gate.in_flight(&product_id).await.map(|r| r.len());
        if pending == 0 && in_flight == Ok(0) {
            return results;
        }
        assert!(
            Instant::now() < deadline,
            "not drained after {DRAIN_TIMEOUT:?}: {pending} pending, in flight {in_flight:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The buyer's view of a request: the result body, or `None` on `404`.
pub async fn result_of(app: &App, user: &str, request_id: &str) -> Option<Value> {
    let response = app
        .client
        .get(format!("{}/api/v1/purchases/{request_id}", app.base))
        .bearer_auth(token(user))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    match response.status().as_u16() {
        200 => Some(response.json().await.unwrap()),
        404 => None,
        other => panic!(
            "result of {request_id}: {other} {:?}",
            response.text().await
        ),
    }
}

/// The app's stock gate, read directly (the API does not list reservations in flight).
pub async fn gate(app: &App) -> RedisStockGate {
    let pool = RedisPool::connect(&RedisSettings {
        pool_size: 2,
        connection_timeout: Duration::from_secs(5),
        connection: RedisConnectionKind::default(),
        ..flashsale::production::redis_settings(&app.settings)
    })
    .await
    .unwrap();
    RedisStockGate::new(pool, GateLimits::default(), Duration::ZERO)
}

async fn sale_row(db: &MySqlPool, product: &str) -> (i64, i64) {
    sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(stock AS SIGNED), CAST(remaining AS SIGNED) FROM sales WHERE product_id = ?",
    )
    .bind(product)
    .fetch_one(db)
    .await
    .unwrap()
}

async fn order_rows(db: &MySqlPool, product: &str) -> Vec<OrderRow> {
    sqlx::query_as::<_, (Vec<u8>, Vec<u8>, Vec<u8>, i64)>(
        "SELECT request_id, order_id, user_id, CAST(quantity AS SIGNED) FROM orders \
         WHERE product_id = ?",
    )
    .bind(product)
    .fetch_all(db)
    .await
    .unwrap()
    .into_iter()
    .map(|(request_id, order_id, user_id, quantity)| OrderRow {
        request_id: String::from_utf8(request_id).unwrap(),
        order_id: String::from_utf8(order_id).unwrap(),
        user_id: String::from_utf8(user_id).unwrap(),
        quantity,
    })
    .collect()
}

//! After the load: wait until every accepted order reached the system of record, then check
//! the sale's invariants per product and every accepted purchase's result.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::mysql::MySqlPool;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::client::Client;
use crate::config::RunConfig;
use crate::driver::{AcceptedBuy, Driven};
use crate::setup::Target;
use crate::LoadError;

/// How often the drain is polled.
const POLL: Duration = Duration::from_millis(100);
/// Result polls in flight at once.
const RESULT_CONCURRENCY: usize = 64;
/// Polls of one result before it counts as stuck in `pending`.
const RESULT_TRIES: u32 = 100;
/// Violations listed in full; the rest are counted.
const MAX_LISTED: usize = 50;

/// One product's counts after the drain.
#[derive(Debug, Clone, Serialize)]
pub struct ProductCheck {
    /// The product.
    pub product: String,
    /// Where the store counts come from: `mariadb` or `audit-endpoint`.
    pub source: &'static str,
    /// Units on sale.
    pub stock: u32,
    /// Units left in the system of record.
    pub remaining: u32,
    /// Orders in the system of record.
    pub orders: u64,
    /// Units of those orders.
    pub units_ordered: u64,
    /// Distinct buyers among them.
    pub distinct_buyers: u64,
    /// Most orders of one buyer.
    pub max_orders_per_buyer: u64,
    /// Distinct buyers whose buy was accepted.
    pub accepted_buyers: u64,
    /// Distinct buyers told `503 outcome-unknown` whose purchase then succeeded: they own a
    /// unit as well.
    pub undecided_owners: u64,
    /// Units the stock gate (Redis) still offers.
    pub gate_remaining: Option<u32>,
    /// Reservations still in flight at the gate.
    pub in_flight: u64,
}

/// How the drain went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Drain {
    /// Orders in the system of record when the load ended.
    pub orders_at_load_end: u64,
    /// Orders expected: accepted buys.
    pub expected: u64,
    /// Whether every accepted order arrived within the drain timeout.
    pub drained: bool,
    /// Seconds from the end of the load until the last order arrived.
    pub seconds_after_load: f64,
    /// Orders per second persisted while the backlog drained (0 when there was none).
    pub orders_per_second: f64,
}

/// What polling the accepted (or undecided) purchases found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// Results polled.
    pub checked: u64,
    /// `succeeded`.
    pub succeeded: u64,
    /// `failed`.
    pub failed: u64,
    /// Still `pending` after every try.
    pub pending: u64,
    /// Polls that got no usable answer.
    pub errors: u64,
}

/// The verdict of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Invariants {
    /// Whether every invariant held.
    pub passed: bool,
    /// What broke, at most 50 listed.
    pub violations: Vec<String>,
    /// Violations in total.
    pub violation_count: usize,
    /// Per product.
    pub products: Vec<ProductCheck>,
    /// The drain.
    pub drain: Drain,
    /// The accepted purchases' results.
    pub results: Results,
    /// The results of the buys told `503 outcome-unknown`: each must settle, `succeeded` (with
    /// an order) or `failed` (without).
    pub undecided: Results,
}

#[derive(Default)]
struct Violations(Vec<String>, usize);

impl Violations {
    fn add(&mut self, violation: String) {
        self.1 += 1;
        if self.0.len() < MAX_LISTED {
            self.0.push(violation);
        }
    }
}

/// Waits for the drain, then checks everything.
///
/// # Errors
/// [`LoadError`] when the audit endpoint or the database cannot be read.
pub async fn verify(
    config: &RunConfig,
    client: &Client,
    target: &Arc<Target>,
    driven: &Driven,
) -> Result<Invariants, LoadError> {
    let mut violations = Violations::default();
    let mut buyers: Vec<HashSet<u32>> = vec![HashSet::new(); target.products.len()];
    for buy in &driven.accepted {
        if let Some(set) = buyers.get_mut(buy.product as usize) {
            if !set.insert(buy.user) {
                violations.add(format!(
                    "user {} was accepted twice for {}",
                    target.users[buy.user as usize].id, target.products[buy.product as usize]
                ));
            }
        }
    }
    let pool = match &config.mysql_url {
        Some(url) => Some(MySqlPool::connect(url).await?),
        None => None,
    };
    let source = Source {
        client,
        target,
        pool: pool.as_ref(),
        run_id: &config.run_id,
    };
    let expected = driven.accepted.len() as u64;
    let drain = wait_for_drain(&source, expected, config.drain_timeout).await?;
    if !drain.drained {
        violations.add(format!(
            "only some accepted orders reached the system of record within {:?} (expected {expected})",
            config.drain_timeout
        ));
    }

    // A buy told "outcome unknown" settles once its message is stored or the reconciler
    // releases its reservation: wait for that, then for the orders of those that succeeded.
    let settled = poll_results(client, target, &driven.undecided, settle_tries(config)).await;
    let undecided = summarize(&settled);
    if undecided.pending + undecided.errors > 0 {
        violations.add(format!(
            "{} of {} buys told outcome-unknown did not settle within {:?} ({} unreadable)",
            undecided.pending + undecided.errors,
            undecided.checked,
            config.drain_timeout,
            undecided.errors
        ));
    }
    let mut owners: Vec<HashSet<u32>> = vec![HashSet::new(); target.products.len()];
    for (buy, status) in driven.undecided.iter().zip(&settled) {
        if status.as_deref() == Some("succeeded") {
            if let Some(set) = owners.get_mut(buy.product as usize) {
                set.insert(buy.user);
            }
        }
    }
    if undecided.succeeded > 0 {
        wait_for_drain(
            &source,
            expected + undecided.succeeded,
            config.drain_timeout,
        )
        .await?;
    }

    let mut products = Vec::with_capacity(target.products.len());
    for (index, product) in target.products.iter().enumerate() {
        let accepted = buyers[index].len() as u64;
        let mut check = source.check(product, accepted).await?;
        check.undecided_owners = owners[index].len() as u64;
        product_invariants(&check, &mut violations);
        products.push(check);
    }
    let results = if config.check_results {
        summarize(&poll_results(client, target, &driven.accepted, RESULT_TRIES).await)
    } else {
        Results::default()
    };
    if results.succeeded != results.checked {
        violations.add(format!(
            "{} of {} accepted purchases did not succeed ({} failed, {} pending, {} unreadable)",
            results.checked - results.succeeded,
            results.checked,
            results.failed,
            results.pending,
            results.errors
        ));
    }
    if let Some(pool) = pool {
        pool.close().await;
    }
    Ok(Invariants {
        passed: violations.1 == 0,
        violation_count: violations.1,
        violations: violations.0,
        products,
        drain,
        results,
        undecided,
    })
}

fn product_invariants(c: &ProductCheck, violations: &mut Violations) {
    let p = &c.product;
    if c.orders > u64::from(c.stock) {
        violations.add(format!(
            "{p}: {} orders for a stock of {}",
            c.orders, c.stock
        ));
    }
    let owners = c.accepted_buyers + c.undecided_owners;
    let expected = owners.min(u64::from(c.stock));
    if c.orders != expected {
        let undecided = if c.undecided_owners > 0 {
            format!(
                " + {} told outcome-unknown whose purchase succeeded",
                c.undecided_owners
            )
        } else {
            String::new()
        };
        violations.add(format!(
            "{p}: {} orders, but min(stock {}, accepted buyers {}{undecided}) = {expected}",
            c.orders, c.stock, c.accepted_buyers
        ));
    }
    if c.distinct_buyers != c.orders || c.max_orders_per_buyer > 1 {
        violations.add(format!(
            "{p}: a user holds {} orders ({} orders, {} distinct buyers)",
            c.max_orders_per_buyer, c.orders, c.distinct_buyers
        ));
    }
    if u64::from(c.remaining) + c.units_ordered != u64::from(c.stock) {
        violations.add(format!(
            "{p}: remaining {} + ordered {} != stock {}",
            c.remaining, c.units_ordered, c.stock
        ));
    }
    if c.gate_remaining != Some(c.remaining) {
        violations.add(format!(
            "{p}: the stock gate holds {:?} units, the system of record {}",
            c.gate_remaining, c.remaining
        ));
    }
    if c.in_flight != 0 {
        violations.add(format!("{p}: {} reservations still in flight", c.in_flight));
    }
}

/// Where counts are read: the audit endpoint, and MariaDB when a URL is given.
struct Source<'a> {
    client: &'a Client,
    target: &'a Arc<Target>,
    pool: Option<&'a MySqlPool>,
    run_id: &'a str,
}

impl Source<'_> {
    async fn audit(&self, product: &str) -> Result<serde_json::Value, LoadError> {
        self.client
            .get_json(
                &format!("/api/v1/admin/sales/{product}/audit"),
                &self.target.admin,
                "auditing a product",
            )
            .await
    }

    /// Orders of the run's products in the system of record.
    async fn orders(&self) -> Result<u64, LoadError> {
        if let Some(pool) = self.pool {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM orders WHERE product_id LIKE CONCAT(?, '-p%')",
            )
            .bind(self.run_id)
            .fetch_one(pool)
            .await?;
            return Ok(u64::try_from(count).unwrap_or(0));
        }
        let mut total = 0;
        for product in &self.target.products {
            total += self.audit(product).await?["orders"].as_u64().unwrap_or(0);
        }
        Ok(total)
    }

    async fn check(&self, product: &str, accepted_buyers: u64) -> Result<ProductCheck, LoadError> {
        let audit = self.audit(product).await?;
        let number = |key: &str| audit[key].as_u64().unwrap_or(0);
        let mut check = ProductCheck {
            product: product.to_owned(),
            source: "audit-endpoint",
            stock: u32::try_from(number("stock")).unwrap_or(u32::MAX),
            remaining: u32::try_from(number("remaining")).unwrap_or(u32::MAX),
            orders: number("orders"),
            units_ordered: number("unitsOrdered"),
            distinct_buyers: number("distinctBuyers"),
            max_orders_per_buyer: number("maxOrdersPerBuyer"),
            accepted_buyers,
            undecided_owners: 0,
            gate_remaining: audit["gateRemaining"]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok()),
            in_flight: number("inFlight"),
        };
        if let Some(pool) = self.pool {
            let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                "SELECT CAST(s.stock AS SIGNED), CAST(s.remaining AS SIGNED), \
                   (SELECT COUNT(*) FROM orders o WHERE o.product_id = s.product_id), \
                   (SELECT CAST(COALESCE(SUM(o.quantity), 0) AS SIGNED) FROM orders o \
                      WHERE o.product_id = s.product_id), \
                   (SELECT COUNT(DISTINCT o.user_id) FROM orders o \
                      WHERE o.product_id = s.product_id), \
                   (SELECT CAST(COALESCE(MAX(n), 0) AS SIGNED) FROM (SELECT COUNT(*) AS n \
                      FROM orders o WHERE o.product_id = ? GROUP BY o.user_id) AS b) \
                 FROM sales s WHERE s.product_id = ?",
            )
            .bind(product)
            .bind(product)
            .fetch_one(pool)
            .await?;
            let n = |v: i64| u64::try_from(v).unwrap_or(0);
            check.source = "mariadb";
            check.stock = u32::try_from(row.0).unwrap_or(u32::MAX);
            check.remaining = u32::try_from(row.1).unwrap_or(u32::MAX);
            check.orders = n(row.2);
            check.units_ordered = n(row.3);
            check.distinct_buyers = n(row.4);
            check.max_orders_per_buyer = n(row.5);
        }
        Ok(check)
    }
}

async fn wait_for_drain(
    source: &Source<'_>,
    expected: u64,
    timeout: Duration,
) -> Result<Drain, LoadError> {
    let start = Instant::now();
    let at_end = source.orders().await?;
    let mut drain = Drain {
        orders_at_load_end: at_end,
        expected,
        ..Drain::default()
    };
    // The last moment the count had not moved since the load ended: where draining began.
    let (mut began_at, mut began_with) = (Duration::ZERO, at_end);
    let mut orders = at_end;
    while orders < expected && start.elapsed() < timeout {
        tokio::time::sleep(POLL).await;
        let now = start.elapsed();
        let next = source.orders().await?;
        if next == at_end {
            (began_at, began_with) = (now, next);
        }
        orders = next;
    }
    let done = start.elapsed();
    drain.drained = orders >= expected;
    drain.seconds_after_load = if at_end >= expected {
        0.0
    } else {
        done.as_secs_f64()
    };
    let span = (done - began_at).as_secs_f64();
    if orders > began_with && span > 0.0 {
        drain.orders_per_second = (orders - began_with) as f64 / span;
    }
    Ok(drain)
}

/// Polls of an undecided buy's result: as long as the drain may take.
fn settle_tries(config: &RunConfig) -> u32 {
    u32::try_from(config.drain_timeout.as_millis() / POLL.as_millis().max(1)).unwrap_or(u32::MAX)
}

/// Each buy's result status, in the order of `buys` (`None`: no usable answer).
async fn poll_results(
    client: &Client,
    target: &Arc<Target>,
    buys: &[AcceptedBuy],
    tries: u32,
) -> Vec<Option<String>> {
    let permits = Arc::new(Semaphore::new(RESULT_CONCURRENCY));
    let mut polls = JoinSet::new();
    for (index, buy) in buys.iter().enumerate() {
        let (client, target, permits) = (client.clone(), target.clone(), permits.clone());
        let buy = buy.clone();
        polls.spawn(async move {
            let _permit = permits.acquire().await;
            (index, result_of(&client, &target, &buy, tries).await)
        });
    }
    let mut statuses = vec![None; buys.len()];
    while let Some(polled) = polls.join_next().await {
        if let Ok((index, status)) = polled {
            statuses[index] = status;
        }
    }
    statuses
}

fn summarize(statuses: &[Option<String>]) -> Results {
    let mut results = Results::default();
    for status in statuses {
        results.checked += 1;
        match status.as_deref() {
            Some("succeeded") => results.succeeded += 1,
            Some("failed") => results.failed += 1,
            Some(_) => results.pending += 1,
            None => results.errors += 1,
        }
    }
    results
}

/// The purchase's status once it left `pending` (or `pending` after `tries` polls).
async fn result_of(
    client: &Client,
    target: &Target,
    buy: &AcceptedBuy,
    tries: u32,
) -> Option<String> {
    let user = target.users.get(buy.user as usize)?;
    let path = format!("/api/v1/purchases/{}", buy.request_id);
    for _ in 0..tries {
        let body = client
            .get_json(&path, &user.bearer, "polling a result")
            .await
            .ok()?;
        let status = body["status"].as_str()?.to_owned();
        if status != "pending" {
            return Some(status);
        }
        tokio::time::sleep(POLL).await;
    }
    Some("pending".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> ProductCheck {
        ProductCheck {
            product: "p".into(),
            source: "mariadb",
            stock: 50,
            remaining: 0,
            orders: 50,
            units_ordered: 50,
            distinct_buyers: 50,
            max_orders_per_buyer: 1,
            accepted_buyers: 50,
            undecided_owners: 0,
            gate_remaining: Some(0),
            in_flight: 0,
        }
    }

    #[test]
    fn buyers_told_outcome_unknown_whose_purchase_succeeded_own_their_orders() {
        let some_undecided = ProductCheck {
            accepted_buyers: 47,
            undecided_owners: 3,
            ..healthy()
        };
        assert!(violations_of(&some_undecided).is_empty());
        let unowned = ProductCheck {
            stock: 60,
            remaining: 10,
            accepted_buyers: 47,
            undecided_owners: 1,
            gate_remaining: Some(10),
            ..healthy()
        };
        let found = violations_of(&unowned);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("+ 1 told outcome-unknown"), "{found:?}");
    }

    fn violations_of(check: &ProductCheck) -> Vec<String> {
        let mut violations = Violations::default();
        product_invariants(check, &mut violations);
        violations.0
    }

    #[test]
    fn a_healthy_product_passes() {
        assert!(violations_of(&healthy()).is_empty());
    }

    #[test]
    fn every_broken_invariant_is_reported() {
        let oversold = ProductCheck {
            orders: 51,
            units_ordered: 51,
            distinct_buyers: 51,
            ..healthy()
        };
        assert!(violations_of(&oversold)[0].contains("51 orders for a stock of 50"));
        let lost = ProductCheck {
            orders: 49,
            units_ordered: 49,
            distinct_buyers: 49,
            remaining: 1,
            gate_remaining: Some(1),
            ..healthy()
        };
        assert!(violations_of(&lost)[0].contains("min(stock 50, accepted buyers 50)"));
        let twice = ProductCheck {
            distinct_buyers: 49,
            max_orders_per_buyer: 2,
            ..healthy()
        };
        assert!(violations_of(&twice)[0].contains("a user holds 2 orders"));
        let drifted = ProductCheck {
            gate_remaining: Some(3),
            ..healthy()
        };
        assert!(violations_of(&drifted)[0].contains("stock gate holds"));
        let stuck = ProductCheck {
            in_flight: 2,
            ..healthy()
        };
        assert!(violations_of(&stuck)[0].contains("in flight"));
    }
}

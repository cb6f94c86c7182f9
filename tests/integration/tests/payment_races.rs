//! Payments racing expiry against real MariaDB, Redis and Kafka, through HTTP: a thousand
//! orders each paid at about the instant its deadline passes, while the expiry worker runs,
//! end in exactly one of `paid` or `expired`, and only the expired units come back, once; and a
//! sale of 100 whose 30 winners never pay sells those 30 units to other buyers, ending with 100
//! paid orders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::payments::{assert_conserved, confirm_payment};
use common::{address_of, admin_token, count, settings, start, App};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::MySqlPool;
use tokio::sync::Semaphore;
use tokio::time::Instant;

const ORDERS_OF: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ?";
const PAID: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ? AND status = 'paid'";
const EXPIRED: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ? AND status = 'expired'";
const PENDING: &str =
    "SELECT COUNT(*) FROM orders WHERE product_id = ? AND status = 'pending_payment'";
const DB_REMAINING: &str = "SELECT CAST(remaining AS SIGNED) FROM sales WHERE product_id = ?";
const MAX_LIVE_PER_BUYER: &str = "SELECT CAST(COALESCE(MAX(n), 0) AS SIGNED) FROM \
    (SELECT COUNT(*) AS n FROM orders WHERE product_id = ? \
     AND status IN ('pending_payment', 'paid') GROUP BY user_id) AS per_buyer";

/// Requests in flight at once.
const CONCURRENCY: usize = 32;

async fn create_sale(app: &App, product: &str, stock: u32, payment_window_secs: u32) {
    let now = chrono::Utc::now();
    let response = app
        .client
        .post(format!("{}/api/v1/admin/sales", app.base))
        .bearer_auth(admin_token())
        .json(&json!({
            "productId": product, "name": product, "stock": stock,
            "startsAt": (now - chrono::Duration::seconds(60)).to_rfc3339(),
            "endsAt": (now + chrono::Duration::seconds(3_600)).to_rfc3339(),
            "paymentWindowSecs": payment_window_secs,
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// Buyers `<prefix>-<n>` for `n` in `range` each buy one unit of `product`, `CONCURRENCY` at a
/// time; how many got `202`.
async fn buy_all(
    app: &Arc<App>,
    product: &str,
    prefix: &str,
    range: std::ops::Range<usize>,
) -> usize {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let buys = range.map(|n| {
        let (app, permits) = (app.clone(), permits.clone());
        let (product, user) = (product.to_owned(), format!("{prefix}-{n}"));
        async move {
            let _permit = permits.acquire().await.unwrap();
            let answer = app.buy_from(&product, &user, &address_of(n)).await;
            answer.status == StatusCode::ACCEPTED
        }
    });
    join_all(buys).await.into_iter().filter(|&ok| ok).count()
}

/// Waits (at most a minute) until `sql` for `product` counts at least `at_least`.
async fn await_count(db: &MySqlPool, sql: &str, product: &str, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(db, sql, product).await < at_least {
        assert!(Instant::now() < deadline, "{sql} stayed below {at_least}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (at most a minute) until no order of `product` is pending payment.
async fn await_none_pending(db: &MySqlPool, product: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(db, PENDING, product).await > 0 {
        assert!(
            Instant::now() < deadline,
            "orders stayed pending past their deadline"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every order of `product`: (order id, buyer, deadline in ms), earliest deadline first.
async fn orders_of(db: &MySqlPool, product: &str) -> Vec<(String, String, i64)> {
    sqlx::query_as::<_, (String, String, i64)>(
        "SELECT CAST(order_id AS CHAR), CAST(user_id AS CHAR), payment_deadline_ms FROM orders \
         WHERE product_id = ? ORDER BY payment_deadline_ms",
    )
    .bind(product)
    .fetch_all(db)
    .await
    .unwrap()
}

/// Pays every order in `orders` (payment id `pay-<order>`), `CONCURRENCY` at a time, each no
/// earlier than `lead` before its deadline; how many were answered `200` and `409`.
async fn pay_all(
    app: &Arc<App>,
    orders: &[(String, String, i64)],
    lead: Duration,
) -> (usize, usize) {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let payments = orders.iter().map(|(order_id, _, deadline_ms)| {
        let (app, permits) = (app.clone(), permits.clone());
        let order_id = order_id.clone();
        let due = *deadline_ms - i64::try_from(lead.as_millis()).unwrap();
        async move {
            let wait = due - chrono::Utc::now().timestamp_millis();
            if wait > 0 {
                tokio::time::sleep(Duration::from_millis(wait.unsigned_abs())).await;
            }
            let _permit = permits.acquire().await.unwrap();
            let (status, body) =
                confirm_payment(&app, &order_id, &format!("pay-{order_id}"), 0).await;
            match status {
                StatusCode::OK => (1, 0),
                StatusCode::CONFLICT => {
                    assert_eq!(
                        body["type"], "urn:flashsale:problem:order-not-payable",
                        "{body}"
                    );
                    (0, 1)
                }
                other => panic!("payment of {order_id}: {other} {body}"),
            }
        }
    });
    join_all(payments)
        .await
        .into_iter()
        .fold((0, 0), |(paid, refused), (p, r)| (paid + p, refused + r))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_orders_paid_as_they_expire_end_in_exactly_one_state_and_return_expired_units_once(
) {
    let stack = flashsale_test_support::require_stack!();
    let mut settings = settings(stack).await;
    settings.orders.expiry_interval_ms = 50;
    let app = Arc::new(start(settings).await);
    create_sale(&app, "race", 1_000, 4).await;
    assert_eq!(buy_all(&app, "race", "racer", 0..1_000).await, 1_000);
    let db = app.database().await;
    await_count(&db, ORDERS_OF, "race", 1_000).await;

    // Each payment is due 400 ms before its order's deadline and sent 32 at a time, so many run
    // late: some land just before their deadline, some just after, while the expiry worker
    // expires every order whose deadline passed (how many of each depends on the machine's
    // speed; each order must end in exactly one state either way).
    let orders = orders_of(&db, "race").await;
    let (answered_paid, answered_refused) =
        pay_all(&app, &orders, Duration::from_millis(400)).await;
    await_none_pending(&db, "race").await;

    let (paid, expired) = (
        count(&db, PAID, "race").await,
        count(&db, EXPIRED, "race").await,
    );
    eprintln!("{paid} paid, {expired} expired of 1000 (answers: {answered_paid} paid, {answered_refused} refused)");
    assert_eq!(paid + expired, 1_000, "every order ends paid or expired");
    assert_eq!(
        paid,
        i64::try_from(answered_paid).unwrap(),
        "a 200 is a paid order"
    );
    assert_eq!(
        expired,
        i64::try_from(answered_refused).unwrap(),
        "a 409 is an expired order"
    );
    assert_eq!(
        count(&db, DB_REMAINING, "race").await,
        expired,
        "each expired unit came back once, no paid one"
    );
    assert_conserved(&app, "race", 1_000).await;
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_winners_who_never_pay_give_their_units_to_other_buyers() {
    let stack = flashsale_test_support::require_stack!();
    let mut settings = settings(stack).await;
    settings.orders.expiry_interval_ms = 100;
    let app = Arc::new(start(settings).await);
    create_sale(&app, "hundred", 100, 2).await;
    assert_eq!(buy_all(&app, "hundred", "first", 0..100).await, 100);
    let db = app.database().await;
    await_count(&db, ORDERS_OF, "hundred", 100).await;

    // 70 winners pay at once; 30 never do.
    let orders = orders_of(&db, "hundred").await;
    let payers: Vec<_> = orders
        .iter()
        .filter(|(_, user, _)| user.trim_start_matches("first-").parse::<usize>().unwrap() < 70)
        .cloned()
        .collect();
    let (paid, refused) = pay_all(&app, &payers, Duration::from_secs(60)).await;
    assert_eq!((paid, refused), (70, 0));
    await_count(&db, EXPIRED, "hundred", 30).await;

    // The 30 units sell again, to 30 of 40 new buyers; they pay.
    let late = buy_all(&app, "hundred", "late", 100..140).await;
    assert_eq!(late, 30, "exactly the units that came back");
    await_count(&db, ORDERS_OF, "hundred", 130).await;
    let second: Vec<_> = orders_of(&db, "hundred")
        .await
        .into_iter()
        .filter(|(_, user, _)| user.starts_with("late-"))
        .collect();
    assert_eq!(
        pay_all(&app, &second, Duration::from_secs(60)).await,
        (30, 0)
    );

    assert_eq!(count(&db, PAID, "hundred").await, 100);
    assert_eq!(count(&db, EXPIRED, "hundred").await, 30);
    assert_eq!(count(&db, DB_REMAINING, "hundred").await, 0, "no oversell");
    assert_eq!(count(&db, MAX_LIVE_PER_BUYER, "hundred").await, 1);
    let audit = assert_conserved(&app, "hundred", 100).await;
    assert_eq!(audit["unitsPaid"], 100, "{audit}");
    let refused = app.buy_from("hundred", "late-999", &address_of(999)).await;
    assert_eq!(refused.body["type"], "urn:flashsale:problem:sold-out");
    Arc::into_inner(app).expect("no other owner").stop().await;
}

//! Orders against real MariaDB, Redis and Kafka, through HTTP: a cancelled or expired unit goes
//! back to the database and the stock gate exactly once and sells again; the payment provider's
//! signed webhook pays an order once per payment id and refuses what it cannot take; stock is
//! conserved: gate remaining + in flight + pending payment + paid = stock, with no oversell and
//! one live order per buyer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::payments::{assert_conserved, confirm_payment};
use common::{address_of, admin_token, count, settings, start, token, App};
use flashsale_http::{sign_webhook, WebhookSecret};
use flashsale_test_support::require_stack;
use reqwest::StatusCode;
use serde_json::{json, Value};

const LIVE_ORDERS: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ? \
                           AND status IN ('pending_payment', 'paid')";
const MAX_LIVE_PER_BUYER: &str = "SELECT CAST(COALESCE(MAX(n), 0) AS SIGNED) FROM \
    (SELECT COUNT(*) AS n FROM orders WHERE product_id = ? \
     AND status IN ('pending_payment', 'paid') GROUP BY user_id) AS per_buyer";
const DB_REMAINING: &str = "SELECT CAST(remaining AS SIGNED) FROM sales WHERE product_id = ?";

const PAYMENT_OF: &str = "SELECT CAST(COUNT(*) AS SIGNED) FROM orders WHERE payment_id = ?";

const EXPIRED_ORDERS: &str =
    "SELECT COUNT(*) FROM orders WHERE product_id = ? AND status = 'expired'";

/// Three buyers `<wave>-<n>` each win a unit of `expiring`: (buyer, order id).
async fn buy_wave(app: &App, wave: &str, first: usize) -> Vec<(String, String)> {
    let mut orders = Vec::new();
    for n in first..first + 3 {
        let user = format!("{wave}-{n}");
        let id = order_of(app, "expiring", &user, n).await;
        orders.push((user, id));
    }
    orders
}

/// Waits (at most 10 s each) until the expiry worker expired every order.
async fn await_expired(app: &App, orders: &[(String, String)]) {
    for (user, id) in orders {
        let mut status = Value::Null;
        for _ in 0..200 {
            status = order(app, user, id).await["status"].clone();
            if status == "expired" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(status, "expired", "{user}'s order");
    }
}

/// Buys as `user` and waits for the purchase to succeed; the order's id.
async fn order_of(app: &App, product: &str, user: &str, n: usize) -> String {
    let answer = app.buy_from(product, user, &address_of(n)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    let request_id = answer.body["requestId"].as_str().unwrap().to_owned();
    let result = app.settled(user, &request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result["orderId"].as_str().unwrap().to_owned()
}

async fn order(app: &App, user: &str, order_id: &str) -> Value {
    app.client
        .get(format!("{}/api/v1/orders/{order_id}", app.base))
        .bearer_auth(token(user))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json")
}

async fn cancel(app: &App, user: &str, order_id: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/orders/{order_id}/cancel", app.base))
        .bearer_auth(token(user))
        .send()
        .await
        .expect("answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_unit_goes_back_once_and_sells_again_to_another_buyer() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("cancel", 2, -60, 3_600).await;
    let alices = order_of(&app, "cancel", "alice", 1).await;
    order_of(&app, "cancel", "bob", 2).await;
    let late = app.buy_from("cancel", "carol", &address_of(3)).await;
    assert_eq!(late.body["type"], "urn:flashsale:problem:sold-out");
    let pending = order(&app, "alice", &alices).await;
    assert_eq!(pending["status"], "pending_payment", "{pending}");

    // Ten cancels at once: all answer the cancelled order, the unit comes back once.
    let cancels: Vec<_> = (0..10)
        .map(|_| {
            let (app, id) = (app.clone(), alices.clone());
            tokio::spawn(async move { cancel(&app, "alice", &id).await })
        })
        .collect();
    for answer in cancels {
        let (status, body) = answer.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "cancelled", "{body}");
    }
    let db = app.database().await;
    assert_eq!(count(&db, DB_REMAINING, "cancel").await, 1, "returned once");
    assert_conserved(&app, "cancel", 2).await;

    // The unit sells again, once, and not to the buyer who cancelled.
    let again = app.buy_from("cancel", "alice", &address_of(1)).await;
    assert_eq!(
        again.body["type"],
        "urn:flashsale:problem:already-purchased"
    );
    order_of(&app, "cancel", "carol", 3).await;
    let after = app.buy_from("cancel", "dave", &address_of(4)).await;
    assert_eq!(after.body["type"], "urn:flashsale:problem:sold-out");

    assert_eq!(count(&db, LIVE_ORDERS, "cancel").await, 2, "no oversell");
    assert_eq!(count(&db, MAX_LIVE_PER_BUYER, "cancel").await, 1);
    assert_eq!(count(&db, DB_REMAINING, "cancel").await, 0);
    let audit = assert_conserved(&app, "cancel", 2).await;
    assert_eq!(audit["unitsPendingPayment"], 2, "{audit}");
    assert_eq!(app.listed_remaining("cancel").await, 0, "the gate agrees");
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unpaid_orders_expire_at_their_deadline_and_their_units_sell_again() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.orders.expiry_interval_ms = 200;
    let app = start(settings).await;
    let now = chrono::Utc::now();
    let response = app
        .client
        .post(format!("{}/api/v1/admin/sales", app.base))
        .bearer_auth(admin_token())
        .json(&json!({
            "productId": "expiring", "name": "expiring", "stock": 3,
            "startsAt": (now - chrono::Duration::seconds(60)).to_rfc3339(),
            "endsAt": (now + chrono::Duration::seconds(3_600)).to_rfc3339(),
            "paymentWindowSecs": 1,
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::CREATED);

    // Two waves of three buyers: the first wave's units come back at its deadline and sell to
    // the second wave, whose orders then expire too. Each unit comes back exactly once per
    // order: the database's count is the stock again, never more (its CHECK would refuse).
    let first = buy_wave(&app, "first", 0).await;
    await_expired(&app, &first).await;
    let db = app.database().await;
    assert_eq!(count(&db, DB_REMAINING, "expiring").await, 3);
    assert_conserved(&app, "expiring", 3).await;

    let second = buy_wave(&app, "second", 3).await;
    assert!(
        count(&db, LIVE_ORDERS, "expiring").await <= 3,
        "no oversell"
    );
    assert!(count(&db, MAX_LIVE_PER_BUYER, "expiring").await <= 1);
    await_expired(&app, &second).await;
    assert_eq!(count(&db, DB_REMAINING, "expiring").await, 3);
    assert_eq!(count(&db, EXPIRED_ORDERS, "expiring").await, 6);
    assert_conserved(&app, "expiring", 3).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_payment_webhook_pays_an_order_once_and_refuses_what_it_cannot_take() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("paying", 4, -60, 3_600).await;
    let alices = order_of(&app, "paying", "alice", 1).await;
    let bobs = order_of(&app, "paying", "bob", 2).await;
    let carols = order_of(&app, "paying", "carol", 3).await;
    let db = app.database().await;

    let (status, paid) = confirm_payment(&app, &alices, "pi_alice", 0).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "paid", "{paid}");
    assert_eq!(order(&app, "alice", &alices).await["status"], "paid");
    let (status, again) = confirm_payment(&app, &alices, "pi_alice", 30).await;
    assert_eq!(
        (status, &again),
        (StatusCode::OK, &paid),
        "a redelivery answers the same"
    );
    let (status, second) = confirm_payment(&app, &alices, "pi_alice_2", 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{second}");
    assert_eq!(second["type"], "urn:flashsale:problem:order-not-payable");
    assert_eq!(second["orderStatus"], "paid");

    // Ten deliveries of one payment at once: all answered paid, the payment stored once.
    let deliveries: Vec<_> = (0..10)
        .map(|_| {
            let (app, id) = (app.clone(), bobs.clone());
            tokio::spawn(async move { confirm_payment(&app, &id, "pi_bob", 0).await })
        })
        .collect();
    for delivery in deliveries {
        let (status, body) = delivery.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "paid", "{body}");
    }
    let pool = &db;
    let stored: i64 = sqlx::query_scalar(PAYMENT_OF)
        .bind("pi_bob")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);

    // Refused, changing nothing: a forged or stale signature, a reused payment, a cancelled
    // order, no order.
    let (status, forged) = {
        let body = json!({ "orderId": carols, "paymentId": "pi_forged" }).to_string();
        let guess = WebhookSecret::new("guess").unwrap();
        let response = app
            .client
            .post(format!("{}/api/v1/payments/webhook", app.base))
            .header("content-type", "application/json")
            .header(
                "Flashsale-Signature",
                sign_webhook(&guess, chrono::Utc::now().timestamp(), body.as_bytes()),
            )
            .body(body)
            .send()
            .await
            .expect("answers");
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}");
    assert_eq!(
        forged["type"],
        "urn:flashsale:problem:webhook-signature-invalid"
    );
    let (status, stale) = confirm_payment(&app, &carols, "pi_carol", 3_600).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{stale}");
    assert_eq!(
        stale["type"],
        "urn:flashsale:problem:webhook-timestamp-outside-tolerance"
    );
    let (status, reused) = confirm_payment(&app, &carols, "pi_bob", 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{reused}");
    assert_eq!(reused["type"], "urn:flashsale:problem:payment-id-used");
    assert_eq!(reused["orderId"], bobs.as_str());
    assert_eq!(
        order(&app, "carol", &carols).await["status"],
        "pending_payment"
    );
    let (status, _) = cancel(&app, "carol", &carols).await;
    assert_eq!(status, StatusCode::OK);
    let (status, cancelled) = confirm_payment(&app, &carols, "pi_carol", 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{cancelled}");
    assert_eq!(cancelled["orderStatus"], "cancelled", "{cancelled}");
    let (status, ghost) = confirm_payment(&app, "no-such-order", "pi_ghost", 0).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{ghost}");

    let audit = assert_conserved(&app, "paying", 4).await;
    assert_eq!(audit["unitsPaid"], 2, "{audit}");
    assert_eq!(audit["unitsPendingPayment"], 0, "{audit}");
    let (status, _) = cancel(&app, "alice", &alices).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a paid order is not cancelled"
    );
    assert_eq!(
        count(&db, DB_REMAINING, "paying").await,
        2,
        "paid units stay sold"
    );
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_after_the_deadline_is_refused_for_a_refund_and_the_unit_stays_back_on_sale() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.orders.expiry_interval_ms = 200;
    let app = start(settings).await;
    let now = chrono::Utc::now();
    let response = app
        .client
        .post(format!("{}/api/v1/admin/sales", app.base))
        .bearer_auth(admin_token())
        .json(&json!({
            "productId": "expiring", "name": "expiring", "stock": 1,
            "startsAt": (now - chrono::Duration::seconds(60)).to_rfc3339(),
            "endsAt": (now + chrono::Duration::seconds(3_600)).to_rfc3339(),
            "paymentWindowSecs": 1,
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::CREATED);
    let late = order_of(&app, "expiring", "late", 1).await;
    await_expired(&app, &[("late".to_owned(), late.clone())]).await;

    let (status, refused) = confirm_payment(&app, &late, "pi_late", 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["type"], "urn:flashsale:problem:order-not-payable");
    assert_eq!(refused["orderStatus"], "expired", "{refused}");
    let db = app.database().await;
    assert_eq!(
        count(&db, DB_REMAINING, "expiring").await,
        1,
        "the unit stays back"
    );
    let stored: i64 = sqlx::query_scalar(PAYMENT_OF)
        .bind("pi_late")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "the refused payment is not recorded");
    order_of(&app, "expiring", "next", 2).await;
    assert_conserved(&app, "expiring", 1).await;
    app.stop().await;
}

//! Buys with an `Idempotency-Key` in the production profile, through HTTP, against real Redis,
//! Kafka and MariaDB: retries get the first answer and the buyer one order, concurrent retries
//! take one unit, keys are per buyer, reuse for another body is refused, and keys expire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{count, settings, start, token, Answer, App};
use flashsale_test_support::require_stack;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ORDERS_OF: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ? AND user_id = 'alice'";

async fn buy_with_key(app: &App, product: &str, user: &str, key: &str, quantity: u32) -> Answer {
    let response = app
        .client
        .post(format!("{}/api/v1/sales/{product}/purchases", app.base))
        .bearer_auth(token(user))
        .header("x-forwarded-for", "10.0.0.1")
        .header("idempotency-key", key)
        .json(&json!({ "quantity": quantity }))
        .send()
        .await
        .expect("answers");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        body,
        retry_after: None,
    }
}

fn request_id(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    answer.body["requestId"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_with_one_key_get_one_request_id_and_the_buyer_one_order() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("phone", 10, -60, 3_600).await;

    // Concurrent retries: each is answered with the first attempt's request id, or told the
    // first attempt is still in progress; one unit is taken.
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { buy_with_key(&app, "phone", "alice", "k-1", 1).await })
        })
        .collect();
    let mut ids = Vec::new();
    for attempt in tries {
        let answer = attempt.await.unwrap();
        if answer.status == StatusCode::CONFLICT {
            let kind = &answer.body["type"];
            assert_eq!(
                kind, "urn:flashsale:problem:idempotency-key-in-use",
                "{}",
                answer.body
            );
        } else {
            ids.push(request_id(&answer));
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let first = ids[0].clone();
    assert_eq!(app.settled("alice", &first).await["status"], "succeeded");
    let settled_retry = buy_with_key(&app, "phone", "alice", "k-1", 1).await;
    assert_eq!(request_id(&settled_retry), first);
    assert_eq!(
        settled_retry.body["resultUrl"],
        format!("/api/v1/purchases/{first}")
    );

    let other_body = buy_with_key(&app, "phone", "alice", "k-1", 2).await;
    assert_eq!(other_body.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        other_body.body["type"],
        "urn:flashsale:problem:idempotency-key-reused"
    );
    let bob = buy_with_key(&app, "phone", "bob", "k-1", 1).await;
    assert_ne!(request_id(&bob), first, "keys are per buyer");

    let db = app.database().await;
    assert_eq!(count(&db, ORDERS_OF, "phone").await, 1);
    assert_eq!(app.listed_remaining("phone").await, 8);
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test]
async fn a_key_is_used_afresh_once_its_time_to_live_passed() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.idempotency.ttl_secs = 1;
    let app = start(settings).await;
    app.create_sale("phone", 5, -60, 3_600).await;
    app.create_sale("case", 5, -60, 3_600).await;
    request_id(&buy_with_key(&app, "phone", "alice", "k-1", 1).await);
    let reused = buy_with_key(&app, "case", "alice", "k-1", 1).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    request_id(&buy_with_key(&app, "case", "alice", "k-1", 1).await);
    app.stop().await;
}

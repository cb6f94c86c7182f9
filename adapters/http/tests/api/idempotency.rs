//! Buys with an `Idempotency-Key`: retries answered as the first attempt, keys per buyer,
//! reuse for another request refused, an attempt in progress reported, expiry.

use std::time::Duration;

use flashsale_application::ports::{Clock, IdempotencyStore, KeyClaim, KeyTimes};
use flashsale_domain::{IdempotencyKey, RequestId, UserId};
use flashsale_memory::SystemClock;
use poem::http::StatusCode;
use poem::test::TestResponse;
use serde_json::{json as body, Value};

use crate::helpers::{
    assert_problem, bearer, json, settings, spawn_app, spawn_app_keeping_keys, token, TestApp,
    NO_RATE_LIMITS,
};

impl TestApp {
    async fn buy_with_key(
        &self,
        product: &str,
        user: &str,
        key: &str,
        quantity: u32,
    ) -> TestResponse {
        self.client
            .post(format!("/api/v1/sales/{product}/purchases"))
            .header("authorization", bearer(&token(user)))
            .header("idempotency-key", key)
            .body_json(&body!({ "quantity": quantity }))
            .send()
            .await
    }

    async fn remaining(&self, product: &str) -> Value {
        self.catalog.refresh().await;
        let sales = json(self.client.get("/api/v1/sales").send().await).await;
        let sale = sales
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["productId"] == product);
        sale.expect("listed")["remaining"].clone()
    }
}

/// The `requestId` and `Location` of a `202`.
async fn accepted(response: TestResponse) -> (String, String) {
    response.assert_status(StatusCode::ACCEPTED);
    let location = response.0.headers().get("location").expect("location");
    let location = location.to_str().unwrap().to_owned();
    let body = json(response).await;
    (body["requestId"].as_str().expect("id").to_owned(), location)
}

#[tokio::test]
async fn a_retried_buy_gets_the_same_request_id_and_the_buyer_one_order() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    let first = accepted(app.buy_with_key("phone", "alice", "\"k-1\"", 1).await).await;
    let retry = accepted(app.buy_with_key("phone", "alice", "\"k-1\"", 1).await).await;
    assert_eq!(retry, first, "same requestId and Location");
    let result = app.settled_result("alice", &first.0).await;
    assert_eq!(result["status"], "succeeded");
    let again = accepted(app.buy_with_key("phone", "alice", "k-1", 1).await).await;
    assert_eq!(
        again, first,
        "settled, still the same answer (a bare key is the same key)"
    );
    assert_eq!(app.remaining("phone").await, 2, "one unit taken, one order");
}

#[tokio::test]
async fn the_same_key_for_another_body_or_product_is_refused() {
    let app = spawn_app();
    app.sale_from("phone", 5, -60_000, 3_600_000).await;
    app.open_sale("case", 5).await;
    accepted(app.buy_with_key("phone", "alice", "k-1", 1).await).await;
    let other_body = app.buy_with_key("phone", "alice", "k-1", 2).await;
    assert_problem(other_body, 422, "idempotency-key-reused").await;
    let other_product = app.buy_with_key("case", "alice", "k-1", 1).await;
    assert_problem(other_product, 422, "idempotency-key-reused").await;
    assert_eq!(app.remaining("case").await, 5, "nothing was bought");
}

#[tokio::test]
async fn another_buyer_with_the_same_key_buys_on_their_own() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let alice = accepted(app.buy_with_key("phone", "alice", "k-1", 1).await).await;
    let bob = accepted(app.buy_with_key("phone", "bob", "k-1", 1).await).await;
    assert_ne!(alice.0, bob.0);
    assert_eq!(app.remaining("phone").await, 3);
}

#[tokio::test]
async fn a_refusal_is_answered_again_under_its_key() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    let (held, _) = accepted(app.buy("phone", "alice").await).await;
    for _ in 0..2 {
        let refused = app.buy_with_key("phone", "alice", "k-2", 1).await;
        let problem = assert_problem(refused, 409, "already-purchased").await;
        assert_eq!(problem["requestId"], held.as_str(), "{problem}");
    }
}

#[tokio::test]
async fn a_retry_while_the_first_attempt_holds_the_key_is_told_so() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    // An attempt in progress, as the use case begins one (fingerprint: product and quantity).
    let claim = KeyClaim {
        buyer: UserId::parse("alice").unwrap(),
        key: IdempotencyKey::parse("k-1").unwrap(),
        fingerprint: "phone:1".into(),
    };
    let request = RequestId::parse("phone.0123456789abcdef0123456789abcdef").unwrap();
    let store = &app.service.ports().idempotency;
    store
        .begin(&claim, &request, SystemClock.now())
        .await
        .unwrap();
    let busy = app.buy_with_key("phone", "alice", "k-1", 1).await;
    assert_problem(busy, 409, "idempotency-key-in-use").await;
    assert_eq!(app.remaining("phone").await, 3);
}

#[tokio::test]
async fn a_malformed_key_is_a_bad_request() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    for key in ["a b", "k:1", "\"\"", &"k".repeat(65)] {
        let response = app.buy_with_key("phone", "alice", key, 1).await;
        assert_problem(response, 400, "bad-request").await;
    }
    assert_eq!(app.remaining("phone").await, 3);
}

#[tokio::test]
async fn a_key_is_forgotten_after_its_time_to_live() {
    let ttl = Duration::from_millis(200);
    let times = KeyTimes {
        ttl,
        lease: Duration::from_millis(100),
    };
    let app = spawn_app_keeping_keys(NO_RATE_LIMITS, settings(None), times);
    app.open_sale("phone", 3).await;
    app.open_sale("case", 3).await;
    accepted(app.buy_with_key("phone", "alice", "k-1", 1).await).await;
    let reused = app.buy_with_key("case", "alice", "k-1", 1).await;
    assert_problem(reused, 422, "idempotency-key-reused").await;
    tokio::time::sleep(ttl).await;
    accepted(app.buy_with_key("case", "alice", "k-1", 1).await).await;
}

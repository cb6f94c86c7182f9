//! The payment webhook through HTTP: a signed confirmation pays an order, once; a bad or
//! missing signature, a stale timestamp or a malformed body is refused before anything is
//! read; a redelivery answers the same; a payment of a cancelled or expired order, of a paid
//! one by another payment, or of no order is refused so the provider refunds it.

use std::time::Duration;

use flashsale_domain::{PaymentWindow, ProductId, Sale, SaleWindow, Timestamp};
use poem::test::TestResponse;
use serde_json::Value;

use crate::helpers::{assert_problem, bearer, json, signature, spawn_app, token, TestApp};

const WEBHOOK: &str = "/api/v1/payments/webhook";

async fn won_order(app: &TestApp, product: &str, user: &str) -> String {
    let accepted = json(app.buy(product, user).await).await;
    let request_id = accepted["requestId"].as_str().expect("request id");
    let result = app.settled_result(user, request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result["orderId"].as_str().expect("order id").to_owned()
}

fn confirmation(order_id: &str, payment_id: &str) -> String {
    serde_json::json!({ "orderId": order_id, "paymentId": payment_id }).to_string()
}

/// Posts `body` with this `Flashsale-Signature` (none when `None`).
async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> TestResponse {
    let mut request = app
        .client
        .post(WEBHOOK)
        .content_type("application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("Flashsale-Signature", signature);
    }
    request.send().await
}

/// Posts `body` signed now.
async fn deliver_signed(app: &TestApp, body: &str) -> TestResponse {
    deliver(app, body, Some(signature(body, 0))).await
}

async fn order_status(app: &TestApp, user: &str, order_id: &str) -> Value {
    let response = app
        .client
        .get(format!("/api/v1/orders/{order_id}"))
        .header("authorization", bearer(&token(user)))
        .send()
        .await;
    json(response).await["status"].clone()
}

#[tokio::test]
async fn a_signed_confirmation_pays_the_order_and_its_redelivery_answers_the_same() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let order_id = won_order(&app, "phone", "alice").await;
    let body = confirmation(&order_id, "pi_alice_1");

    let paid = deliver_signed(&app, &body).await;
    paid.assert_status_is_ok();
    let paid = json(paid).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    assert_eq!(paid["orderId"], order_id.as_str());
    assert_eq!(paid["paymentId"], "pi_alice_1");
    assert_eq!(order_status(&app, "alice", &order_id).await, "paid");

    // The provider delivers again, even the very same request (signed earlier, in tolerance).
    let again = deliver(&app, &body, Some(signature(&body, 60))).await;
    again.assert_status_is_ok();
    assert_eq!(json(again).await, paid, "the same outcome");

    let problem = assert_problem(
        deliver_signed(&app, &confirmation(&order_id, "pi_alice_2")).await,
        409,
        "order-not-payable",
    )
    .await;
    assert_eq!(problem["orderStatus"], "paid", "{problem}");
    assert_eq!(problem["orderId"], order_id.as_str());
    let cancel = app
        .client
        .post(format!("/api/v1/orders/{order_id}/cancel"))
        .header("authorization", bearer(&token("alice")))
        .send()
        .await;
    assert_problem(cancel, 409, "order-not-cancellable").await;
}

#[tokio::test]
async fn a_missing_forged_or_malformed_signature_is_refused_and_changes_nothing() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let order_id = won_order(&app, "phone", "alice").await;
    let body = confirmation(&order_id, "pi_forged");
    let other_body = confirmation(&order_id, "pi_other");
    let forged = signature(&other_body, 0);
    let refusals = [
        None,
        Some("v1=00".to_owned()),
        Some("t=abc,v1=00".to_owned()),
        Some(forged),
        Some(signature(&body, 0).replace("v1=", "v1=0")),
    ];
    for refusal in refusals {
        let response = deliver(&app, &body, refusal.clone()).await;
        response.assert_header("www-authenticate", "Flashsale-Signature");
        assert_problem(response, 401, "webhook-signature-invalid").await;
    }
    // A byte more in the body than was signed (a space) is another body.
    let signed = signature(&body, 0);
    let padded = format!("{body} ");
    let response = deliver(&app, &padded, Some(signed)).await;
    assert_problem(response, 401, "webhook-signature-invalid").await;
    assert_eq!(
        order_status(&app, "alice", &order_id).await,
        "pending_payment"
    );
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_refused_even_with_a_genuine_signature() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let order_id = won_order(&app, "phone", "alice").await;
    let body = confirmation(&order_id, "pi_replayed");
    for age in [301, 3_600, -301] {
        let response = deliver(&app, &body, Some(signature(&body, age))).await;
        let problem = assert_problem(response, 401, "webhook-timestamp-outside-tolerance").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("300"),
            "{problem}"
        );
    }
    assert_eq!(
        order_status(&app, "alice", &order_id).await,
        "pending_payment"
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_bad_request_once_its_signature_is_genuine() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let order_id = won_order(&app, "phone", "alice").await;
    for malformed in [
        "{not json",
        "",
        "[]",
        r#"{"orderId":"o1"}"#,
        r#"{"orderId":1,"paymentId":"pi_1"}"#,
    ] {
        let response = deliver_signed(&app, malformed).await;
        assert_problem(response, 400, "bad-request").await;
    }
    let bad_id = confirmation(&order_id, "pi 1");
    let problem = assert_problem(
        deliver_signed(&app, &bad_id).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "paymentId", "{problem}");
    let unknown_fields = serde_json::json!({
        "orderId": order_id, "paymentId": "pi_extra", "provider": {"livemode": false}
    })
    .to_string();
    deliver_signed(&app, &unknown_fields)
        .await
        .assert_status_is_ok();
    let not_json = app
        .client
        .post(WEBHOOK)
        .content_type("text/plain")
        .header("Flashsale-Signature", signature("x", 0))
        .body("x")
        .send()
        .await;
    assert_problem(not_json, 415, "unsupported-media-type").await;
}

#[tokio::test]
async fn a_payment_of_a_cancelled_expired_or_unknown_order_is_refused_for_a_refund() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    let cancelled = won_order(&app, "phone", "alice").await;
    app.client
        .post(format!("/api/v1/orders/{cancelled}/cancel"))
        .header("authorization", bearer(&token("alice")))
        .send()
        .await
        .assert_status_is_ok();
    let problem = assert_problem(
        deliver_signed(&app, &confirmation(&cancelled, "pi_late_1")).await,
        409,
        "order-not-payable",
    )
    .await;
    assert_eq!(problem["orderStatus"], "cancelled", "{problem}");
    assert_eq!(order_status(&app, "alice", &cancelled).await, "cancelled");

    let used = won_order(&app, "phone", "bob").await;
    deliver_signed(&app, &confirmation(&used, "pi_bob"))
        .await
        .assert_status_is_ok();
    let ghost = assert_problem(
        deliver_signed(&app, &confirmation("no-such-order", "pi_ghost")).await,
        404,
        "not-found",
    )
    .await;
    assert!(ghost.get("orderStatus").is_none(), "{ghost}");
    let reused = assert_problem(
        deliver_signed(&app, &confirmation(&cancelled, "pi_bob")).await,
        409,
        "payment-id-used",
    )
    .await;
    assert_eq!(reused["orderId"], used.as_str(), "{reused}");
}

#[tokio::test]
async fn a_payment_of_an_expired_order_is_refused_and_its_unit_stays_on_sale() {
    let app = spawn_app();
    let now = flashsale_application::ports::Clock::now(&flashsale_memory::SystemClock);
    let window =
        SaleWindow::new(now, Timestamp::from_millis(now.as_millis() + 3_600_000)).expect("valid");
    let sale = Sale::new(
        ProductId::parse("flash").expect("valid"),
        "Flash",
        1,
        window,
    )
    .expect("valid")
    .with_payment_window(PaymentWindow::from_secs(1).expect("valid"));
    app.service.create_sale(sale).await.expect("created");
    app.catalog.refresh().await;
    let order_id = won_order(&app, "flash", "alice").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;

    // Past its deadline and not yet expired by the worker: refused all the same.
    let late = assert_problem(
        deliver_signed(&app, &confirmation(&order_id, "pi_late")).await,
        409,
        "order-not-payable",
    )
    .await;
    assert_eq!(late["orderStatus"], "pending_payment", "{late}");
    assert!(
        late["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("deadline"),
        "{late}"
    );

    assert_eq!(
        app.service.expire_orders(10).await.expect("pass").expired,
        1
    );
    let expired = assert_problem(
        deliver_signed(&app, &confirmation(&order_id, "pi_late")).await,
        409,
        "order-not-payable",
    )
    .await;
    assert_eq!(expired["orderStatus"], "expired", "{expired}");
    assert_eq!(order_status(&app, "alice", &order_id).await, "expired");
    // The unit went back on sale and sells to another buyer.
    won_order(&app, "flash", "bob").await;
}

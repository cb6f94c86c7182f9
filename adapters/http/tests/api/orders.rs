//! A buyer's orders through HTTP: the payment deadline, reading and listing them, cancelling an
//! unpaid one whose unit then sells to another buyer, and the refusals.

use std::time::Duration;

use flashsale_domain::{PaymentWindow, ProductId, Sale, SaleWindow, Timestamp};
use poem::http::StatusCode;
use serde_json::Value;

use crate::helpers::{
    admin_token, assert_problem, bearer, json, new_sale, spawn_app, token, TestApp,
};

async fn succeeded_order(app: &TestApp, product: &str, user: &str) -> Value {
    let accepted = json(app.buy(product, user).await).await;
    let request_id = accepted["requestId"].as_str().expect("request id");
    let result = app.settled_result(user, request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result
}

async fn get(app: &TestApp, user: &str, path: &str) -> poem::test::TestResponse {
    app.client
        .get(path)
        .header("authorization", bearer(&token(user)))
        .send()
        .await
}

async fn cancel(app: &TestApp, user: &str, order_id: &str) -> poem::test::TestResponse {
    app.client
        .post(format!("/api/v1/orders/{order_id}/cancel"))
        .header("authorization", bearer(&token(user)))
        .send()
        .await
}

fn millis(at: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(at.as_str().expect("a date-time"))
        .expect("RFC 3339")
        .timestamp_millis()
}

#[tokio::test]
async fn a_cancelled_order_is_shown_and_its_unit_sells_to_another_buyer() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let result = succeeded_order(&app, "phone", "alice").await;
    let order_id = result["orderId"].as_str().expect("order id").to_owned();
    let order_url = result["orderUrl"].as_str().expect("order url").to_owned();
    assert_eq!(order_url, format!("/api/v1/orders/{order_id}"));

    let order = get(&app, "alice", &order_url).await;
    order.assert_status_is_ok();
    let order = json(order).await;
    assert_eq!(order["status"], "pending_payment", "{order}");
    assert_eq!(
        result["paymentDeadline"], order["paymentDeadline"],
        "the purchase result shows the deadline"
    );
    assert_eq!(order["requestId"], result["requestId"]);
    assert_eq!(
        millis(&order["paymentDeadline"]) - millis(&order["createdAt"]),
        900_000,
        "the default payment window"
    );
    let listed = json(get(&app, "alice", "/api/v1/orders").await).await;
    assert_eq!(
        listed["orders"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(listed["orders"][0]["orderId"], order_id.as_str());
    assert!(listed.get("nextOffset").is_none(), "{listed}");

    assert_problem(app.buy("phone", "bob").await, 409, "sold-out").await;
    let cancelled = cancel(&app, "alice", &order_id).await;
    cancelled.assert_status_is_ok();
    assert_eq!(json(cancelled).await["status"], "cancelled");
    let again = cancel(&app, "alice", &order_id).await;
    again.assert_status_is_ok();
    assert_eq!(json(again).await["status"], "cancelled", "idempotent");

    assert_problem(app.buy("phone", "alice").await, 409, "already-purchased").await;
    succeeded_order(&app, "phone", "bob").await;
    assert_problem(app.buy("phone", "carol").await, 409, "sold-out").await;
    let audit = app
        .client
        .get("/api/v1/admin/sales/phone/audit")
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await;
    let audit = json(audit).await;
    assert_eq!(audit["remaining"], 0, "{audit}");
    assert_eq!(audit["orders"], 1, "{audit}");
    assert_eq!(audit["unitsPendingPayment"], 1, "{audit}");
    assert_eq!(audit["unitsPaid"], 0, "{audit}");
}

#[tokio::test]
async fn another_buyers_order_is_not_found_and_a_bad_id_is_a_bad_request() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    let result = succeeded_order(&app, "phone", "alice").await;
    let order_id = result["orderId"].as_str().expect("order id");
    let path = format!("/api/v1/orders/{order_id}");
    assert_problem(get(&app, "bob", &path).await, 404, "not-found").await;
    assert_problem(cancel(&app, "bob", order_id).await, 404, "not-found").await;
    assert_problem(
        get(&app, "alice", "/api/v1/orders/no-such").await,
        404,
        "not-found",
    )
    .await;
    assert_problem(cancel(&app, "alice", "a%20b").await, 400, "bad-request").await;
    let anonymous = app.client.get(&path).send().await;
    assert_problem(anonymous, 401, "unauthorized").await;
    let still = json(get(&app, "alice", &path).await).await;
    assert_eq!(
        still["status"], "pending_payment",
        "nothing changed: {still}"
    );
}

#[tokio::test]
async fn an_expired_order_cannot_be_cancelled() {
    let app = spawn_app();
    let now = flashsale_application::ports::Clock::now(&flashsale_memory::SystemClock);
    let window = SaleWindow::new(
        now.plus(Duration::ZERO),
        Timestamp::from_millis(now.as_millis() + 3_600_000),
    )
    .expect("valid");
    let sale = Sale::new(
        ProductId::parse("flash").expect("valid"),
        "Flash",
        1,
        window,
    )
    .expect("valid")
    .with_payment_window(PaymentWindow::from_secs(1).expect("valid"));
    app.service.create_sale(sale).await.expect("created");
    let result = succeeded_order(&app, "flash", "alice").await;
    let order_id = result["orderId"].as_str().expect("order id");
    // The window is one second; the expiry worker's pass is run by hand.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let report = app.service.expire_orders(10).await.expect("expired");
    assert_eq!(report.expired, 1);
    let problem = assert_problem(
        cancel(&app, "alice", order_id).await,
        409,
        "order-not-cancellable",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired"),
        "{problem}"
    );
    let order = json(get(&app, "alice", &format!("/api/v1/orders/{order_id}")).await).await;
    assert_eq!(order["status"], "expired");
    succeeded_order(&app, "flash", "bob").await;
}

#[tokio::test]
async fn my_orders_come_in_pages_newest_first() {
    let app = spawn_app();
    for product in ["a", "b", "c"] {
        app.open_sale(product, 1).await;
        succeeded_order(&app, product, "alice").await;
    }
    let first = json(get(&app, "alice", "/api/v1/orders?limit=2").await).await;
    let ids: Vec<&str> = first["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["productId"].as_str().expect("product"))
        .collect();
    assert_eq!(ids.len(), 2, "{first}");
    assert_eq!(first["nextOffset"], 2, "{first}");
    let last = json(get(&app, "alice", "/api/v1/orders?limit=2&offset=2").await).await;
    assert_eq!(last["orders"].as_array().map(Vec::len), Some(1), "{last}");
    assert!(last.get("nextOffset").is_none(), "{last}");
    let mut all: Vec<&str> = ids;
    all.push(last["orders"][0]["productId"].as_str().expect("product"));
    all.sort_unstable();
    assert_eq!(all, vec!["a", "b", "c"]);
    let none = json(get(&app, "bob", "/api/v1/orders").await).await;
    assert_eq!(none["orders"], serde_json::json!([]));
    let problem = assert_problem(
        get(&app, "alice", "/api/v1/orders?limit=0").await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "limit", "{problem}");
    assert_problem(
        get(&app, "alice", "/api/v1/orders?limit=x").await,
        400,
        "bad-request",
    )
    .await;
}

#[tokio::test]
async fn a_sale_takes_its_payment_window_or_the_default() {
    let app = spawn_app();
    let create = |body: Value| {
        app.client
            .post("/api/v1/admin/sales")
            .header("authorization", bearer(&admin_token("ops")))
            .body_json(&body)
            .send()
    };
    let mut custom = new_sale("custom");
    custom["paymentWindowSecs"] = 120.into();
    let created = create(custom).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(json(created).await["paymentWindowSecs"], 120);
    let defaulted = json(create(new_sale("default")).await).await;
    assert_eq!(defaulted["paymentWindowSecs"], 900);
    assert_eq!(defaulted["rebuyAfterCancel"], false);
    for bad in [0, 604_801] {
        let mut body = new_sale("bad");
        body["paymentWindowSecs"] = bad.into();
        let problem = assert_problem(create(body).await, 422, "validation-failed").await;
        assert_eq!(
            problem["errors"][0]["field"], "paymentWindowSecs",
            "{problem}"
        );
    }
}

#[tokio::test]
async fn a_sale_that_allows_it_sells_again_to_the_buyer_who_cancelled() {
    let app = spawn_app();
    let mut body = new_sale("lenient");
    body["stock"] = 1.into();
    body["rebuyAfterCancel"] = true.into();
    let created = app
        .client
        .post("/api/v1/admin/sales")
        .header("authorization", bearer(&admin_token("ops")))
        .body_json(&body)
        .send()
        .await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(json(created).await["rebuyAfterCancel"], true);
    let first = succeeded_order(&app, "lenient", "alice").await;
    let first_id = first["orderId"].as_str().expect("order id");
    cancel(&app, "alice", first_id).await.assert_status_is_ok();
    let second = succeeded_order(&app, "lenient", "alice").await;
    assert_ne!(second["orderId"], first["orderId"]);
    assert_problem(app.buy("lenient", "bob").await, 409, "sold-out").await;
    let listed = json(get(&app, "alice", "/api/v1/orders").await).await;
    let statuses: Vec<&str> = listed["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses.len(), 2, "{listed}");
    assert!(statuses.contains(&"cancelled") && statuses.contains(&"pending_payment"));
}

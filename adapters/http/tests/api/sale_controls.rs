//! An operator's controls through HTTP: a paused sale refuses buys as `sale-paused` until it
//! resumes, a closed sale refuses them as `sale-ended` until its end is moved later, the
//! public listing shows each state, units added once per restock id sell, and only admins
//! may do it.

use serde_json::Value;

use crate::helpers::{admin_token, assert_problem, bearer, json, spawn_app, token, TestApp};

async fn control(
    app: &TestApp,
    product: &str,
    action: &str,
    token: &str,
) -> poem::test::TestResponse {
    app.client
        .post(format!("/api/v1/admin/sales/{product}/{action}"))
        .header("authorization", bearer(token))
        .send()
        .await
}

async fn listed_status(app: &TestApp, product: &str) -> Value {
    let sales = json(app.client.get("/api/v1/sales").send().await).await;
    sales
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["productId"] == product)
        .expect("listed")["status"]
        .clone()
}

#[tokio::test]
async fn a_paused_sale_refuses_buys_until_it_resumes() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let admin = admin_token("ops");

    let paused = control(&app, "phone", "pause", &admin).await;
    paused.assert_status_is_ok();
    let paused = json(paused).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    assert_eq!(paused["remaining"], 5);
    assert_eq!(listed_status(&app, "phone").await, "paused");
    let refused = assert_problem(app.buy("phone", "alice").await, 409, "sale-paused").await;
    assert!(refused["detail"].as_str().unwrap().contains("paused"));
    control(&app, "phone", "pause", &admin)
        .await
        .assert_status_is_ok();

    let resumed = json(control(&app, "phone", "resume", &admin).await).await;
    assert_eq!(resumed["status"], "open", "{resumed}");
    assert_eq!(listed_status(&app, "phone").await, "open");
    app.buy("phone", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

#[tokio::test]
async fn only_an_admin_pauses_an_existing_sale() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    assert_problem(
        control(&app, "phone", "pause", &token("alice")).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        control(&app, "nothing", "pause", &admin_token("ops")).await,
        404,
        "not-found",
    )
    .await;
    assert_problem(
        control(&app, "bad%20id", "resume", &admin_token("ops")).await,
        400,
        "bad-request",
    )
    .await;
    app.buy("phone", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_closed_sale_refuses_buys_until_its_end_is_moved_later() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let admin = admin_token("ops");

    let closed = json(control(&app, "phone", "close", &admin).await).await;
    assert_eq!(closed["status"], "ended", "{closed}");
    assert_eq!(listed_status(&app, "phone").await, "ended");
    assert_problem(app.buy("phone", "alice").await, 409, "sale-ended").await;

    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let moved = app
        .client
        .put("/api/v1/admin/sales/phone/end")
        .header("authorization", bearer(&admin))
        .body_json(&serde_json::json!({ "endsAt": later }))
        .send()
        .await;
    moved.assert_status_is_ok();
    let moved = json(moved).await;
    assert_eq!(moved["status"], "open", "{moved}");
    app.buy("phone", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);

    let before_start = app
        .client
        .put("/api/v1/admin/sales/phone/end")
        .header("authorization", bearer(&admin))
        .body_json(&serde_json::json!({ "endsAt": "2000-01-01T00:00:00Z" }))
        .send()
        .await;
    let refused = assert_problem(before_start, 422, "validation-failed").await;
    assert!(refused.to_string().contains("endsAt"), "{refused}");
    assert_problem(
        control(&app, "nothing", "close", &admin).await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn units_added_once_per_restock_id_sell_after_a_sell_out() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let admin = admin_token("ops");
    app.buy("phone", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
    assert_problem(app.buy("phone", "bob").await, 409, "sold-out").await;

    let add = |body: serde_json::Value| {
        app.client
            .post("/api/v1/admin/sales/phone/units")
            .header("authorization", bearer(&admin))
            .body_json(&body)
            .send()
    };
    let body = serde_json::json!({ "units": 2, "restockId": "restock-1" });
    let added = add(body.clone()).await;
    added.assert_status_is_ok();
    let added = json(added).await;
    assert_eq!(
        (added["stock"].as_u64(), added["remaining"].as_u64()),
        (Some(3), Some(2)),
        "{added}"
    );
    let again = json(add(body).await).await;
    assert_eq!(
        (again["stock"].as_u64(), again["remaining"].as_u64()),
        (Some(3), Some(2)),
        "once per id: {again}"
    );
    app.buy("phone", "bob")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);

    let none = add(serde_json::json!({ "units": 0, "restockId": "restock-2" })).await;
    assert!(none.0.status().is_client_error(), "{:?}", none.0.status());
    let too_many = add(serde_json::json!({ "units": 100_000_000, "restockId": "restock-3" })).await;
    assert_problem(too_many, 422, "validation-failed").await;
    let reused = add(serde_json::json!({ "units": 5, "restockId": "restock-1" })).await;
    assert_problem(reused, 422, "restock-id-reused").await;
}

#[tokio::test]
async fn a_restock_id_belongs_to_one_sale() {
    // Found by the API fuzzer: the same restock id on a second sale used to be skipped by the
    // catalog yet applied by the gate, and the next restock of that sale answered 503.
    let app = spawn_app();
    app.open_sale("phone", 0).await;
    app.open_sale("tablet", 0).await;
    let admin = admin_token("ops");
    let add = |product: &str, units: u32, restock: &str| {
        app.client
            .post(format!("/api/v1/admin/sales/{product}/units"))
            .header("authorization", bearer(&admin))
            .body_json(&serde_json::json!({ "units": units, "restockId": restock }))
            .send()
    };
    add("phone", 1, "same").await.assert_status_is_ok();
    let tablet = json(add("tablet", 99_999_999, "same").await).await;
    assert_eq!(tablet["stock"].as_u64(), Some(99_999_999), "{tablet}");
    let full = json(add("tablet", 1, "top").await).await;
    assert_eq!(full["stock"].as_u64(), Some(100_000_000), "{full}");
    assert_problem(add("tablet", 1, "over").await, 422, "validation-failed").await;
}

//! Buying, polling, refusals and rate limits through HTTP.

use flashsale_domain::RatePolicy;
use flashsale_memory::RateLimits;

use crate::helpers::{assert_problem, bearer, json, spawn_app, spawn_app_with, token};

#[tokio::test]
async fn a_buy_is_accepted_and_its_result_turns_to_success() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    let response = app.buy("phone", "alice").await;
    response.assert_status(poem::http::StatusCode::ACCEPTED);
    let location = response
        .0
        .headers()
        .get("location")
        .expect("location")
        .to_str()
        .unwrap()
        .to_owned();
    let body = json(response).await;
    assert_eq!(body["status"], "pending");
    let request_id = body["requestId"].as_str().expect("request id").to_owned();
    assert_eq!(location, format!("/api/v1/purchases/{request_id}"));
    let result = app.settled_result("alice", &request_id).await;
    assert_eq!(result["status"], "succeeded");
    assert!(result["orderId"].is_string());

    let mine = app
        .client
        .get("/api/v1/sales/phone/purchase")
        .header("authorization", bearer(&token("alice")))
        .send()
        .await;
    mine.assert_status_is_ok();
    assert_eq!(json(mine).await["requestId"], request_id.as_str());
}

#[tokio::test]
async fn a_second_buy_by_the_same_user_is_refused_naming_the_request_that_holds_the_unit() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    let first = json(app.buy("phone", "alice").await).await;
    let problem = assert_problem(app.buy("phone", "alice").await, 409, "already-purchased").await;
    assert_eq!(problem["requestId"], first["requestId"], "{problem}");
    assert_eq!(problem["resultUrl"], first["resultUrl"], "{problem}");
}

#[tokio::test]
async fn buyers_after_the_last_unit_are_told_sold_out() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    app.buy("phone", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
    let sold_out = assert_problem(app.buy("phone", "bob").await, 409, "sold-out").await;
    assert!(sold_out.get("requestId").is_none(), "{sold_out}");
    // The listing is a snapshot: it shows the sale sold out from its next refresh on.
    app.catalog.refresh().await;
    let sales = json(app.client.get("/api/v1/sales").send().await).await;
    assert_eq!(sales[0]["remaining"], 0);
}

#[tokio::test]
async fn a_sale_not_started_or_ended_is_refused() {
    let app = spawn_app();
    app.sale_from("soon", 5, 60_000, 120_000).await;
    app.sale_from("over", 5, -120_000, -60_000).await;
    assert_problem(app.buy("soon", "alice").await, 409, "sale-not-started").await;
    assert_problem(app.buy("over", "alice").await, 409, "sale-ended").await;
    let sales = json(app.client.get("/api/v1/sales").send().await).await;
    let statuses: Vec<_> = sales
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].clone())
        .collect();
    assert!(statuses.contains(&"upcoming".into()) && statuses.contains(&"ended".into()));
}

#[tokio::test]
async fn an_unknown_product_is_not_found() {
    let app = spawn_app();
    assert_problem(app.buy("ghost", "alice").await, 404, "not-found").await;
}

#[tokio::test]
async fn more_than_the_per_user_limit_is_refused() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let response = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("alice")))
        .body_json(&serde_json::json!({"quantity": 2}))
        .send()
        .await;
    assert_problem(response, 422, "above-limit").await;
}

#[tokio::test]
async fn one_user_cannot_read_another_users_result() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let body = json(app.buy("phone", "alice").await).await;
    let request_id = body["requestId"].as_str().unwrap();
    let peek = app
        .client
        .get(format!("/api/v1/purchases/{request_id}"))
        .header("authorization", bearer(&token("mallory")))
        .send()
        .await;
    assert_problem(peek, 404, "not-found").await;
}

#[tokio::test]
async fn flooding_from_one_address_gets_429_while_another_address_still_buys() {
    let limits = RateLimits {
        per_ip: Some(RatePolicy::new(0.5, 2).unwrap()),
        ..RateLimits::NONE
    };
    let app = spawn_app_with(limits, Some("x-forwarded-for"));
    app.open_sale("phone", 100).await;
    let from = |ip: &'static str, user: String| {
        app.client
            .post("/api/v1/sales/phone/purchases")
            .header("authorization", bearer(&token(&user)))
            .header("x-forwarded-for", ip)
            .body_json(&serde_json::json!({}))
            .send()
    };
    for n in 0..2 {
        from("10.1.1.1", format!("u{n}"))
            .await
            .assert_status(poem::http::StatusCode::ACCEPTED);
    }
    let limited = from("10.1.1.1", "u3".into()).await;
    let retry_after: u64 = limited.0.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_problem(limited, 429, "rate-limited").await;
    from("10.2.2.2", "u4".into())
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_user_buying_too_fast_is_limited_per_product() {
    let limits = RateLimits {
        per_user: Some(RatePolicy::new(0.5, 1).unwrap()),
        ..RateLimits::NONE
    };
    let app = spawn_app_with(limits, None);
    app.open_sale("a", 5).await;
    app.open_sale("b", 5).await;
    app.buy("a", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
    assert_problem(app.buy("a", "alice").await, 429, "rate-limited").await;
    app.buy("b", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

#[tokio::test]
async fn many_buyers_behind_one_address_are_limited_per_product() {
    let limits = RateLimits {
        per_ip_product: Some(RatePolicy::new(0.5, 2).unwrap()),
        ..RateLimits::NONE
    };
    let app = spawn_app_with(limits, Some("x-forwarded-for"));
    app.open_sale("a", 50).await;
    app.open_sale("b", 50).await;
    let from = |product: &'static str, user: &'static str| {
        app.client
            .post(format!("/api/v1/sales/{product}/purchases"))
            .header("authorization", bearer(&token(user)))
            .header("x-forwarded-for", "10.9.9.9")
            .body_json(&serde_json::json!({}))
            .send()
    };
    for user in ["u1", "u2"] {
        from("a", user)
            .await
            .assert_status(poem::http::StatusCode::ACCEPTED);
    }
    assert_problem(from("a", "u3").await, 429, "rate-limited").await;
    from("b", "u3")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

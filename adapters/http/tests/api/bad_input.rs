//! Malformed requests get a clear 4xx problem, never a 500.

use crate::helpers::{assert_problem, bearer, spawn_app, token};

async fn post_raw(body: &'static str, content_type: &str) -> poem::test::TestResponse {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    app.client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("alice")))
        .content_type(content_type)
        .body(body)
        .send()
        .await
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    assert_problem(
        post_raw("{bad", "application/json").await,
        400,
        "bad-request",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_field_is_a_bad_request() {
    let response = post_raw(r#"{"quantity":1,"userId":"bob"}"#, "application/json").await;
    let body = assert_problem(response, 400, "bad-request").await;
    assert!(body["detail"].as_str().unwrap().contains("userId"));
}

#[tokio::test]
async fn a_wrongly_typed_field_is_a_bad_request() {
    assert_problem(
        post_raw(r#"{"quantity":"one"}"#, "application/json").await,
        400,
        "bad-request",
    )
    .await;
}

#[tokio::test]
async fn a_zero_quantity_fails_validation_naming_the_field() {
    let body = assert_problem(
        post_raw(r#"{"quantity":0}"#, "application/json").await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "quantity");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused() {
    assert_problem(
        post_raw("quantity=1", "text/plain").await,
        415,
        "unsupported-media-type",
    )
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_payload_too_large() {
    let app = spawn_app();
    let huge = format!(r#"{{"quantity":1,"pad":"{}"}}"#, "x".repeat(4_096));
    let response = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("alice")))
        .content_type("application/json")
        .body(huge)
        .send()
        .await;
    assert_problem(response, 413, "payload-too-large").await;
}

#[tokio::test]
async fn ids_with_metacharacters_are_bad_requests() {
    let app = spawn_app();
    for path in [
        "/api/v1/sales/a%7Bb%7D/purchases",
        "/api/v1/sales/a%27%20OR%201%3D1/purchases",
        "/api/v1/sales/a:b/purchases",
    ] {
        let response = app
            .client
            .post(path)
            .header("authorization", bearer(&token("alice")))
            .body_json(&serde_json::json!({}))
            .send()
            .await;
        assert_problem(response, 400, "bad-request").await;
    }
    let response = app
        .client
        .get("/api/v1/purchases/x%3By")
        .header("authorization", bearer(&token("alice")))
        .send()
        .await;
    assert_problem(response, 400, "bad-request").await;
}

#[tokio::test]
async fn an_unknown_path_and_a_wrong_method_are_problems_too() {
    let app = spawn_app();
    assert_problem(app.client.get("/nowhere").send().await, 404, "not-found").await;
    assert_problem(
        app.client.delete("/api/v1/sales").send().await,
        405,
        "method-not-allowed",
    )
    .await;
}

//! The edge is strict: tokens not valid yet, challenges on `401`, `Allow` on `405`, limits on the
//! URI and the headers, dot-segment ids, exact JSON media types and JSON types, and validation
//! errors that name their field, every refusal a problem.

use flashsale_domain::{MAX_QUANTITY, MAX_STOCK};
use jsonwebtoken::{encode, EncodingKey, Header};
use poem::http::StatusCode;
use poem::test::TestResponse;

use crate::helpers::{
    admin_token, assert_problem, bearer, new_sale, spawn_app, token, TestApp, SECRET,
};

fn header(response: &TestResponse, name: &str) -> Option<String> {
    response
        .0
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn buy_with(app: &TestApp, content_type: &str, body: &'static str) -> TestResponse {
    app.client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("alice")))
        .content_type(content_type)
        .body(body)
        .send()
        .await
}

async fn create(app: &TestApp, body: serde_json::Value) -> TestResponse {
    app.client
        .post("/api/v1/admin/sales")
        .header("authorization", bearer(&admin_token("ops")))
        .body_json(&body)
        .send()
        .await
}

#[tokio::test]
async fn a_token_not_valid_yet_is_unauthorized() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({"sub": "alice", "exp": now + 600, "nbf": now + 300});
    let early = encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let response = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&early))
        .body_json(&serde_json::json!({}))
        .send()
        .await;
    let body = assert_problem(response, 401, "unauthorized").await;
    assert!(body["detail"].as_str().unwrap().contains("not valid yet"));
}

#[tokio::test]
async fn every_401_challenges_for_a_bearer_token() {
    let app = spawn_app();
    let anonymous = app.client.get("/api/v1/purchases/x").send().await;
    assert_eq!(
        header(&anonymous, "www-authenticate").as_deref(),
        Some("Bearer")
    );
    assert_problem(anonymous, 401, "unauthorized").await;
    let forged = app
        .client
        .get("/api/v1/purchases/x")
        .header("authorization", bearer("not.a.jwt"))
        .send()
        .await;
    assert_eq!(
        header(&forged, "www-authenticate").as_deref(),
        Some("Bearer error=\"invalid_token\"")
    );
    assert_problem(forged, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_405_lists_the_methods_of_its_route() {
    let app = spawn_app();
    for (method, path, allow) in [
        ("DELETE", "/api/v1/sales", "GET, HEAD"),
        ("GET", "/api/v1/sales/phone/purchases", "POST"),
        ("PUT", "/api/v1/admin/sales", "POST"),
        ("POST", "/openapi.json", "GET, HEAD"),
    ] {
        let method = poem::http::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app.client.request(method.clone(), path).send().await;
        assert_eq!(
            header(&response, "allow").as_deref(),
            Some(allow),
            "{method} {path}"
        );
        assert_problem(response, 405, "method-not-allowed").await;
    }
}

#[tokio::test]
async fn an_overlong_uri_is_a_414_problem() {
    let app = spawn_app();
    let path = format!("/api/v1/sales?pad={}", "x".repeat(9_000));
    assert_problem(app.client.get(path).send().await, 414, "uri-too-long").await;
}

#[tokio::test]
async fn oversized_headers_are_a_431_problem() {
    let app = spawn_app();
    let mut request = app.client.get("/api/v1/sales");
    for n in 0..40 {
        request = request.header(format!("x-pad-{n}"), "a".repeat(1_000));
    }
    assert_problem(request.send().await, 431, "headers-too-large").await;
}

#[tokio::test]
async fn dot_segment_product_ids_are_bad_requests() {
    let app = spawn_app();
    for path in [
        "/api/v1/sales/./purchases",
        "/api/v1/sales/../purchases",
        "/api/v1/sales/%2E%2E/purchases",
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
    let mut body = new_sale("phone");
    body["productId"] = "..".into();
    let problem = assert_problem(create(&app, body).await, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["field"], "productId");
}

#[tokio::test]
async fn only_application_json_bodies_are_accepted() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    for refused in [
        "application/problem+json",
        "application/vnd.api+json",
        "application/json; charset=latin1",
    ] {
        let response = buy_with(&app, refused, "{}").await;
        assert_problem(response, 415, "unsupported-media-type").await;
    }
    buy_with(&app, "application/json; charset=utf-8", "{}")
        .await
        .assert_status(StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_number_where_a_string_id_is_expected_is_a_bad_request() {
    let app = spawn_app();
    let mut body = new_sale("phone");
    body["productId"] = 123.into();
    assert_problem(create(&app, body).await, 400, "bad-request").await;
    let mut body = new_sale("phone");
    body["name"] = true.into();
    assert_problem(create(&app, body).await, 400, "bad-request").await;
}

#[tokio::test]
async fn validation_errors_name_their_field_and_the_domain_bound() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let response = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("alice")))
        .body_json(&serde_json::json!({"quantity": MAX_QUANTITY + 1}))
        .send()
        .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["field"], "quantity");
    assert_eq!(
        problem["errors"][0]["message"],
        format!("must be from 1 to {MAX_QUANTITY}")
    );
    let mut body = new_sale("tv");
    body["stock"] = (MAX_STOCK + 1).into();
    body["endsAt"] = "2025-01-01T00:00:00Z".into();
    let problem = assert_problem(create(&app, body).await, 422, "validation-failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["endsAt", "stock"], "{problem}");
}

#[tokio::test]
async fn null_is_not_a_quantity_but_an_absent_one_is_one_unit() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let null = buy_with(&app, "application/json", r#"{"quantity":null}"#).await;
    assert_problem(null, 400, "bad-request").await;
    buy_with(&app, "application/json", "{}")
        .await
        .assert_status(StatusCode::ACCEPTED);
}

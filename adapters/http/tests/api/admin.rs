//! Creating sales: admins only, validated, one sale per product.

use crate::helpers::{admin_token, assert_problem, bearer, json, new_sale, spawn_app, token};

async fn create(
    app: &crate::helpers::TestApp,
    token: &str,
    body: serde_json::Value,
) -> poem::test::TestResponse {
    app.client
        .post("/api/v1/admin/sales")
        .header("authorization", bearer(token))
        .body_json(&body)
        .send()
        .await
}

#[tokio::test]
async fn an_admin_creates_a_sale_that_buyers_can_buy_at_once() {
    let app = spawn_app();
    let response = create(&app, &admin_token("ops"), new_sale("console")).await;
    response.assert_status(poem::http::StatusCode::CREATED);
    let body = json(response).await;
    assert_eq!(body["remaining"], 10);
    assert_eq!(body["perUserLimit"], 1);
    assert_eq!(body["status"], "open");
    app.buy("console", "alice")
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_buyer_token_cannot_create_sales() {
    let app = spawn_app();
    assert_problem(
        create(&app, &token("alice"), new_sale("console")).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_second_sale_of_the_same_product_is_a_conflict() {
    let app = spawn_app();
    create(&app, &admin_token("ops"), new_sale("console")).await;
    let again = create(&app, &admin_token("ops"), new_sale("console")).await;
    assert_problem(again, 409, "sale-exists").await;
}

#[tokio::test]
async fn a_sale_that_ends_before_it_starts_fails_validation() {
    let app = spawn_app();
    let mut body = new_sale("console");
    body["endsAt"] = "2025-01-01T00:00:00Z".into();
    let problem = assert_problem(
        create(&app, &admin_token("ops"), body).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "endsAt", "{problem}");
    assert_eq!(problem["errors"][0]["message"], "must be after startsAt");
}

#[tokio::test]
async fn a_sale_with_a_bad_product_id_fails_validation() {
    let app = spawn_app();
    let mut body = new_sale("console");
    body["productId"] = "bad id".into();
    let problem = assert_problem(
        create(&app, &admin_token("ops"), body).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "productId");
}

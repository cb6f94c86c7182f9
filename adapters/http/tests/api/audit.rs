//! Auditing a sale: admins only; the store's counts next to the gate's.

use poem::http::StatusCode;

use crate::helpers::{admin_token, assert_problem, bearer, json, spawn_app, token, TestApp};

async fn audit(app: &TestApp, token: &str, product: &str) -> poem::test::TestResponse {
    app.client
        .get(format!("/api/v1/admin/sales/{product}/audit"))
        .header("authorization", bearer(token))
        .send()
        .await
}

#[tokio::test]
async fn an_audit_counts_the_orders_once_they_are_persisted() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    let mut accepted = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let response = app.buy("phone", user).await;
        if response.0.status() == StatusCode::ACCEPTED {
            let body = json(response).await;
            accepted.push((user, body["requestId"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(accepted.len(), 2);
    for (user, request_id) in &accepted {
        assert_eq!(
            app.settled_result(user, request_id).await["status"],
            "succeeded"
        );
    }

    let response = audit(&app, &admin_token("ops"), "phone").await;
    response.assert_status_is_ok();
    let body = json(response).await;
    assert_eq!(
        body,
        serde_json::json!({
            "productId": "phone", "stock": 2, "remaining": 0, "orders": 2, "unitsOrdered": 2,
            "unitsPendingPayment": 2, "unitsPaid": 0, "distinctBuyers": 2, "maxOrdersPerBuyer": 1, "gateRemaining": 0, "inFlight": 0,
        })
    );
}

#[tokio::test]
async fn a_new_sale_audits_with_its_full_stock() {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let body = json(audit(&app, &admin_token("ops"), "phone").await).await;
    assert_eq!(body["remaining"], 5);
    assert_eq!(body["gateRemaining"], 5);
    assert_eq!(body["orders"], 0);
}

#[tokio::test]
async fn a_buyer_token_cannot_audit() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    assert_problem(
        audit(&app, &token("alice"), "phone").await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn auditing_without_a_token_is_unauthorized() {
    let app = spawn_app();
    let response = app
        .client
        .get("/api/v1/admin/sales/phone/audit")
        .send()
        .await;
    assert_problem(response, 401, "unauthorized").await;
}

#[tokio::test]
async fn auditing_an_unknown_product_is_not_found() {
    let app = spawn_app();
    assert_problem(
        audit(&app, &admin_token("ops"), "nothing").await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn auditing_a_malformed_product_id_is_a_bad_request() {
    let app = spawn_app();
    assert_problem(
        audit(&app, &admin_token("ops"), "bad%20id").await,
        400,
        "bad-request",
    )
    .await;
}

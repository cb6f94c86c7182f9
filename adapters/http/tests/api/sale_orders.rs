//! A sale's orders for its operators through HTTP: newest first with their buyers, a status
//! filter, pages that follow `next` without a gap or a repeat, and the refusals.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{admin_token, assert_problem, bearer, json, spawn_app, token, TestApp};

async fn order_of(app: &TestApp, product: &str, user: &str) -> String {
    let accepted = json(app.buy(product, user).await).await;
    let request_id = accepted["requestId"].as_str().expect("request id");
    let result = app.settled_result(user, request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result["orderId"].as_str().expect("order id").to_owned()
}

async fn list(app: &TestApp, query: &str) -> poem::test::TestResponse {
    app.client
        .get(format!("/api/v1/admin/sales/phone/orders{query}"))
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await
}

fn order_ids(page: &Value) -> Vec<String> {
    page["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["orderId"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn an_operator_pages_through_a_sales_orders_by_status() {
    let app = spawn_app();
    app.open_sale("phone", 10).await;
    app.open_sale("tablet", 10).await;
    let mut bought = Vec::new();
    for user in ["ann", "bob", "cyd", "dan", "eve"] {
        bought.push(order_of(&app, "phone", user).await);
    }
    order_of(&app, "tablet", "ann").await;
    app.client
        .post(format!("/api/v1/orders/{}/cancel", bought[1]))
        .header("authorization", bearer(&token("bob")))
        .send()
        .await
        .assert_status_is_ok();

    let all = json(list(&app, "").await).await;
    assert_eq!(order_ids(&all).len(), 5, "{all}");
    assert!(all.get("next").is_none(), "one page: {all}");
    let first = &all["orders"][0];
    assert!(
        first["userId"].is_string() && first["status"].is_string(),
        "{first}"
    );
    let created: Vec<&str> = all["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["createdAt"].as_str().expect("createdAt"))
        .collect();
    let mut newest_first = created.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, newest_first, "newest first");

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = json(list(&app, &query).await).await;
        let ids = order_ids(&page);
        assert!(ids.len() <= 2, "{page}");
        seen.extend(ids);
        let Some(next) = page["next"].as_str() else {
            break;
        };
        query = format!("?limit=2&after={next}");
    }
    assert_eq!(seen, order_ids(&all), "pages: no gap, no repeat");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>(),
        bought.iter().collect::<HashSet<_>>()
    );

    let cancelled = json(list(&app, "?status=cancelled").await).await;
    assert_eq!(order_ids(&cancelled), vec![bought[1].clone()]);
    let pending = json(list(&app, "?status=pending_payment").await).await;
    assert_eq!(order_ids(&pending).len(), 4);
    assert!(order_ids(&json(list(&app, "?status=paid").await).await).is_empty());
}

#[tokio::test]
async fn listing_a_sales_orders_refuses_what_it_cannot_answer() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    assert_problem(list(&app, "?limit=0").await, 422, "validation-failed").await;
    assert_problem(list(&app, "?limit=501").await, 422, "validation-failed").await;
    assert_problem(
        list(&app, "?after=nonsense").await,
        422,
        "validation-failed",
    )
    .await;
    let bad_status = list(&app, "?status=lost").await;
    assert_eq!(bad_status.0.status(), 400);
    let forbidden = app
        .client
        .get("/api/v1/admin/sales/phone/orders")
        .header("authorization", bearer(&token("ann")))
        .send()
        .await;
    assert_problem(forbidden, 403, "forbidden").await;
    let none = app
        .client
        .get("/api/v1/admin/sales/nothing/orders")
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await;
    assert_problem(none, 404, "not-found").await;
}

//! A sale's live figures through HTTP: the stock as the database and the gate hold it, and
//! this process's buys by outcome with their latency percentiles.

use serde_json::Value;

use crate::helpers::{admin_token, assert_problem, bearer, json, spawn_app, token, TestApp};

async fn figures(app: &TestApp, product: &str) -> poem::test::TestResponse {
    app.client
        .get(format!("/api/v1/admin/sales/{product}/figures"))
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await
}

fn rate(figures: &Value, name: &str) -> f64 {
    figures["buys"][name].as_f64().unwrap_or_else(|| panic!("{name}: {figures}"))
}

#[tokio::test]
async fn the_figures_show_stock_and_buys_by_outcome() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    let before = json(figures(&app, "phone").await).await;
    assert_eq!(before["sale"]["stock"], 2, "{before}");
    assert_eq!(rate(&before, "windowSecs"), 10.0);
    assert_eq!(rate(&before, "acceptedPerSec"), 0.0);
    assert!(before["buys"].get("p99Ms").is_none(), "no buys, no p99: {before}");

    for user in ["ann", "bob", "cyd", "dan"] {
        app.buy("phone", user).await;
    }
    app.buy("phone", "ann").await; // already purchased
    // The window holds full seconds only: wait for the buys' second to end.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = json(figures(&app, "phone").await).await;
    assert_eq!(after["sale"]["gateRemaining"], 0, "{after}");
    assert_eq!(rate(&after, "acceptedPerSec"), 0.2, "2 in 10 s: {after}");
    assert_eq!(rate(&after, "soldOutPerSec"), 0.2, "{after}");
    assert_eq!(rate(&after, "refusedPerSec"), 0.1, "{after}");
    assert!(rate(&after, "p99Ms") >= rate(&after, "p50Ms"), "{after}");
}

#[tokio::test]
async fn the_figures_are_for_admins_of_existing_sales() {
    let app = spawn_app();
    app.open_sale("phone", 1).await;
    let forbidden = app
        .client
        .get("/api/v1/admin/sales/phone/figures")
        .header("authorization", bearer(&token("ann")))
        .send()
        .await;
    assert_problem(forbidden, 403, "forbidden").await;
    assert_problem(figures(&app, "nothing").await, 404, "not-found").await;
}

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
    figures["buys"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name}: {figures}"))
}

#[tokio::test]
async fn the_figures_show_stock_and_buys_by_outcome() {
    let app = spawn_app();
    app.open_sale("phone", 2).await;
    let before = json(figures(&app, "phone").await).await;
    assert_eq!(before["sale"]["stock"], 2, "{before}");
    assert_eq!(rate(&before, "windowSecs"), 10.0);
    assert_eq!(rate(&before, "acceptedPerSec"), 0.0);
    assert!(
        before["buys"].get("p99Ms").is_none(),
        "no buys, no p99: {before}"
    );

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
    assert_eq!(after["queue"]["deadLettered"], 0, "{after}");
    assert!(after["queue"]["waiting"].is_u64(), "{after}");
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

/// The first `count` events of an event stream: (type, JSON data).
async fn first_events(response: poem::test::TestResponse, count: usize) -> Vec<(String, Value)> {
    use futures_util::StreamExt;
    response.assert_status_is_ok();
    response.assert_content_type("text/event-stream");
    let mut body = response.0.into_body().into_bytes_stream();
    let mut text = String::new();
    let mut events = Vec::new();
    while events.len() < count {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), body.next())
            .await
            .expect("an event within 5 s")
            .expect("the stream goes on")
            .expect("readable");
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(str::trim)
                    .map(str::to_owned)
            };
            if let (Some(kind), Some(data)) = (field("event:"), field("data:")) {
                events.push((kind, serde_json::from_str(&data).expect("JSON data")));
            }
        }
    }
    events
}

#[tokio::test]
async fn a_sales_figures_stream_once_a_second() {
    let app = spawn_app();
    app.open_sale("phone", 3).await;
    let stream = app
        .client
        .get("/api/v1/admin/sales/phone/events")
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await;
    app.buy("phone", "ann").await;
    let events = first_events(stream, 2).await;
    assert!(
        events.iter().all(|(kind, _)| kind == "figures"),
        "{events:?}"
    );
    assert_eq!(events[0].1["sale"]["stock"], 3, "{events:?}");
    assert_eq!(
        events[1].1["sale"]["gateRemaining"], 2,
        "the buy shows: {events:?}"
    );

    let board = app
        .client
        .get("/api/v1/admin/events")
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await;
    let events = first_events(board, 1).await;
    assert_eq!(events[0].0, "board");
    assert_eq!(
        events[0].1["sales"][0]["sale"]["productId"], "phone",
        "{events:?}"
    );
    assert!(events[0].1["sales"][0]["buys"]["acceptedPerSec"].is_number());

    let forbidden = app
        .client
        .get("/api/v1/admin/events")
        .header("authorization", bearer(&token("ann")))
        .send()
        .await;
    assert_problem(forbidden, 403, "forbidden").await;
    let none = app
        .client
        .get("/api/v1/admin/sales/nothing/events")
        .header("authorization", bearer(&admin_token("ops")))
        .send()
        .await;
    assert_problem(none, 404, "not-found").await;
}

//! An operator's controls of a live sale against real Redis, Kafka and MariaDB, through HTTP,
//! while buyers buy: units added (each restock sent three times at once) are sold exactly once
//! and never oversold; a pause refuses every new buy until the sale resumes; a sale closed
//! early refuses buys as ended. Each ends with the shared invariant check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::{buy, Outcome, Stampede};
use common::{address_of, admin_token, count, settings, start, App};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

const RESTOCKS: &str = "SELECT COUNT(*) FROM sale_restocks WHERE product_id = ?";

async fn control(app: &App, product: &str, action: &str, body: Option<Value>) -> Value {
    let url = format!("{}/api/v1/admin/sales/{product}/{action}", app.base);
    let request = app.client.post(url).bearer_auth(admin_token());
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.expect("answers");
    assert_eq!(response.status(), StatusCode::OK, "{action}");
    response.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn units_added_while_buyers_buy_sell_exactly_once() {
    let stack = flashsale_test_support::require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("restocked", 50, -60, 3_600).await;
    let stampede = Stampede::start(app.clone(), "restocked", 8, Duration::from_millis(2));

    // Five restocks of 30 units while buyers buy, each sent three times at once.
    for n in 0..5 {
        let body = json!({ "units": 30, "restockId": format!("restock-{n}") });
        let sent = (0..3).map(|_| control(&app, "restocked", "units", Some(body.clone())));
        let answers = join_all(sent).await;
        let stock = 50 + 30 * (n + 1);
        assert!(answers.iter().all(|a| a["stock"] == stock), "{answers:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stampede
        .wait_until("every unit sold", Duration::from_secs(60), |c| {
            c.accepted.load(Ordering::SeqCst) >= 200 && c.sold_out.load(Ordering::SeqCst) > 0
        })
        .await;
    let buys = stampede.finish().await;

    let summary = assert_invariants(&app, "restocked", &buys, Limits::default()).await;
    eprintln!("{summary}");
    assert_eq!((summary.stock, summary.orders), (200, 200), "{summary}");
    assert_eq!((summary.db_remaining, summary.gate_remaining), (0, 0));
    let db = app.database().await;
    assert_eq!(
        count(&db, RESTOCKS, "restocked").await,
        5,
        "one row per restock"
    );
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paused_sale_refuses_buys_until_resumed_and_a_closed_one_refuses_them_as_ended() {
    let stack = flashsale_test_support::require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("controlled", 10_000, -60, 3_600).await;
    let stampede = Stampede::start(app.clone(), "controlled", 4, Duration::from_millis(5));
    let accepted = |s: &Stampede| s.counts().accepted.load(Ordering::SeqCst);
    stampede
        .wait_until("buys accepted", Duration::from_secs(30), |c| {
            c.accepted.load(Ordering::SeqCst) >= 50
        })
        .await;

    let paused = control(&app, "controlled", "pause", None).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    // Buys already past the gate may still be answered; none after them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let while_paused = accepted(&stampede);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        accepted(&stampede),
        while_paused,
        "no buy accepted while paused"
    );
    let refused = buy(&app, "controlled", "late-buyer", &address_of(999_999)).await;
    assert!(
        matches!(&refused, Outcome::Refused { status: 409, kind } if kind.ends_with("sale-paused")),
        "{refused:?}"
    );

    let resumed = control(&app, "controlled", "resume", None).await;
    assert_eq!(resumed["status"], "open", "{resumed}");
    stampede
        .wait_until("buys accepted again", Duration::from_secs(30), |c| {
            c.accepted.load(Ordering::SeqCst) >= while_paused + 50
        })
        .await;

    let closed = control(&app, "controlled", "close", None).await;
    assert_eq!(closed["status"], "ended", "{closed}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_close = accepted(&stampede);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        accepted(&stampede),
        after_close,
        "no buy accepted once closed"
    );
    let ended = buy(&app, "controlled", "later-buyer", &address_of(999_998)).await;
    assert!(
        matches!(&ended, Outcome::Refused { status: 409, kind } if kind.ends_with("sale-ended")),
        "{ended:?}"
    );
    let buys = stampede.finish().await;
    let summary = assert_invariants(&app, "controlled", &buys, Limits::default()).await;
    eprintln!("{summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}

//! The listing and readiness answer from the in-process snapshot of the sales: a burst of
//! listings costs no catalog query, a sale created through the admin API is listed at once,
//! readiness follows the last listing, and the refresher stops with the last handle.

use std::sync::Arc;
use std::time::Duration;

use flashsale_http::SalesSnapshot;
use poem::http::StatusCode;

use crate::counting::{counted_service, spawn_counted_app};
use crate::helpers::{admin_token, assert_problem, bearer, json, new_sale};

#[tokio::test]
async fn a_burst_of_listings_queries_the_catalog_no_more_than_the_refresher_does() {
    let app = spawn_counted_app(SalesSnapshot::start);
    let first = json(app.client.get("/api/v1/sales").send().await).await;
    assert_eq!(first, serde_json::json!([]));
    let before = app.lists();
    assert_eq!(before, 1, "the refresher's first listing");

    for _ in 0..200 {
        app.client
            .get("/api/v1/sales")
            .send()
            .await
            .assert_status_is_ok();
        app.client.get("/readyz").send().await.assert_status_is_ok();
    }
    assert_eq!(app.lists(), before, "no catalog query per request");
}

#[tokio::test]
async fn a_sale_created_through_the_admin_api_is_listed_at_once() {
    let app = spawn_counted_app(SalesSnapshot::start);
    let before = json(app.client.get("/api/v1/sales").send().await).await;
    assert_eq!(before, serde_json::json!([]));

    app.client
        .post("/api/v1/admin/sales")
        .header("authorization", bearer(&admin_token("ops")))
        .body_json(&new_sale("console"))
        .send()
        .await
        .assert_status(StatusCode::CREATED);

    let after = json(app.client.get("/api/v1/sales").send().await).await;
    assert_eq!(after[0]["productId"], "console", "{after}");
    assert_eq!(after[0]["remaining"], 10);
}

#[tokio::test]
async fn readiness_and_the_listing_follow_the_last_listing() {
    // Refreshed by hand only.
    let app = spawn_counted_app(SalesSnapshot::new);
    let snapshot = &app.catalog;

    let problem = assert_problem(app.client.get("/readyz").send().await, 503, "unavailable").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not been listed yet"),
        "{problem}"
    );

    snapshot.refresh().await;
    app.client.get("/readyz").send().await.assert_status_is_ok();

    app.fail_lists(true);
    snapshot.refresh().await;
    let refused = app.client.get("/readyz").send().await;
    refused.assert_header("retry-after", "1");
    let problem = assert_problem(refused, 503, "unavailable").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("the sale catalog did not answer"),
        "{detail}"
    );
    assert!(
        !detail.contains("told to fail"),
        "internals stay in the log: {detail}"
    );
    assert_problem(
        app.client.get("/api/v1/sales").send().await,
        503,
        "unavailable",
    )
    .await;

    app.fail_lists(false);
    snapshot.refresh().await;
    app.client.get("/readyz").send().await.assert_status_is_ok();
    app.client
        .get("/api/v1/sales")
        .send()
        .await
        .assert_status_is_ok();
}

// Paused time: the sleeps below advance the clock at once, exactly.
#[tokio::test(start_paused = true)]
async fn a_listing_not_refreshed_for_a_few_intervals_is_stale() {
    let (service, _lists, _failing) = counted_service();
    let snapshot = SalesSnapshot::new(service, Duration::from_millis(10));
    snapshot.refresh().await;
    assert!(snapshot.current().is_ok());
    tokio::time::sleep(Duration::from_millis(60)).await;
    let unready = snapshot.current().expect_err("stale");
    assert!(
        unready.to_string().contains("old, refreshed every"),
        "{unready}"
    );
}

// Paused time: 200 ms pass exactly, so the refresher lists once per 10 ms tick.
#[tokio::test(start_paused = true)]
async fn the_refresher_lists_every_interval_and_stops_with_the_last_handle() {
    let (service, lists, _failing) = counted_service();
    let snapshot = SalesSnapshot::start(service.clone(), Duration::from_millis(10));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let counted = lists.load(std::sync::atomic::Ordering::SeqCst);
    assert!((19..=21).contains(&counted), "{counted} listings in 200 ms");

    drop(snapshot);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let at_drop = lists.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(lists.load(std::sync::atomic::Ordering::SeqCst), at_drop);
    assert_eq!(
        Arc::strong_count(&service),
        1,
        "nothing else holds the service"
    );
}

#[tokio::test]
async fn a_supervisor_learns_when_the_refresher_ended_without_holding_the_snapshot() {
    let (service, _lists, _failing) = counted_service();
    let snapshot = SalesSnapshot::start(service, Duration::from_millis(10));
    let ended = snapshot.refresher_ended();
    let mut waiting = tokio::spawn(ended.wait());
    let still_running = tokio::time::timeout(Duration::from_millis(100), &mut waiting).await;
    assert!(still_running.is_err(), "the refresher still runs");

    drop(snapshot);
    tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("told once the refresher ended")
        .unwrap();
}

#[tokio::test]
async fn a_snapshot_refreshed_by_hand_has_no_refresher_to_end() {
    let (service, _lists, _failing) = counted_service();
    let snapshot = SalesSnapshot::new(service, Duration::from_millis(10));
    let ended = snapshot.refresher_ended();
    assert!(
        tokio::time::timeout(Duration::from_millis(50), ended.wait())
            .await
            .is_err(),
        "never resolves"
    );
}

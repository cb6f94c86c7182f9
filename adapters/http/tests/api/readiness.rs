//! `/readyz` also asks the wiring's dependency checks, and turns red for good once the process
//! is stopping.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use flashsale_http::{HttpSettings, Readiness};

use crate::helpers::{assert_problem, settings, spawn_app_from, NO_RATE_LIMITS};

#[tokio::test]
async fn readiness_waits_for_every_dependency_check_and_names_the_one_not_ready() {
    let producer_ready = Arc::new(AtomicBool::new(false));
    let readiness = Readiness::new();
    let flag = Arc::clone(&producer_ready);
    readiness.add("order queue producer", move || {
        if flag.load(Ordering::Acquire) {
            Ok(())
        } else {
            Err("no producer id yet".into())
        }
    });
    let app = spawn_app_from(
        NO_RATE_LIMITS,
        HttpSettings {
            readiness: readiness.clone(),
            ..settings(None)
        },
    );
    app.catalog.refresh().await;

    let refused = app.client.get("/readyz").send().await;
    refused.assert_header("retry-after", "1");
    let problem = assert_problem(refused, 503, "unavailable").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("order queue producer"), "{detail}");

    producer_ready.store(true, Ordering::Release);
    app.client.get("/readyz").send().await.assert_status_is_ok();

    readiness.down("the order worker ended");
    let problem = assert_problem(app.client.get("/readyz").send().await, 503, "unavailable").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("stopping"), "{detail}");
}

//! A worker that ends on its own (it failed, e.g. could not subscribe) takes the API down with
//! it, and the service ends with the worker's error: never a process that answers `/healthz`
//! while consuming nothing.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::time::Duration;

use flashsale::runner::{launch, Launch};
use flashsale::{embedded, Profile, Role, Settings};

async fn launched_with<F>(worker: F) -> flashsale::Running
where
    F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
    settings.http.bind = "127.0.0.1:0".into();
    let (service, _receiver) = embedded::build(&settings).expect("builds");
    launch(Launch {
        service,
        role: Role::All,
        bind: settings.http.bind.clone(),
        http: embedded::http_settings(&settings),
        grace: Duration::from_secs(1),
        worker: move |_stop| worker,
    })
    .await
    .expect("launches")
}

#[tokio::test]
async fn a_failing_worker_stops_the_api_and_the_service_ends_with_its_error() {
    let mut running = launched_with(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        anyhow::bail!("cannot subscribe to the orders topic")
    })
    .await;
    let base = format!("http://{}", running.addr().expect("serves the API"));
    let client = reqwest::Client::new();
    let live = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(live.status().as_u16(), 200, "alive while the worker runs");

    let ended = tokio::time::timeout(Duration::from_secs(10), running.finished())
        .await
        .expect("the service ends once its worker failed");
    let error = format!("{:#}", ended.expect_err("ends with an error"));
    assert!(error.contains("cannot subscribe"), "{error}");
    assert!(
        client.get(format!("{base}/healthz")).send().await.is_err(),
        "the API no longer answers"
    );
}

#[tokio::test]
async fn a_worker_that_returns_before_it_was_asked_to_is_an_error_too() {
    let mut running = launched_with(async { Ok(()) }).await;
    let ended = tokio::time::timeout(Duration::from_secs(10), running.finished())
        .await
        .expect("the service ends once its worker ended");
    let error = format!("{:#}", ended.expect_err("ends with an error"));
    assert!(error.contains("before it was asked to stop"), "{error}");
}

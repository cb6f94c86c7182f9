//! Supervision: a worker that ends on its own (it failed, e.g. could not subscribe), or any
//! other watched task that ends (the metrics gauges, the catalog refresher), takes the API down
//! with it, turns `/readyz` red, and the service ends with an error naming it: never a process
//! that answers `/healthz` while not doing all of its work.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::time::Duration;

use flashsale::runner::{launch, Launch, StopSignal, Watched};
use flashsale::{embedded, Profile, Role, Settings};
use flashsale_http::{HttpSettings, Readiness};

async fn launched_with<F>(worker: F) -> flashsale::Running
where
    F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    launched_watching(move |_stop| worker, Vec::new(), Readiness::new()).await
}

async fn launched_watching<W, F>(
    worker: W,
    watched: Vec<Watched>,
    readiness: Readiness,
) -> flashsale::Running
where
    W: FnOnce(StopSignal) -> F,
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
        http: HttpSettings {
            readiness,
            ..embedded::http_settings(&settings).expect("valid")
        },
        grace: Duration::from_secs(1),
        worker,
        watched,
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

#[tokio::test]
async fn a_watched_task_that_ends_stops_the_service_with_an_error_naming_it_and_readiness_red() {
    let readiness = Readiness::new();
    let gauges = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        panic!("the gauges broke");
    });
    // A worker that stops when told: only the gauges end on their own.
    let mut running = launched_watching(
        |stop: StopSignal| async move {
            stop.await;
            Ok(())
        },
        vec![Watched::task("metrics gauges", gauges)],
        readiness.clone(),
    )
    .await;
    let base = format!("http://{}", running.addr().expect("serves the API"));
    let client = reqwest::Client::new();
    let live = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(live.status().as_u16(), 200, "alive while every task runs");
    assert!(readiness.check().is_ok(), "nothing ended yet");

    let ended = tokio::time::timeout(Duration::from_secs(10), running.finished())
        .await
        .expect("the service ends once a watched task ended");
    let error = format!("{:#}", ended.expect_err("ends with an error"));
    assert!(error.contains("metrics gauges"), "{error}");
    let why = readiness.check().expect_err("unready once a task ended");
    assert!(why.contains("metrics gauges"), "{why}");
    assert!(
        client.get(format!("{base}/healthz")).send().await.is_err(),
        "the API no longer answers"
    );
}

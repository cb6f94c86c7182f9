//! A process that runs only the worker still answers `GET /metrics`, and nothing else.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::time::Duration;

use flashsale::runner::{launch, Launch};
use flashsale::{embedded, Profile, Role, Settings};
use flashsale_http::RenderMetrics;

#[tokio::test]
async fn a_worker_only_process_serves_metrics_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
    settings.http.bind = "127.0.0.1:0".into();
    let (service, _receiver) = embedded::build(&settings).expect("builds");
    let mut http = embedded::http_settings(&settings).expect("valid");
    http.metrics = Some(RenderMetrics::new(|| "flashsale_probe 1\n".to_owned()));
    let running = launch(Launch {
        service,
        role: Role::Worker,
        bind: settings.http.bind.clone(),
        http,
        grace: Duration::from_secs(1),
        worker: |stop| async move {
            stop.await;
            Ok(())
        },
        watched: Vec::new(),
    })
    .await
    .expect("launches");
    let base = format!("http://{}", running.addr().expect("serves /metrics"));
    let client = reqwest::Client::new();

    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status().as_u16(), 200);
    assert_eq!(metrics.text().await.unwrap(), "flashsale_probe 1\n");
    let api = client
        .get(format!("{base}/api/v1/sales"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 404);

    running.stop().await.expect("stops cleanly");
}

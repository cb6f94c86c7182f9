//! The limit on requests in flight: past it a request is refused at once with `503`
//! `overloaded` and `Retry-After`, the probes and `/metrics` still answer, and once a request
//! finishes the next ones pass again.

use flashsale_http::{HttpSettings, RenderMetrics};
use poem::http::StatusCode;
use poem::Body;
use tokio::io::AsyncWriteExt;

use crate::helpers::{
    assert_problem, bearer, settings, spawn_app_from, token, TestApp, NO_RATE_LIMITS,
};
use crate::scrape::recorder;

/// The value of an unlabelled counter in Prometheus text (0 when absent).
fn counter(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .map_or(0, |value| value.trim().parse().expect("a counter value"))
}

/// A purchase of `phone` whose body arrives only when the returned writer is written to and
/// dropped: it holds its permit until then.
fn slow_purchase(
    app: &TestApp,
) -> (
    tokio::io::DuplexStream,
    impl std::future::Future<Output = poem::test::TestResponse> + '_,
) {
    let (body, unfinished) = tokio::io::duplex(64);
    let purchase = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .header("authorization", bearer(&token("slow-buyer")))
        .content_type("application/json")
        .body(Body::from_async_read(unfinished))
        .send();
    (body, purchase)
}

#[tokio::test]
async fn past_the_limit_a_request_is_refused_at_once_while_the_probes_still_answer() {
    let handle = recorder();
    let render = handle.clone();
    let app = spawn_app_from(
        NO_RATE_LIMITS,
        HttpSettings {
            max_in_flight_requests: 1,
            metrics: Some(RenderMetrics::new(move || render.render())),
            ..settings(None)
        },
    );
    app.open_sale("phone", 5).await;
    let shed_before = counter(&handle.render(), "flashsale_http_requests_shed_total");

    // A purchase whose body is still on its way holds the only permit until the body ends.
    let (mut body, slow_purchase) = slow_purchase(&app);
    let meanwhile = async {
        let refused = app.client.get("/api/v1/sales").send().await;
        refused.assert_header("retry-after", "1");
        let problem = assert_problem(refused, 503, "overloaded").await;
        assert_eq!(problem["title"], "Overloaded");

        app.client
            .get("/healthz")
            .send()
            .await
            .assert_status_is_ok();
        app.client.get("/readyz").send().await.assert_status_is_ok();
        let metrics = app.client.get("/metrics").send().await;
        metrics.assert_status_is_ok();
        let text = metrics.0.into_body().into_string().await.expect("text");
        assert_eq!(
            counter(&text, "flashsale_http_requests_shed_total"),
            shed_before + 1,
            "the refusal is counted"
        );

        body.write_all(b"{}").await.expect("written");
        drop(body);
    };
    // `join!` polls the slow purchase first: it takes the permit before the others are sent.
    let (purchase, ()) = tokio::join!(slow_purchase, meanwhile);
    purchase.assert_status(StatusCode::ACCEPTED);

    app.client
        .get("/api/v1/sales")
        .send()
        .await
        .assert_status_is_ok();
    app.buy("phone", "next-buyer")
        .await
        .assert_status(StatusCode::ACCEPTED);
}

#[tokio::test]
async fn without_a_limit_requests_in_flight_are_not_refused() {
    let app = spawn_app_from(NO_RATE_LIMITS, settings(None));
    app.open_sale("phone", 5).await;
    let (mut body, slow_purchase) = slow_purchase(&app);
    let meanwhile = async {
        app.client
            .get("/api/v1/sales")
            .send()
            .await
            .assert_status_is_ok();
        body.write_all(b"{}").await.expect("written");
        drop(body);
    };
    let (purchase, ()) = tokio::join!(slow_purchase, meanwhile);
    purchase.assert_status(StatusCode::ACCEPTED);
}

//! `GET /metrics`: Prometheus text, request timings labelled by route template, outside the spec.

use std::sync::OnceLock;

use flashsale_http::{app, HttpSettings, RenderMetrics};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use poem::test::TestClient;
use poem::EndpointExt;

use crate::helpers::{bearer, settings, spawn_app, token};

/// One recorder for this test binary; the other tests record into it too, harmlessly.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .expect("the only recorder of this binary")
        })
        .clone()
}

#[tokio::test]
async fn metrics_are_served_as_prometheus_text_with_route_templates_as_labels() {
    let handle = recorder();
    let test_app = spawn_app();
    test_app.open_sale("scrape-phone", 5).await;
    let with_metrics = HttpSettings {
        metrics: Some(RenderMetrics::new(move || handle.render())),
        ..settings(None)
    };
    let client = TestClient::new(
        app(
            test_app.service.clone(),
            test_app.catalog.clone(),
            &with_metrics,
        )
        .map_to_response(),
    );

    client
        .post("/api/v1/sales/scrape-phone/purchases")
        .header("authorization", bearer(&token("scrape-buyer")))
        .body_json(&serde_json::json!({}))
        .send()
        .await
        .assert_status(poem::http::StatusCode::ACCEPTED);
    client
        .get("/no/such/path")
        .send()
        .await
        .assert_status(poem::http::StatusCode::NOT_FOUND);

    let response = client.get("/metrics").send().await;
    response.assert_status_is_ok();
    response.assert_content_type("text/plain; version=0.0.4; charset=utf-8");
    let text = response.0.into_body().into_string().await.expect("text");
    let purchase = text
        .lines()
        .find(|line| {
            line.starts_with("flashsale_http_request_duration_seconds")
                && line.contains("method=\"POST\"")
                && line.contains("status=\"202\"")
        })
        .unwrap_or_else(|| panic!("no timing of the purchase in:\n{text}"));
    assert!(
        purchase.contains("route=\"/api/v1/sales/:productId/purchases\""),
        "{purchase}"
    );
    assert!(
        !text.contains("scrape-phone"),
        "a raw path leaked into a label:\n{text}"
    );
    assert!(text.contains("route=\"unmatched\""), "{text}");
}

#[tokio::test]
async fn without_a_renderer_there_is_no_metrics_route_and_the_spec_never_lists_it() {
    let test_app = spawn_app();
    test_app
        .client
        .get("/metrics")
        .send()
        .await
        .assert_status(poem::http::StatusCode::NOT_FOUND);
    let spec = test_app.client.get("/openapi.json").send().await;
    let spec = spec.0.into_body().into_string().await.expect("spec");
    assert!(!spec.contains("/metrics"));
}

#[tokio::test]
async fn a_metrics_token_admits_only_the_requests_that_carry_it() {
    let test_app = spawn_app();
    let guarded = HttpSettings {
        metrics: Some(
            RenderMetrics::new(|| "flashsale_probe 1\n".to_owned()).guarded_by("scrape-secret"),
        ),
        ..settings(None)
    };
    let client = TestClient::new(
        app(test_app.service.clone(), test_app.catalog.clone(), &guarded).map_to_response(),
    );

    for authorization in [
        None,
        Some("Bearer wrong-secret"),
        Some("Bearer scrape-secre"),
    ] {
        let mut request = client.get("/metrics");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await;
        response.assert_status(poem::http::StatusCode::UNAUTHORIZED);
        response.assert_header("www-authenticate", r#"Bearer realm="metrics""#);
        response.assert_content_type("application/problem+json");
        let problem: serde_json::Value = response.json().await.value().deserialize();
        assert_eq!(problem["type"], "urn:flashsale:problem:unauthorized");
        assert_eq!(problem["status"], 401);
    }

    let response = client
        .get("/metrics")
        .header("authorization", "Bearer scrape-secret")
        .send()
        .await;
    response.assert_status_is_ok();
    response.assert_text("flashsale_probe 1\n").await;
}

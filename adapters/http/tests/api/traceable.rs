//! Every request has an id: the caller's `X-Request-Id` when safe, else a new one; the response
//! echoes it, a problem names it in `instance`, and the log lines of the request carry it with
//! the route template and the buyer.

use std::io::Write;
use std::sync::{Arc, Mutex};

use poem::http::StatusCode;
use serde_json::Value;

use crate::counting::spawn_counted_app;
use crate::helpers::{admin_token, assert_problem, bearer, spawn_app};
use flashsale_http::SalesSnapshot;

fn request_id(response: &poem::test::TestResponse) -> String {
    response
        .0
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .expect("an X-Request-Id")
        .to_owned()
}

#[tokio::test]
async fn a_safe_request_id_is_echoed_and_names_the_problem_instance() {
    let app = spawn_app();
    let response = app
        .client
        .get("/nowhere")
        .header("x-request-id", "edge-42.a_b:c")
        .send()
        .await;
    assert_eq!(request_id(&response), "edge-42.a_b:c");
    let problem = assert_problem(response, 404, "not-found").await;
    assert_eq!(problem["instance"], "urn:flashsale:request:edge-42.a_b:c");
}

#[tokio::test]
async fn an_unsafe_or_missing_request_id_is_replaced_by_a_new_one() {
    let app = spawn_app();
    let unsafe_id = app
        .client
        .get("/healthz")
        .header("x-request-id", "a b<script>")
        .send()
        .await;
    unsafe_id.assert_status_is_ok();
    let made = request_id(&unsafe_id);
    assert_eq!(made.len(), 32, "{made}");
    assert!(made.chars().all(|c| c.is_ascii_hexdigit()), "{made}");
    let first = request_id(&app.client.get("/healthz").send().await);
    let second = request_id(&app.client.get("/healthz").send().await);
    assert_ne!(first, second);
}

#[tokio::test]
async fn problems_raised_before_a_handler_name_their_instance_too() {
    let app = spawn_app();
    let response = app
        .client
        .post("/api/v1/sales/phone/purchases")
        .body_json(&serde_json::json!({}))
        .send()
        .await;
    let id = request_id(&response);
    let problem = assert_problem(response, 401, "unauthorized").await;
    assert_eq!(problem["instance"], format!("urn:flashsale:request:{id}"));
}

/// Log lines written as JSON into memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

#[tokio::test]
async fn a_log_line_of_a_request_carries_its_id_route_and_buyer() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn_counted_app(SalesSnapshot::new);
    app.fail_lists(true);
    let response = app
        .client
        .get("/api/v1/admin/sales/phone/audit")
        .header("authorization", bearer(&admin_token("ops")))
        .header("x-request-id", "trace-me")
        .send()
        .await;
    response.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    let problem = assert_problem(response, 503, "unavailable").await;
    assert_eq!(problem["instance"], "urn:flashsale:request:trace-me");

    let lines = captured.lines();
    let logged = lines
        .iter()
        .find(|line| line["fields"]["message"] == "dependency unavailable")
        .unwrap_or_else(|| panic!("no line says the dependency is unavailable: {lines:?}"));
    let span = &logged["span"];
    assert_eq!(span["name"], "request", "{logged}");
    assert_eq!(span["request_id"], "trace-me", "{logged}");
    assert_eq!(span["route"], "/api/v1/admin/sales/:productId/audit");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["buyer"], "ops", "{logged}");
}

//! The log lines of a request carry its id, method, route template and buyer: the request's
//! span (see `edge`) holds them. A binary of its own: a subscriber set for one thread while other
//! tests register the same callsites on other threads may miss spans (tracing caches interest
//! per callsite), so this test runs alone.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

#[path = "api/counting.rs"]
#[allow(dead_code)]
mod counting;
#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex};

use flashsale_http::SalesSnapshot;
use poem::http::StatusCode;
use serde_json::Value;

use crate::counting::spawn_counted_app;
use crate::helpers::{admin_token, assert_problem, bearer};

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

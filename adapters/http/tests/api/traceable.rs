//! Every request has an id: the caller's `X-Request-Id` when safe, else a new one; the response
//! echoes it and a problem names it in `instance`. (That the log lines of the request carry it:
//! `tests/request_logs.rs`, a binary of its own.)

use crate::helpers::{assert_problem, spawn_app};

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

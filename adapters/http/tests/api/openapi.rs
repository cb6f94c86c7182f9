//! The committed OpenAPI document is the served one, the docs page is served, every error
//! response is problem+json, and every operation lists the edge's refusals (414, 431).
//!
//! After an intended API change, regenerate it: `UPDATE_OPENAPI=1 cargo test -p flashsale-http`.

use crate::helpers::spawn_app;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

/// The spec the service serves, parsed.
async fn served_spec() -> serde_json::Value {
    let app = spawn_app();
    app.client
        .get("/openapi.json")
        .send()
        .await
        .0
        .into_body()
        .into_json()
        .await
        .expect("json")
}

#[tokio::test]
async fn the_served_spec_equals_docs_openapi_json() {
    let app = spawn_app();
    let response = app.client.get("/openapi.json").send().await;
    response.assert_status_is_ok();
    let served = response.0.into_body().into_string().await.expect("text");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, format!("{}\n", served.trim_end())).expect("written");
    }
    let committed = std::fs::read_to_string(COMMITTED).expect("docs/openapi.json exists");
    assert!(
        served.trim_end() == committed.trim_end(),
        "docs/openapi.json differs from the served spec; regenerate it with \
         `UPDATE_OPENAPI=1 cargo test -p flashsale-http --test api openapi`"
    );
}

#[tokio::test]
async fn the_interactive_docs_are_served() {
    let app = spawn_app();
    let response = app.client.get("/docs").send().await;
    response.assert_status_is_ok();
    let page = response.0.into_body().into_string().await.expect("html");
    assert!(page.contains("swagger"), "the docs page loads Swagger UI");
}

#[tokio::test]
async fn every_error_response_in_the_spec_is_problem_json() {
    let spec = served_spec().await;
    let mut checked = 0;
    for (path, operations) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has an operationId"
            );
            for (status, response) in operation["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().expect("content");
                    assert!(
                        content.contains_key("application/problem+json"),
                        "{method} {path} {status}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 10);
}

#[tokio::test]
async fn every_operation_documents_the_edges_refusals() {
    let spec = served_spec().await;
    let mut operations = 0;
    for (path, methods) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in methods.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            // Refused before routing, whatever the operation: the target's and headers' limits.
            for status in ["414", "431"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} documents {status}"
                );
            }
            operations += 1;
        }
    }
    assert!(operations > 10);
}

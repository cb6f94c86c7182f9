//! A running embedded service behind a test client, and tokens for its buyers.

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{Clock, KeyTimes};
use flashsale_application::FlashSale;
use flashsale_domain::{ProductId, Sale, SaleWindow, Timestamp};
use flashsale_http::{
    app, mint_token, sign_webhook, HttpSettings, Readiness, SalesSnapshot, TokenSecret,
    WebhookSecret, WebhookSettings, DEFAULT_TOLERANCE,
};
use flashsale_memory::{
    embedded, run_order_worker, Embedded, EmbeddedSettings, RateLimits, SystemClock, WorkerSettings,
};
use poem::endpoint::BoxEndpoint;
use poem::test::{TestClient, TestResponse};
use poem::EndpointExt;
use serde_json::Value;

pub const SECRET: &str = "http-test-secret";

/// The payment webhook's secret in the test apps.
pub const WEBHOOK_SECRET: &str = "whsec_http_test";

/// So long that within a test the snapshot of the sales changes only when a test refreshes it
/// (or creates a sale): the listing is deterministic.
pub const CATALOG_REFRESH: Duration = Duration::from_secs(3_600);

pub struct TestApp {
    pub client: TestClient<BoxEndpoint<'static, poem::Response>>,
    pub service: Arc<FlashSale<Embedded>>,
    pub catalog: SalesSnapshot<Embedded>,
}

pub fn settings(client_ip_header: Option<&str>) -> HttpSettings {
    HttpSettings {
        token_secret: TokenSecret::new(SECRET),
        webhook: WebhookSettings {
            secret: webhook_secret(),
            tolerance: DEFAULT_TOLERANCE,
        },
        client_ip_header: client_ip_header.map(str::to_owned),
        body_limit_bytes: 1024,
        max_in_flight_requests: 0,
        catalog_refresh: CATALOG_REFRESH,
        readiness: Readiness::new(),
        metrics: None,
    }
}

pub fn spawn_app_with(limits: RateLimits, client_ip_header: Option<&str>) -> TestApp {
    spawn_app_from(limits, settings(client_ip_header))
}

/// Idempotency records of the test apps: an hour to live, held ten seconds by an attempt.
pub const KEY_TIMES: KeyTimes = KeyTimes {
    ttl: Duration::from_secs(3_600),
    lease: Duration::from_secs(10),
};

pub fn spawn_app_from(limits: RateLimits, settings: HttpSettings) -> TestApp {
    spawn_app_keeping_keys(limits, settings, KEY_TIMES)
}

pub fn spawn_app_keeping_keys(
    limits: RateLimits,
    settings: HttpSettings,
    idempotency: KeyTimes,
) -> TestApp {
    let (adapters, receiver) = embedded(&EmbeddedSettings {
        rate_limits: limits,
        queue_capacity: 1_000,
        publish_timeout: Duration::from_millis(50),
        idempotency,
    });
    let service = Arc::new(FlashSale::new(adapters));
    tokio::spawn(run_order_worker(
        service.clone(),
        receiver,
        WorkerSettings {
            batch_size: 32,
            retry_backoff: Duration::from_millis(10),
        },
        std::future::pending::<()>(),
    ));
    let catalog = SalesSnapshot::start(service.clone(), settings.catalog_refresh);
    let endpoint = app(service.clone(), catalog.clone(), &settings);
    let boxed = endpoint.map_to_response().boxed();
    TestApp {
        client: TestClient::new(boxed),
        service,
        catalog,
    }
}

pub const NO_RATE_LIMITS: RateLimits = RateLimits::NONE;

pub fn spawn_app() -> TestApp {
    spawn_app_with(NO_RATE_LIMITS, None)
}

pub fn token(user: &str) -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        user,
        false,
        Duration::from_secs(600),
    )
    .expect("minted")
}

pub fn admin_token(user: &str) -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        user,
        true,
        Duration::from_secs(600),
    )
    .expect("minted")
}

/// The body of an admin's `createSale` for `product`: 10 units, open until 2099.
pub fn new_sale(product: &str) -> Value {
    serde_json::json!({
        "productId": product,
        "name": "Console",
        "stock": 10,
        "startsAt": "2026-01-01T00:00:00Z",
        "endsAt": "2099-01-01T00:00:00Z",
    })
}

pub fn webhook_secret() -> WebhookSecret {
    WebhookSecret::new(WEBHOOK_SECRET).expect("a usable secret")
}

/// The `Flashsale-Signature` of `body` sent `age_secs` ago (negative: in the future).
pub fn signature(body: &str, age_secs: i64) -> String {
    let now = SystemClock.now().as_millis() / 1_000;
    sign_webhook(&webhook_secret(), now - age_secs, body.as_bytes())
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

impl TestApp {
    pub async fn open_sale(&self, product: &str, stock: u32) {
        self.sale_from(product, stock, -60_000, 3_600_000).await;
    }

    pub async fn sale_from(&self, product: &str, stock: u32, from: i64, to: i64) {
        let now = SystemClock.now().as_millis();
        let window = SaleWindow::new(
            Timestamp::from_millis(now + from),
            Timestamp::from_millis(now + to),
        )
        .expect("valid");
        let sale = Sale::new(
            ProductId::parse(product).expect("valid"),
            "Phone",
            stock,
            window,
        )
        .expect("valid");
        self.service.create_sale(sale).await.expect("created");
        // As the admin API does after creating a sale.
        self.catalog.refresh().await;
    }

    pub async fn buy(&self, product: &str, user: &str) -> TestResponse {
        self.client
            .post(format!("/api/v1/sales/{product}/purchases"))
            .header("authorization", bearer(&token(user)))
            .body_json(&serde_json::json!({}))
            .send()
            .await
    }

    /// Polls a purchase until it leaves `pending`, for at most two seconds.
    pub async fn settled_result(&self, user: &str, request_id: &str) -> Value {
        for _ in 0..200 {
            let response = self
                .client
                .get(format!("/api/v1/purchases/{request_id}"))
                .header("authorization", bearer(&token(user)))
                .send()
                .await;
            response.assert_status_is_ok();
            let body: Value = response.0.into_body().into_json().await.expect("json");
            if body["status"] != "pending" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("purchase {request_id} stayed pending");
    }
}

/// Asserts a problem+json response with this status and type suffix; returns its body.
pub async fn assert_problem(response: TestResponse, status: u16, kind: &str) -> Value {
    assert_eq!(response.0.status().as_u16(), status, "status");
    let content_type = response
        .0
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.0.into_body().into_json().await.expect("json body");
    assert_eq!(
        body["type"],
        format!("urn:flashsale:problem:{kind}"),
        "{body}"
    );
    assert_eq!(body["status"], status);
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

pub async fn json(response: TestResponse) -> Value {
    response.0.into_body().into_json().await.expect("json body")
}

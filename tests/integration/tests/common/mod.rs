//! The production profile started in-process against the container stack, and a buyer's view
//! of it over HTTP.
#![allow(dead_code)] // each test binary uses a different part

use std::path::Path;
use std::time::Duration;

use flashsale::{Profile, Running, Settings};
use flashsale_http::{mint_token, TokenSecret};
use flashsale_test_support::{key_prefix, unique_topic, Stack};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::MySqlPool;

pub mod dead_letters;
pub mod invariants;
pub mod ownership;
pub mod payments;
pub mod stampede;

pub const SECRET: &str = "integration-test-secret-not-for-production";

/// The payment webhook's secret of the services under test.
pub const WEBHOOK_SECRET: &str = "whsec_integration-test-not-for-production";

/// Production settings pointing at the stack, isolated: own key prefix, database and topics.
pub async fn settings(stack: &Stack) -> Settings {
    let mut settings = Settings::load(Profile::Production, Path::new("/nonexistent"))
        .expect("built-in defaults load");
    let topic = unique_topic();
    settings.http.bind = "127.0.0.1:0".into();
    settings.http.client_ip_header = "x-forwarded-for".into();
    settings.auth.token_secret = flashsale::settings::Secret::new(SECRET);
    settings.payments.webhook_secret = flashsale::settings::Secret::new(WEBHOOK_SECRET);
    settings.redis.url = flashsale::settings::Secret::new(stack.redis_url());
    settings.redis.key_prefix = key_prefix();
    settings.mysql.url =
        flashsale::settings::Secret::new(stack.fresh_database().await.expect("db"));
    settings.kafka.bootstrap_servers = stack.kafka_bootstrap_servers();
    settings.kafka.dead_letter_topic = format!("{topic}-dlq");
    settings.kafka.order_events_topic = format!("{topic}-events");
    settings.kafka.group_id = format!("{topic}-workers");
    settings.kafka.topic = topic;
    settings.kafka.partitions = 4;
    settings.kafka.delivery_timeout_ms = 3_000;
    settings.worker.batch_size = 200;
    settings.worker.retry_backoff_ms = 100;
    settings.demo.seed = false;
    settings
}

/// A running production service and an HTTP client for it.
pub struct App {
    /// The service when it runs in this process; `None` for one run as a separate process.
    pub running: Option<Running>,
    pub base: String,
    pub client: reqwest::Client,
    pub settings: Settings,
}

pub async fn start(settings: Settings) -> App {
    let running = flashsale::start(Profile::Production, &settings)
        .await
        .expect("starts");
    let base = format!("http://{}", running.addr().expect("serves the API"));
    App {
        running: Some(running),
        ..remote(base, settings)
    }
}

/// A service run elsewhere (e.g. the binary in a child process), reached at `base`.
pub fn remote(base: String, settings: Settings) -> App {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    App {
        running: None,
        base,
        client,
        settings,
    }
}

pub fn token(user: &str) -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        user,
        false,
        Duration::from_secs(3_600),
    )
    .expect("token")
}

pub fn admin_token() -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        "ops",
        true,
        Duration::from_secs(3_600),
    )
    .expect("token")
}

/// A fake client address per user, so per-address limits behave as with real buyers.
pub fn address_of(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<u64>,
}

impl App {
    pub async fn stop(self) -> Settings {
        if let Some(running) = self.running {
            running.stop().await.expect("stops cleanly");
        }
        self.settings
    }

    /// Creates a sale through the admin API, open from `from` to `to` seconds relative to now.
    pub async fn create_sale(&self, product: &str, stock: u32, from: i64, to: i64) {
        let now = chrono::Utc::now();
        let at = |offset: i64| {
            (now + chrono::Duration::seconds(offset))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        let response = self
            .client
            .post(format!("{}/api/v1/admin/sales", self.base))
            .bearer_auth(admin_token())
            .json(&json!({
                "productId": product, "name": product, "stock": stock,
                "startsAt": at(from), "endsAt": at(to),
            }))
            .send()
            .await
            .expect("answers");
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{:?}",
            response.text().await
        );
    }

    pub async fn buy_from(&self, product: &str, user: &str, address: &str) -> Answer {
        let response = self
            .client
            .post(format!("{}/api/v1/sales/{product}/purchases", self.base))
            .bearer_auth(token(user))
            .header("x-forwarded-for", address)
            .json(&json!({}))
            .send()
            .await
            .expect("answers");
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let body = response.json().await.unwrap_or(Value::Null);
        Answer {
            status,
            body,
            retry_after,
        }
    }

    /// Polls a purchase until it leaves `pending` (at most 30 s).
    pub async fn settled(&self, user: &str, request_id: &str) -> Value {
        let url = format!("{}/api/v1/purchases/{request_id}", self.base);
        for _ in 0..600 {
            let body: Value = self
                .client
                .get(&url)
                .bearer_auth(token(user))
                .send()
                .await
                .expect("answers")
                .json()
                .await
                .expect("json");
            if body["status"] != "pending" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("purchase {request_id} of {user} stayed pending");
    }

    /// The stock the API reports for a product (the stock gate's count). The listing is a
    /// snapshot refreshed every `http.catalog_refresh_ms`, so this first waits three intervals:
    /// the answer then comes from a refresh that started after everything done before the call.
    pub async fn listed_remaining(&self, product: &str) -> u64 {
        let interval = self.settings.http.catalog_refresh_ms.get();
        tokio::time::sleep(Duration::from_millis(3 * interval)).await;
        let sales: Value = self
            .client
            .get(format!("{}/api/v1/sales", self.base))
            .send()
            .await
            .expect("answers")
            .json()
            .await
            .expect("json");
        sales
            .as_array()
            .expect("a list")
            .iter()
            .find(|s| s["productId"] == product)
            .and_then(|s| s["remaining"].as_u64())
            .expect("the sale is listed")
    }

    pub async fn database(&self) -> MySqlPool {
        MySqlPool::connect(self.settings.mysql.url.expose())
            .await
            .expect("database")
    }
}

pub async fn count(pool: &MySqlPool, sql: &str, product: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(product)
        .fetch_one(pool)
        .await
        .expect("query")
}

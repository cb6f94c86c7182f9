//! The embedded wiring runs on the clock it is given: rate limits refill and sale windows close
//! when the test moves the time, not after sleeping through it.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::time::Duration;

use flashsale::{embedded, Profile, Settings};
use flashsale_application::ports::Clock;
use flashsale_http::{mint_token, TokenSecret};
use flashsale_memory::{ManualClock, SystemClock};

const SECRET: &str = "embedded-clock-test-secret";

async fn buy(client: &reqwest::Client, base: &str, user: &str) -> (u16, serde_json::Value) {
    let token = mint_token(
        &TokenSecret::new(SECRET),
        user,
        false,
        Duration::from_secs(600),
    )
    .unwrap();
    let response = client
        .post(format!("{base}/api/v1/sales/demo-phone/purchases"))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn rate_limits_refill_and_the_sale_closes_as_the_given_clock_moves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
    settings.http.bind = "127.0.0.1:0".into();
    settings.auth.token_secret = flashsale::settings::Secret::new(SECRET);
    settings.metrics.enabled = false;
    settings.embedded.storage = flashsale::settings::Storage::Memory;
    settings.demo.seed = true;
    settings.demo.duration_secs = 60;
    // One purchase per second from an address, no burst; nothing else limited.
    settings.rate_limit.per_ip_per_second = 1.0;
    settings.rate_limit.per_ip_burst = 1;
    settings.rate_limit.per_ip_product_per_second = 0.0;
    settings.rate_limit.per_user_per_second = 0.0;
    let clock = ManualClock::at(SystemClock.now());
    let running = embedded::start_with_clock(&settings, clock.clone())
        .await
        .expect("starts");
    let base = format!("http://{}", running.addr().expect("serves the API"));
    let client = reqwest::Client::new();

    assert_eq!(buy(&client, &base, "first").await.0, 202);
    let (status, problem) = buy(&client, &base, "second").await;
    assert_eq!(status, 429, "the bucket is empty: {problem}");
    // However long the wall clock runs, the bucket stays empty until the given clock moves.
    assert_eq!(buy(&client, &base, "second").await.0, 429);
    clock.advance(Duration::from_secs(1));
    assert_eq!(buy(&client, &base, "second").await.0, 202, "refilled");

    clock.advance(Duration::from_secs(61));
    let (status, problem) = buy(&client, &base, "late").await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (409, Some("urn:flashsale:problem:sale-ended")),
        "{problem}"
    );
    running.stop().await.expect("stops cleanly");
}

//! The production profile end to end through HTTP, against real Redis, Kafka and MariaDB:
//! the original stress scenario and the sale's rules, rate limits and restarts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::{address_of, count, settings, start};
use flashsale_test_support::require_stack;
use reqwest::StatusCode;

const ORDERS: &str = "SELECT COUNT(*) FROM orders WHERE product_id = ?";
const DISTINCT_BUYERS: &str = "SELECT COUNT(DISTINCT user_id) FROM orders WHERE product_id = ?";
const DB_REMAINING: &str = "SELECT CAST(remaining AS SIGNED) FROM sales WHERE product_id = ?";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_buyers_of_one_hundred_units_get_exactly_one_hundred_orders() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("hot", 100, -60, 3_600).await;

    let buyers: Vec<_> = (0..500)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let user = format!("buyer-{n}");
                let answer = app.buy_from("hot", &user, &address_of(n)).await;
                (user, answer)
            })
        })
        .collect();
    let mut accepted = Vec::new();
    let mut sold_out = 0;
    for buyer in buyers {
        let (user, answer) = buyer.await.unwrap();
        match answer.status {
            StatusCode::ACCEPTED => {
                accepted.push((user, answer.body["requestId"].as_str().unwrap().to_owned()))
            }
            StatusCode::CONFLICT => {
                assert_eq!(answer.body["type"], "urn:flashsale:problem:sold-out");
                sold_out += 1;
            }
            other => panic!("unexpected {other}: {}", answer.body),
        }
    }
    assert_eq!((accepted.len(), sold_out), (100, 400));
    for (user, request_id) in &accepted {
        let result = app.settled(user, request_id).await;
        assert_eq!(result["status"], "succeeded", "{result}");
    }

    let db = app.database().await;
    assert_eq!(count(&db, ORDERS, "hot").await, 100);
    assert_eq!(count(&db, DISTINCT_BUYERS, "hot").await, 100);
    assert_eq!(count(&db, DB_REMAINING, "hot").await, 0);
    assert_eq!(app.listed_remaining("hot").await, 0, "Redis agrees");
    let users: HashSet<_> = accepted.iter().map(|(u, _)| u).collect();
    assert_eq!(users.len(), 100);
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test]
async fn a_duplicate_buy_and_a_sale_outside_its_window_are_refused() {
    let stack = require_stack!();
    let app = start(settings(stack).await).await;
    app.create_sale("phone", 5, -60, 3_600).await;
    app.create_sale("soon", 5, 3_600, 7_200).await;
    app.create_sale("over", 5, -7_200, -3_600).await;

    assert_eq!(
        app.buy_from("phone", "alice", "10.0.0.1").await.status,
        StatusCode::ACCEPTED
    );
    let again = app.buy_from("phone", "alice", "10.0.0.1").await;
    assert_eq!(
        again.body["type"],
        "urn:flashsale:problem:already-purchased"
    );
    let soon = app.buy_from("soon", "alice", "10.0.0.1").await;
    assert_eq!(soon.body["type"], "urn:flashsale:problem:sale-not-started");
    let over = app.buy_from("over", "alice", "10.0.0.1").await;
    assert_eq!(over.body["type"], "urn:flashsale:problem:sale-ended");
    assert_eq!(app.listed_remaining("soon").await, 5);
    assert_eq!(app.listed_remaining("over").await, 5);
    app.stop().await;
}

#[tokio::test]
async fn flooding_from_one_address_gets_429_while_another_address_still_buys() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.rate_limit.per_ip_per_second = 1.0;
    settings.rate_limit.per_ip_burst = 5;
    let app = start(settings).await;
    app.create_sale("phone", 100, -60, 3_600).await;

    let mut limited = 0;
    for n in 0..20 {
        let answer = app
            .buy_from("phone", &format!("flooder-{n}"), "10.9.9.9")
            .await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(answer.body["type"], "urn:flashsale:problem:rate-limited");
            assert!(answer.retry_after.unwrap() >= 1);
            limited += 1;
        }
    }
    assert!(limited >= 14, "only {limited} of 20 were limited");
    let other = app.buy_from("phone", "honest", "10.1.1.1").await;
    assert_eq!(other.status, StatusCode::ACCEPTED, "{}", other.body);
    app.stop().await;
}

#[tokio::test]
async fn restarting_the_service_in_the_middle_of_a_sale_resets_nothing() {
    let stack = require_stack!();
    let app = start(settings(stack).await).await;
    app.create_sale("phone", 30, -60, 3_600).await;
    let mut accepted = Vec::new();
    for n in 0..10 {
        let user = format!("early-{n}");
        let answer = app.buy_from("phone", &user, &address_of(n)).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
        accepted.push((user, answer.body["requestId"].as_str().unwrap().to_owned()));
    }
    let settings = app.stop().await;

    let app = start(settings).await;
    assert_eq!(
        app.listed_remaining("phone").await,
        20,
        "stock was not reset"
    );
    let again = app.buy_from("phone", "early-0", &address_of(0)).await;
    assert_eq!(
        again.body["type"],
        "urn:flashsale:problem:already-purchased"
    );
    for n in 10..15 {
        let user = format!("late-{n}");
        let answer = app.buy_from("phone", &user, &address_of(n)).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
        accepted.push((user, answer.body["requestId"].as_str().unwrap().to_owned()));
    }
    for (user, request_id) in &accepted {
        assert_eq!(app.settled(user, request_id).await["status"], "succeeded");
    }
    let db = app.database().await;
    assert_eq!(count(&db, ORDERS, "phone").await, 15);
    assert_eq!(count(&db, DB_REMAINING, "phone").await, 15);
    assert_eq!(app.listed_remaining("phone").await, 15);
    app.stop().await;
}

#[tokio::test]
async fn metrics_report_every_hop_of_a_purchase_in_production() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.metrics.gauge_interval_secs = 1;
    let app = start(settings).await;
    app.create_sale("metered", 2, -60, 3_600).await;
    for n in 0..3 {
        let user = format!("metered-{n}");
        let answer = app.buy_from("metered", &user, &address_of(1_000 + n)).await;
        if answer.status == StatusCode::ACCEPTED {
            let request_id = answer.body["requestId"].as_str().unwrap();
            assert_eq!(app.settled(&user, request_id).await["status"], "succeeded");
        }
    }

    // librdkafka reports every 5 s and the gauges are polled every second: wait for both.
    let wanted = [
        r#"flashsale_http_request_duration_seconds_count{route="/api/v1/sales/:productId/purchases",method="POST",status="202"}"#,
        r#"flashsale_stock_gate_duration_seconds_count{op="reserve",outcome="sold_out"}"#,
        r#"flashsale_order_queue_publish_duration_seconds_count{outcome="ok"}"#,
        r#"flashsale_order_store_transaction_duration_seconds_count{outcome="ok"}"#,
        r#"flashsale_order_store_orders_total{outcome="created"}"#,
        r#"flashsale_rate_limiter_decisions_total{key="ip",decision="allowed"}"#,
        r#"flashsale_result_store_duration_seconds_count{op="save",outcome="ok"}"#,
        r#"flashsale_kafka_consumer_batch_size_count"#,
        r#"flashsale_kafka_producer_queue_messages{client="producer"}"#,
        r#"flashsale_kafka_consumer_lag_messages{topic=""#,
        r#"flashsale_stock_remaining{product="metered"} 0"#,
        r#"flashsale_reservations_in_flight{product="metered"} 0"#,
    ];
    let mut text = String::new();
    for _ in 0..100 {
        let response = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        text = response.text().await.expect("text");
        if wanted.iter().all(|line| text.contains(line)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let missing: Vec<_> = wanted.iter().filter(|l| !text.contains(*l)).collect();
    assert!(missing.is_empty(), "missing {missing:#?} in:\n{text}");
    app.stop().await;
}

//! Fault: the database refuses some orders for good (a trigger signals an error for two buyers,
//! as a constraint or a bad value would). The worker tries the batch `refused_attempts` times,
//! then stores its orders one by one: the refused ones are dead-lettered with code
//! `refused-by-store` and the store's reason, their buyers told `failed: rejected`, their units
//! put back on sale; every other order is stored and the partition moves on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dead_letters::{dead_letters, header};
use common::invariants::{assert_invariants, Limits};
use common::stampede::{Buy, Outcome};
use common::{address_of, settings, start, App};
use flashsale_kafka::dead_letter::{CODE_HEADER, REASON_HEADER};
use flashsale_test_support::require_stack;
use rdkafka::Message;
use reqwest::StatusCode;

/// Refuses every order of a buyer whose id starts with `cursed-`, as the database would refuse
/// a row that breaks a rule: an error no retry can fix.
const CURSE: &str = "CREATE TRIGGER refuse_cursed BEFORE INSERT ON orders FOR EACH ROW \
     BEGIN IF NEW.user_id LIKE 'cursed-%' THEN \
     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'cursed buyers may not order'; \
     END IF; END";

async fn buy(app: &App, user: &str, n: usize) -> Buy {
    let answer = app.buy_from("picky", user, &address_of(n)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    Buy {
        user: user.to_owned(),
        outcome: Outcome::Accepted {
            request_id: answer.body["requestId"].as_str().unwrap().to_owned(),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_the_database_refuses_for_good_are_dead_lettered_and_the_partition_moves_on() {
    let stack = require_stack!();
    let mut config = settings(stack).await;
    config.worker.refused_attempts = 2;
    config.worker.retry_backoff_ms = 50;
    let app = start(config).await;
    app.create_sale("picky", 40, -60, 3_600).await;
    sqlx::raw_sql(CURSE)
        .execute(&app.database().await)
        .await
        .expect("the trigger is created");

    let mut buys = Vec::new();
    for n in 0..20 {
        let user = if n % 10 == 3 {
            format!("cursed-{n}")
        } else {
            format!("buyer-{n}")
        };
        buys.push(buy(&app, &user, n).await);
    }
    // The refused orders did not block the partition: a later buyer's order is stored.
    let later = buy(&app, "buyer-late", 99).await;
    let Outcome::Accepted { request_id } = &later.outcome else {
        unreachable!()
    };
    assert_eq!(
        app.settled("buyer-late", request_id).await["status"],
        "succeeded"
    );
    buys.push(later);

    for buy in &buys {
        let Outcome::Accepted { request_id } = &buy.outcome else {
            unreachable!()
        };
        let result = app.settled(&buy.user, request_id).await;
        if buy.user.starts_with("cursed-") {
            assert_eq!(result["status"], "failed", "{result}");
            assert_eq!(result["failure"], "rejected", "{result}");
        } else {
            assert_eq!(result["status"], "succeeded", "{result}");
        }
    }
    let summary = assert_invariants(&app, "picky", &buys, Limits::default()).await;
    assert_eq!(summary.succeeded, 19, "{summary}");
    assert_eq!(
        summary.gate_remaining,
        40 - 19,
        "the refused units are back on sale"
    );

    let dead = dead_letters(&app).await;
    assert_eq!(dead.len(), 2, "one dead letter per refused order");
    for message in &dead {
        assert_eq!(
            header(message, CODE_HEADER).as_deref(),
            Some("refused-by-store")
        );
        let reason = header(message, REASON_HEADER).unwrap_or_default();
        assert!(
            reason.contains("cursed buyers may not order"),
            "the store's reason: {reason}"
        );
        let payload = String::from_utf8_lossy(message.payload().unwrap()).into_owned();
        assert!(payload.contains("cursed-"), "the order itself: {payload}");
    }
    app.stop().await;
}

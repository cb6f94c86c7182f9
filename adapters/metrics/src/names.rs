//! Every metric's name, in one place, with its description for the exporter's `# HELP` lines.
//!
//! Names, types and labels are documented in `docs/metrics.md`; keep the two in step. Names of
//! metrics recorded outside this crate (HTTP, Kafka) are repeated here only to describe them.

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};

/// Histogram: one HTTP request, by `route` (the template), `method` and `status`.
pub const HTTP_REQUEST_DURATION: &str = "flashsale_http_request_duration_seconds";
/// Counter: HTTP requests refused with `503` `overloaded`: the limit on requests in flight was
/// reached.
pub const HTTP_REQUESTS_SHED: &str = "flashsale_http_requests_shed_total";
/// Histogram: one stock gate call (a Lua script in production), by `op` and `outcome`.
pub const STOCK_GATE_DURATION: &str = "flashsale_stock_gate_duration_seconds";
/// Histogram: one order queue publish (Kafka: until the broker acknowledged), by `outcome`.
pub const ORDER_QUEUE_PUBLISH_DURATION: &str = "flashsale_order_queue_publish_duration_seconds";
/// Histogram: one order store transaction (one batch), by `outcome`.
pub const ORDER_STORE_TRANSACTION_DURATION: &str =
    "flashsale_order_store_transaction_duration_seconds";
/// Histogram: reservations per order store transaction.
pub const ORDER_STORE_BATCH_SIZE: &str = "flashsale_order_store_batch_size";
/// Counter: reservations the order store handled, by `outcome`.
pub const ORDER_STORE_ORDERS: &str = "flashsale_order_store_orders_total";
/// Histogram: one rate limiter check, by `key` (`ip` or `user`).
pub const RATE_LIMITER_DURATION: &str = "flashsale_rate_limiter_duration_seconds";
/// Counter: rate limiter decisions, by `key` and `decision`.
pub const RATE_LIMITER_DECISIONS: &str = "flashsale_rate_limiter_decisions_total";
/// Histogram: one result store call, by `op` and `outcome`.
pub const RESULT_STORE_DURATION: &str = "flashsale_result_store_duration_seconds";
/// Histogram: one idempotency store call, by `op` (`begin`, `finish`) and `outcome` (for
/// `begin`: what it found).
pub const IDEMPOTENCY_STORE_DURATION: &str = "flashsale_idempotency_store_duration_seconds";
/// Gauge: reservations taken and neither persisted nor released, by `product`.
pub const RESERVATIONS_IN_FLIGHT: &str = "flashsale_reservations_in_flight";
/// Gauge: units a buyer can still get, by `product`.
pub const STOCK_REMAINING: &str = "flashsale_stock_remaining";
/// Counter: polls of the gauges that failed, by `gauge`.
pub const GAUGE_POLL_ERRORS: &str = "flashsale_gauge_poll_errors_total";
/// Gauge: messages in a Kafka producer's queue, not yet acknowledged, by `client`.
pub const KAFKA_PRODUCER_QUEUE: &str = "flashsale_kafka_producer_queue_messages";
/// Gauge: the order consumer's lag, summed over its assigned partitions, by `topic`.
pub const KAFKA_CONSUMER_LAG: &str = "flashsale_kafka_consumer_lag_messages";
/// Histogram: messages per batch the order consumer gathered.
pub const KAFKA_CONSUMER_BATCH_SIZE: &str = "flashsale_kafka_consumer_batch_size";
/// Counter: messages written to the dead-letter topic, by `code`.
pub const KAFKA_DEAD_LETTERS: &str = "flashsale_kafka_dead_letters_total";

/// Registers every description and unit with the installed recorder.
pub fn describe() {
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "HTTP requests by route template, method and status"
    );
    describe_counter!(
        HTTP_REQUESTS_SHED,
        Unit::Count,
        "HTTP requests refused at once with 503 because the limit on requests in flight was reached"
    );
    describe_histogram!(
        STOCK_GATE_DURATION,
        Unit::Seconds,
        "Stock gate calls (Lua scripts on Redis in production) by operation and outcome"
    );
    describe_histogram!(
        ORDER_QUEUE_PUBLISH_DURATION,
        Unit::Seconds,
        "Order queue publishes, until the queue acknowledged, by outcome"
    );
    describe_histogram!(
        ORDER_STORE_TRANSACTION_DURATION,
        Unit::Seconds,
        "Order store transactions (one per batch) by outcome"
    );
    describe_histogram!(
        ORDER_STORE_BATCH_SIZE,
        Unit::Count,
        "Reservations per order store transaction"
    );
    describe_counter!(
        ORDER_STORE_ORDERS,
        Unit::Count,
        "Reservations the order store handled, by outcome"
    );
    describe_histogram!(
        RATE_LIMITER_DURATION,
        Unit::Seconds,
        "Rate limiter checks by key kind"
    );
    describe_counter!(
        RATE_LIMITER_DECISIONS,
        Unit::Count,
        "Rate limiter decisions by key kind and decision"
    );
    describe_histogram!(
        RESULT_STORE_DURATION,
        Unit::Seconds,
        "Result store calls by operation and outcome"
    );
    describe_histogram!(
        IDEMPOTENCY_STORE_DURATION,
        Unit::Seconds,
        "Idempotency store calls by operation and outcome"
    );
    describe_gauge!(
        RESERVATIONS_IN_FLIGHT,
        Unit::Count,
        "Reservations taken and neither persisted nor released, per product"
    );
    describe_gauge!(
        STOCK_REMAINING,
        Unit::Count,
        "Units still available, per product"
    );
    describe_counter!(
        GAUGE_POLL_ERRORS,
        Unit::Count,
        "Failed polls of the periodic gauges"
    );
    describe_gauge!(
        KAFKA_PRODUCER_QUEUE,
        Unit::Count,
        "Messages in a Kafka producer's queue awaiting acknowledgement"
    );
    describe_gauge!(
        KAFKA_CONSUMER_LAG,
        Unit::Count,
        "Order consumer lag summed over its assigned partitions"
    );
    describe_histogram!(
        KAFKA_CONSUMER_BATCH_SIZE,
        Unit::Count,
        "Messages per batch the order consumer gathered"
    );
    describe_counter!(
        KAFKA_DEAD_LETTERS,
        Unit::Count,
        "Messages written to the dead-letter topic, by the reason's code"
    );
}

//! The Kafka adapter's settings: brokers, topics, consumer group, batching and timeouts.

use std::time::Duration;

/// Everything the producer, the consumer and the topic bootstrap need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaSettings {
    /// `host:port[,host:port…]` of the brokers to bootstrap from.
    pub bootstrap_servers: String,
    /// The topic carrying accepted reservations (see `docs/messages.md`).
    pub topic: String,
    /// Where messages the consumer cannot decode are parked, with the reason in a header.
    pub dead_letter_topic: String,
    /// The topic carrying order events (every change of an order's status, keyed by order id;
    /// see `docs/messages.md`), written by the outbox relay.
    pub order_events_topic: String,
    /// Partitions of the topics when [`crate::ensure_topics`] creates them; the ceiling on
    /// consumer parallelism within one group.
    pub partitions: i32,
    /// Replicas of each partition when [`crate::ensure_topics`] creates the topics.
    pub replication_factor: i32,
    /// The consumer group of the order workers.
    pub group_id: String,
    /// This worker's static member name in the group (`group.instance.id`), stable across its
    /// restarts; `None` for dynamic membership. A static member restarted within
    /// `session_timeout` gets its partitions back at once, without a rebalance; one that stops
    /// for good holds its partitions until `session_timeout` has passed.
    pub group_instance_id: Option<String>,
    /// How long the group waits for a silent member before giving its partitions to others
    /// (`session.timeout.ms`).
    pub session_timeout: Duration,
    /// How long `publish` (and each dead-letter write) may wait for the broker's acknowledgement
    /// before failing; also librdkafka's `message.timeout.ms`. Must exceed `linger`.
    pub delivery_timeout: Duration,
    /// How long the producer waits to fill a batch before sending it (`linger.ms`).
    pub linger: Duration,
    /// Most reservations handed to one `process_orders` call (one transaction).
    pub batch_size: usize,
    /// Longest the consumer waits, after a batch's first message, for the batch to fill.
    pub batch_wait: Duration,
    /// Pause before retrying a failed batch, dead-letter write, commit or broker read.
    pub retry_backoff: Duration,
    /// Times a batch the order store refuses for good is tried before the consumer looks for
    /// the reservations it refuses, one at a time, and dead-letters them (at least 1).
    pub refused_attempts: u32,
    /// `client.id` reported to the brokers (logs, quotas).
    pub client_id: String,
}

impl KafkaSettings {
    /// Settings for these brokers with the documented defaults: topics `flashsale.orders`,
    /// `flashsale.orders.dead-letter` and `flashsale.order-events`, 12 partitions, replication 1 (raise it to 3 in
    /// production), group `flashsale-order-workers` with dynamic membership and a 45 s session
    /// timeout, 5 s delivery timeout, 5 ms linger,
    /// batches of up to 500 reservations filled for at most 20 ms, 500 ms retry backoff, 3
    /// attempts at a batch the order store refuses for good.
    pub fn new(bootstrap_servers: impl Into<String>) -> Self {
        Self {
            bootstrap_servers: bootstrap_servers.into(),
            topic: "flashsale.orders".to_owned(),
            dead_letter_topic: "flashsale.orders.dead-letter".to_owned(),
            order_events_topic: "flashsale.order-events".to_owned(),
            partitions: 12,
            replication_factor: 1,
            group_id: "flashsale-order-workers".to_owned(),
            group_instance_id: None,
            session_timeout: Duration::from_secs(45),
            delivery_timeout: Duration::from_secs(5),
            linger: Duration::from_millis(5),
            batch_size: 500,
            batch_wait: Duration::from_millis(20),
            retry_backoff: Duration::from_millis(500),
            refused_attempts: 3,
            client_id: "flashsale".to_owned(),
        }
    }
}

//! Kafka adapters: the idempotent order producer, the batching consumer with a dead-letter topic,
//! and the order-event publisher.
//!
//! Layout:
//! - [`settings`]: [`KafkaSettings`], everything configurable.
//! - [`codec`]: the v1 order message (JSON, keyed by product id) and its validation.
//! - [`ensure_topics`]: creates the orders and dead-letter topics when missing;
//!   [`check_topics`] reports how existing ones fall short of the settings.
//! - [`KafkaOrderQueue`]: the [`OrderQueue`](flashsale_application::ports::OrderQueue) port,
//!   publishing and awaiting the broker's acknowledgement; `delivery` reads librdkafka's
//!   persistence status of a failed message, so "not written" and "unknown" stay apart.
//! - [`run_order_consumer`]: the consumer group member feeding
//!   [`FlashSale::process_orders`](flashsale_application::FlashSale::process_orders), committing
//!   after each stored batch, dead-lettering what it cannot decode ([`dead_letter`] headers).
//! - [`event_codec`] and [`KafkaEventPublisher`]: the order events relayed from the outbox (the
//!   [`EventPublisher`](flashsale_application::ports::EventPublisher) port), JSON keyed by order
//!   id on the order-events topic (created and checked with the others by
//!   [`ensure_service_topics`], [`check_service_topics`]).
//! - `stats`: librdkafka statistics recorded as gauges (producer queue depth, consumer lag).
//! - [`Ready`]: whether the producer has its producer id and the consumer its assignment.
//!
//! The wire format and delivery guarantees are documented in `docs/messages.md`.

mod backlog;
mod batch;
pub mod codec;
mod consumer;
pub mod dead_letter;
mod delivery;
mod durability;
mod error;
pub mod event_codec;
mod event_publisher;
mod order_queue;
mod producer;
mod ready;
pub mod settings;
mod stats;
mod topics;

pub use codec::{DecodeError, OrderMessage};
pub use consumer::{run_order_consumer, run_order_consumer_reporting};
pub use durability::{check_service_topics, check_topics, shortfalls, TopicShape, TopicShortfall};
pub use error::KafkaError;
pub use event_codec::OrderEventMessage;
pub use event_publisher::KafkaEventPublisher;
pub use order_queue::KafkaOrderQueue;
pub use ready::Ready;
pub use settings::KafkaSettings;
pub use topics::{ensure_service_topics, ensure_topics};

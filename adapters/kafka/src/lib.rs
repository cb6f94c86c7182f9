//! Kafka adapters: the idempotent order producer and the batching consumer with a dead-letter topic.

//! The dead-letter writer: parks undecodable messages with the reason, so they never block a
//! partition.

use std::time::Duration;

use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use rdkafka::Message;

use crate::batch::Rejected;
use crate::producer::idempotent_producer;
use crate::ready::Ready;
use crate::stats::{StatsContext, DEAD_LETTERS};
use crate::{KafkaError, KafkaSettings};

/// Header naming why the message was dead-lettered (human-readable).
pub const REASON_HEADER: &str = "x-dead-letter-reason";
/// Header with a short stable code for the reason (`malformed`, `unsupported-version`, …).
pub const CODE_HEADER: &str = "x-dead-letter-code";
/// Header with the topic the message was read from.
pub const ORIGINAL_TOPIC_HEADER: &str = "x-original-topic";
/// Header with the partition the message was read from (decimal).
pub const ORIGINAL_PARTITION_HEADER: &str = "x-original-partition";
/// Header with the message's offset in that partition (decimal).
pub const ORIGINAL_OFFSET_HEADER: &str = "x-original-offset";

/// Writes rejected messages, key and payload unchanged, to the dead-letter topic.
pub(crate) struct DeadLetters {
    producer: FutureProducer<StatsContext>,
    topic: String,
    delivery_timeout: Duration,
}

impl DeadLetters {
    /// A writer to `settings.dead_letter_topic`.
    pub fn new(settings: &KafkaSettings) -> Result<Self, KafkaError> {
        Ok(Self {
            producer: idempotent_producer(settings, "dead-letter producer", Ready::new())?,
            topic: settings.dead_letter_topic.clone(),
            delivery_timeout: settings.delivery_timeout,
        })
    }

    /// Writes one rejected message and waits for the broker's acknowledgement.
    pub async fn send(&self, rejected: &Rejected) -> Result<(), String> {
        let original = &rejected.message;
        let reason = rejected.error.to_string();
        let partition = original.partition().to_string();
        let offset = original.offset().to_string();
        let headers = OwnedHeaders::new_with_capacity(5)
            .insert(header(REASON_HEADER, &reason))
            .insert(header(CODE_HEADER, rejected.error.code()))
            .insert(header(ORIGINAL_TOPIC_HEADER, original.topic()))
            .insert(header(ORIGINAL_PARTITION_HEADER, &partition))
            .insert(header(ORIGINAL_OFFSET_HEADER, &offset));
        let mut record = FutureRecord::<[u8], [u8]>::to(&self.topic).headers(headers);
        if let Some(key) = original.key() {
            record = record.key(key);
        }
        if let Some(payload) = original.payload() {
            record = record.payload(payload);
        }
        let delivery = self
            .producer
            .send(record, Timeout::After(self.delivery_timeout));
        match tokio::time::timeout(self.delivery_timeout, delivery).await {
            Ok(Ok(_)) => {
                metrics::counter!(DEAD_LETTERS, "code" => rejected.error.code()).increment(1);
                Ok(())
            }
            Ok(Err((error, _))) => Err(error.to_string()),
            Err(_) => Err(format!(
                "no acknowledgement within {:?}",
                self.delivery_timeout
            )),
        }
    }
}

fn header<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}

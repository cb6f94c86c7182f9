//! The dead-letter writer: parks undecodable messages, and orders the store refuses for good,
//! with the reason, so they never block a partition.

use std::time::Duration;

use flashsale_domain::Reservation;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use rdkafka::Message;

use crate::batch::{ReadAt, Rejected};
use crate::codec::{encode, message_key};
use crate::producer::idempotent_producer;
use crate::ready::Ready;
use crate::stats::{StatsContext, DEAD_LETTERS};
use crate::{KafkaError, KafkaSettings};

/// Header naming why the message was dead-lettered (human-readable).
pub const REASON_HEADER: &str = "x-dead-letter-reason";
/// Header with a short stable code for the reason (`malformed`, `unsupported-version`, …).
pub const CODE_HEADER: &str = "x-dead-letter-code";
/// The code of a valid order message whose reservation the order store refuses for good (a data
/// or constraint error that retrying cannot fix); its reason header has the store's error.
pub const REFUSED_BY_STORE: &str = "refused-by-store";
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
        let letter = Letter {
            key: original.key(),
            payload: original.payload(),
            reason: &rejected.error.to_string(),
            code: rejected.error.code(),
            read_at: &ReadAt {
                topic: original.topic().to_owned(),
                partition: original.partition(),
                offset: original.offset(),
            },
        };
        self.write(&letter).await
    }

    /// Writes the message of a reservation the order store refuses for good, re-encoded as it
    /// was read, with the store's reason and [`REFUSED_BY_STORE`] as its code.
    pub async fn send_refused(
        &self,
        reservation: &Reservation,
        reason: &str,
        read_at: &ReadAt,
    ) -> Result<(), String> {
        let payload = encode(reservation).map_err(|error| error.to_string())?;
        let letter = Letter {
            key: Some(message_key(reservation).as_bytes()),
            payload: Some(&payload),
            reason,
            code: REFUSED_BY_STORE,
            read_at,
        };
        self.write(&letter).await
    }

    async fn write(&self, letter: &Letter<'_>) -> Result<(), String> {
        let partition = letter.read_at.partition.to_string();
        let offset = letter.read_at.offset.to_string();
        let headers = OwnedHeaders::new_with_capacity(5)
            .insert(header(REASON_HEADER, letter.reason))
            .insert(header(CODE_HEADER, letter.code))
            .insert(header(ORIGINAL_TOPIC_HEADER, &letter.read_at.topic))
            .insert(header(ORIGINAL_PARTITION_HEADER, &partition))
            .insert(header(ORIGINAL_OFFSET_HEADER, &offset));
        let mut record = FutureRecord::<[u8], [u8]>::to(&self.topic).headers(headers);
        if let Some(key) = letter.key {
            record = record.key(key);
        }
        if let Some(payload) = letter.payload {
            record = record.payload(payload);
        }
        let delivery = self
            .producer
            .send(record, Timeout::After(self.delivery_timeout));
        match tokio::time::timeout(self.delivery_timeout, delivery).await {
            Ok(Ok(_)) => {
                metrics::counter!(DEAD_LETTERS, "code" => letter.code).increment(1);
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

/// One dead letter: the original message's key and payload, and why it is parked.
struct Letter<'a> {
    key: Option<&'a [u8]>,
    payload: Option<&'a [u8]>,
    reason: &'a str,
    code: &'static str,
    read_at: &'a ReadAt,
}

fn header<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}

//! Delivery reports that keep librdkafka's persistence status, which `FutureProducer` drops:
//! a failed message was certainly not written (`NOT_PERSISTED`) or may have been
//! (`POSSIBLY_PERSISTED`: sent, then no acknowledgement), and only the first lets the caller
//! say "nothing was taken".
//!
//! The status is read with `rd_kafka_message_status`, which rdkafka 0.39 does not wrap: the one
//! `unsafe` call of the workspace, below, reads a field of the message librdkafka hands to the
//! delivery callback, while that message is alive.

use std::time::{Duration, Instant};

use rdkafka::bindings::rd_kafka_msg_status_t as RDKafkaMsgStatus;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, DeliveryResult};
use rdkafka::producer::{BaseRecord, ProducerContext, ThreadedProducer};
use rdkafka::statistics::Statistics;
use rdkafka::ClientContext;
use tokio::sync::oneshot;

use crate::stats::StatsContext;

/// How long to wait between attempts to enqueue into a full producer queue.
const QUEUE_FULL_BACKOFF: Duration = Duration::from_millis(5);

/// What became of one message.
#[derive(Debug)]
pub(crate) enum Delivery {
    /// The broker acknowledged it.
    Persisted,
    /// It was certainly not written: never sent, or refused by the broker.
    NotPersisted(KafkaError),
    /// It may have been written: sent, then the acknowledgement did not come (or no delivery
    /// report came at all).
    PossiblyPersisted(Unacknowledged),
}

/// Why a message that may have been written was not acknowledged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unacknowledged {
    /// librdkafka reported the delivery failed, with the status "possibly persisted".
    #[error("the delivery failed after the message was sent (possibly persisted)")]
    Failed(#[source] KafkaError),
    /// The producer was dropped before it reported the delivery.
    #[error("the producer closed before reporting")]
    ProducerClosed,
    /// No delivery report came in time.
    #[error("no delivery report within {0:?}")]
    NoReport(Duration),
}

/// A producer context that records statistics (as [`StatsContext`]) and reports each
/// delivery with its persistence status on the message's own channel.
pub(crate) struct DeliveryContext {
    stats: StatsContext,
}

impl DeliveryContext {
    pub(crate) fn new(stats: StatsContext) -> Self {
        Self { stats }
    }
}

impl ClientContext for DeliveryContext {
    fn stats(&self, statistics: Statistics) {
        self.stats.stats(statistics);
    }
}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = Box<oneshot::Sender<Delivery>>;

    fn delivery(&self, result: &DeliveryResult<'_>, report: Self::DeliveryOpaque) {
        let delivery = match result {
            Ok(_) => Delivery::Persisted,
            Err((error, message)) => match status(message) {
                RDKafkaMsgStatus::RD_KAFKA_MSG_STATUS_NOT_PERSISTED => {
                    Delivery::NotPersisted(error.clone())
                }
                _ => Delivery::PossiblyPersisted(Unacknowledged::Failed(error.clone())),
            },
        };
        // The publisher may have given up waiting; the report is then of no use.
        let _ = report.send(delivery);
    }
}

/// librdkafka's persistence status of a message in a delivery report.
#[allow(unsafe_code)]
fn status(message: &BorrowedMessage<'_>) -> RDKafkaMsgStatus {
    // SAFETY: `message.ptr()` is the `rd_kafka_message_t` librdkafka passed to the delivery
    // callback we are in, valid until the callback returns; `rd_kafka_message_status` only
    // reads it.
    unsafe { rdkafka::bindings::rd_kafka_message_status(message.ptr()) }
}

/// Sends `payload` keyed by `key` and waits for its delivery report, at most `report_within`
/// (longer than librdkafka's own `message.timeout.ms`, so librdkafka, which knows whether the
/// message left, decides first). A queue still full after `report_within` means the message
/// never left.
pub(crate) async fn deliver(
    producer: &ThreadedProducer<DeliveryContext>,
    topic: &str,
    key: &str,
    payload: &[u8],
    report_within: Duration,
) -> Delivery {
    let deadline = Instant::now() + report_within;
    let (sender, receiver) = oneshot::channel();
    let mut record = BaseRecord::with_opaque_to(topic, Box::new(sender))
        .key(key)
        .payload(payload);
    loop {
        match producer.send(record) {
            Ok(()) => break,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned))
                if Instant::now() < deadline =>
            {
                record = returned;
                tokio::time::sleep(QUEUE_FULL_BACKOFF).await;
            }
            Err((error, _)) => return Delivery::NotPersisted(error),
        }
    }
    match tokio::time::timeout_at(deadline.into(), receiver).await {
        Ok(Ok(delivery)) => delivery,
        Ok(Err(_)) => Delivery::PossiblyPersisted(Unacknowledged::ProducerClosed),
        Err(_) => Delivery::PossiblyPersisted(Unacknowledged::NoReport(report_within)),
    }
}

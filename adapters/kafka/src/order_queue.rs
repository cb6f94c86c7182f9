//! The Kafka order queue: publishes each reservation and waits for the broker's acknowledgement,
//! telling a message that certainly was not written from one whose fate is unknown.

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{OrderQueue, PortFailure, QueueBacklog, QueueError};
use flashsale_domain::Reservation;
use rdkafka::producer::ThreadedProducer;

use crate::backlog::BacklogReader;
use crate::codec::{encode, message_key};
use crate::delivery::{deliver, Delivery, DeliveryContext};
use crate::producer::reporting_producer;
use crate::ready::Ready;
use crate::{KafkaError, KafkaSettings};

/// How much longer than librdkafka's own delivery timeout a publish waits for the delivery
/// report: librdkafka, which knows whether the message left, must decide first (its timeout
/// scan runs about once a second).
const REPORT_GRACE: Duration = Duration::from_secs(2);

/// Publishes reservations to the orders topic, keyed by product id. Cheap to clone: clones
/// share one idempotent producer (and its connections and batches).
#[derive(Clone)]
pub struct KafkaOrderQueue {
    inner: Arc<Inner>,
}

struct Inner {
    producer: ThreadedProducer<DeliveryContext>,
    ready: Ready,
    backlog: BacklogReader,
    topic: String,
    delivery_timeout: Duration,
}

impl KafkaOrderQueue {
    /// A queue publishing to `settings.topic`. Connects lazily: brokers that are down make
    /// `publish` fail, not this.
    ///
    /// # Errors
    /// [`KafkaError::Settings`] or [`KafkaError::Client`] for a configuration librdkafka refuses.
    pub fn new(settings: &KafkaSettings) -> Result<Self, KafkaError> {
        let ready = Ready::new();
        Ok(Self {
            inner: Arc::new(Inner {
                producer: reporting_producer(settings, "producer", ready.clone())?,
                ready,
                backlog: BacklogReader::new(settings)?,
                topic: settings.topic.clone(),
                delivery_timeout: settings.delivery_timeout,
            }),
        })
    }
}

impl KafkaOrderQueue {
    /// Set once the producer has its idempotence producer id: until then every publish waits
    /// for it (the first ones after start wait for the broker round trips that obtain it).
    /// librdkafka says so in its statistics, so this lags by up to one statistics interval.
    pub fn ready(&self) -> Ready {
        self.inner.ready.clone()
    }
}

impl OrderQueue for KafkaOrderQueue {
    async fn publish(&self, reservation: &Reservation) -> Result<(), QueueError> {
        let inner = &*self.inner;
        let payload = encode(reservation).map_err(|error| {
            QueueError::Unavailable(PortFailure::caused_by("kafka: encoding the order", error))
        })?;
        let key = message_key(reservation);
        let report_within = inner.delivery_timeout + REPORT_GRACE;
        match deliver(&inner.producer, &inner.topic, key, &payload, report_within).await {
            Delivery::Persisted => Ok(()),
            Delivery::NotPersisted(error) => Err(QueueError::Unavailable(PortFailure::caused_by(
                "kafka: the order was not written",
                error,
            ))),
            Delivery::PossiblyPersisted(why) => Err(QueueError::OutcomeUnknown(
                PortFailure::caused_by("kafka: the order may have been written", why),
            )),
        }
    }

    async fn backlog(&self) -> Result<QueueBacklog, QueueError> {
        let reader = self.inner.backlog.clone();
        tokio::task::spawn_blocking(move || reader.read())
            .await
            .map_err(|error| {
                QueueError::Unavailable(PortFailure::caused_by("kafka: reading the backlog", error))
            })?
            .map_err(|error| {
                QueueError::Unavailable(PortFailure::caused_by("kafka: reading the backlog", error))
            })
    }
}

//! The Kafka order queue: publishes each reservation and waits for the broker's acknowledgement.

use std::sync::Arc;

use flashsale_application::ports::{OrderQueue, QueueError};
use flashsale_domain::Reservation;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;

use crate::codec::{encode, message_key};
use crate::producer::idempotent_producer;
use crate::ready::Ready;
use crate::stats::StatsContext;
use crate::{KafkaError, KafkaSettings};

/// Publishes reservations to the orders topic, keyed by product id. Cheap to clone: clones
/// share one idempotent producer (and its connections and batches).
#[derive(Clone)]
pub struct KafkaOrderQueue {
    inner: Arc<Inner>,
}

struct Inner {
    producer: FutureProducer<StatsContext>,
    ready: Ready,
    topic: String,
    delivery_timeout: std::time::Duration,
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
                producer: idempotent_producer(settings, "producer", ready.clone())?,
                ready,
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
        let payload = encode(reservation).map_err(|e| QueueError::Unavailable(e.to_string()))?;
        let record = FutureRecord::to(&inner.topic)
            .key(message_key(reservation))
            .payload(&payload);
        let delivery = inner
            .producer
            .send(record, Timeout::After(inner.delivery_timeout));
        match tokio::time::timeout(inner.delivery_timeout, delivery).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err((error, _))) => Err(QueueError::Unavailable(format!(
                "the broker did not accept the order: {error}"
            ))),
            Err(_) => Err(QueueError::Unavailable(format!(
                "no acknowledgement from the broker within {:?}",
                inner.delivery_timeout
            ))),
        }
    }
}
